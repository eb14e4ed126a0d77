package queue

import (
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Rating is a 1–5 rating of a completed job's images, with a note.
type Rating struct {
	JobID   string    `json:"job_id"`
	Stars   int       `json:"stars"`
	Note    string    `json:"note,omitempty"`
	RatedAt time.Time `json:"rated_at"`
}

// RateJob stores a 1–5 rating with a note for any completed job of the
// history (of an experiment or not), replacing an earlier one. jobID is the
// job's id or a unique start of it (lists show 8 characters). It returns
// the job's full id.
func (s *Service) RateJob(jobID string, stars int, note string) (string, error) {
	if stars < 1 || stars > 5 {
		return "", fmt.Errorf("%w: stars must be from 1 to 5, got %d", ErrBadRating, stars)
	}
	if err := s.writable(); err != nil {
		return "", err
	}
	id, err := s.resolveJobID(jobID)
	if err != nil {
		return "", err
	}
	var status string
	if err := s.st.r.QueryRow(`SELECT status FROM jobs WHERE job_id = ?`, id).Scan(&status); err != nil {
		return "", fmt.Errorf("read job %s: %w", id, err)
	}
	if Status(status) != StatusCompleted {
		return "", fmt.Errorf("%w: job %s is %s; only a completed job's images can be rated", ErrBadRating, id, status)
	}
	return id, s.saveRating(id, stars, note)
}

// resolveJobID returns the one job whose id is jobID or starts with it.
func (s *Service) resolveJobID(jobID string) (string, error) {
	if jobID == "" {
		return "", fmt.Errorf("%w: no job id", ErrNotFound)
	}
	rows, err := s.st.r.Query(`SELECT job_id FROM jobs WHERE job_id = ?1 OR substr(job_id, 1, length(?1)) = ?1
ORDER BY job_id = ?1 DESC LIMIT 2`, jobID)
	if err != nil {
		return "", fmt.Errorf("find job %s: %w", jobID, err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return "", err
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return "", err
	}
	switch {
	case len(ids) == 0:
		return "", fmt.Errorf("%w: %s", ErrNotFound, jobID)
	case ids[0] == jobID || len(ids) == 1:
		return ids[0], nil
	}
	return "", fmt.Errorf("%w: %s is the start of several job ids; give more of the id", ErrNotFound, jobID)
}

// saveRating writes (or replaces) the rating of a job.
func (s *Service) saveRating(jobID string, stars int, note string) error {
	return s.st.write(func(tx *sql.Tx) error {
		_, err := tx.Exec(`INSERT INTO ratings(job_id, stars, note, rated_at) VALUES(?, ?, ?, ?)
ON CONFLICT(job_id) DO UPDATE SET stars = excluded.stars, note = excluded.note, rated_at = excluded.rated_at`,
			jobID, stars, note, dbTime(s.clock.Now()))
		return err
	})
}

// JobRating returns a job's rating, or nil when it has none.
func (s *Service) JobRating(jobID string) (*Rating, error) {
	r := Rating{JobID: jobID}
	var at int64
	err := s.st.r.QueryRow(`SELECT stars, note, rated_at FROM ratings WHERE job_id = ?`, jobID).Scan(&r.Stars, &r.Note, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the rating of job %s: %w", jobID, err)
	}
	r.RatedAt = fromDB(at)
	return &r, nil
}
