package podproc

import (
	"os/exec"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

func TestProberThresholdsAsTheKubelet(t *testing.T) {
	p := NewProber(&corev1.Probe{SuccessThreshold: 1, FailureThreshold: 2}, "", &corev1.Container{}, false,
		func([]string) *exec.Cmd { return nil })
	steps := []struct {
		success, want, changed bool
	}{
		{false, false, false}, // readiness starts failed
		{true, true, true},    // one success suffices
		{false, true, false},  // one failure is not enough
		{true, true, false},   // and a success resets the count
		{false, true, false},
		{false, false, true}, // two in a row
	}
	for i, s := range steps {
		if got, changed := p.Observe(s.success); got != s.want || changed != s.changed {
			t.Fatalf("step %d: got %v/%v, want %v/%v", i, got, changed, s.want, s.changed)
		}
	}
	if d, period := p.Timing(); d != 0 || period.Seconds() != 10 {
		t.Fatalf("defaults %v %v", d, period)
	}
}

func TestKWOKStagesLeaveRunnablePodsAlone(t *testing.T) {
	in := []byte(`apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata: {name: node-initialize}
spec:
  resourceRef: {apiGroup: v1, kind: Node}
  selector: {matchExpressions: [{key: .status.phase, operator: NotIn, values: [Running]}]}
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata: {name: pod-ready}
spec:
  resourceRef: {apiGroup: v1, kind: Pod}
  selector:
    matchExpressions:
    - {key: .metadata.deletionTimestamp, operator: DoesNotExist}
  next:
    statusTemplate: |
      phase: Running
`)
	out, err := ExcludeFromKWOK(in, []string{"img:1", "img:2"})
	if err != nil {
		t.Fatal(err)
	}
	docs := strings.Split(string(out), "\n---\n")
	if len(docs) != 2 {
		t.Fatalf("%d documents", len(docs))
	}
	var node, pod map[string]any
	_ = yaml.Unmarshal([]byte(docs[0]), &node)
	_ = yaml.Unmarshal([]byte(docs[1]), &pod)
	exprs := func(d map[string]any) []any {
		return d["spec"].(map[string]any)["selector"].(map[string]any)["matchExpressions"].([]any)
	}
	if len(exprs(node)) != 1 {
		t.Error("node stages are untouched")
	}
	last := exprs(pod)[1].(map[string]any)
	if len(exprs(pod)) != 2 || last["key"] != ImageQuery || last["operator"] != "NotIn" || len(last["values"].([]any)) != 2 {
		t.Errorf("pod stage selector %v", exprs(pod))
	}
	if !strings.Contains(docs[1], "phase: Running") {
		t.Error("the stage's template must survive")
	}
}

func TestPodIPsAreLoopbackPerClusterAndStable(t *testing.T) {
	a := NewIPs(SecondOctetFor("/state/one"))
	ip, err := a.For("uid-1")
	if err != nil || !a.Contains(ip) || !strings.HasPrefix(ip, "127.") {
		t.Fatalf("%s %v", ip, err)
	}
	again, _ := a.For("uid-1")
	if again != ip {
		t.Fatal("a pod keeps its IP")
	}
	other, _ := a.For("uid-2")
	if other == ip {
		t.Fatal("two pods share an IP")
	}
	if a.Claim("uid-3", ip) {
		t.Fatal("a taken IP cannot be claimed by another pod")
	}
	a.Release("uid-1")
	if !a.Claim("uid-3", ip) {
		t.Fatal("a released IP can be claimed")
	}
	if s := SecondOctetFor("/state/one"); s < 64 || s > 191 {
		t.Fatalf("second octet %d", s)
	}
}

func TestRedactHidesTokens(t *testing.T) {
	got := redact([]string{"jupyter", "--IdentityProvider.token=s3cret", "--port=1"})
	if strings.Contains(strings.Join(got, " "), "s3cret") || got[2] != "--port=1" {
		t.Fatalf("%v", got)
	}
}
