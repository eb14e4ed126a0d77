package queue

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// lockRetry is how often a worker whose WebUI another process works tries
// to take it over.
var lockRetry = 2 * time.Second

// interrupter is an executor that can stop what its WebUI renders now
// (runner.Runner can).
type interrupter interface {
	Interrupt(ctx context.Context) error
}

// lockWebUI takes the lock of w's WebUI, waiting (state "waiting") while
// another process works it. It returns false when ctx ends first.
func (w *worker) lockWebUI(ctx context.Context) (*fileLock, bool) {
	s := w.s
	path := backendLockPath(s.st.path, w.name)
	waiting := false
	for {
		l, err := tryLock(path)
		if err == nil {
			if waiting {
				s.log.Info("took over the WebUI from the StableNew that worked it", "backend", w.name)
				w.setState(BackendIdle, "")
			}
			return l, true
		}
		msg := "another StableNew is sending this queue's jobs to this WebUI; waiting until it stops"
		if !errors.Is(err, errLockBusy) {
			msg = "cannot lock this WebUI: " + err.Error()
		}
		if !waiting {
			s.log.Info("WebUI worked by another StableNew; waiting", "backend", w.name, "err", err)
		}
		waiting = true
		w.setState(BackendWaiting, msg)
		select {
		case <-ctx.Done():
			return nil, false
		case <-s.clock.After(lockRetry):
		}
	}
}

// recoverBackend puts back the jobs a StableNew that is gone left running
// on the WebUI named backend. The caller holds the WebUI's lock and runs no
// job on it, so every job stored as running there is abandoned.
func (s *Service) recoverBackend(backend string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	var out recovered
	var change mirrorChange
	err := s.st.write(func(tx *sql.Tx) error {
		jobs, err := s.readRunning(tx, &backend)
		if err != nil || len(jobs) == 0 {
			return err
		}
		if out, err = s.recoverRunning(tx, jobs, s.clock.Now()); err != nil {
			return err
		}
		ids := make([]string, len(jobs))
		for i, j := range jobs {
			ids[i] = j.id
		}
		change, err = refreshChange(tx, ids...)
		return err
	})
	if err != nil {
		s.log.Error("cannot put back the jobs a stopped StableNew left running", "backend", backend, "err", err)
		return
	}
	s.mirror.apply(change)
	s.noteRecovered(out, true)
}

// interruptAbandoned stops the render a StableNew that is gone left on
// w's WebUI, before the worker sends it new work: the WebUI would finish
// it first, for nobody.
func (w *worker) interruptAbandoned(ctx context.Context) {
	s := w.s
	s.mu.Lock()
	need := s.abandoned[w.name]
	delete(s.abandoned, w.name)
	s.mu.Unlock()
	ir, ok := w.exec.(interrupter)
	if !need || !ok {
		return
	}
	ictx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := ir.Interrupt(ictx); err != nil {
		s.log.Warn("cannot interrupt the render a stopped StableNew left on the WebUI", "backend", w.name, "err", err)
		return
	}
	s.log.Info("interrupted the render a stopped StableNew left on the WebUI", "backend", w.name)
}

// sweepAbandoned puts back the jobs left running on WebUIs that no live
// process works (a StableNew died while this one runs), and notes them for
// interruption. WebUIs this process works are skipped.
func (s *Service) sweepAbandoned() error {
	s.mu.Lock()
	ours := map[string]bool{}
	for w := range s.workers {
		ours[w.name] = true
	}
	closed := s.closed
	s.mu.Unlock()
	if closed {
		return nil
	}
	rows, err := s.st.r.Query(`SELECT DISTINCT backend FROM jobs WHERE status = 'running'`)
	if err != nil {
		return err
	}
	var backends []string
	for rows.Next() {
		var b string
		if err := rows.Scan(&b); err != nil {
			rows.Close()
			return err
		}
		if !ours[b] {
			backends = append(backends, b)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, b := range backends {
		l, err := tryLock(backendLockPath(s.st.path, b))
		if errors.Is(err, errLockBusy) {
			continue // a live process works it
		}
		if err != nil {
			return err
		}
		s.recoverBackend(b)
		l.release()
	}
	return nil
}
