// Command gpufit-bench replays one seeded trace of GPU jobs on the local cluster for each scheduler profile and
// prints what the placement did: whole free 8-GPU nodes over time, stranded GPUs, the wait of 8-GPU jobs, pods
// across interconnect domains, and scheduling throughput. bench.sh gpufit runs it on a fresh cluster; the
// figures go to docs/benchmarks.md. A benchmark, not a test: it asserts nothing.
//
// Each profile gets its own pool of simulated H100 nodes (8 GPUs, two 4-GPU NVLink domains, a private taint) in
// its own namespace, so profiles never share nodes; the same trace (arrival offsets, sizes, durations) is
// replayed on each, one after the other. Durations are time-compressed to seconds; KWOK ends the pods.
//
// --offline N replays the same trace without a cluster through the three profiles' choice rules and gpu-fit's first
// Score (offline.go).
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"math"
	"math/rand"
	"net/http"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/clientcmd"

	"ai.portal/local-cluster/internal/gputopo"
)

type job struct {
	name     string
	at       time.Duration // arrival offset
	gpus     int
	duration time.Duration
}

type options struct {
	kubeconfig, metrics      string
	schedulerMetrics         string
	profiles                 []string
	nodes, jobs, burst       int
	seed                     int64
	arrivalWindow            time.Duration
	minDuration, maxDuration time.Duration
	timeout                  time.Duration
	record                   string // live: write each job's arrival, bind, end and node here (<record>.<profile>.csv)
}

