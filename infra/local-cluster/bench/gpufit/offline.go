package main

// The offline replay (--offline): the same trace, no cluster. Each choice rule places the jobs on 64 modelled
// nodes in event-driven time — arrivals, departures one duration after the bind, and after every event a pass over
// the waiting jobs in arrival order (FIFO with backfill: a job that fits now is bound even if an older one still
// waits, as kube-scheduler's retries do). Binding takes no time, so the figures show what each rule's choices do
// to the pool, not how fast a scheduler or an API server is. A simulation, not the live cluster.

import (
	"context"
	"fmt"
	"math"
	"math/rand"
	"slices"
	"sort"
	"time"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/klog/v2"
	fwk "k8s.io/kube-scheduler/framework"
	"k8s.io/kubernetes/pkg/scheduler/framework"

	"ai.portal/local-cluster/internal/gpufit"
	"ai.portal/local-cluster/internal/gputopo"
)

// The modelled node: what the bench's nodes have (createNodes) and what its pods request (createPod).
const (
	simGPUs       = 8
	simDomainSize = 4
	simCPU        = 192  // cores; each pod requests 1
	simMemGi      = 2048 // GiB; each pod requests 1
)

// simNode is one node as both sides see it: the GPU indices held (gputopo, as the agent's device assignment and
// gpu-fit's nodeState build them) and the scheduler's NodeInfo with the pods and their gpu-devices annotation, which
// gpu-fit's Filter and Score read.
type simNode struct {
	topo *gputopo.Node
	info *framework.NodeInfo
	pods int
}

// rule picks a node for a pod among nodes (nil: none fits) and the GPU indices it gets there. observe, when set,
// is told the time and the waiting jobs' sizes before every pass (the variants of variants_test.go read them).
type rule struct {
	name    string
	choose  func(nodes []*simNode, pod *v1.Pod, want int, rng *rand.Rand) (node int, devices []int)
	observe func(now float64, waiting []int)
	// holds: a job of more than half a node that fits nowhere is nominated to the node gpufit.NominationChoice picks,
	// as gpu-fit's PostFilter does; other jobs do not fit there while it is nominated (kube-scheduler counts a
	// nominated pod of equal priority as holding its resources when it filters other pods), and the job is tried on
	// it first
	holds bool
}

// simEpoch is time 0 of a replay: bound pods get StartTime simEpoch + their bind time, as the kubelet would set it.
var simEpoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func simRules() []rule {
	g, err := gpufit.New(context.Background(), nil, nil)
	if err != nil {
		panic(err)
	}
	plugin := g.(interface {
		fwk.FilterPlugin
		fwk.ScorePlugin
	})
	return []rule{
		{name: "upstream-default", choose: byResourceScore(stockScore)},
		{name: "default-scheduler", choose: byResourceScore(mostAllocatedScore)},
		{name: "gpu-fit", choose: pluginRule(plugin), holds: true},
		{name: "gpu-fit-no-hold", choose: pluginRule(plugin)},
		// gpu-fit's Score before the GPU-pod key (fragmentation, domain, best fit), kept to show what that key does:
		// the same devices (gpufit.Place), ties at random like the others
		{name: "gpu-fit-v1", choose: func(nodes []*simNode, pod *v1.Pod, want int, rng *rand.Rand) (int, []int) {
			var idx []int
			var scores []int64
			for i, n := range nodes {
				if !fitsByCount(n, want) || !plugin.Filter(context.Background(), nil, pod, n.info).IsSuccess() {
					continue
				}
				pl := gpufit.Place(n.topo, 0, want) // no pods: the key is 0 everywhere
				idx, scores = append(idx, i), append(scores, gpufit.RawScore(pl))
			}
			if len(idx) == 0 {
				return -1, nil
			}
			best := idx[pickMax(scores, rng)]
			return best, gpufit.Place(nodes[best].topo, 0, want).Devices
		}},
	}
}

