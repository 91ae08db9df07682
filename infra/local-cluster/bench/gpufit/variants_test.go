//go:build variants

package main

// The score variants that gpu-fit's DESIGN.md reports as tried and not taken, replayed on the benchmark's traces
// beside MostAllocated and gpu-fit. Not part of the suite (build tag); run:
//
//	go test -tags variants -timeout 30m -run TestVariants -v ./bench/gpufit   (VARIANT_SEEDS=17,1,2 VARIANT_RUNS=20)
//
// VARIANT_SET=domain replays the second set instead: the GPU pods in the domain(s) the pod would join as a further
// key, beside or before the node's GPU pods.
//
// Each variant scores placements of the same devices as gpu-fit (gputopo Choose) and takes the best, ties at random.
// A measurement: it prints the figures and fails only if a variant leaves a job unbound or double-books a GPU.

import (
	"fmt"
	"math"
	"math/rand"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	v1 "k8s.io/api/core/v1"

	"ai.portal/local-cluster/internal/gputopo"
)

// view is what a variant may look at: the node before and after the placement, the placement's domains, the GPU
// pods on the node (their age; remaining is the oracle's knowledge of their true remaining run time), the waiting
// jobs' sizes.
type view struct {
	before, after *gputopo.Node
	domains       int
	ages, remain  []float64
	waiting       []int
	devs          []int   // the placement's devices
	held          [][]int // the GPU pods' devices
}

type variant struct {
	name  string
	score func(v view) float64
}

func variantRule(name string, durations map[string]float64, score func(view) float64) rule {
	var now float64
	var waiting []int
	return rule{name: name, observe: func(t float64, w []int) { now, waiting = t, w },
		choose: func(nodes []*simNode, _ *v1.Pod, want int, rng *rand.Rand) (int, []int) {
			var idx []int
			var scores []int64
			var devs [][]int
			for i, n := range nodes {
				d, ok := n.topo.Choose(want)
				if !fitsByCount(n, want) || !ok {
					continue
				}
				v := view{before: n.topo, after: n.topo.Clone(), domains: n.topo.DomainsSpanned(d), waiting: waiting, devs: d}
				v.after.Take(d)
				for _, pi := range n.info.GetPods() {
					p := pi.GetPod()
					age := now - p.Status.StartTime.Sub(simEpoch).Seconds()
					v.ages = append(v.ages, age)
					v.remain = append(v.remain, durations[p.Name]-age)
					h, _ := gputopo.ParseIndices(p.Annotations[gputopo.AnnotationDevices])
					v.held = append(v.held, h)
				}
				idx, devs = append(idx, i), append(devs, d)
				scores = append(scores, int64(math.Round(score(v)*1000)))
			}
			if len(idx) == 0 {
				return -1, nil
			}
			k := pickMax(scores, rng)
			return idx[k], devs[k]
		}}
}

func weightedFrag(n *gputopo.Node, w map[int]float64) float64 {
	s := 0.0
	for k, wk := range w {
		s += wk * float64(n.Stranded(k))
	}
	return s
}

func (v view) frag(w map[int]float64) float64 {
	return weightedFrag(v.after, w) - weightedFrag(v.before, w)
}
func (v view) oneDomain() float64 {
	if v.domains <= 1 {
		return 1
	}
	return 0
}
func (v view) pods() float64 { return float64(len(v.ages)) }
func (v view) free() float64 { return float64(v.after.Free()) }

var (
	equalMix = map[int]float64{1: 1, 2: 1, 4: 1, 8: 1}
	traceMix = map[int]float64{1: .40, 2: .25, 4: .20, 8: .15} // makeTrace's
)

func (v view) domainPods() float64 {
	ds := v.before.DomainSize
	mine := map[int]bool{}
	for _, i := range v.devs {
		mine[i/ds] = true
	}
	c := 0
	for _, h := range v.held {
		for _, i := range h {
			if mine[i/ds] {
				c++
				break
			}
		}
	}
	return float64(c)
}