func main() {
	var o options
	var profiles string
	flag.StringVar(&o.kubeconfig, "kubeconfig", os.Getenv("KUBECONFIG"), "admin kubeconfig of the local cluster")
	flag.StringVar(&o.metrics, "agent-metrics", "", "the sim-agent's /metrics URL (GPU indices per pod)")
	flag.StringVar(&o.schedulerMetrics, "scheduler-metrics", "", "kube-scheduler's /metrics URL (its time per pod in the burst)")
	flag.StringVar(&profiles, "profiles", "upstream-default,default-scheduler,gpu-fit", "scheduler profiles to compare")
	flag.IntVar(&o.nodes, "nodes", 64, "8-GPU nodes per profile")
	flag.IntVar(&o.jobs, "jobs", 1000, "jobs in the trace")
	flag.IntVar(&o.burst, "burst", 300, "pods of the throughput burst (fits in the pool at once)")
	flag.Int64Var(&o.seed, "seed", 17, "trace seed")
	flag.DurationVar(&o.arrivalWindow, "arrivals", 200*time.Second, "arrivals are spread over this window (Poisson)")
	flag.DurationVar(&o.minDuration, "min-duration", 10*time.Second, "shortest job")
	flag.DurationVar(&o.maxDuration, "max-duration", 60*time.Second, "longest job")
	flag.DurationVar(&o.timeout, "timeout", 10*time.Minute, "give up on a profile's trace after this long")
	offlineRuns := flag.Int("offline", 0, "replay the trace offline (no cluster) this many times per choice rule, with different tie-breaking")
	flag.DurationVar(&reactionDelay, "reaction-delay", 0, "offline: the scheduler acts this long after an arrival or a departure (0: at once)")
	flag.BoolVar(&backoffOrder, "backoff-order", false, "offline: retry waiting jobs in kube-scheduler's backoff order (newcomers, then by when due), not oldest first")
	flag.StringVar(&o.record, "record", "", "live: write every job's arrival, bind, end and node to <record>.<profile>.csv")
	replayLive := flag.String("replay-live", "", "offline: replay a live run's record (--record) instead of the seeded trace: its arrivals, and as each job's duration the time it ran live")
	flag.Parse()
	o.profiles = strings.Split(profiles, ",")
	if *replayLive != "" {
		trace, err := liveTrace(*replayLive)
		if err != nil {
			fail(err)
		}
		live, err := recordedFigures(*replayLive, o.nodes)
		if err != nil {
			fail(err)
		}
		if err := checkLive(*replayLive, o.nodes); err != nil {
			fail(err)
		}
		if rows, err := readRecord(*replayLive); err == nil {
			untilWhole, afterWhole, n := eightGPUWait(rows)
			say("live-record gpu8_jobs=%d gpu8_wait_until_node_whole_avg_s=%.2f gpu8_wait_after_node_whole_avg_s=%.2f", n, untilWhole, afterWhole)
		}
		say("live-record file=%s jobs=%d finished_by_s=%.2f whole_free_8gpu_nodes_avg=%.2f stranded_gpus_avg=%.2f stranded_gpus_avg_while_jobs_wait=%.2f wait all_avg_s=%.2f all_p95_s=%.2f gpu8_avg_s=%.2f gpu8_p95_s=%.2f",
			*replayLive, len(trace), live.makespan, live.wholeFreeAvg, live.strandedAvg, live.strandedWhileWaiting,
			live.waitAll, live.waitAllP95, live.wait8, live.wait8P95)
		offline(o, trace, max(*offlineRuns, 1))
		return
	}
	if *offlineRuns > 0 {
		offline(o, makeTrace(o), *offlineRuns)
		return
	}

	cfg, err := clientcmd.BuildConfigFromFlags("", o.kubeconfig)
	if err != nil {
		fail(err)
	}
	cfg.QPS, cfg.Burst = 200, 400
	kc := kubernetes.NewForConfigOrDie(cfg)
	sm, err := newSchedulerMetrics(o.schedulerMetrics, cfg)
	if err != nil {
		fail(err)
	}
	trace := makeTrace(o)
	sizes := map[int]int{}
	gpuSeconds := 0.0
	for _, j := range trace {
		sizes[j.gpus]++
		gpuSeconds += float64(j.gpus) * j.duration.Seconds()
	}
	say("trace jobs=%d seed=%d sizes(1/2/4/8)=%d/%d/%d/%d arrivals_over=%s durations=%s-%s offered_load=%.2f (GPU-seconds / (GPUs x arrival window)) nodes=%d gpus=%d",
		len(trace), o.seed, sizes[1], sizes[2], sizes[4], sizes[8], o.arrivalWindow, o.minDuration, o.maxDuration,
		gpuSeconds/(float64(o.nodes*8)*o.arrivalWindow.Seconds()), o.nodes, o.nodes*8)
	bursts := burstFigures{}
	for i, p := range o.profiles {
		ctx := context.Background()
		r := &run{o: o, kc: kc, sm: sm, bursts: bursts, profile: p, pool: fmt.Sprintf("gfb%d-%d", i, time.Now().Unix()%100000)}
		if err := r.do(ctx, trace); err != nil {
			fail(fmt.Errorf("%s: %w", p, err))
		}
	}
	bursts.summarise(o.profiles)
}

// burstFigures are each profile's bursts, in run order. One burst of 300 pods binds in one to two seconds, so the
// machine's load moves it by tens of percent: a profile is compared by the median of several bursts, interleaved
// with the other profile's (--profiles a,b,b,a,...).
type burstFigures map[string][]burstFigure

type burstFigure struct {
	podsPerSec float64
	workMs     float64 // profileWork per bound pod; < 0: not read
}

func (b burstFigures) summarise(profiles []string) {
	seen := map[string]bool{}
	for _, p := range profiles {
		runs := b[p]
		if seen[p] || len(runs) < 2 {
			continue
		}
		seen[p] = true
		var rates, work []float64
		for _, f := range runs {
			rates = append(rates, f.podsPerSec)
			if f.workMs >= 0 {
				work = append(work, f.workMs)
			}
		}
		say("%s.burst_summary runs=%d pods_per_s_median=%.1f mean=%.1f min=%.1f max=%.1f scheduler_work_ms_per_pod_median=%.3f (extension points but Bind, %d runs read)",
			p, len(runs), median(rates), avg(rates), slices.Min(rates), slices.Max(rates), median(work), len(work))
	}
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(v))
	if n := len(s); n%2 == 0 {
		return (s[n/2-1] + s[n/2]) / 2
	}
	return s[len(s)/2]
}

func say(format string, args ...any) { fmt.Printf("BENCH gpufit."+format+"\n", args...) }

