package podproc

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	corev1ac "k8s.io/client-go/applyconfigurations/core/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/record"
)

// FieldManager owns the status fields the runtime writes (as the kubelet's status manager would).
const FieldManager = "ai-portal-node-agent"

// Options configure a Runtime.
type Options struct {
	Config  *Config
	Layout  Layout
	State   string   // cluster state folder (logs under <state>/var/log)
	BinDirs []string // the runtime virtualenv's bin
	// ImageBinDirs replace BinDirs for the images that have a virtualenv of their own (Config.Virtualenvs)
	ImageBinDirs map[string][]string
	// Services stands in for cluster DNS and kube-proxy in environment values (ResolveServiceURLs); nil: none
	Services Services
	Owner    *Owner // nil: run as the agent's own user
	IPs      *IPs
	Kube     kubernetes.Interface
	Objects  Objects
	Claims   Claims
	Events   record.EventRecorder
	Requeue  func(namespace, name string, after time.Duration)
}

// Runtime runs the containers of runnable pods as processes. Sync is level-triggered and idempotent: it
// compares the pod as the API server has it with the processes it holds, starts, stops or restarts
// processes, and writes the pod's status.
type Runtime struct {
	o    Options
	mu   sync.Mutex
	pods map[types.UID]*podState
}

type podState struct {
	mu         sync.Mutex
	uid        types.UID
	namespace  string
	name       string
	ip         string
	startTime  metav1.Time
	containers map[string]*ctr
	deleting   bool
	lastStatus *corev1ac.PodStatusApplyConfiguration
	cancel     context.CancelFunc // the pod's probes
	ctx        context.Context
}

type ctr struct {
	name, image  string
	restarts     int32
	run          *Running
	log          *CRILog
	id           string
	started      time.Time
	ready        bool
	startupOK    bool
	terminated   *corev1.ContainerStateTerminated
	lastState    *corev1.ContainerStateTerminated
	waiting      string
	waitingMsg   string
	backoffUntil time.Time
	backoff      time.Duration
	stopProbes   context.CancelFunc
}

// New makes a runtime.
func New(o Options) *Runtime { return &Runtime{o: o, pods: map[types.UID]*podState{}} }

// Runnable reports whether the pod runs as processes: one of its containers has a runnable image.
func (r *Runtime) Runnable(pod *corev1.Pod) bool {
	for _, c := range pod.Spec.Containers {
		if r.o.Config.Runnable(c.Image) {
			return true
		}
	}
	return false
}

// Owns reports whether the runtime holds state for the pod (e.g. one already deleted from the API).
func (r *Runtime) Owns(uid types.UID) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.pods[uid] != nil
}

// Sync brings the pod's processes and status in line with its spec.
func (r *Runtime) Sync(ctx context.Context, pod *corev1.Pod) error {
	ps := r.state(pod)
	if pod.DeletionTimestamp != nil {
		ps.mu.Lock()
		gone, err := r.terminate(ctx, pod, ps)
		ps.mu.Unlock()
		if gone {
			r.Forget(pod.UID) // takes the pod's lock itself
		}
		return err
	}
	ps.mu.Lock()
	defer ps.mu.Unlock()

	if terminal(pod.Status.Phase) && !anyRunning(ps) {
		return nil // finished; nothing runs again
	}
	for i := range pod.Spec.Containers {
		c := &pod.Spec.Containers[i]
		cs := ps.container(c)
		if cs.run != nil {
			continue
		}
		if !r.shouldStart(pod, cs) {
			continue
		}
		if wait := time.Until(cs.backoffUntil); wait > 0 {
			cs.waiting, cs.waitingMsg = "CrashLoopBackOff",
				fmt.Sprintf("back-off %s restarting failed container=%s pod=%s_%s(%s)", cs.backoff, c.Name, pod.Name, pod.Namespace, pod.UID)
			r.o.Requeue(pod.Namespace, pod.Name, wait)
			continue
		}
		if err := r.startContainer(ps, pod, c, cs); err != nil {
			var ce *ConfigError
			var nf *notFoundError
			switch {
			case errors.As(err, &ce):
				cs.waiting, cs.waitingMsg = "CreateContainerConfigError", err.Error()
				r.o.Requeue(pod.Namespace, pod.Name, 5*time.Second)
			case errors.As(err, &nf), errors.Is(err, errNoCommand):
				// as containerd's StartError: the container ends with 128 and the restart policy decides
				cs.waiting, cs.waitingMsg = "", ""
				r.exitWithoutRun(cs, 128, "StartError", err.Error())
			default:
				cs.waiting, cs.waitingMsg = "CreateContainerError", err.Error()
				r.o.Requeue(pod.Namespace, pod.Name, 5*time.Second)
			}
			r.event(pod, corev1.EventTypeWarning, "Failed", fmt.Sprintf("Error: %v", err))
		}
	}
	return r.writeStatus(ctx, pod, ps)
}

