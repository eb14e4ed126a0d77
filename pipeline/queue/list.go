package queue

import (
	"database/sql"
	"fmt"

	"stablenew/pipeline"
)

const listColumns = `job_id, status, attempts, run_mode, source, pack_id, prompt_index, variant_index,
	variant_total, batch_index, batch_total, seed, prompt, model, width, height, steps, stages,
	created_at, queued_at, started_at, backend, error, position, model_key, work, input_image`

// List returns the queue: the running jobs first (oldest start first),
// then the queued jobs in the order they will run. Items are summaries;
// Get returns a job's whole JobSpec.
func (s *Service) List() ([]QueueItem, error) {
	var items []QueueItem
	if s.mirror == nil {
		var err error
		if items, err = s.listFromDB(); err != nil {
			return nil, err
		}
	}
	s.lockListed()
	defer s.mu.Unlock()
	if s.mirror != nil {
		if s.listErr != nil {
			return nil, s.listErr
		}
		items = s.mirror.snapshot()
	}
	pos := 0
	now := s.clock.Now()
	for i := range items {
		it := &items[i]
		if it.Status == StatusQueued {
			pos++
			it.Position = pos
		} else if r := s.runs[it.JobID]; r != nil {
			r.describe(it, now)
		}
	}
	return items, nil
}

// ListShared returns the queue as List does, without copying every queued
// summary: the running jobs are copies with their progress and ETA, the
// queued jobs (in run order) are the queue's own summaries, shared and
// read-only: the caller must not change them. A queued item's Position is
// not set; it is its index in queued + 1. For a queue of 10,000 jobs List
// copies 3.4 MB, ListShared 80 KB of pointers.
func (s *Service) ListShared() (running []QueueItem, queued []*QueueItem, err error) {
	if s.mirror == nil { // read-only: the list is read from the database anyway
		items, err := s.List()
		if err != nil {
			return nil, nil, err
		}
		for i := range items {
			if items[i].Status == StatusRunning {
				running = append(running, items[i])
			} else {
				queued = append(queued, &items[i])
			}
		}
		return running, queued, nil
	}
	s.lockListed()
	defer s.mu.Unlock()
	if s.listErr != nil {
		return nil, nil, s.listErr
	}
	sorted := s.mirror.snapshotListed()
	now := s.clock.Now()
	queued = make([]*QueueItem, 0, len(sorted))
	for _, it := range sorted {
		if it.Status != StatusRunning {
			queued = append(queued, &it.QueueItem)
			continue
		}
		r := it.QueueItem
		if run := s.runs[r.JobID]; run != nil {
			run.describe(&r, now)
		}
		running = append(running, r)
	}
	return running, queued, nil
}

// ListRunning returns the running jobs as List does (oldest start first,
// with their progress and ETA) and how many jobs are queued, without the
// queued jobs themselves: what a window shows while its queue list is
// hidden. It reads the database unless the queue is already in memory, and
// never reads the queue into memory.
func (s *Service) ListRunning() (running []QueueItem, queued int, err error) {
	s.mu.Lock()
	inMemory := s.mirror.ready()
	if inMemory {
		for _, it := range s.mirror.snapshotListed() {
			if it.Status != StatusRunning {
				queued++
				continue
			}
			running = append(running, it.handOut())
		}
	}
	s.mu.Unlock()
	if !inMemory {
		if running, queued, err = s.runningFromDB(); err != nil {
			return nil, 0, err
		}
	}
	now := s.clock.Now()
	s.mu.Lock()
	for i := range running {
		if r := s.runs[running[i].JobID]; r != nil {
			r.describe(&running[i], now)
		}
	}
	s.mu.Unlock()
	return running, queued, nil
}

