package queue

import (
	"context"
	"errors"
	"fmt"
	"time"

	"stablenew/pipeline/runner"
)

// waitForBackend shows the worker as waiting for its WebUI and pings it
// with backoff until it answers (true) or ctx ends (false). The job that
// met the outage is already back at the front of the queue, where another
// worker may take it.
func (w *worker) waitForBackend(ctx context.Context, cause error) bool {
	s := w.s
	log := s.log.With("backend", w.name)
	for attempt := 0; ; attempt++ {
		wait := max(s.opts.Backoff(attempt), MinBackoff)
		state, what := BackendWaiting, "waiting for WebUI"
		if !errors.Is(cause, runner.ErrBackendUnavailable) {
			state, what = BackendError, "WebUI not ready"
		}
		msg := fmt.Sprintf("%s: %v; next try in %s", what, cause, wait.Round(time.Millisecond))
		w.setState(state, msg)
		if attempt == 0 {
			log.Warn("WebUI does not answer; waiting for it", "err", cause)
		}
		select {
		case <-s.clock.After(wait):
		case <-ctx.Done():
			return false
		}
		err := w.exec.Ping(ctx)
		if err == nil {
			log.Info("WebUI answers again", "after_pings", attempt+1)
			w.setState(BackendIdle, "")
			s.kick()
			return true
		}
		if ctx.Err() != nil {
			return false
		}
		cause = err
	}
}
