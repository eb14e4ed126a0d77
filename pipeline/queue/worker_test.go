package queue

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"stablenew/pipeline"
	"stablenew/pipeline/runner"
)

// Two workers share one queue and never run the same job.
func TestTwoWorkersRunEachJobOnce(t *testing.T) {
	t.Parallel()
	s := newService(t, Options{})
	db := rawDB(t, s.Path())
	submit(t, s, false, ids("j", 200)...)
	a, b := newFake("gpu0"), newFake("gpu1")
	sum, err := s.RunUntilEmpty(t.Context(), a, b)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Completed != 200 || sum.Failed != 0 {
		t.Fatalf("summary = %+v", sum)
	}
	seen := map[string]int{}
	for _, id := range append(a.runs(), b.runs()...) {
		seen[id]++
	}
	for _, id := range ids("j", 200) {
		if seen[id] != 1 {
			t.Fatalf("job %s ran %d times", id, seen[id])
		}
	}
	if len(a.runs()) == 0 || len(b.runs()) == 0 {
		t.Fatalf("one worker did everything: %d / %d", len(a.runs()), len(b.runs()))
	}
	if n := countStatus(t, db, StatusCompleted); n != 200 {
		t.Fatalf("%d completed in the store", n)
	}
	var backends int
	db.QueryRow(`SELECT count(DISTINCT backend) FROM jobs`).Scan(&backends)
	if backends != 2 {
		t.Fatalf("jobs record %d backends, want 2", backends)
	}
}

func TestCheckpointAffinity(t *testing.T) {
	t.Parallel()
	order := []struct{ id, model string }{
		{"a1", "modelA.safetensors [abc]"}, {"b1", "modelB"}, {"a2", "modelA"}, {"b2", "SDXL/modelB.safetensors [123]"}, {"a3", "modelA"},
	}
	run := func(affinity bool) []string {
		s := newService(t, Options{CheckpointAffinity: affinity})
		var list []pipeline.JobSpec
		for _, o := range order {
			list = append(list, testJob(o.id, withModel(o.model)))
		}
		if err := s.Submit(list, false); err != nil {
			t.Fatal(err)
		}
		f := newFake("gpu0")
		f.model = "modelB.safetensors [123]" // the WebUI has B loaded
		if _, err := s.RunUntilEmpty(t.Context(), f); err != nil {
			t.Fatal(err)
		}
		return f.runs()
	}
	equalIDs(t, "queue order without affinity", run(false), []string{"a1", "b1", "a2", "b2", "a3"})
	// B is loaded: run the Bs first, then switch to A once.
	equalIDs(t, "order with affinity", run(true), []string{"b1", "b2", "a1", "a2", "a3"})
}

// The WebUI goes away mid-job: the job goes back to the front (attempts+1,
// not failed), the worker waits for the WebUI with backoff on the injected
// clock, and resumes by itself when Ping answers.
func TestBackendUnavailableWaitsAndResumes(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	s := newService(t, Options{Clock: clk})
	db := rawDB(t, s.Path())
	f := newFake("gpu0")
	down := fmt.Errorf("POST /sdapi/v1/txt2img: connection refused: %w", runner.ErrBackendUnavailable)
	f.failNext("j1", down)
	submit(t, s, false, "j1", "j2")
	events, stop := s.Subscribe(1000)
	defer stop()
	if err := s.Start(t.Context(), f); err != nil {
		t.Fatal(err)
	}
	waitFor(t, s, "waiting state", func() bool {
		b := s.Backends()
		return len(b) == 1 && b[0].State == BackendWaiting
	})
	j1 := stored(t, db, "j1")
	if j1.status != StatusQueued || j1.attempts != 1 || !strings.Contains(j1.errText, "connection refused") {
		t.Fatalf("j1 = %+v, want queued with attempts 1 and the reason", j1)
	}
	equalIDs(t, "queue", storedQueue(t, db), []string{"j1", "j2"})
	if msg := s.Backends()[0].Message; !strings.Contains(msg, "waiting for WebUI") || !strings.Contains(msg, "connection refused") {
		t.Fatalf("backend message = %q", msg)
	}
	// Backoff grows: 1 s, 2 s, 4 s; every wait is on the fake clock.
	for _, want := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second} {
		waitFor(t, s, "a backoff timer", func() bool { return clk.waiters() == 1 })
		if got := clk.pendingWaits()[0]; got != want {
			t.Fatalf("backoff = %v, want %v", got, want)
		}
		pings := f.pingCount()
		clk.advance(want)
		waitFor(t, s, "a ping", func() bool { return f.pingCount() > pings })
	}
	if n := len(f.runs()); n != 1 {
		t.Fatalf("executor ran %d times while the WebUI was down", n)
	}
	f.setPingErr(nil) // the WebUI is back
	waitFor(t, s, "a backoff timer", func() bool { return clk.waiters() == 1 })
	clk.advance(8 * time.Second)
	waitFor(t, s, "all completed", func() bool { return countStatus(t, db, StatusCompleted) == 2 })
	equalIDs(t, "run order", f.runs(), []string{"j1", "j1", "j2"})
	if j := stored(t, db, "j1"); j.attempts != 1 || j.errText != "" {
		t.Fatalf("j1 after success = %+v", j)
	}
	// The GUI saw the states in order: busy, waiting, idle, busy...
	var states []BackendState
	for len(states) < 4 {
		select {
		case e := <-events:
			if e.Kind == BackendChanged && (len(states) == 0 || states[len(states)-1] != e.State) {
				states = append(states, e.State)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("backend states so far: %v", states)
		}
	}
	if fmt.Sprint(states) != fmt.Sprint([]BackendState{BackendBusy, BackendWaiting, BackendIdle, BackendBusy}) {
		t.Fatalf("backend states = %v", states)
	}
}