func fail(err error) {
	fmt.Fprintln(os.Stderr, "gpufit-bench:", err)
	os.Exit(1)
}

// makeTrace draws the jobs: Poisson arrivals over the window, sizes 1/2/4/8 GPUs with probabilities
// 0.4/0.25/0.2/0.15, durations uniform in [min, max] seconds.
func makeTrace(o options) []job {
	r := rand.New(rand.NewSource(o.seed))
	rate := float64(o.jobs) / o.arrivalWindow.Seconds()
	var out []job
	t := 0.0
	for i := 0; i < o.jobs; i++ {
		t += r.ExpFloat64() / rate
		u := r.Float64()
		g := 8
		switch {
		case u < 0.40:
			g = 1
		case u < 0.65:
			g = 2
		case u < 0.85:
			g = 4
		}
		d := o.minDuration + time.Duration(r.Int63n(int64(o.maxDuration-o.minDuration)/int64(time.Second)+1))*time.Second
		out = append(out, job{name: fmt.Sprintf("j%04d-g%d", i, g), at: time.Duration(t * float64(time.Second)), gpus: g, duration: d})
	}
	return out
}

type run struct {
	o        options
	kc       kubernetes.Interface
	sm       *schedulerMetrics // nil: not read
	bursts   burstFigures
	profile  string
	pool, ns string

	mu      sync.Mutex
	created map[string]time.Time
	bound   map[string]time.Time
	ended   map[string]time.Time
	node    map[string]string
	domains map[string]int // pod -> most interconnect domains its GPUs were seen spanning
}

func (r *run) do(ctx context.Context, trace []job) error {
	r.ns = r.pool
	r.created, r.bound, r.domains = map[string]time.Time{}, map[string]time.Time{}, map[string]int{}
	r.ended, r.node = map[string]time.Time{}, map[string]string{}
	if _, err := r.kc.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: r.ns,
		Labels: map[string]string{"app.kubernetes.io/managed-by": "gpufit-bench"}}}, metav1.CreateOptions{}); err != nil {
		return err
	}
	defer r.cleanUp()
	if err := r.createNodes(ctx); err != nil {
		return err
	}
	factory := informers.NewSharedInformerFactoryWithOptions(r.kc, 0, informers.WithNamespace(r.ns))
	pods := factory.Core().V1().Pods()
	_, _ = pods.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    func(o any) { r.observe(o.(*corev1.Pod)) },
		UpdateFunc: func(_, o any) { r.observe(o.(*corev1.Pod)) },
	})
	stop := make(chan struct{})
	defer close(stop)
	factory.Start(stop)
	factory.WaitForCacheSync(stop)

	if err := r.burst(ctx); err != nil {
		return err
	}

	// the trace
	start := time.Now()
	done := make(chan struct{})
	var samples []sample
	go func() {
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		n := 0
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				all, _ := pods.Lister().List(everything)
				samples = append(samples, r.sample(all))
				if n++; n%3 == 0 {
					r.scrapeDomains()
				}
			}
		}
	}()
	sem := make(chan struct{}, 16)
	var wg sync.WaitGroup
	for _, j := range trace {
		time.Sleep(time.Until(start.Add(j.at)))
		sem <- struct{}{}
		wg.Add(1)
		go func(j job) {
			defer wg.Done()
			defer func() { <-sem }()
			r.createPod(ctx, j.name, j.gpus, j.duration)
		}(j)
	}
	wg.Wait()
	deadline := start.Add(r.o.timeout)
	for {
		all, _ := pods.Lister().List(everything)
		finished := 0
		for _, p := range all {
			if strings.HasPrefix(p.Name, "j") && (p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed) {
				finished++
			}
		}
		if finished == len(trace) || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Second)
	}
	close(done)
	r.scrapeDomains()
	r.report(trace, samples, time.Since(start))
	if r.o.record != "" {
		return r.writeRecord(trace, start)
	}
	return nil
}

var everything = labelsEverything()

