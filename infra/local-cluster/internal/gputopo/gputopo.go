// Package gputopo is the GPU model of one node that the gpu-fit scheduler plugin and the node agent share:
// which GPU indices exist, which are healthy, which are held, how they group into interconnect (NVLink/NVSwitch)
// domains, where a pod's GPUs go, and how fragmented a node's free GPUs are. It depends on core/v1 only, so the
// agent can use it without linking the scheduler.
package gputopo

import (
	"sort"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

const (
	// ResourceGPU is the device plugin's extended resource.
	ResourceGPU corev1.ResourceName = "nvidia.com/gpu"
	// LabelProduct is GPU feature discovery's GPU type label.
	LabelProduct = "nvidia.com/gpu.product"
	// LabelDomainSize is the number of GPUs per interconnect domain on a node: indices [0,size) are domain 0,
	// [size,2*size) domain 1, ... (an 8-GPU node with two 4-GPU NVLink islands has "4"). Absent: one domain.
	LabelDomainSize = "portal.ai/gpu-domain-size"
	// AnnotationUnhealthy lists a node's GPUs that must not be handed out, as "index:xid,..." ("3:79,5:48");
	// the xid part is informational and may be left out ("3,5"). Written by the node's GPU health reporter
	// (on the local cluster the sim-agent, from the XID errors it simulates).
	AnnotationUnhealthy = "portal.ai/gpu-unhealthy"
	// AnnotationDevices is the GPU indices a pod holds on its node ("4,5,6,7"), chosen by the gpu-fit plugin
	// before binding and honoured by the node's device assignment.
	AnnotationDevices = "portal.ai/gpu-devices"
)

// CommonSizes are the request sizes fragmentation is measured against (1, 2, 4 and 8 GPUs, equally likely).
var CommonSizes = []int{1, 2, 4, 8}

// PodGPUs is the number of GPUs a pod holds: the sum over its containers (limits, else requests), or the
// largest init container's if that is more, as the scheduler counts resources.
func PodGPUs(pod *corev1.Pod) int {
	sum := 0
	for _, c := range pod.Spec.Containers {
		sum += containerGPUs(c)
	}
	for _, c := range pod.Spec.InitContainers {
		if n := containerGPUs(c); n > sum {
			sum = n
		}
	}
	return sum
}

func containerGPUs(c corev1.Container) int {
	if q, ok := c.Resources.Limits[ResourceGPU]; ok {
		return int(q.Value())
	}
	if q, ok := c.Resources.Requests[ResourceGPU]; ok {
		return int(q.Value())
	}
	return 0
}

// ParseIndices reads "4,5,6,7"; ok is false for anything else.
func ParseIndices(s string) ([]int, bool) {
	if strings.TrimSpace(s) == "" {
		return nil, false
	}
	var out []int
	for _, part := range strings.Split(s, ",") {
		i, err := strconv.Atoi(strings.TrimSpace(part))
		if err != nil || i < 0 {
			return nil, false
		}
		out = append(out, i)
	}
	return out, true
}

// FormatIndices writes indices as "4,5,6,7".
func FormatIndices(idx []int) string {
	parts := make([]string, len(idx))
	for i, v := range idx {
		parts[i] = strconv.Itoa(v)
	}
	return strings.Join(parts, ",")
}

// ParseUnhealthy reads AnnotationUnhealthy: index -> XID code (0 when not given). Malformed parts are ignored.
func ParseUnhealthy(s string) map[int]int {
	out := map[int]int{}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		idx, code, _ := strings.Cut(part, ":")
		i, err := strconv.Atoi(idx)
		if err != nil || i < 0 {
			continue
		}
		c, _ := strconv.Atoi(code)
		out[i] = c
	}
	return out
}

// UnhealthyIndices are the GPU indices of an unhealthy map (index -> XID), in order.
func UnhealthyIndices(m map[int]int) []int {
	idx := make([]int, 0, len(m))
	for i := range m {
		idx = append(idx, i)
	}
	sort.Ints(idx)
	return idx
}

// FormatUnhealthy writes AnnotationUnhealthy in index order.
func FormatUnhealthy(m map[int]int) string {
	idx := UnhealthyIndices(m)
	parts := make([]string, len(idx))
	for k, i := range idx {
		parts[k] = strconv.Itoa(i) + ":" + strconv.Itoa(m[i])
	}
	return strings.Join(parts, ",")
}

// Node is one node's GPUs.
type Node struct {
	Name       string
	Product    string
	DomainSize int
	Unhealthy  map[int]int // index -> XID
	used       []bool
}

