package queue

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"stablenew/pipeline"
)

// checkJobs validates every job (in parallel) and returns every problem at
// once, as *JobErrors. It runs before anything is written.
func checkJobs(op string, jobs []pipeline.JobSpec) error {
	errs := make([]error, len(jobs))
	parallel(len(jobs), func(lo, hi int) {
		checked := map[*pipeline.PipelineConfig]error{} // jobs of one variant share a config
		for i := lo; i < hi; i++ {
			j := &jobs[i]
			switch {
			case j.JobID == "":
				errs[i] = fmt.Errorf("it has no job_id")
			case j.Config == nil:
				errs[i] = fmt.Errorf("it has no pipeline_config")
			default:
				err, ok := checked[j.Config]
				if !ok {
					err = j.Config.Validate()
					checked[j.Config] = err
				}
				errs[i] = err
			}
		}
	})
	bad := &JobErrors{Op: op, Of: len(jobs)}
	seen := make(map[string]int, len(jobs))
	for i := range jobs {
		if errs[i] != nil {
			bad.Jobs = append(bad.Jobs, JobError{Index: i, JobID: jobs[i].JobID, Err: errs[i]})
			continue
		}
		if first, dup := seen[jobs[i].JobID]; dup {
			bad.Jobs = append(bad.Jobs, JobError{Index: i, JobID: jobs[i].JobID,
				Err: fmt.Errorf("its job_id is also used by job %d", first+1)})
			continue
		}
		seen[jobs[i].JobID] = i
	}
	if len(bad.Jobs) > 0 {
		return bad
	}
	return nil
}

// encodedJob is a checked job ready to insert: its spec JSON exactly as
// built and the columns derived from it.
type encodedJob struct {
	spec []byte
	job  *pipeline.JobSpec
	sum  summary
}

// encodeJobs encodes checked jobs in order, rowsPerInsert at a time, on
// its own goroutine, so that encoding overlaps with storing. It stops
// early when stop is closed.
func encodeJobs(jobs []pipeline.JobSpec, stop <-chan struct{}) <-chan []encodedJob {
	ch := make(chan []encodedJob, 16)
	go func() {
		defer close(ch)
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		// Jobs of one variant share a config, and so their needs (which
		// depend on the config alone).
		needs := map[*pipeline.PipelineConfig]string{}
		for lo := 0; lo < len(jobs); lo += rowsPerInsert {
			hi := min(lo+rowsPerInsert, len(jobs))
			out := make([]encodedJob, hi-lo)
			arena := make([]byte, 0, (hi-lo)*4096) // one allocation per chunk
			for i := lo; i < hi; i++ {
				j := &jobs[i]
				buf.Reset()
				// Encode writes what json.Marshal returns, plus a newline. A
				// checked JobSpec always encodes.
				if err := enc.Encode(j); err != nil {
					panic(fmt.Sprintf("encode job %s: %v", j.JobID, err))
				}
				data := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
				if len(arena)+len(data) > cap(arena) {
					arena = make([]byte, 0, max(len(data), (hi-i)*4096))
				}
				start := len(arena)
				arena = append(arena, data...)
				nk, ok := needs[j.Config]
				if !ok {
					nk = requiredKey(j)
					needs[j.Config] = nk
				}
				out[i-lo] = encodedJob{spec: arena[start:len(arena):len(arena)], job: j, sum: summarizeWith(j, nk)}
			}
			select {
			case ch <- out:
			case <-stop:
				return
			}
		}
	}()
	return ch
}