func (r *Runtime) state(pod *corev1.Pod) *podState {
	r.mu.Lock()
	defer r.mu.Unlock()
	ps := r.pods[pod.UID]
	if ps == nil {
		ctx, cancel := context.WithCancel(context.Background())
		ps = &podState{uid: pod.UID, namespace: pod.Namespace, name: pod.Name, containers: map[string]*ctr{},
			startTime: metav1.Now(), ctx: ctx, cancel: cancel}
		if pod.Status.StartTime != nil {
			ps.startTime = *pod.Status.StartTime
		}
		// after an agent restart the pod keeps its IP; containers that ran before count as exited (their
		// processes were ended with the agent) and restart by the pod's policy
		if ip := pod.Status.PodIP; ip != "" && r.o.IPs.Contains(ip) && r.o.IPs.Claim(string(pod.UID), ip) {
			ps.ip = ip
		}
		for _, s := range pod.Status.ContainerStatuses {
			cs := &ctr{name: s.Name, image: s.Image, restarts: s.RestartCount, id: s.ContainerID, ready: false}
			switch {
			case s.State.Terminated != nil:
				cs.terminated = s.State.Terminated.DeepCopy()
			case s.State.Running != nil:
				cs.terminated = &corev1.ContainerStateTerminated{ExitCode: 137, Reason: "Error",
					Message: "the node agent restarted", StartedAt: s.State.Running.StartedAt, FinishedAt: metav1.Now(),
					ContainerID: s.ContainerID}
			}
			if s.LastTerminationState.Terminated != nil {
				cs.lastState = s.LastTerminationState.Terminated.DeepCopy()
			}
			ps.containers[s.Name] = cs
		}
		r.pods[pod.UID] = ps
	}
	return ps
}

func (ps *podState) container(c *corev1.Container) *ctr {
	cs := ps.containers[c.Name]
	if cs == nil {
		cs = &ctr{name: c.Name, image: c.Image, waiting: "ContainerCreating"}
		ps.containers[c.Name] = cs
	}
	return cs
}

// shouldStart applies the restart policy to a container that is not running.
func (r *Runtime) shouldStart(pod *corev1.Pod, cs *ctr) bool {
	if cs.terminated == nil {
		return true
	}
	switch pod.Spec.RestartPolicy {
	case corev1.RestartPolicyNever:
		return false
	case corev1.RestartPolicyOnFailure:
		return cs.terminated.ExitCode != 0
	default:
		return true
	}
}