// burst measures the scheduler's throughput with this profile: pods that all fit at once (1, 1, 1, 2 GPUs
// round-robin, up to 3/4 of the pool's GPUs) are created while every pool node carries a hold taint they do not
// tolerate, so they all wait; then the taint is lifted from every node and the clock runs from there to the last
// bind. Creating the pods (API server, admission) is thus not counted. They are deleted before the trace.
func (r *run) burst(ctx context.Context) error {
	sizes := []int{1, 1, 1, 2}
	var names []string
	gpus := 0
	for i := 0; len(names) < r.o.burst; i++ {
		g := sizes[i%4]
		if gpus+g > r.o.nodes*8*3/4 {
			break
		}
		gpus += g
		names = append(names, fmt.Sprintf("burst-%04d-g%d", i, g))
	}
	if err := r.hold(ctx, true); err != nil {
		return err
	}
	sem := make(chan struct{}, 16)
	var wg sync.WaitGroup
	for _, n := range names {
		g, _ := strconv.Atoi(n[strings.LastIndex(n, "g")+1:])
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			r.createPod(ctx, n, g, time.Hour)
		}()
	}
	wg.Wait()
	time.Sleep(3 * time.Second) // every pod has had its first, failed attempt
	var before schedTotals
	if r.sm != nil {
		var err error
		if before, err = r.sm.totals(r.profile); err != nil {
			say("%s.burst scheduler_metrics=unreadable (%v)", r.profile, err)
			r.sm = nil
		}
	}
	t0 := time.Now()
	if err := r.hold(ctx, false); err != nil {
		return err
	}
	deadline := time.Now().Add(5 * time.Minute)
	for {
		r.mu.Lock()
		n := 0
		var last time.Time
		for _, name := range names {
			if b, ok := r.bound[name]; ok {
				n++
				if b.After(last) {
					last = b
				}
			}
		}
		r.mu.Unlock()
		if n == len(names) {
			el := last.Sub(t0).Seconds()
			say("%s.burst pods=%d gpus=%d release_to_all_bound_s=%.2f pods_per_s=%.1f", r.profile, n, gpus, el, float64(n)/el)
			fig := burstFigure{podsPerSec: float64(n) / el, workMs: -1}
			if r.sm != nil {
				if after, err := r.sm.totals(r.profile); err == nil {
					attemptMs, points := after.since(before)
					fig.workMs = profileWork(points)
					say("%s.burst scheduler_attempt_ms_per_pod=%.3f load=%s", r.profile, attemptMs, loadAvg())
					say("%s.burst scheduler_extension_point_ms_per_pod %s", r.profile, formatPoints(points))
				}
			}
			if r.bursts != nil {
				r.bursts[r.profile] = append(r.bursts[r.profile], fig)
			}
			break
		}
		if time.Now().After(deadline) {
			say("%s.burst pods=%d bound=%d timeout", r.profile, len(names), n)
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	grace := int64(0)
	for _, n := range names {
		_ = r.kc.CoreV1().Pods(r.ns).Delete(ctx, n, metav1.DeleteOptions{GracePeriodSeconds: &grace})
	}
	// wait until the burst's pods are gone, so the trace starts on empty nodes
	for time.Now().Before(deadline) {
		list, err := r.kc.CoreV1().Pods(r.ns).List(ctx, metav1.ListOptions{})
		if err == nil && len(list.Items) == 0 {
			return nil
		}
		time.Sleep(500 * time.Millisecond)
	}
	return fmt.Errorf("burst pods not gone")
}

func (r *run) createPod(ctx context.Context, name string, gpus int, d time.Duration) {
	g := *resource.NewQuantity(int64(gpus), resource.DecimalSI)
	grace := int64(0)
	p := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Annotations: map[string]string{
			"sim.portal.ai/duration": d.String(), "sim.portal.ai/log-profile": "quiet", "sim.portal.ai/log-interval": "1h"}},
		Spec: corev1.PodSpec{
			SchedulerName:                 r.profile,
			RestartPolicy:                 corev1.RestartPolicyNever,
			TerminationGracePeriodSeconds: &grace,
			NodeSelector:                  map[string]string{"sim.portal.ai/test-pool": r.pool},
			Tolerations: []corev1.Toleration{
				{Key: "nvidia.com/gpu", Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule},
				{Key: "sim.portal.ai/test-pool", Operator: corev1.TolerationOpEqual, Value: r.pool, Effect: corev1.TaintEffectNoSchedule},
			},
			Containers: []corev1.Container{{Name: "main", Image: "registry.example/trainer:1",
				Resources: corev1.ResourceRequirements{
					Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("1"), corev1.ResourceMemory: resource.MustParse("1Gi"), gputopo.ResourceGPU: g},
					Limits:   corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("1Gi"), gputopo.ResourceGPU: g},
				}}},
		},
	}
	r.mu.Lock()
	r.created[name] = time.Now()
	r.mu.Unlock()
	for attempt := 0; attempt < 5; attempt++ {
		if _, err := r.kc.CoreV1().Pods(r.ns).Create(ctx, p, metav1.CreateOptions{}); err == nil {
			return
		} else {
			fmt.Fprintln(os.Stderr, "create", name, err)
		}
		time.Sleep(time.Second)
	}
}

