package podproc

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	corev1ac "k8s.io/client-go/applyconfigurations/core/v1"
)

// status is the pod status a kubelet would report for the runtime's view of the pod. Condition transition
// times are kept from the pod as long as a condition's status does not change.
func (r *Runtime) status(pod *corev1.Pod, ps *podState) *corev1ac.PodStatusApplyConfiguration {
	st := corev1ac.PodStatus().WithHostIP("127.0.0.1").WithHostIPs(corev1ac.HostIP().WithIP("127.0.0.1")).
		WithStartTime(ps.startTime).WithQOSClass(qosClass(pod))
	if ps.ip != "" {
		st.WithPodIP(ps.ip).WithPodIPs(corev1ac.PodIP().WithIP(ps.ip))
	}

	allReady, anyRunning, allTerminated, anyFailed, anyWillRestart := true, false, true, false, false
	var notReady []string
	for i := range pod.Spec.Containers {
		c := &pod.Spec.Containers[i]
		cs := ps.container(c)
		s := corev1ac.ContainerStatus().WithName(c.Name).WithImage(c.Image).
			WithImageID(fmt.Sprintf("docker.io/library/%s@sha256:%s", c.Image, shortHash(c.Image))).
			WithRestartCount(cs.restarts).WithReady(cs.run != nil && cs.ready).WithStarted(cs.run != nil && cs.startupOK)
		if cs.id != "" {
			s.WithContainerID(cs.id)
		}
		switch {
		case cs.run != nil:
			anyRunning, allTerminated = true, false
			s.WithState(corev1ac.ContainerState().WithRunning(corev1ac.ContainerStateRunning().WithStartedAt(metav1.NewTime(cs.started))))
		case cs.terminated != nil && cs.waiting == "":
			t := cs.terminated
			s.WithState(corev1ac.ContainerState().WithTerminated(terminatedAC(t)))
			if t.ExitCode != 0 {
				anyFailed = true
			}
			if r.shouldStart(pod, cs) {
				anyWillRestart, allTerminated = true, false
			}
		default:
			allTerminated = false
			if cs.terminated != nil { // waiting to restart (CrashLoopBackOff): the pod keeps its Running phase
				anyWillRestart = true
			}
			reason := cs.waiting
			if reason == "" {
				reason = "ContainerCreating"
			}
			w := corev1ac.ContainerStateWaiting().WithReason(reason)
			if cs.waitingMsg != "" {
				w.WithMessage(cs.waitingMsg)
			}
			s.WithState(corev1ac.ContainerState().WithWaiting(w))
		}
		last := cs.lastState
		if cs.run == nil && cs.waiting != "" && cs.terminated != nil {
			last = cs.terminated // while it waits to restart, its last run is its last state
		}
		if last != nil {
			s.WithLastTerminationState(corev1ac.ContainerState().WithTerminated(terminatedAC(last)))
		}
		if !(cs.run != nil && cs.ready) {
			allReady = false
			notReady = append(notReady, c.Name)
		}
		st.WithContainerStatuses(s)
	}

	phase := corev1.PodPending
	switch {
	case allTerminated && !anyWillRestart && anyFailed:
		phase = corev1.PodFailed
	case allTerminated && !anyWillRestart:
		phase = corev1.PodSucceeded
	case anyRunning || anyWillRestart:
		phase = corev1.PodRunning
	}
	st.WithPhase(phase)

	msg := ""
	if len(notReady) > 0 {
		msg = fmt.Sprintf("containers with unready status: [%s]", strings.Join(notReady, " "))
	}
	reason := ""
	if !allReady {
		reason = "ContainersNotReady"
		if phase == corev1.PodSucceeded || phase == corev1.PodFailed {
			reason = "PodCompleted"
		}
	}
	st.WithConditions(
		condition(pod, corev1.PodReadyToStartContainers, ps.ip != "", "", ""),
		condition(pod, corev1.PodInitialized, true, "", ""),
		condition(pod, corev1.ContainersReady, allReady, reason, msg),
		condition(pod, corev1.PodReady, allReady, reason, msg),
	)
	return st
}

func terminatedAC(t *corev1.ContainerStateTerminated) *corev1ac.ContainerStateTerminatedApplyConfiguration {
	ac := corev1ac.ContainerStateTerminated().WithExitCode(t.ExitCode).WithReason(t.Reason).
		WithStartedAt(t.StartedAt).WithFinishedAt(t.FinishedAt)
	if t.Message != "" {
		ac.WithMessage(t.Message)
	}
	if t.ContainerID != "" {
		ac.WithContainerID(t.ContainerID)
	}
	return ac
}

func condition(pod *corev1.Pod, typ corev1.PodConditionType, ok bool, reason, msg string) *corev1ac.PodConditionApplyConfiguration {
	status := corev1.ConditionFalse
	if ok {
		status = corev1.ConditionTrue
	}
	since := metav1.Now()
	for _, c := range pod.Status.Conditions {
		if c.Type == typ && c.Status == status && !c.LastTransitionTime.IsZero() {
			since = c.LastTransitionTime
		}
	}
	ac := corev1ac.PodCondition().WithType(typ).WithStatus(status).WithLastTransitionTime(since)
	if reason != "" {
		ac.WithReason(reason)
	}
	if msg != "" {
		ac.WithMessage(msg)
	}
	return ac
}

// qosClass is the pod's QoS class as the API server computed it (it is immutable), or Burstable.
func qosClass(pod *corev1.Pod) corev1.PodQOSClass {
	if pod.Status.QOSClass != "" {
		return pod.Status.QOSClass
	}
	return corev1.PodQOSBurstable
}

func shortHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
