package main

// A live run's record (--record) and its offline replay (--replay-live): what the live cluster did with each job —
// when it arrived, when it was bound and to which node, when it ended — so the offline replay can be fed the live
// run's own times instead of the seeded trace's. Live, a job ends when KWOK completes its pod, not exactly one
// duration after the bind, and the scheduler retries waiting pods on its own clock; replaying the live arrivals with
// each job's live running time tells whether the departure times alone change which choice rule is ahead.

import (
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"sort"
	"strconv"
	"time"
)

var recordHeader = []string{"job", "gpus", "arrived_s", "bound_s", "ended_s", "node"}

// writeRecord writes one line per job of the trace, times in seconds since the trace started (empty: never).
func (r *run) writeRecord(trace []job, start time.Time) error {
	path := fmt.Sprintf("%s.%s.csv", r.o.record, r.profile)
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	w := csv.NewWriter(f)
	_ = w.Write(recordHeader)
	at := func(t time.Time, ok bool) string {
		if !ok {
			return ""
		}
		return strconv.FormatFloat(t.Sub(start).Seconds(), 'f', 3, 64)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, j := range trace {
		created, okC := r.created[j.name]
		bound, okB := r.bound[j.name]
		ended, okE := r.ended[j.name]
		_ = w.Write([]string{j.name, strconv.Itoa(j.gpus), at(created, okC), at(bound, okB), at(ended, okE), r.node[j.name]})
	}
	w.Flush()
	say("%s.record file=%s jobs=%d", r.profile, path, len(trace))
	return w.Error()
}

// liveTrace reads a record back as a trace: each job arrives when it arrived live and runs as long as it ran live
// (ended − bound). Jobs that never ended live are left out.
func liveTrace(path string) ([]job, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 || len(rows[0]) != len(recordHeader) {
		return nil, fmt.Errorf("%s: not a gpufit-bench record (header %v)", path, recordHeader)
	}
	var out []job
	for _, row := range rows[1:] {
		gpus, err1 := strconv.Atoi(row[1])
		arrived, err2 := strconv.ParseFloat(row[2], 64)
		bound, err3 := strconv.ParseFloat(row[3], 64)
		ended, err4 := strconv.ParseFloat(row[4], 64)
		if err1 != nil || err2 != nil || err3 != nil || err4 != nil {
			continue
		}
		out = append(out, job{name: row[0], gpus: gpus, at: seconds(arrived), duration: seconds(ended - bound)})
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].at < out[b].at })
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no job that was bound and ended", path)
	}
	return out, nil
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// recordedFigures measures a live run's record the way the offline replay measures its own runs — exact event
// times instead of the live bench's one-second samples — so a live run and its offline replays are compared on one
// measure: whole free nodes and stranded GPUs (free GPUs on nodes with fewer free than the smallest waiting request)
// as time averages, and the waits from arrival to bind.
func recordedFigures(path string, nodeCount int) (simResult, error) {
	f, err := os.Open(path)
	if err != nil {
		return simResult{}, err
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return simResult{}, err
	}
	type change struct {
		at      float64
		node    string
		gpus    int  // held on the node: + at a bind, − at an end
		waiting int  // the job's size: starts waiting at arrival (+1), stops at its bind (−1)
		arrives bool // waiting starts (else stops), when waiting > 0
	}
	var changes []change
	var res simResult
	var all, eight []float64
	for _, row := range rows[1:] {
		gpus, err1 := strconv.Atoi(row[1])
		arrived, err2 := strconv.ParseFloat(row[2], 64)
		bound, err3 := strconv.ParseFloat(row[3], 64)
		ended, err4 := strconv.ParseFloat(row[4], 64)
		if err1 != nil || err2 != nil || err3 != nil || err4 != nil {
			continue
		}
		changes = append(changes, change{at: arrived, waiting: gpus, arrives: true},
			change{at: bound, waiting: gpus}, change{at: bound, node: row[5], gpus: gpus},
			change{at: ended, node: row[5], gpus: -gpus})
		all = append(all, bound-arrived)
		if gpus == 8 {
			eight = append(eight, bound-arrived)
		}
		if gpus <= simDomainSize {
			res.upTo4++
		}
	}
	sort.SliceStable(changes, func(a, b int) bool { return changes[a].at < changes[b].at })
	held := map[string]int{}
	waiting := map[int]int{} // size -> jobs of that size waiting
	now, busy := 0.0, 0.0
	if len(changes) > 0 {
		now = changes[0].at
	}
	start := now
	for _, c := range changes {
		if dt := c.at - now; dt > 0 {
			minWaiting := math.MaxInt
			for size, n := range waiting {
				if n > 0 {
					minWaiting = min(minWaiting, size)
				}
			}
			whole, stranded := nodeCount-len(held), 0
			for _, h := range held {
				if h == 0 {
					whole++
				}
				if minWaiting != math.MaxInt && simGPUs-h < minWaiting {
					stranded += simGPUs - h
				}
			}
			res.wholeFreeAvg += float64(whole) * dt
			res.strandedAvg += float64(stranded) * dt
			if minWaiting != math.MaxInt {
				busy += dt
				res.strandedWhileWaiting += float64(stranded) * dt
			}
			now = c.at
		}
		switch {
		case c.node != "":
			held[c.node] += c.gpus
		case c.arrives:
			waiting[c.waiting]++
		default:
			waiting[c.waiting]--
		}
	}
	span := math.Max(now-start, 1e-9)
	res.makespan = now
	res.wholeFreeAvg /= span
	res.strandedAvg /= span
	res.strandedWhileWaiting /= math.Max(busy, 1e-9)
	res.waitAll, res.waitAllP95 = avg(all), pct(all, 95)
	res.wait8, res.wait8P95 = avg(eight), pct(eight, 95)
	return res, nil
}
