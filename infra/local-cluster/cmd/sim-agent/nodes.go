package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"sync"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/yaml"

	"ai.portal/local-cluster/internal/gputopo"
)

// Labels, annotations and taints shared with KWOK, NVIDIA GPU feature discovery and the Java test fixture.
const (
	labelManaged     = "sim.portal.ai/managed" // nodes registered from nodes.yaml; others (test pools) are left alone
	labelPool        = "sim.portal.ai/pool"
	labelKwokType    = "type" // KWOK's convention: type=kwok
	annotationKwok   = "kwok.x-k8s.io/node"
	labelGPUProduct  = "nvidia.com/gpu.product"
	labelGPUCount    = "nvidia.com/gpu.count"
	labelGPUMemory   = "nvidia.com/gpu.memory"
	labelGPUFamily   = "nvidia.com/gpu.family"
	labelGPUPresent  = "nvidia.com/gpu.present"
	annotationModel  = "sim.portal.ai/gpu-model-name"
	annotationPowerW = "sim.portal.ai/gpu-power-max-watts"
	// set by hand or by a test: GPUs of the node that report an XID error ("3:79,5:48"), held by a pod or not
	annotationNodeXID = "sim.portal.ai/gpu-xid-errors"
	resourceGPU       = corev1.ResourceName("nvidia.com/gpu")
	fieldManager      = "ai-portal-sim-agent"
	// a node entry without ephemeralStorage: a common root disk of a cloud GPU node
	defaultEphemeralStorage = "200Gi"
	// the kubelet's default hard eviction threshold nodefs.available<10%: allocatable = capacity less this share
	ephemeralStorageReservedPercent = 10
)

// topology is nodes.yaml.
type topology struct {
	// Scale multiplies every pool's count (benchmarks); CLUSTER_SCALE / --scale override it.
	Scale int    `json:"scale"`
	Pools []pool `json:"pools"`
}

type pool struct {
	Name   string            `json:"name"`
	Count  int               `json:"count"`
	CPU    string            `json:"cpu"`
	Memory string            `json:"memory"`
	Pods   int               `json:"pods"`
	Zone   string            `json:"zone"`
	Labels map[string]string `json:"labels"`
	GPU    *gpuSpec          `json:"gpu"`
	// EphemeralStorage is the node's local disk for containers' writable layers, logs and emptyDirs (the kubelet's
	// nodefs), e.g. 3500Gi; empty: defaultEphemeralStorage.
	EphemeralStorage string `json:"ephemeralStorage"`
}

type gpuSpec struct {
	Product   string `json:"product"`   // GFD nvidia.com/gpu.product, e.g. NVIDIA-H100-80GB-HBM3
	ModelName string `json:"modelName"` // DCGM modelName, e.g. "NVIDIA H100 80GB HBM3"
	Count     int    `json:"count"`
	MemoryMiB int    `json:"memoryMiB"`
	Family    string `json:"family"`
	PowerW    int    `json:"powerWatts"` // board power limit, shapes DCGM_FI_DEV_POWER_USAGE
	// DomainSize is the GPUs per NVLink/NVSwitch domain (an 8-GPU node as two 4-GPU islands: 4); 0: one domain.
	// Published as the node label portal.ai/gpu-domain-size, which gpu-fit and the device assignment read.
	DomainSize int `json:"domainSize"`
}

func loadTopology(path string, scale int) (*topology, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var t topology
	if err := yaml.UnmarshalStrict(data, &t); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if scale > 0 {
		t.Scale = scale
	}
	if t.Scale <= 0 {
		t.Scale = 1
	}
	for i, p := range t.Pools {
		if p.Name == "" || p.Count < 0 {
			return nil, fmt.Errorf("%s: pool %d needs a name and a count", path, i)
		}
		if p.EphemeralStorage != "" {
			if q, err := resource.ParseQuantity(p.EphemeralStorage); err != nil || q.Sign() <= 0 {
				return nil, fmt.Errorf("%s: pool %s: ephemeralStorage %q is not a positive quantity", path, p.Name, p.EphemeralStorage)
			}
		}
		if p.GPU != nil && (p.GPU.Product == "" || p.GPU.Count <= 0) {
			return nil, fmt.Errorf("%s: pool %s: gpu needs product and count", path, p.Name)
		}
		if p.GPU != nil && (p.GPU.DomainSize < 0 || p.GPU.DomainSize > 0 && p.GPU.Count%p.GPU.DomainSize != 0) {
			return nil, fmt.Errorf("%s: pool %s: gpu.domainSize must divide gpu.count", path, p.Name)
		}
	}
	return &t, nil
}

func (t *topology) nodes() []*corev1.Node {
	var out []*corev1.Node
	for _, p := range t.Pools {
		for i := 0; i < p.Count*t.Scale; i++ {
			out = append(out, p.node(fmt.Sprintf("sim-%s-%d", p.Name, i)))
		}
	}
	return out
}

func (t *topology) totalGPUs() int {
	n := 0
	for _, p := range t.Pools {
		if p.GPU != nil {
			n += p.Count * t.Scale * p.GPU.Count
		}
	}
	return n
}

func orDefault(v, d string) string {
	if v == "" {
		return d
	}
	return v
}

