package gpufit

import (
	"context"
	"fmt"
	"strings"
	"testing"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	fwk "k8s.io/kube-scheduler/framework"
	"k8s.io/kubernetes/pkg/scheduler/framework"

	"ai.portal/local-cluster/internal/gputopo"
)

const h100 = "NVIDIA-H100-80GB-HBM3"

func gpuNode(name string, gpus int, domainSize int, unhealthy string) *v1.Node {
	n := &v1.Node{ObjectMeta: metav1.ObjectMeta{Name: name,
		Labels:      map[string]string{gputopo.LabelProduct: h100},
		Annotations: map[string]string{}}}
	if domainSize > 0 {
		n.Labels[gputopo.LabelDomainSize] = itoa(domainSize)
	}
	if unhealthy != "" {
		n.Annotations[gputopo.AnnotationUnhealthy] = unhealthy
	}
	q := *resource.NewQuantity(int64(gpus), resource.DecimalSI)
	n.Status.Allocatable = v1.ResourceList{gputopo.ResourceGPU: q}
	n.Status.Capacity = n.Status.Allocatable
	return n
}

func itoa(i int) string { return gputopo.FormatIndices([]int{i}) }

var podSeq int

// gpuPod asks for gpus; devices, when given, are the GPUs it already holds ("0,1").
func gpuPod(gpus int, devices string) *v1.Pod {
	podSeq++
	p := &v1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p" + itoa(podSeq), Namespace: "t", UID: types.UID("uid-" + itoa(podSeq)),
		Annotations: map[string]string{}}}
	c := v1.Container{Name: "main"}
	if gpus > 0 {
		q := *resource.NewQuantity(int64(gpus), resource.DecimalSI)
		c.Resources.Limits = v1.ResourceList{gputopo.ResourceGPU: q}
	}
	p.Spec.Containers = []v1.Container{c}
	if devices != "" {
		p.Annotations[gputopo.AnnotationDevices] = devices
	}
	return p
}

func nodeInfo(n *v1.Node, pods ...*v1.Pod) fwk.NodeInfo {
	ni := framework.NewNodeInfo(pods...)
	ni.SetNode(n)
	return ni
}

func plugin() *GPUFit { return newGPUFit(nil) }

func TestFilter(t *testing.T) {
	typed := gpuPod(1, "")
	typed.Spec.NodeSelector = map[string]string{gputopo.LabelProduct: "NVIDIA-A100-SXM4-80GB"}
	cases := []struct {
		name    string
		node    fwk.NodeInfo
		pod     *v1.Pod
		code    fwk.Code
		message string
	}{
		{"fits on a free node", nodeInfo(gpuNode("h100-0", 8, 4, "")), gpuPod(8, ""), fwk.Success, ""},
		{"pod without GPUs passes", nodeInfo(gpuNode("h100-0", 8, 4, "")), gpuPod(0, ""), fwk.Success, ""},
		{"held GPUs count", nodeInfo(gpuNode("h100-3", 8, 4, ""), gpuPod(4, "0,1,2,3"), gpuPod(2, "")), gpuPod(4, ""),
			fwk.Unschedulable, "node h100-3: 2 healthy " + h100 + " free, pod needs 4"},
		{"unhealthy GPUs do not count", nodeInfo(gpuNode("h100-3", 8, 4, "3:79,5:48"), gpuPod(4, "4,6,7,0")), gpuPod(4, ""),
			fwk.Unschedulable, "node h100-3: 2 healthy " + h100 + " free, pod needs 4 (unhealthy: GPU 3 XID 79, GPU 5 XID 48)"},
		{"too few healthy GPUs at all is unresolvable", nodeInfo(gpuNode("h100-1", 8, 4, "0,1")), gpuPod(8, ""),
			fwk.UnschedulableAndUnresolvable, "node h100-1: 6 healthy " + h100 + " free, pod needs 8 (unhealthy: GPU 0, GPU 1)"},
		{"wrong GPU type", nodeInfo(gpuNode("h100-0", 8, 4, "")), typed,
			fwk.UnschedulableAndUnresolvable, "node h100-0: has " + h100 + ", pod needs NVIDIA-A100-SXM4-80GB"},
		{"node without GPUs", nodeInfo(&v1.Node{ObjectMeta: metav1.ObjectMeta{Name: "cpu-0"}}), gpuPod(1, ""),
			fwk.UnschedulableAndUnresolvable, "node cpu-0: no GPUs, pod needs 1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			st := plugin().Filter(context.Background(), nil, tc.pod, tc.node)
			if st.Code() != tc.code {
				t.Fatalf("code %v (%s), want %v", st.Code(), st.Message(), tc.code)
			}
			if st.Message() != tc.message {
				t.Fatalf("message %q, want %q", st.Message(), tc.message)
			}
		})
	}
}

