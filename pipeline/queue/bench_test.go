package queue

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"stablenew/pipeline"
	"stablenew/pipeline/runner"
)

// benchJobs builds n jobs the way a big randomizer plan does: every job has
// its own configuration (its own final prompt).
func benchJobs(prefix string, n int) []pipeline.JobSpec {
	out := make([]pipeline.JobSpec, n)
	for i := range out {
		out[i] = testJob(fmt.Sprintf("%s%05d", prefix, i), func(j *pipeline.JobSpec) {
			c := *j.Config
			c.Prompt.Positive = fmt.Sprintf("a knight in shining armour, variant %d, detailed, 8k <lora:armor:0.7>", i)
			j.Config = &c
			j.VariantIndex, j.VariantTotal = i, n
		})
	}
	return out
}

// BenchmarkSubmit10k submits 10,000 jobs in one call (target < 0.5 s).
func BenchmarkSubmit10k(b *testing.B) {
	list := benchJobs("s", 10000)
	var cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		s, err := Open(DefaultPath(b.TempDir()), Options{Logger: quietLog})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		c0 := processCPU()
		if err := s.Submit(list, false); err != nil {
			b.Fatal(err)
		}
		cpu += processCPU() - c0
		b.StopTimer()
		s.Close()
		b.StartTimer()
	}
	if cpu > 0 {
		// CPU time does not grow with the load of other programs; on a
		// busy machine it tells more than ns/op.
		b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/op")
	}
}

// BenchmarkList10k lists a queue of 10,000 jobs (target < 20 ms).
func BenchmarkList10k(b *testing.B) {
	s, err := Open(DefaultPath(b.TempDir()), Options{Logger: quietLog})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if err := s.Submit(benchJobs("l", 10000), false); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		items, err := s.List()
		if err != nil || len(items) != 10000 {
			b.Fatalf("List = %d items, %v", len(items), err)
		}
	}
}

// BenchmarkList10kAfterMove moves a job and lists a queue of 10,000 jobs:
// the List the GUI makes after every change (target < 20 ms).
func BenchmarkList10kAfterMove(b *testing.B) {
	s, err := Open(DefaultPath(b.TempDir()), Options{Logger: quietLog})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	list := benchJobs("l", 10000)
	if err := s.Submit(list, false); err != nil {
		b.Fatal(err)
	}
	i := 0
	for b.Loop() {
		b.StopTimer()
		i++
		if err := s.MoveTo([]string{list[(i*7919)%len(list)].JobID}, 1+(i*104729)%10000); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		items, err := s.List()
		if err != nil || len(items) != 10000 {
			b.Fatalf("List = %d items, %v", len(items), err)
		}
	}
}

// timedExecutor records when each Run starts and ends.
type timedExecutor struct {
	*fakeExecutor
	mu     sync.Mutex
	starts []time.Time
	ends   []time.Time
}

func (e *timedExecutor) Run(ctx context.Context, job *pipeline.JobSpec, on func(runner.Progress)) (*runner.Result, error) {
	e.mu.Lock()
	e.starts = append(e.starts, time.Now())
	e.mu.Unlock()
	res, err := e.fakeExecutor.Run(ctx, job, on)
	e.mu.Lock()
	e.ends = append(e.ends, time.Now())
	e.mu.Unlock()
	return res, err
}

// BenchmarkIdleGap measures the time the queue leaves between one job's
// end and the next job's start on one worker (target: median < 10 ms). It
// includes committing the finished job and claiming the next one.
func BenchmarkIdleGap(b *testing.B) {
	s, err := Open(DefaultPath(b.TempDir()), Options{Logger: quietLog})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	var gaps []time.Duration
	round := 0
	for b.Loop() {
		round++
		if err := s.Submit(benchJobs(fmt.Sprintf("g%d-", round), 100), false); err != nil {
			b.Fatal(err)
		}
		e := &timedExecutor{fakeExecutor: newFake("gpu0")}
		if _, err := s.RunUntilEmpty(b.Context(), e); err != nil {
			b.Fatal(err)
		}
		for i := 1; i < len(e.starts); i++ {
			gaps = append(gaps, e.starts[i].Sub(e.ends[i-1]))
		}
	}
	slices.Sort(gaps)
	b.ReportMetric(float64(gaps[len(gaps)/2])/1e6, "median-gap-ms")
	b.ReportMetric(float64(gaps[len(gaps)*95/100])/1e6, "p95-gap-ms")
}

// BenchmarkMemory opens a database with 10,000 queued and 50,000 finished
// jobs, lists the queue, reads a page of history and estimates the queue,
// and reports the heap in use after a GC (target < 150 MB).
func BenchmarkMemory(b *testing.B) {
	path := DefaultPath(b.TempDir())
	s, err := Open(path, Options{Logger: quietLog})
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < 6; i++ {
		if err := s.Submit(benchJobs(fmt.Sprintf("m%d-", i), 10000), false); err != nil {
			b.Fatal(err)
		}
	}
	s.Close()
	crashDB(b, path, `UPDATE jobs SET status = 'completed', finished_at = queued_at + rowid,
		outputs = '["output/knights/img.png"]' WHERE job_id NOT LIKE 'm5-%'`)
	var heap uint64
	var items int
	for b.Loop() {
		s, err := Open(path, Options{Logger: quietLog})
		if err != nil {
			b.Fatal(err)
		}
		list, err := s.List()
		if err != nil || len(list) != 10000 {
			b.Fatalf("List = %d, %v", len(list), err)
		}
		hist, err := s.History(HistoryFilter{Limit: 100})
		if err != nil || len(hist) != 100 {
			b.Fatalf("History = %d, %v", len(hist), err)
		}
		s.QueueETA()
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		heap = ms.HeapInuse
		items = len(list) + len(hist)
		s.Close()
	}
	b.ReportMetric(float64(heap)/(1<<20), "heap-MB")
	b.ReportMetric(float64(items), "items")
	if rss := residentMB(); rss > 0 {
		// The whole test process, SQLite's page caches and mapped pages
		// included: an upper bound.
		b.ReportMetric(rss, "rss-MB")
	}
}

// residentMB reads the process's resident set size on Linux (0 elsewhere).
func residentMB() float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
			return float64(kb) / 1024
		}
	}
	return 0
}

// BenchmarkQueueETA10k estimates a queue of 10,000 jobs after a change,
// read from the database (a window whose Queue has not shown) and from
// the queue in memory.
func BenchmarkQueueETA10k(b *testing.B) {
	for _, inMemory := range []bool{false, true} {
		b.Run(map[bool]string{false: "on-disk", true: "in-memory"}[inMemory], func(b *testing.B) {
			s, err := Open(DefaultPath(b.TempDir()), Options{Logger: quietLog})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			if err := s.Submit(benchJobs("e", 10000), false); err != nil {
				b.Fatal(err)
			}
			if inMemory {
				if _, err := s.List(); err != nil {
					b.Fatal(err)
				}
			}
			for b.Loop() {
				s.qgen.Add(1) // as a change of the queue does
				if total, _, _ := s.QueueETA(); total <= 0 {
					b.Fatalf("ETA %v", total)
				}
			}
		})
	}
}
