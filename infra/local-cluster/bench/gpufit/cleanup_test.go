package main

import (
	"context"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
)

func poolObjects() []runtime.Object {
	return []runtime.Object{
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "gfb0"}},
		&corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "gfb0-h100-0", Labels: map[string]string{"sim.portal.ai/test-pool": "gfb0"}}},
		&corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "other", Labels: map[string]string{"sim.portal.ai/test-pool": "gfb9"}}},
	}
}

// The next profile starts only once the previous run's namespace and nodes are gone; another pool's nodes do not
// hold it up.
func TestWaitGoneReturnsOnceNamespaceAndPoolNodesAreDeleted(t *testing.T) {
	ctx := context.Background()
	kc := fake.NewClientset(poolObjects()...)
	go func() {
		time.Sleep(50 * time.Millisecond)
		_ = kc.CoreV1().Namespaces().Delete(ctx, "gfb0", metav1.DeleteOptions{})
		time.Sleep(50 * time.Millisecond)
		_ = kc.CoreV1().Nodes().Delete(ctx, "gfb0-h100-0", metav1.DeleteOptions{})
	}()
	t0 := time.Now()
	if err := waitGone(ctx, kc, "gfb0", "gfb0", 10*time.Second, 10*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if el := time.Since(t0); el < 100*time.Millisecond {
		t.Fatalf("returned after %s, before the node was deleted", el)
	}
}

// A namespace that stays (a finalizer, a slow namespace controller) is reported, not waited on for ever.
func TestWaitGoneGivesUpAndSaysWhatIsLeft(t *testing.T) {
	ctx := context.Background()
	kc := fake.NewClientset(poolObjects()...)
	kc.PrependReactor("delete", "namespaces", func(k8stesting.Action) (bool, runtime.Object, error) { return true, nil, nil })
	_ = kc.CoreV1().Namespaces().Delete(ctx, "gfb0", metav1.DeleteOptions{})
	_ = kc.CoreV1().Nodes().Delete(ctx, "gfb0-h100-0", metav1.DeleteOptions{})
	err := waitGone(ctx, kc, "gfb0", "gfb0", 50*time.Millisecond, 10*time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "namespace gfb0 gone: false, pool nodes left: 0") {
		t.Fatalf("err %v", err)
	}
}
