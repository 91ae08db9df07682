package podproc

import (
	"os"
	"strconv"
	"testing"
)

type fakeServices map[string][2]any

func (f fakeServices) ServiceAddress(namespace, name string, port int) (string, int, bool) {
	v, ok := f[namespace+"/"+name+":"+strconv.Itoa(port)]
	if !ok {
		return "", 0, false
	}
	return v[0].(string), v[1].(int), true
}

func TestServiceURLsInEnvironmentValuesPointAtAReadyPod(t *testing.T) {
	services := fakeServices{"team-vision/portal-mlflow:5000": {"127.3.0.7", 5000}}
	env := []EnvVar{
		{Name: "MLFLOW_TRACKING_URI", Value: "http://portal-mlflow.team-vision.svc:5000/mlflow/vision"},
		{Name: "LONG", Value: "http://portal-mlflow.team-vision.svc.cluster.local:5000/x"},
		{Name: "NOT_SERVED", Value: "http://other.team-vision.svc:5000/x"},
		{Name: "PLAIN", Value: "portal-mlflow.team-vision.svc:5000 is not a URL"},
	}
	got := ResolveServiceURLs(env, services)
	want := []string{
		"http://127.3.0.7:5000/mlflow/vision",
		"http://127.3.0.7:5000/x",
		"http://other.team-vision.svc:5000/x",
		"portal-mlflow.team-vision.svc:5000 is not a URL",
	}
	for i := range want {
		if got[i].Value != want[i] {
			t.Errorf("%s = %q, want %q", got[i].Name, got[i].Value, want[i])
		}
	}
	if env[0].Value != "http://portal-mlflow.team-vision.svc:5000/mlflow/vision" {
		t.Errorf("the input was changed")
	}
}

func TestAnImageVirtualenvMustBeARunnableImageAndTheRepositorysConfigHasMlflows(t *testing.T) {
	dir := t.TempDir()
	bad := dir + "/bad.yaml"
	if err := os.WriteFile(bad, []byte("images: [a:1]\nvirtualenvs:\n  b:1: reqs.txt\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadConfig(bad, dir); err == nil {
		t.Fatalf("a virtualenv for an image that is not runnable was accepted")
	}
	c, err := LoadConfig("../../config/process-runtime.yaml", "../..")
	if err != nil {
		t.Fatal(err)
	}
	const mlflow = "ghcr.io/mlflow/mlflow:v3.17.2"
	if !c.Runnable(mlflow) || c.Virtualenvs[mlflow] != "config/mlflow-requirements.txt" {
		t.Fatalf("the MLflow image runs from its own virtualenv: runnable=%v virtualenvs=%v", c.Runnable(mlflow), c.Virtualenvs)
	}
}
