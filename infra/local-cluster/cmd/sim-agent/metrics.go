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
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
)

// dcgmMetric is one DCGM exporter metric: name, help text and type as in dcgm-exporter's default counters
// (etc/default-counters.csv), and how a simulated GPU's sample gives its value and any labels of its own.
type dcgmMetric struct {
	name, help, kind string
	value            func(g gpuSample) float64
	extraLabels      func(g gpuSample) string
}

// dcgmMetrics is every metric the simulated exporter serves. infra/monitoring/known-metrics.txt lists the same
// names for the dashboard and rule checks (TestExporterNamesAreTheCatalogues keeps them in step).
var dcgmMetrics = []dcgmMetric{
	{name: "DCGM_FI_DEV_SM_CLOCK", help: "SM clock frequency (in MHz).", kind: "gauge",
		value: func(g gpuSample) float64 { return math.Round(g.smClock) }},
	{name: "DCGM_FI_DEV_GPU_TEMP", help: "GPU temperature (in C).", kind: "gauge",
		value: func(g gpuSample) float64 { return math.Round(g.temp) }},
	{name: "DCGM_FI_DEV_POWER_USAGE", help: "Power draw (in W).", kind: "gauge",
		value: func(g gpuSample) float64 { return math.Round(g.power*1000) / 1000 }},
	{name: "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", help: "Total energy consumption since boot (in mJ).", kind: "counter",
		value: func(g gpuSample) float64 { return math.Round(g.energyMJ) }},
	{name: "DCGM_FI_DEV_GPU_UTIL", help: "GPU utilization (in %).", kind: "gauge",
		value: func(g gpuSample) float64 { return math.Round(g.util) }},
	{name: "DCGM_FI_DEV_MEM_COPY_UTIL", help: "Memory utilization (in %).", kind: "gauge",
		value: func(g gpuSample) float64 { return math.Round(g.memCopy) }},
	{name: "DCGM_FI_DEV_XID_ERRORS", help: "Value of the last XID error encountered.", kind: "gauge",
		value: func(g gpuSample) float64 { return float64(g.xid) },
		extraLabels: func(g gpuSample) string {
			return fmt.Sprintf(`,err_code="%d",err_msg="%s"`, g.xid, promLabel(xidMessage(g.xid)))
		}},
	{name: "DCGM_FI_DEV_FB_FREE", help: "Framebuffer memory free (in MiB).", kind: "gauge",
		value: func(g gpuSample) float64 { return math.Round(float64(g.fbTotal) - math.Round(g.fbUsed)) }},
	{name: "DCGM_FI_DEV_FB_USED", help: "Framebuffer memory used (in MiB).", kind: "gauge",
		value: func(g gpuSample) float64 { return math.Round(g.fbUsed) }},
}

// gpuSample is one simulated GPU at one instant.
type gpuSample struct {
	labels   string
	uuid     string
	util     float64 // percent
	fbUsed   float64 // MiB
	fbTotal  int     // MiB
	power    float64 // W
	temp     float64 // C
	smClock  float64 // MHz
	memCopy  float64 // percent
	energyMJ float64 // mJ since the agent started (filled in by the energy meter)
	xid      int     // last XID error, 0 for none
}

// xidMessage is the text dcgm-exporter puts in err_msg for the XID errors one meets on GPU clusters
// (NVIDIA's XID catalogue); other codes get a generic text.
func xidMessage(code int) string {
	switch code {
	case 0:
		return "No Error"
	case 13:
		return "Graphics Engine Exception"
	case 31:
		return "GPU memory page fault"
	case 43:
		return "GPU stopped processing"
	case 45:
		return "Preemptive cleanup, due to previous errors -- Most likely to see when running multiple cuda applications and hitting a DBE"
	case 48:
		return "Double Bit ECC Error"
	case 63:
		return "ECC page retirement or row remapping recording event"
	case 64:
		return "ECC page retirement or row remapper recording failure"
	case 74:
		return "NVLINK Error"
	case 79:
		return "GPU has fallen off the bus"
	case 92:
		return "High single-bit ECC error rate"
	case 94:
		return "Contained ECC error"
	case 95:
		return "Uncontained ECC error"
	case 119:
		return "GSP RPC Timeout"
	}
	return "Unknown Error"
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
		samples = append(samples, nodeSamples(n, slots[:count], now, a.processes.level)...)
	}
	a.mu.Unlock()
	a.energy.add(samples, now)

	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	bw := bufio.NewWriterSize(w, 64<<10)
	fmt.Fprintln(bw, "# AI Portal sim-agent: SIMULATED GPUs on KWOK nodes. Names follow NVIDIA dcgm-exporter; values are synthetic.")
	writeFamilies(bw, dcgmMetrics, samples, "")
	_ = bw.Flush()
}

// writeFamilies prints each metric's HELP, TYPE and one line per GPU; a non-empty stamp (milliseconds or, in
// OpenMetrics, seconds) goes at the end of every line.
func writeFamilies(w *bufio.Writer, metrics []dcgmMetric, samples []gpuSample, stamp string) {
	for _, m := range metrics {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s %s\n", m.name, m.help, m.name, m.kind)
		writeSamples(w, m, samples, stamp)
	}
}

