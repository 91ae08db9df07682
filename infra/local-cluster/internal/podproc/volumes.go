package podproc

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// Claims resolves a PersistentVolumeClaim to the PersistentVolume bound to it.
type Claims interface {
	VolumeOf(namespace, claim string) (string, error)
}

// Layout is where the runtime keeps what its processes see, under a root the processes' user can reach:
//
//	<root>/pods/<pod uid>/home                 the image user's home for the pod
//	<root>/pods/<pod uid>/volumes/<volume>     configMap, secret, emptyDir, downwardAPI, projected volumes
//	<root>/volumes/<persistent volume name>    a claim's data: kept across pod restarts, removed with the volume
//	<root>/image/<path inside the image>       the image's files (e.g. /opt/examples), copied from the repository
type Layout struct{ Root string }

func (l Layout) PodDir(uid string) string  { return filepath.Join(l.Root, "pods", uid) }
func (l Layout) PodHome(uid string) string { return filepath.Join(l.PodDir(uid), "home") }
func (l Layout) PodVolume(uid, name string) string {
	return filepath.Join(l.PodDir(uid), "volumes", name)
}
func (l Layout) PersistentVolume(pv string) string { return filepath.Join(l.Root, "volumes", pv) }
func (l Layout) ImageFiles(inImage string) string {
	return filepath.Join(l.Root, "image", strings.TrimPrefix(inImage, "/"))
}

// Owner is who the processes run as; folders the runtime creates for them are theirs.
type Owner struct{ UID, GID int }

func (o *Owner) chown(p string) error {
	if o == nil {
		return nil
	}
	return os.Lchown(p, o.UID, o.GID)
}

// mkdirOwned creates dir (and parents) and hands dir itself to the owner.
func (o *Owner) mkdirOwned(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return o.chown(dir)
}

// Materialize creates the pod's volumes and returns the container's mounts (its volumeMounts with subPath),
// plus the image's files and the image user's home.
func Materialize(pod *corev1.Pod, c *corev1.Container, cfg *Config, l Layout, objs Objects, claims Claims, owner *Owner) ([]Mount, error) {
	uid := string(pod.UID)
	home := l.PodHome(uid)
	if err := owner.mkdirOwned(home); err != nil {
		return nil, err
	}
	hostOf := map[string]string{}
	for i := range pod.Spec.Volumes {
		v := &pod.Spec.Volumes[i]
		dir, err := materializeVolume(pod, v, l, objs, claims, owner)
		if err != nil {
			return nil, err
		}
		if dir != "" {
			hostOf[v.Name] = dir
		}
	}
	var mounts []Mount
	for inImage := range cfg.Files {
		mounts = append(mounts, Mount{ContainerPath: inImage, HostPath: l.ImageFiles(inImage)})
	}
	mounts = append(mounts, Mount{ContainerPath: cfg.Home, HostPath: home})
	for _, vm := range c.VolumeMounts {
		dir, ok := hostOf[vm.Name]
		if !ok {
			continue // a volume this runtime does not provide (e.g. the service-account token)
		}
		if vm.SubPath != "" {
			dir = filepath.Join(dir, filepath.Clean("/" + vm.SubPath)[1:])
			if err := owner.mkdirOwned(dir); err != nil {
				return nil, err
			}
		}
		mounts = append(mounts, Mount{ContainerPath: vm.MountPath, HostPath: dir})
	}
	return mounts, nil
}

