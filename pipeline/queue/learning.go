package queue

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"stablenew/pipeline"
)

// Learning experiments: the experiment (its definition as the controller
// wrote it), which jobs it made with their cell and seed, and 1–5 ratings of
// jobs. A job requeued as a new job (retry) stays in its experiment's cell:
// the new job names the old one in requeued_from.

var (
	// ErrNoExperiment: no experiment has this id.
	ErrNoExperiment = errors.New("experiment not found")
	// ErrBadRating: stars outside 1–5, a job of another experiment, or a
	// job with no images to rate.
	ErrBadRating = errors.New("rating refused")
)

// ExperimentRecord is a stored experiment with its progress: its jobs
// (requeued copies included) and how many completed, failed or are rated.
type ExperimentRecord struct {
	ID        string    `json:"id"`
	CreatedAt time.Time `json:"created_at"`
	// Definition is the experiment as planned (controller.Experiment JSON).
	Definition json.RawMessage `json:"definition"`
	Jobs       int             `json:"jobs"`
	Completed  int             `json:"completed"`
	Failed     int             `json:"failed"`
	Rated      int             `json:"rated"`
}

// ExperimentJob is one job of an experiment: its cell, seed, state and
// rating (Stars 0: not rated).
type ExperimentJob struct {
	JobID  string                    `json:"job_id"`
	Cell   []pipeline.DimensionValue `json:"cell"`
	Seed   int64                     `json:"seed"`
	Status Status                    `json:"status"` // "" when the job was pruned from history
	Images int                       `json:"images"`
	// Outputs are the final images of a completed job.
	Outputs []string `json:"outputs,omitempty"`
	Error   string   `json:"error,omitempty"`
	Stars   int      `json:"stars,omitempty"`
	Note    string   `json:"note,omitempty"`
}