// runningFromDB reads the running jobs and counts the queued ones in one
// snapshot of the database.
func (s *Service) runningFromDB() ([]QueueItem, int, error) {
	tx, err := s.st.r.Begin()
	if err != nil {
		return nil, 0, fmt.Errorf("list the running jobs: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // read-only
	var n int
	if err := tx.QueryRow(`SELECT count(*) FROM jobs WHERE status = 'queued'`).Scan(&n); err != nil {
		return nil, 0, fmt.Errorf("count the queued jobs: %w", err)
	}
	rows, err := tx.Query(`SELECT ` + listColumns + ` FROM jobs WHERE status = 'running' ORDER BY started_at, position`)
	if err != nil {
		return nil, 0, fmt.Errorf("list the running jobs: %w", err)
	}
	defer rows.Close()
	listed, err := scanListed(rows, nil)
	if err != nil {
		return nil, 0, fmt.Errorf("list the running jobs: %w", err)
	}
	running := make([]QueueItem, len(listed))
	for i := range listed {
		running[i] = listed[i].handOut()
	}
	return running, n, nil
}

// listFromDB reads the queue from the database, in List order.
func (s *Service) listFromDB() ([]QueueItem, error) {
	tx, err := s.st.r.Begin() // one snapshot for both queries
	if err != nil {
		return nil, fmt.Errorf("list the queue: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // read-only
	var n int
	if err := tx.QueryRow(`SELECT count(*) FROM jobs WHERE status IN ('queued', 'running')`).Scan(&n); err != nil {
		return nil, fmt.Errorf("list the queue: %w", err)
	}
	listed := make([]listedItem, 0, n)
	for _, q := range []string{
		`SELECT ` + listColumns + ` FROM jobs WHERE status = 'running' ORDER BY started_at, position`,
		`SELECT ` + listColumns + ` FROM jobs WHERE status = 'queued' ORDER BY position`,
	} {
		rows, err := tx.Query(q)
		if err != nil {
			return nil, fmt.Errorf("list the queue: %w", err)
		}
		listed, err = scanListed(rows, listed)
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("list the queue: %w", err)
		}
	}
	items := make([]QueueItem, len(listed))
	for i := range listed {
		items[i] = listed[i].handOut()
	}
	return items, nil
}

// scanListed reads rows of listColumns. The strings many jobs repeat (the
// status, pack, prompt, model, stages, ETA keys) are shared between the
// items read in one call: a queue of 10,000 jobs from a few prompts then
// holds each prompt once, not 10,000 times. Items are read-only summaries,
// so sharing is safe; List copies the stages it hands out.
func scanListed(rows *sql.Rows, items []listedItem) ([]listedItem, error) {
	var (
		status, runMode, source, stages string
		created, queued                 int64
		started                         sql.NullInt64
		pool                            = stringPool{}
		stageLists                      = map[string][]pipeline.StageType{}
	)
	for rows.Next() {
		var it listedItem
		if err := rows.Scan(&it.JobID, &status, &it.Attempts, &runMode, &source, &it.PackID, &it.PromptIndex,
			&it.VariantIndex, &it.VariantTotal, &it.BatchIndex, &it.BatchTotal, &it.Seed, &it.Prompt, &it.Model,
			&it.Width, &it.Height, &it.Steps, &stages, &created, &queued, &started, &it.Backend, &it.Error,
			&it.pos, &it.modelKey, &it.work, &it.InputImage); err != nil {
			return nil, err
		}
		it.Status = Status(pool.get(status))
		it.RunMode = pipeline.RunMode(pool.get(runMode))
		it.Source = pipeline.RunSource(pool.get(source))
		it.PackID, it.Prompt, it.Model = pool.get(it.PackID), pool.get(it.Prompt), pool.get(it.Model)
		it.modelKey, it.work = pool.get(it.modelKey), pool.get(it.work)
		it.Backend, it.Error, it.InputImage = pool.get(it.Backend), pool.get(it.Error), pool.get(it.InputImage)
		list, ok := stageLists[stages]
		if !ok {
			list = splitStages(stages)
			stageLists[pool.get(stages)] = list
		}
		it.Stages = list
		it.CreatedAt = fromDB(created)
		it.QueuedAt = fromDB(queued)
		it.StartedAt = fromDBNull(started)
		items = append(items, it)
	}
	return items, rows.Err()
}

// stringPool hands out one copy of each distinct string it is given.
type stringPool map[string]string

// get returns the pool's copy of s, adding s when it is new.
func (p stringPool) get(s string) string {
	if s == "" {
		return ""
	}
	if c, ok := p[s]; ok {
		return c
	}
	p[s] = s
	return s
}

// Counts is how many jobs are in each state.
type Counts struct {
	Queued    int `json:"queued"`
	Running   int `json:"running"`
	Completed int `json:"completed"`
	Failed    int `json:"failed"`
	Cancelled int `json:"cancelled"`
}

// Count returns how many jobs are in each state (for a status bar).
func (s *Service) Count() (Counts, error) {
	rows, err := s.st.r.Query(`SELECT status, count(*) FROM jobs GROUP BY status`)
	if err != nil {
		return Counts{}, fmt.Errorf("count jobs: %w", err)
	}
	defer rows.Close()
	var c Counts
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return Counts{}, err
		}
		switch Status(st) {
		case StatusQueued:
			c.Queued = n
		case StatusRunning:
			c.Running = n
		case StatusCompleted:
			c.Completed = n
		case StatusFailed:
			c.Failed = n
		case StatusCancelled:
			c.Cancelled = n
		}
	}
	return c, rows.Err()
}
