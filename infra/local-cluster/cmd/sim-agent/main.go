// Command sim-agent is the AI Portal's SIMULATED node agent for the local cluster.
//
// It plays the parts a kubelet and NVIDIA's DCGM exporter play on a real GPU node, for nodes that KWOK
// simulates: it registers the simulated nodes described in nodes.yaml, writes container log files in the
// CRI format where a kubelet writes them, assigns each pod's GPUs to device indices of its node and serves
// DCGM-exporter metrics for them, and provisions PersistentVolumes for the simulated storage class.
// No container, process or GPU exists behind any of it. See DESIGN.md.
//
// Usage:
//
//	sim-agent bootstrap --kubeconfig K --nodes nodes.yaml --addons DIR [--scale N]
//	sim-agent run       --kubeconfig K --state DIR [--listen 127.0.0.1:9400]
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, nil)))
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()

	var err error
	switch os.Args[1] {
	case "bootstrap":
		err = bootstrapCmd(ctx, os.Args[2:])
	case "run":
		err = runCmd(ctx, os.Args[2:])
	case "nodes":
		err = nodesCmd(os.Args[2:])
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "sim-agent:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, `sim-agent: SIMULATED kubelet/DCGM-exporter stand-in for KWOK nodes (AI Portal local cluster)
  sim-agent bootstrap --kubeconfig K --nodes nodes.yaml --addons DIR [--scale N]   apply add-ons, register nodes
  sim-agent run --kubeconfig K --state DIR [--listen ADDR]                         log files, DCGM metrics, volumes
  sim-agent nodes --nodes nodes.yaml [--scale N]                                   print the node count and GPU total`)
	os.Exit(2)
}

type clients struct {
	config  *rest.Config
	kube    kubernetes.Interface
	dynamic dynamic.Interface
}

func newClients(kubeconfig string) (*clients, error) {
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return nil, err
	}
	cfg.QPS = 200
	cfg.Burst = 400
	cfg.UserAgent = "ai-portal-sim-agent"
	kube, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	return &clients{config: cfg, kube: kube, dynamic: dyn}, nil
}

func bootstrapCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("bootstrap", flag.ExitOnError)
	kubeconfig := fs.String("kubeconfig", "", "admin kubeconfig")
	nodesFile := fs.String("nodes", "", "node topology (nodes.yaml)")
	addons := fs.String("addons", "", "folder of YAML manifests to server-side apply before nodes register")
	scale := fs.Int("scale", 0, "multiply every pool's count (0: use the file's scale)")
	_ = fs.Parse(args)

	c, err := newClients(*kubeconfig)
	if err != nil {
		return err
	}
	start := time.Now()
	if *addons != "" {
		if err := applyDir(ctx, c, *addons); err != nil {
			return fmt.Errorf("add-ons: %w", err)
		}
	}
	topo, err := loadTopology(*nodesFile, *scale)
	if err != nil {
		return err
	}
	n, err := registerNodes(ctx, c, topo)
	if err != nil {
		return err
	}
	slog.Info("bootstrap done", "nodes", n, "gpus", topo.totalGPUs(), "took", time.Since(start).Round(time.Millisecond))
	return nil
}

func nodesCmd(args []string) error {
	fs := flag.NewFlagSet("nodes", flag.ExitOnError)
	nodesFile := fs.String("nodes", "", "node topology (nodes.yaml)")
	scale := fs.Int("scale", 0, "multiply every pool's count")
	_ = fs.Parse(args)
	topo, err := loadTopology(*nodesFile, *scale)
	if err != nil {
		return err
	}
	fmt.Printf("%d %d\n", len(topo.nodes()), topo.totalGPUs())
	return nil
}

func runCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("run", flag.ExitOnError)
	kubeconfig := fs.String("kubeconfig", "", "admin kubeconfig")
	state := fs.String("state", "", "cluster state folder; logs go to <state>/var/log/{pods,containers}")
	listen := fs.String("listen", "127.0.0.1:9400", "address of the DCGM-exporter style /metrics endpoint")
	tick := fs.Duration("tick", time.Second, "how often log lines are written")
	_ = fs.Parse(args)
	if *state == "" {
		return fmt.Errorf("--state is required")
	}
	c, err := newClients(*kubeconfig)
	if err != nil {
		return err
	}
	a := newAgent(c, *state, *tick)
	return a.run(ctx, *listen)
}