// pluginRule is the gpu-fit profile: NodeResourcesFit's count filter, then the plugin's own Filter, Score and
// NormalizeScore on the nodes' NodeInfos, the best rank (ties at random), and the devices its Reserve would pick.
func pluginRule(plugin interface {
	fwk.FilterPlugin
	fwk.ScorePlugin
}) func([]*simNode, *v1.Pod, int, *rand.Rand) (int, []int) {
	return func(nodes []*simNode, pod *v1.Pod, want int, rng *rand.Rand) (int, []int) {
		ctx := context.Background()
		var scores fwk.NodeScoreList
		var idx []int
		for i, n := range nodes {
			if !fitsByCount(n, want) { // NodeResourcesFit, which still filters in the profile
				continue
			}
			if st := plugin.Filter(ctx, nil, pod, n.info); !st.IsSuccess() {
				continue
			}
			s, st := plugin.Score(ctx, nil, pod, n.info)
			if !st.IsSuccess() {
				panic(st.Message())
			}
			scores = append(scores, fwk.NodeScore{Name: n.topo.Name, Score: s})
			idx = append(idx, i)
		}
		if len(scores) == 0 {
			return -1, nil
		}
		if err := plugin.ScoreExtensions().NormalizeScore(ctx, nil, pod, scores); !err.IsSuccess() {
			panic(err.Message())
		}
		raw := make([]int64, len(scores))
		for k, s := range scores {
			raw[k] = s.Score
		}
		best := idx[pickMax(raw, rng)]
		// Reserve: the devices gpu-fit's Place (the same Choose on the same holdings) gives on that node
		return best, gpufit.Place(nodes[best].topo, nodes[best].pods, want).Devices
	}
}

func fitsByCount(n *simNode, want int) bool { return n.topo.Free() >= want && n.pods < 110 }

// byResourceScore is a NodeResourcesFit-style profile: filter by count, score every fitting node, take the best
// (ties at random, as kube-scheduler's selectHost), and let the node's device assignment choose the GPUs.
func byResourceScore(score func(n *simNode, want int) int64) func([]*simNode, *v1.Pod, int, *rand.Rand) (int, []int) {
	return func(nodes []*simNode, _ *v1.Pod, want int, rng *rand.Rand) (int, []int) {
		var idx []int
		var scores []int64
		for i, n := range nodes {
			if fitsByCount(n, want) {
				idx = append(idx, i)
				scores = append(scores, score(n, want))
			}
		}
		if len(idx) == 0 {
			return -1, nil
		}
		best := idx[pickMax(scores, rng)]
		devices, _ := nodes[best].topo.Choose(want)
		return best, devices
	}
}

// stockScore is the stock profile: NodeResourcesFit LeastAllocated on cpu and memory (weight 1 each) plus
// NodeResourcesBalancedAllocation, with the pod's own request counted, in the framework's integer arithmetic.
func stockScore(n *simNode, _ int) int64 {
	p := int64(n.pods + 1)
	least := ((simCPU-p)*100/simCPU + (simMemGi-p)*100/simMemGi) / 2
	cpu, mem := float64(p)/simCPU, float64(p)/simMemGi
	balanced := int64((1 - math.Abs(cpu-mem)/2) * 100)
	return least + balanced
}

// mostAllocatedScore is the shipped default-scheduler profile: NodeResourcesFit MostAllocated on nvidia.com/gpu
// (weight 10), cpu and memory (1 each); BalancedAllocation off.
func mostAllocatedScore(n *simNode, want int) int64 {
	g := int64(simGPUs - n.topo.Free() + want)
	p := int64(n.pods + 1)
	return (g*100/simGPUs*10 + p*100/simCPU + p*100/simMemGi) / 12
}

// pickMax returns the index of the highest score, a random one among equals.
func pickMax(scores []int64, rng *rand.Rand) int {
	best, ties := -1, 0
	for i, s := range scores {
		switch {
		case best < 0 || s > scores[best]:
			best, ties = i, 1
		case s == scores[best]:
			ties++
			if rng.Intn(ties) == 0 {
				best = i
			}
		}
	}
	return best
}

// simResult is what one replay of the trace under one rule did.
type simResult struct {
	makespan             float64 // s until the last job ended
	wholeFreeAvg         float64 // whole free 8-GPU nodes, time average over the makespan
	strandedAvg          float64 // stranded GPUs (the live bench's definition), time average
	strandedWhileWaiting float64 // the same over the time jobs waited
	waitAll, waitAllP95  float64
	wait8, wait8P95      float64
	acrossDomains, upTo4 int // pods of at most 4 GPUs whose GPUs span two domains
	maxPending           int
	gpuBusy              float64 // GPU-seconds held / (GPUs x makespan)
}

