package queue

import (
	"time"

	"stablenew/pipeline"
	"stablenew/pipeline/runner"
)

// Status is a job's state. Queued and running jobs are the queue; completed,
// failed and cancelled jobs are history.
type Status string

// The job statuses.
const (
	StatusQueued    Status = "queued"
	StatusRunning   Status = "running"
	StatusCompleted Status = "completed"
	StatusFailed    Status = "failed"
	StatusCancelled Status = "cancelled"
)

// Finished reports whether the status belongs to history.
func (s Status) Finished() bool {
	return s == StatusCompleted || s == StatusFailed || s == StatusCancelled
}

// MoveKind is a reordering of the selected queued jobs. Every kind keeps the
// relative order of the selection.
type MoveKind int

// The moves.
const (
	// MoveUp moves each selected job one place up, past one unselected job;
	// a selected job already at the top (or under a selected job that cannot
	// move) stays where it is.
	MoveUp MoveKind = iota
	// MoveDown is MoveUp downwards.
	MoveDown
	// MoveTop puts the selection first, next to run.
	MoveTop
	// MoveBottom puts the selection last.
	MoveBottom
)

func (m MoveKind) String() string {
	switch m {
	case MoveUp:
		return "up"
	case MoveDown:
		return "down"
	case MoveTop:
		return "top"
	case MoveBottom:
		return "bottom"
	}
	return "unknown move"
}

// QueueItem is one line of the queue as List returns it: a summary that is
// cheap to read for 10,000 jobs. Get returns the whole JobSpec. The JSON
// names of the JobSpec's fields are the JobSpec's own, so `stablenew queue
// list --json` prints these as they are.
type QueueItem struct {
	JobID  string `json:"job_id"`
	Status Status `json:"status"`
	// Position is the place in the queue: 1 runs next; running jobs have 0.
	Position     int                `json:"position"`
	Attempts     int                `json:"attempts"`
	RunMode      pipeline.RunMode   `json:"run_mode"`
	Source       pipeline.RunSource `json:"source"`
	PackID       string             `json:"pack_id"`
	PromptIndex  int                `json:"prompt_index"`
	VariantIndex int                `json:"variant_index"`
	VariantTotal int                `json:"variant_total"`
	BatchIndex   int                `json:"batch_index"`
	BatchTotal   int                `json:"batch_total"`
	Seed         int64              `json:"seed"`
	// Prompt is the final positive prompt (pipeline_config.prompt.positive).
	Prompt string `json:"prompt"`
	// Model is the txt2img checkpoint as the job names it.
	Model  string `json:"model"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
	Steps  int    `json:"steps"`
	// Stages lists the stages in run order.
	Stages []pipeline.StageType `json:"stages"`
	// InputImage is the image file a job without txt2img starts from (a
	// reprocess job); Width and Height are 0 then (the file's size).
	InputImage string     `json:"input_image,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	QueuedAt   time.Time  `json:"queued_at"`
	StartedAt  *time.Time `json:"started_at,omitempty"`
	// Backend is the WebUI running the job.
	Backend string `json:"backend,omitempty"`
	// Error is the last failure of a job that was put back in the queue.
	Error string `json:"error,omitempty"`
	// Progress and ETA describe a running job (0 when unknown).
	Progress float64       `json:"progress,omitempty"`
	ETA      time.Duration `json:"eta_ns,omitempty"`
}

// JobRecord is everything the queue knows about one job: the JobSpec as it
// was built (its fields inline, under their own JSON names) and what
// happened to it.
type JobRecord struct {
	pipeline.JobSpec
	Status   Status `json:"status"`
	Position int    `json:"position"`
	Attempts int    `json:"attempts"`
	// QueuedAt is when the job entered the queue; StartedAt and FinishedAt
	// are those of its last run.
	QueuedAt   time.Time  `json:"queued_at"`
	StartedAt  *time.Time `json:"started_at,omitempty"`
	FinishedAt *time.Time `json:"finished_at,omitempty"`
	Backend    string     `json:"backend,omitempty"`
	// Error is the reason a job failed or was cancelled (the WebUI's own
	// text when it failed there), or the last failure of a requeued job.
	Error string `json:"error,omitempty"`
	// Outputs are the final images.
	Outputs []string `json:"outputs"`
	// Result is what the runner reported for a completed job.
	Result *runner.Result `json:"result,omitempty"`
	// RequeuedFrom is the job this one was requeued from (see Requeue).
	RequeuedFrom string `json:"requeued_from,omitempty"`
	// Stars and RatingNote are the job's 1–5 rating (RateJob); 0 when it
	// is not rated.
	Stars      int    `json:"stars,omitempty"`
	RatingNote string `json:"rating_note,omitempty"`
}

// HistoryItem is a finished job as History returns it.
type HistoryItem = JobRecord

// HistoryFilter selects finished jobs. Zero fields select everything.
type HistoryFilter struct {
	// Status is completed, failed or cancelled ("" for all three).
	Status Status
	PackID string
	// Search finds jobs whose positive or negative prompt contains the text
	// (case-insensitive for ASCII letters).
	Search string
	// Limit caps the number of items (0 means 100); Offset skips items, for
	// paging.
	Limit  int
	Offset int
}

// BackendState is what a worker's WebUI is doing.
type BackendState string

// The backend states.
const (
	BackendIdle    BackendState = "idle"
	BackendBusy    BackendState = "busy"
	BackendWaiting BackendState = "waiting" // waiting for the WebUI to answer
	BackendError   BackendState = "error"   // the WebUI answers but is not usable
)

// BackendStatus is one worker's state, as Backends reports it.
type BackendStatus struct {
	Name    string       `json:"name"`
	State   BackendState `json:"state"`
	Message string       `json:"message,omitempty"`
	JobID   string       `json:"job_id,omitempty"`
	Model   string       `json:"model,omitempty"`
}

// RunSummary counts what happened during RunUntilEmpty.
type RunSummary struct {
	Completed int `json:"completed"`
	Failed    int `json:"failed"`
	Cancelled int `json:"cancelled"`
	Requeued  int `json:"requeued"`
}
