package main

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"ai.portal/local-cluster/internal/podproc"
)

func runningPod(name, node string, cpuRequest string, annotations map[string]string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: name, UID: types.UID("uid-" + name), Annotations: annotations},
		Spec: corev1.PodSpec{NodeName: node, Containers: []corev1.Container{{Name: "main",
			Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{
				corev1.ResourceCPU: resource.MustParse(cpuRequest), corev1.ResourceMemory: resource.MustParse("1Gi")}}}}},
		Status: corev1.PodStatus{Phase: corev1.PodRunning},
	}
}

// A simulated container's CPU counter grows at its annotated rate (or a share of its request); a process-run
// container's follows its processes and never goes down when one of them exits; the node's is their sum.
func TestResourceCountersFollowRatesAndProcesses(t *testing.T) {
	m := newResourceMeter()
	simulated := func(node string) bool { return node == "sim-0" }
	busy := runningPod("busy", "sim-0", "2", map[string]string{annotationCPUUsage: "1500m", annotationMemoryUsage: "300Mi"})
	quiet := runningPod("quiet", "sim-0", "2", nil)
	proc := runningPod("proc", "sim-0", "1", nil)
	elsewhere := runningPod("real-node", "control-plane", "1", nil)
	pods := []*corev1.Pod{busy, quiet, proc, elsewhere}
	t0 := time.Unix(1_000_000, 0)
	usage := func(cpu time.Duration) []podproc.ContainerUsage {
		return []podproc.ContainerUsage{{UID: proc.UID, Container: "main", CPU: cpu, WorkingSetBytes: 200 << 20}}
	}
	m.measure(pods, simulated, usage(5*time.Second), t0)
	uses := m.measure(pods, simulated, usage(7*time.Second), t0.Add(10*time.Second))
	byPod := map[string]containerUse{}
	for _, u := range uses {
		byPod[u.pod] = u
	}
	if len(uses) != 3 {
		t.Fatalf("only the containers of running pods on simulated nodes: %+v", uses)
	}
	if got := byPod["busy"].cpuSeconds; got != 15 {
		t.Errorf("1.5 cores for 10 s: %v CPU seconds", got)
	}
	if got := byPod["busy"].workingSet; got != 300<<20 {
		t.Errorf("annotated memory: %v", got)
	}
	if got := byPod["quiet"].cpuSeconds; got != 2 { // 10 % of 2 cores for 10 s
		t.Errorf("a share of the request: %v CPU seconds", got)
	}
	if got := byPod["quiet"].workingSet; got != 0.5*(1<<30) {
		t.Errorf("half the memory request: %v", got)
	}
	if got := byPod["proc"].cpuSeconds; got != 7 || byPod["proc"].workingSet != 200<<20 {
		t.Errorf("measured: %+v", byPod["proc"])
	}
	// a child of the process exits: its tree's CPU time drops to 4 s, then grows by 1 s; the counter only grows
	uses = m.measure(pods, simulated, usage(4*time.Second), t0.Add(20*time.Second))
	uses = m.measure(pods, simulated, usage(5*time.Second), t0.Add(30*time.Second))
	for _, u := range uses {
		if u.pod == "proc" && u.cpuSeconds != 8 {
			t.Errorf("counter after an exit: %v, want 8", u.cpuSeconds)
		}
	}
	// node: busy 45 + quiet 6 + proc 8
	if got := m.node["sim-0"]; got != 59 {
		t.Errorf("node counter %v, want 59", got)
	}
	rec := httptest.NewRecorder()
	node := h100Node(map[string]string{annotationKwok: "fake"})
	node.Name = "sim-0"
	writeResourceMetrics(rec, []*corev1.Node{node}, m.node, uses)
	body := rec.Body.String()
	for _, want := range []string{
		`node_cpu_usage_seconds_total{node="sim-0"} 59`,
		`container_cpu_usage_seconds_total{container="main",namespace="team-a",node="sim-0",pod="busy"} 45`,
		`container_memory_working_set_bytes{container="main",namespace="team-a",node="sim-0",pod="proc"} 209715200`,
		`pod_cpu_usage_seconds_total{namespace="team-a",node="sim-0",pod="quiet"} 6`,
		"scrape_error 0",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("missing %q in\n%s", want, body)
		}
	}
	// a pod that is gone is forgotten
	m.measure([]*corev1.Pod{busy}, simulated, nil, t0.Add(40*time.Second))
	if _, kept := m.counter["uid-proc/main"]; kept {
		t.Error("a deleted pod's counter is kept")
	}
}
