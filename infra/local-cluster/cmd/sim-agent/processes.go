package main

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes/scheme"
	typedcorev1 "k8s.io/client-go/kubernetes/typed/core/v1"
	listersv1 "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/record"

	"ai.portal/local-cluster/internal/podproc"
)

// runtimeFlags configure the process runtime (see internal/podproc): without --runtime-config every pod is
// simulated.
type runtimeFlags struct {
	config, root, venv, runAs, repo, extraImages, imageVenvs string
}

// listerObjects serves ConfigMaps and Secrets from the agent's informers.
type listerObjects struct {
	configMaps listersv1.ConfigMapLister
	secrets    listersv1.SecretLister
	claims     listersv1.PersistentVolumeClaimLister
	services   listersv1.ServiceLister
	pods       listersv1.PodLister
}

// ServiceAddress is a Ready, running pod the Service selects, and the port it forwards port to.
func (o listerObjects) ServiceAddress(ns, name string, port int) (string, int, bool) {
	svc, err := o.services.Services(ns).Get(name)
	if err != nil || len(svc.Spec.Selector) == 0 {
		return "", 0, false
	}
	var sp *corev1.ServicePort
	for i := range svc.Spec.Ports {
		if int(svc.Spec.Ports[i].Port) == port {
			sp = &svc.Spec.Ports[i]
		}
	}
	if sp == nil {
		return "", 0, false
	}
	pods, err := o.pods.Pods(ns).List(labels.SelectorFromSet(svc.Spec.Selector))
	if err != nil {
		return "", 0, false
	}
	sort.Slice(pods, func(i, j int) bool { return pods[i].Name < pods[j].Name })
	for _, p := range pods {
		if p.Status.PodIP == "" || p.DeletionTimestamp != nil || !podReady(p) {
			continue
		}
		target := port
		switch {
		case sp.TargetPort.IntValue() > 0:
			target = sp.TargetPort.IntValue()
		case sp.TargetPort.StrVal != "":
			for _, c := range p.Spec.Containers {
				for _, cp := range c.Ports {
					if cp.Name == sp.TargetPort.StrVal {
						target = int(cp.ContainerPort)
					}
				}
			}
		}
		return p.Status.PodIP, target, true
	}
	return "", 0, false
}