func (r *Runtime) startContainer(ps *podState, pod *corev1.Pod, c *corev1.Container, cs *ctr) error {
	if !r.o.Config.Runnable(c.Image) {
		return &notFoundError{cmd: "image " + c.Image + " (not in the local runtime's runnable set)"}
	}
	if ps.ip == "" {
		ip, err := r.o.IPs.For(string(pod.UID))
		if err != nil {
			return err
		}
		ps.ip = ip
	}
	env, err := ResolveEnv(pod, c, ps.ip, r.o.Objects)
	if err != nil {
		return err
	}
	env = ResolveServiceURLs(env, r.o.Services)
	mounts, err := Materialize(pod, c, r.o.Config, r.o.Layout, r.o.Objects, r.o.Claims, r.o.Owner)
	if err != nil {
		return err
	}
	in := Inputs{PodName: pod.Name, PodIP: ps.ip, Env: env, Mounts: mounts, Home: r.o.Layout.PodHome(string(pod.UID)),
		BinDirs: r.o.BinDirs, Default: r.o.Config.DefaultArgs}
	if dirs, ok := r.o.ImageBinDirs[c.Image]; ok {
		in.BinDirs = dirs
	}
	proc, err := Build(c, in)
	if err != nil {
		return err
	}

	restart := cs.restarts
	if cs.terminated != nil { // a restart: the last run becomes lastState
		restart++
		cs.lastState = cs.terminated
		cs.terminated = nil
	}
	id := containerID(pod.UID, c.Name, restart)
	file := ContainerLogFile(r.o.State, pod, c.Name, restart)
	log, err := OpenCRILog(file)
	if err != nil {
		return err
	}
	if _, err := LinkContainerLog(r.o.State, pod, c.Name, id, file); err != nil {
		log.Close()
		return err
	}
	run, err := Start(proc, log, r.o.Owner)
	if err != nil {
		log.Close()
		return err
	}
	cs.restarts, cs.run, cs.log, cs.id, cs.started = restart, run, log, id, run.Started
	cs.waiting, cs.waitingMsg, cs.ready, cs.startupOK = "", "", false, c.StartupProbe == nil
	_ = os.WriteFile(r.pidFile(pod.UID, c.Name), []byte(run.Record()), 0o644)
	slog.Info("container started as a process", "pod", pod.Namespace+"/"+pod.Name, "container", c.Name,
		"pid", run.Pid(), "ip", ps.ip, "argv", redact(proc.Args))
	r.event(pod, corev1.EventTypeNormal, "Started", fmt.Sprintf("Started container %s (local process %d)", c.Name, run.Pid()))

	probeCtx, stop := context.WithCancel(ps.ctx)
	cs.stopProbes = stop
	go r.watchExit(pod.Namespace, pod.Name, ps, cs, run)
	r.startProbes(probeCtx, ps, pod, c, cs, in)
	return nil
}

func (r *Runtime) watchExit(ns, name string, ps *podState, cs *ctr, run *Running) {
	<-run.Done()
	code, reason := run.Exit()
	ps.mu.Lock()
	if cs.run == run {
		cs.stopProbes()
		cs.run = nil
		cs.ready = false
		cs.log.Close()
		cs.terminated = &corev1.ContainerStateTerminated{ExitCode: code, Reason: reason,
			StartedAt: metav1.NewTime(run.Started), FinishedAt: metav1.Now(), ContainerID: cs.id}
		if code != 0 {
			cs.backoff = nextBackoff(cs.backoff)
			cs.backoffUntil = time.Now().Add(cs.backoff)
		} else {
			cs.backoff = 0
		}
		slog.Info("container process exited", "pod", ns+"/"+name, "container", cs.name, "exitCode", code)
	}
	ps.mu.Unlock()
	r.o.Requeue(ns, name, 0)
}

// nextBackoff doubles from 10 s to 5 min, as the kubelet's CrashLoopBackOff.
func nextBackoff(d time.Duration) time.Duration {
	if d == 0 {
		return 10 * time.Second
	}
	return min(2*d, 5*time.Minute)
}

func (r *Runtime) exitWithoutRun(cs *ctr, code int32, reason, msg string) {
	now := metav1.Now()
	cs.terminated = &corev1.ContainerStateTerminated{ExitCode: code, Reason: reason, Message: msg, StartedAt: now, FinishedAt: now}
	cs.backoff = nextBackoff(cs.backoff)
	cs.backoffUntil = time.Now().Add(cs.backoff)
}

