package main

import (
	"bufio"
	"cmp"
	"crypto/tls"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"k8s.io/client-go/rest"
)

// schedulerMetrics reads kube-scheduler's own timings of one profile, so that a burst's pods/s, which the whole
// machine's load moves, comes with what the scheduler itself spent per pod.
type schedulerMetrics struct {
	url    string
	client *http.Client
}

// newSchedulerMetrics scrapes url with the kubeconfig's client certificate (kube-scheduler delegates authorisation
// to the API server). The scheduler serves a certificate of its own making on loopback, so it is not verified: a
// benchmark's reading of a local process, nothing is sent.
func newSchedulerMetrics(url string, cfg *rest.Config) (*schedulerMetrics, error) {
	if url == "" {
		return nil, nil
	}
	tlsCfg, err := rest.TLSConfigFor(cfg)
	if err != nil {
		return nil, err
	}
	if tlsCfg == nil {
		tlsCfg = &tls.Config{}
	}
	tlsCfg.RootCAs, tlsCfg.InsecureSkipVerify = nil, true
	return &schedulerMetrics{url: url, client: &http.Client{Timeout: 10 * time.Second,
		Transport: &http.Transport{TLSClientConfig: tlsCfg}}}, nil
}

// schedTotals are running totals of one profile: scheduling attempts that bound a pod (kube-scheduler's
// scheduling_attempt_duration_seconds, from the pod's pop to its bind) and the seconds spent in each extension
// point (scheduler_framework_extension_point_duration_seconds, all plugins of the point, every status).
type schedTotals struct {
	attempts, attemptSecs float64
	pointSecs             map[string]float64
}

func (m *schedulerMetrics) totals(profile string) (schedTotals, error) {
	t := schedTotals{pointSecs: map[string]float64{}}
	resp, err := m.client.Get(m.url)
	if err != nil {
		return t, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return t, fmt.Errorf("%s: %s", m.url, resp.Status)
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		name, labels, value, ok := promSample(sc.Text())
		if !ok || labels["profile"] != profile {
			continue
		}
		switch {
		case name == "scheduler_scheduling_attempt_duration_seconds_sum" && labels["result"] == "scheduled":
			t.attemptSecs = value
		case name == "scheduler_scheduling_attempt_duration_seconds_count" && labels["result"] == "scheduled":
			t.attempts = value
		case name == "scheduler_framework_extension_point_duration_seconds_sum":
			t.pointSecs[labels["extension_point"]] += value
		}
	}
	return t, sc.Err()
}

// promSample reads one line of the Prometheus text format: name{a="x",b="y"} value (label values without commas or
// escaped quotes, as these metrics have).
func promSample(line string) (name string, labels map[string]string, value float64, ok bool) {
	if line == "" || line[0] == '#' {
		return "", nil, 0, false
	}
	open, end := strings.IndexByte(line, '{'), strings.LastIndexByte(line, '}')
	if open < 0 || end < open {
		return "", nil, 0, false
	}
	labels = map[string]string{}
	for _, kv := range strings.Split(line[open+1:end], ",") {
		if k, v, found := strings.Cut(kv, "="); found {
			labels[k] = strings.Trim(v, `"`)
		}
	}
	fields := strings.Fields(line[end+1:])
	if len(fields) == 0 {
		return "", nil, 0, false
	}
	v, err := strconv.ParseFloat(fields[0], 64)
	return line[:open], labels, v, err == nil
}

// since is what the scheduler spent between two readings, in milliseconds per bound pod: the attempt, and each
// extension point that took any time, in the framework's order (others after, by name).
func (t schedTotals) since(before schedTotals) (attemptMs float64, points []pointMs) {
	bound := t.attempts - before.attempts
	if bound <= 0 {
		return 0, nil
	}
	for p, secs := range t.pointSecs {
		if d := secs - before.pointSecs[p]; d > 0 {
			points = append(points, pointMs{p, 1000 * d / bound})
		}
	}
	order := func(p string) int {
		if i := slices.Index(extensionPoints, p); i >= 0 {
			return i
		}
		return len(extensionPoints)
	}
	slices.SortFunc(points, func(a, b pointMs) int {
		return cmp.Or(cmp.Compare(order(a.point), order(b.point)), strings.Compare(a.point, b.point))
	})
	return 1000 * (t.attemptSecs - before.attemptSecs) / bound, points
}

// profileWork is what the scheduler spent in every extension point but Bind, whose time is the API call's (the API
// server's queue), not the profile's: the profile's own cost, which the machine's load moves far less.
func profileWork(points []pointMs) float64 {
	ms := 0.0
	for _, p := range points {
		if p.point != "Bind" {
			ms += p.ms
		}
	}
	return ms
}

// extensionPoints is the scheduling framework's order of the points it times.
var extensionPoints = []string{"PreEnqueue", "PreFilter", "Filter", "PostFilter", "PreScore", "Score", "Reserve",
	"Permit", "PreBind", "Bind", "PostBind", "Unreserve"}

type pointMs struct {
	point string
	ms    float64
}

// formatPoints is the points as name=ms pairs for a BENCH line.
func formatPoints(points []pointMs) string {
	parts := make([]string, len(points))
	for i, p := range points {
		parts[i] = fmt.Sprintf("%s=%.3f", p.point, p.ms)
	}
	return strings.Join(parts, " ")
}

// loadAvg is the machine's load average over the last minute, as /proc/loadavg gives it.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	return strings.Fields(string(b))[0]
}
