package queue

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"stablenew/pipeline"
)

// inChunks calls fn with the ids split into chunks small enough for one
// statement, and a "?, ?, ?" placeholder list of the chunk's length.
func inChunks(ids []string, fn func(chunk []any, marks string) error) error {
	const size = 500
	for lo := 0; lo < len(ids); lo += size {
		hi := min(lo+size, len(ids))
		chunk := make([]any, hi-lo)
		for i, id := range ids[lo:hi] {
			chunk[i] = id
		}
		if err := fn(chunk, strings.TrimSuffix(strings.Repeat("?, ", len(chunk)), ", ")); err != nil {
			return err
		}
	}
	return nil
}

// Remove deletes queued jobs and returns how many it deleted. Running jobs
// are never touched (cancel them with CancelRunning); ids that are not
// queued are skipped.
func (s *Service) Remove(ids []string) (int, error) {
	if err := s.lockWritable(); err != nil {
		return 0, err
	}
	defer s.mu.Unlock()
	var gone []string
	err := s.st.write(func(tx *sql.Tx) error {
		gone = gone[:0]
		return inChunks(ids, func(chunk []any, marks string) error {
			rows, err := tx.Query(`DELETE FROM jobs WHERE status = 'queued' AND job_id IN (`+marks+`) RETURNING job_id`, chunk...)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var id string
				if err := rows.Scan(&id); err != nil {
					return err
				}
				gone = append(gone, id)
			}
			return rows.Err()
		})
	})
	if err != nil {
		return 0, fmt.Errorf("remove jobs: %w", err)
	}
	s.mirror.apply(mirrorChange{drop: gone})
	removed := len(gone)
	if removed > 0 {
		s.log.Info("jobs removed from the queue", "count", removed)
		s.queueChanged()
	}
	return removed, nil
}

