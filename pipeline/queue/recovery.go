package queue

import (
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"
)

// recover runs at Open, before any worker. Jobs a session that is gone
// left running (the app died) go back to the front of the queue in their
// order, with one more attempt counted (but for a job that was only saving
// its files: see recoverRunning); a job that has now been cut short
// MaxAttempts times is failed instead, so a job that crashes the app every
// time cannot block the queue. A job that was asked to stop (pause,
// cancel, requeue) ends as asked. A job is abandoned when the lock of the
// WebUI it ran on is free: a live process holds the lock of every WebUI it
// works, so the jobs other processes are running are left alone. The
// WebUIs of abandoned jobs are noted: their workers interrupt the render
// the dead process left before sending new work.
//
// Queued jobs' specs are not decoded here: with 10,000 queued, decoding
// every one took a second and a hundred megabytes before the window could
// show. A stored job this build can no longer decode or validate is failed
// with the reason when it reaches the front (claim).
//
// Everything is read first and written in one transaction at the end, so a
// database found damaged while reading is not changed: when there is
// something to write, the queued jobs' specs are read through first (not
// decoded), so that damage among them stops Open before the write.
func (s *Service) recover() error {
	running, err := s.readRunning(s.st.r, nil)
	if err != nil {
		return err
	}
	// Lock the WebUIs of the running jobs; those held are worked by a live
	// process.
	locks := map[string]*fileLock{}
	defer func() {
		for _, l := range locks {
			l.release()
		}
	}()
	var abandoned []runningJob
	for _, j := range running {
		if _, held := locks[j.backend]; !held {
			l, err := tryLock(backendLockPath(s.st.path, j.backend))
			if errors.Is(err, errLockBusy) {
				locks[j.backend] = nil
				continue
			}
			if err != nil {
				return err
			}
			locks[j.backend] = l
		}
		if locks[j.backend] != nil {
			abandoned = append(abandoned, j)
		}
	}
	if len(abandoned) == 0 {
		return nil
	}
	if err := readQueuedSpecs(s.st.r); err != nil {
		return err
	}
	now := s.clock.Now()
	var out recovered
	err = s.st.write(func(tx *sql.Tx) error {
		var err error
		out, err = s.recoverRunning(tx, abandoned, now)
		return err
	})
	if err != nil {
		return err
	}
	s.noteRecovered(out, false)
	return nil
}

// runningJob is a job stored as running.
type runningJob struct {
	id, backend, stop string
	attempts          int
	started           int64 // started_at (0 when unset)
}