func (r *run) observe(p *corev1.Pod) {
	if p.Spec.NodeName == "" {
		return
	}
	r.mu.Lock()
	if _, ok := r.bound[p.Name]; !ok {
		r.bound[p.Name] = time.Now()
		r.node[p.Name] = p.Spec.NodeName
	}
	if _, ok := r.ended[p.Name]; !ok && (p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed) {
		r.ended[p.Name] = time.Now()
	}
	r.mu.Unlock()
}

type sample struct {
	wholeFree, stranded, free, pending int
	// starting is the GPUs held by bound pods that are not Running yet (KWOK's pod-ready stage still to come);
	// fitNow is how many waiting pods would fit, by count, on a node as the informer shows it: jobs waiting while
	// they fit mean the scheduler (or its view) is behind, not that the pool is full.
	starting, fitNow int
}

// sample reads the pool from the pod informer: GPUs held per node (bound, not finished), whole free nodes, and
// stranded GPUs — free GPUs on nodes with fewer free than the smallest waiting request (none when nothing waits).
// Stranded alone cannot tell a full pool from a busy scheduler: while a 1-GPU job waits it is 0 either way, so the
// free GPUs and the waiting jobs that fit are sampled too.
func (r *run) sample(all []*corev1.Pod) sample {
	held := map[string]int{}
	minWaiting := math.MaxInt
	var waiting []int
	s := sample{}
	for _, p := range all {
		if p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed {
			continue
		}
		g := gputopo.PodGPUs(p)
		if p.Spec.NodeName == "" {
			waiting = append(waiting, g)
			minWaiting = min(minWaiting, g)
			continue
		}
		held[p.Spec.NodeName] += g
		if p.Status.Phase != corev1.PodRunning {
			s.starting += g
		}
	}
	s.pending = len(waiting)
	maxFree := 0
	for i := 0; i < r.o.nodes; i++ {
		free := 8 - held[r.nodeName(i)]
		s.free += free
		maxFree = max(maxFree, free)
		if free == 8 {
			s.wholeFree++
		}
		if s.pending > 0 && free < minWaiting {
			s.stranded += free
		}
	}
	for _, g := range waiting {
		if g <= maxFree {
			s.fitNow++
		}
	}
	return s
}

var utilLine = regexp.MustCompile(`^DCGM_FI_DEV_GPU_UTIL\{gpu="(\d+)".*Hostname="([^"]+)".*namespace="([^"]+)",pod="([^"]+)"`)

// scrapeDomains reads the agent's DCGM series: which GPU indices each pod of this run holds, so which domains.
func (r *run) scrapeDomains() {
	if r.o.metrics == "" {
		return
	}
	resp, err := http.Get(r.o.metrics)
	if err != nil {
		return
	}
	defer resp.Body.Close()
	gpus := map[string][]int{}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		m := utilLine.FindStringSubmatch(sc.Text())
		if m == nil || m[3] != r.ns {
			continue
		}
		i, _ := strconv.Atoi(m[1])
		gpus[m[4]] = append(gpus[m[4]], i)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for pod, idx := range gpus {
		d := map[int]bool{}
		for _, i := range idx {
			d[i/4] = true
		}
		r.domains[pod] = max(r.domains[pod], len(d))
	}
}

