package resources

import (
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"stablenew/pipeline"
)

// Need is one resource a job names.
type Need struct {
	Kind Kind
	Name string
	// Field is where the job names it: a config path ("txt2img.model",
	// "adetailer.units[0].ad_model") or "prompt".
	Field string
}

// keeps reports whether a value names no resource: it keeps the WebUI's
// choice.
func keeps(v string) bool {
	switch strings.TrimSpace(v) {
	case "", "None", "Automatic", "Use same checkpoint", "Use same sampler", "Use same scheduler", "Use same VAE":
		return true
	}
	return false
}

// ref is one resource field of a config: its kind, path and value.
type ref struct {
	kind  Kind
	field string
	p     *string // nil for a need without a value (the ADetailer extension)
}

// refs lists the resource fields of c that a job sends to the WebUI, in a
// fixed order, as pointers into c.
func refs(c *pipeline.PipelineConfig) []ref { return appendRefs(make([]ref, 0, 16), c) }

// appendRefs is refs appending to out.
func appendRefs(out []ref, c *pipeline.PipelineConfig) []ref {
	t2i, i2i, ad, up := c.Txt2Img.Enabled, c.Img2Img.Enabled, c.ADetailer.Enabled, c.Upscale.Enabled
	gen := t2i || i2i || ad
	add := func(k Kind, field string, p *string) {
		if !keeps(*p) {
			out = append(out, ref{k, field, p})
		}
	}
	if gen {
		add(KindCheckpoint, "txt2img.model", &c.Txt2Img.Model)
		add(KindVAE, "txt2img.vae", &c.Txt2Img.VAE)
	}
	// The txt2img sampler and scheduler also serve img2img (when it sets
	// none of its own) and a detailing-only pass.
	if t2i || (i2i && c.Img2Img.Sampler == "") || (ad && !t2i && !i2i) {
		add(KindSampler, "txt2img.sampler_name", &c.Txt2Img.Sampler)
	}
	if t2i || (i2i && c.Img2Img.Scheduler == "") || (ad && !t2i && !i2i) {
		add(KindScheduler, "txt2img.scheduler", &c.Txt2Img.Scheduler)
	}
	if t2i && c.Hires.Enabled {
		add(KindHiresUpscaler, "hires.upscaler", &c.Hires.Upscaler)
		add(KindCheckpoint, "hires.checkpoint", &c.Hires.Checkpoint)
		add(KindSampler, "hires.sampler_name", &c.Hires.Sampler)
		add(KindScheduler, "hires.scheduler", &c.Hires.Scheduler)
	}
	if t2i && c.Refiner.Enabled {
		add(KindCheckpoint, "refiner.checkpoint", &c.Refiner.Checkpoint)
	}
	if i2i {
		add(KindSampler, "img2img.sampler_name", &c.Img2Img.Sampler)
		add(KindScheduler, "img2img.scheduler", &c.Img2Img.Scheduler)
	}
	if ad {
		out = append(out, ref{KindADetailer, "adetailer.enabled", nil})
		for i := range c.ADetailer.Units {
			u := &c.ADetailer.Units[i]
			if !u.TabEnable {
				continue
			}
			p := "adetailer.units[" + strconv.Itoa(i) + "]."
			add(KindADetailerModel, p+"ad_model", &u.Model)
			if u.UseCheckpoint {
				add(KindCheckpoint, p+"ad_checkpoint", &u.Checkpoint)
			}
			if u.UseVAE {
				add(KindVAE, p+"ad_vae", &u.VAE)
			}
			if u.UseSampler {
				add(KindSampler, p+"ad_sampler", &u.Sampler)
				add(KindScheduler, p+"ad_scheduler", &u.Scheduler)
			}
		}
	}
	if up {
		add(KindUpscaler, "upscale.upscaler_1", &c.Upscale.Upscaler1)
		add(KindUpscaler, "upscale.upscaler_2", &c.Upscale.Upscaler2)
	}
	return out
}

// prompts are the prompt fields of c whose LoRA tags and embeddings reach
// the WebUI.
func prompts(c *pipeline.PipelineConfig) []*string {
	if !(c.Txt2Img.Enabled || c.Img2Img.Enabled || c.ADetailer.Enabled) {
		return nil
	}
	out := []*string{&c.Prompt.Positive, &c.Prompt.Negative}
	if c.ADetailer.Enabled {
		for i := range c.ADetailer.Units {
			out = append(out, &c.ADetailer.Units[i].Prompt, &c.ADetailer.Units[i].NegativePrompt)
		}
	}
	return out
}

// Embeddings recognises embeddings named by bare words in prompts: the
// names some WebUI knows (loaded or skipped). A nil *Embeddings recognises
// none.
type Embeddings struct {
	names map[string]struct{} // folded
	// first and the lengths let most words of a prompt be passed over
	// without hashing them.
	first          [256]bool
	minLen, maxLen int
}

