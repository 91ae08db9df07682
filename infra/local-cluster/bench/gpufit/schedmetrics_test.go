package main

import "testing"

// The burst's scheduler figures come from two readings of kube-scheduler's text exposition: the lines of the
// profile asked for, per bound pod.
func TestSchedulerTotalsPerBoundPod(t *testing.T) {
	name, labels, v, ok := promSample(`scheduler_framework_extension_point_duration_seconds_sum{extension_point="Score",profile="gpu-fit",status="Success"} 0.25`)
	if !ok || name != "scheduler_framework_extension_point_duration_seconds_sum" || labels["profile"] != "gpu-fit" ||
		labels["extension_point"] != "Score" || v != 0.25 {
		t.Fatalf("%q %v %v %v", name, labels, v, ok)
	}
	if _, _, _, ok := promSample("# HELP scheduler_x a help line"); ok {
		t.Fatal("a comment is no sample")
	}
	before := schedTotals{attempts: 100, attemptSecs: 1, pointSecs: map[string]float64{"Score": 0.1, "Bind": 0.2}}
	after := schedTotals{attempts: 400, attemptSecs: 2.5, pointSecs: map[string]float64{"Score": 0.475, "Bind": 0.5, "PreFilter": 0.03}}
	attemptMs, points := after.since(before)
	if got, want := formatPoints(points), "PreFilter=0.100 Score=1.250 Bind=1.000"; attemptMs != 5 || got != want {
		t.Fatalf("got %v ms per attempt, %s; want 5 and %s", attemptMs, got, want)
	}
}

// Bursts are compared by their median, which one burst slowed by the machine's load does not move.
func TestBurstMedianIgnoresOneSlowRun(t *testing.T) {
	if got := median([]float64{210, 90, 200, 190}); got != 195 {
		t.Fatalf("median of four: got %v, want 195", got)
	}
	if got := median([]float64{210, 20, 200}); got != 200 {
		t.Fatalf("median of three: got %v, want 200", got)
	}
}
