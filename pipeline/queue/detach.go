package queue

import (
	"fmt"
	"time"

	"stablenew/pipeline/runner"
)

// Detach stops the worker of exec and removes it from the queue, for a
// WebUI the user took out of the settings. A job the worker is running is
// interrupted and goes back to the front of the queue, attempts unchanged,
// exactly as when the worker's context ends (another attached worker may
// take it at once). Detach waits for the worker goroutine to end, at most
// Options.ShutdownTimeout: an executor that ignores the interrupt longer is
// an error, and its job is put back when the executor returns. Subscribers
// hear BackendChanged (the worker, "detached") and QueueChanged (the ETA
// counts workers). An executor that is not attached is ErrNotAttached.
func (s *Service) Detach(exec runner.Executor) error {
	if err := s.lockWritable(); err != nil {
		return err
	}
	var w *worker
	for x := range s.workers {
		if x.exec == exec {
			w = x
			break
		}
	}
	if w == nil {
		s.mu.Unlock()
		name := "<nil>"
		if exec != nil {
			name = exec.Name()
		}
		return fmt.Errorf("%w: %s", ErrNotAttached, name)
	}
	w.cancel() // the worker's context: the same path as Close and a cancelled Start
	s.mu.Unlock()
	s.log.Info("detaching worker", "backend", w.name)

	timer := time.NewTimer(s.opts.ShutdownTimeout)
	defer timer.Stop()
	select {
	case <-w.done:
	case <-timer.C:
		s.log.Warn("detached worker did not stop in time; its job goes back to the queue when it does",
			"backend", w.name, "timeout", s.opts.ShutdownTimeout)
		return fmt.Errorf("WebUI %s did not stop within %s; its job goes back to the queue when it does",
			w.name, s.opts.ShutdownTimeout)
	}
	s.queueChanged()
	return nil
}