// NewNode models a node with total GPUs (its allocatable nvidia.com/gpu), reading the product, domain size and
// unhealthy GPUs from its labels and annotations.
func NewNode(n *corev1.Node, total int) *Node {
	ds, err := strconv.Atoi(n.Labels[LabelDomainSize])
	if err != nil || ds <= 0 || ds > total {
		ds = total
	}
	return &Node{Name: n.Name, Product: n.Labels[LabelProduct], DomainSize: ds,
		Unhealthy: ParseUnhealthy(n.Annotations[AnnotationUnhealthy]), used: make([]bool, total)}
}

// AllocatableGPUs is the node's allocatable nvidia.com/gpu.
func AllocatableGPUs(n *corev1.Node) int {
	if q, ok := n.Status.Allocatable[ResourceGPU]; ok {
		return int(q.Value())
	}
	return 0
}

// Total is the number of GPU indices.
func (n *Node) Total() int { return len(n.used) }

func (n *Node) usable(i int) bool {
	_, bad := n.Unhealthy[i]
	return i < len(n.used) && !n.used[i] && !bad
}

// Healthy is the number of GPUs without a health mark, held or not.
func (n *Node) Healthy() int {
	h := 0
	for i := range n.used {
		if _, bad := n.Unhealthy[i]; !bad {
			h++
		}
	}
	return h
}

// Take marks indices as held; it reports false (and marks nothing) when one is out of range or already held.
func (n *Node) Take(idx []int) bool {
	for _, i := range idx {
		if i < 0 || i >= len(n.used) || n.used[i] {
			return false
		}
	}
	for _, i := range idx {
		n.used[i] = true
	}
	return true
}

// Free is the healthy GPUs nobody holds.
func (n *Node) Free() int {
	f := 0
	for i := range n.used {
		if n.usable(i) {
			f++
		}
	}
	return f
}

func (n *Node) domains() int { return (len(n.used) + n.DomainSize - 1) / max(n.DomainSize, 1) }

// domainFree lists, per domain, its free healthy indices.
func (n *Node) domainFree() [][]int {
	out := make([][]int, n.domains())
	for i := range n.used {
		if n.usable(i) {
			d := i / n.DomainSize
			out[d] = append(out[d], i)
		}
	}
	return out
}

// Choose picks k free healthy GPUs: inside one domain when one has room (the fullest such domain, so emptier
// domains stay whole for bigger requests), else from as few domains as possible (the emptiest first). ok is false
// when fewer than k are free.
func (n *Node) Choose(k int) (idx []int, ok bool) {
	if k <= 0 {
		return nil, true
	}
	doms := n.domainFree()
	best := -1
	for d, free := range doms {
		if len(free) >= k && (best < 0 || len(free) < len(doms[best])) {
			best = d
		}
	}
	if best >= 0 {
		return append([]int(nil), doms[best][:k]...), true
	}
	order := make([]int, len(doms))
	for d := range order {
		order[d] = d
	}
	sort.SliceStable(order, func(a, b int) bool { return len(doms[order[a]]) > len(doms[order[b]]) })
	for _, d := range order {
		for _, i := range doms[d] {
			if len(idx) == k {
				break
			}
			idx = append(idx, i)
		}
	}
	if len(idx) < k {
		return nil, false
	}
	sort.Ints(idx)
	return idx, true
}

// DomainsSpanned is how many interconnect domains the indices touch.
func (n *Node) DomainsSpanned(idx []int) int {
	seen := map[int]bool{}
	for _, i := range idx {
		seen[i/max(n.DomainSize, 1)] = true
	}
	return len(seen)
}

// Stranded is how many of the node's free GPUs a request of k GPUs cannot use: GPUs left over once as many
// k-GPU placements as possible are made (inside one domain for k up to the domain size, anywhere on the node
// above it). Sizes larger than the node never count: no placement on this node changes them.
func (n *Node) Stranded(k int) int {
	if k > len(n.used) || k <= 0 {
		return 0
	}
	total, usable := 0, 0
	if k <= n.DomainSize {
		for _, free := range n.domainFree() {
			total += len(free)
			usable += len(free) / k * k
		}
		return total - usable
	}
	f := n.Free()
	return f - f/k*k
}

// Fragmentation is the expected number of free GPUs that a request drawn from sizes (equally likely) could not
// use on this node — the measure of Weng et al., "Beware of Fragmentation" (USENIX ATC '23), for whole GPUs.
func (n *Node) Fragmentation(sizes []int) float64 {
	if len(sizes) == 0 {
		return 0
	}
	s := 0
	for _, k := range sizes {
		s += n.Stranded(k)
	}
	return float64(s) / float64(len(sizes))
}

// Clone copies the node (its holdings included).
func (n *Node) Clone() *Node {
	c := *n
	c.used = append([]bool(nil), n.used...)
	return &c
}

// Release frees indices a pod held.
func (n *Node) Release(idx []int) {
	for _, i := range idx {
		if i >= 0 && i < len(n.used) {
			n.used[i] = false
		}
	}
}
