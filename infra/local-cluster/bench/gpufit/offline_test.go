package main

import (
	"os"
	"testing"
	"time"
)

func ruleNamed(t *testing.T, name string) rule {
	t.Helper()
	for _, r := range simRules() {
		if r.name == name {
			return r
		}
	}
	t.Fatalf("no rule %s", name)
	return rule{}
}

// Two 4-GPU jobs, then an 8-GPU job, on two empty nodes: the packing rules put both 4-GPU jobs on one node, so the
// 8-GPU job starts at once; the stock rule spreads them (one per node) and the 8-GPU job waits until the first ends.
// The replay drives gpu-fit's own Filter, Score and NormalizeScore, so this fails if they stop packing.
func TestReplayPackingRulesKeepAWholeNodeForTheEightGPUJob(t *testing.T) {
	trace := []job{
		{name: "a-g4", at: 0, gpus: 4, duration: 30 * time.Second},
		{name: "b-g4", at: time.Second, gpus: 4, duration: 20 * time.Second},
		{name: "c-g8", at: 2 * time.Second, gpus: 8, duration: 10 * time.Second},
	}
	cases := []struct {
		rule          string
		wait8, finish float64
	}{
		// b ends at 21 s on the node it shares with nobody; c starts then and ends at 31 s
		{rule: "upstream-default", wait8: 19, finish: 31},
		{rule: "default-scheduler", wait8: 0, finish: 30},
		{rule: "gpu-fit", wait8: 0, finish: 30},
	}
	for _, tc := range cases {
		t.Run(tc.rule, func(t *testing.T) {
			for seed := int64(1); seed <= 5; seed++ { // ties are broken at random: every seed must agree
				res := replay(trace, 2, ruleNamed(t, tc.rule), seed)
				if res.wait8 != tc.wait8 || res.makespan != tc.finish {
					t.Fatalf("seed %d: 8-GPU wait %.0f s, finished by %.0f s; want %.0f s and %.0f s", seed, res.wait8, res.makespan, tc.wait8, tc.finish)
				}
				if res.acrossDomains != 0 || res.upTo4 != 2 {
					t.Fatalf("seed %d: %d of %d pods of up to 4 GPUs across domains, want 0 of 2", seed, res.acrossDomains, res.upTo4)
				}
			}
		})
	}
}

// Node X holds one 4-GPU job until 30 s, node Y four 1-GPU jobs until after 60 s, both 4 GPUs free; then a 1-GPU
// job (until 36 s) and an 8-GPU job arrive. Fragmentation, domain and free GPUs cannot tell X from Y. gpu-fit puts
// the 1-GPU job on Y, which waits for four jobs anyway, so X is whole at 30 s and the 8-GPU job waits 23 s; on X it
// would have waited until 36 s (29 s). MostAllocated and gpu-fit's previous Score leave it to the tie-break.
func TestReplayGpuFitKeepsTheNodeNearestWholeForTheEightGPUJob(t *testing.T) {
	trace := []job{
		{name: "c-g4", at: 0, gpus: 4, duration: 30 * time.Second},
		{name: "d-g4", at: 500 * time.Millisecond, gpus: 4, duration: 4500 * time.Millisecond},
	}
	for i := 1; i <= 4; i++ {
		trace = append(trace, job{name: "b-g1", at: time.Duration(i) * time.Second, gpus: 1, duration: 60 * time.Second})
	}
	trace = append(trace,
		job{name: "e-g1", at: 6 * time.Second, gpus: 1, duration: 30 * time.Second},
		job{name: "f-g8", at: 7 * time.Second, gpus: 8, duration: 10 * time.Second})
	for _, name := range []string{"gpu-fit", "default-scheduler", "gpu-fit-v1"} {
		waits := map[float64]int{}
		for seed := int64(1); seed <= 10; seed++ {
			waits[replay(trace, 2, ruleNamed(t, name), seed).wait8]++
		}
		t.Logf("%s: 8-GPU wait (s) -> tie seeds: %v", name, waits)
		if name == "gpu-fit" && (len(waits) != 1 || waits[23] != 10) {
			t.Errorf("gpu-fit: 8-GPU waits %v over 10 tie seeds, want 23 s on every one", waits)
		}
		if name != "gpu-fit" && waits[29] == 0 {
			t.Errorf("%s: 8-GPU waits %v: the trace never puts the 1-GPU job on X, so it proves nothing", name, waits)
		}
	}
}

