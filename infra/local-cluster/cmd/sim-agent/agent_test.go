package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"ai.portal/local-cluster/internal/gputopo"
)

func TestDefaultTopologyMatchesTheIssue(t *testing.T) {
	topo, err := loadTopology("../../nodes.yaml", 0)
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	gpus := map[string]int{}
	for _, n := range topo.nodes() {
		p := n.Labels[labelGPUProduct]
		count[p]++
		q := n.Status.Capacity[resourceGPU]
		gpus[p] = int(q.Value())
		if p != "" {
			if len(n.Spec.Taints) != 1 || n.Spec.Taints[0].Key != "nvidia.com/gpu" || n.Spec.Taints[0].Effect != corev1.TaintEffectNoSchedule {
				t.Errorf("%s: taint %v", n.Name, n.Spec.Taints)
			}
			if n.Labels[labelGPUCount] == "" || n.Labels[labelGPUMemory] == "" {
				t.Errorf("%s: GFD labels missing: %v", n.Name, n.Labels)
			}
		}
	}
	want := map[string][2]int{"NVIDIA-H100-80GB-HBM3": {4, 8}, "NVIDIA-A100-SXM4-80GB": {4, 4}, "Tesla-T4": {2, 2}, "": {3, 0}}
	for p, w := range want {
		if count[p] != w[0] || gpus[p] != w[1] {
			t.Errorf("%q: %d nodes x %d GPUs, want %d x %d", p, count[p], gpus[p], w[0], w[1])
		}
	}
	big, _ := loadTopology("../../nodes.yaml", 10)
	if len(big.nodes()) != 130 || big.totalGPUs() != 520 {
		t.Errorf("scale 10: %d nodes, %d GPUs", len(big.nodes()), big.totalGPUs())
	}
}

func TestNodesReportEphemeralStorageAsAKubeletWould(t *testing.T) {
	topo, err := loadTopology("../../nodes.yaml", 0)
	if err != nil {
		t.Fatal(err)
	}
	byPool := map[string]*corev1.Node{}
	for _, n := range topo.nodes() {
		byPool[n.Labels[labelPool]] = n
	}
	// capacity from nodes.yaml, or the default for a pool that states none (t4); allocatable less the kubelet's 10%
	for pool, want := range map[string]string{"h100": "6Ti", "a100": "1500Gi", "cpu": "500Gi", "t4": "200Gi"} {
		n := byPool[pool]
		if n == nil {
			t.Fatalf("no node of pool %s", pool)
		}
		capacity := n.Status.Capacity[corev1.ResourceEphemeralStorage]
		allocatable := n.Status.Allocatable[corev1.ResourceEphemeralStorage]
		w := resource.MustParse(want)
		if capacity.Cmp(w) != 0 {
			t.Errorf("%s: ephemeral-storage capacity %s, want %s", pool, capacity.String(), want)
		}
		if allocatable.Value() != w.Value()/100*90 {
			t.Errorf("%s: ephemeral-storage allocatable %s, want 90%% of %s", pool, allocatable.String(), want)
		}
		// the other resources are not reduced
		cpuCap, cpuAlloc := n.Status.Capacity[corev1.ResourceCPU], n.Status.Allocatable[corev1.ResourceCPU]
		if cpuCap.Cmp(cpuAlloc) != 0 {
			t.Errorf("%s: cpu allocatable %s of %s", pool, cpuAlloc.String(), cpuCap.String())
		}
	}
	bad := filepath.Join(t.TempDir(), "nodes.yaml")
	if err := os.WriteFile(bad, []byte("pools:\n- name: x\n  count: 1\n  ephemeralStorage: lots\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := loadTopology(bad, 0); err == nil || !strings.Contains(err.Error(), "ephemeralStorage") {
		t.Fatalf("an unparsable ephemeralStorage must be refused by name, got %v", err)
	}
}

func gpuPod(name string, gpus int64, policy corev1.RestartPolicy) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "team-a", UID: types.UID("uid-x" + name)},
		Spec: corev1.PodSpec{NodeName: "n1", RestartPolicy: policy, Containers: []corev1.Container{{
			Name: "main", Image: "img",
			Resources: corev1.ResourceRequirements{Limits: corev1.ResourceList{resourceGPU: *resource.NewQuantity(gpus, resource.DecimalSI)}},
		}}},
	}
}