func (r *run) report(trace []job, samples []sample, took time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var waits8, waitsAll []float64
	unbound := 0
	for _, j := range trace {
		b, ok := r.bound[j.name]
		if !ok {
			unbound++
			continue
		}
		w := b.Sub(r.created[j.name]).Seconds()
		waitsAll = append(waitsAll, w)
		if j.gpus == 8 {
			waits8 = append(waits8, w)
		}
	}
	multi, seen, seenMulti := 0, 0, 0
	for _, j := range trace {
		if d, ok := r.domains[j.name]; ok {
			if j.gpus <= 4 {
				seen++
				if d > 1 {
					multi++
				}
			}
			if j.gpus > 1 {
				seenMulti++
			}
		}
	}
	var whole, stranded, strandedBusy, busy, freeBusy, starting, fitNow, behind float64
	for _, s := range samples {
		whole += float64(s.wholeFree)
		stranded += float64(s.stranded)
		starting += float64(s.starting)
		if s.pending > 0 {
			busy++
			strandedBusy += float64(s.stranded)
			freeBusy += float64(s.free)
			fitNow += float64(s.fitNow)
			if s.fitNow > 0 {
				behind++
			}
		}
	}
	n := float64(max(len(samples), 1))
	say("%s.trace took_s=%.0f unbound=%d samples=%d whole_free_8gpu_nodes_avg=%.2f stranded_gpus_avg=%.2f stranded_gpus_avg_while_jobs_wait=%.2f (%.0f%% of samples had waiting jobs)",
		r.profile, took.Seconds(), unbound, len(samples), whole/n, stranded/n, strandedBusy/math.Max(busy, 1), 100*busy/n)
	say("%s.pool free_gpus_avg_while_jobs_wait=%.1f waiting_jobs_that_fit_avg=%.1f samples_with_a_waiting_job_that_fits=%.0f%% gpus_held_by_bound_not_running_pods_avg=%.1f",
		r.profile, freeBusy/math.Max(busy, 1), fitNow/math.Max(busy, 1), 100*behind/math.Max(busy, 1), starting/n)
	say("%s.wait all_avg_s=%.1f all_p95_s=%.1f gpu8_jobs=%d gpu8_avg_s=%.1f gpu8_p95_s=%.1f",
		r.profile, avg(waitsAll), pct(waitsAll, 95), len(waits8), avg(waits8), pct(waits8, 95))
	say("%s.domains pods_up_to_4_gpus_seen=%d across_domains=%d (%.1f%%)", r.profile, seen, multi, 100*float64(multi)/math.Max(float64(seen), 1))
}

func avg(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

func pct(v []float64, p float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return s[int(math.Ceil(p/100*float64(len(s))))-1]
}

func (r *run) nodeName(i int) string { return fmt.Sprintf("%s-h100-%d", r.pool, i) }

func (r *run) createNodes(ctx context.Context) error {
	capacity := corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("192"), corev1.ResourceMemory: resource.MustParse("2Ti"),
		corev1.ResourcePods: resource.MustParse("110"), gputopo.ResourceGPU: resource.MustParse("8")}
	for i := 0; i < r.o.nodes; i++ {
		name := r.nodeName(i)
		n := &corev1.Node{
			ObjectMeta: metav1.ObjectMeta{Name: name,
				Labels: map[string]string{"kubernetes.io/hostname": name, "type": "kwok", "sim.portal.ai/test-pool": r.pool,
					"nvidia.com/gpu.present": "true", gputopo.LabelProduct: "NVIDIA-H100-80GB-HBM3", "nvidia.com/gpu.count": "8",
					gputopo.LabelDomainSize: "4"},
				Annotations: map[string]string{"kwok.x-k8s.io/node": "fake", "sim.portal.ai/gpu-model-name": "NVIDIA H100 80GB HBM3"}},
			Spec: corev1.NodeSpec{Taints: []corev1.Taint{
				{Key: "nvidia.com/gpu", Value: "present", Effect: corev1.TaintEffectNoSchedule},
				{Key: "sim.portal.ai/test-pool", Value: r.pool, Effect: corev1.TaintEffectNoSchedule}}},
			Status: corev1.NodeStatus{Capacity: capacity, Allocatable: capacity},
		}
		if _, err := r.kc.CoreV1().Nodes().Create(ctx, n, metav1.CreateOptions{}); err != nil {
			return err
		}
	}
	deadline := time.Now().Add(3 * time.Minute)
	for {
		list, err := r.kc.CoreV1().Nodes().List(ctx, metav1.ListOptions{LabelSelector: "sim.portal.ai/test-pool=" + r.pool})
		ready := 0
		if err == nil {
			for _, n := range list.Items {
				for _, c := range n.Status.Conditions {
					if c.Type == corev1.NodeReady && c.Status == corev1.ConditionTrue {
						ready++
					}
				}
			}
		}
		if ready == r.o.nodes {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d of %d nodes Ready", ready, r.o.nodes)
		}
		time.Sleep(time.Second)
	}
}

