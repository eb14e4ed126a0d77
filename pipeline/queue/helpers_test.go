package queue

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"stablenew/pipeline"
	"stablenew/pipeline/runner"
)

// fakeExecutor is a small, honest runner.Executor. By default a job
// completes at once. With hold set, Run blocks until the test calls finish
// for that job or the context is cancelled (it then returns an error
// wrapping runner.ErrCancelled, as the real runner does). Errors, progress
// callbacks, model switching and pings are configurable.
type fakeExecutor struct {
	name string

	mu       sync.Mutex
	model    string                   // LoadedModel
	hold     bool                     // Run waits for finish(id) or ctx
	slowStop bool                     // with hold: ignore ctx until finish(id), like a WebUI slow to interrupt
	gates    map[string]chan fakeDone // per job
	errs     map[string][]error       // errors to return, per job, one per call
	progress int                      // progress callbacks per job
	preview  []byte
	stages   bool // report stage timings in the Result
	calls    []string
	active   int // Runs in progress
	maxAct   int // most Runs in progress at once
	skips    int
	pingErr  error
	pings    int
	// interrupts records Interrupt calls, as "interrupt" entries in calls.
	interrupts int
}

type fakeDone struct{ err error }

func newFake(name string) *fakeExecutor {
	return &fakeExecutor{name: name, gates: map[string]chan fakeDone{}, errs: map[string][]error{}}
}

func (f *fakeExecutor) gate(id string) chan fakeDone {
	g, ok := f.gates[id]
	if !ok {
		g = make(chan fakeDone, 1)
		f.gates[id] = g
	}
	return g
}

// finish lets a held job end with err (nil: success).
func (f *fakeExecutor) finish(id string, err error) {
	f.mu.Lock()
	g := f.gate(id)
	f.mu.Unlock()
	g <- fakeDone{err: err}
}

// failNext makes the next Runs of a job return these errors, in turn.
func (f *fakeExecutor) failNext(id string, errs ...error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.errs[id] = append(f.errs[id], errs...)
}

func (f *fakeExecutor) setHold(on bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.hold = on
}

func (f *fakeExecutor) setPingErr(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pingErr = err
}

func (f *fakeExecutor) Run(ctx context.Context, job *pipeline.JobSpec, onProgress func(runner.Progress)) (*runner.Result, error) {
	start := time.Now()
	f.mu.Lock()
	f.calls = append(f.calls, job.JobID)
	f.active++
	f.maxAct = max(f.maxAct, f.active)
	if m := job.Config.Txt2Img.Model; m != "" {
		f.model = m // the WebUI switches to the job's checkpoint
	}
	hold, n, preview, slowStop := f.hold, f.progress, f.preview, f.slowStop
	var err error
	if q := f.errs[job.JobID]; len(q) > 0 {
		err, f.errs[job.JobID] = q[0], q[1:]
	}
	gate := f.gate(job.JobID)
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.active--
		f.mu.Unlock()
	}()
	stages := job.Stages()
	for i := 0; i < n; i++ {
		onProgress(runner.Progress{JobID: job.JobID, Stage: stages[0], StageTotal: len(stages), Step: i + 1,
			Steps: n, Fraction: float64(i+1) / float64(n+1), ETA: time.Duration(n-i) * time.Millisecond, Preview: preview})
	}
	if err != nil {
		if errors.Is(err, runner.ErrBackendUnavailable) {
			f.setPingErr(err) // the WebUI went away
		}
		return nil, err
	}
	if hold && slowStop {
		if d := <-gate; d.err != nil {
			return nil, d.err
		}
	} else if hold {
		select {
		case d := <-gate:
			if d.err != nil {
				return nil, d.err
			}
		case <-ctx.Done():
			return nil, fmt.Errorf("WebUI interrupted: %w", runner.ErrCancelled)
		}
	}
	res := &runner.Result{JobID: job.JobID, Outputs: []string{job.JobID + ".png"}, Model: job.Config.Txt2Img.Model}
	if f.stages {
		t := start
		for _, st := range stages {
			res.Stages = append(res.Stages, runner.StageResult{Stage: st, Outputs: []string{job.JobID + "-" + string(st) + ".png"},
				Started: t, Finished: t.Add(2 * time.Second)})
			t = t.Add(2 * time.Second)
		}
	}
	return res, nil
}

func (f *fakeExecutor) Skip(context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.skips++
	return nil
}

// Interrupt records that the WebUI was told to stop what it renders; it is
// listed in calls, so tests see whether it came before a job.
func (f *fakeExecutor) Interrupt(context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.interrupts++
	f.calls = append(f.calls, "interrupt")
	return nil
}

func (f *fakeExecutor) Ping(context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pings++
	return f.pingErr
}

func (f *fakeExecutor) Name() string { return f.name }

func (f *fakeExecutor) LoadedModel() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.model
}

func (f *fakeExecutor) runs() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

// fakeClock is a Clock whose timers fire only when the test advances it.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []fakeTimer
}

type fakeTimer struct {
	at time.Time
	ch chan time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	c.timers = append(c.timers, fakeTimer{c.now.Add(d), ch})
	return ch
}

// waiters is the number of pending timers.
func (c *fakeClock) waiters() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}

