package queue

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"stablenew/pipeline"
	"stablenew/pipeline/runner"
)

const recordColumns = `j.job_id, d.spec, j.status, j.position, j.attempts, j.run_mode, j.source, j.pack_id,
	j.prompt_index, j.variant_index, j.variant_total, j.batch_index, j.batch_total, j.seed, j.created_at,
	j.queued_at, j.started_at, j.finished_at, j.backend, j.error, j.outputs, d.result, j.requeued_from,
	coalesce(r.stars, 0), coalesce(r.note, '')`

const recordFrom = ` FROM jobs j LEFT JOIN job_data d ON d.id = j.id LEFT JOIN ratings r ON r.job_id = j.job_id `

// History returns finished jobs, newest first, selected by the filter.
func (s *Service) History(f HistoryFilter) ([]HistoryItem, error) {
	query, args, err := historyQuery(f)
	if err != nil {
		return nil, err
	}
	rows, err := s.st.r.Query(query, args...)
	if err != nil {
		return nil, fmt.Errorf("read history: %w", err)
	}
	defer rows.Close()
	var out []HistoryItem
	for rows.Next() {
		rec, err := scanRecord(rows)
		if err != nil {
			return nil, fmt.Errorf("read history: %w", err)
		}
		out = append(out, rec.JobRecord)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read history: %w", err)
	}
	return out, nil
}

// historyQuery is History's query. Without a status filter, the status
// test is kept off the index ("+j.status"), so that SQLite walks the
// finished_at index newest first and stops after the page: through the
// (status, finished_at) index it joined every finished job's spec and
// result and sorted them all (10,000 finished jobs: 70 MB read for a page
// of 200).
func historyQuery(f HistoryFilter) (string, []any, error) {
	where := []string{`j.finished_at IS NOT NULL`, `+j.status IN ('completed', 'failed', 'cancelled')`}
	var args []any
	if f.Status != "" {
		if !f.Status.Finished() {
			return "", nil, fmt.Errorf("history: status %q is not a finished state (use completed, failed or cancelled)", f.Status)
		}
		where = append(where, `j.status = ?`)
		args = append(args, string(f.Status))
	}
	if f.PackID != "" {
		where = append(where, `j.pack_id = ?`)
		args = append(args, f.PackID)
	}
	if q := strings.TrimSpace(f.Search); q != "" {
		like := "%" + escapeLike(q) + "%"
		where = append(where, `(j.prompt LIKE ? ESCAPE '\' OR j.negative LIKE ? ESCAPE '\')`)
		args = append(args, like, like)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	args = append(args, limit, max(f.Offset, 0))
	return `SELECT ` + recordColumns + recordFrom + `WHERE ` + strings.Join(where, " AND ") +
		` ORDER BY j.finished_at DESC, j.rowid DESC LIMIT ? OFFSET ?`, args, nil
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// Get returns the whole record of any job, queued, running or finished.
func (s *Service) Get(id string) (*JobRecord, error) {
	rec, err := scanRecord(s.st.r.QueryRow(`SELECT `+recordColumns+recordFrom+`WHERE j.job_id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	if err != nil {
		return nil, fmt.Errorf("read job %s: %w", id, err)
	}
	if rec.Status == StatusQueued {
		// Position is the place in the queue, as List reports it.
		var before int
		if err := s.st.r.QueryRow(`SELECT count(*) FROM jobs WHERE status = 'queued' AND position < ?`,
			rec.position).Scan(&before); err == nil {
			rec.Position = before + 1
		}
	}
	return &rec.JobRecord, nil
}

type scanned struct {
	JobRecord
	position float64
}

type rowScanner interface{ Scan(dest ...any) error }

// scanRecord reads one row of recordColumns. A spec that no longer decodes
// still yields a record, built from the columns, with the problem in Error.
func scanRecord(row rowScanner) (*scanned, error) {
	var (
		rec                                 scanned
		spec                                sql.NullString
		status, runMode, source, outputs    string
		created, queued                     int64
		started, finished                   sql.NullInt64
		result                              sql.NullString
		promptIndex, vIdx, vTot, bIdx, bTot int
		seed                                int64
		id, packID                          string
	)
	if err := row.Scan(&id, &spec, &status, &rec.position, &rec.Attempts, &runMode, &source, &packID,
		&promptIndex, &vIdx, &vTot, &bIdx, &bTot, &seed, &created, &queued, &started, &finished,
		&rec.Backend, &rec.Error, &outputs, &result, &rec.RequeuedFrom, &rec.Stars, &rec.RatingNote); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(spec.String), &rec.JobSpec); err != nil {
		rec.JobSpec = pipeline.JobSpec{JobID: id, RunMode: pipeline.RunMode(runMode), Source: pipeline.RunSource(source),
			PackID: packID, PromptIndex: promptIndex, VariantIndex: vIdx, VariantTotal: vTot, BatchIndex: bIdx,
			BatchTotal: bTot, Seed: seed, CreatedAt: fromDB(created)}
		if rec.Error == "" {
			rec.Error = "the stored job does not decode: " + err.Error()
		}
	}
	rec.Status = Status(status)
	rec.QueuedAt = fromDB(queued)
	rec.StartedAt = fromDBNull(started)
	rec.FinishedAt = fromDBNull(finished)
	rec.Outputs = []string{}
	if outputs != "" {
		_ = json.Unmarshal([]byte(outputs), &rec.Outputs)
	}
	if result.Valid && result.String != "" {
		var r runner.Result
		if err := json.Unmarshal([]byte(result.String), &r); err == nil {
			rec.Result = &r
		}
	}
	return &rec, nil
}