type simEvent struct {
	at   float64
	job  int  // -1: a scheduling pass (with a reaction delay)
	done bool // a departure, else an arrival
}

// reactionDelay (--reaction-delay) is how long after an arrival or a departure the replay's scheduler acts on it: 0
// is the replay's ideal scheduler, which binds at the very instant; a live scheduler learns of a departure through
// the kubelet's status, the API server and its informer, and binds through the API server again.
var reactionDelay time.Duration

// backoffOrder (--backoff-order) retries waiting jobs as kube-scheduler's queue does instead of oldest first: a job
// that failed k times is in backoff for 1 s × 2^(k-1) (at most podMaxBackoff) after its last try; the active queue
// (newcomers, and jobs out of backoff, by timestamp) goes first, and the backoff queue is popped, by when due, only
// when nothing else is active (SchedulerPopFromBackoffQ). So a job that failed often — the large one — lets every
// newcomer try first while its backoff lasts.
var backoffOrder bool

// podMaxBackoff is kube-scheduler's default podMaxBackoffSeconds. Lowering it (to its least, 1 s) changes nothing in
// this order: every pass retries every waiting job and refreshes its last try, and passes come more often than
// once a second, so a job that failed is always still in backoff at the next one.
const podMaxBackoff = 10.0

// replay runs the trace through one rule. tieSeed seeds the random choice among equally scored nodes.
func replay(trace []job, nodeCount int, r rule, tieSeed int64) simResult {
	rng := rand.New(rand.NewSource(tieSeed))
	nodes := make([]*simNode, nodeCount)
	for i := range nodes {
		n := simKubeNode(fmt.Sprintf("sim-h100-%d", i))
		info := framework.NewNodeInfo()
		info.SetNode(n)
		nodes[i] = &simNode{topo: gputopo.NewNode(n, simGPUs), info: info}
	}
	pods := make([]*v1.Pod, len(trace))
	for i, j := range trace {
		pods[i] = simPod(i, j)
	}
	attempts := make([]int, len(trace))
	lastTry := make([]float64, len(trace))
	where := make([]int, len(trace))
	held := make([][]int, len(trace))
	bound := make([]float64, len(trace))
	nominatedTo := make([]int, len(trace)) // node index + 1; 0: none
	holder := make([]int, nodeCount)       // job index + 1 nominated to the node; 0: none

	var events []simEvent
	for i, j := range trace {
		events = append(events, simEvent{at: j.at.Seconds(), job: i})
	}
	push := func(e simEvent) {
		k := sort.Search(len(events), func(k int) bool { return events[k].at > e.at })
		events = append(events, simEvent{})
		copy(events[k+1:], events[k:])
		events[k] = e
	}
	sort.SliceStable(events, func(a, b int) bool { return events[a].at < events[b].at })

	var res simResult
	var pending []int // job indices in arrival order
	now, heldGPUs := 0.0, 0
	var busy, gpuSeconds float64
	account := func(until float64) {
		dt := until - now
		if dt <= 0 {
			return
		}
		whole, stranded := 0, 0
		minWaiting := math.MaxInt
		for _, k := range pending {
			minWaiting = min(minWaiting, trace[k].gpus)
		}
		for _, n := range nodes {
			f := n.topo.Free()
			if f == simGPUs {
				whole++
			}
			if len(pending) > 0 && f < minWaiting {
				stranded += f
			}
		}
		res.wholeFreeAvg += float64(whole) * dt
		res.strandedAvg += float64(stranded) * dt
		if len(pending) > 0 {
			busy += dt
			res.strandedWhileWaiting += float64(stranded) * dt
		}
		gpuSeconds += float64(heldGPUs) * dt
		now = until
	}
	passDue := false
	for len(events) > 0 {
		t := events[0].at
		account(t)
		pass := reactionDelay == 0
		for len(events) > 0 && events[0].at == t {
			e := events[0]
			events = events[1:]
			if e.job < 0 {
				pass, passDue = true, false
				continue
			}
			if !passDue && reactionDelay > 0 {
				push(simEvent{at: t + reactionDelay.Seconds(), job: -1})
				passDue = true
			}
			if !e.done {
				pending = append(pending, e.job)
				continue
			}
			n := nodes[where[e.job]]
			n.topo.Release(held[e.job])
			if err := n.info.RemovePod(klog.Background(), pods[e.job]); err != nil {
				panic(err)
			}
			n.pods--
			heldGPUs -= trace[e.job].gpus
		}
		res.maxPending = max(res.maxPending, len(pending))
		if r.observe != nil {
			sizes := make([]int, len(pending))
			for i, k := range pending {
				sizes[i] = trace[k].gpus
			}
			r.observe(t, sizes)
		}
		if !pass {
			continue
		}
		if backoffOrder {
			// kube-scheduler's queue: the active queue first — newcomers and jobs whose backoff is over, by their
			// timestamp (arrival, or the last try: a failed try refreshes it) — then the backoff queue by when due
			key := func(k int) (int, float64) {
				if attempts[k] == 0 {
					return 0, trace[k].at.Seconds()
				}
				if d := due(attempts[k], lastTry[k]); d > t {
					return 1, d
				}
				return 0, lastTry[k]
			}
			sort.SliceStable(pending, func(a, b int) bool {
				ca, ka := key(pending[a])
				cb, kb := key(pending[b])
				return ca < cb || ca == cb && ka < kb
			})
		}
		// one pass over the waiting jobs, oldest first (or as due, above)
		still := pending[:0]
		for _, k := range pending {
			want := trace[k].gpus
			ni, devices := -1, []int(nil)
			if r.holds {
				ni, devices = chooseWithHolds(r, nodes, holder, nominatedTo, k, pods[k], want, rng)
			} else {
				ni, devices = r.choose(nodes, pods[k], want, rng)
			}
			if ni < 0 {
				still = append(still, k)
				attempts[k]++
				lastTry[k] = t
				continue
			}
			if nn := nominatedTo[k]; nn > 0 {
				holder[nn-1], nominatedTo[k] = 0, 0
			}
			n := nodes[ni]
			if !n.topo.Take(devices) {
				panic(fmt.Sprintf("%s: devices %v not free on %s", r.name, devices, n.topo.Name))
			}
			pods[k].Spec.NodeName = n.topo.Name
			pods[k].Annotations[gputopo.AnnotationDevices] = gputopo.FormatIndices(devices)
			pods[k].Status.StartTime = &metav1.Time{Time: simEpoch.Add(time.Duration(t * float64(time.Second)))}
			n.info.AddPod(pods[k])
			n.pods++
			heldGPUs += want
			where[k], held[k], bound[k] = ni, devices, t
			if want <= simDomainSize {
				res.upTo4++
				if n.topo.DomainsSpanned(devices) > 1 {
					res.acrossDomains++
				}
			}
			push(simEvent{at: t + trace[k].duration.Seconds(), job: k, done: true})
		}
		pending = still
	}
	res.makespan = now
	res.wholeFreeAvg /= now
	res.strandedAvg /= now
	res.strandedWhileWaiting /= math.Max(busy, 1e-9)
	res.gpuBusy = gpuSeconds / (float64(nodeCount*simGPUs) * now)
	var all, eight []float64
	for i, j := range trace {
		w := bound[i] - j.at.Seconds()
		all = append(all, w)
		if j.gpus == 8 {
			eight = append(eight, w)
		}
	}
	res.waitAll, res.waitAllP95 = avg(all), pct(all, 95)
	res.wait8, res.wait8P95 = avg(eight), pct(eight, 95)
	return res
}

