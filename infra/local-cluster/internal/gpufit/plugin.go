// Package gpufit is the gpu-fit kube-scheduler plugin: it filters nodes by healthy free GPUs of the requested
// type and scores them so that placements keep whole nodes and the common request sizes placeable, preferring
// GPUs inside one interconnect domain. Design: DESIGN.md beside this file.
package gpufit

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/cache"
	fwk "k8s.io/kube-scheduler/framework"

	"ai.portal/local-cluster/internal/gputopo"
)

// Name is the plugin's name in a KubeSchedulerConfiguration.
const Name = "GPUFit"

// GPUFit is the plugin. reserved holds the devices chosen for pods between Reserve and the moment their
// annotation (written with the Binding) reaches the scheduler's cache, so pods scheduled meanwhile see them. views
// keeps each node's GPUs as last worked out, for the node's NodeInfo generation they were worked out from.
type GPUFit struct {
	handle   fwk.Handle
	mu       sync.Mutex
	reserved map[types.UID]reservation
	views    map[string]*nodeView
}

type reservation struct {
	node    string
	devices []int
}

// nodeView is a node's GPUs in one state of the scheduler's NodeInfo (its generation): which are held, how many GPU
// pods hold them, and the placements already evaluated there. Filter and Score ask for every node in every
// attempt, while a bind changes one node: rebuilding all of them each time was most of gpu-fit's cost per attempt
// (BenchmarkAttempt64Nodes). The node is never changed once built; placements is filled as pods ask.
type nodeView struct {
	generation int64
	node       *gputopo.Node
	gpuPods    int
	mu         sync.Mutex
	placements map[int]Placement
}

// place is Place on the view's node, worked out once per request size.
func (v *nodeView) place(want int) Placement {
	v.mu.Lock()
	defer v.mu.Unlock()
	pl, ok := v.placements[want]
	if !ok {
		pl = Place(v.node, v.gpuPods, want)
		v.placements[want] = pl
	}
	return pl
}

var (
	_ fwk.FilterPlugin     = (*GPUFit)(nil)
	_ fwk.ScorePlugin      = (*GPUFit)(nil)
	_ fwk.ReservePlugin    = (*GPUFit)(nil)
	_ fwk.BindPlugin       = (*GPUFit)(nil)
	_ fwk.ScoreExtensions  = (*GPUFit)(nil)
	_ fwk.SignPlugin       = (*GPUFit)(nil)
	_ fwk.PostFilterPlugin = (*GPUFit)(nil)
)

// SignerName is the key of gpu-fit's fragment of a pod's scheduling signature.
const SignerName = "v1.Pod.Spec.GPURequestAndProduct()"

// New is the plugin factory registered with app.WithPlugin. The plugin takes no arguments.
func New(_ context.Context, _ runtime.Object, h fwk.Handle) (fwk.Plugin, error) {
	g := newGPUFit(h)
	if h == nil { // a replay without a scheduler (bench/gpufit --offline)
		return g, nil
	}
	if f := h.SharedInformerFactory(); f != nil {
		// a reservation ends when its pod's annotation reaches the cache (nodeState), or when the pod goes first;
		// a view ends with its node
		if _, err := f.Core().V1().Pods().Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
			DeleteFunc: func(obj any) {
				if p, ok := unwrap[*v1.Pod](obj); ok {
					g.mu.Lock()
					delete(g.reserved, p.UID)
					g.mu.Unlock()
				}
			},
		}); err != nil {
			return nil, err
		}
		if _, err := f.Core().V1().Nodes().Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
			DeleteFunc: func(obj any) {
				if n, ok := unwrap[*v1.Node](obj); ok {
					g.mu.Lock()
					delete(g.views, n.Name)
					g.mu.Unlock()
				}
			},
		}); err != nil {
			return nil, err
		}
	}
	return g, nil
}

func newGPUFit(h fwk.Handle) *GPUFit {
	return &GPUFit{handle: h, reserved: map[types.UID]reservation{}, views: map[string]*nodeView{}}
}

// unwrap is the object of an informer's delete event, which may come as a tombstone when the watch missed it.
func unwrap[T any](obj any) (T, bool) {
	if t, ok := obj.(cache.DeletedFinalStateUnknown); ok {
		obj = t.Obj
	}
	o, ok := obj.(T)
	return o, ok
}

func (g *GPUFit) Name() string { return Name }