func writeSamples(w *bufio.Writer, m dcgmMetric, samples []gpuSample, stamp string) {
	for _, g := range samples {
		extra := ""
		if m.extraLabels != nil {
			extra = m.extraLabels(g)
		}
		_, _ = w.WriteString(m.name)
		_ = w.WriteByte('{')
		_, _ = w.WriteString(g.labels)
		_, _ = w.WriteString(extra)
		_, _ = w.WriteString("} ")
		_, _ = w.WriteString(strconv.FormatFloat(m.value(g), 'f', -1, 64))
		if stamp != "" {
			_ = w.WriteByte(' ')
			_, _ = w.WriteString(stamp)
		}
		_ = w.WriteByte('\n')
	}
}

// nodeXIDs reads the node annotation sim.portal.ai/gpu-xid-errors ("3:79,5:48": GPU index 3 reports XID 79,
// GPU 5 XID 48): a broken GPU whether or not a pod holds it.
func nodeXIDs(n *corev1.Node) map[int]int {
	v := n.Annotations[annotationNodeXID]
	if v == "" {
		return nil
	}
	out := map[int]int{}
	for _, part := range strings.Split(v, ",") {
		idx, code, ok := strings.Cut(strings.TrimSpace(part), ":")
		i, err1 := strconv.Atoi(idx)
		c, err2 := strconv.Atoi(code)
		if ok && err1 == nil && err2 == nil && i >= 0 && c >= 0 {
			out[i] = c
		}
	}
	return out
}

// nodeSamples computes every GPU of a node at one instant. processLevel gives the utilisation (in [0,1]) of a
// pod whose GPUs follow its processes' CPU; nil means such pods are idle.
func nodeSamples(n *corev1.Node, slots []slot, now time.Time, processLevel func(types.UID) float64) []gpuSample {
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
	broken := nodeXIDs(n)
	out := make([]gpuSample, 0, len(slots))
	for i, s := range slots {
		uuid := gpuUUID(n.Name, i)
		seed := hashOf(uuid)
		lbl := fmt.Sprintf(`gpu="%d",UUID="%s",pci_bus_id="00000000:%02X:00.0",device="nvidia%d",modelName="%s",Hostname="%s",DCGM_FI_DRIVER_VERSION="580.95.05"`,
			i, uuid, 0x18+i*0x10%0xE0, i, promLabel(model), promLabel(n.Name))
		g := gpuSample{fbTotal: memTotal, uuid: uuid}
		switch {
		case !s.used:
			g.util, g.fbUsed = 0, 0
			g.power = maxPower*0.09 + 2*wobble(seed, now, 60)
			g.temp = 31 + wobble(seed, now, 300)
			g.smClock = 345
		default:
			lbl += fmt.Sprintf(`,container="%s",namespace="%s",pod="%s"`, promLabel(s.container), promLabel(s.namespace), promLabel(s.pod))
			lvl := loadLevel(s.load)
			if s.load == loadProcess {
				lvl = 0
				if processLevel != nil {
					lvl = processLevel(s.uid)
				}
			}
			if lvl < 0.02 { // idle: a kernel holds a little memory, nothing computes
				g.util = math.Max(0, 1+wobble(seed, now, 20))
				g.fbUsed = 600 + 80*(1+wobble(seed, now, 120))
				g.power = maxPower*0.12 + 3*wobble(seed, now, 30)
				g.temp = 36 + 1.5*wobble(seed, now, 200)
				g.smClock = 345
			} else {
				// utilisation follows the load; memory, power, temperature and clocks follow utilisation
				g.util = math.Min(100, math.Max(0, lvl*100+5*lvl*wobble(seed, now, 15)))
				u := g.util / 100
				g.fbUsed = float64(memTotal) * math.Min(0.97, 0.2+0.7*u+0.03*wobble(seed, now, 90))
				g.power = maxPower * math.Min(1, 0.15+0.75*u+0.05*u*wobble(seed, now, 10))
				g.temp = 38 + 40*u + 3*wobble(seed, now, 120)
				g.smClock = 1200 + 780*u
			}
			g.xid, _ = strconv.Atoi(s.xid)
		}
		g.memCopy = 0.45 * g.util
		if code, ok := broken[i]; ok {
			g.xid = code
		}
		g.labels = lbl
		out = append(out, g)
	}
	return out
}

// energyMeter integrates each GPU's power into DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION (a counter, in mJ) at every
// scrape: power times the time since the GPU's previous scrape. It starts at zero with the agent, as the
// counter does at a GPU's boot.
type energyMeter struct {
	mu   sync.Mutex
	last map[string]time.Time
	mJ   map[string]float64
}

func newEnergyMeter() *energyMeter {
	return &energyMeter{last: map[string]time.Time{}, mJ: map[string]float64{}}
}

func (e *energyMeter) add(samples []gpuSample, now time.Time) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for i := range samples {
		g := &samples[i]
		if prev, ok := e.last[g.uuid]; ok && now.After(prev) {
			e.mJ[g.uuid] += g.power * now.Sub(prev).Seconds() * 1000
		}
		e.last[g.uuid] = now
		g.energyMJ = e.mJ[g.uuid]
	}
}
