package runner

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"stablenew/pipeline"
	"stablenew/pipeline/output"
	"stablenew/pipeline/resources"
)

// MissingError is the failure of a job whose WebUI lacks a resource it
// needs. It wraps ErrMissingResource.
type MissingError struct {
	WebUI    string
	Problems []resources.Resolution
}

func (e *MissingError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.Describe()
	}
	return fmt.Sprintf("%s %s; nothing was sent to it (add the file to the WebUI and press Refresh, or map the name in the preview)",
		e.WebUI, strings.Join(parts, "; "))
}

func (e *MissingError) Unwrap() error { return ErrMissingResource }

// resolve gives the configuration the job sends to this WebUI: every name
// resolved to the WebUI's own (checkpoint titles with their subfolders…),
// and what each became for the manifest. A name the job cannot run
// without fails the job before any request; a missing LoRA or embedding
// is logged (the WebUI would ignore it). When the WebUI's lists cannot be
// read, the job runs with its names as planned.
func (r *Runner) resolve(ctx context.Context, spec *pipeline.JobSpec, log *slog.Logger) (*pipeline.PipelineConfig, []output.ResourceUse, error) {
	a, err := r.opts.Resources.ApplyTo(ctx, spec)
	if err != nil {
		if ctx.Err() != nil {
			return nil, nil, cancelled(ctx.Err())
		}
		log.Warn("cannot read the WebUI's lists; the job's names go as planned", "err", err)
		return spec.Config, nil, nil
	}
	uses := make([]output.ResourceUse, len(a.Resolutions))
	for i, res := range a.Resolutions {
		uses[i] = output.ResourceUse{Kind: string(res.Kind), Asked: res.Name, Used: res.Used, How: string(res.How), Problem: res.Problem}
		switch {
		case res.Mapped():
			log.Info("using the WebUI's name", "kind", res.Kind, "asked", res.Name, "used", res.Used, "by", res.How)
		case !res.OK() && !res.Kind.Required():
			// The preflight warned before the job was queued; the manifest
			// records it.
			log.Info("the WebUI "+res.Describe()+"; the job runs without it", "kind", res.Kind, "name", res.Name)
		}
	}
	if b := a.Blocking(); len(b) > 0 {
		return nil, uses, &MissingError{WebUI: r.Name(), Problems: b}
	}
	return a.Config, uses, nil
}
