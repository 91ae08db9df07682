package podproc

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// criTimeFormat is the CRI log timestamp, fixed-width nanoseconds in UTC.
const criTimeFormat = "2006-01-02T15:04:05.000000000Z07:00"

// maxLogLine is where a container runtime splits a long line into partial (P) records.
const maxLogLine = 16 * 1024

// CRILog appends a container's output to its log file in the CRI format a kubelet's runtime writes:
// "<RFC 3339 nanoseconds UTC> <stdout|stderr> <F|P> <message>".
type CRILog struct {
	mu sync.Mutex
	f  *os.File
}

// OpenCRILog opens (appends to) a container's log file.
func OpenCRILog(path string) (*CRILog, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	return &CRILog{f: f}, nil
}

// Write records one line (without its newline) of a stream; lines longer than 16 KiB become partial records.
func (l *CRILog) Write(t time.Time, stream, line string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return
	}
	ts := t.UTC().Format(criTimeFormat)
	var b strings.Builder
	for len(line) > maxLogLine {
		fmt.Fprintf(&b, "%s %s P %s\n", ts, stream, line[:maxLogLine])
		line = line[maxLogLine:]
	}
	fmt.Fprintf(&b, "%s %s F %s\n", ts, stream, line)
	_, _ = l.f.WriteString(b.String())
}

// Close closes the file.
func (l *CRILog) Close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f != nil {
		_ = l.f.Close()
		l.f = nil
	}
}

// copyLines reads a stream line by line into the log until it ends.
func copyLines(r io.Reader, log *CRILog, stream string, wg *sync.WaitGroup) {
	defer wg.Done()
	br := bufio.NewReaderSize(r, 64*1024)
	for {
		line, err := br.ReadString('\n')
		if len(line) > 0 {
			log.Write(time.Now(), stream, strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r"))
		}
		if err != nil {
			return
		}
	}
}

// Running is a started container process (the leader of its own process group).
type Running struct {
	cmd     *exec.Cmd
	Started time.Time
	done    chan struct{}
	exit    int32
	reason  string
}

// Start execs the process as owner (when set), in a process group of its own that dies with the agent
// (SIGKILL to the leader if the agent dies; Stop and the agent's start-up sweep take care of the group).
func Start(p *Process, log *CRILog, owner *Owner) (*Running, error) {
	cmd := exec.Command(p.Path, p.Args[1:]...)
	cmd.Args[0] = p.Args[0]
	cmd.Env = p.Env
	cmd.Dir = p.Dir
	cmd.Stdin = nil
	attr := &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if owner != nil {
		attr.Credential = &syscall.Credential{Uid: uint32(owner.UID), Gid: uint32(owner.GID), Groups: []uint32{}}
	}
	cmd.SysProcAttr = attr
	// plain pipes, not exec's copying: the exit is the leader's, as a container's is its init process's, even
	// when something it started still holds the output open
	outR, outW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		_ = outR.Close()
		_ = outW.Close()
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = outW, errW
	err = cmd.Start()
	_ = outW.Close()
	_ = errW.Close()
	if err != nil {
		_ = outR.Close()
		_ = errR.Close()
		return nil, err
	}
	r := &Running{cmd: cmd, Started: time.Now(), done: make(chan struct{})}
	var wg sync.WaitGroup
	wg.Add(2)
	go copyLines(outR, log, "stdout", &wg)
	go copyLines(errR, log, "stderr", &wg)
	go func() {
		err := cmd.Wait()
		r.exit, r.reason = exitStatus(err)
		// the container is over: what the leader left in its group goes with it
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		drained := make(chan struct{})
		go func() { wg.Wait(); close(drained) }()
		select {
		case <-drained: // all output is in the log before the exit is reported
		case <-time.After(2 * time.Second):
		}
		_ = outR.Close()
		_ = errR.Close()
		close(r.done)
	}()
	return r, nil
}

func exitStatus(err error) (int32, string) {
	if err == nil {
		return 0, "Completed"
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return 128 + int32(ws.Signal()), "Error"
		}
		return int32(ee.ExitCode()), "Error"
	}
	return 128, "Error"
}

// Pid is the process group leader's pid.
func (r *Running) Pid() int { return r.cmd.Process.Pid }

// Done is closed when the process has exited and its output is in the log.
func (r *Running) Done() <-chan struct{} { return r.done }

// Exit is the exit code (128+signal when killed) and the kubelet's reason (Completed or Error); valid after Done.
func (r *Running) Exit() (int32, string) { return r.exit, r.reason }

// Stop sends SIGTERM to the process group, then SIGKILL after grace, and waits for the exit.
func (r *Running) Stop(grace time.Duration) {
	pgid := r.cmd.Process.Pid
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-r.done:
	case <-time.After(grace):
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		<-r.done
	}
	// whatever the leader left behind in its group goes too
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
}

// ProcessStartTime is field 22 of /proc/<pid>/stat (clock ticks after boot): with the pid it identifies a
// process across pid reuse.
func ProcessStartTime(pid int) (uint64, error) {
	_, start, _, err := procStat(pid)
	return start, err
}

// procStat reads a process's group id, start time and whether it is a zombie from /proc/<pid>/stat.
func procStat(pid int) (pgrp int, start uint64, zombie bool, err error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, 0, false, err
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')') // the command name may contain spaces and parentheses
	if i < 0 {
		return 0, 0, false, errors.New("malformed stat")
	}
	fields := strings.Fields(s[i+1:]) // fields[0] is field 3 (state)
	if len(fields) < 20 {
		return 0, 0, false, errors.New("malformed stat")
	}
	pgrp, err = strconv.Atoi(fields[2])
	if err != nil {
		return 0, 0, false, err
	}
	start, err = strconv.ParseUint(fields[19], 10, 64)
	return pgrp, start, fields[0] == "Z", err
}

// KillRecordedGroup kills what is left of a process group recorded as "<pgid> <leader start time>": every
// process in that group that started no earlier than the leader (so a reused pid is not taken for it).
// It returns how many processes it signalled.
func KillRecordedGroup(record string) int {
	f := strings.Fields(record)
	if len(f) != 2 {
		return 0
	}
	pgid, err := strconv.Atoi(f[0])
	if err != nil || pgid <= 1 {
		return 0
	}
	since, err := strconv.ParseUint(f[1], 10, 64)
	if err != nil {
		return 0
	}
	entries, _ := os.ReadDir("/proc")
	n := 0
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if g, start, zombie, err := procStat(pid); err == nil && !zombie && g == pgid && start >= since {
			if syscall.Kill(pid, syscall.SIGKILL) == nil {
				n++
			}
		}
	}
	return n
}

// Record is how a started process group is written down for KillRecordedGroup.
func (r *Running) Record() string {
	start, _ := ProcessStartTime(r.Pid())
	return fmt.Sprintf("%d %d", r.Pid(), start)
}
