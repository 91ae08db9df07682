package main

import (
	"context"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/types"
)

// processLoad turns the CPU that the process runtime's pods use into the utilisation their simulated GPUs
// report: a notebook whose kernel computes shows a busy GPU, one that waits for its user an idle GPU, and a
// training script a busy one while it runs. One core fully used counts as a fully busy GPU (a Python kernel
// computes on one core). Levels are smoothed over a few samples, as DCGM averages over its sampling window.
type processLoad struct {
	mu     sync.Mutex
	prev   map[types.UID]cpuReading
	levels map[types.UID]float64
}

type cpuReading struct {
	at  time.Time
	cpu time.Duration
}

func newProcessLoad() *processLoad {
	return &processLoad{prev: map[types.UID]cpuReading{}, levels: map[types.UID]float64{}}
}

// observe records the pods' CPU times at one instant and updates their levels from the previous reading.
func (p *processLoad) observe(now time.Time, cpu map[types.UID]time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for uid, used := range cpu {
		prev, seen := p.prev[uid]
		p.prev[uid] = cpuReading{at: now, cpu: used}
		if !seen || !now.After(prev.at) {
			continue
		}
		delta := used - prev.cpu
		if delta < 0 { // a process of the tree exited and took its CPU time with it
			delta = 0
		}
		rate := min(1, delta.Seconds()/now.Sub(prev.at).Seconds())
		p.levels[uid] = 0.5*p.levels[uid] + 0.5*rate
	}
	for uid := range p.prev {
		if _, live := cpu[uid]; !live {
			delete(p.prev, uid)
			delete(p.levels, uid)
		}
	}
}

// level is the pod's current utilisation in [0,1]; 0 for a pod not (yet) measured.
func (p *processLoad) level(uid types.UID) float64 {
	if p == nil {
		return 0
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.levels[uid]
}

// run samples the runtime's pods every interval until ctx ends.
func (p *processLoad) run(ctx context.Context, interval time.Duration, read func() map[types.UID]time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			p.observe(now, read())
		}
	}
}
