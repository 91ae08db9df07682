package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
)

var kwokLogsGVR = schema.GroupVersionResource{Group: "kwok.x-k8s.io", Version: "v1alpha1", Resource: "logs"}

// ensureKwokLogs points KWOK's kubelet API at the pod's log files, so `kubectl logs` (API server ->
// "kubelet" on the node's daemon endpoint, which is KWOK) returns the same lines the agent writes.
// It is a kwok.x-k8s.io/v1alpha1 Logs object named after the pod and owned by it (garbage-collected with it).
func (a *agent) ensureKwokLogs(ctx context.Context, pod *corev1.Pod, r *podRun) error {
	a.mu.Lock()
	var files []kwokLog
	for _, cr := range r.containers {
		files = append(files, kwokLog{container: cr.name, file: cr.file})
	}
	a.mu.Unlock()
	return a.applyKwokLogs(ctx, pod, files)
}

// kwokLog is one container's current log file.
type kwokLog struct{ container, file string }

func (a *agent) applyKwokLogs(ctx context.Context, pod *corev1.Pod, files []kwokLog) error {
	var logs []map[string]any
	for _, f := range files {
		logs = append(logs, map[string]any{"containers": []string{f.container}, "logsFile": f.file, "follow": true})
	}
	if len(logs) == 0 {
		return nil
	}
	obj := map[string]any{
		"apiVersion": "kwok.x-k8s.io/v1alpha1",
		"kind":       "Logs",
		"metadata": map[string]any{
			"name":      pod.Name,
			"namespace": pod.Namespace,
			"labels":    map[string]string{"app.kubernetes.io/managed-by": "ai-portal-sim-agent"},
			"ownerReferences": []metav1.OwnerReference{{
				APIVersion: "v1", Kind: "Pod", Name: pod.Name, UID: pod.UID,
			}},
		},
		"spec": map[string]any{"logs": logs},
	}
	body, err := json.Marshal(obj)
	if err != nil {
		return err
	}
	force := true
	_, err = a.c.dynamic.Resource(kwokLogsGVR).Namespace(pod.Namespace).Patch(ctx, pod.Name, types.ApplyPatchType, body,
		metav1.PatchOptions{FieldManager: fieldManager, Force: &force})
	if apierrors.IsNotFound(err) || apierrors.IsForbidden(err) || apierrors.IsConflict(err) {
		return nil // namespace terminating, or the pod is gone: nothing to serve
	}
	return err
}

// sweepLogs removes pod log folders and symlinks of pods that no longer exist (as a kubelet's
// container GC does), including those of pods deleted while the agent was down.
func (a *agent) sweepLogs() {
	pods, err := a.pods.List(labels.Everything())
	if err != nil {
		return
	}
	live := map[string]bool{}
	for _, p := range pods {
		live[string(p.UID)] = true
	}
	podsDir := filepath.Join(a.state, "var", "log", "pods")
	entries, _ := os.ReadDir(podsDir)
	for _, e := range entries {
		i := strings.LastIndex(e.Name(), "_")
		if i < 0 || live[e.Name()[i+1:]] {
			continue
		}
		_ = os.RemoveAll(filepath.Join(podsDir, e.Name()))
	}
	linkDir := filepath.Join(a.state, "var", "log", "containers")
	links, _ := os.ReadDir(linkDir)
	for _, l := range links {
		p := filepath.Join(linkDir, l.Name())
		if _, err := os.Stat(p); os.IsNotExist(err) { // dangling: its pod folder is gone
			_ = os.Remove(p)
		}
	}
}
