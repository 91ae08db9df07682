package podproc

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// The kubelet's log layout under <state>/var/log, shared by simulated and real containers:
//
//	pods/<namespace>_<pod>_<uid>/<container>/<restart>.log               the file the runtime writes
//	containers/<pod>_<namespace>_<container>-<container id>.log         the kubelet's symlink to it

// PodLogDir is the pod's log folder.
func PodLogDir(state string, pod *corev1.Pod) string {
	return filepath.Join(state, "var", "log", "pods", fmt.Sprintf("%s_%s_%s", pod.Namespace, pod.Name, pod.UID))
}

// ContainerLogFile is one run of a container.
func ContainerLogFile(state string, pod *corev1.Pod, container string, restart int32) string {
	return filepath.Join(PodLogDir(state, pod), container, fmt.Sprintf("%d.log", restart))
}

// LinkContainerLog creates the kubelet's symlink for a run (replacing one of the same name) and returns it.
func LinkContainerLog(state string, pod *corev1.Pod, container, containerID, file string) (string, error) {
	id := containerID
	if i := strings.Index(id, "://"); i >= 0 {
		id = id[i+3:]
	}
	dir := filepath.Join(state, "var", "log", "containers")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	link := filepath.Join(dir, fmt.Sprintf("%s_%s_%s-%s.log", pod.Name, pod.Namespace, container, id))
	_ = os.Remove(link)
	return link, os.Symlink(file, link)
}
