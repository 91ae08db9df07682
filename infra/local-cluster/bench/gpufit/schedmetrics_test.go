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
	before := schedTotals{attempts: 100, attemptSecs: 1, scores: 100, scoreSecs: 0.1}
	after := schedTotals{attempts: 400, attemptSecs: 2.5, scores: 400, scoreSecs: 0.475}
	if attemptMs, scoreMs := after.since(before); attemptMs != 5 || scoreMs != 1.25 {
		t.Fatalf("got %v ms per attempt, %v ms per Score; want 5 and 1.25", attemptMs, scoreMs)
	}
}
