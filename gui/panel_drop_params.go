package gui

import (
	"fmt"
	"strings"

	"stablenew/pipeline"
	"stablenew/pipeline/infotext"
	"stablenew/pipeline/webui"
)

// dropReport says what a dropped image's parameters changed.
type dropReport struct {
	Applied []string
	Skipped []string
}

// consumedKeys are the infotext keys applyInfotext reads.
var consumedKeys = map[string]bool{
	infotext.KeySteps: true, infotext.KeySampler: true, infotext.KeyScheduleType: true, infotext.KeyCFGScale: true,
	infotext.KeySeed: true, infotext.KeySize: true, infotext.KeyModel: true, infotext.KeyModelHash: true,
	infotext.KeyVAE: true, infotext.KeyVAEHash: true, infotext.KeyClipSkip: true,
	infotext.KeyHiresUpscale: true, infotext.KeyHiresResize: true, infotext.KeyHiresSteps: true,
	infotext.KeyHiresUpscaler: true, infotext.KeyHiresCheckpoint: true, infotext.KeyHiresSampler: true,
	infotext.KeyHiresScheduleType: true, infotext.KeyRefiner: true, infotext.KeyRefinerSwitchAt: true,
	infotext.KeyVersion: true,
}

// applyInfotext loads an image's generation parameters into the stage
// sections of c: model, VAE, sampler, scheduler, steps, CFG, size, seed,
// clip skip, hires fix and refiner. Prompts stay with the packs; every key
// it does not use is listed as not applied. res (may be nil) turns model
// names into the WebUI's checkpoint titles.
func applyInfotext(c *pipeline.PipelineConfig, p *infotext.Parameters, res *webui.Resources) *dropReport {
	r := &dropReport{}
	t := &c.Txt2Img
	if name := p.Model(); name != "" || p.ModelHash() != "" {
		t.Model = checkpointTitle(res, name, p.ModelHash())
		r.add("Model: %s", t.Model)
	}
	if v := p.VAE(); v != "" {
		t.VAE = v
		r.add("VAE: %s", v)
	}
	if s := p.Sampler(); s != "" {
		t.Sampler = s
		r.add("Sampler: %s", s)
	}
	if s := p.ScheduleType(); s != "" {
		t.Scheduler = s
		r.add("Scheduler: %s", s)
	}
	if n, ok := p.Steps(); ok {
		t.Steps = n
		r.add("Steps: %d", n)
	}
	if f, ok := p.CFGScale(); ok {
		t.CFGScale = f
		r.add("CFG: %s", formatFloat(f))
	}
	if w, h, ok := p.Size(); ok {
		t.Width, t.Height = w, h
		r.add("Size: %d × %d", w, h)
	}
	if s, ok := p.Seed(); ok {
		t.Seed = s
		note := ""
		if c.Batch.SeedMode == pipeline.SeedRandom {
			note = " (the seed mode is random: set it to fixed to use this seed)"
		}
		r.add("Seed: %d%s", s, note)
	}
	t.ClipSkip = p.ClipSkip()
	r.add("Clip skip: %d", t.ClipSkip)
	applyHires(c, p, res, r)
	applyRefiner(c, p, res, r)
	if p.Prompt != "" {
		r.skip("Prompt: prompts come from the prompt packs (use Copy prompt or New pack from prompt)")
	}
	if p.Negative != "" {
		r.skip("Negative prompt: comes from the packs and the Prompts card")
	}
	for _, kv := range p.Pairs {
		if consumedKeys[kv.Key] || (kv.Key == infotext.KeyDenoisingStrength && c.Hires.Enabled) {
			continue
		}
		r.skip("%s: %s", kv.Key, oneLine(kv.Value, 80))
	}
	return r
}

// applyHires sets the hires fix from the parameters, or turns it off when
// the image used none.
func applyHires(c *pipeline.PipelineConfig, p *infotext.Parameters, res *webui.Resources, r *dropReport) {
	h, ok := p.Hires()
	if !ok {
		if c.Hires.Enabled {
			r.add("Hires fix: off (the image used none)")
		}
		c.Hires.Enabled = false
		return
	}
	c.Hires.Enabled = true
	c.Hires.Scale, c.Hires.ResizeX, c.Hires.ResizeY = h.Upscale, h.ResizeWidth, h.ResizeHeight
	if h.Upscale <= 0 && h.ResizeWidth == 0 && h.ResizeHeight == 0 {
		c.Hires.Scale = 2
	}
	c.Hires.Steps = h.Steps
	if h.Upscaler != "" {
		c.Hires.Upscaler = h.Upscaler
	}
	if d, ok := p.DenoisingStrength(); ok {
		c.Hires.Denoise = d
	}
	c.Hires.Checkpoint = ""
	if h.Checkpoint != "" {
		c.Hires.Checkpoint = checkpointTitle(res, h.Checkpoint, "")
	}
	c.Hires.Sampler, c.Hires.Scheduler = h.Sampler, h.ScheduleType
	size := "×" + formatFloat(c.Hires.Scale)
	if h.ResizeWidth > 0 || h.ResizeHeight > 0 {
		size = fmt.Sprintf("to %d × %d", h.ResizeWidth, h.ResizeHeight)
	}
	r.add("Hires fix: %s with %s, %d steps, denoise %s", size, c.Hires.Upscaler, c.Hires.Steps, formatFloat(c.Hires.Denoise))
	if h.Prompt != "" || h.NegativePrompt != "" {
		r.skip("Hires prompts: StableNew's hires pass uses the job's prompts")
	}
}

// applyRefiner sets the refiner, or turns it off when the image used none.
func applyRefiner(c *pipeline.PipelineConfig, p *infotext.Parameters, res *webui.Resources, r *dropReport) {
	ref, ok := p.Refiner()
	if !ok {
		if c.Refiner.Enabled {
			r.add("Refiner: off (the image used none)")
		}
		c.Refiner.Enabled = false
		return
	}
	c.Refiner.Enabled = true
	c.Refiner.Checkpoint = checkpointTitle(res, ref.Checkpoint, "")
	if ref.SwitchAt > 0 && ref.SwitchAt < 1 {
		c.Refiner.SwitchAt = ref.SwitchAt
	}
	r.add("Refiner: %s from %d%%", c.Refiner.Checkpoint, int(c.Refiner.SwitchAt*100+0.5))
}

// checkpointTitle finds the WebUI's checkpoint title for an infotext model
// name ("sd_xl_base_1.0") or title and hash; without a match it keeps the
// name as written.
func checkpointTitle(res *webui.Resources, name, hash string) string {
	bare := name
	if i := strings.LastIndex(bare, " ["); i > 0 && strings.HasSuffix(bare, "]") {
		if hash == "" {
			hash = bare[i+2 : len(bare)-1]
		}
		bare = bare[:i]
	}
	if res != nil {
		for _, m := range res.Checkpoints {
			if hash != "" && (strings.EqualFold(m.Hash, hash) || strings.HasPrefix(strings.ToLower(m.SHA256), strings.ToLower(hash))) {
				return m.Title
			}
		}
		for _, m := range res.Checkpoints {
			if bare != "" && (m.ModelName == bare || m.Title == name || modelName(m.Title) == modelName(bare)) {
				return m.Title
			}
		}
	}
	return name
}

func (r *dropReport) add(format string, args ...any) {
	r.Applied = append(r.Applied, fmt.Sprintf(format, args...))
}

func (r *dropReport) skip(format string, args ...any) {
	r.Skipped = append(r.Skipped, fmt.Sprintf(format, args...))
}