// One node: a 4-GPU job until 20 s, an 8-GPU job from 1 s, and from 3 s a 1-GPU job every 2 s, each for 30 s. Without
// a hold every GPU freed goes to a 1-GPU job and the 8-GPU job waits until the stream has drained; gpu-fit nominates
// the node to it, the 1-GPU jobs stop landing there, and it starts when the 4-GPU job ends. Both queue orders.
func TestReplayGpuFitHoldsANodeForTheWaitingEightGPUJob(t *testing.T) {
	trace := []job{
		{name: "a-g4", at: 0, gpus: 4, duration: 20 * time.Second},
		{name: "b-g8", at: time.Second, gpus: 8, duration: 10 * time.Second},
	}
	for at := 3; at <= 41; at += 2 {
		trace = append(trace, job{name: "s-g1", at: time.Duration(at) * time.Second, gpus: 1, duration: 30 * time.Second})
	}
	defer func(was bool) { backoffOrder = was }(backoffOrder)
	for _, order := range []bool{false, true} {
		backoffOrder = order
		if got := replay(trace, 1, ruleNamed(t, "gpu-fit"), 1).wait8; got != 19 {
			t.Errorf("backoff order %v: gpu-fit's 8-GPU job waited %.0f s, want 19 (from 1 s until the 4-GPU job ends)", order, got)
		}
		for _, name := range []string{"gpu-fit-no-hold", "default-scheduler"} {
			if got := replay(trace, 1, ruleNamed(t, name), 1).wait8; got < 40 {
				t.Errorf("backoff order %v: %s's 8-GPU job waited %.0f s: the trace does not starve it, so it proves nothing", order, name, got)
			}
		}
	}
}

// Four 1-GPU jobs on one node of two 4-GPU domains, then a 4-GPU job: the device choice keeps the 1-GPU jobs in one
// domain under every rule, so the 4-GPU job gets the other whole domain.
func TestReplayKeepsSmallJobsInOneDomain(t *testing.T) {
	var trace []job
	for i := 0; i < 4; i++ {
		trace = append(trace, job{name: "s", at: time.Duration(i) * time.Second, gpus: 1, duration: time.Minute})
	}
	trace = append(trace, job{name: "big", at: 5 * time.Second, gpus: 4, duration: time.Minute})
	for _, r := range simRules() {
		res := replay(trace, 1, r, 1)
		if res.acrossDomains != 0 || res.waitAll != 0 {
			t.Errorf("%s: %d pods across domains, average wait %.1f s; want 0 and 0", r.name, res.acrossDomains, res.waitAll)
		}
	}
}

// The benchmark's own trace: every rule binds and finishes every job, and no rule holds more GPUs than exist
// (replay panics on a double assignment).
func TestReplayOfTheBenchmarkTraceFinishesEveryJob(t *testing.T) {
	o := options{jobs: 1000, nodes: 64, seed: 17, arrivalWindow: 200 * time.Second, minDuration: 10 * time.Second, maxDuration: time.Minute}
	trace := makeTrace(o)
	last := 0.0
	for _, j := range trace {
		last = max(last, (j.at + j.duration).Seconds())
	}
	for _, r := range simRules() {
		res := replay(trace, o.nodes, r, 1)
		if res.makespan < last || res.gpuBusy <= 0 || res.gpuBusy > 1 {
			t.Errorf("%s: finished by %.0f s (last arrival + duration %.0f s), GPUs busy %.2f", r.name, res.makespan, last, res.gpuBusy)
		}
		if res.upTo4 != 843 {
			t.Errorf("%s: %d pods of up to 4 GPUs bound, want all 843", r.name, res.upTo4)
		}
	}
}