// startProbes runs the container's startup, readiness and liveness probes until the container stops.
func (r *Runtime) startProbes(ctx context.Context, ps *podState, pod *corev1.Pod, c *corev1.Container, cs *ctr, in Inputs) {
	execCmd := func(argv []string) *exec.Cmd {
		p, err := Build(&corev1.Container{Command: argv}, in)
		if err != nil {
			return nil
		}
		cmd := exec.Command(p.Path, p.Args[1:]...)
		cmd.Env, cmd.Dir = p.Env, p.Dir
		return cmd
	}
	if c.ReadinessProbe == nil {
		cs.ready = true // no probe: ready once started
	}
	probes := []struct {
		probe   *corev1.Probe
		initial bool // the result before the first attempt
		apply   func(ok bool, p *Prober)
	}{
		{c.StartupProbe, false, func(ok bool, _ *Prober) { cs.startupOK = ok }},
		{c.ReadinessProbe, false, func(ok bool, p *Prober) {
			cs.ready = ok
			if !ok {
				r.event(pod, corev1.EventTypeWarning, "Unhealthy", "Readiness probe failed: "+p.LastError)
			}
		}},
		{c.LivenessProbe, true, func(ok bool, p *Prober) {
			if !ok && cs.run != nil {
				r.event(pod, corev1.EventTypeWarning, "Unhealthy", "Liveness probe failed: "+p.LastError+"; the container will be restarted")
				go cs.run.Stop(grace(pod))
			}
		}},
	}
	for _, k := range probes {
		if k.probe == nil {
			continue
		}
		p := NewProber(k.probe, in.PodIP, c, k.initial, execCmd)
		apply, gated := k.apply, k.probe != c.StartupProbe && c.StartupProbe != nil
		go func() {
			delay, period := p.Timing()
			select {
			case <-ctx.Done():
				return
			case <-time.After(delay):
			}
			t := time.NewTicker(period)
			defer t.Stop()
			for {
				ps.mu.Lock()
				waiting := gated && !cs.startupOK // readiness and liveness wait for the startup probe
				ps.mu.Unlock()
				if !waiting {
					err := p.Run(ctx)
					if ctx.Err() != nil {
						return
					}
					if err != nil {
						p.LastError = err.Error()
					}
					if ok, changed := p.Observe(err == nil); changed {
						ps.mu.Lock()
						if ctx.Err() == nil { // a stopped container's late result is dropped
							apply(ok, p)
						}
						ps.mu.Unlock()
						r.o.Requeue(pod.Namespace, pod.Name, 0)
					}
				}
				select {
				case <-ctx.Done():
					return
				case <-t.C:
				}
			}
		}()
	}
}

func (r *Runtime) snapshot() []*podState {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]*podState, 0, len(r.pods))
	for _, ps := range r.pods {
		out = append(out, ps)
	}
	return out
}

// terminate stops a deleted pod's processes (SIGTERM, SIGKILL after its grace period), then removes the
// pod from the API as the kubelet does once its containers are gone; gone says the runtime may forget it.
func (r *Runtime) terminate(ctx context.Context, pod *corev1.Pod, ps *podState) (gone bool, err error) {
	if !ps.deleting {
		ps.deleting = true
		g := grace(pod)
		var running []*Running
		for _, cs := range ps.containers {
			if cs.run != nil {
				running = append(running, cs.run)
				r.event(pod, corev1.EventTypeNormal, "Killing", "Stopping container "+cs.name)
			}
		}
		go func() {
			var wg sync.WaitGroup
			for _, run := range running {
				wg.Add(1)
				go func() { defer wg.Done(); run.Stop(g) }()
			}
			wg.Wait()
			r.o.Requeue(pod.Namespace, pod.Name, 0)
		}()
		return false, nil
	}
	if anyRunning(ps) {
		return false, nil // the stop in progress requeues the pod
	}
	zero := int64(0)
	err = r.o.Kube.CoreV1().Pods(pod.Namespace).Delete(ctx, pod.Name, metav1.DeleteOptions{
		GracePeriodSeconds: &zero, Preconditions: &metav1.Preconditions{UID: &pod.UID}})
	if err != nil && !apierrors.IsNotFound(err) && !apierrors.IsConflict(err) {
		return false, err
	}
	return true, nil
}

// ForgetByName drops the state of pods of that name that are gone from the API (see Forget), except the
// one with UID keep (a StatefulSet pod recreated under the same name).
func (r *Runtime) ForgetByName(namespace, name string, keep types.UID) {
	for _, ps := range r.snapshot() {
		if ps.namespace == namespace && ps.name == name && ps.uid != keep {
			r.Forget(ps.uid)
		}
	}
}

// Forget drops a pod that is gone from the API: its processes are stopped (if any are left), its IP freed and
// its folders removed (claims' folders stay with their volumes).
func (r *Runtime) Forget(uid types.UID) {
	r.mu.Lock()
	ps := r.pods[uid]
	delete(r.pods, uid)
	r.mu.Unlock()
	if ps == nil {
		return
	}
	ps.mu.Lock()
	for _, cs := range ps.containers {
		if cs.run != nil {
			cs.run.Stop(2 * time.Second)
		}
		if cs.log != nil {
			cs.log.Close()
		}
	}
	ps.mu.Unlock()
	ps.cancel()
	r.o.IPs.Release(string(uid))
	_ = os.RemoveAll(r.o.Layout.PodDir(string(uid)))
}