// best returns the node the plugin ranks first for the pod (the first of equals, as the table lists them).
func best(t *testing.T, pod *v1.Pod, nodes ...fwk.NodeInfo) string {
	t.Helper()
	g := plugin()
	var scores fwk.NodeScoreList
	for _, ni := range nodes {
		if st := g.Filter(context.Background(), nil, pod, ni); !st.IsSuccess() {
			continue
		}
		s, st := g.Score(context.Background(), nil, pod, ni)
		if !st.IsSuccess() {
			t.Fatal(st.Message())
		}
		scores = append(scores, fwk.NodeScore{Name: ni.Node().Name, Score: s})
	}
	NormalizeRanks(scores)
	top := fwk.NodeScore{Score: -1}
	ties := 0
	for _, s := range scores {
		switch {
		case s.Score > top.Score:
			top, ties = s, 1
		case s.Score == top.Score:
			ties++
		}
	}
	if ties > 1 {
		t.Fatalf("%d nodes tie for first: %v", ties, scores)
	}
	return top.Name
}

func TestScore(t *testing.T) {
	cases := []struct {
		name  string
		pod   *v1.Pod
		nodes []fwk.NodeInfo
		want  string
	}{
		{
			// MostAllocated takes "four-free" (fewest free GPUs) and leaves 3 + 5 free: neither node then holds a 4-GPU
			// pod inside a domain on the 4-free one. gpu-fit fills the lone GPU of "five-free"'s first domain.
			name: "fills a stray GPU rather than breaking a usable group",
			pod:  gpuPod(1, ""),
			nodes: []fwk.NodeInfo{
				nodeInfo(gpuNode("four-free", 8, 4, ""), gpuPod(2, "0,1"), gpuPod(2, "4,5")),
				nodeInfo(gpuNode("five-free", 8, 4, ""), gpuPod(3, "0,1,2")),
			},
			want: "five-free",
		},
		{
			name: "keeps a whole node free for 8-GPU jobs",
			pod:  gpuPod(2, ""),
			nodes: []fwk.NodeInfo{
				nodeInfo(gpuNode("empty", 8, 4, "")),
				nodeInfo(gpuNode("half", 8, 4, ""), gpuPod(4, "0,1,2,3")),
			},
			want: "half",
		},
		{
			// both lower fragmentation by the same amount; "fills-across" would even fill its node, but only on
			// "one-domain" do the pod's 3 GPUs share an NVLink domain
			name: "among equal choices prefers GPUs inside one interconnect domain",
			pod:  gpuPod(3, ""),
			nodes: []fwk.NodeInfo{
				nodeInfo(gpuNode("fills-across", 8, 4, ""), gpuPod(3, "0,1,2"), gpuPod(2, "4,5")),
				nodeInfo(gpuNode("one-domain", 8, 4, ""), gpuPod(2, "0,1"), gpuPod(1, "4")),
			},
			want: "one-domain",
		},
		{
			// a 4-GPU pod on "split" (3+3 free) must span domains but leaves 2 GPUs in one domain instead of 3+3
			// stranded for 4-GPU requests: less fragmentation wins over the domain
			name: "fragmentation comes before the domain",
			pod:  gpuPod(4, ""),
			nodes: []fwk.NodeInfo{
				nodeInfo(gpuNode("split", 8, 4, ""), gpuPod(1, "0"), gpuPod(1, "4")),
				nodeInfo(gpuNode("one-domain-free", 8, 4, ""), gpuPod(2, "0,1")),
			},
			want: "split",
		},
		{
			// equal fragmentation, domain and free GPUs after: "four-pods" is whole again only once all four of its
			// pods have left, "one-pod" as soon as its one pod ends; one more pod on "one-pod" would push that back
			// by a whole lifetime, on "four-pods" usually by little. Without the GPU-pod key the two tie.
			name: "among equal choices the node with more GPU pods, the other stays nearer whole",
			pod:  gpuPod(1, ""),
			nodes: []fwk.NodeInfo{
				nodeInfo(gpuNode("one-pod", 8, 4, ""), gpuPod(4, "0,1,2,3")),
				nodeInfo(gpuNode("four-pods", 8, 4, ""), gpuPod(1, "0"), gpuPod(1, "1"), gpuPod(1, "2"), gpuPod(1, "3")),
			},
			want: "four-pods",
		},
		{
			// both lower fragmentation by the same (a stray pair of GPUs filled half); best fit alone would take
			// "two-pods" (1 free after), but "four-pods" waits for four pods anyway before it is whole again
			name: "more GPU pods comes before best fit",
			pod:  gpuPod(1, ""),
			nodes: []fwk.NodeInfo{
				nodeInfo(gpuNode("two-pods", 8, 4, ""), gpuPod(4, "0,1,2,3"), gpuPod(2, "4,5")),
				nodeInfo(gpuNode("four-pods", 8, 4, ""), gpuPod(1, "0"), gpuPod(1, "1"), gpuPod(1, "4"), gpuPod(1, "5")),
			},
			want: "four-pods",
		},
		{
			// pods without GPUs (daemons, sidecars) never leave for a GPU job: they do not count
			name: "counts only pods that hold GPUs",
			pod:  gpuPod(1, ""),
			nodes: []fwk.NodeInfo{
				nodeInfo(gpuNode("daemons", 8, 4, ""), gpuPod(4, "0,1,2,3"), gpuPod(0, ""), gpuPod(0, ""), gpuPod(0, "")),
				nodeInfo(gpuNode("two-gpu-pods", 8, 4, ""), gpuPod(2, "0,1"), gpuPod(2, "2,3")),
			},
			want: "two-gpu-pods",
		},
		{
			// the GPU-pod key ranks below fragmentation: "crowded" has more pods, but the pod would open its whole
			// second domain, while on "lone" it fills the last GPU of a domain
			name: "fragmentation comes before the number of pods",
			pod:  gpuPod(1, ""),
			nodes: []fwk.NodeInfo{
				nodeInfo(gpuNode("crowded", 8, 4, ""), gpuPod(1, "0"), gpuPod(1, "1"), gpuPod(1, "2"), gpuPod(1, "3")),
				nodeInfo(gpuNode("lone", 8, 4, ""), gpuPod(3, "0,1,2")),
			},
			want: "lone",
		},
		{
			name: "does not count unhealthy GPUs as room",
			pod:  gpuPod(4, ""),
			nodes: []fwk.NodeInfo{
				nodeInfo(gpuNode("broken", 8, 4, "4:79"), gpuPod(4, "0,1,2,3")),
				nodeInfo(gpuNode("healthy", 8, 4, ""), gpuPod(4, "0,1,2,3")),
			},
			want: "healthy",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := best(t, tc.pod, tc.nodes...); got != tc.want {
				t.Fatalf("placed on %s, want %s", got, tc.want)
			}
		})
	}
}