// readRunning reads the running jobs, last first (each goes back to the
// front, so they end up first in their order): every one (backend nil),
// or those of one WebUI.
func (s *Service) readRunning(q interface {
	Query(string, ...any) (*sql.Rows, error)
}, backend *string) ([]runningJob, error) {
	query := `SELECT job_id, attempts, stop_reason, backend, COALESCE(started_at, 0) FROM jobs WHERE status = 'running' ORDER BY position DESC`
	var args []any
	if backend != nil {
		query = `SELECT job_id, attempts, stop_reason, backend, COALESCE(started_at, 0) FROM jobs WHERE status = 'running' AND backend = ? ORDER BY position DESC`
		args = append(args, *backend)
	}
	rows, err := q.Query(query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []runningJob
	for rows.Next() {
		var j runningJob
		if err := rows.Scan(&j.id, &j.attempts, &j.stop, &j.backend, &j.started); err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, rows.Err()
}

// readQueuedSpecs reads every queued job's stored spec and drops it: a
// check that those pages of the database read cleanly.
func readQueuedSpecs(db *sql.DB) error {
	rows, err := db.Query(`SELECT d.spec FROM jobs j JOIN job_data d ON d.id = j.id WHERE j.status = 'queued'`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var spec sql.RawBytes
		if err := rows.Scan(&spec); err != nil {
			return err
		}
	}
	return rows.Err()
}

// recovered is what recoverRunning did.
type recovered struct {
	requeued, failed, ended []string // ended: stopped as the user asked
	backends                map[string]bool
}

// recoverRunning ends the abandoned running jobs in tx: as the user asked
// when they were asked to stop, else back to the front with one more
// attempt, or failed after MaxAttempts.
//
// A worker starts its next job as soon as the running one's WebUI requests
// are done, while that one saves its files; so one WebUI may have two
// running jobs, and only the one started last was rendering. The older one
// goes back with its attempts unchanged: the process died while it wrote
// files, which is no sign that the job itself kills the app or the WebUI.
func (s *Service) recoverRunning(tx *sql.Tx, jobs []runningJob, now time.Time) (recovered, error) {
	out := recovered{backends: map[string]bool{}}
	rendering := map[string]int64{} // the last start on each WebUI
	for _, l := range jobs {
		rendering[l.backend] = max(rendering[l.backend], l.started)
	}
	for _, l := range jobs {
		out.backends[l.backend] = true
		// The user had asked to interrupt it: do what was asked.
		switch l.stop {
		case stopReasonNames[stopCancel]:
			if err := endStored(tx, l.id, StatusCancelled, "cancelled by the user", 0, now); err != nil {
				return out, err
			}
			out.ended = append(out.ended, l.id)
			continue
		case stopReasonNames[stopRequeue]:
			if err := requeueStored(tx, l.id, false, 0, ""); err != nil {
				return out, err
			}
			out.ended = append(out.ended, l.id)
			continue
		case stopReasonNames[stopPauseNow]:
			if err := requeueStored(tx, l.id, true, 0, ""); err != nil {
				return out, err
			}
			out.ended = append(out.ended, l.id)
			continue
		}
		if l.started < rendering[l.backend] {
			// It was saving its files while the next job rendered.
			if err := requeueStored(tx, l.id, true, 0, ""); err != nil {
				return out, err
			}
			out.requeued = append(out.requeued, l.id)
			continue
		}
		if l.attempts+1 >= s.opts.MaxAttempts {
			msg := fmt.Sprintf("StableNew stopped while this job was running %d times; it may be crashing "+
				"the app or the WebUI. Retry it once the cause is fixed", l.attempts+1)
			if err := endStored(tx, l.id, StatusFailed, msg, 1, now); err != nil {
				return out, err
			}
			out.failed = append(out.failed, l.id)
			continue
		}
		if err := requeueStored(tx, l.id, true, 1, ""); err != nil {
			return out, err
		}
		out.requeued = append(out.requeued, l.id)
	}
	return out, nil
}

// noteRecovered logs what recoverRunning did, remembers the WebUIs whose
// render was abandoned and, when the service runs (live), tells
// subscribers. The caller holds s.mu when live.
func (s *Service) noteRecovered(out recovered, live bool) {
	for b := range out.backends {
		s.abandoned[b] = true
	}
	var events []Event
	for _, id := range out.requeued {
		s.log.Warn("job was running when a StableNew stopped; back at the front of the queue", "job_id", id)
		events = append(events, Event{Kind: JobRequeued, JobID: id, Reason: "StableNew stopped while it ran: back at the front of the queue"})
	}
	for _, id := range out.failed {
		s.log.Warn("job was running each time StableNew stopped; failed", "job_id", id, "attempts", s.opts.MaxAttempts)
		events = append(events, Event{Kind: JobFailed, JobID: id, Reason: "StableNew stopped while it ran, too often"})
	}
	if live && len(out.requeued)+len(out.failed)+len(out.ended) > 0 {
		s.publish(events...)
		s.queueChanged()
	}
}

// parallel splits [0, n) into one chunk per CPU and runs fn on each.
func parallel(n int, fn func(lo, hi int)) {
	workers := min(runtime.GOMAXPROCS(0), max(n/64, 1))
	if workers <= 1 {
		fn(0, n)
		return
	}
	var wg sync.WaitGroup
	chunk := (n + workers - 1) / workers
	for lo := 0; lo < n; lo += chunk {
		hi := min(lo+chunk, n)
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(lo, hi)
		}()
	}
	wg.Wait()
}
