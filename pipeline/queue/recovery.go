package queue

import (
	"database/sql"
	"fmt"
	"runtime"
	"sync"
)

// recover runs at Open, before any worker. Jobs the last session left
// running (the app died) go back to the front of the queue in their order,
// with one more attempt counted; a job that has now been cut short
// MaxAttempts times is failed instead, so a job that crashes the app every
// time cannot block the queue. Queued jobs whose stored spec no longer
// decodes or validates with this build are failed with the reason.
//
// Everything is read first and written in one transaction at the end, so a
// database found damaged while reading is not changed.
func (s *Service) recover() error {
	type stored struct {
		id       string
		attempts int
		stop     string // the interrupt the user asked for, or ""
		spec     []byte
	}
	read := func(query string, withSpec bool) ([]stored, error) {
		rows, err := s.st.r.Query(query)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var out []stored
		for rows.Next() {
			var j stored
			dest := []any{&j.id, &j.attempts}
			if !withSpec {
				dest = append(dest, &j.stop)
			} else {
				dest = append(dest, &j.spec)
			}
			if err := rows.Scan(dest...); err != nil {
				return nil, err
			}
			out = append(out, j)
		}
		return out, rows.Err()
	}
	// Last first: each goes to the front, so they end up first in order.
	running, err := read(`SELECT job_id, attempts, stop_reason FROM jobs WHERE status = 'running' ORDER BY position DESC`, false)
	if err != nil {
		return err
	}
	queued, err := read(`SELECT j.job_id, j.attempts, d.spec FROM jobs j JOIN job_data d ON d.id = j.id
		WHERE j.status = 'queued'`, true)
	if err != nil {
		return err
	}
	invalid := make([]string, len(queued))
	parallel(len(queued), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			if _, err := decodeSpec(queued[i].spec); err != nil {
				invalid[i] = "the stored job cannot run with this StableNew: " + err.Error() + "; build it again from its pack"
			}
		}
	})
	now := s.clock.Now()
	var requeued, failed []string
	err = s.st.write(func(tx *sql.Tx) error {
		requeued, failed = nil, nil
		for _, l := range running {
			// The user had asked to interrupt it: do what was asked.
			switch l.stop {
			case stopReasonNames[stopCancel]:
				if err := endStored(tx, l.id, StatusCancelled, "cancelled by the user", 0, now); err != nil {
					return err
				}
				continue
			case stopReasonNames[stopRequeue]:
				if err := requeueStored(tx, l.id, false, 0, ""); err != nil {
					return err
				}
				continue
			case stopReasonNames[stopPauseNow]:
				if err := requeueStored(tx, l.id, true, 0, ""); err != nil {
					return err
				}
				continue
			}
			if l.attempts+1 >= s.opts.MaxAttempts {
				msg := fmt.Sprintf("StableNew stopped while this job was running %d times; it may be crashing "+
					"the app or the WebUI. Retry it once the cause is fixed", l.attempts+1)
				if err := endStored(tx, l.id, StatusFailed, msg, 1, now); err != nil {
					return err
				}
				failed = append(failed, l.id)
				continue
			}
			if err := requeueStored(tx, l.id, true, 1, ""); err != nil {
				return err
			}
			requeued = append(requeued, l.id)
		}
		for i, reason := range invalid {
			if reason == "" {
				continue
			}
			if _, err := tx.Exec(`UPDATE jobs SET status = 'failed', finished_at = ?, error = ?
				WHERE job_id = ? AND status = 'queued'`, dbTime(now), reason, queued[i].id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, id := range requeued {
		s.log.Warn("job was running when StableNew stopped; back at the front of the queue", "job_id", id)
	}
	for _, id := range failed {
		s.log.Warn("job was running each time StableNew stopped; failed", "job_id", id, "attempts", s.opts.MaxAttempts)
	}
	for i, reason := range invalid {
		if reason != "" {
			s.log.Warn("stored job failed validation", "job_id", queued[i].id, "reason", reason)
		}
	}
	return nil
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