// StopAll ends every process (agent shutdown): nothing is left running when the agent stops.
func (r *Runtime) StopAll(timeout time.Duration) {
	var wg sync.WaitGroup
	for _, ps := range r.snapshot() {
		ps.mu.Lock()
		for _, cs := range ps.containers {
			if run := cs.run; run != nil {
				wg.Add(1)
				go func() { defer wg.Done(); run.Stop(timeout) }()
			}
		}
		ps.mu.Unlock()
		ps.cancel()
	}
	wg.Wait()
}

// SweepLeftovers kills process groups recorded by an earlier agent of this state folder (one that was
// killed before it could stop them) and removes folders of pods that no longer exist.
func (r *Runtime) SweepLeftovers(live func(uid string) bool) {
	pods, _ := filepath.Glob(filepath.Join(r.o.Layout.Root, "pods", "*"))
	for _, dir := range pods {
		pids, _ := filepath.Glob(filepath.Join(dir, "pids", "*"))
		for _, f := range pids {
			if b, err := os.ReadFile(f); err == nil {
				if n := KillRecordedGroup(string(b)); n > 0 {
					slog.Info("killed processes left by an earlier agent", "record", f, "processes", n)
				}
			}
			_ = os.Remove(f)
		}
		if !live(filepath.Base(dir)) {
			_ = os.RemoveAll(dir)
		}
	}
}

// RemoveVolume deletes a persistent volume's folder (the volume was deleted).
func (r *Runtime) RemoveVolume(pv string) {
	_ = os.RemoveAll(r.o.Layout.PersistentVolume(pv))
}

func (r *Runtime) pidFile(uid types.UID, container string) string {
	dir := filepath.Join(r.o.Layout.PodDir(string(uid)), "pids")
	_ = os.MkdirAll(dir, 0o755)
	return filepath.Join(dir, container)
}

func (r *Runtime) event(pod *corev1.Pod, kind, reason, msg string) {
	if r.o.Events != nil {
		r.o.Events.Event(pod, kind, reason, msg)
	}
}

func grace(pod *corev1.Pod) time.Duration {
	if pod.DeletionGracePeriodSeconds != nil {
		return time.Duration(*pod.DeletionGracePeriodSeconds) * time.Second
	}
	if pod.Spec.TerminationGracePeriodSeconds != nil {
		return time.Duration(*pod.Spec.TerminationGracePeriodSeconds) * time.Second
	}
	return 30 * time.Second
}

func terminal(p corev1.PodPhase) bool { return p == corev1.PodSucceeded || p == corev1.PodFailed }

func anyRunning(ps *podState) bool {
	for _, cs := range ps.containers {
		if cs.run != nil {
			return true
		}
	}
	return false
}

// containerID is containerd-shaped and distinct per run.
func containerID(uid types.UID, name string, restart int32) string {
	sum := sha256.Sum256([]byte(fmt.Sprintf("%s/%s/%d", uid, name, restart)))
	return "containerd://" + hex.EncodeToString(sum[:])
}

// redact hides token-like option values in logged command lines.
func redact(argv []string) []string {
	out := make([]string, len(argv))
	for i, a := range argv {
		if j := strings.Index(a, "="); j > 0 && strings.Contains(strings.ToLower(a[:j]), "token") {
			a = a[:j+1] + "***"
		}
		out[i] = a
	}
	return out
}

// writeStatus applies the pod's status when it changed.
func (r *Runtime) writeStatus(ctx context.Context, pod *corev1.Pod, ps *podState) error {
	st := r.status(pod, ps)
	if ps.lastStatus != nil && reflect.DeepEqual(ps.lastStatus, st) {
		return nil
	}
	ac := corev1ac.Pod(pod.Name, pod.Namespace).WithStatus(st)
	_, err := r.o.Kube.CoreV1().Pods(pod.Namespace).ApplyStatus(ctx, ac, metav1.ApplyOptions{FieldManager: FieldManager, Force: true})
	if err != nil {
		if apierrors.IsNotFound(err) {
			return nil
		}
		return err
	}
	ps.lastStatus = st
	return nil
}