// hold sets or lifts the taint sim.portal.ai/bench-hold on every pool node (the pool's own taints stay).
func (r *run) hold(ctx context.Context, on bool) error {
	taints := fmt.Sprintf(`[{"key":"nvidia.com/gpu","value":"present","effect":"NoSchedule"},{"key":"sim.portal.ai/test-pool","value":%q,"effect":"NoSchedule"}`, r.pool)
	if on {
		taints += `,{"key":"sim.portal.ai/bench-hold","value":"true","effect":"NoSchedule"}`
	}
	patch := []byte(`{"spec":{"taints":` + taints + `]}}`)
	errs := make(chan error, r.o.nodes)
	for i := 0; i < r.o.nodes; i++ {
		go func() {
			_, err := r.kc.CoreV1().Nodes().Patch(ctx, r.nodeName(i), types.MergePatchType, patch, metav1.PatchOptions{})
			errs <- err
		}()
	}
	for i := 0; i < r.o.nodes; i++ {
		if err := <-errs; err != nil {
			return err
		}
	}
	return nil
}

// cleanUp deletes the run's namespace and pool nodes and waits until they are gone, so that the next profile's run
// does not share the API server, etcd and KWOK with the deletion of this one's ~1,300 pods (and their Logs objects
// and events). The first runs did not wait, and each profile ran slower than the one before it.
func (r *run) cleanUp() {
	ctx := context.Background()
	t0 := time.Now()
	_ = r.kc.CoreV1().Namespaces().Delete(ctx, r.ns, metav1.DeleteOptions{})
	_ = r.kc.CoreV1().Nodes().DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{LabelSelector: "sim.portal.ai/test-pool=" + r.pool})
	if err := waitGone(ctx, r.kc, r.ns, r.pool, r.o.timeout, time.Second); err != nil {
		say("%s.cleanup gone=false after_s=%.0f (%v): the next profile shares the cluster with this deletion", r.profile, time.Since(t0).Seconds(), err)
		return
	}
	say("%s.cleanup gone=true after_s=%.1f", r.profile, time.Since(t0).Seconds())
}

// waitGone polls until namespace ns no longer exists and no node of pool is left, or limit has passed.
func waitGone(ctx context.Context, kc kubernetes.Interface, ns, pool string, limit, poll time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		_, err := kc.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{})
		nsGone := apierrors.IsNotFound(err)
		nodes, nerr := kc.CoreV1().Nodes().List(ctx, metav1.ListOptions{LabelSelector: "sim.portal.ai/test-pool=" + pool})
		nodesLeft := -1
		if nerr == nil {
			nodesLeft = len(nodes.Items)
		}
		if nsGone && nodesLeft == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("namespace %s gone: %v, pool nodes left: %d", ns, nsGone, nodesLeft)
		}
		time.Sleep(poll)
	}
}

func labelsEverything() labels.Selector { return labels.Everything() }
