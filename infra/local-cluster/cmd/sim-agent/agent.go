package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/informers"
	listersv1 "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"

	"ai.portal/local-cluster/internal/podproc"
)

// Pod annotations that shape what the simulator does. Documented in README.md and DESIGN.md.
const (
	annotationGPULoad     = "sim.portal.ai/gpu-load"     // idle | busy | 0-100 (percent utilisation)
	annotationXID         = "sim.portal.ai/xid-error"    // an XID error code the pod's GPUs report (e.g. 79)
	annotationLogProfile  = "sim.portal.ai/log-profile"  // training | notebook | quiet
	annotationLogInterval = "sim.portal.ai/log-interval" // Go duration between log lines, default 1s
	annotationDuration    = "sim.portal.ai/duration"     // read by the KWOK stages (pod-complete/pod-fail)
	annotationOutcome     = "sim.portal.ai/outcome"      // succeed | fail, read by the KWOK stages
)

// agent is the simulated kubelet + DCGM exporter for every KWOK node of the cluster.
type agent struct {
	c     *clients
	state string
	tick  time.Duration

	pods  listersv1.PodLister
	nodes listersv1.NodeLister
	queue workqueue.TypedRateLimitingInterface[string]

	mu      sync.Mutex
	devices *deviceTable
	running map[types.UID]*podRun // pods the agent currently simulates (Running on a simulated node)

	runtimeFlags runtimeFlags
	runtime      *podproc.Runtime // pods of runnable images run as real processes; nil: all simulated
	processes    *processLoad     // the runtime's pods' CPU, which their GPUs' utilisation follows
	energy       *energyMeter
	resources    *resourceMeter // the kubelet's CPU counters of the simulated nodes' containers
}

// podRun is what the agent keeps for one pod it has seen Running.
type podRun struct {
	namespace, name string
	uid             types.UID
	node            string
	containers      []*containerRun
	finished        bool
}

func newAgent(c *clients, state string, tick time.Duration) *agent {
	return &agent{
		c: c, state: state, tick: tick,
		queue:     workqueue.NewTypedRateLimitingQueue(workqueue.DefaultTypedControllerRateLimiter[string]()),
		devices:   newDeviceTable(),
		running:   map[types.UID]*podRun{},
		processes: newProcessLoad(),
		energy:    newEnergyMeter(),
		resources: newResourceMeter(),
	}
}

func (a *agent) run(ctx context.Context, listen string) error {
	factory := informers.NewSharedInformerFactory(a.c.kube, 10*time.Minute)
	podInf := factory.Core().V1().Pods()
	nodeInf := factory.Core().V1().Nodes()
	a.pods = podInf.Lister()
	a.nodes = nodeInf.Lister()
	enqueue := func(obj any) {
		if key, err := cache.DeletionHandlingMetaNamespaceKeyFunc(obj); err == nil {
			a.queue.Add(key)
		}
	}
	if _, err := podInf.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    enqueue,
		UpdateFunc: func(_, n any) { enqueue(n) },
		DeleteFunc: enqueue,
	}); err != nil {
		return err
	}
	health := newHealthReporter(a.c, a.isSimulatedNode)
	if _, err := nodeInf.Informer().AddEventHandler(health.handler()); err != nil {
		return err
	}
	prov := newProvisioner(a.c, a.state)
	prov.register(factory)
	if a.runtimeFlags.config != "" {
		rt, err := a.newRuntime(a.runtimeFlags, factory)
		if err != nil {
			return fmt.Errorf("process runtime: %w", err)
		}
		a.runtime = rt
		prov.onDeleted = rt.RemoveVolume
	}

	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: a.httpHandler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			slog.Error("metrics server", "err", err)
		}
	}()

	factory.Start(ctx.Done())
	for t, ok := range factory.WaitForCacheSync(ctx.Done()) {
		if !ok {
			return fmt.Errorf("cache for %v did not sync", t)
		}
	}
	if a.runtime != nil {
		a.startRuntime()
	}
	a.restoreDeviceAssignments()
	slog.Info("SIMULATED node agent running: writes CRI log files and serves DCGM-named metrics for KWOK nodes",
		"metrics", "http://"+listen+"/metrics", "logs", a.state+"/var/log/containers")

	go prov.run(ctx)
	go health.run(ctx)
	for i := 0; i < 4; i++ {
		go a.worker(ctx)
	}
	go a.logLoop(ctx)
	if a.runtime != nil {
		go a.processes.run(ctx, 2*time.Second, a.runtime.CPUTimes)
	}
	<-ctx.Done()
	a.queue.ShutDown()
	a.stopRuntime()
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(shutdown)
	a.mu.Lock()
	for _, r := range a.running {
		for _, cr := range r.containers {
			cr.close()
		}
	}
	a.mu.Unlock()
	return nil
}

