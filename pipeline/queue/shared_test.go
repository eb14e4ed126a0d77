package queue

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// within waits until cond holds, failing after d (a generous bound, for
// figures such as "within a second").
func within(t *testing.T, d time.Duration, what string, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Since(start) > d {
			t.Fatalf("%s: not within %v", what, d)
		}
		<-tick.C
	}
	return time.Since(start)
}

func listed(s *Service) []string {
	items, _ := s.List()
	var out []string
	for _, it := range items {
		out = append(out, it.JobID)
	}
	return out
}

// A running queue (the GUI or `queue run`) is fed, paused, resumed and
// cleared by another process (`queue add`, `queue pause` …): each change
// reaches it within a second. Before, the second process was refused with
// "the queue is open in another StableNew".
func TestAnotherProcessFeedsAndPausesARunningQueue(t *testing.T) {
	t.Parallel()
	path := testPath(t)
	a := open(t, path, Options{})
	f := newFake("gpu0")
	events, stop := a.Subscribe(100)
	defer stop()
	if err := a.Start(t.Context(), f); err != nil {
		t.Fatal(err)
	}
	b := open(t, path, Options{})

	submit(t, b, false, "j1")
	took := within(t, 3*time.Second, "the running queue runs a job another process added", func() bool {
		return slices.Contains(f.runs(), "j1")
	})
	t.Logf("a job added by another process started after %v", took)

	if err := b.Pause(); err != nil {
		t.Fatal(err)
	}
	within(t, 2*time.Second, "the pause reaches the running queue", a.Paused)
	submit(t, b, false, "j2")
	within(t, 2*time.Second, "the running queue lists the new job", func() bool { return slices.Contains(listed(a), "j2") })
	kickAndSettle(t, a)
	if slices.Contains(f.runs(), "j2") {
		t.Fatal("a paused queue started a job")
	}
	if n, err := b.ClearPending(); err != nil || n != 1 {
		t.Fatalf("ClearPending = %d, %v", n, err)
	}
	within(t, 2*time.Second, "the clear reaches the running queue", func() bool { return len(listed(a)) == 0 })
	submit(t, b, false, "j3")
	if err := b.Resume(); err != nil {
		t.Fatal(err)
	}
	within(t, 3*time.Second, "the resume reaches the running queue", func() bool { return slices.Contains(f.runs(), "j3") })
	// The events come on their own goroutine: collect them until each kind
	// has been heard, or a deadline.
	want := []EventKind{QueueChanged, Paused, Resumed, HistoryChanged}
	var kinds []EventKind
	heardAll := func() bool {
		for _, k := range want {
			if !slices.Contains(kinds, k) {
				return false
			}
		}
		return true
	}
	deadline := time.After(5 * time.Second)
	for !heardAll() {
		select {
		case e := <-events:
			kinds = append(kinds, e.Kind)
			continue
		case <-deadline:
		}
		break
	}
	for _, k := range want {
		if !slices.Contains(kinds, k) {
			t.Errorf("the running queue's subscribers never heard %s", k)
		}
	}
}

// Ten processes add jobs at once: none is refused (the lock did not wait,
// and nine of ten failed).
func TestParallelSubmitsAllLand(t *testing.T) {
	t.Parallel()
	path := testPath(t)
	open(t, path, Options{}) // creates the database
	var wg sync.WaitGroup
	errs := make(chan error, 10)
	for p := 0; p < 10; p++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := Open(path, Options{Logger: quietLog})
			if err != nil {
				errs <- err
				return
			}
			defer s.Close()
			errs <- s.Submit(jobs(ids(fmt.Sprintf("p%d-", p), 20)...), false)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := countStatus(t, rawDB(t, path), StatusQueued); n != 200 {
		t.Fatalf("%d jobs queued, want 200", n)
	}
}