// event is one step of a replayed trace: an arrival of size GPUs, or (leave >= 0) the departure of the
// leave-th arrival.
type event struct{ size, leave int }

func arrive(size int) event    { return event{size: size, leave: -1} }
func depart(arrival int) event { return event{leave: arrival} }

// TestStranding replays a trace with a departure on three 8-GPU nodes (two 4-GPU domains each) with gpu-fit and
// with MostAllocated's choice (fewest free GPUs left, first of equals; same device assignment), then asks whether
// a 4-GPU job still fits inside one domain. MostAllocated ends with 3 + 2 + 0 free GPUs: 5 free, no 4-GPU job.
func TestStranding(t *testing.T) {
	trace := []event{arrive(4), arrive(4), arrive(2), depart(1), arrive(1), arrive(4), arrive(4), arrive(4)}
	gpuFit := replay(t, trace, func(nodes []*gputopo.Node, want int) int {
		bestI, bestS := -1, int64(0)
		for i, n := range nodes {
			pl := Place(n, 0, want) // the fragmentation alone decides here
			if s := RawScore(pl); pl.Fits && (bestI < 0 || s > bestS) {
				bestI, bestS = i, s
			}
		}
		return bestI
	})
	mostAllocated := replay(t, trace, func(nodes []*gputopo.Node, want int) int {
		bestI := -1
		for i, n := range nodes {
			if n.Free() >= want && (bestI < 0 || n.Free() < nodes[bestI].Free()) {
				bestI = i
			}
		}
		return bestI
	})
	t.Logf("free per node: gpu-fit %v, MostAllocated %v", frees(gpuFit), frees(mostAllocated))
	if !fitsInOneDomain(gpuFit, 4) {
		t.Fatalf("gpu-fit left no room for a 4-GPU job: %v", frees(gpuFit))
	}
	if fitsInOneDomain(mostAllocated, 4) {
		t.Fatalf("the trace does not strand under MostAllocated (free %v): it proves nothing", frees(mostAllocated))
	}
}