func simKubeNode(name string) *v1.Node {
	capacity := v1.ResourceList{v1.ResourceCPU: *resource.NewQuantity(simCPU, resource.DecimalSI),
		v1.ResourceMemory: resource.MustParse(fmt.Sprintf("%dGi", simMemGi)), v1.ResourcePods: resource.MustParse("110"),
		gputopo.ResourceGPU: *resource.NewQuantity(simGPUs, resource.DecimalSI)}
	return &v1.Node{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{
		gputopo.LabelProduct: "NVIDIA-H100-80GB-HBM3", gputopo.LabelDomainSize: fmt.Sprint(simDomainSize)}},
		Status: v1.NodeStatus{Capacity: capacity, Allocatable: capacity}}
}

func simPod(i int, j job) *v1.Pod {
	g := *resource.NewQuantity(int64(j.gpus), resource.DecimalSI)
	return &v1.Pod{ObjectMeta: metav1.ObjectMeta{Name: j.name, Namespace: "sim", UID: types.UID(fmt.Sprintf("sim-%d", i)),
		Annotations: map[string]string{}},
		Spec: v1.PodSpec{Containers: []v1.Container{{Name: "main", Resources: v1.ResourceRequirements{
			Requests: v1.ResourceList{v1.ResourceCPU: resource.MustParse("1"), v1.ResourceMemory: resource.MustParse("1Gi"), gputopo.ResourceGPU: g},
			Limits:   v1.ResourceList{v1.ResourceMemory: resource.MustParse("1Gi"), gputopo.ResourceGPU: g}}}}}}
}