// view is the node's GPUs as the scheduler's snapshot has them now: the view kept for the NodeInfo's generation,
// else one built and kept. The scheduler gives a NodeInfo a new generation whenever its node or pods change, in its
// cache and in the copies it filters with (nominated pods added, victims removed) — except in a pod group's
// scheduling cycle, which assumes the group's pods into the snapshot in place and keeps the generation, so no view
// is kept or used there.
func (g *GPUFit) view(state fwk.CycleState, ni fwk.NodeInfo, self types.UID) *nodeView {
	name := ni.Node().Name
	inPlace := state != nil && state.IsPodGroupSchedulingCycle()
	if !inPlace {
		g.mu.Lock()
		v, ok := g.views[name]
		g.mu.Unlock()
		if ok && v.generation == ni.GetGeneration() {
			return v
		}
	}
	n, gpuPods := g.nodeState(ni, self)
	v := &nodeView{generation: ni.GetGeneration(), node: n, gpuPods: gpuPods, placements: map[int]Placement{}}
	if !inPlace {
		g.mu.Lock()
		g.views[name] = v
		g.mu.Unlock()
	}
	return v
}

// nodeState rebuilds the node's GPUs from the pods the scheduler's snapshot places on it, leaving out the pod
// being scheduled (there only in a pod group's cycle). Pods carry their devices in gputopo.AnnotationDevices (or
// in reserved until it shows); pods without (bound by another scheduler profile) get the devices the node's
// assignment would give them, in the snapshot's order. gpuPods is the number of those pods that hold GPUs: all of
// them must leave before the node is whole again.
func (g *GPUFit) nodeState(ni fwk.NodeInfo, self types.UID) (n *gputopo.Node, gpuPods int) {
	n = gputopo.NewNode(ni.Node(), gputopo.AllocatableGPUs(ni.Node()))
	var unplaced []int
	g.mu.Lock()
	for _, pi := range ni.GetPods() {
		p := pi.GetPod()
		want := gputopo.PodGPUs(p)
		if want == 0 || p.UID == self {
			continue
		}
		gpuPods++
		if idx, ok := gputopo.ParseIndices(p.Annotations[gputopo.AnnotationDevices]); ok && len(idx) == want && n.Take(idx) {
			delete(g.reserved, p.UID)
			continue
		}
		if r, ok := g.reserved[p.UID]; ok && r.node == n.Name && n.Take(r.devices) {
			continue
		}
		unplaced = append(unplaced, want)
	}
	g.mu.Unlock()
	for _, want := range unplaced {
		if idx, ok := n.Choose(want); ok {
			n.Take(idx)
		} else {
			// more held than the node has healthy: the rest sit on unhealthy GPUs; count them as held there
			for i := 0; i < n.Total() && want > 0; i++ {
				if n.Take([]int{i}) {
					want--
				}
			}
		}
	}
	return n, gpuPods
}

// SignPod signs what gpu-fit reads of a pod: its GPU count and the GPU type it selects. Pods alike in that (and in
// what the other plugins sign) may be scheduled in a batch (KEP-5598): kube-scheduler reuses the ranking of the
// previous pod when that pod's node cannot take another, which is sound for gpu-fit because a node's score depends
// only on the pod and that node's own pods, so placing a pod changes no other node's score. Without a signature from
// every scoring plugin, kube-scheduler disables batching for the whole profile.
func (g *GPUFit) SignPod(_ context.Context, pod *v1.Pod) ([]fwk.SignFragment, *fwk.Status) {
	return []fwk.SignFragment{{Key: SignerName, Value: struct {
		GPUs    int
		Product string
	}{gputopo.PodGPUs(pod), pod.Spec.NodeSelector[gputopo.LabelProduct]}}}, nil
}

