package queue

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"stablenew/pipeline/runner"
)

func TestPauseLetsRunningJobFinish(t *testing.T) {
	t.Parallel()
	s := newService(t, Options{})
	db := rawDB(t, s.Path())
	f := newFake("gpu0")
	f.setHold(true)
	submit(t, s, false, "j1", "j2")
	s.Start(t.Context(), f)
	waitFor(t, s, "j1 running", statusIs(t, db, "j1", StatusRunning))
	if err := s.Pause(); err != nil {
		t.Fatal(err)
	}
	f.finish("j1", nil)
	waitFor(t, s, "j1 completed", statusIs(t, db, "j1", StatusCompleted))
	// Nothing new starts while paused: j2 stays queued even after a kick.
	kickAndSettle(t, s)
	if j := stored(t, db, "j2"); j.status != StatusQueued {
		t.Fatalf("j2 is %s while paused", j.status)
	}
	if len(f.runs()) != 1 {
		t.Fatalf("executor ran %v while paused", f.runs())
	}
	if err := s.Resume(); err != nil {
		t.Fatal(err)
	}
	f.finish("j2", nil)
	waitFor(t, s, "j2 completed", statusIs(t, db, "j2", StatusCompleted))
}

func TestPauseNowPutsJobBackAtFront(t *testing.T) {
	t.Parallel()
	s := newService(t, Options{})
	db := rawDB(t, s.Path())
	f := newFake("gpu0")
	f.setHold(true)
	submit(t, s, false, "j1", "j2", "j3")
	s.Start(t.Context(), f)
	waitFor(t, s, "j1 running", statusIs(t, db, "j1", StatusRunning))
	submit(t, s, true, "urgent") // front while j1 runs
	if err := s.PauseNow(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, s, "j1 queued", statusIs(t, db, "j1", StatusQueued))
	j1 := stored(t, db, "j1")
	if j1.attempts != 0 || j1.errText != "" {
		t.Fatalf("paused job = %+v, want attempts 0 and no error", j1)
	}
	equalIDs(t, "queue", storedQueue(t, db), []string{"j1", "urgent", "j2", "j3"})
	if !s.Paused() {
		t.Fatal("not paused")
	}
	if n := countStatus(t, db, StatusFailed) + countStatus(t, db, StatusCancelled); n != 0 {
		t.Fatalf("%d jobs in history after PauseNow", n)
	}
	s.Resume()
	waitFor(t, s, "j1 running again", statusIs(t, db, "j1", StatusRunning))
	f.finish("j1", nil)
	waitFor(t, s, "j1 completed", statusIs(t, db, "j1", StatusCompleted))
}

func TestCancelRunningGoesToHistory(t *testing.T) {
	t.Parallel()
	s := newService(t, Options{})
	db := rawDB(t, s.Path())
	f := newFake("gpu0")
	f.setHold(true)
	f.slowStop = true
	submit(t, s, false, "j1", "j2")
	if err := s.CancelRunning(); !errors.Is(err, ErrNotRunning) {
		t.Fatalf("CancelRunning with nothing running = %v", err)
	}
	s.Start(t.Context(), f)
	waitFor(t, s, "j1 running", statusIs(t, db, "j1", StatusRunning))
	if err := s.CancelRunning("j2"); !errors.Is(err, ErrNotRunning) {
		t.Fatalf("CancelRunning(queued job) = %v", err)
	}
	if err := s.CancelRunning("j1"); err != nil {
		t.Fatal(err)
	}
	// The request is committed before the WebUI is interrupted.
	var stop string
	db.QueryRow(`SELECT stop_reason FROM jobs WHERE job_id = 'j1' AND status = 'running'`).Scan(&stop)
	if stop != "cancel" {
		t.Fatalf("stop_reason = %q while j1 is being interrupted, want cancel", stop)
	}
	f.finish("j1", fmt.Errorf("interrupted: %w", runner.ErrCancelled)) // the WebUI stops
	waitFor(t, s, "j1 cancelled", statusIs(t, db, "j1", StatusCancelled))
	waitFor(t, s, "j2 running", statusIs(t, db, "j2", StatusRunning))
	if j := stored(t, db, "j1"); j.errText != "cancelled by the user" {
		t.Fatalf("j1 = %+v", j)
	}
	var left string
	db.QueryRow(`SELECT stop_reason FROM jobs WHERE job_id = 'j1'`).Scan(&left)
	if left != "" {
		t.Fatalf("stop_reason %q left after the job ended", left)
	}
	items, _ := s.History(HistoryFilter{Status: StatusCancelled})
	if len(items) != 1 || items[0].JobID != "j1" || items[0].Error != "cancelled by the user" {
		t.Fatalf("cancelled history = %+v", items)
	}
	f.finish("j2", nil)
}

