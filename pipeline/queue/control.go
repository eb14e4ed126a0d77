package queue

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"stablenew/pipeline/runner"
)

// Pause stops the queue from starting jobs; running jobs finish. The flag
// is persisted, so a paused queue stays paused after a restart.
func (s *Service) Pause() error {
	if err := s.lockWritable(); err != nil {
		return err
	}
	defer s.mu.Unlock()
	return s.setPausedLocked(true)
}

// Resume lets the queue start jobs again.
func (s *Service) Resume() error {
	if err := s.lockWritable(); err != nil {
		return err
	}
	defer s.mu.Unlock()
	if err := s.setPausedLocked(false); err != nil {
		return err
	}
	s.kickLocked()
	return nil
}

func (s *Service) setPausedLocked(on bool) error {
	if s.paused == on {
		return nil
	}
	if err := s.st.write(func(tx *sql.Tx) error { return saveSetting(tx, settingPaused, on) }); err != nil {
		return fmt.Errorf("save the paused state: %w", err)
	}
	s.paused = on
	if on {
		s.log.Info("queue paused")
		s.publish(Event{Kind: Paused})
	} else {
		s.log.Info("queue resumed")
		s.publish(Event{Kind: Resumed})
	}
	return nil
}

// PauseNow pauses the queue and interrupts the running jobs: each goes back
// to the front of the queue, in its order, with attempts unchanged and no
// failure recorded. Resume runs them again first. PauseNow returns once the
// interrupts are sent; the jobs are back in the queue when the executors
// return (JobRequeued events).
func (s *Service) PauseNow() error {
	if err := s.lockWritable(); err != nil {
		return err
	}
	defer s.mu.Unlock()
	if err := s.setPausedLocked(true); err != nil {
		return err
	}
	var targets []*run
	for _, r := range s.runs {
		targets = append(targets, r)
	}
	return s.stopLocked(targets, stopPauseNow, "pause now")
}

// CancelRunning interrupts running jobs and records them as cancelled (in
// history): the jobs with the given ids, or every running job when no id is
// given. It returns ErrNotRunning when none of them is running.
func (s *Service) CancelRunning(ids ...string) error {
	return s.interrupt(stopCancel, "cancel", ids)
}

// CancelAndRequeue interrupts running jobs (the given ids, or all) and puts
// them back at the bottom of the queue, attempts unchanged.
func (s *Service) CancelAndRequeue(ids ...string) error {
	return s.interrupt(stopRequeue, "cancel and requeue", ids)
}

func (s *Service) interrupt(reason stopReason, what string, ids []string) error {
	if err := s.lockWritable(); err != nil {
		return err
	}
	defer s.mu.Unlock()
	targets, err := s.runningLocked(ids)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return s.stopLocked(targets, reason, what)
}

// stopLocked commits the interrupt requests, then interrupts the jobs.
func (s *Service) stopLocked(targets []*run, reason stopReason, what string) error {
	var todo []*run
	for _, r := range targets {
		if r.reason == stopNone { // the first request wins
			todo = append(todo, r)
		}
	}
	if len(todo) == 0 {
		return nil
	}
	if err := s.st.write(func(tx *sql.Tx) error {
		for _, r := range todo {
			if err := requestStop(tx, r.id, reason); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	for _, r := range todo {
		s.log.Info("interrupting job: "+what, "job_id", r.id, "backend", r.w.name)
		r.reason = reason
		r.cancel()
	}
	return nil
}

// runningLocked returns the running jobs named by ids, or all when ids is
// empty.
func (s *Service) runningLocked(ids []string) ([]*run, error) {
	var out []*run
	if len(ids) == 0 {
		for _, r := range s.runs {
			out = append(out, r)
		}
	} else {
		var missing []string
		for _, id := range ids {
			if r, ok := s.runs[id]; ok {
				out = append(out, r)
			} else {
				missing = append(missing, id)
			}
		}
		if len(out) == 0 {
			return nil, fmt.Errorf("%w: %s (it may have finished already)", ErrNotRunning, strings.Join(missing, ", "))
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: no job is running", ErrNotRunning)
	}
	return out, nil
}

// Skip asks the WebUI to skip the image it is sampling now; the job goes on
// with the rest of its batch. It applies to the given running jobs, or to
// every running job when no id is given.
func (s *Service) Skip(ctx context.Context, ids ...string) error {
	if err := s.writable(); err != nil {
		return err
	}
	s.mu.Lock()
	targets, err := s.runningLocked(ids)
	var execs []runner.Executor
	for _, r := range targets {
		execs = append(execs, r.w.exec)
		s.log.Info("skipping the current image", "job_id", r.id, "backend", r.w.name)
	}
	s.mu.Unlock()
	if err != nil {
		return fmt.Errorf("skip: %w", err)
	}
	var errs []error
	for _, e := range execs {
		if err := e.Skip(ctx); err != nil {
			errs = append(errs, fmt.Errorf("skip on %s: %w", e.Name(), err))
		}
	}
	return errors.Join(errs...)
}
