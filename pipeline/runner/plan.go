package runner

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"stablenew/pipeline"
)

// StageExecution is one step of a StageExecutionPlan.
type StageExecution struct {
	Stage pipeline.StageType
	// WithADetailer: ADetailer runs as an always-on script inside this
	// generation request (the last one before upscale).
	WithADetailer bool
	// FromInputImage: the stage starts from the job's input image file
	// rather than from the previous stage's images.
	FromInputImage bool
}

// StageExecutionPlan is the validated order of a job's stages.
type StageExecutionPlan struct {
	Stages []StageExecution
}

// PlanError explains why a job's stages cannot run.
type PlanError struct{ Reason string }

func (e *PlanError) Error() string { return "impossible stage plan: " + e.Reason }

// BuildPlan validates the job's configuration and orders its stages:
// txt2img → img2img → adetailer → upscale. ADetailer rides inside the last
// generation request (txt2img or img2img); only when neither runs (it
// detailes an existing image) is it a pass of its own. Hires fix and the
// refiner are part of txt2img.
func BuildPlan(cfg *pipeline.PipelineConfig) (*StageExecutionPlan, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	var p StageExecutionPlan
	t2i, i2i, ad, up := cfg.Txt2Img.Enabled, cfg.Img2Img.Enabled, cfg.ADetailer.Enabled, cfg.Upscale.Enabled
	input := strings.TrimSpace(cfg.Img2Img.InputImage)
	if !t2i {
		if input == "" {
			return nil, &PlanError{"txt2img is off, so img2img.input_image must name the image to start from"}
		}
		if _, err := os.Stat(input); err != nil {
			return nil, &PlanError{fmt.Sprintf("input image %s: %v", input, unwrapPathError(err))}
		}
	}
	if t2i {
		p.Stages = append(p.Stages, StageExecution{Stage: pipeline.StageTxt2Img, WithADetailer: ad && !i2i})
	}
	if i2i {
		p.Stages = append(p.Stages, StageExecution{Stage: pipeline.StageImg2Img, WithADetailer: ad, FromInputImage: !t2i})
	}
	if ad && !t2i && !i2i {
		p.Stages = append(p.Stages, StageExecution{Stage: pipeline.StageADetailer, WithADetailer: true, FromInputImage: true})
	}
	if up {
		p.Stages = append(p.Stages, StageExecution{Stage: pipeline.StageUpscale, FromInputImage: !t2i && !i2i && !ad})
	}
	if len(p.Stages) == 0 {
		return nil, &PlanError{"no stage is enabled"}
	}
	return &p, nil
}

// Names lists the stages the plan's images pass through, ADetailer included
// where it rides inside a generation request.
func (p *StageExecutionPlan) Names() []string {
	var out []string
	for _, s := range p.Stages {
		out = append(out, string(s.Stage))
		if s.WithADetailer && s.Stage != pipeline.StageADetailer {
			out = append(out, string(pipeline.StageADetailer))
		}
	}
	return out
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