// A job that takes the WebUI down every time fails after MaxAttempts.
func TestBackendUnavailableTooOftenFailsTheJob(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	s := newService(t, Options{Clock: clk, MaxAttempts: 2, Backoff: func(int) time.Duration { return time.Second }})
	db := rawDB(t, s.Path())
	f := newFake("gpu0")
	down := fmt.Errorf("connection reset: %w", runner.ErrBackendUnavailable)
	f.failNext("poison", down, down)
	submit(t, s, false, "poison", "ok")
	s.Start(t.Context(), f)
	waitFor(t, s, "first outage", func() bool { return stored(t, db, "poison").attempts == 1 && clk.waiters() == 1 })
	f.setPingErr(nil)
	clk.advance(time.Second)
	waitFor(t, s, "poison failed", statusIs(t, db, "poison", StatusFailed))
	j := stored(t, db, "poison")
	if j.attempts != 2 || !strings.Contains(j.errText, "unavailable 2 times") || !strings.Contains(j.errText, "connection reset") {
		t.Fatalf("poison = %+v", j)
	}
	waitFor(t, s, "a backoff timer", func() bool { return clk.waiters() == 1 })
	f.setPingErr(nil)
	clk.advance(time.Second)
	waitFor(t, s, "ok completed", statusIs(t, db, "ok", StatusCompleted))
}

// With two WebUIs, an outage of one does not stop the queue: the idle
// worker is woken and takes the job that was put back.
func TestOtherWorkerTakesOverDuringOutage(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	s := newService(t, Options{Clock: clk})
	db := rawDB(t, s.Path())
	a, b := newFake("gpu0"), newFake("gpu1")
	a.setHold(true)
	submit(t, s, false, "j1")
	s.Start(t.Context(), a)
	waitFor(t, s, "j1 running on gpu0", statusIs(t, db, "j1", StatusRunning))
	s.Start(t.Context(), b)
	waitFor(t, s, "gpu1 idle", func() bool { return b.pingCount() > 0 })
	kickAndSettle(t, s) // gpu1 has looked and found nothing
	down := fmt.Errorf("dial tcp: %w", runner.ErrBackendUnavailable)
	a.setPingErr(down)
	a.finish("j1", down) // gpu0's WebUI dies mid-job
	waitFor(t, s, "j1 completed", statusIs(t, db, "j1", StatusCompleted))
	equalIDs(t, "gpu1 ran", b.runs(), []string{"j1"})
	if j := stored(t, db, "j1"); j.attempts != 1 || j.backend != "gpu1" {
		t.Fatalf("j1 = %+v", j)
	}
}

// Cancelling the worker's context interrupts the running job and leaves it
// queued, not failed, with attempts unchanged.
func TestStopLeavesRunningJobQueued(t *testing.T) {
	t.Parallel()
	s := newService(t, Options{})
	db := rawDB(t, s.Path())
	f := newFake("gpu0")
	f.setHold(true)
	submit(t, s, false, "j1", "j2")
	ctx, cancel := context.WithCancel(t.Context())
	s.Start(ctx, f)
	waitFor(t, s, "j1 running", statusIs(t, db, "j1", StatusRunning))
	cancel()
	waitFor(t, s, "worker gone", func() bool { return len(s.Backends()) == 0 })
	j := stored(t, db, "j1")
	if j.status != StatusQueued || j.attempts != 0 || j.errText != "" {
		t.Fatalf("j1 = %+v, want queued, attempts 0", j)
	}
	equalIDs(t, "queue", storedQueue(t, db), []string{"j1", "j2"})
}

