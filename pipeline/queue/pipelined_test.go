package queue

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"stablenew/pipeline"
	"stablenew/pipeline/runner"
)

// savingExecutor is an executor like the runner: each job "renders" until
// the test lets it (render), says its requests are done
// (runner.Progress.RequestsDone), then "saves its files" until the test
// lets it (save).
type savingExecutor struct {
	*fakeExecutor
	smu     sync.Mutex
	gates   map[string]chan struct{}
	started []string
}

func newSaving(name string) *savingExecutor {
	return &savingExecutor{fakeExecutor: newFake(name), gates: map[string]chan struct{}{}}
}

func (e *savingExecutor) gateOf(key string) chan struct{} {
	e.smu.Lock()
	defer e.smu.Unlock()
	g, ok := e.gates[key]
	if !ok {
		g = make(chan struct{})
		e.gates[key] = g
	}
	return g
}

func (e *savingExecutor) render(id string) { close(e.gateOf("render " + id)) }
func (e *savingExecutor) save(id string)   { close(e.gateOf("save " + id)) }

func (e *savingExecutor) startedJobs() []string {
	e.smu.Lock()
	defer e.smu.Unlock()
	return append([]string(nil), e.started...)
}

func (e *savingExecutor) Run(ctx context.Context, job *pipeline.JobSpec, on func(runner.Progress)) (*runner.Result, error) {
	e.smu.Lock()
	e.started = append(e.started, job.JobID)
	e.smu.Unlock()
	<-e.gateOf("render " + job.JobID)
	on(runner.Progress{JobID: job.JobID, Stage: pipeline.StageTxt2Img, StageTotal: 1, Fraction: 1, RequestsDone: true})
	<-e.gateOf("save " + job.JobID)
	return &runner.Result{JobID: job.JobID, Outputs: []string{job.JobID + ".png"}}, nil
}

// Once a job's WebUI requests are done the worker starts the next job
// while the first still saves its files; the first is recorded completed
// only when its executor returns (its files are written), and the worker
// stays busy with the job it moved on to.
func TestNextJobStartsWhileTheLastOneSaves(t *testing.T) {
	path := testPath(t)
	s := open(t, path, Options{})
	submit(t, s, false, "a", "b", "c")
	db := rawDB(t, path)
	e := newSaving("gpu0")
	if err := s.Start(t.Context(), e); err != nil {
		t.Fatal(err)
	}
	waitFor(t, s, "a to start", func() bool { return len(e.startedJobs()) == 1 })
	e.render("a")
	waitFor(t, s, "b to start while a saves", func() bool { return len(e.startedJobs()) == 2 })
	equalIDs(t, "started", e.startedJobs(), []string{"a", "b"})
	for _, id := range []string{"a", "b"} {
		if j := stored(t, db, id); j.status != StatusRunning {
			t.Fatalf("%s = %+v, want running (a is saving, b rendering)", id, j)
		}
	}
	e.save("a")
	waitFor(t, s, "a completed", statusIs(t, db, "a", StatusCompleted))
	// c waits: b's requests are not done.
	equalIDs(t, "started", e.startedJobs(), []string{"a", "b"})
	if b := s.Backends(); len(b) != 1 || b[0].State != BackendBusy || b[0].JobID != "b" {
		t.Fatalf("backends after a finished = %+v, want busy with b", b)
	}
	e.render("b")
	waitFor(t, s, "c to start", func() bool { return len(e.startedJobs()) == 3 })
	e.save("b")
	e.render("c")
	e.save("c")
	waitFor(t, s, "c completed", statusIs(t, db, "c", StatusCompleted))
	waitFor(t, s, "the worker idle", func() bool {
		b := s.Backends()
		return len(b) == 1 && b[0].State == BackendIdle && b[0].JobID == ""
	})
	// b's save was let go before c's, but each finished job is recorded
	// on its own goroutine, so c's record may land first: wait for b's.
	waitFor(t, s, "b completed", statusIs(t, db, "b", StatusCompleted))
}

// Closing the service while a job saves waits for it: the job is recorded
// completed, not put back, once its files are written.
func TestCloseWaitsForTheJobThatSaves(t *testing.T) {
	path := testPath(t)
	s, err := Open(path, Options{Logger: quietLog})
	if err != nil {
		t.Fatal(err)
	}
	submit(t, s, false, "a")
	e := newSaving("gpu0")
	if err := s.Start(t.Context(), e); err != nil {
		t.Fatal(err)
	}
	waitFor(t, s, "a to start", func() bool { return len(e.startedJobs()) == 1 })
	e.render("a")
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	waitFor(t, s, "Close to begin", func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.closed
	})
	select {
	case <-closed:
		t.Fatal("Close returned while a job was saving")
	default:
	}
	e.save("a")
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
	db := rawDB(t, path)
	if j := stored(t, db, "a"); j.status != StatusCompleted {
		t.Fatalf("a = %+v, want completed", j)
	}
}

// A process that died while one job of a WebUI saved its files and the
// next one rendered: both go back to the front in their order, and only
// the one rendering has an attempt counted.
func TestRecoveryCountsAnAttemptOnlyForTheJobRendering(t *testing.T) {
	path := testPath(t)
	s := open(t, path, Options{})
	submit(t, s, false, "saving", "rendering", "queued")
	s.Close()
	crashDB(t, path, fmt.Sprintf(`UPDATE jobs SET status = 'running', backend = 'http://gpu0',
		started_at = CASE job_id WHEN 'saving' THEN %d ELSE %d END WHERE job_id IN ('saving', 'rendering')`,
		time.Now().Add(-time.Second).UnixMicro(), time.Now().UnixMicro()))
	open(t, path, Options{}) // recovers
	db := rawDB(t, path)
	if j := stored(t, db, "saving"); j.status != StatusQueued || j.attempts != 0 {
		t.Fatalf("saving = %+v, want queued with no attempt", j)
	}
	if j := stored(t, db, "rendering"); j.status != StatusQueued || j.attempts != 1 {
		t.Fatalf("rendering = %+v, want queued with 1 attempt", j)
	}
	equalIDs(t, "queue", storedQueue(t, db), []string{"saving", "rendering", "queued"})
}
