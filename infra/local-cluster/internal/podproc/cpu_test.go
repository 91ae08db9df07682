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

// The working set of a container is the resident memory of its whole process tree: a child's 64 MiB count.
func TestTreeMemoryCountsDescendants(t *testing.T) {
	cmd := exec.Command("sh", "-c", `python3 -c 'b = bytearray(64 << 20); import time; time.sleep(30)' & wait`)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
	}()
	deadline := time.Now().Add(30 * time.Second)
	for {
		table := readProcessTable()
		_, pages := table.tree(cmd.Process.Pid)
		if pages*pageSize >= 64<<20 {
			if own := table.procs[cmd.Process.Pid].rssPages * pageSize; own >= 64<<20 {
				t.Fatalf("the shell itself holds %d bytes: the test cannot tell the child's memory apart", own)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("tree resident memory %d bytes, want at least 64 MiB", pages*pageSize)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