// Filter admits a node when the pod's GPU type matches and enough healthy GPUs are free.
func (g *GPUFit) Filter(_ context.Context, state fwk.CycleState, pod *v1.Pod, ni fwk.NodeInfo) *fwk.Status {
	want := gputopo.PodGPUs(pod)
	if want == 0 {
		return nil
	}
	node := ni.Node()
	if node == nil {
		return fwk.NewStatus(fwk.Error, "node not found")
	}
	product := node.Labels[gputopo.LabelProduct]
	if wantType := pod.Spec.NodeSelector[gputopo.LabelProduct]; wantType != "" && wantType != product {
		return fwk.NewStatus(fwk.UnschedulableAndUnresolvable,
			fmt.Sprintf("node %s: has %s, pod needs %s", node.Name, orNone(product), wantType))
	}
	n := g.view(state, ni, pod.UID).node
	if n.Total() == 0 {
		return fwk.NewStatus(fwk.UnschedulableAndUnresolvable, fmt.Sprintf("node %s: no GPUs, pod needs %d", node.Name, want))
	}
	if free := n.Free(); free < want {
		msg := fmt.Sprintf("node %s: %d healthy %s free, pod needs %d", node.Name, free, product, want)
		if len(n.Unhealthy) > 0 {
			msg += fmt.Sprintf(" (%s)", describeUnhealthy(n.Unhealthy))
		}
		code := fwk.Unschedulable
		if n.Healthy() < want {
			code = fwk.UnschedulableAndUnresolvable // no eviction can make room
		}
		return fwk.NewStatus(code, msg)
	}
	return nil
}

func orNone(s string) string {
	if s == "" {
		return "no GPU type"
	}
	return s
}

func describeUnhealthy(m map[int]int) string {
	idx := gputopo.UnhealthyIndices(m)
	parts := make([]string, len(idx))
	for k, i := range idx {
		parts[k] = fmt.Sprintf("GPU %d", i)
		if m[i] > 0 {
			parts[k] += fmt.Sprintf(" XID %d", m[i])
		}
	}
	return "unhealthy: " + strings.Join(parts, ", ")
}

// Placement is what placing want GPUs on a node would do: the devices, the change of the node's fragmentation,
// the domains they span, the GPU pods already on the node and the free GPUs left.
type Placement struct {
	Devices   []int
	FragDelta float64
	Domains   int
	GPUPods   int
	FreeAfter int
	Fits      bool
}

// Place evaluates placing want GPUs on n, which gpuPods GPU-holding pods share (n is not changed).
func Place(n *gputopo.Node, gpuPods, want int) Placement {
	idx, ok := n.Choose(want)
	if !ok {
		return Placement{}
	}
	after := n.Clone()
	after.Take(idx)
	return Placement{Devices: idx, Fits: true, Domains: n.DomainsSpanned(idx), GPUPods: gpuPods, FreeAfter: after.Free(),
		FragDelta: after.Fragmentation(gputopo.CommonSizes) - n.Fragmentation(gputopo.CommonSizes)}
}

// RawScore orders placements, each key only among placements equal in the keys before it:
//  1. least added fragmentation (Weng et al.'s FGD measure, whole GPUs, 1/2/4/8 equally likely);
//  2. inside one interconnect domain;
//  3. the node with the most GPU pods already: a node is whole again only when its last GPU pod has left, and one
//     more pod delays that moment less on a node that already waits for many (for i.i.d. lifetimes,
//     E[max of n+1] - E[max of n] shrinks as n grows, whatever their distribution);
//  4. the node left with the fewest free GPUs (best fit).
//
// Higher is better; NormalizeScore turns it into ranks.
func RawScore(pl Placement) int64 {
	if !pl.Fits {
		return math.MinInt64 / 2
	}
	// FragDelta is a sum of whole GPUs divided by the number of sizes: scaled back it is an exact integer
	frag := int64(math.Round(-pl.FragDelta * float64(len(gputopo.CommonSizes))))
	oneDomain := int64(0)
	if pl.Domains <= 1 {
		oneDomain = 1
	}
	return frag*1_000_000_000_000 + oneDomain*1_000_000_000 + int64(min(pl.GPUPods, 999_999))*1_000 - int64(min(pl.FreeAfter, 999))
}

// Score gives the raw score of placing the pod's GPUs on the node; pods without GPUs score 0 everywhere.
func (g *GPUFit) Score(_ context.Context, state fwk.CycleState, pod *v1.Pod, ni fwk.NodeInfo) (int64, *fwk.Status) {
	want := gputopo.PodGPUs(pod)
	if want == 0 || ni.Node() == nil {
		return 0, nil
	}
	return RawScore(g.view(state, ni, pod.UID).place(want)), nil
}

func (g *GPUFit) ScoreExtensions() fwk.ScoreExtensions { return g }

// NormalizeScore ranks the raw scores: the best distinct value gets MaxNodeScore, each next one a step less, so
// the tie-breakers keep their order however far apart the fragmentation values are.
func (g *GPUFit) NormalizeScore(_ context.Context, _ fwk.CycleState, _ *v1.Pod, scores fwk.NodeScoreList) *fwk.Status {
	NormalizeRanks(scores)
	return nil
}

