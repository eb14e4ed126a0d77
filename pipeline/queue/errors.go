package queue

import (
	"errors"
	"fmt"
)

// Errors callers may test for with errors.Is.
var (
	// ErrNotFound: no job has the given id.
	ErrNotFound = errors.New("job not found")
	// ErrInUse: another program holds the queue database locked for longer
	// than the busy timeout.
	ErrInUse = errors.New("the queue database is locked by another program")
	// ErrReadOnly: the service was opened with Options.ReadOnly.
	ErrReadOnly = errors.New("the queue was opened read-only")
	// ErrClosed: the service was closed.
	ErrClosed = errors.New("the queue is closed")
	// ErrNotRunning: the job (or any job, when none was named) is not running.
	ErrNotRunning = errors.New("no such job is running")
	// ErrNewerSchema: the database was written by a newer StableNew.
	ErrNewerSchema = errors.New("database written by a newer StableNew")
	// ErrDamaged: the database file is not a StableNew database or is damaged.
	ErrDamaged = errors.New("database damaged or not a StableNew database")
	// ErrInvalidJob: a job handed to Submit or Import does not validate.
	ErrInvalidJob = errors.New("invalid job")
	// ErrNoExecutor: Start or RunUntilEmpty has no WebUI to run jobs on.
	ErrNoExecutor = errors.New("no WebUI to run jobs on")
	// ErrNotAttached: Detach was given an executor that has no worker.
	ErrNotAttached = errors.New("the WebUI is not attached to the queue")
)

// JobError explains what is wrong with one job of a Submit or Import.
type JobError struct {
	Index int    // the job's place in the list handed in, from 0
	JobID string // its id, "" when it had none
	Err   error
}

func (e JobError) Error() string {
	if e.JobID == "" {
		return fmt.Sprintf("job %d: %v", e.Index+1, e.Err)
	}
	return fmt.Sprintf("job %d (%s): %v", e.Index+1, e.JobID, e.Err)
}

func (e JobError) Unwrap() error { return e.Err }

// JobErrors lists every job of a Submit or Import that was refused. Nothing
// was stored when it is returned.
type JobErrors struct {
	Op   string // "submit" or "import"
	Of   int    // how many jobs were handed in
	Jobs []JobError
}

func (e *JobErrors) Error() string {
	const show = 10
	msg := fmt.Sprintf("%s: %d of %d jobs are not valid; nothing was queued (fix them, or build the jobs again)",
		e.Op, len(e.Jobs), e.Of)
	for i, j := range e.Jobs {
		if i == show {
			msg += fmt.Sprintf("\n  ... and %d more", len(e.Jobs)-show)
			break
		}
		msg += "\n  " + j.Error()
	}
	return msg
}

// Unwrap lets errors.Is(err, ErrInvalidJob) match.
func (e *JobErrors) Unwrap() error { return ErrInvalidJob }