const (
	insertJobCols = `INSERT INTO jobs(id, job_id, status, position, attempts, run_mode, source, pack_id,
	prompt_index, variant_index, variant_total, batch_index, batch_total, seed, prompt, negative,
	model, model_key, width, height, steps, stages, work, created_at, queued_at, requeued_from, input_image, needs) VALUES `
	insertJobRow  = `(?, ?, 'queued', ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	insertDataRow = `(?, ?)`
	// rowsPerInsert rows go in one INSERT statement: far fewer statements
	// for a big submit, and well under SQLite's limit of bound values.
	rowsPerInsert = 32
)

// insertJobs stores checked jobs as queued, in order, at the front or the
// back of the queue, and returns what the mirror must add. It returns a
// *JobErrors naming the jobs whose id is already taken.
func insertJobs(tx *sql.Tx, op string, jobs []pipeline.JobSpec, front bool, now time.Time, requeuedFrom string) (mirrorChange, error) {
	var change mirrorChange
	if err := checkIDsFree(tx, op, jobs); err != nil {
		return change, err
	}
	var base float64
	if front {
		if err := tx.QueryRow(`SELECT ` + frontPosition).Scan(&base); err != nil {
			return change, err
		}
		base -= float64(len(jobs) - 1)
	} else if err := tx.QueryRow(`SELECT ` + backPosition).Scan(&base); err != nil {
		return change, err
	}
	var firstID int64
	if err := tx.QueryRow(`SELECT COALESCE(MAX(id), 0) + 1 FROM jobs`).Scan(&firstID); err != nil {
		return change, err
	}
	stmts := map[int]*sql.Stmt{}
	defer func() {
		for _, st := range stmts {
			st.Close()
		}
	}()
	// stmt returns the prepared INSERT for n rows (key n for jobs, -n for job_data).
	stmt := func(n int, data bool) (*sql.Stmt, error) {
		key, head, row := n, insertJobCols, insertJobRow
		if data {
			key, head, row = -n, `INSERT INTO job_data(id, spec) VALUES `, insertDataRow
		}
		if st, ok := stmts[key]; ok {
			return st, nil
		}
		st, err := tx.Prepare(head + strings.TrimSuffix(strings.Repeat(row+", ", n), ", "))
		if err != nil {
			return nil, err
		}
		stmts[key] = st
		return st, nil
	}
	stop := make(chan struct{})
	defer close(stop)
	queued := dbTime(now)
	queuedAt := fromDB(queued)
	change.put = make([]listedItem, 0, len(jobs))
	args := make([]any, 0, rowsPerInsert*28)
	lo := 0
	for chunk := range encodeJobs(jobs, stop) {
		args = args[:0]
		for k := range chunk {
			i := lo + k
			p := &chunk[k]
			j, c := p.job, p.job.Config
			created := j.CreatedAt
			if created.IsZero() {
				created = now
			}
			args = append(args, firstID+int64(i), j.JobID, base+float64(i), string(j.RunMode), string(j.Source), j.PackID,
				j.PromptIndex, j.VariantIndex, j.VariantTotal, j.BatchIndex, j.BatchTotal, j.Seed,
				c.Prompt.Positive, c.Prompt.Negative, p.sum.model, p.sum.modelKey, p.sum.width, p.sum.height,
				p.sum.steps, p.sum.stages, p.sum.work, dbTime(created), queued, requeuedFrom, p.sum.inputImage, p.sum.needs)
			// The mirror gets exactly what is stored.
			change.put = append(change.put, listedItem{pos: base + float64(i), modelKey: p.sum.modelKey, work: p.sum.work, QueueItem: QueueItem{
				JobID: j.JobID, Status: StatusQueued, RunMode: j.RunMode, Source: j.Source, PackID: j.PackID,
				PromptIndex: j.PromptIndex, VariantIndex: j.VariantIndex, VariantTotal: j.VariantTotal,
				BatchIndex: j.BatchIndex, BatchTotal: j.BatchTotal, Seed: j.Seed, Prompt: c.Prompt.Positive,
				Model: p.sum.model, Width: p.sum.width, Height: p.sum.height, Steps: p.sum.steps,
				Stages: splitStages(p.sum.stages), CreatedAt: fromDB(dbTime(created)), QueuedAt: queuedAt,
				InputImage: p.sum.inputImage,
			}})
		}
		st, err := stmt(len(chunk), false)
		if err != nil {
			return change, err
		}
		if _, err := st.Exec(args...); err != nil {
			return change, fmt.Errorf("store jobs %s…: %w", chunk[0].job.JobID, err)
		}
		args = args[:0]
		for k := range chunk {
			args = append(args, firstID+int64(lo+k), chunk[k].spec)
		}
		if st, err = stmt(len(chunk), true); err != nil {
			return change, err
		}
		if _, err := st.Exec(args...); err != nil {
			return change, fmt.Errorf("store jobs %s…: %w", chunk[0].job.JobID, err)
		}
		lo += len(chunk)
	}
	return change, nil
}

// checkIDsFree reports the jobs whose id is already stored.
func checkIDsFree(tx *sql.Tx, op string, jobs []pipeline.JobSpec) error {
	ids := make([]string, len(jobs))
	index := make(map[string]int, len(jobs))
	for i := range jobs {
		ids[i] = jobs[i].JobID
		index[ids[i]] = i
	}
	bad := &JobErrors{Op: op, Of: len(jobs)}
	err := inChunks(ids, func(chunk []any, marks string) error {
		rows, err := tx.Query(`SELECT job_id FROM jobs WHERE job_id IN (`+marks+`)`, chunk...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				return err
			}
			bad.Jobs = append(bad.Jobs, JobError{Index: index[id], JobID: id,
				Err: fmt.Errorf("its job_id is already in the queue or history; build the jobs again to get new ids")})
		}
		return rows.Err()
	})
	if err != nil {
		return err
	}
	if len(bad.Jobs) > 0 {
		sort.Slice(bad.Jobs, func(a, b int) bool { return bad.Jobs[a].Index < bad.Jobs[b].Index })
		return bad
	}
	return nil
}

// Submit adds jobs to the queue, in one transaction: all of them or, on any
// problem, none. Every job must have a job_id not used before and a
// configuration that validates; all are checked before anything is
// written, and each is stored exactly as built. front puts them first (in
// their order), next to run; otherwise they go last. With auto-run on, idle
// workers start at once.
func (s *Service) Submit(jobs []pipeline.JobSpec, front bool) error {
	if len(jobs) == 0 {
		return s.writable()
	}
	return s.submit(jobs, front, nil)
}

// submit checks jobs and stores them in one transaction with whatever
// before writes first (an experiment's records), then tells the workers.
func (s *Service) submit(jobs []pipeline.JobSpec, front bool, before func(tx *sql.Tx, now time.Time) error) error {
	if err := s.writable(); err != nil {
		return err
	}
	if err := checkJobs("submit", jobs); err != nil {
		return err
	}
	if err := s.lockWritable(); err != nil {
		return err
	}
	defer s.mu.Unlock()
	now := s.clock.Now()
	var change mirrorChange
	if err := s.st.write(func(tx *sql.Tx) (err error) {
		if before != nil {
			if err := before(tx, now); err != nil {
				return err
			}
		}
		change, err = insertJobs(tx, "submit", jobs, front, now, "")
		return err
	}); err != nil {
		return err
	}
	s.mirror.apply(change)
	where := "back"
	if front {
		where = "front"
	}
	s.log.Info("jobs queued", "count", len(jobs), "at", where, "first_job_id", jobs[0].JobID)
	s.queueChanged()
	s.kickLocked()
	return nil
}