// offline replays the trace under every rule, runs times each with different tie-breaking, and prints the mean
// and the range of each figure.
func offline(o options, trace []job, runs int) {
	for _, r := range simRules() {
		var rs []simResult
		for s := 0; s < runs; s++ {
			rs = append(rs, replay(trace, o.nodes, r, int64(s+1)))
		}
		f := func(get func(simResult) float64) string {
			lo, hi, sum := math.Inf(1), math.Inf(-1), 0.0
			for _, x := range rs {
				v := get(x)
				lo, hi, sum = math.Min(lo, v), math.Max(hi, v), sum+v
			}
			if hi-lo < 0.005 {
				return fmt.Sprintf("%.2f", sum/float64(len(rs)))
			}
			return fmt.Sprintf("%.2f[%.2f..%.2f]", sum/float64(len(rs)), lo, hi)
		}
		say("offline.%s runs=%d finished_by_s=%s whole_free_8gpu_nodes_avg=%s stranded_gpus_avg=%s stranded_gpus_avg_while_jobs_wait=%s gpu_busy=%s max_waiting=%s",
			r.name, runs, f(func(x simResult) float64 { return x.makespan }), f(func(x simResult) float64 { return x.wholeFreeAvg }),
			f(func(x simResult) float64 { return x.strandedAvg }), f(func(x simResult) float64 { return x.strandedWhileWaiting }),
			f(func(x simResult) float64 { return x.gpuBusy }), f(func(x simResult) float64 { return float64(x.maxPending) }))
		say("offline.%s wait all_avg_s=%s all_p95_s=%s gpu8_avg_s=%s gpu8_p95_s=%s pods_up_to_4_gpus_across_domains=%s of %d",
			r.name, f(func(x simResult) float64 { return x.waitAll }), f(func(x simResult) float64 { return x.waitAllP95 }),
			f(func(x simResult) float64 { return x.wait8 }), f(func(x simResult) float64 { return x.wait8P95 }),
			f(func(x simResult) float64 { return float64(x.acrossDomains) }), rs[0].upTo4)
	}
}

// chooseWithHolds is one try of job k under a rule that holds nodes: its nominated node first, as kube-scheduler
// tries a pod's nominated node before any other; else the rule among the nodes nobody else holds; else, for a job
// of more than half a node, a nomination (kept while it still fits there in principle, as gpu-fit's PostFilter keeps
// it).
func chooseWithHolds(r rule, nodes []*simNode, holder, nominatedTo []int, k int, pod *v1.Pod, want int,
	rng *rand.Rand) (int, []int) {
	if nn := nominatedTo[k] - 1; nn >= 0 {
		if devices, ok := nodes[nn].topo.Choose(want); ok && fitsByCount(nodes[nn], want) {
			return nn, devices
		}
	}
	var open []*simNode
	var index []int
	var candidates []gpufit.NominationCandidate
	for i, n := range nodes {
		if h := holder[i]; h != 0 && h-1 != k {
			continue
		}
		open, index = append(open, n), append(index, i)
		candidates = append(candidates, gpufit.NominationCandidate{Node: n.topo.Name, Healthy: n.topo.Healthy(),
			Free: n.topo.Free(), GPUPods: n.pods})
	}
	if i, devices := r.choose(open, pod, want, rng); i >= 0 {
		return index[i], devices
	}
	if nominatedTo[k] == 0 {
		if c, ok := gpufit.NominationChoice(candidates, want); ok {
			i := index[slices.IndexFunc(candidates, func(n gpufit.NominationCandidate) bool { return n.Node == c })]
			holder[i], nominatedTo[k] = k+1, i+1
		}
	}
	return -1, nil
}

// due is when a job that failed attempts (> 0) times, last at lastTry, leaves kube-scheduler's backoff.
func due(attempts int, lastTry float64) float64 {
	return lastTry + math.Min(math.Pow(2, float64(attempts-1)), podMaxBackoff)
}
