package queue

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"time"

	"stablenew/pipeline"
	"stablenew/pipeline/runner"
)

// worker feeds one executor (one WebUI) from the queue.
type worker struct {
	s      *Service
	exec   runner.Executor
	name   string
	kick   chan struct{} // "the queue may have work": capacity 1
	cancel context.CancelFunc
	done   chan struct{}
	// finishing counts the worker's jobs that are still saving and
	// recording their outcome (at most two: one saving, one running).
	finishing sync.WaitGroup

	// Guarded by s.mu.
	state   BackendState
	message string
	job     string
}

// stopReason is why a running job was interrupted by the service.
type stopReason int

const (
	stopNone     stopReason = iota
	stopPauseNow            // back to the front, attempts unchanged
	stopCancel              // cancelled, into history
	stopRequeue             // back to the bottom
)

// run is one running job.
type run struct {
	id        string
	spec      *pipeline.JobSpec
	w         *worker
	attempts  int
	needs     string // resources.RequiredKey
	modelKey  string
	bucket    string
	work      []stageWork
	predicted []time.Duration
	started   time.Time
	ctx       context.Context
	cancel    context.CancelFunc
	reason    stopReason // guarded by s.mu
	// free is closed when the executor says the job's WebUI requests are
	// done (runner.Progress.RequestsDone).
	free     chan struct{}
	freeOnce sync.Once

	pmu       sync.Mutex
	progress  ProgressInfo // without the preview
	stageDone int          // stages announced as finished
	ended     bool
}

// Start adds one worker per executor and starts running the queue now: with
// auto-run off the workers take jobs until the queue is empty, then wait for
// the next Start. Call Start with no executors to run the queue on the
// workers already attached (the "Start queue" button). A worker stops when
// ctx is cancelled or the service is closed; a job it was running goes back
// to the front of the queue, not failed.
func (s *Service) Start(ctx context.Context, executors ...runner.Executor) error {
	return s.startWorkers(ctx, executors, true, nil)
}

// Attach adds one worker per executor without starting the queue: the
// workers take jobs when auto-run is on or after Start. Use it when the app
// starts and connects to its WebUIs.
func (s *Service) Attach(ctx context.Context, executors ...runner.Executor) error {
	return s.startWorkers(ctx, executors, false, nil)
}

func (s *Service) startWorkers(ctx context.Context, executors []runner.Executor, arm bool, wg *sync.WaitGroup) error {
	if err := s.lockWritable(); err != nil {
		return err
	}
	defer s.mu.Unlock()
	for i, e := range executors {
		if e == nil {
			return fmt.Errorf("executor %d is nil", i+1)
		}
		for w := range s.workers {
			if w.exec == e {
				return fmt.Errorf("WebUI %s is already attached to the queue", e.Name())
			}
		}
	}
	if len(executors) == 0 && len(s.workers) == 0 {
		return fmt.Errorf("%w: add a WebUI in Settings (or pass --webui) and start again", ErrNoExecutor)
	}
	for _, e := range executors {
		wctx, cancel := context.WithCancel(ctx)
		w := &worker{s: s, exec: e, name: e.Name(), kick: make(chan struct{}, 1), cancel: cancel,
			done: make(chan struct{}), state: BackendIdle}
		s.workers[w] = struct{}{}
		s.wg.Add(1)
		if wg != nil {
			wg.Add(1)
		}
		go func() {
			defer s.wg.Done()
			if wg != nil {
				defer wg.Done()
			}
			w.loop(wctx)
		}()
		s.log.Info("worker attached", "backend", w.name)
	}
	if arm {
		s.armed = true
	}
	s.kickLocked()
	return nil
}

// kickLocked wakes every idle worker to look for work.
func (s *Service) kickLocked() {
	for w := range s.workers {
		select {
		case w.kick <- struct{}{}:
		default:
		}
	}
}

func (s *Service) kick() {
	s.mu.Lock()
	s.kickLocked()
	s.mu.Unlock()
}

// Backends reports each attached worker's state.
func (s *Service) Backends() []BackendStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]BackendStatus, 0, len(s.workers))
	for w := range s.workers {
		out = append(out, BackendStatus{Name: w.name, State: w.state, Message: w.message, JobID: w.job,
			Model: w.exec.LoadedModel()})
	}
	return out
}

func (w *worker) setState(state BackendState, msg string) {
	s := w.s
	s.mu.Lock()
	changed := w.state != state || w.message != msg
	w.state, w.message = state, msg
	s.mu.Unlock()
	if changed {
		s.publish(Event{Kind: BackendChanged, Backend: w.name, State: state, Message: msg})
	}
}