// Two `queue run`s on two WebUIs share the queue: every job runs exactly
// once.
func TestTwoRunnersNeverRunAJobTwice(t *testing.T) {
	t.Parallel()
	path := testPath(t)
	a := open(t, path, Options{})
	b := open(t, path, Options{})
	all := ids("j", 120)
	submit(t, a, false, all...)
	fa, fb := newFake("gpu0"), newFake("gpu1")
	var wg sync.WaitGroup
	for _, p := range []struct {
		s *Service
		f *fakeExecutor
	}{{a, fa}, {b, fb}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := p.s.RunUntilEmpty(t.Context(), p.f); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	ran := append(fa.runs(), fb.runs()...)
	slices.Sort(ran)
	want := slices.Clone(all)
	slices.Sort(want)
	equalIDs(t, "jobs run", ran, want)
	if len(fa.runs()) == 0 || len(fb.runs()) == 0 {
		t.Logf("one runner took every job (a: %d, b: %d)", len(fa.runs()), len(fb.runs()))
	}
	if n := countStatus(t, rawDB(t, path), StatusCompleted); n != len(all) {
		t.Fatalf("%d completed, want %d", n, len(all))
	}
}

// One process at a time works a WebUI: a second process configured with
// the same WebUI waits, and takes over when the first stops.
func TestOneProcessPerWebUI(t *testing.T) {
	t.Parallel()
	path := testPath(t)
	a := open(t, path, Options{})
	b := open(t, path, Options{})
	fa, fb := newFake("gpu0"), newFake("gpu0")
	fa.setHold(true)
	if err := a.Start(t.Context(), fa); err != nil {
		t.Fatal(err)
	}
	submit(t, a, false, "j1", "j2")
	waitFor(t, a, "a runs j1", func() bool { return slices.Contains(fa.runs(), "j1") })
	if err := b.Start(t.Context(), fb); err != nil {
		t.Fatal(err)
	}
	waitFor(t, b, "b waits for the WebUI", func() bool {
		for _, st := range b.Backends() {
			if st.State == BackendWaiting && strings.Contains(st.Message, "another StableNew") {
				return true
			}
		}
		return false
	})
	// b's open did not take a's running job.
	if j := stored(t, rawDB(t, path), "j1"); j.status != StatusRunning {
		t.Fatalf("j1 = %+v, want still running", j)
	}
	fa.finish("j1", nil)
	waitFor(t, a, "a runs j2", func() bool { return slices.Contains(fa.runs(), "j2") })
	if len(fb.runs()) != 0 {
		t.Fatalf("b ran %v while a worked the WebUI", fb.runs())
	}
	// a stops: j2 goes back to the front, and b takes the WebUI over.
	a.Close()
	within(t, lockRetry+5*time.Second, "b takes over", func() bool { return slices.Contains(fb.runs(), "j2") })
	if j := stored(t, rawDB(t, path), "j2"); j.attempts != 0 {
		t.Fatalf("j2 = %+v: a clean stop counts no attempt", j)
	}
}

// A job a process that is gone left running on a WebUI nobody works is put
// back by the running processes' sweep, with one more attempt.
func TestSweepPutsBackJobsOfAGoneProcess(t *testing.T) {
	t.Parallel()
	path := testPath(t)
	a := open(t, path, Options{})
	submit(t, a, false, "j1", "j2")
	crash(t, path, `UPDATE jobs SET status = 'running', started_at = 1, backend = 'http://gone:7860' WHERE job_id = 'j2'`)
	within(t, time.Duration(sweepEvery)*watchInterval+5*time.Second, "the sweep puts j2 back", func() bool {
		j := stored(t, rawDB(t, path), "j2")
		return j.status == StatusQueued && j.attempts == 1
	})
	equalIDs(t, "queue", storedQueue(t, rawDB(t, path)), []string{"j2", "j1"})
	within(t, 2*time.Second, "the mirror follows", func() bool {
		items, _ := a.List()
		return len(items) == 2 && items[0].JobID == "j2" && items[0].Status == StatusQueued
	})
}
