package podproc

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// Prober runs one probe of one container and keeps the kubelet's thresholds: a result changes after
// successThreshold consecutive successes or failureThreshold consecutive failures.
type Prober struct {
	probe     *corev1.Probe
	podIP     string
	container *corev1.Container
	execEnv   func(argv []string) *exec.Cmd

	ok        bool // the current result
	successes int
	failures  int
	LastError string
}

// NewProber starts in the kubelet's initial state: readiness and startup fail until they succeed, liveness
// succeeds until it fails.
func NewProber(p *corev1.Probe, podIP string, c *corev1.Container, initial bool, execEnv func([]string) *exec.Cmd) *Prober {
	return &Prober{probe: p, podIP: podIP, container: c, ok: initial, execEnv: execEnv}
}

// Timing is the probe's initial delay and period, with the kubelet's defaults.
func (p *Prober) Timing() (initialDelay, period time.Duration) {
	period = 10 * time.Second
	if p.probe.PeriodSeconds > 0 {
		period = time.Duration(p.probe.PeriodSeconds) * time.Second
	}
	return time.Duration(p.probe.InitialDelaySeconds) * time.Second, period
}

// Observe feeds one attempt's outcome into the thresholds and returns the current result and whether it changed.
func (p *Prober) Observe(success bool) (result, changed bool) {
	successThreshold, failureThreshold := int(p.probe.SuccessThreshold), int(p.probe.FailureThreshold)
	if successThreshold <= 0 {
		successThreshold = 1
	}
	if failureThreshold <= 0 {
		failureThreshold = 3
	}
	before := p.ok
	if success {
		p.successes++
		p.failures = 0
		if p.successes >= successThreshold {
			p.ok = true
		}
	} else {
		p.failures++
		p.successes = 0
		if p.failures >= failureThreshold {
			p.ok = false
		}
	}
	return p.ok, p.ok != before
}

// Run performs one attempt.
func (p *Prober) Run(ctx context.Context) error {
	timeout := time.Second
	if p.probe.TimeoutSeconds > 0 {
		timeout = time.Duration(p.probe.TimeoutSeconds) * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	switch h := p.probe.ProbeHandler; {
	case h.HTTPGet != nil:
		return p.httpGet(ctx, h.HTTPGet)
	case h.TCPSocket != nil:
		port, err := p.port(h.TCPSocket.Port)
		if err != nil {
			return err
		}
		host := h.TCPSocket.Host
		if host == "" {
			host = p.podIP
		}
		var d net.Dialer
		conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort(host, strconv.Itoa(port)))
		if err != nil {
			return err
		}
		return conn.Close()
	case h.Exec != nil:
		cmd := p.execEnv(h.Exec.Command)
		if cmd == nil {
			return fmt.Errorf("exec probe: %v cannot run here", h.Exec.Command)
		}
		done := make(chan error, 1)
		if err := cmd.Start(); err != nil {
			return err
		}
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			return err
		case <-ctx.Done():
			_ = cmd.Process.Kill()
			return fmt.Errorf("exec probe timed out after %s", timeout)
		}
	}
	return fmt.Errorf("probe handler not supported by the local runtime")
}

func (p *Prober) httpGet(ctx context.Context, g *corev1.HTTPGetAction) error {
	port, err := p.port(g.Port)
	if err != nil {
		return err
	}
	host := g.Host
	if host == "" {
		host = p.podIP
	}
	scheme := strings.ToLower(string(g.Scheme))
	if scheme == "" {
		scheme = "http"
	}
	path := g.Path
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("%s://%s%s", scheme, net.JoinHostPort(host, strconv.Itoa(port)), path), nil)
	if err != nil {
		return err
	}
	req.Header.Set("User-Agent", "kube-probe/1.36")
	for _, h := range g.HTTPHeaders {
		req.Header.Set(h.Name, h.Value)
	}
	client := &http.Client{
		Transport:     &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, DisableKeepAlives: true}, //nolint:gosec // as the kubelet's prober
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	_ = resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode >= 400 {
		return fmt.Errorf("HTTP probe failed with statuscode: %d", resp.StatusCode)
	}
	return nil
}

// port resolves a numeric or named container port.
func (p *Prober) port(v intstr.IntOrString) (int, error) {
	if v.Type == intstr.Int {
		return v.IntValue(), nil
	}
	for _, cp := range p.container.Ports {
		if cp.Name == v.StrVal {
			return int(cp.ContainerPort), nil
		}
	}
	if n, err := strconv.Atoi(v.StrVal); err == nil {
		return n, nil
	}
	return 0, fmt.Errorf("port %q not found in container %s", v.StrVal, p.container.Name)
}
