package app

import (
	"context"
	"time"

	"stablenew/pipeline/queue"
)

// watchInterval is the least time between two views WatchExperiment hands
// over: a grid fills live without a reload per event.
const watchInterval = 200 * time.Millisecond

// WatchExperiment calls fn with the experiment's view at once and again
// whenever one of its jobs starts, finishes, fails, is cancelled or
// requeued, or the queue or history changed (another process's work
// included), at most every 200 ms, until ctx ends. fn runs on the watcher's
// goroutine: the GUI hands the view to the UI with fyne.Do. A read error is
// passed as err (with a nil view) and watching goes on.
func (s *Services) WatchExperiment(ctx context.Context, id string, fn func(*ExperimentView, error)) {
	events, cancel := s.Queue.Subscribe(64)
	go func() {
		defer cancel()
		jobs := map[string]bool{}
		load := func() {
			v, err := s.Experiment(id)
			if err == nil {
				clear(jobs)
				for _, c := range v.Cells {
					for _, j := range c.Details {
						jobs[j.JobID] = true
					}
				}
			}
			if ctx.Err() == nil {
				fn(v, err)
			}
		}
		load()
		var last time.Time
		timer := time.NewTimer(time.Hour)
		timer.Stop()
		defer timer.Stop()
		pending := false
		for {
			select {
			case <-ctx.Done():
				return
			case e, ok := <-events:
				if !ok {
					return
				}
				if pending || !experimentEvent(e, jobs) {
					continue
				}
				pending = true
				timer.Reset(max(0, watchInterval-time.Since(last)))
			case <-timer.C:
				pending = false
				last = time.Now()
				load()
			}
		}
	}()
}

// experimentEvent says whether e may change a view of the experiment whose
// jobs are jobs.
func experimentEvent(e queue.Event, jobs map[string]bool) bool {
	switch e.Kind {
	case queue.QueueChanged, queue.HistoryChanged:
		return true
	case queue.JobStarted, queue.JobFinished, queue.JobFailed, queue.JobCancelled, queue.JobRequeued:
		return jobs[e.JobID]
	}
	return false
}
