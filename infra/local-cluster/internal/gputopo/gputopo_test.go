package gputopo

import (
	"reflect"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func node(total, domainSize int, unhealthy string, held ...int) *Node {
	n := NewNode(&corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "n",
		Labels:      map[string]string{LabelDomainSize: FormatIndices([]int{domainSize})},
		Annotations: map[string]string{AnnotationUnhealthy: unhealthy}}}, total)
	n.Take(held)
	return n
}

func TestChoose(t *testing.T) {
	cases := []struct {
		name string
		n    *Node
		k    int
		want []int
		ok   bool
	}{
		{"fullest domain that fits", node(8, 4, "", 0, 1), 2, []int{2, 3}, true},
		{"whole domain kept for a 4-GPU request", node(8, 4, "", 0), 1, []int{1}, true},
		{"fits in one domain", node(8, 4, "", 0, 1), 4, []int{4, 5, 6, 7}, true},
		{"unhealthy GPUs skipped", node(8, 4, "5:79", 0, 1, 2), 4, []int{3, 4, 6, 7}, true},
		{"across domains, emptiest first", node(8, 4, "", 0, 1, 4), 4, []int{2, 5, 6, 7}, true},
		{"too few free", node(4, 4, "3:48", 0), 3, nil, false},
		{"one domain when no label", node(8, 0, "", 0, 1, 2, 3, 4), 3, []int{5, 6, 7}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := tc.n.Choose(tc.k)
			if ok != tc.ok || !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("Choose(%d) = %v %v, want %v %v", tc.k, got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestFragmentation(t *testing.T) {
	// free (2,2) over two domains: 4-GPU requests cannot use any of the 4, 8-GPU ones neither
	if got := node(8, 4, "", 0, 1, 4, 5).Fragmentation(CommonSizes); got != 2 {
		t.Fatalf("split node: %v, want (0+0+4+4)/4 = 2", got)
	}
	if got := node(8, 4, "").Fragmentation(CommonSizes); got != 0 {
		t.Fatalf("empty node: %v, want 0", got)
	}
	// sizes larger than the node do not count: a 4-GPU node is never fragmented for 8
	if got := node(4, 4, "", 0).Fragmentation(CommonSizes); got != 1 {
		t.Fatalf("4-GPU node with 3 free: %v, want (0+1+3+0)/4 = 1", got)
	}
}

func TestUnhealthyRoundTrip(t *testing.T) {
	m := ParseUnhealthy(" 5:48,3:79,x:1,7")
	if !reflect.DeepEqual(m, map[int]int{3: 79, 5: 48, 7: 0}) {
		t.Fatalf("%v", m)
	}
	if s := FormatUnhealthy(m); s != "3:79,5:48,7:0" {
		t.Fatalf("%q", s)
	}
}
