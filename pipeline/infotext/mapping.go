package infotext

import (
	"fmt"
	"sort"
	"strings"

	"stablenew/pipeline"
)

// Mapping is what ToConfig did with an image's parameters.
type Mapping struct {
	// Config is the base configuration with every parameter that maps
	// cleanly applied.
	Config pipeline.PipelineConfig
	// Applied lists the infotext keys that were applied, in file order.
	Applied []string
	// NotApplied lists the keys (with their values) that have no place in
	// the stage cards, so the user knows what was left out.
	NotApplied []string
}

// adetailerKeys maps an ADetailer unit's infotext setting names to a setter.
var adetailerKeys = map[string]func(u *pipeline.ADetailerUnit, au ADetailerUnit, name string) bool{
	"confidence": func(u *pipeline.ADetailerUnit, a ADetailerUnit, n string) bool { return setF(&u.Confidence, a, n) },
	"denoising strength": func(u *pipeline.ADetailerUnit, a ADetailerUnit, n string) bool {
		return setF(&u.DenoisingStrength, a, n)
	},
	"mask blur":    func(u *pipeline.ADetailerUnit, a ADetailerUnit, n string) bool { return setI(&u.MaskBlur, a, n) },
	"dilate erode": func(u *pipeline.ADetailerUnit, a ADetailerUnit, n string) bool { return setI(&u.DilateErode, a, n) },
	"inpaint padding": func(u *pipeline.ADetailerUnit, a ADetailerUnit, n string) bool {
		return setI(&u.InpaintOnlyMaskedPadding, a, n)
	},
	"mask only top k": func(u *pipeline.ADetailerUnit, a ADetailerUnit, n string) bool { return setI(&u.MaskK, a, n) },
	"mask min ratio":  func(u *pipeline.ADetailerUnit, a ADetailerUnit, n string) bool { return setF(&u.MaskMinRatio, a, n) },
	"mask max ratio":  func(u *pipeline.ADetailerUnit, a ADetailerUnit, n string) bool { return setF(&u.MaskMaxRatio, a, n) },
	"x offset":        func(u *pipeline.ADetailerUnit, a ADetailerUnit, n string) bool { return setI(&u.XOffset, a, n) },
	"y offset":        func(u *pipeline.ADetailerUnit, a ADetailerUnit, n string) bool { return setI(&u.YOffset, a, n) },
	"inpaint only masked": func(u *pipeline.ADetailerUnit, a ADetailerUnit, n string) bool {
		return setB(&u.InpaintOnlyMasked, a, n)
	},
	"prompt":          func(u *pipeline.ADetailerUnit, a ADetailerUnit, n string) bool { return setS(&u.Prompt, a, n) },
	"negative prompt": func(u *pipeline.ADetailerUnit, a ADetailerUnit, n string) bool { return setS(&u.NegativePrompt, a, n) },
	"mask merge mode": func(u *pipeline.ADetailerUnit, a ADetailerUnit, n string) bool { return setS(&u.MaskMergeInvert, a, n) },
	"steps": func(u *pipeline.ADetailerUnit, a ADetailerUnit, n string) bool {
		return setI(&u.Steps, a, n) && use(&u.UseSteps)
	},
	"cfg scale": func(u *pipeline.ADetailerUnit, a ADetailerUnit, n string) bool {
		return setF(&u.CFGScale, a, n) && use(&u.UseCFGScale)
	},
	"sampler": func(u *pipeline.ADetailerUnit, a ADetailerUnit, n string) bool {
		return setS(&u.Sampler, a, n) && use(&u.UseSampler)
	},
	"checkpoint": func(u *pipeline.ADetailerUnit, a ADetailerUnit, n string) bool {
		return setS(&u.Checkpoint, a, n) && use(&u.UseCheckpoint)
	},
	"use separate width/height": func(u *pipeline.ADetailerUnit, a ADetailerUnit, n string) bool {
		return setB(&u.UseInpaintWidthHeight, a, n)
	},
	"use separate steps":      func(u *pipeline.ADetailerUnit, a ADetailerUnit, n string) bool { return setB(&u.UseSteps, a, n) },
	"use separate cfg scale":  func(u *pipeline.ADetailerUnit, a ADetailerUnit, n string) bool { return setB(&u.UseCFGScale, a, n) },
	"use separate sampler":    func(u *pipeline.ADetailerUnit, a ADetailerUnit, n string) bool { return setB(&u.UseSampler, a, n) },
	"use separate checkpoint": func(u *pipeline.ADetailerUnit, a ADetailerUnit, n string) bool { return setB(&u.UseCheckpoint, a, n) },
	"use separate noise multiplier": func(u *pipeline.ADetailerUnit, a ADetailerUnit, n string) bool {
		return setB(&u.UseNoiseMultiplier, a, n)
	},
	"noise multiplier": func(u *pipeline.ADetailerUnit, a ADetailerUnit, n string) bool { return setF(&u.NoiseMultiplier, a, n) },
}

func setF(dst *float64, a ADetailerUnit, n string) bool {
	v, ok := a.Float(n)
	if ok {
		*dst = v
	}
	return ok
}

func setI(dst *int, a ADetailerUnit, n string) bool {
	v, ok := a.Int(n)
	if ok {
		*dst = int(v)
	}
	return ok
}

func setB(dst *bool, a ADetailerUnit, n string) bool {
	v, ok := a.Bool(n)
	if ok {
		*dst = v
	}
	return ok
}

func setS(dst *string, a ADetailerUnit, n string) bool {
	v, ok := a.Get(n)
	if ok {
		*dst = v
	}
	return ok
}

