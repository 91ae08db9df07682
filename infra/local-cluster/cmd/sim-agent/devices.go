package main

import (
	"crypto/sha256"
	"fmt"
	"log/slog"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"

	"ai.portal/local-cluster/internal/gputopo"
)

// deviceTable plays NVIDIA's device plugin: it hands each GPU container distinct device indices of its node.
// Callers hold agent.mu.
type deviceTable struct {
	byNode map[string][]slot        // node -> one slot per GPU index
	byPod  map[types.UID][]deviceID // pod -> the devices it holds
}

type slot struct {
	used      bool
	namespace string
	pod       string
	container string
	uid       types.UID
	load      string // sim.portal.ai/gpu-load (or the default for the pod's kind), kept current by refresh
	xid       string // sim.portal.ai/xid-error: the XID error code the pod's GPUs report, "" for none
}

type deviceID struct {
	node  string
	index int
}

func newDeviceTable() *deviceTable {
	return &deviceTable{byNode: map[string][]slot{}, byPod: map[types.UID][]deviceID{}}
}

func gpuRequest(c corev1.Container) int {
	if q, ok := c.Resources.Limits[resourceGPU]; ok {
		return int(q.Value())
	}
	if q, ok := c.Resources.Requests[resourceGPU]; ok {
		return int(q.Value())
	}
	return 0
}

func nodeGPUs(n *corev1.Node) int {
	if n == nil {
		return 0
	}
	q, ok := n.Status.Capacity[resourceGPU]
	if !ok {
		return 0
	}
	return int(q.Value())
}

// loadProcess is the load of a pod whose containers run as real processes: its GPUs follow their CPU.
const loadProcess = "process"

// podLoad is what a pod's GPUs do: the annotation sim.portal.ai/gpu-load when set; else, for a pod the process
// runtime runs, whatever its processes do (a notebook is idle until its kernel computes); else batch pods
// (restartPolicy Never/OnFailure) train and long-running ones (notebooks) sit idle.
func podLoad(pod *corev1.Pod, process bool) string {
	if v := pod.Annotations[annotationGPULoad]; v != "" {
		return v
	}
	if process {
		return loadProcess
	}
	if pod.Spec.RestartPolicy == corev1.RestartPolicyNever || pod.Spec.RestartPolicy == corev1.RestartPolicyOnFailure {
		return "busy"
	}
	return "idle"
}

func (t *deviceTable) slots(node string, size int) []slot {
	s := t.byNode[node]
	if len(s) < size {
		s = append(s, make([]slot, size-len(s))...)
		t.byNode[node] = s
	}
	return s
}

// assign gives the pod's GPU containers device indices of its node, as NVIDIA's device plugin would: the indices
// the scheduler chose when the pod carries them (gputopo.AnnotationDevices, written by gpu-fit), else, per
// container, free healthy GPUs inside one interconnect domain where one has room (gputopo.Node.Choose), else the
// lowest free ones. process says the process runtime runs the pod (see podLoad).
func (t *deviceTable) assign(pod *corev1.Pod, node *corev1.Node, process bool) {
	if _, done := t.byPod[pod.UID]; done {
		t.refresh(pod, process)
		return
	}
	s := t.slots(pod.Spec.NodeName, nodeGPUs(node))
	chosen, _ := gputopo.ParseIndices(pod.Annotations[gputopo.AnnotationDevices])
	if len(chosen) != gputopo.PodGPUs(pod) || !t.allFree(s, chosen) {
		chosen = nil
	}
	var held []deviceID
	for _, c := range pod.Spec.Containers {
		want := gpuRequest(c)
		if want == 0 {
			continue
		}
		var idx []int
		if chosen != nil {
			idx, chosen = chosen[:want], chosen[want:]
		} else {
			idx = t.choose(s, node, want)
		}
		for _, i := range idx {
			s[i] = slot{used: true, namespace: pod.Namespace, pod: pod.Name, container: c.Name, uid: pod.UID,
				load: podLoad(pod, process), xid: pod.Annotations[annotationXID]}
			held = append(held, deviceID{node: pod.Spec.NodeName, index: i})
		}
		if missing := want - len(idx); missing > 0 {
			slog.Warn("not enough free simulated GPUs on node (scheduler and agent disagree)",
				"pod", pod.Namespace+"/"+pod.Name, "node", pod.Spec.NodeName, "missing", missing)
		}
	}
	t.byPod[pod.UID] = held
}

func (t *deviceTable) allFree(s []slot, idx []int) bool {
	seen := map[int]bool{}
	for _, i := range idx {
		if i < 0 || i >= len(s) || s[i].used || seen[i] {
			return false
		}
		seen[i] = true
	}
	return true
}

// choose picks want free GPUs for one container: healthy ones inside one domain where it can, else the lowest
// free ones (unhealthy included: the scheduler placed the pod, the agent does not refuse it).
func (t *deviceTable) choose(s []slot, node *corev1.Node, want int) []int {
	n := gputopo.NewNode(node, len(s))
	var used []int
	for i := range s {
		if s[i].used {
			used = append(used, i)
		}
	}
	n.Take(used)
	if idx, ok := n.Choose(want); ok {
		return idx
	}
	var idx []int
	for i := 0; i < len(s) && len(idx) < want; i++ {
		if !s[i].used {
			idx = append(idx, i)
		}
	}
	return idx
}

// refresh applies the pod's current annotations to the GPUs it holds: a load or an XID error set on a running
// pod shows at the next scrape.
func (t *deviceTable) refresh(pod *corev1.Pod, process bool) {
	for _, d := range t.byPod[pod.UID] {
		if s := t.byNode[d.node]; d.index < len(s) && s[d.index].uid == pod.UID {
			s[d.index].load = podLoad(pod, process)
			s[d.index].xid = pod.Annotations[annotationXID]
		}
	}
}

func (t *deviceTable) release(uid types.UID) {
	for _, d := range t.byPod[uid] {
		if s := t.byNode[d.node]; d.index < len(s) && s[d.index].uid == uid {
			s[d.index] = slot{}
		}
	}
	delete(t.byPod, uid)
}

// releaseByName frees the devices of every pod named namespace/name except keep: a pod deleted (its UID no longer
// known) or replaced by a pod of the same name (a StatefulSet's restart), as a kubelet frees a removed pod's
// devices. The agent tracks process pods in the runtime, not in its own runs, so without this their devices stayed
// held after a delete and the next pod on that node found "not enough free simulated GPUs".
func (t *deviceTable) releaseByName(namespace, name string, keep types.UID) {
	var gone []types.UID
	for uid, held := range t.byPod {
		if uid == keep || len(held) == 0 {
			continue
		}
		if s := t.byNode[held[0].node]; held[0].index < len(s) && s[held[0].index].uid == uid &&
			s[held[0].index].namespace == namespace && s[held[0].index].pod == name {
			gone = append(gone, uid)
		}
	}
	for _, uid := range gone {
		t.release(uid)
	}
}

func (t *deviceTable) podDevices(uid types.UID) []int {
	var out []int
	for _, d := range t.byPod[uid] {
		out = append(out, d.index)
	}
	return out
}

// gpuUUID is stable per node and index and shaped like NVIDIA's (GPU-8-4-4-4-12 hex).
func gpuUUID(node string, index int) string {
	h := sha256.Sum256([]byte(fmt.Sprintf("%s/%d", node, index)))
	return fmt.Sprintf("GPU-%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}