func (a *agent) worker(ctx context.Context) {
	for {
		key, quit := a.queue.Get()
		if quit {
			return
		}
		if err := a.sync(ctx, key); err != nil {
			slog.Warn("sync failed, retrying", "pod", key, "err", err)
			a.queue.AddRateLimited(key)
		} else {
			a.queue.Forget(key)
		}
		a.queue.Done(key)
	}
}

// isSimulatedNode reports whether a node is one KWOK simulates (annotation kwok.x-k8s.io/node=fake).
func (a *agent) isSimulatedNode(name string) (*corev1.Node, bool) {
	n, err := a.nodes.Get(name)
	if err != nil {
		return nil, false
	}
	return n, n.Annotations[annotationKwok] == "fake"
}

// sync is level-triggered: it compares the pod as the API server has it with what the agent simulates.
func (a *agent) sync(ctx context.Context, key string) error {
	ns, name, err := cache.SplitMetaNamespaceKey(key)
	if err != nil {
		return nil
	}
	pod, err := a.pods.Pods(ns).Get(name)
	if err != nil { // deleted: a kubelet removes the pod's log folder and frees its devices
		a.forgetByName(ns, name, true)
		if a.runtime != nil {
			a.runtime.ForgetByName(ns, name, "")
		}
		a.mu.Lock()
		a.devices.releaseByName(ns, name, "")
		a.mu.Unlock()
		return nil
	}
	a.forgetReplaced(pod)
	if pod.Spec.NodeName == "" {
		return nil
	}
	node, ok := a.isSimulatedNode(pod.Spec.NodeName)
	if !ok {
		return nil
	}
	if a.runtime != nil && a.runtime.Runnable(pod) {
		return a.syncProcessPod(ctx, pod, node)
	}
	a.mu.Lock()
	r := a.running[pod.UID]
	a.mu.Unlock()

	switch pod.Status.Phase {
	case corev1.PodRunning:
		if pod.DeletionTimestamp != nil {
			return nil
		}
		if r == nil {
			r = a.start(pod)
		} else {
			a.refreshContainers(r, pod)
			a.mu.Lock()
			a.devices.refresh(pod, false)
			a.mu.Unlock()
		}
		return a.ensureKwokLogs(ctx, pod, r)
	case corev1.PodSucceeded, corev1.PodFailed:
		if r != nil && !r.finished {
			a.finish(r, pod)
		}
	}
	return nil
}

// start begins simulating a pod that went Running: GPUs get device indices, containers get log files.
func (a *agent) start(pod *corev1.Pod) *podRun {
	a.mu.Lock()
	defer a.mu.Unlock()
	if r := a.running[pod.UID]; r != nil {
		return r
	}
	r := &podRun{namespace: pod.Namespace, name: pod.Name, uid: pod.UID, node: pod.Spec.NodeName}
	node, _ := a.isSimulatedNode(pod.Spec.NodeName)
	a.devices.assign(pod, node, false)
	a.running[pod.UID] = r
	a.refreshContainersLocked(r, pod)
	slog.Info("pod running on simulated node", "pod", pod.Namespace+"/"+pod.Name, "node", pod.Spec.NodeName,
		"gpus", a.devices.podDevices(pod.UID))
	return r
}

func (a *agent) refreshContainers(r *podRun, pod *corev1.Pod) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.refreshContainersLocked(r, pod)
}

// refreshContainersLocked opens a log stream for every container whose status names a container ID.
func (a *agent) refreshContainersLocked(r *podRun, pod *corev1.Pod) {
	for _, cs := range pod.Status.ContainerStatuses {
		if cs.State.Running == nil || cs.ContainerID == "" {
			continue
		}
		found := false
		for _, cr := range r.containers {
			if cr.name == cs.Name && cr.restart == cs.RestartCount {
				found = true
			}
		}
		if found {
			continue
		}
		cr, err := openContainerRun(a.state, pod, cs)
		if err != nil {
			slog.Error("cannot open container log", "pod", pod.Namespace+"/"+pod.Name, "container", cs.Name, "err", err)
			continue
		}
		r.containers = append(r.containers, cr)
	}
}