func (w *worker) loop(ctx context.Context) {
	s := w.s
	defer func() {
		s.mu.Lock()
		delete(s.workers, w)
		s.mu.Unlock()
		s.log.Info("worker stopped", "backend", w.name)
		// Published before done is closed: Detach's QueueChanged, sent
		// once done is closed, must reach subscribers after "detached".
		s.publish(Event{Kind: BackendChanged, Backend: w.name, State: BackendIdle, Message: "detached"})
		close(w.done)
	}()
	// One process at a time works a WebUI: the lock is held until the
	// worker stops, and its jobs left running by a process that is gone go
	// back to the queue.
	lock, ok := w.lockWebUI(ctx)
	if !ok {
		return
	}
	defer lock.release()
	// Jobs still saving finish before the WebUI's lock is let go (another
	// process would take them for abandoned).
	defer w.finishing.Wait()
	s.recoverBackend(w.name)
	// Make sure the WebUI answers before taking a job, so a WebUI that is
	// still starting costs no attempt.
	if err := w.exec.Ping(ctx); err != nil {
		if !w.waitForBackend(ctx, err) {
			return
		}
	}
	w.interruptAbandoned(ctx)
	dbFailures := 0
	for ctx.Err() == nil {
		r, err := s.claim(ctx, w)
		if err != nil {
			s.log.Error("cannot take the next job", "backend", w.name, "err", err)
			w.setState(BackendError, "cannot read the queue: "+err.Error())
			select {
			case <-s.clock.After(max(s.opts.Backoff(dbFailures), MinBackoff)):
			case <-w.kick:
			case <-ctx.Done():
			}
			dbFailures++
			continue
		}
		if dbFailures > 0 {
			dbFailures = 0
			w.setState(BackendIdle, "")
		}
		if r == nil {
			select {
			case <-w.kick:
			case <-ctx.Done():
			}
			continue
		}
		if down := w.execute(ctx, r); down != nil {
			if !w.waitForBackend(ctx, down) {
				return
			}
		}
	}
}

