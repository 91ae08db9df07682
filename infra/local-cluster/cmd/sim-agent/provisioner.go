package main

import (
	"context"
	"log/slog"
	"path/filepath"

	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/informers"
	listersv1 "k8s.io/client-go/listers/core/v1"
	storagelisters "k8s.io/client-go/listers/storage/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"
)

// provisionerName is the provisioner of the simulated StorageClass (config/addons/20-storage.yaml).
const provisionerName = "sim.portal.ai/local-volume"

// provisioner is a minimal external dynamic provisioner: for a Pending claim of a StorageClass whose
// provisioner is ours it creates a PersistentVolume of the requested size, pre-bound to the claim; the
// controller manager's persistent-volume controller then binds the two. A Released volume with reclaim
// policy Delete is deleted. The volumes are hostPath folders under <state>/volumes that nothing mounts.
type provisioner struct {
	c       *clients
	state   string
	claims  listersv1.PersistentVolumeClaimLister
	volumes listersv1.PersistentVolumeLister
	classes storagelisters.StorageClassLister
	queue   workqueue.TypedRateLimitingInterface[string]
	// onDeleted is told when a volume the provisioner made is deleted (the process runtime drops its folder)
	onDeleted func(pv string)
}

func newProvisioner(c *clients, state string) *provisioner {
	return &provisioner{c: c, state: state,
		queue: workqueue.NewTypedRateLimitingQueue(workqueue.DefaultTypedControllerRateLimiter[string]())}
}

func (p *provisioner) register(f informers.SharedInformerFactory) {
	claims := f.Core().V1().PersistentVolumeClaims()
	volumes := f.Core().V1().PersistentVolumes()
	classes := f.Storage().V1().StorageClasses()
	p.claims, p.volumes, p.classes = claims.Lister(), volumes.Lister(), classes.Lister()
	add := func(prefix string) func(any) {
		return func(obj any) {
			if key, err := cache.DeletionHandlingMetaNamespaceKeyFunc(obj); err == nil {
				p.queue.Add(prefix + key)
			}
		}
	}
	_, _ = claims.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc: add("pvc/"), UpdateFunc: func(_, n any) { add("pvc/")(n) }})
	_, _ = volumes.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc: add("pv/"), UpdateFunc: func(_, n any) { add("pv/")(n) }})
	_ = classes.Informer()
}

func (p *provisioner) run(ctx context.Context) {
	go func() { <-ctx.Done(); p.queue.ShutDown() }()
	for {
		key, quit := p.queue.Get()
		if quit {
			return
		}
		var err error
		switch {
		case len(key) > 4 && key[:4] == "pvc/":
			err = p.syncClaim(ctx, key[4:])
		case len(key) > 3 && key[:3] == "pv/":
			err = p.syncVolume(ctx, key[3:])
		}
		if err != nil {
			slog.Warn("provisioner", "key", key, "err", err)
			p.queue.AddRateLimited(key)
		} else {
			p.queue.Forget(key)
		}
		p.queue.Done(key)
	}
}

func (p *provisioner) classOf(pvc *corev1.PersistentVolumeClaim) *storagev1.StorageClass {
	name := ""
	if pvc.Spec.StorageClassName != nil {
		name = *pvc.Spec.StorageClassName
	}
	if name == "" {
		return nil
	}
	sc, err := p.classes.Get(name)
	if err != nil || sc.Provisioner != provisionerName {
		return nil
	}
	return sc
}

func (p *provisioner) syncClaim(ctx context.Context, key string) error {
	ns, name, _ := cache.SplitMetaNamespaceKey(key)
	pvc, err := p.claims.PersistentVolumeClaims(ns).Get(name)
	if err != nil || pvc.Status.Phase != corev1.ClaimPending || pvc.Spec.VolumeName != "" || pvc.DeletionTimestamp != nil {
		return nil
	}
	sc := p.classOf(pvc)
	if sc == nil {
		return nil
	}
	if sc.VolumeBindingMode != nil && *sc.VolumeBindingMode == storagev1.VolumeBindingWaitForFirstConsumer &&
		pvc.Annotations["volume.kubernetes.io/selected-node"] == "" {
		return nil // the scheduler picks the node first
	}
	pvName := "pvc-" + string(pvc.UID)
	if _, err := p.volumes.Get(pvName); err == nil {
		return nil
	}
	reclaim := corev1.PersistentVolumeReclaimDelete
	if sc.ReclaimPolicy != nil {
		reclaim = *sc.ReclaimPolicy
	}
	size := pvc.Spec.Resources.Requests[corev1.ResourceStorage]
	hostPathType := corev1.HostPathDirectoryOrCreate
	pv := &corev1.PersistentVolume{
		ObjectMeta: metav1.ObjectMeta{
			Name:        pvName,
			Annotations: map[string]string{"pv.kubernetes.io/provisioned-by": provisionerName},
			Labels:      map[string]string{"app.kubernetes.io/managed-by": "ai-portal-sim-agent"},
		},
		Spec: corev1.PersistentVolumeSpec{
			Capacity:                      corev1.ResourceList{corev1.ResourceStorage: size},
			AccessModes:                   pvc.Spec.AccessModes,
			PersistentVolumeReclaimPolicy: reclaim,
			StorageClassName:              sc.Name,
			VolumeMode:                    pvc.Spec.VolumeMode,
			MountOptions:                  sc.MountOptions,
			ClaimRef: &corev1.ObjectReference{
				Kind: "PersistentVolumeClaim", APIVersion: "v1",
				Namespace: pvc.Namespace, Name: pvc.Name, UID: pvc.UID,
			},
			PersistentVolumeSource: corev1.PersistentVolumeSource{HostPath: &corev1.HostPathVolumeSource{
				Path: filepath.Join(p.state, "volumes", pvName), Type: &hostPathType,
			}},
		},
	}
	_, err = p.c.kube.CoreV1().PersistentVolumes().Create(ctx, pv, metav1.CreateOptions{FieldManager: fieldManager})
	if apierrors.IsAlreadyExists(err) {
		return nil
	}
	if err == nil {
		slog.Info("provisioned simulated volume", "claim", key, "volume", pvName, "size", size.String())
	}
	return err
}

func (p *provisioner) syncVolume(ctx context.Context, name string) error {
	pv, err := p.volumes.Get(name)
	if err != nil || pv.Annotations["pv.kubernetes.io/provisioned-by"] != provisionerName {
		return nil
	}
	if pv.Status.Phase != corev1.VolumeReleased || pv.Spec.PersistentVolumeReclaimPolicy != corev1.PersistentVolumeReclaimDelete {
		return nil
	}
	err = p.c.kube.CoreV1().PersistentVolumes().Delete(ctx, name, metav1.DeleteOptions{})
	if err != nil && !apierrors.IsNotFound(err) {
		return err
	}
	if p.onDeleted != nil {
		p.onDeleted(name)
	}
	return nil
}
