package main

// A live run's record (--record) and its offline replay (--replay-live): what the live cluster did with each job —
// when it arrived, when it was bound and to which node, when it ended — so the offline replay can be fed the live
// run's own times instead of the seeded trace's. Live, a job ends when KWOK completes its pod, not exactly one
// duration after the bind, and the scheduler retries waiting pods on its own clock; replaying the live arrivals with
// each job's live running time tells whether the departure times alone change which choice rule is ahead.

import (
	"encoding/csv"
	"fmt"
	"math"
	"math/rand"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/klog/v2"
	"k8s.io/kubernetes/pkg/scheduler/framework"

	"ai.portal/local-cluster/internal/gpufit"
	"ai.portal/local-cluster/internal/gputopo"
)

var recordHeader = []string{"job", "gpus", "arrived_s", "bound_s", "ended_s", "node"}

// writeRecord writes one line per job of the trace, times in seconds since the trace started (empty: never).
func (r *run) writeRecord(trace []job, start time.Time) error {
	path := fmt.Sprintf("%s.%s.csv", r.o.record, r.profile)
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	w := csv.NewWriter(f)
	_ = w.Write(recordHeader)
	at := func(t time.Time, ok bool) string {
		if !ok {
			return ""
		}
		return strconv.FormatFloat(t.Sub(start).Seconds(), 'f', 3, 64)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, j := range trace {
		created, okC := r.created[j.name]
		bound, okB := r.bound[j.name]
		ended, okE := r.ended[j.name]
		_ = w.Write([]string{j.name, strconv.Itoa(j.gpus), at(created, okC), at(bound, okB), at(ended, okE), r.node[j.name]})
	}
	w.Flush()
	say("%s.record file=%s jobs=%d", r.profile, path, len(trace))
	return w.Error()
}

// liveTrace reads a record back as a trace: each job arrives when it arrived live and runs as long as it ran live
// (ended − bound). Jobs that never ended live are left out.
func liveTrace(path string) ([]job, error) {
	rows, err := readRecord(path)
	if err != nil {
		return nil, err
	}
	var out []job
	for _, r := range rows {
		out = append(out, job{name: r.name, gpus: r.gpus, at: seconds(r.arrived), duration: seconds(r.ended - r.bound)})
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].at < out[b].at })
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no job that was bound and ended", path)
	}
	return out, nil
}

// recorded is one complete line of a record: a job that was bound and ended live (times in seconds since the trace
// started).
type recorded struct {
	name                  string
	gpus                  int
	arrived, bound, ended float64
	node                  string
}

