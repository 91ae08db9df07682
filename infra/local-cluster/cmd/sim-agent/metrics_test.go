package main

import (
	"bufio"
	"bytes"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

func h100Node(annotations map[string]string) *corev1.Node {
	a := map[string]string{annotationModel: "NVIDIA H100 80GB HBM3", annotationPowerW: "700"}
	for k, v := range annotations {
		a[k] = v
	}
	return &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "sim-h100-0",
		Labels:      map[string]string{labelGPUProduct: "NVIDIA-H100-80GB-HBM3", labelGPUMemory: "81559"},
		Annotations: a},
		Status: corev1.NodeStatus{Capacity: corev1.ResourceList{resourceGPU: resource.MustParse("8")}}}
}

// An annotation changed on a running pod (a test making a notebook busy, a GPU failing) shows at the next scrape.
func TestAnnotationsOfARunningPodReachItsGPUs(t *testing.T) {
	node := h100Node(nil)
	d := newDeviceTable()
	pod := gpuPod("nb-0", 2, corev1.RestartPolicyAlways)
	pod.Spec.NodeName = node.Name
	d.assign(pod, node, false)
	idle := nodeSamples(node, d.slots(node.Name, 8), time.Now(), nil)
	if !strings.Contains(idle[1].labels, `pod="nb-0"`) || idle[0].util > 3 || idle[1].fbUsed < 500 ||
		idle[1].fbUsed > 1000 || idle[0].xid != 0 {
		t.Fatalf("a notebook's GPUs start idle: %+v", idle[:2])
	}
	pod.Annotations = map[string]string{annotationGPULoad: "busy", annotationXID: "79"}
	d.refresh(pod, false)
	busy := nodeSamples(node, d.slots(node.Name, 8), time.Now(), nil)
	for _, g := range busy[:2] {
		if g.util < 80 || g.fbUsed < 0.5*float64(g.fbTotal) || g.power < 0.7*700 || g.temp < 70 || g.xid != 79 {
			t.Errorf("busy GPU with XID 79: %+v", g)
		}
	}
	if busy[2].util != 0 || busy[2].xid != 0 {
		t.Errorf("a free GPU changed too: %+v", busy[2])
	}
}

// Pods of the process runtime: their GPUs follow the CPU of the pod's processes.
func TestProcessPodsFollowTheirCPU(t *testing.T) {
	node := h100Node(nil)
	slots := make([]slot, 8)
	slots[0] = slot{used: true, namespace: "team-a", pod: "nb-0", container: "notebook", uid: "busy", load: loadProcess}
	slots[1] = slot{used: true, namespace: "team-a", pod: "nb2-0", container: "notebook", uid: "quiet", load: loadProcess}
	levels := map[types.UID]float64{"busy": 0.95, "quiet": 0.004}
	s := nodeSamples(node, slots, time.Now(), func(uid types.UID) float64 { return levels[uid] })
	if s[0].util < 85 || s[0].power < 0.75*700 {
		t.Errorf("a kernel computing on a core: %+v", s[0])
	}
	if s[1].util > 3 || s[1].fbUsed > 1000 || s[1].power > 0.2*700 {
		t.Errorf("a notebook waiting for its user: %+v", s[1])
	}
	if nodeSamples(node, slots, time.Now(), nil)[0].util > 3 {
		t.Error("without measurements a process pod must read idle")
	}
}

func TestProcessLoadIsTheCPURateSmoothed(t *testing.T) {
	p := newProcessLoad()
	t0 := time.Unix(1000, 0)
	p.observe(t0, map[types.UID]time.Duration{"a": 10 * time.Second, "b": time.Second})
	p.observe(t0.Add(2*time.Second), map[types.UID]time.Duration{"a": 12 * time.Second, "b": time.Second})
	if got := p.level("a"); got < 0.49 || got > 0.51 {
		t.Errorf("one busy core after one interval: %v, want 0.5 (smoothed from 0)", got)
	}
	p.observe(t0.Add(4*time.Second), map[types.UID]time.Duration{"a": 14 * time.Second, "b": time.Second})
	if got := p.level("a"); got < 0.74 {
		t.Errorf("busy core for two intervals: %v", got)
	}
	if p.level("b") != 0 {
		t.Errorf("an idle pod: %v", p.level("b"))
	}
	p.observe(t0.Add(6*time.Second), map[types.UID]time.Duration{"a": 3 * time.Second})
	if got := p.level("a"); got > 0.4 {
		t.Errorf("CPU time went down (a kernel exited): counted as idle, got %v", got)
	}
	if _, kept := p.prev["b"]; kept {
		t.Error("a pod gone from the runtime is forgotten")
	}
}

