package podproc

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

var criLine = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z (stdout|stderr) [FP] `)

func startSh(t *testing.T, script string) (*Running, string) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "c", "0.log")
	log, err := OpenCRILog(file)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(log.Close)
	r, err := Start(&Process{Path: "/bin/sh", Args: []string{"sh", "-c", script}, Env: []string{"PATH=/usr/bin:/bin"}, Dir: t.TempDir()}, log, nil)
	if err != nil {
		t.Fatal(err)
	}
	return r, file
}

func waitDone(t *testing.T, r *Running) {
	t.Helper()
	select {
	case <-r.Done():
	case <-time.After(20 * time.Second):
		t.Fatal("process did not end")
	}
}

func TestOutputGoesToTheCRILogAndTheExitCodeIsKept(t *testing.T) {
	r, file := startSh(t, "echo hello; echo oops >&2; printf 'no newline'; exit 3")
	waitDone(t, r)
	if code, reason := r.Exit(); code != 3 || reason != "Error" {
		t.Fatalf("exit %d %s", code, reason)
	}
	b, _ := os.ReadFile(file)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 3 {
		t.Fatalf("lines %q", lines)
	}
	for _, l := range lines {
		if !criLine.MatchString(l) {
			t.Errorf("not a CRI line: %q", l)
		}
	}
	joined := string(b)
	for _, want := range []string{"stdout F hello", "stderr F oops", "stdout F no newline"} {
		if !strings.Contains(joined, want) {
			t.Errorf("log lacks %q:\n%s", want, joined)
		}
	}
}

func TestLongLinesAreSplitIntoPartialRecords(t *testing.T) {
	r, file := startSh(t, "head -c 40000 /dev/zero | tr '\\0' x; echo")
	waitDone(t, r)
	b, _ := os.ReadFile(file)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 3 || !strings.Contains(lines[0], " stdout P ") || !strings.Contains(lines[2], " stdout F ") {
		t.Fatalf("%d lines: %.80q ...", len(lines), lines)
	}
}

func TestStopSendsSIGTERMThenSIGKILLToTheWholeGroup(t *testing.T) {
	// the leader ignores SIGTERM and has a child: both must be gone after Stop
	r, _ := startSh(t, "trap '' TERM; sleep 300 & echo $! > child; wait")
	dir := r.cmd.Dir
	var child int
	deadline := time.Now().Add(10 * time.Second)
	for child == 0 && time.Now().Before(deadline) {
		if b, err := os.ReadFile(filepath.Join(dir, "child")); err == nil && len(b) > 1 {
			_, _ = fmtSscan(strings.TrimSpace(string(b)), &child)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if child == 0 {
		t.Fatal("child did not start")
	}
	start := time.Now()
	r.Stop(500 * time.Millisecond)
	if time.Since(start) < 400*time.Millisecond {
		t.Fatal("the grace period was not given")
	}
	if code, _ := r.Exit(); code != 137 {
		t.Fatalf("exit %d, want 137 (SIGKILL)", code)
	}
	time.Sleep(100 * time.Millisecond)
	if syscall.Kill(child, 0) == nil {
		if st, err := os.ReadFile("/proc/" + itoa(child) + "/stat"); err == nil && !strings.Contains(string(st), ") Z ") {
			t.Fatalf("child %d survived", child)
		}
	}
}

func TestKillRecordedGroupEndsWhatAnEarlierAgentLeft(t *testing.T) {
	r, _ := startSh(t, "sleep 300")
	record := r.Record()
	if n := KillRecordedGroup(record); n < 1 {
		t.Fatalf("killed %d", n)
	}
	waitDone(t, r)
	if KillRecordedGroup(record) != 0 {
		t.Fatal("nothing is left to kill")
	}
	if KillRecordedGroup("1 0") != 0 || KillRecordedGroup("garbage") != 0 {
		t.Fatal("init and garbage records are ignored")
	}
}