func variants() []variant {
	if os.Getenv("VARIANT_SET") == "domain" {
		return []variant{
			{"pods,domainpods,bf", func(v view) float64 {
				return -v.frag(equalMix)*1e9 + v.oneDomain()*1e7 + v.pods()*1e4 + v.domainPods()*100 - v.free()
			}},
			{"domainpods,pods,bf", func(v view) float64 {
				return -v.frag(equalMix)*1e9 + v.oneDomain()*1e7 + v.domainPods()*1e4 + v.pods()*100 - v.free()
			}},
			{"pods+domainpods,bf", func(v view) float64 {
				return -v.frag(equalMix)*1e9 + v.oneDomain()*1e7 + (v.pods()+v.domainPods())*100 - v.free()
			}},
		}
	}
	return []variant{
		{"fgd-trace-mix", func(v view) float64 { return -v.frag(traceMix)*1e6 + v.oneDomain()*1e4 - v.free() }},
		{"fgd-queue-mix", func(v view) float64 {
			w := map[int]float64{1: 1, 2: 1, 4: 1, 8: 1}
			for _, k := range v.waiting {
				w[k]++
			}
			return -v.frag(w)*1e6 + v.oneDomain()*1e4 - v.free()
		}},
		{"pods-after-bestfit", func(v view) float64 {
			return -v.frag(equalMix)*1e6 + v.oneDomain()*1e4 - v.free()*100 + v.pods()
		}},
		// expected remaining life under the trace's uniform 10-60 s durations; the new pod's is the mean, 35 s:
		// the placement that pushes the node's whole-again time back least, then best fit
		{"ages-uniform", func(v view) float64 {
			whole := 0.0
			for _, a := range v.ages {
				whole = math.Max(whole, (math.Max(10, a)+60)/2-a)
			}
			return -math.Max(0, 35-whole)*100 - v.free()
		}},
		// the same with the running pods' true remaining time (no scheduler knows it): the room left
		{"oracle-remaining", func(v view) float64 {
			whole := 0.0
			for _, r := range v.remain {
				whole = math.Max(whole, r)
			}
			return -math.Max(0, 35-whole)*100 - v.free()
		}},
	}
}

func TestVariants(t *testing.T) {
	seeds := []int64{17, 1, 2, 3, 4}
	if s := os.Getenv("VARIANT_SEEDS"); s != "" {
		seeds = nil
		for _, x := range strings.Split(s, ",") {
			v, err := strconv.ParseInt(x, 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			seeds = append(seeds, v)
		}
	}
	runs := 20
	if s := os.Getenv("VARIANT_RUNS"); s != "" {
		runs, _ = strconv.Atoi(s)
	}
	for _, seed := range seeds {
		o := options{jobs: 1000, nodes: 64, seed: seed, arrivalWindow: 200 * time.Second, minDuration: 10 * time.Second, maxDuration: time.Minute}
		trace := makeTrace(o)
		durations := map[string]float64{}
		sizes := map[int]int{}
		last := 0.0
		for _, j := range trace {
			durations[j.name] = j.duration.Seconds()
			sizes[j.gpus]++
			last = max(last, (j.at + j.duration).Seconds())
		}
		rules := []rule{ruleNamed(t, "default-scheduler"), ruleNamed(t, "gpu-fit")}
		for _, v := range variants() {
			rules = append(rules, variantRule(v.name, durations, v.score))
		}
		for _, r := range rules {
			var w8, stranded []float64
			for s := 0; s < runs; s++ {
				res := replay(trace, o.nodes, r, int64(s+1)) // panics if a variant hands out a held GPU
				if res.makespan < last || res.upTo4+sizes[8] != len(trace) {
					t.Fatalf("%s: finished by %.0f s (last departure due %.0f s), %d of %d jobs bound", r.name, res.makespan, last, res.upTo4+sizes[8], len(trace))
				}
				w8, stranded = append(w8, res.wait8), append(stranded, res.strandedAvg)
			}
			fmt.Printf("VARIANT seed=%d %-20s gpu8_wait_avg_s=%6.2f [%5.2f..%5.2f] stranded_gpus_avg=%6.2f\n",
				seed, r.name, avg(w8), pct(w8, 1), pct(w8, 100), avg(stranded))
		}
	}
}
