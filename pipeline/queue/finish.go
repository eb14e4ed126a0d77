package queue

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"stablenew/pipeline/runner"
)

// finish commits a job's outcome, then tells subscribers. It returns the
// executor's error when it means the WebUI is unavailable.
func (s *Service) finish(ctx context.Context, r *run, res *runner.Result, runErr error) error {
	now := s.clock.Now()
	r.pmu.Lock()
	r.ended = true
	stageDone := r.stageDone
	r.pmu.Unlock()
	log := s.log.With("job_id", r.id, "backend", r.w.name)

	s.mu.Lock()
	defer s.mu.Unlock()
	var change mirrorChange
	// write commits one transition and reads the job back for the mirror.
	write := func(fn func(tx *sql.Tx) error) error {
		return s.st.write(func(tx *sql.Tx) error {
			if err := fn(tx); err != nil {
				return err
			}
			var err error
			change, err = refreshChange(tx, r.id)
			return err
		})
	}
	reason := r.reason
	var (
		events  []Event
		down    error
		updates []rateUpdate
		err     error
		count   *int // the outcome counter to bump once committed
	)
	switch {
	case runErr == nil:
		if res == nil {
			res = &runner.Result{JobID: r.id}
		}
		took := measuredStageTimes(r.work, r.predicted, res, now.Sub(r.started))
		updates = s.eta.observe(r.modelKey, r.bucket, r.work, took)
		err = write(func(tx *sql.Tx) error {
			if err := completeStored(tx, r.id, res, now); err != nil {
				return err
			}
			return saveRates(tx, updates, now)
		})
		if err == nil {
			s.eta.apply(updates)
			count = &s.stats.Completed
			// Stages the runner did not announce while running (an executor
			// that reports no StageDone progress) are announced now.
			for i := stageDone; i < len(r.work); i++ {
				for _, sr := range res.Stages {
					if sr.Stage == r.work[i].stage {
						events = append(events, Event{Kind: StageFinished, JobID: r.id, Backend: r.w.name, Stage: sr.Stage, Outputs: sr.Outputs})
					}
				}
			}
			events = append(events, Event{Kind: JobFinished, JobID: r.id, Backend: r.w.name, Outputs: res.Outputs})
			log.Info("job completed", "outputs", len(res.Outputs), "took", now.Sub(r.started).Round(time.Millisecond))
		}
	case reason == stopPauseNow:
		err = write(func(tx *sql.Tx) error { return requeueStored(tx, r.id, true, 0, "") })
		events = append(events, Event{Kind: JobRequeued, JobID: r.id, Reason: "paused now: back at the front of the queue"})
		count = &s.stats.Requeued
		log.Info("job interrupted by pause; back at the front")
	case reason == stopCancel:
		err = write(func(tx *sql.Tx) error {
			return endStored(tx, r.id, StatusCancelled, "cancelled by the user", 0, now)
		})
		events = append(events, Event{Kind: JobCancelled, JobID: r.id, Reason: "cancelled by the user"})
		count = &s.stats.Cancelled
		log.Info("job cancelled by the user")
	case reason == stopRequeue:
		err = write(func(tx *sql.Tx) error { return requeueStored(tx, r.id, false, 0, "") })
		events = append(events, Event{Kind: JobRequeued, JobID: r.id, Reason: "cancelled and requeued at the bottom"})
		count = &s.stats.Requeued
		log.Info("job cancelled and requeued at the bottom")
	case ctx.Err() != nil || s.closed:
		err = write(func(tx *sql.Tx) error { return requeueStored(tx, r.id, true, 0, "") })
		events = append(events, Event{Kind: JobRequeued, JobID: r.id, Reason: "the worker stopped: back at the front of the queue"})
		count = &s.stats.Requeued
		log.Info("worker stopping; job back at the front", "err", runErr)
	case errors.Is(runErr, runner.ErrBackendUnavailable):
		down = runErr
		attempts := r.attempts + 1
		if attempts >= s.opts.MaxAttempts {
			msg := fmt.Sprintf("the WebUI became unavailable %d times while running this job (last: %v); "+
				"it may be crashing the WebUI (out of memory?). Retry it once the WebUI is stable", attempts, runErr)
			err = write(func(tx *sql.Tx) error { return endStored(tx, r.id, StatusFailed, msg, 1, now) })
			events = append(events, Event{Kind: JobFailed, JobID: r.id, Backend: r.w.name, Reason: msg})
			count = &s.stats.Failed
			log.Warn("job failed: WebUI unavailable too often", "attempts", attempts, "err", runErr)
		} else {
			err = write(func(tx *sql.Tx) error { return requeueStored(tx, r.id, true, 1, runErr.Error()) })
			events = append(events, Event{Kind: JobRequeued, JobID: r.id, Backend: r.w.name,
				Reason: "WebUI unavailable: back at the front of the queue: " + runErr.Error()})
			count = &s.stats.Requeued
			log.Warn("WebUI unavailable; job back at the front", "attempts", attempts, "err", runErr)
		}
	case errors.Is(runErr, runner.ErrMissingResource):
		// The job's WebUI lacks something it needs (its lists were not
		// read when the job was taken, or changed since). Nothing was
		// sent. Another WebUI may have it: back to the front for it.
		msg := runErr.Error()
		if other, _ := s.routerLocked(r.w).elsewhere(r.needs); other && len(s.workers) > 1 {
			err = write(func(tx *sql.Tx) error { return requeueStored(tx, r.id, true, 0, msg) })
			events = append(events, Event{Kind: JobRequeued, JobID: r.id, Backend: r.w.name,
				Reason: "back at the front for another WebUI: " + msg})
			count = &s.stats.Requeued
			log.Info("the WebUI lacks what the job needs; back at the front for another WebUI", "err", runErr)
		} else {
			err = write(func(tx *sql.Tx) error { return endStored(tx, r.id, StatusFailed, msg, 0, now) })
			events = append(events, Event{Kind: JobFailed, JobID: r.id, Backend: r.w.name, Reason: msg})
			count = &s.stats.Failed
			log.Warn("job failed: the WebUI lacks what it needs", "err", runErr)
		}
	case errors.Is(runErr, runner.ErrCancelled):
		msg := "interrupted outside StableNew (was Interrupt pressed in the WebUI?): " + runErr.Error()
		err = write(func(tx *sql.Tx) error { return endStored(tx, r.id, StatusCancelled, msg, 0, now) })
		events = append(events, Event{Kind: JobCancelled, JobID: r.id, Backend: r.w.name, Reason: msg})
		count = &s.stats.Cancelled
		log.Info("job interrupted outside StableNew", "err", runErr)
	default:
		msg := runErr.Error()
		err = write(func(tx *sql.Tx) error { return endStored(tx, r.id, StatusFailed, msg, 1, now) })
		events = append(events, Event{Kind: JobFailed, JobID: r.id, Backend: r.w.name, Reason: msg})
		count = &s.stats.Failed
		log.Warn("job failed", "err", runErr)
	}
	if err == nil {
		s.mirror.apply(change)
		if count != nil {
			*count++
		}
	}
	delete(s.runs, r.id)
	// The worker may have taken its next job while this one saved its
	// files: then it stays busy with that one.
	current := r.w.job == r.id
	if current {
		r.w.job = ""
	}
	if err != nil {
		// The job stays "running" in the database and is recovered at the
		// next Open; nothing is lost.
		log.Error("cannot record the job's outcome; it will be recovered at the next start", "err", err)
		r.w.state, r.w.message = BackendError, "cannot record a job: "+err.Error()
		events = []Event{{Kind: BackendChanged, Backend: r.w.name, State: r.w.state, Message: r.w.message}}
	} else if down == nil && current {
		r.w.state, r.w.message = BackendIdle, ""
		events = append(events, Event{Kind: BackendChanged, Backend: r.w.name, State: BackendIdle})
	}
	s.publish(events...)
	s.queueChanged()
	s.kickLocked() // a job put back may be for another worker
	return down
}