// A live run's record reads back as a trace: the live arrivals in order, each job running as long as it ran live,
// jobs that never ended left out.
func TestLiveRecordReadsBackAsTrace(t *testing.T) {
	start := time.Now()
	r := &run{o: options{record: t.TempDir() + "/run"}, profile: "gpu-fit",
		created: map[string]time.Time{"a": start.Add(2 * time.Second), "b": start.Add(time.Second), "c": start},
		bound:   map[string]time.Time{"a": start.Add(3 * time.Second), "b": start.Add(4 * time.Second), "c": start},
		ended:   map[string]time.Time{"a": start.Add(13 * time.Second), "b": start.Add(34 * time.Second)},
		node:    map[string]string{"a": "n1", "b": "n2", "c": "n3"}}
	trace := []job{{name: "a", gpus: 8}, {name: "b", gpus: 1}, {name: "c", gpus: 2}}
	if err := r.writeRecord(trace, start); err != nil {
		t.Fatal(err)
	}
	got, err := liveTrace(r.o.record + ".gpu-fit.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].name != "b" || got[1].name != "a" {
		t.Fatalf("want b then a (arrival order, c never ended), got %+v", got)
	}
	if got[0].duration != 30*time.Second || got[1].duration != 10*time.Second || got[1].gpus != 8 {
		t.Fatalf("durations are the live running times: %+v", got)
	}
	if got[0].at != time.Second {
		t.Fatalf("arrival offsets kept: %+v", got[0])
	}
}

// A record's own figures: one node, a 1-GPU job bound at once and an 8-GPU job that waits 10 s for it to end.
func TestRecordedFiguresMeasureTheLivePlacement(t *testing.T) {
	path := t.TempDir() + "/r.csv"
	content := "job,gpus,arrived_s,bound_s,ended_s,node\n" +
		"a,1,0,0,10,n0\n" +
		"b,8,0,10,20,n0\n"
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := recordedFigures(path, 1)
	if err != nil {
		t.Fatal(err)
	}
	// 0-10 s: 7 free GPUs stranded (b needs 8); 10-20 s: nothing waits, nothing whole
	if res.strandedAvg != 3.5 || res.strandedWhileWaiting != 7 || res.wholeFreeAvg != 0 {
		t.Fatalf("stranded 7 for half the time, no whole node: %+v", res)
	}
	if res.wait8 != 10 || res.waitAll != 5 {
		t.Fatalf("b waited 10 s, a none: %+v", res)
	}
}

// kube-scheduler's queue order lets a newcomer try before a job still in its backoff: an 8-GPU job that failed
// again half a second before a node frees loses the node to a 1-GPU job arriving that instant, and waits for that
// job to end; oldest first, it gets the node at once.
func TestBackoffOrderLetsANewcomerTakeTheFreedNodeFirst(t *testing.T) {
	trace := []job{
		{name: "a", at: 0, gpus: 2, duration: 10 * time.Second},
		{name: "big", at: time.Second, gpus: 8, duration: 10 * time.Second},
		{name: "d", at: 9500 * time.Millisecond, gpus: 1, duration: 500 * time.Millisecond}, // retries big at 9.5 s
		{name: "c", at: 10 * time.Second, gpus: 1, duration: 5 * time.Second},
	}
	r := ruleNamed(t, "default-scheduler")
	defer func(was bool) { backoffOrder = was }(backoffOrder)
	for _, tc := range []struct {
		backoff bool
		wait8   float64
	}{{false, 9}, {true, 14}} {
		backoffOrder = tc.backoff
		if got := replay(trace, 1, r, 1).wait8; got != tc.wait8 {
			t.Errorf("backoff order %v: the 8-GPU job waited %.1f s, want %.1f", tc.backoff, got, tc.wait8)
		}
	}
}