func TestDevicesAreDistinctAndFreedWithThePod(t *testing.T) {
	node := &corev1.Node{Status: corev1.NodeStatus{Capacity: corev1.ResourceList{resourceGPU: resource.MustParse("8")}}}
	d := newDeviceTable()
	a, b := gpuPod("a", 3, corev1.RestartPolicyNever), gpuPod("b", 4, corev1.RestartPolicyAlways)
	d.assign(a, node, false)
	d.assign(b, node, false)
	if got := d.podDevices(a.UID); len(got) != 3 || got[0] != 0 || got[2] != 2 {
		t.Fatalf("a got %v", got)
	}
	if got := d.podDevices(b.UID); len(got) != 4 || got[0] != 3 {
		t.Fatalf("b got %v", got)
	}
	d.release(a.UID)
	c := gpuPod("c", 1, corev1.RestartPolicyNever)
	d.assign(c, node, false)
	if got := d.podDevices(c.UID); len(got) != 1 || got[0] != 0 {
		t.Fatalf("c got %v, want the freed index 0", got)
	}
	if podLoad(a, false) != "busy" || podLoad(b, false) != "idle" || podLoad(b, true) != loadProcess {
		t.Errorf("default load: batch %q, notebook %q, process %q", podLoad(a, false), podLoad(b, false), podLoad(b, true))
	}
}

func TestAPodRemovedOrReplacedByNameFreesItsDevices(t *testing.T) {
	node := &corev1.Node{Status: corev1.NodeStatus{Capacity: corev1.ResourceList{resourceGPU: resource.MustParse("4")}}}
	d := newDeviceTable()
	lab := gpuPod("lab-0", 1, corev1.RestartPolicyAlways)
	d.assign(lab, node, true)
	// the StatefulSet recreates lab-0 (a new UID): the old pod's GPU is free for it and for no one else
	again := gpuPod("lab-0", 1, corev1.RestartPolicyAlways)
	again.UID = "uid-lab-0-again"
	d.releaseByName(again.Namespace, again.Name, again.UID)
	d.assign(again, node, true)
	if got := d.podDevices(lab.UID); len(got) != 0 {
		t.Fatalf("the replaced pod still holds %v", got)
	}
	// deleted (its UID unknown by then): a 4-GPU pod gets the whole node
	d.releaseByName(again.Namespace, again.Name, "")
	train := gpuPod("train", 4, corev1.RestartPolicyNever)
	d.assign(train, node, false)
	if got := d.podDevices(train.UID); len(got) != 4 {
		t.Fatalf("train got %v, want all 4 GPUs after lab-0 was deleted", got)
	}
	// another pod's devices are never freed by a name that is not its own
	d.releaseByName("team-a", "lab-0", "")
	if got := d.podDevices(train.UID); len(got) != 4 {
		t.Fatalf("train lost its GPUs: %v", got)
	}
}

