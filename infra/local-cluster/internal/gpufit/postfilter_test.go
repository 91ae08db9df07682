package gpufit

import (
	"context"
	"strings"
	"testing"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	fwk "k8s.io/kube-scheduler/framework"
	"k8s.io/kubernetes/pkg/scheduler/backend/cache"
	"k8s.io/kubernetes/pkg/scheduler/framework"
	"k8s.io/utils/ptr"
)

// holdHandle is the part of the scheduler's handle PostFilter reads: the snapshot and the nominations.
type holdHandle struct {
	fwk.Handle
	snapshot  *cache.Snapshot
	nominated map[string][]fwk.PodInfo
}

func (h holdHandle) SnapshotSharedLister() fwk.SharedLister         { return h.snapshot }
func (h holdHandle) NominatedPodsForNode(node string) []fwk.PodInfo { return h.nominated[node] }

// snapshotPod is the (only) pod the snapshot has on node, to edit in place.
func snapshotPod(t *testing.T, g *GPUFit, node string) *v1.Pod {
	ni, err := g.handle.SnapshotSharedLister().NodeInfos().Get(node)
	if err != nil || len(ni.GetPods()) != 1 {
		t.Fatalf("node %s: %v, %d pods", node, err, len(ni.GetPods()))
	}
	return ni.GetPods()[0].GetPod()
}

func onNode(p *v1.Pod, node string) *v1.Pod {
	p.Spec.NodeName = node
	return p
}

func podInfo(t *testing.T, p *v1.Pod) fwk.PodInfo {
	pi, err := framework.NewPodInfo(p)
	if err != nil {
		t.Fatal(err)
	}
	return pi
}

// three nodes: h100-0 with three 1-GPU pods, h100-1 with one 2-GPU pod, h100-2 with one 1-GPU pod (7 free)
func holdCluster(t *testing.T, nominated map[string][]fwk.PodInfo) (*GPUFit, *framework.NodeToStatus) {
	nodes := []*v1.Node{gpuNode("h100-0", 8, 4, ""), gpuNode("h100-1", 8, 4, ""), gpuNode("h100-2", 8, 4, "")}
	pods := []*v1.Pod{onNode(gpuPod(1, "0"), "h100-0"), onNode(gpuPod(1, "1"), "h100-0"), onNode(gpuPod(1, "2"), "h100-0"),
		onNode(gpuPod(2, "0,1"), "h100-1"), onNode(gpuPod(1, "0"), "h100-2")}
	g := plugin()
	g.handle = holdHandle{snapshot: cache.NewSnapshot(pods, nodes), nominated: nominated}
	statuses := framework.NewDefaultNodeToStatus()
	for _, n := range nodes {
		statuses.Set(n.Name, fwk.NewStatus(fwk.Unschedulable, "not enough GPUs free"))
	}
	return g, statuses
}

// nominatedNode runs PostFilter for pod and returns the node it nominates ("" for none).
func nominatedNode(t *testing.T, g *GPUFit, pod *v1.Pod, statuses fwk.NodeToStatusReader) string {
	t.Helper()
	r, st := g.PostFilter(context.Background(), nil, pod, statuses)
	if st.Code() != fwk.Unschedulable {
		t.Fatalf("PostFilter status %v %q, want Unschedulable: it nominates, it does not make the pod fit", st.Code(), st.Message())
	}
	if r == nil {
		return ""
	}
	if r.Mode() != fwk.ModeOverride {
		t.Fatalf("nominating mode %v, want Override (DefaultPreemption before it asks to clear)", r.Mode())
	}
	return r.NominatedNodeName
}

