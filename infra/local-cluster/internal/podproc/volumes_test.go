package podproc

import (
	"os"
	"path/filepath"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8stypes "k8s.io/apimachinery/pkg/types"
)

func TestVolumesMaterialiseAndAClaimKeepsItsFolderAcrossPods(t *testing.T) {
	l := Layout{Root: t.TempDir()}
	cfg := &Config{Home: "/home/jovyan", Files: map[string]string{"/opt/examples": "unused"}}
	mode := int32(0o400)
	pod := func(uid string) *corev1.Pod {
		return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "nb-0", Namespace: "team-a", UID: k8stypes.UID("uid-" + uid)},
			Spec: corev1.PodSpec{Volumes: []corev1.Volume{
				{Name: "workspace", VolumeSource: corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: "workspace-nb-0"}}},
				{Name: "token", VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: "nb-token", DefaultMode: &mode}}},
				{Name: "cfg", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{
					LocalObjectReference: corev1.LocalObjectReference{Name: "settings"}, Items: []corev1.KeyToPath{{Key: "MODE", Path: "conf/mode"}}}}},
				{Name: "scratch", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
			}}}
	}
	c := &corev1.Container{VolumeMounts: []corev1.VolumeMount{
		{Name: "workspace", MountPath: "/home/jovyan/work"}, {Name: "token", MountPath: "/etc/token"},
		{Name: "cfg", MountPath: "/etc/cfg"}, {Name: "scratch", MountPath: "/tmp/scratch"}}}

	first := pod("1")
	mounts, err := Materialize(first, c, cfg, l, objs, objs, nil)
	if err != nil {
		t.Fatal(err)
	}
	host := map[string]string{}
	for _, m := range mounts {
		host[m.ContainerPath] = m.HostPath
	}
	if host["/home/jovyan/work"] != l.PersistentVolume("pvc-1234") || host["/home/jovyan"] != l.PodHome("uid-1") ||
		host["/opt/examples"] != l.ImageFiles("/opt/examples") {
		t.Fatalf("mounts %v", host)
	}
	if b, _ := os.ReadFile(filepath.Join(host["/etc/token"], "token")); string(b) != "s3cret" {
		t.Fatalf("secret file %q", b)
	}
	if st, _ := os.Stat(filepath.Join(host["/etc/token"], "token")); st.Mode().Perm() != 0o400 {
		t.Fatalf("secret mode %v", st.Mode().Perm())
	}
	if b, _ := os.ReadFile(filepath.Join(host["/etc/cfg"], "conf", "mode")); string(b) != "fast" {
		t.Fatalf("configmap item %q", b)
	}
	if _, err := os.Stat(filepath.Join(host["/etc/cfg"], "LEVEL")); !os.IsNotExist(err) {
		t.Fatal("only the listed items are projected")
	}

	// a file in the workspace is there for the next pod of the StatefulSet
	_ = os.WriteFile(filepath.Join(host["/home/jovyan/work"], "notes.txt"), []byte("kept"), 0o644)
	second, err := Materialize(pod("2"), c, cfg, l, objs, objs, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range second {
		if m.ContainerPath == "/home/jovyan/work" {
			if b, _ := os.ReadFile(filepath.Join(m.HostPath, "notes.txt")); string(b) != "kept" {
				t.Fatal("the claim's folder did not survive the pod")
			}
		}
	}
}

func TestUnboundClaimIsAConfigError(t *testing.T) {
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{UID: "u"}, Spec: corev1.PodSpec{Volumes: []corev1.Volume{
		{Name: "w", VolumeSource: corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: "pending"}}}}}}
	_, err := Materialize(pod, &corev1.Container{}, &Config{Home: "/home/jovyan"}, Layout{Root: t.TempDir()}, objs, objs, nil)
	var ce *ConfigError
	if !errorsAs(err, &ce) {
		t.Fatalf("err = %v", err)
	}
}