func materializeVolume(pod *corev1.Pod, v *corev1.Volume, l Layout, objs Objects, claims Claims, owner *Owner) (string, error) {
	uid := string(pod.UID)
	switch {
	case v.PersistentVolumeClaim != nil:
		pv, err := claims.VolumeOf(pod.Namespace, v.PersistentVolumeClaim.ClaimName)
		if err != nil {
			return "", &ConfigError{fmt.Sprintf("persistentvolumeclaim %q is not bound: %v", v.PersistentVolumeClaim.ClaimName, err)}
		}
		dir := l.PersistentVolume(pv)
		return dir, owner.mkdirOwned(dir)
	case v.EmptyDir != nil:
		dir := l.PodVolume(uid, v.Name)
		return dir, owner.mkdirOwned(dir)
	case v.ConfigMap != nil:
		cm, err := objs.ConfigMap(pod.Namespace, v.ConfigMap.Name)
		if err != nil {
			if optional(v.ConfigMap.Optional) {
				return writeFiles(l.PodVolume(uid, v.Name), nil, owner)
			}
			return "", &ConfigError{fmt.Sprintf("configmap %q not found", v.ConfigMap.Name)}
		}
		data := map[string][]byte{}
		for k, s := range cm.Data {
			data[k] = []byte(s)
		}
		for k, b := range cm.BinaryData {
			data[k] = b
		}
		return writeFiles(l.PodVolume(uid, v.Name), project(data, v.ConfigMap.Items, v.ConfigMap.DefaultMode), owner)
	case v.Secret != nil:
		s, err := objs.Secret(pod.Namespace, v.Secret.SecretName)
		if err != nil {
			if optional(v.Secret.Optional) {
				return writeFiles(l.PodVolume(uid, v.Name), nil, owner)
			}
			return "", &ConfigError{fmt.Sprintf("secret %q not found", v.Secret.SecretName)}
		}
		return writeFiles(l.PodVolume(uid, v.Name), project(s.Data, v.Secret.Items, v.Secret.DefaultMode), owner)
	case v.DownwardAPI != nil:
		return writeFiles(l.PodVolume(uid, v.Name), downward(pod, v.DownwardAPI.Items), owner)
	case v.Projected != nil:
		files := map[string]file{}
		for _, src := range v.Projected.Sources {
			switch {
			case src.ConfigMap != nil:
				if cm, err := objs.ConfigMap(pod.Namespace, src.ConfigMap.Name); err == nil {
					data := map[string][]byte{}
					for k, s := range cm.Data {
						data[k] = []byte(s)
					}
					for k, f := range project(data, src.ConfigMap.Items, v.Projected.DefaultMode) {
						files[k] = f
					}
				}
			case src.Secret != nil:
				if s, err := objs.Secret(pod.Namespace, src.Secret.Name); err == nil {
					for k, f := range project(s.Data, src.Secret.Items, v.Projected.DefaultMode) {
						files[k] = f
					}
				}
			case src.DownwardAPI != nil:
				for k, f := range downward(pod, src.DownwardAPI.Items) {
					files[k] = f
				}
			}
			// serviceAccountToken and clusterTrustBundle sources are not provided: processes here do not
			// talk to the API server as their service account
		}
		return writeFiles(l.PodVolume(uid, v.Name), files, owner)
	}
	return "", nil // hostPath, CSI, ephemeral...: not provided; mounts of it are left out
}

type file struct {
	data []byte
	mode os.FileMode
}

// project selects items (all keys when none are listed) with the volume's modes, as the kubelet's
// atomic writer lays them out.
func project(data map[string][]byte, items []corev1.KeyToPath, defaultMode *int32) map[string]file {
	mode := os.FileMode(0o644)
	if defaultMode != nil {
		mode = os.FileMode(*defaultMode)
	}
	out := map[string]file{}
	if len(items) == 0 {
		for k, b := range data {
			out[k] = file{b, mode}
		}
		return out
	}
	for _, it := range items {
		b, ok := data[it.Key]
		if !ok {
			continue
		}
		m := mode
		if it.Mode != nil {
			m = os.FileMode(*it.Mode)
		}
		out[it.Path] = file{b, m}
	}
	return out
}

func downward(pod *corev1.Pod, items []corev1.DownwardAPIVolumeFile) map[string]file {
	out := map[string]file{}
	for _, it := range items {
		if it.FieldRef == nil {
			continue
		}
		var b strings.Builder
		switch it.FieldRef.FieldPath {
		case "metadata.labels":
			for _, k := range sortedKeys(pod.Labels) {
				fmt.Fprintf(&b, "%s=%q\n", k, pod.Labels[k])
			}
		case "metadata.annotations":
			for _, k := range sortedKeys(pod.Annotations) {
				fmt.Fprintf(&b, "%s=%q\n", k, pod.Annotations[k])
			}
		default:
			v, err := fieldValue(pod, it.FieldRef.FieldPath, "")
			if err != nil {
				continue
			}
			b.WriteString(v)
		}
		out[it.Path] = file{[]byte(b.String()), 0o644}
	}
	return out
}

// writeFiles writes a volume's files (rewritten on every start of the pod's containers).
func writeFiles(dir string, files map[string]file, owner *Owner) (string, error) {
	if err := owner.mkdirOwned(dir); err != nil {
		return "", err
	}
	for rel, f := range files {
		p := filepath.Join(dir, filepath.Clean("/" + rel)[1:])
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return "", err
		}
		if err := os.WriteFile(p, f.data, f.mode); err != nil {
			return "", err
		}
		if err := os.Chmod(p, f.mode); err != nil {
			return "", err
		}
		if err := owner.chown(p); err != nil {
			return "", err
		}
	}
	return dir, nil
}
