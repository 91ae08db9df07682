package main

import (
	"bufio"
	"fmt"
	"hash/fnv"
	"math"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// dcgmMetric is one DCGM exporter gauge (names and help texts as in dcgm-exporter's default counters).
type dcgmMetric struct {
	name, help string
	value      func(g gpuSample) float64
}

var dcgmMetrics = []dcgmMetric{
	{"DCGM_FI_DEV_GPU_UTIL", "GPU utilization (in %).", func(g gpuSample) float64 { return math.Round(g.util) }},
	{"DCGM_FI_DEV_FB_USED", "Framebuffer memory used (in MiB).", func(g gpuSample) float64 { return math.Round(g.fbUsed) }},
	{"DCGM_FI_DEV_FB_FREE", "Framebuffer memory free (in MiB).", func(g gpuSample) float64 { return math.Round(float64(g.fbTotal) - math.Round(g.fbUsed)) }},
	{"DCGM_FI_DEV_POWER_USAGE", "Power draw (in W).", func(g gpuSample) float64 { return math.Round(g.power*1000) / 1000 }},
	{"DCGM_FI_DEV_GPU_TEMP", "GPU temperature (in C).", func(g gpuSample) float64 { return math.Round(g.temp) }},
}

type gpuSample struct {
	labels  string
	util    float64
	fbUsed  float64
	fbTotal int
	power   float64
	temp    float64
}

// loadLevel turns sim.portal.ai/gpu-load into a utilisation target in [0,1].
func loadLevel(v string) float64 {
	switch v {
	case "busy":
		return 0.93
	case "idle", "":
		return 0.0
	}
	if f, err := strconv.ParseFloat(strings.TrimSuffix(v, "%"), 64); err == nil {
		return math.Max(0, math.Min(100, f)) / 100
	}
	return 0.93
}

// wobble is a smooth, deterministic signal in [-1,1] per GPU, so panels look alive without randomness.
func wobble(seed uint32, t time.Time, period float64) float64 {
	phase := float64(seed%1000) / 1000 * 2 * math.Pi
	x := float64(t.UnixMilli()) / 1000 / period
	return 0.7*math.Sin(2*math.Pi*x+phase) + 0.3*math.Sin(2*math.Pi*x*3.7+phase*2)
}

func hashOf(s string) uint32 {
	h := fnv.New32a()
	_, _ = h.Write([]byte(s))
	return h.Sum32()
}

func promLabel(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s)
}

// serveMetrics renders every GPU of every simulated node, as one dcgm-exporter per node would. GPUs that
// a Running pod holds carry its namespace, pod and container labels; free GPUs carry none.
func (a *agent) serveMetrics(w http.ResponseWriter, _ *http.Request) {
	nodes, err := a.nodes.List(labels.Everything())
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	sort.Slice(nodes, func(i, j int) bool { return nodes[i].Name < nodes[j].Name })
	now := time.Now()
	var samples []gpuSample

	a.mu.Lock()
	for _, n := range nodes {
		if n.Annotations[annotationKwok] != "fake" {
			continue
		}
		count := nodeGPUs(n)
		if count == 0 {
			continue
		}
		slots := a.devices.slots(n.Name, count)
		samples = append(samples, nodeSamples(n, slots[:count], now)...)
	}
	a.mu.Unlock()

	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	bw := bufio.NewWriterSize(w, 64<<10)
	fmt.Fprintln(bw, "# AI Portal sim-agent: SIMULATED GPUs on KWOK nodes. Names follow NVIDIA dcgm-exporter; values are synthetic.")
	for _, m := range dcgmMetrics {
		fmt.Fprintf(bw, "# HELP %s %s\n# TYPE %s gauge\n", m.name, m.help, m.name)
		for _, g := range samples {
			fmt.Fprintf(bw, "%s{%s} %s\n", m.name, g.labels, strconv.FormatFloat(m.value(g), 'f', -1, 64))
		}
	}
	_ = bw.Flush()
}

func nodeSamples(n *corev1.Node, slots []slot, now time.Time) []gpuSample {
	model := n.Annotations[annotationModel]
	if model == "" {
		model = n.Labels[labelGPUProduct]
	}
	memTotal, _ := strconv.Atoi(n.Labels[labelGPUMemory])
	if memTotal == 0 {
		memTotal = 16384
	}
	maxPower, _ := strconv.ParseFloat(n.Annotations[annotationPowerW], 64)
	if maxPower == 0 {
		maxPower = 300
	}
	out := make([]gpuSample, 0, len(slots))
	for i, s := range slots {
		uuid := gpuUUID(n.Name, i)
		seed := hashOf(uuid)
		lbl := fmt.Sprintf(`gpu="%d",UUID="%s",pci_bus_id="00000000:%02X:00.0",device="nvidia%d",modelName="%s",Hostname="%s",DCGM_FI_DRIVER_VERSION="580.95.05"`,
			i, uuid, 0x18+i*0x10%0xE0, i, promLabel(model), promLabel(n.Name))
		g := gpuSample{fbTotal: memTotal}
		switch {
		case !s.used:
			g.util, g.fbUsed = 0, 0
			g.power = maxPower*0.09 + 2*wobble(seed, now, 60)
			g.temp = 31 + wobble(seed, now, 300)
		default:
			lbl += fmt.Sprintf(`,container="%s",namespace="%s",pod="%s"`, promLabel(s.container), promLabel(s.namespace), promLabel(s.pod))
			lvl := loadLevel(s.load)
			if lvl == 0 { // idle: a kernel holds a little memory, nothing computes
				g.util = math.Max(0, 1+wobble(seed, now, 20))
				g.fbUsed = 600 + 80*(1+wobble(seed, now, 120))
				g.power = maxPower*0.12 + 3*wobble(seed, now, 30)
				g.temp = 36 + 1.5*wobble(seed, now, 200)
			} else {
				g.util = math.Min(100, math.Max(0, lvl*100+5*wobble(seed, now, 15)))
				g.fbUsed = float64(memTotal) * math.Min(0.97, 0.2+0.7*lvl+0.03*wobble(seed, now, 90))
				g.power = maxPower * math.Min(1, 0.15+0.75*lvl+0.05*wobble(seed, now, 10))
				g.temp = 38 + 40*lvl + 3*wobble(seed, now, 120)
			}
		}
		g.labels = lbl
		out = append(out, g)
	}
	return out
}
