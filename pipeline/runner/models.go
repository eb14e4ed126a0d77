package runner

import (
	"context"
	"fmt"

	"stablenew/pipeline"
	"stablenew/pipeline/output"
)

// ensureModel switches the WebUI's checkpoint and VAE to the job's, only
// when they differ from what it has loaded, and logs each switch. An empty
// model or VAE keeps whatever is loaded.
func (r *Runner) ensureModel(ctx context.Context, cfg *pipeline.PipelineConfig) error {
	want, wantVAE := cfg.Txt2Img.Model, cfg.Txt2Img.VAE
	if want == "" && wantVAE == "" {
		return nil
	}
	r.mu.Lock()
	known, model, vae := r.modelKnown, r.model, r.vae
	r.mu.Unlock()
	if !known {
		opts, err := r.client.Options(ctx)
		if err != nil {
			return classify(ctx, err)
		}
		model, _ = opts["sd_model_checkpoint"].(string)
		vae, _ = opts["sd_vae"].(string)
	}
	set := map[string]any{}
	if want != "" && !sameModel(model, want) {
		set["sd_model_checkpoint"] = want
		r.log.Info("switching checkpoint", "from", model, "to", want)
	}
	if wantVAE != "" && !sameModel(vae, wantVAE) {
		set["sd_vae"] = wantVAE
		r.log.Info("switching VAE", "from", vae, "to", wantVAE)
	}
	if len(set) > 0 {
		if err := r.client.SetOptions(ctx, set); err != nil {
			r.mu.Lock()
			r.modelKnown = false
			r.mu.Unlock()
			return fmt.Errorf("switching to checkpoint %q: %w", want, classify(ctx, err))
		}
		if want != "" {
			model = want
		}
		if wantVAE != "" {
			vae = wantVAE
		}
	}
	r.mu.Lock()
	r.model, r.vae, r.modelKnown = model, vae, true
	r.mu.Unlock()
	return nil
}

// sameModel compares checkpoint names loosely: a title with or without its
// " [hash]", a path or a bare name with or without its extension all name
// the same file.
func sameModel(have, want string) bool {
	if have == want {
		return true
	}
	return have != "" && output.ModelShortName(have) == output.ModelShortName(want)
}
