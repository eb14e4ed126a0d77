package queue

import (
	"context"
	"fmt"
	"sync"

	"stablenew/pipeline/runner"
)

// RunUntilEmpty runs the queue until nothing is left to run, then stops
// and returns what happened: it attaches one worker per executor (or uses
// the attached workers when none is given), starts the queue even with
// auto-run off, and returns when no job is queued or running, or when the
// queue is paused and no job is running. It is the loop of `stablenew queue
// run`, and can run in a child process that a test kills. A WebUI that is
// down is waited for; cancel ctx to give up (running jobs then go back to
// the front of the queue).
func (s *Service) RunUntilEmpty(ctx context.Context, executors ...runner.Executor) (RunSummary, error) {
	before := s.Stats()
	wctx, cancel := context.WithCancel(ctx)
	var mine sync.WaitGroup
	defer func() {
		cancel()
		mine.Wait()
	}()
	if err := s.startWorkers(wctx, executors, true, &mine); err != nil {
		return RunSummary{}, err
	}
	for {
		changed := s.changed()
		done, err := s.drained()
		if err != nil {
			return s.since(before), err
		}
		if done {
			cancel()
			mine.Wait()
			return s.since(before), nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			cancel()
			mine.Wait()
			return s.since(before), ctx.Err()
		}
	}
}

// drained reports whether the queue has nothing left to start: no job is
// running and none is queued, or the queue is paused.
func (s *Service) drained() (bool, error) {
	s.mu.Lock()
	running, paused, closed, workers := len(s.runs), s.paused, s.closed, len(s.workers)
	s.mu.Unlock()
	if closed {
		return true, ErrClosed
	}
	if running > 0 {
		return false, nil
	}
	if paused {
		return true, nil
	}
	if workers == 0 {
		return true, fmt.Errorf("%w: every worker stopped", ErrNoExecutor)
	}
	c, err := s.Count()
	if err != nil {
		return false, err
	}
	return c.Queued == 0 && c.Running == 0, nil
}

func (s *Service) since(before RunSummary) RunSummary {
	now := s.Stats()
	return RunSummary{
		Completed: now.Completed - before.Completed,
		Failed:    now.Failed - before.Failed,
		Cancelled: now.Cancelled - before.Cancelled,
		Requeued:  now.Requeued - before.Requeued,
	}
}