// pendingWaits lists the pending timers' durations from now.
func (c *fakeClock) pendingWaits() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []time.Duration
	for _, t := range c.timers {
		out = append(out, t.at.Sub(c.now))
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	keep := c.timers[:0]
	for _, t := range c.timers {
		if !t.at.After(c.now) {
			t.ch <- c.now
		} else {
			keep = append(keep, t)
		}
	}
	c.timers = keep
}

var quietLog = slog.New(slog.NewTextHandler(io.Discard, nil))

func testPath(t *testing.T) string {
	return DefaultPath(t.TempDir())
}

// open opens a service on path with quiet logs and closes it at the end.
func open(t *testing.T, path string, opts Options) *Service {
	t.Helper()
	if opts.Logger == nil {
		opts.Logger = quietLog
	}
	s, err := Open(path, opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func newService(t *testing.T, opts Options) *Service {
	t.Helper()
	return open(t, testPath(t), opts)
}

var testCreated = time.Date(2026, 2, 3, 4, 5, 6, 0, time.UTC)

// testJob builds a valid JobSpec the way the JobBuilder would.
// testOutputRoot is the output folder of testJob's jobs (nothing is
// written there: the tests' executors are fakes).
var testOutputRoot = filepath.Join(os.TempDir(), "stablenew-queue-test-output")

func testJob(id string, mods ...func(*pipeline.JobSpec)) pipeline.JobSpec {
	c := pipeline.Defaults()
	c.Txt2Img.Model = "modelA.safetensors [abc123]"
	c.Prompt.Positive = "a knight in shining armour, " + id
	c.Prompt.Negative = "blurry"
	j := pipeline.JobSpec{JobID: id, RunMode: pipeline.RunModeQueue, Source: pipeline.SourceAddToQueue,
		PackID: "knights", Config: &c, VariantTotal: 1, BatchTotal: 1, OutputDir: filepath.Join(testOutputRoot, "knights"),
		FilenameTemplate: c.Output.FilenameTemplate, Seed: 1234, SeedMode: pipeline.SeedFixed, CreatedAt: testCreated}
	for _, m := range mods {
		m(&j)
	}
	return j
}

func withModel(m string) func(*pipeline.JobSpec) {
	return func(j *pipeline.JobSpec) {
		c := *j.Config
		c.Txt2Img.Model = m
		j.Config = &c
	}
}

func ids(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%d", prefix, i+1)
	}
	return out
}

func jobs(idList ...string) []pipeline.JobSpec {
	out := make([]pipeline.JobSpec, len(idList))
	for i, id := range idList {
		out[i] = testJob(id)
	}
	return out
}

func submit(t *testing.T, s *Service, front bool, idList ...string) {
	t.Helper()
	if err := s.Submit(jobs(idList...), front); err != nil {
		t.Fatalf("Submit: %v", err)
	}
}

// waitFor waits until cond holds, re-checking at every change of the
// service (and every 20 ms for conditions outside it), failing after 10 s.
func waitFor(t *testing.T, s *Service, what string, cond func() bool) {
	t.Helper()
	deadline := time.NewTimer(10 * time.Second)
	defer deadline.Stop()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		changed := s.changed()
		if cond() {
			return
		}
		select {
		case <-changed:
		case <-tick.C:
		case <-deadline.C:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// kickAndSettle wakes the workers and waits until one of them has looked
// for a job, so a test can check that nothing was started.
func kickAndSettle(t *testing.T, s *Service) {
	t.Helper()
	before := s.claimChecks.Load()
	s.kick()
	waitFor(t, s, "a worker to look for a job", func() bool { return s.claimChecks.Load() > before })
}

func (f *fakeExecutor) pingCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.pings
}

// rawDB opens the service's database file directly, read-only, so tests
// assert on what is stored rather than on what the service says.
func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open(driverName, readOnlyDSN(path))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

type storedJob struct {
	status   Status
	attempts int
	position float64
	errText  string
	backend  string
}

func stored(t *testing.T, db *sql.DB, id string) storedJob {
	t.Helper()
	var j storedJob
	var st string
	err := db.QueryRow(`SELECT status, attempts, position, error, backend FROM jobs WHERE job_id = ?`, id).
		Scan(&st, &j.attempts, &j.position, &j.errText, &j.backend)
	if err != nil {
		t.Fatalf("read job %s from the store: %v", id, err)
	}
	j.status = Status(st)
	return j
}

func statusIs(t *testing.T, db *sql.DB, id string, want Status) func() bool {
	return func() bool {
		var st string
		if err := db.QueryRow(`SELECT status FROM jobs WHERE job_id = ?`, id).Scan(&st); err != nil {
			return false
		}
		return Status(st) == want
	}
}

// storedQueue is the queued jobs' ids in position order, read from the store.
func storedQueue(t *testing.T, db *sql.DB) []string {
	t.Helper()
	return queryIDs(t, db, `SELECT job_id FROM jobs WHERE status = 'queued' ORDER BY position`)
}

// queryIDs runs a query whose rows are one job id each.
func queryIDs(t *testing.T, db *sql.DB, query string) []string {
	t.Helper()
	rows, err := db.Query(query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		out = append(out, id)
	}
	return out
}

func countStatus(t *testing.T, db *sql.DB, st Status) int {
	t.Helper()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM jobs WHERE status = ?`, string(st)).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func equalIDs(t *testing.T, what string, got, want []string) {
	t.Helper()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("%s:\n got %v\nwant %v", what, got, want)
	}
}

// pending is the number of events not yet handed to the channel.
func (s *subscriber) pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queue) - s.head - s.holes
}
