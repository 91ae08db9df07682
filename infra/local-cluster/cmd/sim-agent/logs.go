package main

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	corev1 "k8s.io/api/core/v1"

	"ai.portal/local-cluster/internal/podproc"
)

// criTimeFormat is the CRI log timestamp (RFC 3339, nanoseconds, UTC) as in
// "2026-01-02T03:04:05.123456789Z stdout F message".
const criTimeFormat = "2006-01-02T15:04:05.000000000Z07:00"

// containerRun is one simulated container's log: the file a kubelet's CRI runtime writes at
// <state>/var/log/pods/<ns>_<pod>_<uid>/<container>/<restart>.log, and the symlink the kubelet keeps at
// <state>/var/log/containers/<pod>_<ns>_<container>-<containerID>.log.
type containerRun struct {
	name     string
	restart  int32
	file     string
	link     string
	f        *os.File
	w        *bufio.Writer
	profile  string
	interval time.Duration
	next     time.Time
	seq      int
	rnd      *rand.Rand
	gpus     int
}

func openContainerRun(state string, pod *corev1.Pod, cs corev1.ContainerStatus) (*containerRun, error) {
	id := cs.ContainerID
	file := podproc.ContainerLogFile(state, pod, cs.Name, cs.RestartCount)
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(file, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	link, err := podproc.LinkContainerLog(state, pod, cs.Name, id, file)
	if err != nil {
		_ = f.Close()
		return nil, err
	}
	profile := pod.Annotations[annotationLogProfile]
	if profile == "" {
		if pod.Spec.RestartPolicy == corev1.RestartPolicyAlways || pod.Spec.RestartPolicy == "" {
			profile = "notebook"
		} else {
			profile = "training"
		}
	}
	interval := time.Second
	if v, err := time.ParseDuration(pod.Annotations[annotationLogInterval]); err == nil && v > 0 {
		interval = v
	}
	gpus := 0
	for _, c := range pod.Spec.Containers {
		if c.Name == cs.Name {
			gpus = gpuRequest(c)
		}
	}
	seed := uint64(0)
	for _, b := range []byte(string(pod.UID) + cs.Name) {
		seed = seed*31 + uint64(b)
	}
	cr := &containerRun{
		name: cs.Name, restart: cs.RestartCount, file: file, link: link, f: f, w: bufio.NewWriter(f),
		profile: profile, interval: interval, rnd: rand.New(rand.NewPCG(seed, 42)), gpus: gpus,
	}
	now := time.Now()
	if st, err := f.Stat(); err == nil && st.Size() == 0 { // not a restart of the agent
		cr.line(now, "stdout", fmt.Sprintf("[ai-portal simulator] container %q of pod %s/%s is SIMULATED by KWOK and the AI Portal sim-agent; no process runs", cs.Name, pod.Namespace, pod.Name))
		for _, l := range startLines(profile, cs.Image, gpus) {
			cr.line(now, l[0], l[1])
		}
		cr.flush()
	}
	cr.next = now.Add(interval)
	return cr, nil
}

// line appends one CRI log line: "<RFC3339Nano UTC> <stream> F <message>".
func (c *containerRun) line(t time.Time, stream, msg string) {
	if c.w == nil {
		return
	}
	ts := t.UTC().Format(criTimeFormat)
	// a kubelet's runtime splits lines over 16 KiB into partial (P) records; ours are short
	_, _ = fmt.Fprintf(c.w, "%s %s F %s\n", ts, stream, msg)
}

func (c *containerRun) flush() {
	if c.w != nil {
		_ = c.w.Flush()
	}
}

// writeDue writes the lines that are due by now (at most a few per tick).
func (c *containerRun) writeDue(now time.Time) {
	if c.profile == "quiet" || c.w == nil {
		return
	}
	for n := 0; !c.next.After(now) && n < 10; n++ {
		stream, msg := c.nextLine()
		c.line(c.next, stream, msg)
		c.next = c.next.Add(c.interval)
	}
	if c.next.Before(now) { // fell far behind (agent was paused): skip ahead rather than flood
		c.next = now.Add(c.interval)
	}
	c.flush()
}

func (c *containerRun) nextLine() (string, string) {
	c.seq++
	switch c.profile {
	case "notebook":
		switch c.seq % 7 {
		case 0:
			return "stderr", fmt.Sprintf("[I %s ServerApp] Saving file at /work/notebook-%d.ipynb", time.Now().UTC().Format("2006-01-02 15:04:05.000"), c.rnd.IntN(5))
		case 3:
			return "stderr", fmt.Sprintf("[I %s KernelManager] Kernel %08x: activity (execute_request)", time.Now().UTC().Format("2006-01-02 15:04:05.000"), c.rnd.Uint32())
		default:
			return "stderr", fmt.Sprintf("[D %s ServerApp] 200 GET /api/kernels?%d (127.0.0.1) %.2fms", time.Now().UTC().Format("2006-01-02 15:04:05.000"), c.seq, 0.5+c.rnd.Float64()*3)
		}
	default: // training
		step := c.seq * 50
		loss := 2.5*expDecay(float64(c.seq)) + 0.15 + c.rnd.Float64()*0.05
		if c.seq%20 == 0 {
			return "stderr", fmt.Sprintf("WARNING: step %d: gradient norm %.1f clipped to 1.0", step, 1+c.rnd.Float64()*4)
		}
		if c.seq%10 == 0 {
			return "stdout", fmt.Sprintf("epoch %d eval: step=%d val_loss=%.4f val_acc=%.3f", c.seq/10, step, loss+0.05, 1-loss/3)
		}
		return "stdout", fmt.Sprintf("epoch %d step %d loss=%.4f lr=%.2e throughput=%.0f samples/s gpus=%d",
			c.seq/10, step, loss, 3e-4*expDecay(float64(c.seq)/4), 900*float64(max(c.gpus, 1))*(0.95+c.rnd.Float64()*0.1), c.gpus)
	}
}

func expDecay(x float64) float64 {
	v := 1.0
	for i := 0; i < int(x) && v > 1e-3; i++ {
		v *= 0.97
	}
	return v
}

func startLines(profile, image string, gpus int) [][2]string {
	if profile == "notebook" {
		return [][2]string{
			{"stderr", fmt.Sprintf("[I ServerApp] Jupyter Server is running at: http://127.0.0.1:8888/lab (image %s)", image)},
			{"stderr", fmt.Sprintf("[I ServerApp] Found %d CUDA device(s)", gpus)},
		}
	}
	return [][2]string{
		{"stdout", fmt.Sprintf("starting training (image %s) on %d GPU(s)", image, gpus)},
		{"stderr", "INFO torch.distributed: initialized process group backend=nccl"},
	}
}

func (c *containerRun) writeFinal(t time.Time, exit int32) {
	if exit == 0 {
		if c.profile == "training" {
			c.line(t, "stdout", "training finished: checkpoint saved to /work/checkpoints/final.pt")
		}
		c.line(t, "stdout", "[ai-portal simulator] container exited with code 0")
	} else {
		c.line(t, "stderr", "RuntimeError: CUDA error: an illegal memory access was encountered (simulated failure)")
		c.line(t, "stderr", fmt.Sprintf("[ai-portal simulator] container exited with code %d", exit))
	}
	c.flush()
}

func (c *containerRun) close() {
	if c.f != nil {
		c.flush()
		_ = c.f.Close()
		c.f, c.w = nil, nil
	}
}

func (c *containerRun) remove() {
	_ = os.Remove(c.link)
	// the pod folder: <state>/var/log/pods/<ns>_<pod>_<uid>
	_ = os.RemoveAll(filepath.Dir(filepath.Dir(c.file)))
}
