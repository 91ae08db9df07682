package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// historyCmd prints, in the OpenMetrics text format with timestamps, what the simulated exporter would have
// served over a past time range for the GPUs as they are assigned now: `promtool tsdb create-blocks-from
// openmetrics` turns it into TSDB blocks, so a benchmark can query hours of history without waiting hours.
// Every series keeps the labels the live /metrics gives it (same device assignment, same values per instant).
func historyCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("dcgm-history", flag.ExitOnError)
	kubeconfig := fs.String("kubeconfig", "", "admin kubeconfig")
	span := fs.Duration("range", 6*time.Hour, "how far back from --end")
	endFlag := fs.String("end", "", "end of the range, RFC 3339 (default: now)")
	step := fs.Duration("step", 30*time.Second, "time between samples (the scrape interval)")
	names := fs.String("metrics", "DCGM_FI_DEV_GPU_UTIL,DCGM_FI_DEV_FB_USED,DCGM_FI_DEV_FB_FREE,DCGM_FI_DEV_POWER_USAGE,DCGM_FI_DEV_GPU_TEMP",
		"comma-separated metric names (counters are left out: they would need the whole past)")
	_ = fs.Parse(args)
	end := time.Now()
	if *endFlag != "" {
		t, err := time.Parse(time.RFC3339, *endFlag)
		if err != nil {
			return fmt.Errorf("--end: %w", err)
		}
		end = t
	}
	var metrics []dcgmMetric
	for _, name := range strings.Split(*names, ",") {
		m, ok := metricNamed(strings.TrimSpace(name))
		if !ok || m.kind != "gauge" {
			return fmt.Errorf("--metrics: %q is not a gauge this exporter serves", name)
		}
		metrics = append(metrics, m)
	}
	c, err := newClients(*kubeconfig)
	if err != nil {
		return err
	}
	nodes, err := c.kube.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil {
		return err
	}
	pods, err := c.kube.CoreV1().Pods("").List(ctx, metav1.ListOptions{})
	if err != nil {
		return err
	}
	simulated, table := assignAsNow(nodes.Items, pods.Items)
	w := bufio.NewWriterSize(os.Stdout, 1<<20)
	defer w.Flush()
	start := end.Add(-*span)
	for _, m := range metrics {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s %s\n", m.name, m.help, m.name, m.kind)
		for t := start; !t.After(end); t = t.Add(*step) {
			stamp := strconv.FormatFloat(float64(t.UnixMilli())/1000, 'f', 3, 64)
			for _, n := range simulated {
				count := nodeGPUs(n)
				writeSamples(w, m, nodeSamples(n, table.slots(n.Name, count)[:count], t, nil), stamp)
			}
		}
	}
	_, err = w.WriteString("# EOF\n")
	return err
}

// assignAsNow rebuilds the device table the running agent holds: pods Running on simulated nodes, assigned in
// creation order (as restoreDeviceAssignments does after a restart). It returns the simulated GPU nodes by name.
func assignAsNow(nodes []corev1.Node, pods []corev1.Pod) ([]*corev1.Node, *deviceTable) {
	byName := map[string]*corev1.Node{}
	var simulated []*corev1.Node
	for i := range nodes {
		n := &nodes[i]
		if n.Annotations[annotationKwok] == "fake" && nodeGPUs(n) > 0 {
			byName[n.Name] = n
			simulated = append(simulated, n)
		}
	}
	sort.Slice(simulated, func(i, j int) bool { return simulated[i].Name < simulated[j].Name })
	sort.Slice(pods, func(i, j int) bool {
		if !pods[i].CreationTimestamp.Equal(&pods[j].CreationTimestamp) {
			return pods[i].CreationTimestamp.Before(&pods[j].CreationTimestamp)
		}
		return pods[i].Namespace+"/"+pods[i].Name < pods[j].Namespace+"/"+pods[j].Name
	})
	table := newDeviceTable()
	for i := range pods {
		p := &pods[i]
		if n := byName[p.Spec.NodeName]; n != nil && p.Status.Phase == corev1.PodRunning && p.DeletionTimestamp == nil {
			table.assign(p, n, false)
		}
	}
	return simulated, table
}

func metricNamed(name string) (dcgmMetric, bool) {
	for _, m := range dcgmMetrics {
		if m.name == name {
			return m, true
		}
	}
	return dcgmMetric{}, false
}