func replay(t *testing.T, trace []event, choose func([]*gputopo.Node, int) int) []*gputopo.Node {
	t.Helper()
	var nodes []*gputopo.Node
	for i := 0; i < 3; i++ {
		nodes = append(nodes, gputopo.NewNode(gpuNode("n"+itoa(i), 8, 4, ""), 8))
	}
	type held struct {
		node int
		idx  []int
	}
	var pods []held
	for _, e := range trace {
		if e.leave >= 0 {
			h := pods[e.leave]
			nodes[h.node].Release(h.idx)
			continue
		}
		i := choose(nodes, e.size)
		if i < 0 {
			t.Fatalf("no room for %d GPUs", e.size)
		}
		idx, _ := nodes[i].Choose(e.size)
		nodes[i].Take(idx)
		pods = append(pods, held{i, idx})
	}
	return nodes
}

func frees(nodes []*gputopo.Node) []int {
	var out []int
	for _, n := range nodes {
		out = append(out, n.Free())
	}
	return out
}

func fitsInOneDomain(nodes []*gputopo.Node, want int) bool {
	for _, n := range nodes {
		if idx, ok := n.Choose(want); ok && n.DomainsSpanned(idx) == 1 {
			return true
		}
	}
	return false
}

func TestReserveThenFilterSeesTheReservedDevices(t *testing.T) {
	g := plugin()
	first := gpuPod(4, "")
	g.reserved[first.UID] = reservation{node: "h100-0", devices: []int{4, 5, 6, 7}}
	// the scheduler's cache holds the assumed first pod without its annotation yet
	ni := nodeInfo(gpuNode("h100-0", 8, 4, "0:79"), first)
	st := g.Filter(context.Background(), nil, gpuPod(4, ""), ni)
	if st.Code() != fwk.Unschedulable || !strings.Contains(st.Message(), "3 healthy") {
		t.Fatalf("got %v %q, want 3 healthy free (GPUs 4-7 reserved, GPU 0 broken)", st.Code(), st.Message())
	}
}

