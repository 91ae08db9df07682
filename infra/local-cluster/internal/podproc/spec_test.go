package podproc

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
)

// fakeBin makes an executable named name in a temporary bin folder (a stand-in for the virtualenv's bin).
func fakeBin(t *testing.T, names ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, n := range names {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func notebookInputs(t *testing.T, bin string) Inputs {
	return Inputs{
		PodName: "nb-0", PodIP: "127.77.1.2",
		Env:     []EnvVar{{"JUPYTER_TOKEN", "s3cret"}, {"DATA", "/home/jovyan/work/data"}, {"PATH", "/opt/conda/bin"}},
		Mounts:  []Mount{{"/home/jovyan", "/rt/pods/u/home"}, {"/home/jovyan/work", "/rt/volumes/pvc-1"}, {"/opt/examples", "/rt/image/opt/examples"}},
		Home:    "/rt/pods/u/home",
		BinDirs: []string{bin},
		Default: []string{"start-notebook.py"},
	}
}

func TestDockerStacksNotebookArgsBecomeAJupyterLabOnThePodIP(t *testing.T) {
	bin := fakeBin(t, "jupyter")
	c := &corev1.Container{Args: []string{"start-notebook.py", "--ServerApp.base_url=/notebooks/team-a/nb/",
		"--IdentityProvider.token=$(JUPYTER_TOKEN)", "--ServerApp.port=8888", "--ServerApp.root_dir=/home/jovyan/work"}}
	p, err := Build(c, notebookInputs(t, bin))
	if err != nil {
		t.Fatal(err)
	}
	if p.Path != filepath.Join(bin, "jupyter") || !p.Notebook {
		t.Fatalf("path %s notebook %v", p.Path, p.Notebook)
	}
	want := []string{"jupyter", "lab", "--ServerApp.base_url=/notebooks/team-a/nb/", "--IdentityProvider.token=s3cret",
		"--ServerApp.port=8888", "--ServerApp.root_dir=/rt/volumes/pvc-1",
		"--ServerApp.ip=127.77.1.2", "--ServerApp.open_browser=False", "--ServerApp.allow_remote_access=True"}
	if !slices.Equal(p.Args, want) {
		t.Fatalf("args\n got %q\nwant %q", p.Args, want)
	}
	if p.Dir != "/rt/pods/u/home" {
		t.Fatalf("dir %s", p.Dir)
	}
	env := strings.Join(p.Env, "\n")
	for _, w := range []string{"HOME=/rt/pods/u/home", "JUPYTER_TOKEN=s3cret", "DATA=/rt/volumes/pvc-1/data", "HOSTNAME=nb-0", "PATH=" + bin + ":"} {
		if !strings.Contains(env, w) {
			t.Errorf("env lacks %q:\n%s", w, env)
		}
	}
	if strings.Contains(env, "/opt/conda/bin") {
		t.Error("the image's PATH must not replace the runtime's")
	}
}

func TestPlainJupyterLabCommandGetsPortAndIPButKeepsItsOwnPort(t *testing.T) {
	bin := fakeBin(t, "jupyter")
	c := &corev1.Container{Command: []string{"jupyter", "lab"}, Args: []string{"--ip=0.0.0.0", "--port", "9999"}}
	p, err := Build(c, notebookInputs(t, bin))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"jupyter", "lab", "--port", "9999", "--ServerApp.ip=127.77.1.2", "--ServerApp.open_browser=False", "--ServerApp.allow_remote_access=True"}
	if !slices.Equal(p.Args, want) {
		t.Fatalf("args %q", p.Args)
	}
}

func TestNoCommandRunsTheImageDefaultAndTiniWrapperIsDropped(t *testing.T) {
	bin := fakeBin(t, "jupyter")
	p, err := Build(&corev1.Container{}, notebookInputs(t, bin))
	if err != nil || !p.Notebook || p.Args[1] != "lab" {
		t.Fatalf("default: %v %v", p, err)
	}
	p, err = Build(&corev1.Container{Command: []string{"tini", "-g", "--"}, Args: []string{"start.sh", "jupyter", "lab"}}, notebookInputs(t, bin))
	if err != nil || !p.Notebook || !slices.Equal(p.Args[:2], []string{"jupyter", "lab"}) {
		t.Fatalf("tini: %v %v", p, err)
	}
}

func TestTrainingCommandUsesTheVirtualenvPythonAndImageFiles(t *testing.T) {
	bin := fakeBin(t, "python")
	c := &corev1.Container{Command: []string{"/opt/conda/bin/python", "/opt/examples/train_sklearn.py"},
		Args: []string{"--output", "/home/jovyan/work/out", "--epochs=$(EPOCHS)", "$$(literal)"}, WorkingDir: "/home/jovyan/work"}
	in := notebookInputs(t, bin)
	in.Env = append(in.Env, EnvVar{"EPOCHS", "3"})
	p, err := Build(c, in)
	if err != nil {
		t.Fatal(err)
	}
	if p.Path != filepath.Join(bin, "python") || p.Notebook {
		t.Fatalf("path %s", p.Path)
	}
	want := []string{"/opt/conda/bin/python", "/rt/image/opt/examples/train_sklearn.py", "--output", "/rt/volumes/pvc-1/out", "--epochs=3", "$(literal)"}
	if !slices.Equal(p.Args, want) {
		t.Fatalf("args\n got %q\nwant %q", p.Args, want)
	}
	if p.Dir != "/rt/volumes/pvc-1" {
		t.Fatalf("dir %s", p.Dir)
	}
}

func TestUnknownCommandIsRefused(t *testing.T) {
	_, err := Build(&corev1.Container{Command: []string{"no-such-tool-here"}}, notebookInputs(t, fakeBin(t)))
	var nf *notFoundError
	if err == nil || !errorsAs(err, &nf) {
		t.Fatalf("err = %v", err)
	}
}

func TestExpandVarsFollowsTheKubelet(t *testing.T) {
	env := map[string]string{"A": "x", "B": ""}
	for in, want := range map[string]string{
		"$(A)-$(B)-$(C)": "x--$(C)",
		"$$(A)":          "$(A)",
		"cost $5":        "cost $5",
		"$(A":            "$(A",
		"a$":             "a$",
	} {
		if got := ExpandVars(in, env); got != want {
			t.Errorf("ExpandVars(%q) = %q, want %q", in, got, want)
		}
	}
}
