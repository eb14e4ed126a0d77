package queue

import (
	"bufio"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"stablenew/pipeline"
)

// The queue file format written by Export and read by Import:
//
//	{"format": "stablenew.queue", "version": 1, "exported_at": "...",
//	 "count": 2, "jobs": [JobSpec, JobSpec]}
//
// Each job is the JobSpec JSON exactly as it is stored.
const (
	exportFormat  = "stablenew.queue"
	exportVersion = 1
)

type exportHeader struct {
	Format     string    `json:"format"`
	Version    int       `json:"version"`
	ExportedAt time.Time `json:"exported_at"`
	Count      int       `json:"count"`
}

// Export writes the pending queue (running jobs first, then queued jobs in
// order) as a queue file.
func (s *Service) Export(w io.Writer) error {
	tx, err := s.st.r.Begin()
	if err != nil {
		return fmt.Errorf("export the queue: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // read-only
	var n int
	if err := tx.QueryRow(`SELECT count(*) FROM jobs WHERE status IN ('queued', 'running')`).Scan(&n); err != nil {
		return fmt.Errorf("export the queue: %w", err)
	}
	rows, err := tx.Query(`SELECT d.spec FROM jobs j JOIN job_data d ON d.id = j.id
		WHERE j.status IN ('queued', 'running') ORDER BY j.status = 'queued', j.position`)
	if err != nil {
		return fmt.Errorf("export the queue: %w", err)
	}
	defer rows.Close()
	bw := bufio.NewWriterSize(w, 1<<16)
	head, err := json.Marshal(exportHeader{Format: exportFormat, Version: exportVersion,
		ExportedAt: s.clock.Now().UTC(), Count: n})
	if err != nil {
		return err
	}
	bw.Write(head[:len(head)-1]) // without the closing brace
	bw.WriteString(`,"jobs":[`)
	first := true
	for rows.Next() {
		var spec []byte
		if err := rows.Scan(&spec); err != nil {
			return fmt.Errorf("export the queue: %w", err)
		}
		if !first {
			bw.WriteByte(',')
		}
		first = false
		bw.WriteString("\n")
		bw.Write(spec)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("export the queue: %w", err)
	}
	bw.WriteString("\n]}\n")
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write the queue file: %w", err)
	}
	return nil
}

// ImportResult says what Import added.
type ImportResult struct {
	// IDs are the imported jobs' ids, in queue order.
	IDs []string
	// Renamed maps a job id of the file that was already taken (or repeated
	// in the file) to the new id the job got.
	Renamed map[string]string
}

// ImportOptions says what an imported job may do.
type ImportOptions struct {
	// OutputRoot is the output folder: every job must write inside it.
	OutputRoot string
}

// Import reads a queue file written by Export and appends its jobs to the
// queue. A queue file may have been edited, so every job is decoded and
// checked as a planned one is first (pipeline.JobSpec.CheckFiles: a plain
// job id, a file name template without folders, the output folder inside
// opts.OutputRoot; then its configuration), and the import is
// all-or-nothing: a bad file is refused whole, its problems named. A job
// whose id is already taken gets a new id.
func (s *Service) Import(r io.Reader, opts ImportOptions) (ImportResult, error) {
	if err := s.writable(); err != nil {
		return ImportResult{}, err
	}
	if opts.OutputRoot == "" {
		return ImportResult{}, errors.New("import: no output folder to hold the jobs to; nothing was imported")
	}
	var file struct {
		exportHeader
		Jobs []json.RawMessage `json:"jobs"`
	}
	dec := json.NewDecoder(r)
	if err := dec.Decode(&file); err != nil {
		var ute *json.UnmarshalTypeError
		if errors.As(err, &ute) {
			return ImportResult{}, fmt.Errorf("import: not a StableNew queue file (%v); export one with `stablenew queue export`", err)
		}
		return ImportResult{}, fmt.Errorf("import: the file is not valid JSON (%v); nothing was imported", err)
	}
	switch {
	case file.Format != exportFormat:
		return ImportResult{}, fmt.Errorf("import: not a StableNew queue file (format %q, want %q); nothing was imported",
			file.Format, exportFormat)
	case file.Version > exportVersion:
		return ImportResult{}, fmt.Errorf("import: the file was written by a newer StableNew (queue file version %d, "+
			"this build reads %d); update StableNew. Nothing was imported", file.Version, exportVersion)
	case file.Version < 1:
		return ImportResult{}, fmt.Errorf("import: the file has no version; nothing was imported")
	}
	jobs := make([]pipeline.JobSpec, len(file.Jobs))
	bad := &JobErrors{Op: "import", Of: len(file.Jobs)}
	for i, raw := range file.Jobs {
		if err := json.Unmarshal(raw, &jobs[i]); err != nil {
			bad.Jobs = append(bad.Jobs, JobError{Index: i, Err: fmt.Errorf("it does not decode: %w", err)})
		} else if err := jobs[i].CheckFiles(opts.OutputRoot); err != nil {
			bad.Jobs = append(bad.Jobs, JobError{Index: i, JobID: jobs[i].JobID, Err: err})
		}
	}
	if len(bad.Jobs) > 0 {
		return ImportResult{}, bad
	}
	if err := s.lockWritable(); err != nil {
		return ImportResult{}, err
	}
	defer s.mu.Unlock()
	res := ImportResult{Renamed: map[string]string{}}
	now := s.clock.Now()
	var change mirrorChange
	err := s.st.write(func(tx *sql.Tx) error {
		// Give a new id to every job whose id is taken or repeated.
		ids := make([]string, 0, len(jobs))
		for i := range jobs {
			ids = append(ids, jobs[i].JobID)
		}
		taken := map[string]bool{}
		if err := inChunks(ids, func(chunk []any, marks string) error {
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
				taken[id] = true
			}
			return rows.Err()
		}); err != nil {
			return err
		}
		seen := map[string]bool{}
		for i := range jobs {
			id := jobs[i].JobID
			if id == "" {
				continue // reported by checkJobs
			}
			if taken[id] || seen[id] {
				jobs[i].JobID = s.opts.NewID()
				res.Renamed[id] = jobs[i].JobID
			}
			seen[jobs[i].JobID] = true
		}
		if err := checkJobs("import", jobs); err != nil {
			return err
		}
		var err error
		change, err = insertJobs(tx, "import", jobs, false, now, "")
		return err
	})
	if err != nil {
		var je *JobErrors
		if errors.As(err, &je) {
			return ImportResult{}, err
		}
		return ImportResult{}, fmt.Errorf("import: %w; nothing was imported", err)
	}
	s.mirror.apply(change)
	for _, j := range jobs {
		res.IDs = append(res.IDs, j.JobID)
	}
	s.log.Info("queue imported", "count", len(jobs), "renamed", len(res.Renamed))
	if len(jobs) > 0 {
		s.queueChanged()
		s.kickLocked()
	}
	return res, nil
}