func TestLogFileIsCRIFormatAtTheKubeletPath(t *testing.T) {
	state := t.TempDir()
	pod := gpuPod("train-x", 1, corev1.RestartPolicyNever)
	cs := corev1.ContainerStatus{Name: "main", ContainerID: "containerd://" + strings.Repeat("ab", 32), Image: "img"}
	cr, err := openContainerRun(state, pod, cs)
	if err != nil {
		t.Fatal(err)
	}
	cr.writeDue(time.Now().Add(3 * time.Second))
	cr.writeFinal(time.Now(), 0)
	cr.close()
	link := filepath.Join(state, "var/log/containers", "train-x_team-a_main-"+strings.Repeat("ab", 32)+".log")
	data, err := os.ReadFile(link)
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z (stdout|stderr) F .+$`)
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) < 5 {
		t.Fatalf("only %d lines", len(lines))
	}
	for _, l := range lines {
		if !re.MatchString(l) {
			t.Errorf("not a CRI line: %q", l)
		}
	}
	if !strings.Contains(lines[0], "SIMULATED") {
		t.Errorf("first line does not say it is simulated: %q", lines[0])
	}
	target, _ := os.Readlink(link)
	if want := filepath.Join(state, "var/log/pods/team-a_train-x_uid-xtrain-x/main/0.log"); target != want {
		t.Errorf("symlink target %q, want %q", target, want)
	}
}

func TestMetricsCarryPodLabelsOnlyForHeldGPUs(t *testing.T) {
	node := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "sim-h100-0",
		Labels:      map[string]string{labelGPUProduct: "NVIDIA-H100-80GB-HBM3", labelGPUMemory: "81559"},
		Annotations: map[string]string{annotationModel: "NVIDIA H100 80GB HBM3", annotationPowerW: "700"}}}
	slots := make([]slot, 2)
	slots[1] = slot{used: true, namespace: "team-a", pod: "p", container: "c", load: "busy"}
	s := nodeSamples(node, slots, time.Now(), nil)
	if strings.Contains(s[0].labels, "pod=") || !strings.Contains(s[1].labels, `container="c",namespace="team-a",pod="p"`) {
		t.Errorf("labels: %q / %q", s[0].labels, s[1].labels)
	}
	if s[1].util < 80 || s[0].util != 0 || s[1].fbUsed+1 > float64(s[1].fbTotal) || s[1].power > 700 {
		t.Errorf("values: free %+v busy %+v", s[0], s[1])
	}
	if !strings.Contains(s[0].labels, `modelName="NVIDIA H100 80GB HBM3"`) || !strings.Contains(s[0].labels, `UUID="GPU-`) {
		t.Errorf("labels: %q", s[0].labels)
	}
}

func TestDevicesKeepAPodInsideOneDomainAndFollowTheScheduler(t *testing.T) {
	node := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "n1", Labels: map[string]string{gputopo.LabelDomainSize: "4"}},
		Status: corev1.NodeStatus{Capacity: corev1.ResourceList{resourceGPU: resource.MustParse("8")}}}
	d := newDeviceTable()
	one, four := gpuPod("one", 1, corev1.RestartPolicyNever), gpuPod("four", 4, corev1.RestartPolicyNever)
	d.assign(one, node, false)
	d.assign(four, node, false)
	if got := d.podDevices(four.UID); fmt.Sprint(got) != "[4 5 6 7]" {
		t.Fatalf("4-GPU pod got %v, want the untouched domain 4-7 (the lowest free indices would span both)", got)
	}
	chosen := gpuPod("chosen", 2, corev1.RestartPolicyNever)
	chosen.Annotations = map[string]string{gputopo.AnnotationDevices: "2,3"}
	d.assign(chosen, node, false)
	if got := d.podDevices(chosen.UID); fmt.Sprint(got) != "[2 3]" {
		t.Fatalf("pod with the scheduler's devices got %v, want [2 3]", got)
	}
	taken := gpuPod("taken", 1, corev1.RestartPolicyNever)
	taken.Annotations = map[string]string{gputopo.AnnotationDevices: "0"} // held by "one": not honoured
	d.assign(taken, node, false)
	if got := d.podDevices(taken.UID); fmt.Sprint(got) != "[1]" {
		t.Fatalf("pod naming a held GPU got %v, want the free [1]", got)
	}
}

func TestFatalXIDsMakeAGPUUnhealthyApplicationOnesDoNot(t *testing.T) {
	n := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Annotations: map[string]string{annotationNodeXID: "5:48,3:79,1:13,2:0"}}}
	if got := unhealthyGPUs(n); got != "3:79,5:48" {
		t.Fatalf("unhealthy %q, want 3:79,5:48 (XID 13 is the application's, 0 is none)", got)
	}
}
