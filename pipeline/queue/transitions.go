package queue

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"stablenew/pipeline/runner"
)

// The state transitions of one job, each a statement inside a write
// transaction. Each checks the state it starts from, so a transition can
// never be applied twice or to a job in the wrong state.

const (
	frontPosition = `COALESCE((SELECT MIN(position) FROM jobs WHERE status = 'queued'), 1) - 1`
	backPosition  = `COALESCE((SELECT MAX(position) FROM jobs WHERE status = 'queued'), 0) + 1`
)

func mustAffectOne(res sql.Result, err error, id, what string) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n != 1 {
		return fmt.Errorf("job %s: %s: it is not in the expected state", id, what)
	}
	return nil
}

// completeStored records a completed job with its outputs and result.
func completeStored(tx *sql.Tx, id string, res *runner.Result, now time.Time) error {
	outputs := res.Outputs
	if outputs == nil {
		outputs = []string{}
	}
	outJSON, err := json.Marshal(outputs)
	if err != nil {
		return err
	}
	resJSON, err := json.Marshal(res)
	if err != nil {
		return err
	}
	r, err := tx.Exec(`UPDATE jobs SET status = 'completed', finished_at = ?, outputs = ?, error = '', stop_reason = ''
		WHERE job_id = ? AND status = 'running'`, dbTime(now), string(outJSON), id)
	if err := mustAffectOne(r, err, id, "record completion"); err != nil {
		return err
	}
	_, err = tx.Exec(`UPDATE job_data SET result = ? WHERE id = (SELECT id FROM jobs WHERE job_id = ?)`, string(resJSON), id)
	return err
}

// endStored moves a running job to history as failed or cancelled.
func endStored(tx *sql.Tx, id string, status Status, msg string, addAttempts int, now time.Time) error {
	r, err := tx.Exec(`UPDATE jobs SET status = ?, finished_at = ?, error = ?, attempts = attempts + ?, stop_reason = ''
		WHERE job_id = ? AND status = 'running'`, string(status), dbTime(now), msg, addAttempts, id)
	return mustAffectOne(r, err, id, "record "+string(status))
}

// Stop reasons as stored: the interrupt is committed before the WebUI is
// interrupted, so a crash in between still ends the job as the user asked.
var stopReasonNames = map[stopReason]string{stopPauseNow: "pause", stopCancel: "cancel", stopRequeue: "requeue"}

// requestStop records that the user asked to interrupt a running job.
func requestStop(tx *sql.Tx, id string, reason stopReason) error {
	r, err := tx.Exec(`UPDATE jobs SET stop_reason = ? WHERE job_id = ? AND status = 'running'`,
		stopReasonNames[reason], id)
	return mustAffectOne(r, err, id, "record the interrupt")
}

// requeueStored puts a running job back in the queue, at the front or the
// back. msg, when not empty, replaces the job's last error.
func requeueStored(tx *sql.Tx, id string, front bool, addAttempts int, msg string) error {
	pos := backPosition
	if front {
		pos = frontPosition
	}
	r, err := tx.Exec(`UPDATE jobs SET status = 'queued', position = `+pos+`, attempts = attempts + ?,
		started_at = NULL, backend = '', stop_reason = '', error = CASE WHEN ? = '' THEN error ELSE ? END
		WHERE job_id = ? AND status = 'running'`, addAttempts, msg, msg, id)
	return mustAffectOne(r, err, id, "put back in the queue")
}

// failQueued fails a queued job that no WebUI can run: it goes to the
// history with the reason, without having started.
func failQueued(tx *sql.Tx, id, msg string, now time.Time) error {
	r, err := tx.Exec(`UPDATE jobs SET status = 'failed', finished_at = ?, error = ?, stop_reason = ''
		WHERE job_id = ? AND status = 'queued'`, dbTime(now), msg, id)
	return mustAffectOne(r, err, id, "fail")
}
