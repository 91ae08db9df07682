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

// procCPU is one process as /proc/<pid>/stat shows it: its parent, the CPU time it has used and its resident memory.
type procCPU struct {
	ppid     int
	ticks    uint64 // utime + stime
	rssPages uint64
}

// pageSize is the unit of rss in /proc/<pid>/stat.
var pageSize = uint64(os.Getpagesize())

// readProcCPU reads the parent, the user+system CPU ticks and the resident pages of one process.
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
	if len(f) < 22 {
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
	rss, _ := strconv.ParseUint(f[21], 10, 64) // field 24; a negative value (kernel threads) reads as 0
	return procCPU{ppid: ppid, ticks: utime + stime, rssPages: rss}, nil
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
	ticks, _ := t.tree(root)
	return ticks
}

// tree is the CPU ticks and resident pages of a process and all its descendants that are still alive.
func (t processTable) tree(root int) (ticks, rssPages uint64) {
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
		ticks += p.ticks
		rssPages += p.rssPages
		stack = append(stack, t.children[pid]...)
	}
	return ticks, rssPages
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

// ContainerUsage is what one running container of a pod uses now, as the kubelet's resource metrics report it.
type ContainerUsage struct {
	Namespace, Pod, Container string
	UID                       types.UID
	Started                   time.Time
	CPU                       time.Duration // user + system CPU time of its process tree so far
	WorkingSetBytes           uint64        // resident memory of its process tree (what the kubelet's working set approximates)
}

// Usage is the CPU time and memory of every running container of the runtime's pods (see CPUTimes for which
// processes count).
func (r *Runtime) Usage() []ContainerUsage {
	type leader struct {
		u   ContainerUsage
		pid int
	}
	var leaders []leader
	for _, ps := range r.snapshot() {
		ps.mu.Lock()
		for name, cs := range ps.containers {
			if cs.run != nil {
				leaders = append(leaders, leader{pid: cs.run.Pid(), u: ContainerUsage{
					Namespace: ps.namespace, Pod: ps.name, Container: name, UID: ps.uid, Started: cs.run.Started}})
			}
		}
		ps.mu.Unlock()
	}
	if len(leaders) == 0 {
		return nil
	}
	table := readProcessTable()
	out := make([]ContainerUsage, 0, len(leaders))
	for _, l := range leaders {
		ticks, pages := table.tree(l.pid)
		l.u.CPU = time.Duration(ticks) * time.Second / clockTicks
		l.u.WorkingSetBytes = pages * pageSize
		out = append(out, l.u)
	}
	return out
}