func TestNominationChoiceHoldsTheNodeSoonestWholeForALargePodOnly(t *testing.T) {
	nodes := []NominationCandidate{
		{Node: "a", Healthy: 8, Free: 5, GPUPods: 3},
		{Node: "b", Healthy: 8, Free: 2, GPUPods: 1},
		{Node: "c", Healthy: 8, Free: 6, GPUPods: 1},
		{Node: "d", Healthy: 7, Free: 7, GPUPods: 0}, // a broken GPU: never whole for 8
	}
	if got, _ := NominationChoice(nodes, 8); got != "c" {
		t.Fatalf("8-GPU pod held %q, want c (fewest GPU pods, then the most free)", got)
	}
	for _, want := range []int{1, 2, 4} {
		if got, ok := NominationChoice(nodes[:3], want); ok {
			t.Fatalf("%d-GPU pod held %q: a pod of at most half a node finds room as GPUs are freed anywhere", want, got)
		}
	}
	if got, ok := NominationChoice(nodes[3:], 8); ok {
		t.Fatalf("held %q for 8 GPUs on a node with 7 healthy", got)
	}
}

func TestPostFilterNominatesTheNodeWithTheFewestGPUPodsWherePreemptionCouldHelp(t *testing.T) {
	g, statuses := holdCluster(t, nil)
	pod := gpuPod(8, "")

	if got := nominatedNode(t, g, pod, statuses); got != "h100-2" {
		t.Fatalf("nominated %q, want h100-2 (one pod, 7 free)", got)
	}
	// a node the pod cannot use whatever is freed there (a taint, another type) is never held
	statuses.Set("h100-2", fwk.NewStatus(fwk.UnschedulableAndUnresolvable, "untolerated taint"))
	if got := nominatedNode(t, g, pod, statuses); got != "h100-1" {
		t.Fatalf("nominated %q, want h100-1 once h100-2 is out of the question", got)
	}
	// a node whose GPU pod is kept running by a controller (a notebook's StatefulSet) never drains: not held
	g, statuses = holdCluster(t, nil)
	snapshotPod(t, g, "h100-1").OwnerReferences = []metav1.OwnerReference{{Kind: "StatefulSet", Name: "lab",
		APIVersion: "apps/v1", Controller: ptr.To(true)}}
	statuses.Set("h100-2", fwk.NewStatus(fwk.UnschedulableAndUnresolvable, "untolerated taint"))
	if got := nominatedNode(t, g, pod, statuses); got != "h100-0" {
		t.Fatalf("nominated %q, want h100-0: h100-1's notebook will not leave", got)
	}
	// a pod of at most half a node is not held for
	if got := nominatedNode(t, g, gpuPod(4, ""), statuses); got != "" {
		t.Fatalf("a 4-GPU pod got node %q held", got)
	}
}

func TestPostFilterKeepsTheNodeItDrainsAndLeavesOthersHeldForAnotherPod(t *testing.T) {
	pod := gpuPod(8, "")
	pod.Status.NominatedNodeName = "h100-0" // three pods there: not the choice now, but the drain has begun
	g, statuses := holdCluster(t, nil)
	if got := nominatedNode(t, g, pod, statuses); got != "h100-0" {
		t.Fatalf("nominated %q, want h100-0 kept", got)
	}
	other := gpuPod(8, "")
	g, statuses = holdCluster(t, map[string][]fwk.PodInfo{"h100-2": {podInfo(t, other)}})
	if got := nominatedNode(t, g, gpuPod(8, ""), statuses); got != "h100-1" {
		t.Fatalf("nominated %q, want h100-1: h100-2 is held for another 8-GPU pod", got)
	}
}

// kube-scheduler filters other pods with the nominated pods of equal or higher priority added to the node; gpu-fit's
// Filter must then count the nominated pod's GPUs as taken, or small pods would keep landing on the draining node.
func TestFilterCountsANominatedPodsGPUsAsTaken(t *testing.T) {
	g := plugin()
	ni := nodeInfo(gpuNode("h100-0", 8, 4, ""), gpuPod(1, "0"), gpuPod(8, "")) // the second: nominated, not bound
	st := g.Filter(context.Background(), nil, gpuPod(1, ""), ni)
	if st.Code() != fwk.Unschedulable || !strings.Contains(st.Message(), "0 healthy") {
		t.Fatalf("got %v %q, want no GPU free for a 1-GPU pod while an 8-GPU pod is nominated there", st.Code(), st.Message())
	}
}