func TestCloseLeavesRunningJobQueued(t *testing.T) {
	t.Parallel()
	path := testPath(t)
	s, _ := Open(path, Options{Logger: quietLog})
	f := newFake("gpu0")
	f.setHold(true)
	submit(t, s, false, "j1")
	s.Start(context.Background(), f)
	db := rawDB(t, path)
	waitFor(t, s, "j1 running", statusIs(t, db, "j1", StatusRunning))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if j := stored(t, db, "j1"); j.status != StatusQueued || j.attempts != 0 {
		t.Fatalf("after Close j1 = %+v", j)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if err := s.Submit(jobs("x"), false); !errors.Is(err, ErrClosed) {
		t.Fatalf("Submit after Close = %v", err)
	}
}

type panicky struct{ *fakeExecutor }

func (p panicky) Run(ctx context.Context, job *pipeline.JobSpec, on func(runner.Progress)) (*runner.Result, error) {
	if job.JobID == "bad" {
		panic("index out of range") // a runner bug
	}
	return p.fakeExecutor.Run(ctx, job, on)
}

func TestRunnerPanicFailsOnlyThatJob(t *testing.T) {
	t.Parallel()
	s := newService(t, Options{})
	db := rawDB(t, s.Path())
	submit(t, s, false, "bad", "good")
	sum, err := s.RunUntilEmpty(t.Context(), panicky{newFake("gpu0")})
	if err != nil || sum.Failed != 1 || sum.Completed != 1 {
		t.Fatalf("RunUntilEmpty = %+v, %v", sum, err)
	}
	if j := stored(t, db, "bad"); !strings.Contains(j.errText, "runner crashed") {
		t.Fatalf("bad = %+v", j)
	}
}

// Progress is reported with stage changes, and a finished job reports its
// stages and outputs.
func TestProgressAndStageEvents(t *testing.T) {
	t.Parallel()
	s := newService(t, Options{})
	f := newFake("gpu0")
	f.stages = true
	ch, stop := s.Subscribe(10000)
	defer stop()
	j := testJob("j1", func(j *pipeline.JobSpec) { j.Config.Upscale.Enabled = true })
	s.Submit([]pipeline.JobSpec{j}, false)
	var mu sync.Mutex
	var got []Event
	done := make(chan struct{})
	go func() {
		defer close(done)
		for e := range ch {
			mu.Lock()
			got = append(got, e)
			mu.Unlock()
			if e.Kind == JobFinished {
				return
			}
		}
	}()
	f.progress = 3
	if _, err := s.RunUntilEmpty(t.Context(), f); err != nil {
		t.Fatal(err)
	}
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("no JobFinished event")
	}
	mu.Lock()
	defer mu.Unlock()
	var kinds []string
	var stages []pipeline.StageType
	last := 0
	for _, e := range got {
		switch e.Kind {
		case JobStarted, JobFinished:
			kinds = append(kinds, e.Kind.String())
		case JobProgress:
			// Progress is coalesced: the subscriber may get fewer, never stale.
			if e.Progress.ETA <= 0 {
				t.Errorf("progress without ETA: %+v", e.Progress)
			}
			if last = e.Progress.Step; kinds[len(kinds)-1] != "progress" {
				kinds = append(kinds, e.Kind.String())
			}
		case StageFinished:
			stages = append(stages, e.Stage)
			if len(e.Outputs) != 1 {
				t.Errorf("stage %s outputs %v", e.Stage, e.Outputs)
			}
		}
		if e.Kind == JobFinished && (len(e.Outputs) != 1 || e.Outputs[0] != "j1.png") {
			t.Errorf("JobFinished outputs = %v", e.Outputs)
		}
	}
	if strings.Join(kinds, ",") != "job_started,progress,job_finished" || last != 3 {
		t.Fatalf("events = %v, last step %d", kinds, last)
	}
	if fmt.Sprint(stages) != "[txt2img adetailer upscale]" {
		t.Fatalf("stages finished = %v", stages)
	}
}

func TestStartNeedsAnExecutor(t *testing.T) {
	t.Parallel()
	s := newService(t, Options{})
	if err := s.Start(t.Context()); !errors.Is(err, ErrNoExecutor) {
		t.Fatalf("Start() = %v", err)
	}
	f := newFake("gpu0")
	s.Attach(t.Context(), f)
	if err := s.Attach(t.Context(), f); err == nil {
		t.Fatal("the same executor was attached twice")
	}
}
