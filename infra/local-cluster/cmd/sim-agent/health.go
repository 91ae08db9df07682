package main

import (
	"context"
	"encoding/json"
	"log/slog"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"

	"ai.portal/local-cluster/internal/gputopo"
)

// The GPU health reporter: on a real node NVIDIA's device plugin watches DCGM for XID errors and stops handing
// out a GPU that had a fatal one; the scheduler learns it from the node. Here the simulated XIDs are the node
// annotation sim.portal.ai/gpu-xid-errors ("3:79,5:48"), and the agent publishes the GPUs they make unusable as
// gputopo.AnnotationUnhealthy ("3:79,5:48"), which the gpu-fit scheduler plugin reads.

// applicationXIDs are the XIDs the device plugin ignores by default (errors of the application, not the GPU:
// NVIDIA k8s-device-plugin's DP_DISABLE_HEALTHCHECKS default list).
var applicationXIDs = map[int]bool{13: true, 31: true, 43: true, 45: true, 68: true, 109: true}

// unhealthyGPUs is what the node's annotation should say: the GPUs with a fatal simulated XID.
func unhealthyGPUs(n *corev1.Node) string {
	bad := map[int]int{}
	for i, code := range nodeXIDs(n) {
		if code > 0 && !applicationXIDs[code] {
			bad[i] = code
		}
	}
	return gputopo.FormatUnhealthy(bad)
}

type healthReporter struct {
	c     *clients
	nodes func(name string) (*corev1.Node, bool)
	queue workqueue.TypedRateLimitingInterface[string]
}

func newHealthReporter(c *clients, nodes func(string) (*corev1.Node, bool)) *healthReporter {
	return &healthReporter{c: c, nodes: nodes,
		queue: workqueue.NewTypedRateLimitingQueue(workqueue.DefaultTypedControllerRateLimiter[string]())}
}

func (h *healthReporter) handler() cache.ResourceEventHandler {
	enqueue := func(obj any) {
		if n, ok := obj.(*corev1.Node); ok && n.Annotations[annotationKwok] == "fake" &&
			n.Annotations[gputopo.AnnotationUnhealthy] != unhealthyGPUs(n) {
			h.queue.Add(n.Name)
		}
	}
	return cache.ResourceEventHandlerFuncs{AddFunc: enqueue, UpdateFunc: func(_, n any) { enqueue(n) }}
}

func (h *healthReporter) run(ctx context.Context) {
	go func() { <-ctx.Done(); h.queue.ShutDown() }()
	for {
		name, quit := h.queue.Get()
		if quit {
			return
		}
		if err := h.sync(ctx, name); err != nil {
			slog.Warn("publishing GPU health failed, retrying", "node", name, "err", err)
			h.queue.AddRateLimited(name)
		} else {
			h.queue.Forget(name)
		}
		h.queue.Done(name)
	}
}

// sync sets (or removes) the node's unhealthy-GPU annotation from its simulated XIDs (level-triggered).
func (h *healthReporter) sync(ctx context.Context, name string) error {
	n, ok := h.nodes(name)
	if !ok {
		return nil
	}
	want := unhealthyGPUs(n)
	if n.Annotations[gputopo.AnnotationUnhealthy] == want {
		return nil
	}
	var value any = want
	if want == "" {
		value = nil // merge patch: remove
	}
	patch, _ := json.Marshal(map[string]any{"metadata": map[string]any{"annotations": map[string]any{gputopo.AnnotationUnhealthy: value}}})
	_, err := h.c.kube.CoreV1().Nodes().Patch(ctx, name, types.MergePatchType, patch, metav1.PatchOptions{FieldManager: fieldManager})
	if err == nil {
		slog.Info("GPU health published", "node", name, "unhealthy", want)
	}
	return err
}
