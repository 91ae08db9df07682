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
//	sim-agent pki       --state DIR --server URL
//	sim-agent user-kubeconfig --state DIR --server URL NAME [GROUP...]
//	sim-agent dcgm-history --kubeconfig K [--range 6h] [--step 30s] [--end RFC3339] [--metrics A,B]
//	sim-agent kueue-install --kubeconfig K --manifests DIR --config-template F --config-out F --cert-dir D --ca F \
//	                        --webhook-port N --visibility-port N --health-port N --metrics-port N
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
	case "pki":
		err = pkiCmd(os.Args[2:])
	case "user-kubeconfig":
		err = userKubeconfigCmd(os.Args[2:])
	case "kwok-stages":
		err = kwokStagesCmd(os.Args[2:])
	case "kueue-install":
		err = kueueInstallCmd(ctx, os.Args[2:])
	case "dcgm-history":
		err = historyCmd(ctx, os.Args[2:])
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
  sim-agent nodes --nodes nodes.yaml [--scale N]                                   print the node count and GPU total
  sim-agent pki --state DIR --server URL                                           CA, certificates, kubeconfigs (what is missing)
  sim-agent user-kubeconfig --state DIR --server URL NAME [GROUP...]               a user's client certificate; prints the kubeconfig path
  sim-agent kueue-install --kubeconfig K --manifests DIR ...                       Kueue's config file, CRDs, webhooks, visibility API
  sim-agent kwok-stages --stages F --out F [--runtime-config F]                    KWOK stages without the process runtime's pods
  sim-agent dcgm-history --kubeconfig K [--range 6h] [--step 30s] [--end T]        past DCGM samples as OpenMetrics (for promtool backfill)`)
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
	var rf runtimeFlags
	fs.StringVar(&rf.config, "runtime-config", "", "process runtime configuration (runnable images); empty: every pod is simulated")
	fs.StringVar(&rf.root, "runtime-root", "", "folder for the processes' homes, volumes and image files (their user must reach it)")
	fs.StringVar(&rf.venv, "runtime-venv", "", "virtualenv whose bin comes first on the processes' PATH")
	fs.StringVar(&rf.runAs, "run-as", "", "unprivileged user the processes run as (required when the agent runs as root)")
	fs.StringVar(&rf.repo, "repo", "", "repository root: relative image file folders are read from here")
	fs.StringVar(&rf.extraImages, "runnable-images", "", "comma-separated images added to the runnable set")
	fs.StringVar(&rf.imageVenvs, "image-venvs", "", "comma-separated image=virtualenv pairs: images with a virtualenv of their own")
	_ = fs.Parse(args)
	if *state == "" {
		return fmt.Errorf("--state is required")
	}
	c, err := newClients(*kubeconfig)
	if err != nil {
		return err
	}
	a := newAgent(c, *state, *tick)
	a.runtimeFlags = rf
	return a.run(ctx, *listen)
}