// KnownEmbeddings gathers the embedding names of every lists (nil ones
// skipped).
func KnownEmbeddings(lists ...*Lists) *Embeddings {
	e := &Embeddings{names: map[string]struct{}{}, minLen: 1 << 30}
	add := func(n string) {
		f := fold(n)
		if f == "" {
			return
		}
		e.names[f] = struct{}{}
		e.first[f[0]] = true
		e.minLen, e.maxLen = min(e.minLen, len(f)), max(e.maxLen, len(f))
	}
	for _, l := range lists {
		if l == nil {
			continue
		}
		for _, n := range l.Embeddings {
			add(n)
		}
		for _, n := range l.SkippedEmbeddings {
			add(n)
		}
	}
	return e
}

// has reports whether a prompt word is a known embedding's name.
func (e *Embeddings) has(w string) bool {
	if len(w) < e.minLen || len(w) > e.maxLen {
		return false
	}
	c := w[0]
	if 'A' <= c && c <= 'Z' {
		c += 'a' - 'A'
	}
	if !e.first[c] && c < utf8.RuneSelf {
		return false
	}
	_, ok := e.names[fold(w)]
	return ok
}

// Needs lists the resources a job names, each kind and name once (at the
// first field naming it), in a fixed order: the config's fields, then the
// prompts' LoRA tags, then embeddings (the job's <embedding:…> tags and
// bare words known embeds recognises).
func Needs(spec *pipeline.JobSpec, known *Embeddings) []Need {
	return appendNeeds(make([]Need, 0, 16), nil, spec, known)
}

// appendNeeds is Needs appending to out, with scratch space for the refs.
func appendNeeds(out []Need, scratch *[]ref, spec *pipeline.JobSpec, known *Embeddings) []Need {
	if spec == nil || spec.Config == nil {
		return out
	}
	base := len(out)
	add := func(n Need) {
		for _, o := range out[base:] {
			if o.Name == n.Name && o.Kind == n.Kind {
				return
			}
		}
		out = append(out, n)
	}
	c := spec.Config
	var rs []ref
	if scratch != nil {
		rs = appendRefs((*scratch)[:0], c)
		*scratch = rs
	} else {
		rs = refs(c)
	}
	for _, r := range rs {
		name := "ADetailer"
		if r.p != nil {
			name = strings.TrimSpace(*r.p)
		}
		add(Need{r.kind, name, r.field})
	}
	ps := prompts(c)
	for _, p := range ps {
		for _, name := range loraNames(*p) {
			add(Need{KindLoRA, name, "prompt"})
		}
	}
	if len(ps) > 0 {
		for _, name := range spec.Embeddings {
			add(Need{KindEmbedding, name, "prompt"})
		}
		if known != nil && len(known.names) > 0 {
			for _, p := range ps {
				eachWord(*p, func(w string) {
					if known.has(w) {
						add(Need{KindEmbedding, w, "prompt"})
					}
				})
			}
		}
	}
	return out
}

// RequiredKey is the canonical text of the resources a job cannot run
// without, sorted: "checkpoint\tsd_xl_base…\nsampler\tEuler a". Jobs with the
// same key run on the same WebUIs; the queue stores it to route jobs
// without decoding them.
func RequiredKey(needs []Need) string {
	var lines []string
	for _, n := range needs {
		if n.Kind.Required() {
			lines = append(lines, string(n.Kind)+"\t"+n.Name)
		}
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// parseRequiredKey reads a RequiredKey back.
func parseRequiredKey(k string) []Need {
	if k == "" {
		return nil
	}
	var out []Need
	for _, line := range strings.Split(k, "\n") {
		kind, name, _ := strings.Cut(line, "\t")
		out = append(out, Need{Kind: Kind(kind), Name: name})
	}
	return out
}

// loraNames returns the names in a prompt's <lora:name:…> tags, in order.
func loraNames(prompt string) []string {
	var out []string
	for rest := prompt; ; {
		i := strings.Index(rest, "<lora:")
		if i < 0 {
			return out
		}
		rest = rest[i+len("<lora:"):]
		end := strings.IndexAny(rest, ":>")
		if end < 0 {
			return out
		}
		if name := strings.TrimSpace(rest[:end]); name != "" {
			out = append(out, name)
		}
		rest = rest[end:]
	}
}

// eachWord calls f with every word of a prompt that could be an embedding
// name: runs of characters other than spaces, punctuation of the prompt
// syntax ( ) [ ] { } < > | , : and weights.
func eachWord(prompt string, f func(string)) {
	start := -1
	for i := 0; i <= len(prompt); i++ {
		sep := i == len(prompt)
		if !sep {
			switch prompt[i] {
			case ' ', '\t', '\n', '\r', ',', '(', ')', '[', ']', '{', '}', '<', '>', '|', ':':
				sep = true
			}
		}
		if sep {
			if start >= 0 {
				f(prompt[start:i])
				start = -1
			}
		} else if start < 0 {
			start = i
		}
	}
}
