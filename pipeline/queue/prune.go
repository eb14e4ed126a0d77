package queue

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// PruneFilter selects the finished jobs PruneHistory deletes and
// CountHistory counts. It names a cutoff (Before) or asks for All; the zero
// value selects nothing and is refused, so a forgotten field never empties
// the history. Queued and running jobs are never selected.
type PruneFilter struct {
	// Before selects the jobs that finished strictly before this time.
	Before time.Time
	// All selects every finished job, whenever it finished. It excludes
	// Before.
	All bool
	// Statuses limits the selection to these finished states (completed,
	// failed, cancelled); empty means all three.
	Statuses []Status
}

// ErrNoCutoff: a PruneFilter names neither a cutoff nor All.
var ErrNoCutoff = errors.New("say which history to delete: a cutoff time or all of it")

// where is the filter as an SQL condition on jobs, with its arguments.
func (f PruneFilter) where() (string, []any, error) {
	switch {
	case f.All && !f.Before.IsZero():
		return "", nil, errors.New("a cutoff time and all of the history exclude each other")
	case !f.All && f.Before.IsZero():
		return "", nil, ErrNoCutoff
	}
	// The status test keeps queued and running jobs out whatever their
	// finished_at says; "finished_at IS NOT NULL" lets SQLite use the
	// partial history indexes.
	conds := []string{`finished_at IS NOT NULL`}
	var args []any
	if len(f.Statuses) == 0 {
		conds = append(conds, `status IN ('completed', 'failed', 'cancelled')`)
	} else {
		seen := map[Status]bool{}
		var marks []string
		for _, st := range f.Statuses {
			if !st.Finished() {
				return "", nil, fmt.Errorf("status %q is not a finished state (use completed, failed or cancelled)", st)
			}
			if !seen[st] {
				seen[st] = true
				marks = append(marks, "?")
				args = append(args, string(st))
			}
		}
		conds = append(conds, `status IN (`+strings.Join(marks, ", ")+`)`)
	}
	if !f.All {
		conds = append(conds, `finished_at < ?`)
		args = append(args, dbTime(f.Before))
	}
	return strings.Join(conds, " AND "), args, nil
}

// CountHistory returns how many records PruneHistory would delete with the
// same filter, for a confirmation ("Delete 1,234 history records?"). It
// changes nothing and works on a read-only service too.
func (s *Service) CountHistory(f PruneFilter) (int, error) {
	where, args, err := f.where()
	if err != nil {
		return 0, fmt.Errorf("count history: %w", err)
	}
	var n int
	if err := s.st.r.QueryRow(`SELECT count(*) FROM jobs WHERE `+where, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count history: %w", err)
	}
	return n, nil
}

// PruneHistory deletes the finished jobs (completed, failed or cancelled)
// the filter selects, with their stored JobSpecs and results, in one
// transaction, and returns how many it deleted. Queued and running jobs are
// never touched, and neither are the learned step times the ETA rests on.
//
// It deletes database records only: the images, manifests and other files
// the jobs wrote stay on disk. The database file does not shrink (SQLite
// reuses the freed space for new jobs); the write-ahead log is truncated
// afterwards when no reader is in the way.
//
// When anything was deleted, subscribers get a HistoryChanged event. A
// read-only service refuses with ErrReadOnly, a closed one with ErrClosed;
// a filter without a cutoff or All is refused with ErrNoCutoff. It holds
// the service's lock throughout (about a second for 50,000 records), so no
// job finishes or starts meanwhile; call it off the UI goroutine.
func (s *Service) PruneHistory(f PruneFilter) (int, error) {
	where, args, err := f.where()
	if err != nil {
		return 0, fmt.Errorf("prune history: %w", err)
	}
	if err := s.lockWritable(); err != nil {
		return 0, err
	}
	defer s.mu.Unlock()
	var n int64
	err = s.st.write(func(tx *sql.Tx) error {
		// job_data goes with its job (ON DELETE CASCADE); RowsAffected
		// counts the jobs only.
		r, err := tx.Exec(`DELETE FROM jobs WHERE `+where, args...)
		if err != nil {
			return err
		}
		n, err = r.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("prune history: %w", err)
	}
	if n > 0 {
		s.shrinkWAL()
		attrs := []any{"count", n, "statuses", f.Statuses}
		if !f.All {
			attrs = append(attrs, "finished_before", f.Before)
		}
		s.log.Info("history records deleted (their files stay on disk)", attrs...)
		s.historyChanged()
	}
	return int(n), nil
}

// shrinkWAL truncates the write-ahead log after a big delete, which would
// otherwise keep its largest size on disk (about half the deleted data).
// It is best effort: it waits for readers in the way at most the busy
// timeout (10 s; reads are short) and otherwise leaves the log as it is,
// for SQLite to reuse.
func (s *Service) shrinkWAL() {
	var busy, logFrames, done int
	err := s.st.w.QueryRow(`PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logFrames, &done)
	if err != nil || busy != 0 {
		s.log.Debug("write-ahead log not truncated after a history prune", "busy", busy, "err", err)
	}
}

// historyChanged tells subscribers that records left the history.
func (s *Service) historyChanged() {
	s.publish(Event{Kind: HistoryChanged})
}