// SubmitExperiment records an experiment and queues its jobs, in one
// transaction: all or nothing. Every job must carry the experiment's id in
// LearningContextID. definition is the experiment as planned (JSON).
func (s *Service) SubmitExperiment(id string, definition []byte, jobs []pipeline.JobSpec) error {
	if strings.TrimSpace(id) == "" || len(jobs) == 0 {
		return errors.New("submit experiment: an id and jobs are needed")
	}
	if !json.Valid(definition) {
		return errors.New("submit experiment: the definition is not JSON")
	}
	for i := range jobs {
		if jobs[i].LearningContextID != id {
			return fmt.Errorf("submit experiment %s: job %s belongs to experiment %q", id, jobs[i].JobID, jobs[i].LearningContextID)
		}
	}
	return s.submit(jobs, false, func(tx *sql.Tx, now time.Time) error {
		if _, err := tx.Exec(`INSERT INTO experiments(id, created_at, definition) VALUES(?, ?, ?)`,
			id, dbTime(now), string(definition)); err != nil {
			return fmt.Errorf("submit experiment %s: %w", id, err)
		}
		stmt, err := tx.Prepare(`INSERT INTO experiment_jobs(job_id, experiment_id, position, cell, seed) VALUES(?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for i := range jobs {
			cell, err := json.Marshal(jobs[i].LearningValues)
			if err != nil {
				return err
			}
			if _, err := stmt.Exec(jobs[i].JobID, id, i, string(cell), jobs[i].Seed); err != nil {
				return fmt.Errorf("submit experiment %s, job %s: %w", id, jobs[i].JobID, err)
			}
		}
		return nil
	})
}

// experimentJobsQuery lists an experiment's jobs with their requeued copies
// (which inherit the cell and seed), their state and rating, in plan order.
const experimentJobsQuery = `
WITH RECURSIVE ej(job_id, position, cell, seed, depth) AS (
	SELECT job_id, position, cell, seed, 0 FROM experiment_jobs WHERE experiment_id = ?
	UNION ALL
	SELECT j.job_id, ej.position, ej.cell, ej.seed, ej.depth + 1 FROM jobs j JOIN ej ON j.requeued_from = ej.job_id
	WHERE j.requeued_from != '' AND ej.depth < 100
)
SELECT ej.job_id, ej.cell, ej.seed, coalesce(j.status, ''), coalesce(j.outputs, '[]'), coalesce(j.error, ''),
	coalesce(r.stars, 0), coalesce(r.note, '')
FROM ej LEFT JOIN jobs j ON j.job_id = ej.job_id LEFT JOIN ratings r ON r.job_id = ej.job_id
ORDER BY ej.position, ej.depth`

// ExperimentJobs returns an experiment's jobs in plan order, each requeued
// copy after the job it replaced.
func (s *Service) ExperimentJobs(id string) ([]ExperimentJob, error) {
	var n int
	if err := s.st.r.QueryRow(`SELECT count(*) FROM experiments WHERE id = ?`, id).Scan(&n); err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, fmt.Errorf("%w: %s", ErrNoExperiment, id)
	}
	rows, err := s.st.r.Query(experimentJobsQuery, id)
	if err != nil {
		return nil, fmt.Errorf("read experiment %s: %w", id, err)
	}
	defer rows.Close()
	var out []ExperimentJob
	for rows.Next() {
		var j ExperimentJob
		var cell, status, outputs string
		if err := rows.Scan(&j.JobID, &cell, &j.Seed, &status, &outputs, &j.Error, &j.Stars, &j.Note); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(cell), &j.Cell); err != nil {
			return nil, fmt.Errorf("experiment %s, job %s: cell %q does not decode: %w", id, j.JobID, cell, err)
		}
		j.Status = Status(status)
		var paths []string
		if json.Unmarshal([]byte(outputs), &paths) == nil && j.Status == StatusCompleted {
			j.Images, j.Outputs = len(paths), paths
		}
		out = append(out, j)
	}
	return out, rows.Err()
}

// Experiments lists the stored experiments, newest first, with their
// progress (requeued copies of their jobs included).
func (s *Service) Experiments() ([]ExperimentRecord, error) {
	rows, err := s.st.r.Query(`SELECT id, created_at, definition FROM experiments ORDER BY created_at DESC, rowid DESC`)
	if err != nil {
		return nil, fmt.Errorf("list experiments: %w", err)
	}
	out := []ExperimentRecord{}
	for rows.Next() {
		var r ExperimentRecord
		var created int64
		var def string
		if err := rows.Scan(&r.ID, &created, &def); err != nil {
			rows.Close()
			return nil, err
		}
		r.CreatedAt, r.Definition = fromDB(created), json.RawMessage(def)
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		jobs, err := s.ExperimentJobs(out[i].ID)
		if err != nil {
			return nil, err
		}
		out[i].count(jobs)
	}
	return out, nil
}

// count sets the record's progress from its jobs.
func (r *ExperimentRecord) count(jobs []ExperimentJob) {
	r.Jobs, r.Completed, r.Failed, r.Rated = 0, 0, 0, 0
	for _, j := range jobs {
		r.Jobs++
		switch j.Status {
		case StatusCompleted:
			r.Completed++
		case StatusFailed:
			r.Failed++
		}
		if j.Stars > 0 {
			r.Rated++
		}
	}
}

// GetExperiment returns one stored experiment with its progress.
func (s *Service) GetExperiment(id string) (*ExperimentRecord, error) {
	rec, _, err := s.ExperimentWithJobs(id)
	return rec, err
}

// ExperimentWithJobs returns one stored experiment with its progress and
// its jobs in plan order (as ExperimentJobs), read once.
func (s *Service) ExperimentWithJobs(id string) (*ExperimentRecord, []ExperimentJob, error) {
	r := ExperimentRecord{ID: id}
	var created int64
	var def string
	err := s.st.r.QueryRow(`SELECT created_at, definition FROM experiments WHERE id = ?`, id).Scan(&created, &def)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, fmt.Errorf("%w: %s", ErrNoExperiment, id)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read experiment %s: %w", id, err)
	}
	r.CreatedAt, r.Definition = fromDB(created), json.RawMessage(def)
	jobs, err := s.ExperimentJobs(id)
	if err != nil {
		return nil, nil, err
	}
	r.count(jobs)
	return &r, jobs, nil
}

// RateExperimentJob stores a 1–5 rating with a note for a job of the
// experiment (its id or a unique start of it), replacing an earlier one. The job must belong to the
// experiment (or be a requeued copy of one of its jobs) and have
// completed.
func (s *Service) RateExperimentJob(experimentID, jobID string, stars int, note string) error {
	if stars < 1 || stars > 5 {
		return fmt.Errorf("%w: stars must be from 1 to 5, got %d", ErrBadRating, stars)
	}
	if err := s.writable(); err != nil {
		return err
	}
	jobs, err := s.ExperimentJobs(experimentID)
	if err != nil {
		return err
	}
	// The job's full id, or a prefix of it as lists show it (8
	// characters), unique among the experiment's jobs.
	var job *ExperimentJob
	matches := 0
	for i := range jobs {
		if jobs[i].JobID == jobID {
			job, matches = &jobs[i], 1
			break
		}
		if jobID != "" && strings.HasPrefix(jobs[i].JobID, jobID) {
			job = &jobs[i]
			matches++
		}
	}
	if matches > 1 {
		return fmt.Errorf("%w: %s is the start of %d job ids of experiment %s; give more of the id", ErrBadRating, jobID, matches, experimentID)
	}
	if job == nil {
		if _, err := s.Get(jobID); err == nil {
			return fmt.Errorf("%w: job %s is not a job of experiment %s", ErrBadRating, jobID, experimentID)
		}
		return fmt.Errorf("%w: experiment %s has no job %s", ErrBadRating, experimentID, jobID)
	}
	if job.Status != StatusCompleted {
		state := string(job.Status)
		if state == "" {
			state = "removed from history"
		}
		return fmt.Errorf("%w: job %s is %s; only a completed job's images can be rated", ErrBadRating, jobID, state)
	}
	return s.saveRating(job.JobID, stars, note)
}

// ExperimentReport sums an experiment up cell by cell: only rated images
// count towards a cell's mean, and Best is the cell with the highest mean
// (more ratings, then plan order, break ties), nil while nothing is rated.
type ExperimentReport struct {
	ID    string       `json:"id"`
	Cells []CellReport `json:"cells"`
	Best  *BestCell    `json:"best"`
}

// CellReport is one cell of an experiment report.
type CellReport struct {
	Values map[string]string `json:"values"`
	// Jobs counts the cell's jobs (requeued copies included); Images the
	// images of its completed jobs; Failed, Cancelled and Pending
	// (queued or running) the others.
	Jobs      int     `json:"jobs"`
	Images    int     `json:"images"`
	Failed    int     `json:"failed"`
	Cancelled int     `json:"cancelled"`
	Pending   int     `json:"pending"`
	Rated     int     `json:"rated"`
	MeanStars float64 `json:"mean_stars"` // 0 while nothing is rated
	// Order is the cell's values in sweep order (X, then Y).
	Order   []pipeline.DimensionValue `json:"order"`
	Details []ExperimentJob           `json:"jobs_detail"`
}

// BestCell is the winning cell of a report.
type BestCell struct {
	// Cell is the index of the cell in the report's Cells.
	Cell      int               `json:"cell"`
	Values    map[string]string `json:"values"`
	MeanStars float64           `json:"mean_stars"`
	Rated     int               `json:"rated"`
}

// Report builds the experiment's report.
func (s *Service) Report(id string) (*ExperimentReport, error) {
	jobs, err := s.ExperimentJobs(id)
	if err != nil {
		return nil, err
	}
	return BuildReport(id, jobs), nil
}

// BuildReport sums jobs (in plan order) up by cell.
func BuildReport(id string, jobs []ExperimentJob) *ExperimentReport {
	rep := &ExperimentReport{ID: id, Cells: []CellReport{}}
	index := map[string]int{}
	sums := map[int]int{}
	for _, j := range jobs {
		key, _ := json.Marshal(j.Cell)
		i, ok := index[string(key)]
		if !ok {
			values := make(map[string]string, len(j.Cell))
			for _, v := range j.Cell {
				values[v.Dimension] = v.Value
			}
			i = len(rep.Cells)
			index[string(key)] = i
			rep.Cells = append(rep.Cells, CellReport{Values: values, Order: j.Cell})
		}
		c := &rep.Cells[i]
		c.Jobs++
		c.Details = append(c.Details, j)
		switch j.Status {
		case StatusCompleted:
			c.Images += j.Images
		case StatusFailed:
			c.Failed++
		case StatusCancelled:
			c.Cancelled++
		case StatusQueued, StatusRunning:
			c.Pending++
		}
		if j.Stars > 0 {
			c.Rated++
			sums[i] += j.Stars
		}
	}
	best := -1
	for i := range rep.Cells {
		c := &rep.Cells[i]
		if c.Rated == 0 {
			continue
		}
		c.MeanStars = math.Round(float64(sums[i])/float64(c.Rated)*100) / 100
		if best < 0 || c.MeanStars > rep.Cells[best].MeanStars ||
			c.MeanStars == rep.Cells[best].MeanStars && c.Rated > rep.Cells[best].Rated {
			best = i
		}
	}
	if best >= 0 {
		b := rep.Cells[best]
		rep.Best = &BestCell{Cell: best, Values: b.Values, MeanStars: b.MeanStars, Rated: b.Rated}
	}
	return rep
}
