// Package resources reconciles the names a job uses with what one WebUI
// has. Packs, presets, sidecars and images name checkpoints, VAEs, samplers,
// schedulers, upscalers, ADetailer models, LoRAs and embeddings as they were
// on the machine that wrote them; the user's WebUI often lists the same file
// under another title (a subfolder, a title without its hash) or lacks it.
//
// Names are the user's, titles are the WebUI's: a JobSpec keeps the names it
// was planned with, and each WebUI resolves them to its own titles — for the
// preview's preflight (Check), for the queue's routing (Verdict) and when a
// job starts there (Apply, which gives the runner a copy of the config with
// the WebUI's exact titles and records every mapping it made).
package resources

import (
	"sort"
	"sync"
	"time"

	"stablenew/pipeline/webui"
)

// Checkpoint is one checkpoint a WebUI lists.
type Checkpoint struct {
	// Title is what the WebUI selects the checkpoint by and what requests
	// carry: "SDXL/sd_xl_base_1.0.safetensors [31e35c80fc]", or without the
	// " [hash]" while the file has never been hashed.
	Title string
	// ModelName is A1111's model_name ("SDXL_sd_xl_base_1.0").
	ModelName string
	// Hash is the short hash (the first 10 hex digits of SHA256), or "".
	Hash   string
	SHA256 string
}

// Sampler is one sampler and the aliases the WebUI lists for it.
type Sampler struct {
	Name    string
	Aliases []string
}

// Scheduler is one schedule type: its label ("Karras"), name ("karras")
// and aliases.
type Scheduler struct {
	Name    string
	Label   string
	Aliases []string
}

// LoRA is one LoRA: the name a <lora:…> tag takes and its alias.
type LoRA struct {
	Name  string
	Alias string
}

// Lists are one WebUI's resource lists, as plain data. A Lists is read-only
// once made: caches hand the same value to every caller.
type Lists struct {
	Checkpoints        []Checkpoint
	VAEs               []string
	Samplers           []Sampler
	Schedulers         []Scheduler
	Upscalers          []string // extras upscalers, "None" included
	LatentUpscaleModes []string
	LoRAs              []LoRA
	// Embeddings are the loaded textual inversions; SkippedEmbeddings are
	// those the WebUI knows but did not load because they do not fit the
	// loaded model's architecture (an SD 1.5 embedding under SDXL).
	Embeddings         []string
	SkippedEmbeddings  []string
	ADetailerModels    []string
	ADetailerInstalled bool
	ADetailerVersion   string
	// Unavailable names the optional lists this WebUI does not serve (an old
	// A1111 without schedulers, Forge without sd-vae): names of those kinds
	// cannot be checked and pass.
	Unavailable []Kind
	FetchedAt   time.Time

	once sync.Once
	idx  *index
}

// FromWebUI converts the lists a WebUI client discovered.
func FromWebUI(r *webui.Resources) *Lists {
	if r == nil {
		return nil
	}
	l := &Lists{
		LatentUpscaleModes: append([]string(nil), r.LatentUpscaleModes...),
		Embeddings:         append([]string(nil), r.Embeddings...),
		SkippedEmbeddings:  append([]string(nil), r.SkippedEmbeddings...),
		ADetailerModels:    append([]string(nil), r.ADetailerModels...),
		ADetailerInstalled: r.ADetailerInstalled,
		ADetailerVersion:   r.ADetailerVersion,
		FetchedAt:          r.FetchedAt,
	}
	for _, m := range r.Checkpoints {
		l.Checkpoints = append(l.Checkpoints, Checkpoint{Title: m.Title, ModelName: m.ModelName, Hash: m.Hash, SHA256: m.SHA256})
	}
	for _, v := range r.VAEs {
		l.VAEs = append(l.VAEs, v.ModelName)
	}
	for _, s := range r.Samplers {
		l.Samplers = append(l.Samplers, Sampler{Name: s.Name, Aliases: s.Aliases})
	}
	for _, s := range r.Schedulers {
		l.Schedulers = append(l.Schedulers, Scheduler{Name: s.Name, Label: s.Label, Aliases: s.Aliases})
	}
	for _, u := range r.Upscalers {
		l.Upscalers = append(l.Upscalers, u.Name)
	}
	for _, x := range r.Loras {
		l.LoRAs = append(l.LoRAs, LoRA{Name: x.Name, Alias: x.Alias})
	}
	for _, u := range r.Unavailable {
		switch u {
		case webui.ListVAEs:
			l.Unavailable = append(l.Unavailable, KindVAE)
		case webui.ListSchedulers:
			l.Unavailable = append(l.Unavailable, KindScheduler)
		case webui.ListLoRAs:
			l.Unavailable = append(l.Unavailable, KindLoRA)
		case webui.ListEmbeddings:
			l.Unavailable = append(l.Unavailable, KindEmbedding)
		case webui.ListLatentModes:
			// Hires upscalers are still checked against the upscalers and
			// A1111's fixed latent modes.
		}
	}
	return l
}

// Available reports whether the WebUI serves the list names of kind are
// checked against.
func (l *Lists) Available(k Kind) bool {
	for _, u := range l.Unavailable {
		if u == k {
			return false
		}
	}
	return true
}

// CheckpointTitles returns the checkpoint titles, in the WebUI's order.
func (l *Lists) CheckpointTitles() []string {
	out := make([]string, len(l.Checkpoints))
	for i, m := range l.Checkpoints {
		out[i] = m.Title
	}
	return out
}

// VAENames returns the VAE file names.
func (l *Lists) VAENames() []string { return append([]string(nil), l.VAEs...) }

// SamplerNames returns the sampler names.
func (l *Lists) SamplerNames() []string {
	out := make([]string, len(l.Samplers))
	for i, s := range l.Samplers {
		out[i] = s.Name
	}
	return out
}

// SchedulerLabels returns the schedule type labels ("Automatic", "Karras", …).
func (l *Lists) SchedulerLabels() []string {
	out := make([]string, len(l.Schedulers))
	for i, s := range l.Schedulers {
		out[i] = s.Label
	}
	return out
}

// UpscalerNames returns the extras upscalers ("None", "Lanczos", "R-ESRGAN 4x+", …).
func (l *Lists) UpscalerNames() []string { return append([]string(nil), l.Upscalers...) }

// HiresUpscalerNames returns what the hires fix accepts: the latent modes,
// then the upscalers except "None".
func (l *Lists) HiresUpscalerNames() []string {
	out := append([]string{}, l.hiresLatentModes()...)
	for _, u := range l.Upscalers {
		if u != "None" {
			out = append(out, u)
		}
	}
	return out
}

// ADetailerModelNames returns the ADetailer detection models.
func (l *Lists) ADetailerModelNames() []string { return append([]string(nil), l.ADetailerModels...) }

// LoRANames returns the LoRA names, sorted.
func (l *Lists) LoRANames() []string {
	out := make([]string, len(l.LoRAs))
	for i, x := range l.LoRAs {
		out[i] = x.Name
	}
	sort.Strings(out)
	return out
}

// latentModes are A1111's latent hires modes, for WebUIs that do not list
// them.
var latentModes = []string{"Latent", "Latent (antialiased)", "Latent (bicubic)", "Latent (bicubic antialiased)",
	"Latent (nearest)", "Latent (nearest-exact)"}

func (l *Lists) hiresLatentModes() []string {
	if len(l.LatentUpscaleModes) > 0 {
		return l.LatentUpscaleModes
	}
	return latentModes
}
