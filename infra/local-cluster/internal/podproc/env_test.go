package podproc

import (
	"errors"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

type fakeObjects struct {
	cms     map[string]*corev1.ConfigMap
	secrets map[string]*corev1.Secret
	pvs     map[string]string
}

func (f fakeObjects) ConfigMap(_, name string) (*corev1.ConfigMap, error) {
	if c, ok := f.cms[name]; ok {
		return c, nil
	}
	return nil, errors.New("not found")
}
func (f fakeObjects) Secret(_, name string) (*corev1.Secret, error) {
	if s, ok := f.secrets[name]; ok {
		return s, nil
	}
	return nil, errors.New("not found")
}
func (f fakeObjects) VolumeOf(_, claim string) (string, error) {
	if pv, ok := f.pvs[claim]; ok {
		return pv, nil
	}
	return "", errors.New("not bound")
}

var objs = fakeObjects{
	cms:     map[string]*corev1.ConfigMap{"settings": {Data: map[string]string{"MODE": "fast", "LEVEL": "3"}}},
	secrets: map[string]*corev1.Secret{"nb-token": {Data: map[string][]byte{"token": []byte("s3cret")}}},
	pvs:     map[string]string{"workspace-nb-0": "pvc-1234"},
}

func TestEnvResolvesReferencesInOrderAsTheKubelet(t *testing.T) {
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "nb-0", Namespace: "team-a", Labels: map[string]string{"app": "nb"}}}
	c := &corev1.Container{
		EnvFrom: []corev1.EnvFromSource{{Prefix: "CFG_", ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "settings"}}}},
		Env: []corev1.EnvVar{
			{Name: "JUPYTER_TOKEN", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
				LocalObjectReference: corev1.LocalObjectReference{Name: "nb-token"}, Key: "token"}}},
			{Name: "MODE", ValueFrom: &corev1.EnvVarSource{ConfigMapKeyRef: &corev1.ConfigMapKeySelector{
				LocalObjectReference: corev1.LocalObjectReference{Name: "settings"}, Key: "MODE"}}},
			{Name: "URL", Value: "http://$(POD_IP):8888/?m=$(MODE)"},
			{Name: "POD_IP", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "status.podIP"}}},
			{Name: "APP", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.labels['app']"}}},
			{Name: "MEM_MI", ValueFrom: &corev1.EnvVarSource{ResourceFieldRef: &corev1.ResourceFieldSelector{
				Resource: "limits.memory", Divisor: resource.MustParse("1Mi")}}},
		},
		Resources: corev1.ResourceRequirements{Limits: corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("2Gi")}},
	}
	env, err := ResolveEnv(pod, c, "127.70.0.9", objs)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	var order []string
	for _, e := range env {
		got[e.Name] = e.Value
		order = append(order, e.Name)
	}
	want := map[string]string{"CFG_LEVEL": "3", "CFG_MODE": "fast", "JUPYTER_TOKEN": "s3cret", "MODE": "fast",
		// POD_IP is defined after URL, so $(POD_IP) stays as written (kubelet semantics)
		"URL": "http://$(POD_IP):8888/?m=fast", "POD_IP": "127.70.0.9", "APP": "nb", "MEM_MI": "2048"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	if order[0] != "CFG_LEVEL" || order[len(order)-1] != "MEM_MI" {
		t.Errorf("order %v", order)
	}
}

func TestMissingSecretKeyIsAConfigErrorUnlessOptional(t *testing.T) {
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "ns"}}
	ref := func(opt bool) *corev1.Container {
		return &corev1.Container{Env: []corev1.EnvVar{{Name: "T", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
			LocalObjectReference: corev1.LocalObjectReference{Name: "nb-token"}, Key: "missing", Optional: &opt}}}}}
	}
	_, err := ResolveEnv(pod, ref(false), "", objs)
	var ce *ConfigError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v", err)
	}
	env, err := ResolveEnv(pod, ref(true), "", objs)
	if err != nil || len(env) != 0 {
		t.Fatalf("optional: %v %v", env, err)
	}
}
