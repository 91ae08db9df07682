// Package podproc is the node agent's process runtime: pods whose image is in a configured runnable set run
// as real processes on this machine, as a kubelet would run their containers: environment from the pod spec,
// volumes materialised as folders, stdout/stderr in the pod's CRI log file, probes really probed, exit codes
// in the container status, SIGTERM then SIGKILL on deletion. See DESIGN.md beside this file.
package podproc

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"sigs.k8s.io/yaml"
)

// Config is config/process-runtime.yaml: which images run for real and what they "contain".
type Config struct {
	// Images whose pods run as processes. Any other image stays simulated.
	Images []string `json:"images"`
	// Home is the image user's home (docker-stacks: /home/jovyan); it maps to a per-pod folder.
	Home string `json:"home"`
	// Files maps a folder inside the image to a folder of this repository (e.g. /opt/examples: examples),
	// copied at start to where the process's user can read it.
	Files map[string]string `json:"files"`
	// DefaultArgs is the image's CMD, used when a container gives neither command nor args.
	DefaultArgs []string `json:"defaultArgs"`
	// Virtualenvs gives an image a virtualenv of its own instead of the notebooks' one: image -> requirements
	// file of this repository. cluster.sh makes each once (cached outside the repo) and names it to the agent
	// (--image-venvs); the image's commands are looked up in its bin first.
	Virtualenvs map[string]string `json:"virtualenvs"`
}

// LoadConfig reads the runtime configuration; relative Files folders are resolved against base.
func LoadConfig(path, base string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var c Config
	if err := yaml.UnmarshalStrict(data, &c); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if c.Home == "" {
		c.Home = "/home/jovyan"
	}
	for k, v := range c.Files {
		if !filepath.IsAbs(k) {
			return nil, fmt.Errorf("%s: files: %q is not an absolute path inside the image", path, k)
		}
		if !filepath.IsAbs(v) {
			c.Files[k] = filepath.Join(base, v)
		}
	}
	for image := range c.Virtualenvs {
		if !c.Runnable(image) {
			return nil, fmt.Errorf("%s: virtualenvs: %q is not one of the images", path, image)
		}
	}
	return &c, nil
}

// Runnable reports whether an image runs as a process.
func (c *Config) Runnable(image string) bool {
	for _, i := range c.Images {
		if i == image {
			return true
		}
	}
	return false
}

// SortedImages is the runnable set in a stable order (for the KWOK stage selectors).
func (c *Config) SortedImages() []string {
	out := append([]string(nil), c.Images...)
	sort.Strings(out)
	return out
}

// AddImages extends the runnable set with a comma-separated list (CLUSTER_RUNNABLE_IMAGES).
func (c *Config) AddImages(list string) {
	for _, i := range strings.Split(list, ",") {
		if i = strings.TrimSpace(i); i != "" && !c.Runnable(i) {
			c.Images = append(c.Images, i)
		}
	}
}