// NormalizeRanks maps raw scores to [0, MaxNodeScore] by rank among the distinct values.
func NormalizeRanks(scores fwk.NodeScoreList) {
	distinct := map[int64]bool{}
	for _, s := range scores {
		distinct[s.Score] = true
	}
	vals := make([]int64, 0, len(distinct))
	for v := range distinct {
		vals = append(vals, v)
	}
	sort.Slice(vals, func(a, b int) bool { return vals[a] > vals[b] })
	rank := make(map[int64]int64, len(vals))
	step := int64(1)
	if len(vals) > 1 {
		step = max(1, fwk.MaxNodeScore/int64(len(vals)-1))
	}
	for r, v := range vals {
		rank[v] = max(0, fwk.MaxNodeScore-int64(r)*step)
	}
	for i := range scores {
		scores[i].Score = rank[scores[i].Score]
	}
}

// NominationCandidate is a node as PostFilter weighs it for a large pod that fits nowhere now.
type NominationCandidate struct {
	Node    string
	Healthy int // healthy GPUs
	Free    int // healthy GPUs free now
	GPUPods int // pods holding GPUs there, each of which must leave before the node is whole
}

// holds tells whether the node may be held for a pod of want GPUs: its healthy GPUs would take the pod, and the pod
// needs more than half of them.
func (c NominationCandidate) holds(want int) bool { return c.Healthy >= want && 2*want > c.Healthy }

// NominationChoice is the node a pod that wants GPUs and fits nowhere is nominated to, or false. Only a large pod
// is — one that needs more than half a node's healthy GPUs, so no pod of its size could ever share the node with
// it; smaller pods find room as GPUs are freed anywhere. Among the nodes whose healthy GPUs would hold it: the one
// with the fewest GPU pods (the soonest whole, by key 3's argument), then the most free GPUs, then by name.
func NominationChoice(candidates []NominationCandidate, want int) (string, bool) {
	best := -1
	for i, c := range candidates {
		if !c.holds(want) {
			continue
		}
		if best < 0 || c.GPUPods < candidates[best].GPUPods ||
			c.GPUPods == candidates[best].GPUPods && (c.Free > candidates[best].Free ||
				c.Free == candidates[best].Free && c.Node < candidates[best].Node) {
			best = i
		}
	}
	if best < 0 {
		return "", false
	}
	return candidates[best].Node, true
}

// PostFilter holds a node for a large GPU pod that fits nowhere: it nominates the node that will be whole soonest
// (NominationChoice) and keeps that nomination while the node could still take the pod. kube-scheduler then counts
// the nominated pod's GPUs as taken on that node when it filters every pod of the same or lower priority, so
// smaller pods stop landing on the node that drains for it, and tries the pod on it first — without this, a
// kube-scheduler queue lets newcomers take each freed GPU while the large pod waits out its backoff (DESIGN.md).
// Nothing is evicted; nodes that failed for reasons a node's GPUs cannot change (type, taints, selectors) are not
// candidates, nor nodes already held for another pod, nor nodes with a GPU pod that does not end on its own (drains).
func (g *GPUFit) PostFilter(_ context.Context, state fwk.CycleState, pod *v1.Pod, statuses fwk.NodeToStatusReader) (*fwk.PostFilterResult, *fwk.Status) {
	want := gputopo.PodGPUs(pod)
	if want == 0 {
		return nil, fwk.NewStatus(fwk.Unschedulable)
	}
	nodes, err := g.handle.SnapshotSharedLister().NodeInfos().List()
	if err != nil {
		return nil, fwk.AsStatus(err)
	}
	var candidates []NominationCandidate
	for _, ni := range nodes {
		node := ni.Node()
		if node == nil || statuses.Get(node.Name).Code() != fwk.Unschedulable || g.heldForAnother(node.Name, pod.UID) ||
			!drains(ni) {
			continue
		}
		v := g.view(state, ni, pod.UID)
		candidates = append(candidates, NominationCandidate{Node: node.Name, Healthy: v.node.Healthy(), Free: v.node.Free(), GPUPods: v.gpuPods})
	}
	chosen, ok := "", false
	for _, c := range candidates {
		// a node being drained for the pod stays its own until the pod is bound: moving on would waste the drain
		if c.Node == pod.Status.NominatedNodeName && c.holds(want) {
			chosen, ok = c.Node, true
		}
	}
	if !ok {
		chosen, ok = NominationChoice(candidates, want)
	}
	if !ok {
		return nil, fwk.NewStatus(fwk.Unschedulable)
	}
	// Override even when the node stays the same: DefaultPreemption, which runs first, asks to clear the nomination
	// when it finds no victims, and the last plugin's nomination is the one kube-scheduler keeps
	return &fwk.PostFilterResult{NominatingInfo: &fwk.NominatingInfo{NominatedNodeName: chosen, NominatingMode: fwk.ModeOverride}},
		fwk.NewStatus(fwk.Unschedulable, fmt.Sprintf("node %s is held for it until %d GPUs are free there", chosen, want))
}