// readRecord reads a record's complete lines, in the file's order; jobs never bound or never ended are left out.
func readRecord(path string) ([]recorded, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 || len(rows[0]) != len(recordHeader) {
		return nil, fmt.Errorf("%s: not a gpufit-bench record (header %v)", path, recordHeader)
	}
	var out []recorded
	for _, row := range rows[1:] {
		gpus, err1 := strconv.Atoi(row[1])
		arrived, err2 := strconv.ParseFloat(row[2], 64)
		bound, err3 := strconv.ParseFloat(row[3], 64)
		ended, err4 := strconv.ParseFloat(row[4], 64)
		if err1 != nil || err2 != nil || err3 != nil || err4 != nil || row[5] == "" {
			continue
		}
		out = append(out, recorded{name: row[0], gpus: gpus, arrived: arrived, bound: bound, ended: ended, node: row[5]})
	}
	return out, nil
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// recordedFigures measures a live run's record the way the offline replay measures its own runs — exact event
// times instead of the live bench's one-second samples — so a live run and its offline replays are compared on one
// measure: whole free nodes and stranded GPUs (free GPUs on nodes with fewer free than the smallest waiting request)
// as time averages, and the waits from arrival to bind.
func recordedFigures(path string, nodeCount int) (simResult, error) {
	rows, err := readRecord(path)
	if err != nil {
		return simResult{}, err
	}
	type change struct {
		at      float64
		node    string
		gpus    int  // held on the node: + at a bind, − at an end
		waiting int  // the job's size: starts waiting at arrival (+1), stops at its bind (−1)
		arrives bool // waiting starts (else stops), when waiting > 0
	}
	var changes []change
	var res simResult
	var all, eight []float64
	for _, r := range rows {
		gpus, arrived, bound := r.gpus, r.arrived, r.bound
		changes = append(changes, change{at: arrived, waiting: gpus, arrives: true},
			change{at: bound, waiting: gpus}, change{at: bound, node: r.node, gpus: gpus},
			change{at: r.ended, node: r.node, gpus: -gpus})
		all = append(all, bound-arrived)
		if gpus == 8 {
			eight = append(eight, bound-arrived)
		}
		if gpus <= simDomainSize {
			res.upTo4++
		}
	}
	sort.SliceStable(changes, func(a, b int) bool { return changes[a].at < changes[b].at })
	held := map[string]int{}
	waiting := map[int]int{} // size -> jobs of that size waiting
	now, busy := 0.0, 0.0
	if len(changes) > 0 {
		now = changes[0].at
	}
	start := now
	for _, c := range changes {
		if dt := c.at - now; dt > 0 {
			minWaiting := math.MaxInt
			for size, n := range waiting {
				if n > 0 {
					minWaiting = min(minWaiting, size)
				}
			}
			whole, stranded := nodeCount-len(held), 0
			for _, h := range held {
				if h == 0 {
					whole++
				}
				if minWaiting != math.MaxInt && simGPUs-h < minWaiting {
					stranded += simGPUs - h
				}
			}
			res.wholeFreeAvg += float64(whole) * dt
			res.strandedAvg += float64(stranded) * dt
			if minWaiting != math.MaxInt {
				busy += dt
				res.strandedWhileWaiting += float64(stranded) * dt
			}
			now = c.at
		}
		switch {
		case c.node != "":
			held[c.node] += c.gpus
		case c.arrives:
			waiting[c.waiting]++
		default:
			waiting[c.waiting]--
		}
	}
	span := math.Max(now-start, 1e-9)
	res.makespan = now
	res.wholeFreeAvg /= span
	res.strandedAvg /= span
	res.strandedWhileWaiting /= math.Max(busy, 1e-9)
	res.waitAll, res.waitAllP95 = avg(all), pct(all, 95)
	res.wait8, res.wait8P95 = avg(eight), pct(eight, 95)
	return res, nil
}

// eightGPUWait splits the live waits of the 8-GPU jobs in two: until the node they got was whole (its last earlier
// job ended, or the job arrived, whichever is later) and from then to the bind — the scheduler's reaction to a whole
// node, which its queue (backoff, other pods first) sets, not the choice of nodes. Averages in seconds.
func eightGPUWait(rows []recorded) (untilWhole, afterWhole float64, jobs int) {
	byNode := map[string][]recorded{}
	for _, r := range rows {
		byNode[r.node] = append(byNode[r.node], r)
	}
	for _, r := range rows {
		if r.gpus != 8 {
			continue
		}
		whole := r.arrived
		for _, o := range byNode[r.node] {
			if o.bound < r.bound && o.ended <= r.bound {
				whole = max(whole, o.ended)
			}
		}
		untilWhole += whole - r.arrived
		afterWhole += r.bound - whole
		jobs++
	}
	if jobs == 0 {
		return 0, 0, 0
	}
	return untilWhole / float64(jobs), afterWhole / float64(jobs), jobs
}

// checkLive walks a live record in time order, rebuilding the pool as the record says it was (each bound pod's GPUs
// as gpu-fit's Reserve would pick them on that node), and at every live bind asks the offline rules which nodes they
// would have chosen at that moment: how often the live node is among their best (ties included), and for gpu-fit,
// at which key of its Score the live choice lost. A live gpu-fit that agrees with its own rule on the recorded state
// places as the offline replay does; one that does not saw another state than the record (its cache lagging the
// API server) or scored otherwise.
func checkLive(path string, nodeCount int) error {
	rows, err := readRecord(path)
	if err != nil {
		return err
	}
	type ev struct {
		at   float64
		job  int
		bind bool
	}
	var evs []ev
	type rec struct {
		gpus int
		node string
	}
	var jobs []rec
	prefix := ""
	for _, r := range rows {
		if i := strings.LastIndex(r.node, "-"); i > 0 {
			prefix = r.node[:i+1]
		}
		jobs = append(jobs, rec{gpus: r.gpus, node: r.node})
		evs = append(evs, ev{at: r.bound, job: len(jobs) - 1, bind: true}, ev{at: r.ended, job: len(jobs) - 1})
	}
	// at equal times an end first: the record observed both, and a pod bound the moment another ended used its GPUs
	sort.SliceStable(evs, func(a, b int) bool {
		if evs[a].at != evs[b].at {
			return evs[a].at < evs[b].at
		}
		return !evs[a].bind && evs[b].bind
	})
	nodes := make([]*simNode, nodeCount)
	index := map[string]int{}
	for i := range nodes {
		name := fmt.Sprintf("%s%d", prefix, i)
		n := simKubeNode(name)
		info := framework.NewNodeInfo()
		info.SetNode(n)
		nodes[i] = &simNode{topo: gputopo.NewNode(n, simGPUs), info: info}
		index[name] = i
	}
	rules := simRules()
	var fit, most rule
	for _, r := range rules {
		switch r.name {
		case "gpu-fit":
			fit = r
		case "default-scheduler":
			most = r
		}
	}
	pods := make([]*v1.Pod, len(jobs))
	held := make([][]int, len(jobs))
	binds, agreeFit, agreeMost, overfull := 0, 0, 0, 0
	lostAt := map[string]int{}
	for _, e := range evs {
		j := jobs[e.job]
		ni, ok := index[j.node]
		if !ok {
			return fmt.Errorf("%s: node %s is not one of %s0..%d", path, j.node, prefix, nodeCount-1)
		}
		n := nodes[ni]
		if !e.bind {
			if pods[e.job] != nil {
				n.topo.Release(held[e.job])
				_ = n.info.RemovePod(klog.Background(), pods[e.job])
				n.pods--
			}
			continue
		}
		pod := simPod(e.job, job{name: fmt.Sprintf("r%04d", e.job), gpus: j.gpus})
		if n.topo.Free() < j.gpus {
			overfull++ // the record's end came later than the bind that needed its GPUs: skip the check, keep going
		} else {
			binds++
			if best := bestNodes(fit, nodes, pod, j.gpus); best[ni] {
				agreeFit++
			} else {
				lostAt[lostKey(nodes, ni, best, j.gpus)]++
			}
			if bestNodes(most, nodes, pod, j.gpus)[ni] {
				agreeMost++
			}
		}
		pl := gpufit.Place(n.topo, n.pods, j.gpus)
		devices := pl.Devices
		if !pl.Fits {
			devices = nil
			for i := 0; i < simGPUs && len(devices) < j.gpus; i++ {
				if n.topo.Take([]int{i}) {
					devices = append(devices, i)
				}
			}
			n.topo.Release(devices)
		}
		n.topo.Take(devices)
		pod.Spec.NodeName = n.topo.Name
		pod.Annotations[gputopo.AnnotationDevices] = gputopo.FormatIndices(devices)
		pod.Status.StartTime = &metav1.Time{Time: simEpoch.Add(seconds(e.at))}
		n.info.AddPod(pod)
		n.pods++
		pods[e.job], held[e.job] = pod, devices
	}
	keys := make([]string, 0, len(lostAt))
	for k := range lostAt {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var lost []string
	for _, k := range keys {
		lost = append(lost, fmt.Sprintf("%s=%d", k, lostAt[k]))
	}
	say("check-live file=%s binds_checked=%d live_node_among_gpu_fit_best=%.1f%% live_node_among_most_allocated_best=%.1f%% binds_before_the_recorded_end_freed_the_gpus=%d gpu_fit_lost_at=[%s]",
		path, binds, 100*float64(agreeFit)/math.Max(float64(binds), 1), 100*float64(agreeMost)/math.Max(float64(binds), 1),
		overfull, strings.Join(lost, " "))
	return nil
}

// bestNodes is the set of nodes a rule scores best for the pod now (every tie).
func bestNodes(r rule, nodes []*simNode, pod *v1.Pod, want int) map[int]bool {
	best := map[int]bool{}
	first, _ := r.choose(nodes, pod, want, rand.New(rand.NewSource(1)))
	if first < 0 {
		return best
	}
	// the rules pick one of the equals at random: ask again with other seeds until no new node turns up for a while
	best[first] = true
	for seed, quiet := int64(2), 0; quiet < 40; seed++ {
		i, _ := r.choose(nodes, pod, want, rand.New(rand.NewSource(seed)))
		if best[i] {
			quiet++
		} else {
			best[i], quiet = true, 0
		}
	}
	return best
}

// lostKey names the first key of gpu-fit's Score at which the live node's placement is worse than the best one's.
func lostKey(nodes []*simNode, live int, best map[int]bool, want int) string {
	var b int
	for i := range best {
		b = i
		break
	}
	if len(best) == 0 {
		return "no-node-fits"
	}
	l := gpufit.Place(nodes[live].topo, nodes[live].pods, want)
	o := gpufit.Place(nodes[b].topo, nodes[b].pods, want)
	switch {
	case !l.Fits:
		return "does-not-fit"
	case l.FragDelta != o.FragDelta:
		return "fragmentation"
	case (l.Domains <= 1) != (o.Domains <= 1):
		return "domain"
	case l.GPUPods != o.GPUPods:
		return "gpu-pods"
	default:
		return "best-fit"
	}
}
