package queue

import (
	"runtime"
	"time"

	"stablenew/pipeline/runner"
)

// onProgress records a running job's progress and tells subscribers.
func (s *Service) onProgress(r *run, p runner.Progress) {
	if p.RequestsDone {
		// The WebUI is free: the worker may start the next job while this
		// one saves its files.
		r.freeOnce.Do(func() { close(r.free) })
		// Let the worker take the next job now, before this goroutine
		// goes on with the CPU work of saving (on a busy machine the
		// worker would otherwise wait for a time slice).
		runtime.Gosched()
		return
	}
	now := s.clock.Now()
	r.pmu.Lock()
	if r.ended {
		r.pmu.Unlock()
		return
	}
	r.progress = ProgressInfo{Stage: p.Stage, StageIndex: p.StageIndex, StageTotal: p.StageTotal,
		Step: p.Step, Steps: p.Steps, Fraction: p.Fraction, ETA: p.ETA}
	// The runner says when a stage is done and what it wrote. Its stages
	// need not match the predicted work one to one (ADetailer rides inside
	// the last generation request), so the announced stage is looked up.
	var finished *Event
	if p.StageDone {
		for i := r.stageDone; i < len(r.work); i++ {
			if r.work[i].stage == p.Stage {
				r.stageDone = i + 1
				break
			}
		}
		finished = &Event{Kind: StageFinished, JobID: r.id, Backend: r.w.name, Stage: p.Stage, Outputs: p.StageOutputs}
	}
	info := r.progress
	r.pmu.Unlock()
	info.ETA, _ = r.remaining(now)
	info.Preview = p.Preview
	if finished != nil {
		s.publish(*finished)
	}
	s.publish(Event{Kind: JobProgress, JobID: r.id, Backend: r.w.name, Progress: &info})
}

// describe sets a running job's progress and remaining time on it.
func (r *run) describe(it *QueueItem, now time.Time) {
	r.pmu.Lock()
	it.Progress = r.progress.Fraction
	r.pmu.Unlock()
	it.ETA, _ = r.remaining(now)
}

// remaining estimates a running job's remaining time: the WebUI's estimate
// for the current request plus the predicted later stages, else the
// elapsed time scaled by the fraction done, else the prediction less the
// time spent.
func (r *run) remaining(now time.Time) (time.Duration, bool) {
	r.pmu.Lock()
	p := r.progress
	r.pmu.Unlock()
	elapsed := now.Sub(r.started)
	switch {
	case p.ETA > 0:
		d := p.ETA
		for i := p.StageIndex + 1; i < len(r.predicted); i++ {
			d += r.predicted[i]
		}
		return d, true
	case p.Fraction >= 0.02 && p.Fraction < 1:
		return time.Duration(float64(elapsed) * (1 - p.Fraction) / p.Fraction), true
	}
	return max(sumDurations(r.predicted)-elapsed, 0), false
}
