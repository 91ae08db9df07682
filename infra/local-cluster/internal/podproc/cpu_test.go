package podproc

import (
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// A kernel runs in a session of its own below JupyterLab: its CPU counts for the pod all the same.
func TestTreeCPUCountsDescendantsInOtherSessions(t *testing.T) {
	cmd := exec.Command("sh", "-c", `setsid sh -c 'while :; do :; done' & wait`)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		table := readProcessTable()
		for _, child := range table.children[cmd.Process.Pid] {
			_ = syscall.Kill(child, syscall.SIGKILL)
		}
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
	}()
	deadline := time.Now().Add(30 * time.Second)
	for {
		table := readProcessTable()
		own := table.procs[cmd.Process.Pid].ticks
		tree := table.treeTicks(cmd.Process.Pid)
		children := table.children[cmd.Process.Pid]
		if len(children) == 1 && tree >= own+20 { // the busy child has used 0.2 s of CPU, all of it counted
			if group, _, _, _ := procStat(children[0]); group == cmd.Process.Pid {
				t.Fatal("the child was meant to run in a session of its own")
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("tree CPU %d ticks, own %d, children %v", tree, own, children)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
