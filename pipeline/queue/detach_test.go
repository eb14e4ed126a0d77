package queue

import (
	"errors"
	"testing"
	"time"

	"stablenew/pipeline"
)

// attachedWorker is the worker of exec, or nil.
func attachedWorker(s *Service, exec *fakeExecutor) *worker {
	s.mu.Lock()
	defer s.mu.Unlock()
	for w := range s.workers {
		if w.exec == exec {
			return w
		}
	}
	return nil
}

// closedDone fails the test when the worker's goroutine has not ended.
func closedDone(t *testing.T, w *worker) {
	t.Helper()
	select {
	case <-w.done:
	default:
		t.Fatal("Detach returned before the worker goroutine ended")
	}
}

// An idle worker is detached: it leaves Backends, its goroutine ends and
// subscribers hear that it left.
func TestDetachIdleWorker(t *testing.T) {
	t.Parallel()
	s := newService(t, Options{})
	f := newFake("gpu0")
	events, stop := s.Subscribe(100)
	defer stop()
	if err := s.Attach(t.Context(), f); err != nil {
		t.Fatal(err)
	}
	kickAndSettle(t, s)
	w := attachedWorker(s, f)
	if w == nil {
		t.Fatal("no worker attached")
	}
	if err := s.Detach(f); err != nil {
		t.Fatal(err)
	}
	closedDone(t, w)
	if b := s.Backends(); len(b) != 0 {
		t.Fatalf("backends after Detach = %+v", b)
	}
	// Detach has returned: "detached" and then QueueChanged are on their
	// way to the subscriber, in that order.
	var detached, queueChanged bool
	deadline := time.After(10 * time.Second)
	for !detached || !queueChanged {
		select {
		case e := <-events:
			detached = detached || (e.Kind == BackendChanged && e.Backend == "gpu0" && e.Message == "detached")
			queueChanged = queueChanged || (detached && e.Kind == QueueChanged)
		case <-deadline:
			t.Fatalf("after Detach: heard detached = %v, then QueueChanged = %v", detached, queueChanged)
		}
	}
	// The executor can be attached again.
	if err := s.Attach(t.Context(), f); err != nil {
		t.Fatalf("attach again: %v", err)
	}
}

// A worker detached mid-job puts the job back at the front of the queue,
// attempts unchanged, and another attached worker runs it.
func TestDetachMidJobRequeuesAtFront(t *testing.T) {
	t.Parallel()
	s := newService(t, Options{})
	db := rawDB(t, s.Path())
	a, b := newFake("gpu0"), newFake("gpu1")
	a.setHold(true)
	submit(t, s, false, "j1", "j2", "j3")
	if err := s.Attach(t.Context(), a); err != nil {
		t.Fatal(err)
	}
	waitFor(t, s, "j1 running on gpu0", statusIs(t, db, "j1", StatusRunning))
	w := attachedWorker(s, a)
	if err := s.Detach(a); err != nil {
		t.Fatal(err)
	}
	closedDone(t, w)
	j1 := stored(t, db, "j1")
	if j1.status != StatusQueued || j1.attempts != 0 {
		t.Fatalf("j1 = %+v, want queued with attempts 0", j1)
	}
	equalIDs(t, "queue after Detach", storedQueue(t, db), []string{"j1", "j2", "j3"})
	if err := s.Attach(t.Context(), b); err != nil {
		t.Fatal(err)
	}
	waitFor(t, s, "every job completed", func() bool { return countStatus(t, db, StatusCompleted) == 3 })
	equalIDs(t, "jobs run on gpu1", b.runs(), []string{"j1", "j2", "j3"})
	equalIDs(t, "jobs run on gpu0", a.runs(), []string{"j1"})
	if got := stored(t, db, "j1").backend; got != "gpu1" {
		t.Fatalf("j1 ran on %q, want gpu1", got)
	}
}

// Detaching an executor that has no worker is ErrNotAttached and changes
// nothing.
func TestDetachUnknownExecutor(t *testing.T) {
	t.Parallel()
	s := newService(t, Options{})
	a := newFake("gpu0")
	if err := s.Attach(t.Context(), a); err != nil {
		t.Fatal(err)
	}
	if err := s.Detach(newFake("gpu0")); !errors.Is(err, ErrNotAttached) {
		t.Fatalf("Detach of an unknown executor = %v, want ErrNotAttached", err)
	}
	if err := s.Detach(nil); !errors.Is(err, ErrNotAttached) {
		t.Fatalf("Detach(nil) = %v, want ErrNotAttached", err)
	}
	if n := len(s.Backends()); n != 1 {
		t.Fatalf("%d workers left, want 1", n)
	}
	if err := s.Detach(a); err != nil {
		t.Fatal(err)
	}
	if err := s.Detach(a); !errors.Is(err, ErrNotAttached) {
		t.Fatalf("second Detach = %v, want ErrNotAttached", err)
	}
}

// Checkpoint affinity can be turned on after Open.
func TestSetCheckpointAffinity(t *testing.T) {
	t.Parallel()
	s := newService(t, Options{})
	if s.CheckpointAffinity() {
		t.Fatal("affinity on without the option")
	}
	s.SetCheckpointAffinity(true)
	if !s.CheckpointAffinity() {
		t.Fatal("SetCheckpointAffinity(true) did not take")
	}
	if err := s.Submit([]pipeline.JobSpec{testJob("a1", withModel("modelA")), testJob("b1", withModel("modelB")),
		testJob("a2", withModel("modelA")), testJob("b2", withModel("modelB"))}, false); err != nil {
		t.Fatal(err)
	}
	f := newFake("gpu0")
	f.model = "modelB"
	if _, err := s.RunUntilEmpty(t.Context(), f); err != nil {
		t.Fatal(err)
	}
	equalIDs(t, "order with affinity turned on", f.runs(), []string{"b1", "b2", "a1", "a2"})
}
