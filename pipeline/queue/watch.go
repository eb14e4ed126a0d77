package queue

import (
	"time"
)

// The watcher's pace: how often it asks SQLite whether another process
// committed, and how many of those ticks pass between two sweeps for jobs
// that a process that is gone left running.
var (
	watchInterval = 250 * time.Millisecond
	sweepEvery    = 8
)

// watch keeps the service in step with the other processes that use its
// database (the GUI, `stablenew queue run`, `queue add` …): when one of
// them commits, the queue is read again, the paused and auto-run flags
// too, subscribers hear QueueChanged and HistoryChanged (and Paused or
// Resumed), and idle workers look for the new jobs. Every few ticks it
// also sweeps for jobs left running by a process that is gone. It stops
// when stop is closed.
func (s *Service) watch(stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	t := time.NewTicker(watchInterval)
	defer t.Stop()
	last, err := s.dataVersion()
	if err != nil {
		s.log.Warn("cannot watch the queue database for other StableNews' changes", "err", err)
	}
	for tick := 1; ; tick++ {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		v, err := s.dataVersion()
		if err != nil {
			continue // closing, or a busy moment: next tick
		}
		if v != last {
			last = v
			if err := s.reload(); err != nil {
				s.log.Warn("cannot read another StableNew's changes to the queue", "err", err)
			}
		}
		if tick%sweepEvery == 0 {
			if err := s.sweepAbandoned(); err != nil {
				s.log.Warn("cannot look for jobs a stopped StableNew left running", "err", err)
			}
		}
	}
}

// dataVersion is SQLite's data_version on the writer connection: it changes
// when another connection (another process: this one writes through this
// connection only) commits.
func (s *Service) dataVersion() (int64, error) {
	var v int64
	err := s.st.w.QueryRow(`PRAGMA data_version`).Scan(&v)
	return v, err
}

// reload reads what other processes changed: the flags and the queue.
func (s *Service) reload() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	paused, autoRun := s.paused, s.autoRun
	if err := s.loadSettings(); err != nil {
		return err
	}
	if s.mirror.ready() { // else the first List reads it
		if err := s.loadMirror(); err != nil {
			return err
		}
		s.listErr = nil
	}
	switch {
	case s.paused && !paused:
		s.log.Info("queue paused by another StableNew")
		s.publish(Event{Kind: Paused})
	case !s.paused && paused:
		s.log.Info("queue resumed by another StableNew")
		s.publish(Event{Kind: Resumed})
	}
	if s.autoRun != autoRun {
		s.log.Info("auto-run changed by another StableNew", "auto_run", s.autoRun)
	}
	s.queueChanged()
	s.historyChanged()
	s.kickLocked()
	return nil
}
