package podproc

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/types"
)

// clockTicks is USER_HZ, the unit of utime and stime in /proc/<pid>/stat: 100 on every Linux architecture Go
// supports (the kernel fixes it for user space whatever its internal HZ).
const clockTicks = 100

// procCPU is one process as /proc/<pid>/stat shows it: its parent and the CPU time it has used.
type procCPU struct {
	ppid  int
	ticks uint64 // utime + stime
}

// readProcCPU reads the parent and the user+system CPU ticks of one process.
func readProcCPU(pid int) (procCPU, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return procCPU{}, err
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')') // the command name may contain spaces and parentheses
	if i < 0 {
		return procCPU{}, errors.New("malformed stat")
	}
	f := strings.Fields(s[i+1:]) // f[0] is field 3 (state), so field n is f[n-3]
	if len(f) < 13 {
		return procCPU{}, errors.New("malformed stat")
	}
	ppid, err := strconv.Atoi(f[1])
	if err != nil {
		return procCPU{}, err
	}
	utime, err1 := strconv.ParseUint(f[11], 10, 64)
	stime, err2 := strconv.ParseUint(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return procCPU{}, errors.New("malformed stat")
	}
	return procCPU{ppid: ppid, ticks: utime + stime}, nil
}

// processTable is every process of the machine, read once: its CPU time and its children.
type processTable struct {
	procs    map[int]procCPU
	children map[int][]int
}

func readProcessTable() processTable {
	t := processTable{procs: map[int]procCPU{}, children: map[int][]int{}}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		p, err := readProcCPU(pid)
		if err != nil {
			continue // exited while we read
		}
		t.procs[pid] = p
		t.children[p.ppid] = append(t.children[p.ppid], pid)
	}
	return t
}

// treeTicks is the CPU time of a process and all its descendants that are still alive.
func (t processTable) treeTicks(root int) uint64 {
	var sum uint64
	stack := []int{root}
	seen := map[int]bool{}
	for len(stack) > 0 {
		pid := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[pid] {
			continue
		}
		seen[pid] = true
		p, ok := t.procs[pid]
		if !ok {
			continue
		}
		sum += p.ticks
		stack = append(stack, t.children[pid]...)
	}
	return sum
}

// CPUTimes is the CPU time (user + system) used so far by each pod the runtime runs: every running
// container's process and all its descendants. Descendants, not the process group: JupyterLab starts each
// kernel in a session of its own, and the kernel is where a notebook's work happens. Processes that have
// exited no longer count, so the sum may go down; callers take rates over short intervals and ignore drops.
func (r *Runtime) CPUTimes() map[types.UID]time.Duration {
	leaders := map[types.UID][]int{}
	for _, ps := range r.snapshot() {
		ps.mu.Lock()
		for _, cs := range ps.containers {
			if cs.run != nil {
				leaders[ps.uid] = append(leaders[ps.uid], cs.run.Pid())
			}
		}
		ps.mu.Unlock()
	}
	out := make(map[types.UID]time.Duration, len(leaders))
	if len(leaders) == 0 {
		return out
	}
	table := readProcessTable()
	for uid, pids := range leaders {
		var ticks uint64
		for _, pid := range pids {
			ticks += table.treeTicks(pid)
		}
		out[uid] = time.Duration(ticks) * time.Second / clockTicks
	}
	return out
}