// drains tells whether the node's GPU pods end on their own: none is kept running by a controller (a ReplicaSet's
// model server, a StatefulSet's notebook, a DaemonSet's agent), which would replace it or never leave, so a node held
// for a large pod could idle its free GPUs for good.
func drains(ni fwk.NodeInfo) bool {
	for _, pi := range ni.GetPods() {
		p := pi.GetPod()
		if gputopo.PodGPUs(p) == 0 {
			continue
		}
		if owner := metav1.GetControllerOf(p); owner != nil {
			switch owner.Kind {
			case "ReplicaSet", "StatefulSet", "DaemonSet", "ReplicationController":
				return false
			}
		}
	}
	return true
}

// heldForAnother tells whether a pod other than self that wants GPUs is nominated to the node.
func (g *GPUFit) heldForAnother(node string, self types.UID) bool {
	for _, p := range g.handle.NominatedPodsForNode(node) {
		if p.GetPod().UID != self && gputopo.PodGPUs(p.GetPod()) > 0 {
			return true
		}
	}
	return false
}

// Reserve picks the pod's devices on the chosen node and remembers them until Bind has written them.
func (g *GPUFit) Reserve(_ context.Context, state fwk.CycleState, pod *v1.Pod, nodeName string) *fwk.Status {
	want := gputopo.PodGPUs(pod)
	if want == 0 {
		return nil
	}
	ni, err := g.handle.SnapshotSharedLister().NodeInfos().Get(nodeName)
	if err != nil {
		return fwk.AsStatus(err)
	}
	idx, ok := g.view(state, ni, pod.UID).node.Choose(want)
	if !ok {
		return fwk.NewStatus(fwk.Unschedulable, fmt.Sprintf("node %s: GPUs taken meanwhile, pod needs %d", nodeName, want))
	}
	g.mu.Lock()
	g.reserved[pod.UID] = reservation{node: nodeName, devices: idx}
	g.mu.Unlock()
	return nil
}

func (g *GPUFit) Unreserve(_ context.Context, _ fwk.CycleState, pod *v1.Pod, _ string) {
	g.mu.Lock()
	delete(g.reserved, pod.UID)
	g.mu.Unlock()
}

// Bind binds a GPU pod with the chosen devices as an annotation of the Binding, which the API server merges into
// the pod: one API call, as the default binder makes. A PreBind patch instead cost a second call per pod and made
// the scheduler record a nominated node first (two more round trips before every bind). Pods without GPUs, or
// without a reservation here, are left to DefaultBinder (Skip).
func (g *GPUFit) Bind(ctx context.Context, _ fwk.CycleState, pod *v1.Pod, nodeName string) *fwk.Status {
	g.mu.Lock()
	r, ok := g.reserved[pod.UID]
	g.mu.Unlock()
	if !ok || r.node != nodeName {
		return fwk.NewStatus(fwk.Skip)
	}
	binding := &v1.Binding{
		ObjectMeta: metav1.ObjectMeta{Namespace: pod.Namespace, Name: pod.Name, UID: pod.UID,
			Annotations: map[string]string{gputopo.AnnotationDevices: gputopo.FormatIndices(r.devices)}},
		Target: v1.ObjectReference{Kind: "Node", Name: nodeName},
	}
	if err := g.handle.ClientSet().CoreV1().Pods(pod.Namespace).Bind(ctx, binding, metav1.CreateOptions{}); err != nil {
		return fwk.AsStatus(fmt.Errorf("binding pod %s/%s with GPUs %v: %w", pod.Namespace, pod.Name, r.devices, err))
	}
	return nil
}
