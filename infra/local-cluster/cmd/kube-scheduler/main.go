// Command kube-scheduler is the stock Kubernetes scheduler (k8s.io/kubernetes/cmd/kube-scheduler, same version,
// same flags and profiles) with AI Portal's gpu-fit plugin compiled in: a profile enables it by the name GPUFit
// (config/scheduler-gpu-packing.yaml, profile gpu-fit). This is how out-of-tree plugins ship (as the Kubernetes
// scheduler-plugins project does): the scheduler framework has no dynamic loading.
package main

import (
	"os"

	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register" // JSON log format, as the stock binary
	_ "k8s.io/component-base/metrics/prometheus/clientgo"
	_ "k8s.io/component-base/metrics/prometheus/version"
	"k8s.io/kubernetes/cmd/kube-scheduler/app"

	"ai.portal/local-cluster/internal/gpufit"
)

func main() {
	os.Exit(cli.Run(app.NewSchedulerCommand(app.WithPlugin(gpufit.Name, gpufit.New))))
}