func TestNodeXIDAnnotationMarksGPUsWhetherHeldOrNot(t *testing.T) {
	node := h100Node(map[string]string{annotationNodeXID: "1:79, 3:48,bad"})
	slots := make([]slot, 8)
	slots[3] = slot{used: true, namespace: "team-a", pod: "p", container: "c", load: "busy"}
	s := nodeSamples(node, slots, time.Now(), nil)
	if s[1].xid != 79 || s[3].xid != 48 || s[0].xid != 0 {
		t.Fatalf("xids: %d %d %d", s[0].xid, s[1].xid, s[3].xid)
	}
	var out bytes.Buffer
	w := bufio.NewWriter(&out)
	m, _ := metricNamed("DCGM_FI_DEV_XID_ERRORS")
	writeSamples(w, m, s[:2], "")
	_ = w.Flush()
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if !strings.HasSuffix(lines[0], `,err_code="0",err_msg="No Error"} 0`) ||
		!strings.HasSuffix(lines[1], `,err_code="79",err_msg="GPU has fallen off the bus"} 79`) {
		t.Errorf("XID lines: %q", lines)
	}
}

func TestEnergyIsPowerIntegratedAndNeverDecreases(t *testing.T) {
	e := newEnergyMeter()
	t0 := time.Unix(1000, 0)
	s := []gpuSample{{uuid: "GPU-1", power: 100}}
	e.add(s, t0)
	s[0].power = 300
	e.add(s, t0.Add(10*time.Second))
	if s[0].energyMJ != 300*10*1000 {
		t.Errorf("energy after 10 s at 300 W: %v mJ", s[0].energyMJ)
	}
	s[0].power = 50
	e.add(s, t0.Add(5*time.Second)) // an out-of-order scrape adds nothing
	if s[0].energyMJ != 300*10*1000 {
		t.Errorf("energy went back: %v", s[0].energyMJ)
	}
}

// The simulated exporter serves exactly the DCGM metrics infra/monitoring/known-metrics.txt lists as the
// exporter's, which the dashboard and rule checks accept as existing.
func TestExporterNamesAreTheCatalogues(t *testing.T) {
	b, err := os.ReadFile("../../../monitoring/known-metrics.txt")
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	section := ""
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "[") {
			section = strings.Trim(line, "[]")
			continue
		}
		if section == "dcgm-exporter" && line != "" && !strings.HasPrefix(line, "#") {
			listed = append(listed, strings.Fields(line)[0])
		}
	}
	var served []string
	for _, m := range dcgmMetrics {
		served = append(served, m.name)
	}
	sort.Strings(listed)
	sort.Strings(served)
	if strings.Join(listed, ",") != strings.Join(served, ",") {
		t.Errorf("known-metrics.txt [dcgm-exporter] lists %v, the exporter serves %v", listed, served)
	}
}

// The history for promtool's backfill is OpenMetrics: one family after another, timestamps in seconds, # EOF.
func TestHistoryUsesTheLiveLabelsAndTimestamps(t *testing.T) {
	node := *h100Node(map[string]string{annotationKwok: "fake"})
	pod := *gpuPod("train-x", 2, corev1.RestartPolicyNever)
	pod.Spec.NodeName = node.Name
	pod.Status.Phase = corev1.PodRunning
	simulated, table := assignAsNow([]corev1.Node{node}, []corev1.Pod{pod})
	if len(simulated) != 1 || len(table.podDevices(pod.UID)) != 2 {
		t.Fatalf("assignment: %d nodes, devices %v", len(simulated), table.podDevices(pod.UID))
	}
	var out bytes.Buffer
	w := bufio.NewWriter(&out)
	m, _ := metricNamed("DCGM_FI_DEV_GPU_UTIL")
	writeSamples(w, m, nodeSamples(simulated[0], table.slots(node.Name, 8), time.Unix(1700000000, 0), nil), "1700000000.000")
	_ = w.Flush()
	re := regexp.MustCompile(`^DCGM_FI_DEV_GPU_UTIL\{gpu="0",UUID="GPU-[0-9a-f-]+",.*,container="main",namespace="team-a",pod="train-x"\} \d+ 1700000000\.000$`)
	if first := strings.SplitN(out.String(), "\n", 2)[0]; !re.MatchString(first) {
		t.Errorf("history line: %q", first)
	}
}
