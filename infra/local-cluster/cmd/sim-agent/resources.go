package main

import (
	"bufio"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/labels"

	"ai.portal/local-cluster/internal/podproc"
)

// Pod annotations for the resource use of simulated (not process-run) containers; documented in README.md.
const (
	annotationCPUUsage    = "sim.portal.ai/cpu-usage"    // CPU each container uses, a quantity ("250m", "1.5")
	annotationMemoryUsage = "sim.portal.ai/memory-usage" // memory each container uses, a quantity ("300Mi")
)

// Without the annotations, a simulated container uses this share of what it requests (or these amounts when it
// requests nothing): a steady, plausible figure rather than none, so that the metrics APIs answer for every pod.
const (
	simulatedCPUShare    = 0.1
	simulatedMemoryShare = 0.5
	simulatedCPUDefault  = 0.01     // cores
	simulatedMemDefault  = 32 << 20 // bytes
)

// containerUse is one container at one scrape: its CPU counter and working set.
type containerUse struct {
	node, namespace, pod, container string
	cpuSeconds                      float64
	workingSet                      float64
	started                         time.Time
}

// resourceMeter keeps the kubelet's CPU counters: a counter never goes down, although a process tree's CPU
// time does when a process of it exits, and a simulated container's is its rate integrated over time. Each
// node's counter is the sum of what its containers used since the agent started.
type resourceMeter struct {
	mu       sync.Mutex
	seen     time.Time
	reported map[string]time.Duration // per uid/container: the process tree's CPU time at the previous scrape
	counter  map[string]float64       // per uid/container: CPU seconds so far
	node     map[string]float64       // per node: CPU seconds so far
}

func newResourceMeter() *resourceMeter {
	return &resourceMeter{reported: map[string]time.Duration{}, counter: map[string]float64{}, node: map[string]float64{}}
}

// measure computes every running container of pods on simulated nodes at now: process-run containers from
// their processes (usage), the others from their annotations or requests.
func (m *resourceMeter) measure(pods []*corev1.Pod, simulated func(node string) bool, usage []podproc.ContainerUsage,
	now time.Time) []containerUse {
	m.mu.Lock()
	defer m.mu.Unlock()
	elapsed := 0.0
	if !m.seen.IsZero() && now.After(m.seen) {
		elapsed = now.Sub(m.seen).Seconds()
	}
	m.seen = now
	measured := map[string]podproc.ContainerUsage{}
	for _, u := range usage {
		measured[string(u.UID)+"/"+u.Container] = u
	}
	live := map[string]bool{}
	var out []containerUse
	for _, pod := range pods {
		if pod.Status.Phase != corev1.PodRunning || pod.DeletionTimestamp != nil || !simulated(pod.Spec.NodeName) {
			continue
		}
		started := now
		if pod.Status.StartTime != nil {
			started = pod.Status.StartTime.Time
		}
		for _, c := range pod.Spec.Containers {
			key := string(pod.UID) + "/" + c.Name
			use := containerUse{node: pod.Spec.NodeName, namespace: pod.Namespace, pod: pod.Name, container: c.Name,
				started: started}
			var delta float64
			if u, ok := measured[key]; ok {
				if prev, seen := m.reported[key]; seen && u.CPU > prev {
					delta = (u.CPU - prev).Seconds()
				} else if !seen {
					delta = u.CPU.Seconds()
				}
				m.reported[key] = u.CPU
				use.workingSet = float64(u.WorkingSetBytes)
				use.started = u.Started
			} else {
				if _, seen := m.counter[key]; seen {
					delta = simulatedCPU(pod, c) * elapsed
				}
				use.workingSet = simulatedMemory(pod, c)
			}
			m.counter[key] += delta
			m.node[use.node] += delta
			use.cpuSeconds = m.counter[key]
			live[key] = true
			out = append(out, use)
		}
	}
	for key := range m.counter {
		if !live[key] {
			delete(m.counter, key)
			delete(m.reported, key)
		}
	}
	return out
}

func simulatedCPU(pod *corev1.Pod, c corev1.Container) float64 {
	if q, err := resource.ParseQuantity(pod.Annotations[annotationCPUUsage]); err == nil {
		return q.AsApproximateFloat64()
	}
	if req, ok := c.Resources.Requests[corev1.ResourceCPU]; ok && !req.IsZero() {
		return simulatedCPUShare * req.AsApproximateFloat64()
	}
	return simulatedCPUDefault
}

func simulatedMemory(pod *corev1.Pod, c corev1.Container) float64 {
	if q, err := resource.ParseQuantity(pod.Annotations[annotationMemoryUsage]); err == nil {
		return q.AsApproximateFloat64()
	}
	if req, ok := c.Resources.Requests[corev1.ResourceMemory]; ok && !req.IsZero() {
		return simulatedMemoryShare * req.AsApproximateFloat64()
	}
	return simulatedMemDefault
}

