package podproc

import (
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// Mount maps a path inside the container to a folder on this machine. Without a mount namespace per
// container, the runtime translates paths instead: command, args, working directory and environment values
// that name a mounted path are rewritten to the folder behind it.
type Mount struct {
	ContainerPath string
	HostPath      string
}

// EnvVar is one resolved environment variable, in the order the container declares it.
type EnvVar struct{ Name, Value string }

// Process is what to exec for one container.
type Process struct {
	Path     string   // executable on this machine
	Args     []string // argv, Args[0] as given
	Env      []string // KEY=VALUE
	Dir      string   // working directory on this machine
	Notebook bool     // a Jupyter server (docker-stacks entrypoint or `jupyter lab|server`)
}

// Inputs is everything Build needs besides the container.
type Inputs struct {
	PodName string
	PodIP   string
	Env     []EnvVar // resolved pod env (envFrom, then env, with $(VAR) expanded)
	Mounts  []Mount  // volume mounts, image files and the image user's home
	Home    string   // host folder standing for the image user's home
	BinDirs []string // searched first for commands (the runtime virtualenv's bin)
	Default []string // the image's CMD
}

// Build maps a container to a process. It is a pure function of its inputs (and of which files exist,
// for command lookup).
func Build(c *corev1.Container, in Inputs) (*Process, error) {
	envMap := map[string]string{}
	for _, e := range in.Env {
		envMap[e.Name] = e.Value
	}
	expand := func(s string) string { return ExpandVars(s, envMap) }

	argv := make([]string, 0, len(c.Command)+len(c.Args))
	for _, s := range c.Command {
		argv = append(argv, expand(s))
	}
	for _, s := range c.Args {
		argv = append(argv, expand(s))
	}
	if len(argv) == 0 {
		argv = append(argv, in.Default...)
	}
	argv = stripEntrypointWrappers(argv)
	if len(argv) == 0 {
		return nil, errNoCommand
	}

	notebook := false
	switch base := path.Base(argv[0]); {
	case base == "start-notebook.py" || base == "start-notebook.sh" || base == "start-singleuser.py" || base == "start-singleuser.sh":
		// docker-stacks' start script runs `jupyter lab` with its own arguments passed through
		argv = append([]string{"jupyter", "lab"}, argv[1:]...)
		notebook = true
	case base == "jupyter" && len(argv) > 1 && slices.Contains([]string{"lab", "server", "notebook", "labhub"}, argv[1]):
		notebook = true
	case base == "jupyter-lab" || base == "jupyter-server":
		notebook = true
	}
	if notebook {
		argv = jupyterOptions(argv, in.PodIP)
	}

	mounts := sortedMounts(in.Mounts)
	for i := 1; i < len(argv); i++ {
		argv[i] = translateArg(argv[i], mounts)
	}

	env := []string{
		"PATH=" + strings.Join(append(append([]string{}, in.BinDirs...), "/usr/local/bin", "/usr/bin", "/bin"), ":"),
		"HOME=" + in.Home,
		"HOSTNAME=" + in.PodName,
		"LANG=C.UTF-8",
	}
	for _, e := range in.Env {
		if e.Name == "PATH" || e.Name == "HOME" {
			continue // the image's PATH and HOME do not exist here; ours stand for them
		}
		env = append(env, e.Name+"="+translatePath(e.Value, mounts))
	}

	exe, err := lookPath(argv[0], mounts, in.BinDirs)
	if err != nil {
		return nil, err
	}
	dir := in.Home
	if c.WorkingDir != "" {
		if d := translatePath(c.WorkingDir, mounts); d != c.WorkingDir {
			dir = d
		}
	}
	return &Process{Path: exe, Args: argv, Env: env, Dir: dir, Notebook: notebook}, nil
}

// stripEntrypointWrappers drops the docker-stacks ENTRYPOINT (tini -g -- start.sh) when a container names it
// explicitly: the runtime is the init here.
func stripEntrypointWrappers(argv []string) []string {
	if len(argv) > 0 && path.Base(argv[0]) == "tini" {
		argv = argv[1:]
		for len(argv) > 0 && strings.HasPrefix(argv[0], "-") {
			done := argv[0] == "--"
			argv = argv[1:]
			if done {
				break
			}
		}
	}
	if len(argv) > 1 && path.Base(argv[0]) == "start.sh" {
		argv = argv[1:]
	}
	return argv
}

// jupyterOptions makes a Jupyter server listen on the pod's IP, as the docker-stacks images' configuration
// makes it listen on all of the container's addresses (port 8888, no browser, remote access allowed).
func jupyterOptions(argv []string, podIP string) []string {
	out := make([]string, 0, len(argv)+4)
	hasPort := false
	for i := 0; i < len(argv); i++ {
		a := argv[i]
		if a == "--ip" || a == "--ServerApp.ip" {
			i++ // its value follows
			continue
		}
		if strings.HasPrefix(a, "--ip=") || strings.HasPrefix(a, "--ServerApp.ip=") {
			continue
		}
		if a == "--port" || a == "--ServerApp.port" || strings.HasPrefix(a, "--port=") || strings.HasPrefix(a, "--ServerApp.port=") {
			hasPort = true
		}
		out = append(out, a)
	}
	out = append(out, "--ServerApp.ip="+podIP, "--ServerApp.open_browser=False", "--ServerApp.allow_remote_access=True")
	if !hasPort {
		out = append(out, "--ServerApp.port=8888")
	}
	return out
}

func sortedMounts(ms []Mount) []Mount {
	out := append([]Mount(nil), ms...)
	// longest container path first: /home/jovyan/work wins over /home/jovyan
	sort.SliceStable(out, func(i, j int) bool { return len(out[i].ContainerPath) > len(out[j].ContainerPath) })
	return out
}

// translatePath maps a container path (or a path under one) to the host folder behind its mount; anything
// else is returned unchanged.
func translatePath(p string, mounts []Mount) string {
	if !strings.HasPrefix(p, "/") {
		return p
	}
	for _, m := range mounts {
		cp := strings.TrimRight(m.ContainerPath, "/")
		if p == cp {
			return m.HostPath
		}
		if strings.HasPrefix(p, cp+"/") {
			return filepath.Join(m.HostPath, p[len(cp)+1:])
		}
	}
	return p
}

// translateArg translates a path argument, or the value of --option=/path.
func translateArg(a string, mounts []Mount) string {
	if strings.HasPrefix(a, "-") {
		if i := strings.Index(a, "="); i > 0 {
			return a[:i+1] + translatePath(a[i+1:], mounts)
		}
		return a
	}
	return translatePath(a, mounts)
}

// lookPath finds the executable: a path is translated (and, when the image's path does not exist here, looked
// up by its name, e.g. /opt/conda/bin/python); a name is searched in binDirs, then the system's PATH.
func lookPath(cmd string, mounts []Mount, binDirs []string) (string, error) {
	if strings.Contains(cmd, "/") {
		if p := translatePath(cmd, mounts); isExecutable(p) {
			return p, nil
		}
		cmd = path.Base(cmd)
	}
	for _, d := range append(append([]string{}, binDirs...), "/usr/local/bin", "/usr/bin", "/bin") {
		if p := filepath.Join(d, cmd); isExecutable(p) {
			return p, nil
		}
	}
	return "", &notFoundError{cmd}
}

func isExecutable(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir() && st.Mode()&0o111 != 0
}

// ExpandVars expands $(VAR) references as the kubelet does: a defined variable is replaced, an undefined
// reference stays as written, and $$ escapes a dollar.
func ExpandVars(s string, env map[string]string) string {
	if !strings.Contains(s, "$") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 >= len(s) {
			b.WriteByte(s[i])
			continue
		}
		switch s[i+1] {
		case '$':
			b.WriteByte('$')
			i++
		case '(':
			end := strings.IndexByte(s[i+2:], ')')
			if end < 0 {
				b.WriteString(s[i:])
				return b.String()
			}
			name := s[i+2 : i+2+end]
			if v, ok := env[name]; ok {
				b.WriteString(v)
			} else {
				b.WriteString(s[i : i+3+end])
			}
			i += 2 + end
		default:
			b.WriteByte('$')
		}
	}
	return b.String()
}
