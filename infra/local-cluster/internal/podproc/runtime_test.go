package podproc

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"
)

// runtimeFor makes a runtime whose "image" runs /bin/sh scripts, against a fake API holding pod.
func runtimeFor(t *testing.T, pod *corev1.Pod) (*Runtime, *fake.Clientset, chan string) {
	t.Helper()
	kube := fake.NewClientset(pod)
	requeued := make(chan string, 100)
	state := t.TempDir()
	r := New(Options{
		Config: &Config{Images: []string{"img:1"}, Home: "/home/jovyan"},
		Layout: Layout{Root: t.TempDir()}, State: state, IPs: NewIPs(SecondOctetFor(state)),
		Kube: kube, Objects: objs, Claims: objs,
		Requeue: func(ns, name string, _ time.Duration) { requeued <- ns + "/" + name },
	})
	t.Cleanup(func() { r.StopAll(time.Second) })
	return r, kube, requeued
}

func shPod(script string, policy corev1.RestartPolicy) *corev1.Pod {
	grace := int64(1)
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "ns", UID: "uid-p"},
		Spec: corev1.PodSpec{NodeName: "sim-cpu-0", RestartPolicy: policy, TerminationGracePeriodSeconds: &grace,
			Containers: []corev1.Container{{Name: "main", Image: "img:1", Command: []string{"/bin/sh", "-c", script}}}},
	}
}

func latest(t *testing.T, kube *fake.Clientset) *corev1.Pod {
	t.Helper()
	p, err := kube.CoreV1().Pods("ns").Get(context.Background(), "p", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func awaitRequeue(t *testing.T, ch chan string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(20 * time.Second):
		t.Fatal("the runtime did not requeue the pod")
	}
}

func TestAPodRunsToItsExitCodeAndIsDeletedOnceItsProcessIsGone(t *testing.T) {
	pod := shPod("echo started; exit 3", corev1.RestartPolicyNever)
	r, kube, requeued := runtimeFor(t, pod)
	ctx := context.Background()

	if err := r.Sync(ctx, pod); err != nil {
		t.Fatal(err)
	}
	running := latest(t, kube)
	if !strings.HasPrefix(running.Status.PodIP, "127.") || running.Status.ContainerStatuses[0].ContainerID == "" {
		t.Fatalf("status after start: %+v", running.Status)
	}
	awaitRequeue(t, requeued) // the exit
	if err := r.Sync(ctx, latest(t, kube)); err != nil {
		t.Fatal(err)
	}
	done := latest(t, kube)
	term := done.Status.ContainerStatuses[0].State.Terminated
	if done.Status.Phase != corev1.PodFailed || term == nil || term.ExitCode != 3 || term.Reason != "Error" {
		t.Fatalf("phase %s, terminated %+v", done.Status.Phase, term)
	}
	b, _ := os.ReadFile(ContainerLogFile(r.o.State, done, "main", 0))
	if !strings.Contains(string(b), " stdout F started") {
		t.Fatalf("log %q", b)
	}

	// deletion: with nothing running, the pod is removed from the API and forgotten, without blocking
	now := metav1.Now()
	done.DeletionTimestamp = &now
	finished := make(chan error, 1)
	go func() {
		err := r.Sync(ctx, done)
		if err == nil {
			err = r.Sync(ctx, done)
		}
		finished <- err
	}()
	select {
	case err := <-finished:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Sync of a deleted pod blocked")
	}
	if _, err := kube.CoreV1().Pods("ns").Get(ctx, "p", metav1.GetOptions{}); err == nil {
		t.Fatal("the pod was not deleted")
	}
	if r.Owns(done.UID) {
		t.Fatal("the runtime still holds the pod")
	}
	if _, err := os.Stat(filepath.Join(r.o.Layout.PodDir("uid-p"))); !os.IsNotExist(err) {
		t.Fatal("the pod's folder was left behind")
	}
}

func TestDeletingARunningPodStopsItsProcessWithinTheGracePeriod(t *testing.T) {
	pod := shPod("trap '' TERM; echo ignoring-term; sleep 300", corev1.RestartPolicyAlways)
	r, kube, requeued := runtimeFor(t, pod)
	ctx := context.Background()
	if err := r.Sync(ctx, pod); err != nil {
		t.Fatal(err)
	}
	live := latest(t, kube)
	// a SIGTERM sent before the shell has run its trap ends it at once (seen: exit 143 after 10 ms)
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		b, _ := os.ReadFile(ContainerLogFile(r.o.State, live, "main", 0))
		if strings.Contains(string(b), " stdout F ignoring-term") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the container did not start ignoring SIGTERM; log %q", b)
		}
	}
	now := metav1.Now()
	live.DeletionTimestamp = &now
	start := time.Now()
	if err := r.Sync(ctx, live); err != nil { // SIGTERM now, SIGKILL after 1 s
		t.Fatal(err)
	}
	for {
		awaitRequeue(t, requeued)
		if err := r.Sync(ctx, live); err != nil {
			t.Fatal(err)
		}
		if !r.Owns(live.UID) {
			break
		}
	}
	if time.Since(start) < 900*time.Millisecond {
		t.Fatal("the grace period was not given")
	}
	if _, err := kube.CoreV1().Pods("ns").Get(ctx, "p", metav1.GetOptions{}); err == nil {
		t.Fatal("the pod was not deleted")
	}
}

func TestAlwaysRestartsAFailedContainerAfterItsBackOff(t *testing.T) {
	pod := shPod("exit 1", corev1.RestartPolicyAlways)
	r, kube, requeued := runtimeFor(t, pod)
	ctx := context.Background()
	if err := r.Sync(ctx, pod); err != nil {
		t.Fatal(err)
	}
	awaitRequeue(t, requeued)
	if err := r.Sync(ctx, latest(t, kube)); err != nil {
		t.Fatal(err)
	}
	st := latest(t, kube).Status
	cs := st.ContainerStatuses[0]
	if st.Phase != corev1.PodRunning || cs.State.Waiting == nil || cs.State.Waiting.Reason != "CrashLoopBackOff" {
		t.Fatalf("phase %s, state %+v", st.Phase, cs.State)
	}
	if cs.LastTerminationState.Terminated == nil || cs.LastTerminationState.Terminated.ExitCode != 1 {
		t.Fatalf("last state %+v", cs.LastTerminationState)
	}
}