// ClearPending deletes every queued job (never a running one) and returns
// how many it deleted.
func (s *Service) ClearPending() (int, error) {
	if err := s.lockWritable(); err != nil {
		return 0, err
	}
	defer s.mu.Unlock()
	var n int64
	err := s.st.write(func(tx *sql.Tx) error {
		r, err := tx.Exec(`DELETE FROM jobs WHERE status = 'queued'`)
		if err != nil {
			return err
		}
		n, err = r.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("clear the queue: %w", err)
	}
	s.mirror.apply(mirrorChange{dropQueued: true})
	s.log.Info("queue cleared", "count", n)
	s.queueChanged()
	return int(n), nil
}

// Retry puts failed or cancelled jobs back at the end of the queue as the
// same jobs (same job_id and spec), in their original queue order. Their
// attempts are reset to 0 and their error cleared: the user has seen the
// failure and chosen to try again. Ids already queued or running are
// skipped. A completed job cannot be retried (use Requeue) and an unknown
// id is an error; on any error nothing changes. It returns how many jobs
// were queued.
func (s *Service) Retry(ids []string) (int, error) {
	if err := s.lockWritable(); err != nil {
		return 0, err
	}
	defer s.mu.Unlock()
	var n int
	var change mirrorChange
	err := s.st.write(func(tx *sql.Tx) error {
		var retry []string
		found := map[string]bool{}
		err := inChunks(ids, func(chunk []any, marks string) error {
			rows, err := tx.Query(`SELECT job_id, status FROM jobs WHERE job_id IN (`+marks+`) ORDER BY position`, chunk...)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var id, st string
				if err := rows.Scan(&id, &st); err != nil {
					return err
				}
				found[id] = true
				switch Status(st) {
				case StatusFailed, StatusCancelled:
					retry = append(retry, id)
				case StatusCompleted:
					return fmt.Errorf("job %s completed; use Requeue to render it again as a new job", id)
				}
			}
			return rows.Err()
		})
		if err != nil {
			return err
		}
		for _, id := range ids {
			if !found[id] {
				return fmt.Errorf("%w: %s (refresh the history and try again)", ErrNotFound, id)
			}
		}
		n, change, err = retryStored(tx, retry, s.clock.Now())
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("retry: %w", err)
	}
	s.mirror.apply(change)
	s.afterRetry(n)
	return n, nil
}

// RetryAllFailed puts every failed job back at the end of the queue, in
// their original queue order, like Retry. It returns how many.
func (s *Service) RetryAllFailed() (int, error) {
	if err := s.lockWritable(); err != nil {
		return 0, err
	}
	defer s.mu.Unlock()
	var n int
	var change mirrorChange
	err := s.st.write(func(tx *sql.Tx) error {
		rows, err := tx.Query(`SELECT job_id FROM jobs WHERE status = 'failed' ORDER BY position`)
		if err != nil {
			return err
		}
		var ids []string
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		n, change, err = retryStored(tx, ids, s.clock.Now())
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("retry failed jobs: %w", err)
	}
	s.mirror.apply(change)
	s.afterRetry(n)
	return n, nil
}

func (s *Service) afterRetry(n int) {
	if n == 0 {
		return
	}
	s.log.Info("jobs retried", "count", n)
	s.queueChanged()
	s.historyChanged() // the retried jobs left the history
	s.kickLocked()
}

func retryStored(tx *sql.Tx, ids []string, now time.Time) (int, mirrorChange, error) {
	stmt, err := tx.Prepare(`UPDATE jobs SET status = 'queued', position = ` + backPosition + `, attempts = 0,
		error = '', started_at = NULL, finished_at = NULL, backend = '', outputs = '[]', queued_at = ?
		WHERE job_id = ? AND status IN ('failed', 'cancelled')`)
	if err != nil {
		return 0, mirrorChange{}, err
	}
	defer stmt.Close()
	clear, err := tx.Prepare(`UPDATE job_data SET result = NULL WHERE id = (SELECT id FROM jobs WHERE job_id = ?)`)
	if err != nil {
		return 0, mirrorChange{}, err
	}
	defer clear.Close()
	var done []string
	for _, id := range ids {
		r, err := stmt.Exec(dbTime(now), id)
		if err != nil {
			return 0, mirrorChange{}, err
		}
		if k, _ := r.RowsAffected(); k == 1 {
			if _, err := clear.Exec(id); err != nil {
				return 0, mirrorChange{}, err
			}
			done = append(done, id)
		}
	}
	change, err := refreshChange(tx, done...)
	return len(done), change, err
}

// Requeue queues a finished job (completed, failed or cancelled) again as a
// new job at the end of the queue: a new job_id and CreatedAt now, the
// JobSpec otherwise unchanged. The old job stays in history. It returns the
// new job's id.
func (s *Service) Requeue(id string) (string, error) {
	if err := s.lockWritable(); err != nil {
		return "", err
	}
	defer s.mu.Unlock()
	var spec []byte
	var status string
	err := s.st.r.QueryRow(`SELECT d.spec, j.status FROM jobs j JOIN job_data d ON d.id = j.id
		WHERE j.job_id = ?`, id).Scan(&spec, &status)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("requeue: %w: %s", ErrNotFound, id)
	}
	if err != nil {
		return "", fmt.Errorf("requeue %s: %w", id, err)
	}
	if !Status(status).Finished() {
		return "", fmt.Errorf("requeue %s: the job is still %s; requeue it once it has finished", id, status)
	}
	var j pipeline.JobSpec
	if err := json.Unmarshal(spec, &j); err != nil {
		return "", fmt.Errorf("requeue %s: the stored job does not decode (%v); build it again from its pack", id, err)
	}
	now := s.clock.Now()
	j.JobID = s.opts.NewID()
	j.CreatedAt = now
	if err := checkJobs("requeue", []pipeline.JobSpec{j}); err != nil {
		return "", fmt.Errorf("requeue %s: the job no longer validates; build it again from its pack: %w", id, err)
	}
	var change mirrorChange
	if err := s.st.write(func(tx *sql.Tx) (err error) {
		change, err = insertJobs(tx, "requeue", []pipeline.JobSpec{j}, false, now, id)
		return err
	}); err != nil {
		return "", fmt.Errorf("requeue %s: %w", id, err)
	}
	s.mirror.apply(change)
	s.log.Info("job requeued as a new job", "job_id", j.JobID, "requeued_from", id)
	s.queueChanged()
	s.kickLocked()
	return j.JobID, nil
}
