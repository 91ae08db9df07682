package gpufit

import (
	"context"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes/fake"
	clienttesting "k8s.io/client-go/testing"
	fwk "k8s.io/kube-scheduler/framework"
	"k8s.io/kubernetes/pkg/scheduler/framework"
)

// A node's GPUs are worked out once per state of its NodeInfo: a pod bound there, or a GPU marked unhealthy, is
// seen by the next attempt.
func TestTheNextAttemptSeesWhatChangedOnANode(t *testing.T) {
	g, pod := plugin(), gpuPod(4, "")
	ni := framework.NewNodeInfo(gpuPod(4, "0,1,2,3"))
	ni.SetNode(gpuNode("h100-0", 8, 4, ""))
	if st := g.Filter(context.Background(), nil, pod, ni); !st.IsSuccess() {
		t.Fatalf("4 of 8 free, a 4-GPU pod fits: %v %q", st.Code(), st.Message())
	}
	ni.AddPod(gpuPod(2, "4,5"))
	if st := g.Filter(context.Background(), nil, pod, ni); st.Code() != fwk.Unschedulable || !strings.Contains(st.Message(), "2 healthy") {
		t.Fatalf("a 2-GPU pod bound since: got %v %q, want 2 healthy free", st.Code(), st.Message())
	}
	ni.SetNode(gpuNode("h100-0", 8, 4, "6:79"))
	if st := g.Filter(context.Background(), nil, gpuPod(2, ""), ni); st.Code() != fwk.UnschedulableAndUnresolvable && st.Code() != fwk.Unschedulable ||
		!strings.Contains(st.Message(), "1 healthy") {
		t.Fatalf("GPU 6 broke since: got %v %q, want 1 healthy free", st.Code(), st.Message())
	}
}

// podGroupCycle is the cycle state of a pod group's scheduling cycle.
type podGroupCycle struct{ fwk.PodGroupCycleState }

// In a pod group's cycle kube-scheduler assumes the group's pods into its snapshot in place, keeping the NodeInfo's
// generation: the next member must still see the GPUs the ones before it took.
func TestAPodGroupCycleSeesPodsAssumedInPlace(t *testing.T) {
	g, pod := plugin(), gpuPod(4, "")
	ni := framework.NewNodeInfo(gpuPod(4, "0,1,2,3"))
	ni.SetNode(gpuNode("h100-0", 8, 4, ""))
	if st := g.Filter(context.Background(), nil, pod, ni); !st.IsSuccess() {
		t.Fatalf("4 of 8 free: %v %q", st.Code(), st.Message())
	}
	generation := ni.Generation
	ni.AddPod(gpuPod(4, "4,5,6,7")) // Snapshot.AssumePod: the pod is added, the generation kept
	ni.Generation = generation
	state := framework.NewCycleState()
	state.SetPodGroupSchedulingCycle(podGroupCycle{})
	if st := g.Filter(context.Background(), state, pod, ni); st.Code() != fwk.Unschedulable {
		t.Fatalf("the group's first member took the other 4: got %v %q, want Unschedulable", st.Code(), st.Message())
	}
}

// informerHandle is the part of the scheduler's handle New reads: its informers.
type informerHandle struct {
	fwk.Handle
	factory informers.SharedInformerFactory
}

func (h informerHandle) SharedInformerFactory() informers.SharedInformerFactory { return h.factory }

// watchesStarted tells, once per watch, that the fake clientset delivers events to it. Its tracker sends a watch only
// the objects that exist when it starts, so an object deleted between an informer's list and its watch stays in the
// informer's cache for good (the test failed about once in 60 runs on a busy machine before it waited).
func watchesStarted(client *fake.Clientset) <-chan struct{} {
	started := make(chan struct{}, 8)
	client.PrependWatchReactor("*", func(action clienttesting.Action) (bool, watch.Interface, error) {
		var opts []metav1.ListOptions
		if w, ok := action.(clienttesting.WatchActionImpl); ok {
			opts = append(opts, w.ListOptions)
		}
		w, err := client.Tracker().Watch(action.GetResource(), action.GetNamespace(), opts...)
		if err != nil {
			return true, nil, err
		}
		started <- struct{}{}
		return true, w, nil
	})
	return started
}

// A pod deleted before its GPUs' annotation reached the scheduler leaves no reservation behind, and a node deleted
// leaves no view: neither would be asked for again, and a long-running scheduler would keep them for good.
func TestReservationsAndViewsEndWithTheirPodsAndNodes(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pod, node := gpuPod(2, ""), gpuNode("h100-0", 8, 4, "")
	client := fake.NewClientset(pod, node)
	watching := watchesStarted(client)
	factory := informers.NewSharedInformerFactory(client, 0)
	p, err := New(ctx, nil, informerHandle{factory: factory})
	if err != nil {
		t.Fatal(err)
	}
	g := p.(*GPUFit)
	factory.Start(ctx.Done())
	factory.WaitForCacheSync(ctx.Done())
	for range 2 { // pods and nodes: a deletion before an informer watches would never reach it
		select {
		case <-watching:
		case <-time.After(10 * time.Second):
			t.Fatal("the informers never started watching")
		}
	}

	g.reserved[pod.UID] = reservation{node: node.Name, devices: []int{0, 1}}
	ni := framework.NewNodeInfo()
	ni.SetNode(node)
	g.Filter(ctx, nil, gpuPod(1, ""), ni)
	if err := client.CoreV1().Pods(pod.Namespace).Delete(ctx, pod.Name, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := client.CoreV1().Nodes().Delete(ctx, node.Name, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		g.mu.Lock()
		reserved, views := len(g.reserved), len(g.views)
		g.mu.Unlock()
		if reserved == 0 && views == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the deletions: %d reservations, %d views kept", reserved, views)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