// node builds the Node object as a kubelet with NVIDIA's device plugin and GPU feature discovery would
// register it. KWOK fills in the status conditions, addresses and daemon endpoint.
func (p pool) node(name string) *corev1.Node {
	labels := map[string]string{
		"kubernetes.io/hostname":           name,
		"kubernetes.io/os":                 "linux",
		"kubernetes.io/arch":               "amd64",
		"node.kubernetes.io/instance-type": "sim-" + p.Name,
		"topology.kubernetes.io/zone":      orDefault(p.Zone, "sim-zone-a"),
		labelKwokType:                      "kwok",
		labelManaged:                       "true",
		labelPool:                          p.Name,
	}
	for k, v := range p.Labels {
		labels[k] = v
	}
	pods := p.Pods
	if pods == 0 {
		pods = 110
	}
	ephemeral := resource.MustParse(orDefault(p.EphemeralStorage, defaultEphemeralStorage))
	capacity := corev1.ResourceList{
		corev1.ResourceCPU:              resource.MustParse(orDefault(p.CPU, "32")),
		corev1.ResourceMemory:           resource.MustParse(orDefault(p.Memory, "256Gi")),
		corev1.ResourcePods:             *resource.NewQuantity(int64(pods), resource.DecimalSI),
		corev1.ResourceEphemeralStorage: ephemeral,
	}
	annotations := map[string]string{
		annotationKwok:                 "fake",
		"node.alpha.kubernetes.io/ttl": "0",
		"sim.portal.ai/simulated":      "true: this node is simulated by KWOK and the AI Portal sim-agent",
	}
	var taints []corev1.Taint
	if g := p.GPU; g != nil {
		labels[labelGPUPresent] = "true"
		labels[labelGPUProduct] = g.Product
		labels[labelGPUCount] = strconv.Itoa(g.Count)
		if g.MemoryMiB > 0 {
			labels[labelGPUMemory] = strconv.Itoa(g.MemoryMiB)
		}
		if g.Family != "" {
			labels[labelGPUFamily] = g.Family
		}
		if g.DomainSize > 0 {
			labels[gputopo.LabelDomainSize] = strconv.Itoa(g.DomainSize)
		}
		labels["nvidia.com/gpu.deploy.device-plugin"] = "true"
		labels["nvidia.com/gpu.deploy.dcgm-exporter"] = "true"
		capacity[resourceGPU] = *resource.NewQuantity(int64(g.Count), resource.DecimalSI)
		annotations[annotationModel] = orDefault(g.ModelName, g.Product)
		if g.PowerW > 0 {
			annotations[annotationPowerW] = strconv.Itoa(g.PowerW)
		}
		taints = append(taints, corev1.Taint{Key: "nvidia.com/gpu", Value: "present", Effect: corev1.TaintEffectNoSchedule})
	}
	// what the scheduler may hand out: all of it but the disk the kubelet keeps free before it evicts pods
	allocatable := capacity.DeepCopy()
	allocatable[corev1.ResourceEphemeralStorage] = *resource.NewQuantity(
		ephemeral.Value()/100*(100-ephemeralStorageReservedPercent), resource.BinarySI)
	return &corev1.Node{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Node"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels, Annotations: annotations},
		Spec:       corev1.NodeSpec{Taints: taints},
		Status: corev1.NodeStatus{
			Capacity:    capacity,
			Allocatable: allocatable,
			NodeInfo: corev1.NodeSystemInfo{
				OperatingSystem: "linux", Architecture: "amd64",
				OSImage: "AI Portal simulated node (KWOK)", KernelVersion: "simulated",
			},
		},
	}
}

// registerNodes creates or updates every node of the topology (server-side apply, spec and status) and
// deletes managed nodes that the topology no longer lists.
func registerNodes(ctx context.Context, c *clients, t *topology) (int, error) {
	want := t.nodes()
	names := map[string]bool{}
	sem := make(chan struct{}, 32)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	for _, n := range want {
		names[n.Name] = true
		wg.Add(1)
		sem <- struct{}{}
		go func(n *corev1.Node) {
			defer wg.Done()
			defer func() { <-sem }()
			if err := applyNode(ctx, c, n); err != nil {
				mu.Lock()
				if firstErr == nil {
					firstErr = fmt.Errorf("node %s: %w", n.Name, err)
				}
				mu.Unlock()
			}
		}(n)
	}
	wg.Wait()
	if firstErr != nil {
		return 0, firstErr
	}
	existing, err := c.kube.CoreV1().Nodes().List(ctx, metav1.ListOptions{LabelSelector: labelManaged + "=true"})
	if err != nil {
		return 0, err
	}
	for _, n := range existing.Items {
		if !names[n.Name] {
			slog.Info("removing node no longer in the topology", "node", n.Name)
			if err := c.kube.CoreV1().Nodes().Delete(ctx, n.Name, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
				return 0, err
			}
		}
	}
	return len(want), nil
}

func applyNode(ctx context.Context, c *clients, n *corev1.Node) error {
	status := n.Status
	meta := *n
	meta.Status = corev1.NodeStatus{}
	body, err := json.Marshal(&meta)
	if err != nil {
		return err
	}
	force := true
	if _, err := c.kube.CoreV1().Nodes().Patch(ctx, n.Name, types.ApplyPatchType, body,
		metav1.PatchOptions{FieldManager: fieldManager, Force: &force}); err != nil {
		return err
	}
	// capacity as a device plugin reports it: status subresource, only the fields the agent owns
	st := map[string]any{
		"apiVersion": "v1", "kind": "Node", "metadata": map[string]any{"name": n.Name},
		"status": map[string]any{"capacity": status.Capacity, "allocatable": status.Allocatable},
	}
	body, err = json.Marshal(st)
	if err != nil {
		return err
	}
	_, err = c.kube.CoreV1().Nodes().Patch(ctx, n.Name, types.ApplyPatchType, body,
		metav1.PatchOptions{FieldManager: fieldManager, Force: &force}, "status")
	return err
}