func TestCancelAndRequeueGoesToBottom(t *testing.T) {
	t.Parallel()
	s := newService(t, Options{})
	db := rawDB(t, s.Path())
	f := newFake("gpu0")
	f.setHold(true)
	submit(t, s, false, "j1", "j2", "j3")
	s.Start(t.Context(), f)
	waitFor(t, s, "j1 running", statusIs(t, db, "j1", StatusRunning))
	s.Pause()
	if err := s.CancelAndRequeue(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, s, "j1 queued", statusIs(t, db, "j1", StatusQueued))
	equalIDs(t, "queue", storedQueue(t, db), []string{"j2", "j3", "j1"})
	if j := stored(t, db, "j1"); j.attempts != 0 {
		t.Fatalf("attempts = %d, want 0", j.attempts)
	}
}

func TestSkipAsksTheRunningWebUI(t *testing.T) {
	t.Parallel()
	s := newService(t, Options{})
	db := rawDB(t, s.Path())
	f := newFake("gpu0")
	f.setHold(true)
	if err := s.Skip(t.Context()); !errors.Is(err, ErrNotRunning) {
		t.Fatalf("Skip with nothing running = %v", err)
	}
	submit(t, s, false, "j1")
	s.Start(t.Context(), f)
	waitFor(t, s, "j1 running", statusIs(t, db, "j1", StatusRunning))
	if err := s.Skip(t.Context()); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	skips := f.skips
	f.mu.Unlock()
	if skips != 1 {
		t.Fatalf("executor got %d skips, want 1", skips)
	}
	f.finish("j1", nil)
	waitFor(t, s, "j1 completed", statusIs(t, db, "j1", StatusCompleted))
}

func TestAutoRunOffWaitsForStart(t *testing.T) {
	t.Parallel()
	path := testPath(t)
	s := open(t, path, Options{})
	db := rawDB(t, path)
	if !s.AutoRun() {
		t.Fatal("auto-run is off on a new database")
	}
	if err := s.SetAutoRun(false); err != nil {
		t.Fatal(err)
	}
	f := newFake("gpu0")
	if err := s.Attach(t.Context(), f); err != nil {
		t.Fatal(err)
	}
	submit(t, s, false, "j1", "j2")
	waitFor(t, s, "worker idle", func() bool {
		b := s.Backends()
		return len(b) == 1 && b[0].State == BackendIdle && f.pingCount() > 0
	})
	kickAndSettle(t, s)
	if n := countStatus(t, db, StatusQueued); n != 2 || len(f.runs()) != 0 {
		t.Fatalf("jobs ran with auto-run off: queued %d, runs %v", n, f.runs())
	}
	if err := s.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	waitFor(t, s, "both completed", func() bool { return countStatus(t, db, StatusCompleted) == 2 })
	// The queue ran empty: a new job waits for the next Start.
	waitFor(t, s, "disarmed", func() bool { s.mu.Lock(); defer s.mu.Unlock(); return !s.armed })
	submit(t, s, false, "j3")
	kickAndSettle(t, s)
	if stored(t, db, "j3").status != StatusQueued {
		t.Fatal("j3 ran without Start")
	}
	// Turning auto-run on starts it.
	if err := s.SetAutoRun(true); err != nil {
		t.Fatal(err)
	}
	waitFor(t, s, "j3 completed", statusIs(t, db, "j3", StatusCompleted))
}

func TestPausedAndAutoRunSurviveRestart(t *testing.T) {
	t.Parallel()
	path := testPath(t)
	s, err := Open(path, Options{Logger: quietLog})
	if err != nil {
		t.Fatal(err)
	}
	s.Pause()
	s.SetAutoRun(false)
	s.Close()
	s = open(t, path, Options{})
	if !s.Paused() || s.AutoRun() {
		t.Fatalf("after restart paused=%v autoRun=%v, want true/false", s.Paused(), s.AutoRun())
	}
}

func TestEventsForPauseAndResume(t *testing.T) {
	t.Parallel()
	s := newService(t, Options{})
	ch, stop := s.Subscribe(8)
	defer stop()
	s.Pause()
	s.Pause() // no second event
	s.Resume()
	var kinds []EventKind
	deadline := time.After(10 * time.Second)
	for len(kinds) < 2 {
		select {
		case e := <-ch:
			if e.Kind != QueueChanged {
				kinds = append(kinds, e.Kind)
			}
		case <-deadline:
			t.Fatalf("events so far = %v, want Paused and Resumed", kinds)
		}
	}
	if kinds[0] != Paused || kinds[1] != Resumed {
		t.Fatalf("events = %v", kinds)
	}
}