func podReady(p *corev1.Pod) bool {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

func (o listerObjects) ConfigMap(ns, name string) (*corev1.ConfigMap, error) {
	return o.configMaps.ConfigMaps(ns).Get(name)
}
func (o listerObjects) Secret(ns, name string) (*corev1.Secret, error) {
	return o.secrets.Secrets(ns).Get(name)
}
func (o listerObjects) VolumeOf(ns, claim string) (string, error) {
	pvc, err := o.claims.PersistentVolumeClaims(ns).Get(claim)
	if err != nil {
		return "", err
	}
	if pvc.Spec.VolumeName == "" || pvc.Status.Phase != corev1.ClaimBound {
		return "", fmt.Errorf("claim %s/%s is %s", ns, claim, pvc.Status.Phase)
	}
	return pvc.Spec.VolumeName, nil
}

// newRuntime sets up the process runtime: its informers, the image files copied where its user can read
// them, and the events it records as the nodes' kubelet.
func (a *agent) newRuntime(f runtimeFlags, factory informers.SharedInformerFactory) (*podproc.Runtime, error) {
	cfg, err := podproc.LoadConfig(f.config, f.repo)
	if err != nil {
		return nil, err
	}
	cfg.AddImages(f.extraImages)
	var owner *podproc.Owner
	if f.runAs != "" {
		u, err := user.Lookup(f.runAs)
		if err != nil {
			return nil, fmt.Errorf("--run-as %s: %w", f.runAs, err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if uid == 0 {
			return nil, fmt.Errorf("--run-as %s is root: pods must not run as root", f.runAs)
		}
		if uid != os.Getuid() {
			owner = &podproc.Owner{UID: uid, GID: gid}
		}
	} else if os.Getuid() == 0 {
		return nil, fmt.Errorf("the agent runs as root: give --run-as an unprivileged user for pod processes")
	}
	layout := podproc.Layout{Root: f.root}
	if err := os.MkdirAll(layout.Root, 0o755); err != nil {
		return nil, err
	}
	for inImage, src := range cfg.Files {
		if err := copyTree(src, layout.ImageFiles(inImage), owner); err != nil {
			return nil, fmt.Errorf("image files %s: %w", inImage, err)
		}
	}
	objs := listerObjects{
		configMaps: factory.Core().V1().ConfigMaps().Lister(),
		secrets:    factory.Core().V1().Secrets().Lister(),
		claims:     factory.Core().V1().PersistentVolumeClaims().Lister(),
		services:   factory.Core().V1().Services().Lister(),
		pods:       factory.Core().V1().Pods().Lister(),
	}
	broadcaster := record.NewBroadcaster()
	broadcaster.StartRecordingToSink(&typedcorev1.EventSinkImpl{Interface: a.c.kube.CoreV1().Events("")})
	recorder := broadcaster.NewRecorder(scheme.Scheme, corev1.EventSource{Component: "kubelet", Host: "ai-portal-node-agent"})
	binDirs := []string{}
	if f.venv != "" {
		binDirs = append(binDirs, filepath.Join(f.venv, "bin"))
	}
	imageBinDirs := map[string][]string{}
	for _, pair := range strings.Split(f.imageVenvs, ",") {
		image, venv, ok := strings.Cut(strings.TrimSpace(pair), "=")
		if !ok || image == "" || venv == "" {
			continue
		}
		if !cfg.Runnable(image) {
			return nil, fmt.Errorf("--image-venvs: %q is not a runnable image", image)
		}
		imageBinDirs[image] = []string{filepath.Join(venv, "bin")}
	}
	slog.Info("process runtime: pods of these images run as real processes", "images", cfg.SortedImages(),
		"root", layout.Root, "venv", f.venv, "imageVenvs", f.imageVenvs, "user", f.runAs)
	return podproc.New(podproc.Options{
		Config: cfg, Layout: layout, State: a.state, BinDirs: binDirs, ImageBinDirs: imageBinDirs, Services: objs,
		Owner: owner,
		IPs:   podproc.NewIPs(podproc.SecondOctetFor(a.state)),
		Kube:  a.c.kube, Objects: objs, Claims: objs, Events: recorder,
		Requeue: func(ns, name string, after time.Duration) { a.queue.AddAfter(ns+"/"+name, after) },
	}), nil
}

// syncProcessPod hands a runnable pod to the runtime and keeps the agent's GPU table and KWOK's log
// pointers in step with it.
func (a *agent) syncProcessPod(ctx context.Context, pod *corev1.Pod, node *corev1.Node) error {
	a.runtime.ForgetByName(pod.Namespace, pod.Name, pod.UID)
	if err := a.runtime.Sync(ctx, pod); err != nil {
		return err
	}
	a.mu.Lock()
	// an earlier pod of the same name (a StatefulSet's restart) holds no devices any more
	a.devices.releaseByName(pod.Namespace, pod.Name, pod.UID)
	switch {
	case pod.Status.Phase == corev1.PodRunning && pod.DeletionTimestamp == nil:
		a.devices.assign(pod, node, true)
	case terminalPhase(pod.Status.Phase):
		a.devices.release(pod.UID)
	}
	a.mu.Unlock()
	var files []kwokLog
	for _, cs := range pod.Status.ContainerStatuses {
		if cs.ContainerID != "" {
			files = append(files, kwokLog{container: cs.Name, file: podproc.ContainerLogFile(a.state, pod, cs.Name, cs.RestartCount)})
		}
	}
	return a.applyKwokLogs(ctx, pod, files)
}

func terminalPhase(p corev1.PodPhase) bool { return p == corev1.PodSucceeded || p == corev1.PodFailed }

// startRuntime sweeps what an earlier agent left and reports the pods the runtime will pick up.
func (a *agent) startRuntime() {
	all, _ := a.pods.List(labels.Everything())
	live := map[string]bool{}
	for _, p := range all {
		live[string(p.UID)] = true
	}
	a.runtime.SweepLeftovers(func(uid string) bool { return live[uid] })
}

// copyTree copies a folder of the repository (e.g. examples/) to where the pods' user can read it.
func copyTree(src, dst string, owner *podproc.Owner) error {
	if err := os.RemoveAll(dst); err != nil {
		return err
	}
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
}

// stopRuntime ends every pod process: nothing keeps running once the agent has stopped.
func (a *agent) stopRuntime() {
	if a.runtime != nil {
		a.runtime.StopAll(5 * time.Second)
	}
}