// claim takes the next job for w, or returns nil when there is none or the
// queue must not start one now (paused, auto-run off and not started,
// closed). The job is marked running and committed before claim returns.
func (s *Service) claim(ctx context.Context, w *worker) (*run, error) {
	loaded := modelKey(w.exec.LoadedModel()) // asked before locking: it is the executor's call
	prefer := ""
	if s.affinity.Load() {
		prefer = loaded
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.claimChecks.Add(1)
	if s.closed || ctx.Err() != nil || s.paused || !(s.autoRun || s.armed) {
		return nil, nil
	}
	rt := s.routerLocked(w)
	now := s.clock.Now()
	var (
		c       *claimedJob
		spec    *pipeline.JobSpec
		failed  []claimedJob
		touched []string
		change  mirrorChange
	)
	// Unsynced: a claim lost to a power cut leaves the job queued (see
	// writeUnsynced); the job's completion is a synced commit.
	err := s.st.writeUnsynced(func(tx *sql.Tx) (err error) {
		c, spec, failed, touched = nil, nil, failed[:0], touched[:0]
		defer func() {
			if err == nil {
				change, err = refreshChange(tx, touched...)
			}
		}()
		for {
			next, nowhere, err := claimNext(tx, prefer, w.name, now, rt)
			if err != nil {
				return err
			}
			for _, n := range nowhere {
				// No attached WebUI has what the job needs: fail it now,
				// before any request, naming what is missing where.
				touched = append(touched, n.id)
				n.reason, n.nowhere = "no WebUI can run this job: "+n.reason, true
				if err := failQueued(tx, n.id, n.reason, now); err != nil {
					return err
				}
				failed = append(failed, n)
			}
			if next == nil {
				return nil
			}
			touched = append(touched, next.id)
			js, err := decodeSpec(next.spec)
			if err != nil {
				// A stored job this build can no longer run: fail it and go on.
				next.reason = "the stored job cannot run with this StableNew: " + err.Error() +
					"; build it again from its pack"
				if err := endStored(tx, next.id, StatusFailed, next.reason, 0, now); err != nil {
					return err
				}
				failed = append(failed, *next)
				continue
			}
			c, spec = next, js
			return nil
		}
	})
	if err != nil {
		return nil, err
	}
	s.mirror.apply(change)
	for _, f := range failed {
		s.stats.Failed++
		if f.nowhere {
			s.log.Warn("job failed before any request: no WebUI can run it", "job_id", f.id, "reason", f.reason)
		} else {
			s.log.Warn("stored job failed validation", "job_id", f.id, "reason", f.reason)
		}
		s.publish(Event{Kind: JobFailed, JobID: f.id, Reason: f.reason})
	}
	if c == nil {
		if len(failed) > 0 {
			s.queueChanged()
		}
		if len(s.runs) == 0 {
			s.armed = false // the queue ran empty: with auto-run off, wait for the next Start
		}
		return nil, nil
	}
	work, _ := parseWork(c.work)
	model := c.modelKey
	if model == "" {
		model = loaded // the job keeps whatever the WebUI has loaded
	}
	if c.needs == "" {
		c.needs = requiredKey(spec) // a job stored before the needs column
	}
	r := &run{id: c.id, spec: spec, w: w, attempts: c.attempts, needs: c.needs, modelKey: model,
		bucket: resolutionBucket(c.width, c.height), work: work, started: now, free: make(chan struct{})}
	r.predicted, _ = s.eta.stageTimes(r.modelKey, r.bucket, work)
	r.ctx, r.cancel = context.WithCancel(ctx)
	r.progress.StageTotal = len(work)
	s.runs[r.id] = r
	w.job = r.id
	w.state, w.message = BackendBusy, "running "+r.id
	s.log.Info("job started", "job_id", r.id, "backend", w.name, "attempts", r.attempts, "model", spec.Config.Txt2Img.Model)
	s.publish(
		Event{Kind: JobStarted, JobID: r.id, Backend: w.name},
		Event{Kind: BackendChanged, Backend: w.name, State: BackendBusy, Message: w.message},
	)
	s.queueChanged()
	return r, nil
}

type claimedJob struct {
	id            string
	spec          []byte
	attempts      int
	modelKey      string
	width, height int
	work          string
	needs         string
	reason        string
	nowhere       bool // failed because no WebUI can run it
}

// claimNext marks the first queued job rt lets w take as running (among
// the jobs for preferModel first, when set) and returns it, or nil. Jobs
// no WebUI can run, met on the way, are returned in nowhere, with their
// reason, to be failed.
func claimNext(tx *sql.Tx, preferModel, backend string, now time.Time, rt *router) (*claimedJob, []claimedJob, error) {
	var nowhere []claimedJob
	seen := map[string]bool{}
	pick := func(query string, args ...any) (string, error) {
		rows, err := tx.Query(query, args...)
		if err != nil {
			return "", err
		}
		defer rows.Close()
		for rows.Next() {
			var id, needs string
			if err := rows.Scan(&id, &needs); err != nil {
				return "", err
			}
			switch act, reason := rt.decide(needs); act {
			case routeTake:
				return id, rows.Err()
			case routeFail:
				if !seen[id] {
					seen[id] = true
					nowhere = append(nowhere, claimedJob{id: id, reason: reason})
				}
			}
		}
		return "", rows.Err()
	}
	var id string
	var err error
	if preferModel != "" {
		id, err = pick(`SELECT job_id, needs FROM jobs WHERE status = 'queued' AND model_key = ? ORDER BY position`, preferModel)
		if err != nil {
			return nil, nil, err
		}
	}
	if id == "" {
		if id, err = pick(`SELECT job_id, needs FROM jobs WHERE status = 'queued' ORDER BY position`); err != nil || id == "" {
			return nil, nowhere, err
		}
	}
	c := &claimedJob{id: id}
	var rowid int64
	err = tx.QueryRow(`UPDATE jobs SET status = 'running', started_at = ?, finished_at = NULL, backend = ?
		WHERE job_id = ? AND status = 'queued'
		RETURNING id, attempts, model_key, width, height, work, needs`, dbTime(now), backend, id).
		Scan(&rowid, &c.attempts, &c.modelKey, &c.width, &c.height, &c.work, &c.needs)
	if err != nil {
		return nil, nil, err
	}
	if err := tx.QueryRow(`SELECT spec FROM job_data WHERE id = ?`, rowid).Scan(&c.spec); err != nil {
		return nil, nil, fmt.Errorf("read job %s: %w", id, err)
	}
	return c, nowhere, nil
}

// decodeSpec reads a stored JobSpec and checks that it can still run.
func decodeSpec(data []byte) (*pipeline.JobSpec, error) {
	var j pipeline.JobSpec
	if err := json.Unmarshal(data, &j); err != nil {
		return nil, fmt.Errorf("it does not decode: %w", err)
	}
	if err := checkSpec(&j); err != nil {
		return nil, err
	}
	return &j, nil
}

// checkSpec is what every job must satisfy to be stored or run.
func checkSpec(j *pipeline.JobSpec) error {
	if j.JobID == "" {
		return errors.New("it has no job_id")
	}
	if j.Config == nil {
		return errors.New("it has no pipeline_config")
	}
	return j.Config.Validate()
}

// execute runs one claimed job and returns when the WebUI is free for the
// next one: when the job has ended and its outcome is committed, or, with
// an executor that says so (runner.Progress.RequestsDone), as soon as the
// job's last WebUI request has returned. The job then saves its files and
// commits its outcome in the background while the worker takes the next
// job, so the GPU does not wait for the disk; the job is recorded as
// completed only once its executor has returned (its files are synced). It
// returns the error when the WebUI turned out to be unavailable.
func (w *worker) execute(ctx context.Context, r *run) error {
	ended := make(chan error, 1)
	w.finishing.Add(1)
	go func() {
		defer w.finishing.Done()
		res, err := w.runExecutor(r)
		ended <- w.s.finish(ctx, r, res, err)
	}()
	select {
	case <-r.free:
		return nil
	case down := <-ended:
		return down
	}
}

// runExecutor calls the executor, turning a panic into an error so that one
// bad job cannot take the worker down.
func (w *worker) runExecutor(r *run) (res *runner.Result, err error) {
	defer func() {
		if p := recover(); p != nil {
			w.s.log.Error("runner panicked", "job_id", r.id, "backend", w.name, "panic", p, "stack", string(debug.Stack()))
			res, err = nil, fmt.Errorf("the runner crashed (a StableNew bug, please report it): %v", p)
		}
	}()
	defer r.cancel()
	return w.exec.Run(r.ctx, r.spec, func(p runner.Progress) { w.s.onProgress(r, p) })
}
