// Package runner executes one JobSpec stage by stage against a WebUI
// backend and writes its outputs. Its StageExecutionPlan runs txt2img →
// img2img → adetailer → upscale, each saved image feeding the next stage.
package runner

import (
	"context"
	"errors"
	"time"

	"stablenew/pipeline"
	"stablenew/pipeline/output"
	"stablenew/pipeline/resources"
)

// Progress is a snapshot of a running job, sent while it runs. Progress
// callbacks may be frequent; a consumer that is slow should coalesce them.
type Progress struct {
	JobID      string
	Stage      pipeline.StageType
	StageIndex int // 0-based index in the job's stages
	StageTotal int
	Step       int // sampling step within the current WebUI request
	Steps      int
	// Fraction is the whole job's progress, 0..1.
	Fraction float64
	// ETA is the WebUI's estimate for the current request (0 when unknown).
	ETA time.Duration
	// Preview is the WebUI's live preview image (PNG or JPEG bytes), or nil.
	Preview []byte
	// StageDone is set on the progress sent when stage StageIndex has
	// finished; StageOutputs are the files it wrote.
	StageDone    bool
	StageOutputs []string
	// RequestsDone is set on the progress sent when the job's last WebUI
	// request has returned: the WebUI is free, and the job only decodes
	// and saves what it got. The queue starts the next job on the same
	// executor then, so Run may be called again before this one returns
	// (the two overlap only while this one saves).
	RequestsDone bool
}

// StageResult is what one stage produced.
type StageResult struct {
	Stage    pipeline.StageType `json:"stage"`
	Inputs   []string           `json:"inputs,omitempty"`
	Outputs  []string           `json:"outputs"`
	Seeds    []int64            `json:"seeds,omitempty"`
	Started  time.Time          `json:"started"`
	Finished time.Time          `json:"finished"`
}

// Result is what a finished job produced.
type Result struct {
	JobID string `json:"job_id"`
	// Outputs are the final images (the last stage's files).
	Outputs      []string      `json:"outputs"`
	Stages       []StageResult `json:"stages"`
	ManifestPath string        `json:"manifest_path"`
	// ActualSeeds are the seeds the WebUI used for the first stage's images.
	ActualSeeds  []int64 `json:"actual_seeds"`
	Model        string  `json:"model"`
	WebUIVersion string  `json:"webui_version"`
	// Resources are the names the job used and the WebUI's names for them.
	Resources []output.ResourceUse `json:"resources,omitempty"`
}

// Executor runs jobs on one backend. JobService has one worker per Executor.
type Executor interface {
	// Run executes the job. Cancelling ctx interrupts the WebUI and returns
	// an error matching ErrCancelled; files already written stay.
	Run(ctx context.Context, job *pipeline.JobSpec, onProgress func(Progress)) (*Result, error)
	// Skip asks the WebUI to skip the image it is sampling now; the job goes
	// on with the rest of its batch.
	Skip(ctx context.Context) error
	// Ping reports whether the backend is reachable and ready.
	Ping(ctx context.Context) error
	// Name identifies the backend ("http://127.0.0.1:7860") in logs and in
	// the queue's records.
	Name() string
	// LoadedModel is the checkpoint the backend has loaded as far as the
	// executor knows ("" when unknown), for checkpoint affinity.
	LoadedModel() string
}

// ErrCancelled is returned (wrapped) by Run when its context was cancelled.
var ErrCancelled = errors.New("job cancelled")

// ErrMissingResource is wrapped by the error of a job that needs a
// resource its WebUI lacks (a checkpoint, sampler, upscaler…): it failed
// before any generation request. Another WebUI may have it.
var ErrMissingResource = errors.New("the WebUI lacks a resource the job needs")

// ResourceChecker is an Executor that knows its WebUI's resource lists
// (Runner does): the queue sends a job only where its resources are.
type ResourceChecker interface {
	// CheckNeeds says, without waiting, whether the WebUI has the resources
	// of a resources.RequiredKey; refreshed is called when a Checking
	// verdict's new lists are in.
	CheckNeeds(required string, refreshed func()) resources.Verdict
}

// ErrBackendUnavailable is wrapped by errors that mean the WebUI could not be
// reached (connection refused or dropped, a timeout): the job did not fail
// on its own merits and may be retried once the backend is back.
var ErrBackendUnavailable = errors.New("WebUI unavailable")
