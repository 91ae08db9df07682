package main

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"ai.portal/local-cluster/internal/gputopo"
)

func benchPod(gpus int, node string, phase corev1.PodPhase) *corev1.Pod {
	q := *resource.NewQuantity(int64(gpus), resource.DecimalSI)
	return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "j"},
		Spec: corev1.PodSpec{NodeName: node, Containers: []corev1.Container{{Name: "main",
			Resources: corev1.ResourceRequirements{Limits: corev1.ResourceList{gputopo.ResourceGPU: q}}}}},
		Status: corev1.PodStatus{Phase: phase}}
}

// The sample tells a full pool from one with room that the waiting jobs are not getting: stranded GPUs are 0 in
// both while a 1-GPU job waits, the free GPUs and the waiting jobs that fit are not.
func TestSampleTellsAFullPoolFromWaitingJobsThatFit(t *testing.T) {
	r := &run{o: options{nodes: 2}, pool: "p"}
	n0, n1 := r.nodeName(0), r.nodeName(1)
	cases := []struct {
		name string
		pods []*corev1.Pod
		want sample
	}{
		{"full pool, a 1-GPU job waits",
			[]*corev1.Pod{benchPod(8, n0, corev1.PodRunning), benchPod(8, n1, corev1.PodRunning), benchPod(1, "", corev1.PodPending)},
			sample{pending: 1}},
		{"room for it, still waiting: the scheduler is behind",
			[]*corev1.Pod{benchPod(8, n0, corev1.PodRunning), benchPod(4, n1, corev1.PodPending), benchPod(1, "", corev1.PodPending), benchPod(8, "", corev1.PodPending)},
			sample{pending: 2, free: 4, fitNow: 1, starting: 4}},
		{"finished pods free their GPUs; only bigger jobs wait",
			[]*corev1.Pod{benchPod(8, n0, corev1.PodSucceeded), benchPod(6, n1, corev1.PodRunning), benchPod(4, "", corev1.PodPending)},
			sample{wholeFree: 1, free: 10, pending: 1, stranded: 2, fitNow: 1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := r.sample(tc.pods); got != tc.want {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

// An 8-GPU job's live wait splits at the moment its node was whole: before, the node drained; after, the scheduler
// had not yet come round to it.
func TestEightGPUWaitSplitsAtTheWholeNode(t *testing.T) {
	rows := []recorded{
		{name: "a", gpus: 4, arrived: 0, bound: 0.5, ended: 10, node: "n0"},
		{name: "b", gpus: 2, arrived: 1, bound: 1.5, ended: 12, node: "n0"},
		{name: "big", gpus: 8, arrived: 2, bound: 13, ended: 40, node: "n0"},
		{name: "later", gpus: 1, arrived: 20, bound: 41, ended: 50, node: "n0"},
		{name: "free", gpus: 8, arrived: 5, bound: 5.5, ended: 30, node: "n1"},
	}
	until, after, n := eightGPUWait(rows)
	if n != 2 || until != 5 || after != 0.75 {
		t.Fatalf("got %v s until whole, %v s after, %d jobs; want 5, 0.75, 2", until, after, n)
	}
}