func use(flag *bool) bool { *flag = true; return true }

// ToConfig maps an image's parameters onto base: prompts, sampler,
// scheduler, steps, CFG, size, seed, variation seed, clip skip, model, VAE,
// hires fix, refiner and ADetailer units. It turns the hires fix, the
// refiner and ADetailer on when the image used them and off otherwise.
// Everything else (Version, hashes, keys of other extensions) is listed in
// NotApplied.
func ToConfig(p *Parameters, base pipeline.PipelineConfig) Mapping {
	c := base.Clone()
	m := Mapping{}
	applied := map[string]bool{}
	mark := func(keys ...string) {
		for _, k := range keys {
			applied[k] = true
		}
	}
	c.Prompt.Positive = p.Prompt
	c.Prompt.Negative = p.Negative
	c.Txt2Img.Enabled = true
	if v := p.Sampler(); v != "" {
		c.Txt2Img.Sampler = v
		mark(KeySampler)
	}
	if v := p.ScheduleType(); v != "" {
		c.Txt2Img.Scheduler = v
		mark(KeyScheduleType)
	}
	if v, ok := p.Steps(); ok {
		c.Txt2Img.Steps = v
		mark(KeySteps)
	}
	if v, ok := p.CFGScale(); ok {
		c.Txt2Img.CFGScale = v
		mark(KeyCFGScale)
	}
	if w, h, ok := p.Size(); ok {
		c.Txt2Img.Width, c.Txt2Img.Height = w, h
		mark(KeySize)
	}
	if v, ok := p.Seed(); ok {
		c.Txt2Img.Seed = v
		mark(KeySeed)
	}
	if v, ok := p.VariationSeed(); ok {
		c.Txt2Img.Subseed = v
		mark(KeyVariationSeed)
	}
	if v, ok := p.VariationSeedStrength(); ok {
		c.Txt2Img.SubseedStrength = v
		mark(KeyVariationSeedStrength)
	}
	c.Txt2Img.ClipSkip = p.ClipSkip()
	mark(KeyClipSkip)
	if v := p.Model(); v != "" {
		c.Txt2Img.Model = v
		if h := p.ModelHash(); h != "" {
			c.Txt2Img.Model = v + " [" + h + "]"
		}
		mark(KeyModel, KeyModelHash)
	}
	if v := p.VAE(); v != "" {
		c.Txt2Img.VAE = v
		mark(KeyVAE)
	}
	h, hires := p.Hires()
	c.Hires.Enabled = hires
	if hires {
		c.Hires.Scale = h.Upscale
		c.Hires.ResizeX, c.Hires.ResizeY = h.ResizeWidth, h.ResizeHeight
		c.Hires.Steps = h.Steps
		if h.Upscaler != "" {
			c.Hires.Upscaler = h.Upscaler
		}
		c.Hires.Checkpoint, c.Hires.Sampler, c.Hires.Scheduler = h.Checkpoint, h.Sampler, h.ScheduleType
		if d, ok := p.DenoisingStrength(); ok {
			c.Hires.Denoise = d
			mark(KeyDenoisingStrength)
		}
		mark(KeyHiresUpscale, KeyHiresResize, KeyHiresSteps, KeyHiresUpscaler, KeyHiresCheckpoint, KeyHiresSampler, KeyHiresScheduleType)
	}
	if r, ok := p.Refiner(); ok {
		c.Refiner = pipeline.RefinerConfig{Enabled: true, Checkpoint: r.Checkpoint, SwitchAt: r.SwitchAt}
		if r.SwitchAt <= 0 || r.SwitchAt >= 1 {
			c.Refiner.SwitchAt = base.Refiner.SwitchAt
		}
		mark(KeyRefiner, KeyRefinerSwitchAt)
	} else {
		c.Refiner.Enabled = false
	}
	units := p.ADetailer()
	c.ADetailer.Enabled = len(units) > 0
	if len(units) > 0 {
		c.ADetailer.Units = nil
		for _, au := range units {
			u := pipeline.DefaultADetailerUnit()
			u.Model = au.Model
			suffix := ordinal(au.Index)
			mark(ADetailerPrefix + "model" + suffix)
			for _, kv := range au.Settings {
				if set, ok := adetailerKeys[strings.ToLower(kv.Key)]; ok && set(&u, au, kv.Key) {
					mark(ADetailerPrefix + kv.Key + suffix)
				}
			}
			c.ADetailer.Units = append(c.ADetailer.Units, u)
		}
	}
	for _, kv := range p.Pairs {
		if applied[kv.Key] {
			m.Applied = append(m.Applied, kv.Key)
		} else {
			m.NotApplied = append(m.NotApplied, fmt.Sprintf("%s: %s", kv.Key, kv.Value))
		}
	}
	if p.Template != "" {
		m.NotApplied = append(m.NotApplied, "Template: "+p.Template+" (the prompt that was sent is applied)")
	}
	sort.Strings(m.NotApplied)
	m.Config = c
	return m
}

// ordinal is the infotext suffix of ADetailer unit n: "" for the first,
// " 2nd", " 3rd", " 4th", ...
func ordinal(n int) string {
	switch {
	case n <= 1:
		return ""
	case n%10 == 2 && n%100 != 12:
		return fmt.Sprintf(" %dnd", n)
	case n%10 == 3 && n%100 != 13:
		return fmt.Sprintf(" %drd", n)
	case n%10 == 1 && n%100 != 11:
		return fmt.Sprintf(" %dst", n)
	}
	return fmt.Sprintf(" %dth", n)
}