// serveResourceMetrics is the kubelet's /metrics/resource (what metrics-server and Prometheus read from a node),
// for every simulated node at once: the same families, with a node label added to each series to tell the
// nodes apart. Prometheus scrapes it; the prometheus-adapter turns it into the metrics.k8s.io API.
func (a *agent) serveResourceMetrics(w http.ResponseWriter, _ *http.Request) {
	pods, err := a.pods.List(labels.Everything())
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	sort.Slice(pods, func(i, j int) bool {
		return pods[i].Namespace+"/"+pods[i].Name < pods[j].Namespace+"/"+pods[j].Name
	})
	var usage []podproc.ContainerUsage
	if a.runtime != nil {
		usage = a.runtime.Usage()
	}
	simulated := func(node string) bool { _, ok := a.isSimulatedNode(node); return ok }
	uses := a.resources.measure(pods, simulated, usage, time.Now())
	nodes, err := a.nodes.List(labels.Everything())
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	a.resources.mu.Lock()
	nodeCPU := make(map[string]float64, len(a.resources.node))
	for n, v := range a.resources.node {
		nodeCPU[n] = v
	}
	a.resources.mu.Unlock()
	writeResourceMetrics(w, nodes, nodeCPU, uses)
}

func writeResourceMetrics(w http.ResponseWriter, nodes []*corev1.Node, nodeCPU map[string]float64, uses []containerUse) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	bw := bufio.NewWriterSize(w, 64<<10)
	defer func() { _ = bw.Flush() }()
	nodeMemory := map[string]float64{}
	for _, u := range uses {
		nodeMemory[u.node] += u.workingSet
	}
	sort.Slice(nodes, func(i, j int) bool { return nodes[i].Name < nodes[j].Name })
	num := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	header := func(name, help, kind string) {
		fmt.Fprintf(bw, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, kind)
	}
	fmt.Fprintln(bw, "# AI Portal sim-agent: the kubelet's resource metrics of SIMULATED nodes. Process-run containers are measured; the others are simulated.")
	header("node_cpu_usage_seconds_total", "Cumulative cpu time consumed by the node in core-seconds", "counter")
	for _, n := range nodes {
		if n.Annotations[annotationKwok] == "fake" {
			fmt.Fprintf(bw, "node_cpu_usage_seconds_total{node=%q} %s\n", n.Name, num(nodeCPU[n.Name]))
		}
	}
	header("node_memory_working_set_bytes", "Current working set of the node in bytes", "gauge")
	for _, n := range nodes {
		if n.Annotations[annotationKwok] == "fake" {
			fmt.Fprintf(bw, "node_memory_working_set_bytes{node=%q} %s\n", n.Name, num(nodeMemory[n.Name]))
		}
	}
	type podKey struct{ node, namespace, pod string }
	podCPU, podMemory := map[podKey]float64{}, map[podKey]float64{}
	var podOrder []podKey
	for _, u := range uses {
		k := podKey{u.node, u.namespace, u.pod}
		if _, seen := podCPU[k]; !seen {
			podOrder = append(podOrder, k)
		}
		podCPU[k] += u.cpuSeconds
		podMemory[k] += u.workingSet
	}
	header("pod_cpu_usage_seconds_total", "Cumulative cpu time consumed by the pod in core-seconds", "counter")
	for _, k := range podOrder {
		fmt.Fprintf(bw, "pod_cpu_usage_seconds_total{namespace=%q,node=%q,pod=%q} %s\n", k.namespace, k.node, k.pod, num(podCPU[k]))
	}
	header("pod_memory_working_set_bytes", "Current working set of the pod in bytes", "gauge")
	for _, k := range podOrder {
		fmt.Fprintf(bw, "pod_memory_working_set_bytes{namespace=%q,node=%q,pod=%q} %s\n", k.namespace, k.node, k.pod, num(podMemory[k]))
	}
	container := func(u containerUse) string {
		return fmt.Sprintf("{container=%q,namespace=%q,node=%q,pod=%q}", u.container, u.namespace, u.node, u.pod)
	}
	header("container_cpu_usage_seconds_total", "Cumulative cpu time consumed by the container in core-seconds", "counter")
	for _, u := range uses {
		fmt.Fprintf(bw, "container_cpu_usage_seconds_total%s %s\n", container(u), num(u.cpuSeconds))
	}
	header("container_memory_working_set_bytes", "Current working set of the container in bytes", "gauge")
	for _, u := range uses {
		fmt.Fprintf(bw, "container_memory_working_set_bytes%s %s\n", container(u), num(u.workingSet))
	}
	header("container_start_time_seconds", "Start time of the container since unix epoch in seconds", "gauge")
	for _, u := range uses {
		fmt.Fprintf(bw, "container_start_time_seconds%s %d\n", container(u), u.started.Unix())
	}
	header("scrape_error", "1 if there was an error while getting container metrics, 0 otherwise", "gauge")
	fmt.Fprintln(bw, "scrape_error 0")
}
