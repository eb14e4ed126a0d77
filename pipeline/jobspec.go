package pipeline

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"stablenew/pipeline/output"
)

// RunMode says how a run was asked for. Every job runs through the queue.
type RunMode string

// The run modes.
const (
	// RunModeDirect: the command renders its jobs now and waits for them
	// (stablenew run, reprocess --now).
	RunModeDirect RunMode = "direct"
	// RunModeQueue: the jobs join the queue and run when it gets to them
	// (Add to Queue, Run Now, queue add, reprocess).
	RunModeQueue RunMode = "queue"
)

// RunSource names the button or command that built a job.
type RunSource string

// The run sources.
const (
	SourceRun        RunSource = "run"          // stablenew run
	SourceRunNow     RunSource = "run_now"      // the Run Now button
	SourceAddToQueue RunSource = "add_to_queue" // the Add to Queue button, stablenew queue add
	SourceCLI        RunSource = "cli"          // stablenew plan (its jobs are only printed)
	SourceReprocess  RunSource = "reprocess"    // the Reprocess dialog, stablenew reprocess
)

// DimensionValue records the value one randomizer dimension took for a job,
// such as {Dimension: "[[job]]", Value: "knight"} or {"cfg_scale", "6.5"}.
type DimensionValue struct {
	Dimension string `json:"dimension"`
	Value     string `json:"value"`
}

// JobSpec is one job, fully resolved: the preview shows it, the queue
// stores it and the runner executes it, unchanged (Preview = Queue =
// Executor). A JobSpec is immutable once built; JobSpecs of the same variant
// share one *PipelineConfig, which nobody may modify.
type JobSpec struct {
	JobID   string    `json:"job_id"`
	RunMode RunMode   `json:"run_mode"`
	Source  RunSource `json:"source"`
	// PackID is the prompt pack's id (its file stem); PackPath the file it
	// was read from.
	PackID   string `json:"pack_id"`
	PackPath string `json:"pack_path,omitempty"`
	// PromptIndex is the prompt row in the pack, from 0.
	PromptIndex int `json:"prompt_index"`
	// Config is the resolved configuration, with the final prompt and
	// negative in Config.Prompt. Config.Txt2Img.Seed is the configured base
	// seed; Seed below is what this job sends.
	Config       *PipelineConfig `json:"pipeline_config"`
	VariantIndex int             `json:"variant_index"`
	VariantTotal int             `json:"variant_total"`
	BatchIndex   int             `json:"batch_index"`
	BatchTotal   int             `json:"batch_total"`
	// OutputDir is the job's folder (output root plus rendered folder
	// template); FilenameTemplate names each image inside it.
	OutputDir        string   `json:"output_dir"`
	FilenameTemplate string   `json:"filename_template"`
	Seed             int64    `json:"seed"`
	SeedMode         SeedMode `json:"seed_mode"`
	// RandomizerSeed is the seed that drove every random choice of the plan.
	RandomizerSeed int64 `json:"randomizer_seed"`
	// Template is the prompt row before the randomizer ran.
	Template string `json:"template,omitempty"`
	// Embeddings are the textual-inversion embeddings the pack named with
	// <embedding:name> tags. The prompts carry them as bare names, which is
	// how the WebUI activates them; this list lets a preflight check them.
	Embeddings        []string         `json:"embeddings,omitempty"`
	RandomizerSummary []DimensionValue `json:"randomizer_summary"`
	// LearningContextID names the experiment that made the job (the
	// original's learning hooks); it is empty for every job a user asked
	// for outside the Learning experiments.
	LearningContextID string `json:"learning_context_id"`
	// LearningValues are the values of the experiment's swept settings in
	// this job's cell, such as {"txt2img.cfg_scale", "7.5"}; nil outside an
	// experiment.
	LearningValues []DimensionValue `json:"learning_values,omitempty"`
	CreatedAt      time.Time        `json:"created_at"`
}

// ImagesPerJob is how many images one job makes per stage.
func (j *JobSpec) ImagesPerJob() int { return j.Config.Batch.BatchSize }

// Stages lists the stages the job runs, in order.
func (j *JobSpec) Stages() []StageType { return j.Config.StageTypes() }

// Label is a short human description: "portraits #3 v2/4 b1/2 seed 1234",
// or "reprocess of cat.png seed 1234" for a reprocess job.
func (j *JobSpec) Label() string {
	if j.Source == SourceReprocess && j.Config != nil && j.Config.Img2Img.InputImage != "" {
		return fmt.Sprintf("reprocess of %s seed %d", filepath.Base(j.Config.Img2Img.InputImage), j.Seed)
	}
	return fmt.Sprintf("%s #%d v%d/%d b%d/%d seed %d", j.PackID, j.PromptIndex+1,
		j.VariantIndex+1, j.VariantTotal, j.BatchIndex+1, j.BatchTotal, j.Seed)
}

// Tokens are the values of the job's folder and filename template tokens,
// the same for the folder the plan renders and the files the runner names:
// {seed} is the requested seed and {sampler}, {steps}, {cfg}, {width} and
// {height} are the txt2img card's values (which later stages inherit).
// The runner sets the actual seed, {stage} and {index} of each image.
func (j *JobSpec) Tokens() output.TokenValues {
	c := j.Config
	return output.TokenValues{
		Time: j.CreatedAt, Pack: j.PackID, PromptIndex: j.PromptIndex, Variant: j.VariantIndex, Batch: j.BatchIndex,
		Seed: j.Seed, Model: c.Txt2Img.Model, Prompt: c.Prompt.Positive, JobID: j.JobID,
		Sampler: c.Txt2Img.Sampler, Steps: c.Txt2Img.Steps, CFG: c.Txt2Img.CFGScale,
		Width: c.Txt2Img.Width, Height: c.Txt2Img.Height,
	}
}

// ConfigHash is a short stable hash of the job's configuration and seed, used
// in image metadata to tell whether two images were made the same way.
func (j *JobSpec) ConfigHash() string {
	data, err := json.Marshal(struct {
		C    *PipelineConfig
		Seed int64
	}{j.Config, j.Seed})
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:6])
}

// StageType names a stage of the StageExecutionPlan.
type StageType string

// The stages, in the order they run.
const (
	StageTxt2Img   StageType = "txt2img"
	StageImg2Img   StageType = "img2img"
	StageADetailer StageType = "adetailer"
	StageUpscale   StageType = "upscale"
)

// StageTypes lists the enabled stages in run order: txt2img → img2img →
// adetailer → upscale. Hires fix and the refiner run inside txt2img.
func (c *PipelineConfig) StageTypes() []StageType {
	var out []StageType
	if c.Txt2Img.Enabled {
		out = append(out, StageTxt2Img)
	}
	if c.Img2Img.Enabled {
		out = append(out, StageImg2Img)
	}
	if c.ADetailer.Enabled {
		out = append(out, StageADetailer)
	}
	if c.Upscale.Enabled {
		out = append(out, StageUpscale)
	}
	return out
}

// StageSummary reads like "txt2img (+hires, refiner) → adetailer → upscale".
func (c *PipelineConfig) StageSummary() string {
	var parts []string
	for _, s := range c.StageTypes() {
		label := string(s)
		if s == StageTxt2Img {
			var extra []string
			if c.Hires.Enabled {
				extra = append(extra, "hires")
			}
			if c.Refiner.Enabled {
				extra = append(extra, "refiner")
			}
			if len(extra) > 0 {
				label += " (+" + strings.Join(extra, ", ") + ")"
			}
		}
		parts = append(parts, label)
	}
	if len(parts) == 0 {
		return "no stages"
	}
	return strings.Join(parts, " → ")
}