// finish writes the container's last words, closes its log files and frees its GPUs (their metrics lose
// the pod labels, as dcgm-exporter's do when a pod ends). The files stay until the pod is deleted.
func (a *agent) finish(r *podRun, pod *corev1.Pod) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, cr := range r.containers {
		exit := int32(0)
		for _, cs := range pod.Status.ContainerStatuses {
			if cs.Name == cr.name && cs.State.Terminated != nil {
				exit = cs.State.Terminated.ExitCode
			}
		}
		cr.writeFinal(time.Now(), exit)
		cr.close()
	}
	r.finished = true
	a.devices.release(r.uid)
	slog.Info("pod finished on simulated node", "pod", r.namespace+"/"+r.name, "phase", pod.Status.Phase)
}

func (a *agent) forgetByName(ns, name string, removeFiles bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for uid, r := range a.running {
		if r.namespace != ns || r.name != name {
			continue
		}
		for _, cr := range r.containers {
			cr.close()
			if removeFiles {
				cr.remove()
			}
		}
		a.devices.release(uid)
		delete(a.running, uid)
	}
}

// forgetReplaced drops runs of an earlier pod with the same name (a StatefulSet pod recreated between
// two syncs), as a kubelet cleans up the old pod's logs and devices.
func (a *agent) forgetReplaced(pod *corev1.Pod) {
	a.mu.Lock()
	var stale bool
	for uid, r := range a.running {
		if r.namespace == pod.Namespace && r.name == pod.Name && uid != pod.UID {
			stale = true
		}
	}
	a.mu.Unlock()
	if !stale {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	for uid, r := range a.running {
		if r.namespace == pod.Namespace && r.name == pod.Name && uid != pod.UID {
			for _, cr := range r.containers {
				cr.close()
				cr.remove()
			}
			a.devices.release(uid)
			delete(a.running, uid)
		}
	}
}

// restoreDeviceAssignments rebuilds the device table after a restart: pods already Running on simulated
// nodes are assigned in creation order, which is the order a fresh assignment would have used.
func (a *agent) restoreDeviceAssignments() {
	all, err := a.pods.List(labels.Everything())
	if err != nil {
		return
	}
	sort.Slice(all, func(i, j int) bool {
		if !all[i].CreationTimestamp.Equal(&all[j].CreationTimestamp) {
			return all[i].CreationTimestamp.Before(&all[j].CreationTimestamp)
		}
		return all[i].Namespace+"/"+all[i].Name < all[j].Namespace+"/"+all[j].Name
	})
	for _, p := range all {
		if p.Status.Phase != corev1.PodRunning || p.Spec.NodeName == "" || p.DeletionTimestamp != nil {
			continue
		}
		node, ok := a.isSimulatedNode(p.Spec.NodeName)
		switch {
		case !ok:
		case a.runtime != nil && a.runtime.Runnable(p):
			a.mu.Lock()
			a.devices.assign(p, node, true)
			a.mu.Unlock()
		default:
			a.start(p)
		}
	}
}

// logLoop appends log lines for every running container once per tick.
func (a *agent) logLoop(ctx context.Context) {
	t := time.NewTicker(a.tick)
	defer t.Stop()
	lastSweep := time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			a.mu.Lock()
			for _, r := range a.running {
				if r.finished {
					continue
				}
				for _, cr := range r.containers {
					cr.writeDue(now)
				}
			}
			a.mu.Unlock()
			if now.Sub(lastSweep) > 30*time.Second {
				lastSweep = now
				a.sweepLogs()
			}
		}
	}
}

func (a *agent) httpHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/metrics", a.serveMetrics)
	mux.HandleFunc("/metrics/resource", a.serveResourceMetrics)
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = fmt.Fprintln(w, strings.TrimSpace(`
AI Portal sim-agent: a SIMULATOR. The GPUs, containers and log lines behind this endpoint do not exist.
It stands in for the kubelet and NVIDIA's DCGM exporter on nodes simulated by KWOK (sigs.k8s.io/kwok).
/metrics  DCGM-exporter metric names (DCGM_FI_DEV_GPU_UTIL, DCGM_FI_DEV_FB_USED, ...) with synthetic values
/healthz  liveness`))
	})
	return mux
}