func TestNormalizeRanksKeepsTieBreakersApart(t *testing.T) {
	scores := fwk.NodeScoreList{{Name: "a", Score: -9_000_000}, {Name: "b", Score: 10_001}, {Name: "c", Score: 10_000}}
	NormalizeRanks(scores)
	if !(scores[1].Score == fwk.MaxNodeScore && scores[2].Score < scores[1].Score && scores[0].Score < scores[2].Score) {
		t.Fatalf("ranks %v", scores)
	}
}

// Three nodes with 3 free GPUs each: 9 free GPUs, and a 4-GPU pod is refused everywhere, each node saying why.
func TestFilterNamesWhatIsMissingOnEveryStrandedNode(t *testing.T) {
	pod := gpuPod(4, "")
	for _, name := range []string{"h100-0", "h100-1", "h100-2"} {
		st := plugin().Filter(context.Background(), nil, pod, nodeInfo(gpuNode(name, 8, 4, ""), gpuPod(4, "0,1,2,3"), gpuPod(1, "4")))
		if want := "node " + name + ": 3 healthy " + h100 + " free, pod needs 4"; st.Code() != fwk.Unschedulable || st.Message() != want {
			t.Fatalf("%v %q, want Unschedulable %q", st.Code(), st.Message(), want)
		}
	}
}

// BenchmarkAttempt64Nodes is what gpu-fit adds to one scheduling attempt of a 1-GPU pod on the benchmark's pool:
// Filter and Score on 64 eight-GPU nodes holding four pods each (1, 1, 2 and 2 GPUs, devices annotated), one
// after the other as a single scheduler worker would, with one node changed since the attempt before (a pod bound
// or gone: a new NodeInfo generation), as in a burst of binds.
func BenchmarkAttempt64Nodes(b *testing.B) {
	state := func(i int) fwk.NodeInfo {
		return nodeInfo(gpuNode("h100-"+itoa(i), 8, 4, ""), gpuPod(1, "0"), gpuPod(1, "1"), gpuPod(2, "4,5"), gpuPod(2, "2,3"))
	}
	var nodes, next []fwk.NodeInfo
	for i := 0; i < 64; i++ {
		nodes, next = append(nodes, state(i)), append(next, state(i))
	}
	g, pod, ctx := plugin(), gpuPod(1, ""), context.Background()
	b.ResetTimer()
	for k := 0; b.Loop(); k++ {
		changed := k % 64
		nodes[changed], next[changed] = next[changed], nodes[changed]
		for _, ni := range nodes {
			if st := g.Filter(ctx, nil, pod, ni); !st.IsSuccess() {
				b.Fatal(st.Message())
			}
			if _, st := g.Score(ctx, nil, pod, ni); !st.IsSuccess() {
				b.Fatal(st.Message())
			}
		}
	}
}

// Two pods alike in their GPU count and type sign alike (kube-scheduler may batch them); another count or another
// type signs otherwise.
func TestSignPodCoversWhatTheScoreReads(t *testing.T) {
	sign := func(p *v1.Pod) string {
		fragments, st := plugin().SignPod(context.Background(), p)
		if !st.IsSuccess() || len(fragments) != 1 || fragments[0].Key != SignerName {
			t.Fatalf("one gpu-fit fragment, got %v (%v)", fragments, st)
		}
		return fmt.Sprintf("%+v", fragments[0].Value)
	}
	h100 := func(p *v1.Pod) *v1.Pod {
		p.Spec.NodeSelector = map[string]string{gputopo.LabelProduct: "NVIDIA-H100-80GB-HBM3"}
		return p
	}
	if sign(h100(gpuPod(2, ""))) != sign(h100(gpuPod(2, ""))) {
		t.Error("two 2-GPU H100 pods must sign alike")
	}
	if sign(h100(gpuPod(2, ""))) == sign(h100(gpuPod(4, ""))) {
		t.Error("2 and 4 GPUs must sign otherwise")
	}
	if sign(h100(gpuPod(2, ""))) == sign(gpuPod(2, "")) {
		t.Error("a GPU type selected or not must sign otherwise")
	}
}
