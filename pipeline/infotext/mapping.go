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
	// NotApplied lists the keys (with their values, "Key: value") that
	// have no place in the configuration or could not be read, unknown keys
	// included, sorted, so the user knows what was left out.
	NotApplied []string
	// Notes say what the user should know about the mapping: why some keys
	// were not applied, and applied values that will not take effect as
	// they are (a seed under the random seed mode).
	Notes []string
}

// Options tune ToConfig; the zero value maps without outside help.
type Options struct {
	// Checkpoint turns a checkpoint the image names into the value the
	// configuration holds, typically the WebUI's checkpoint title
	// ("sd_xl_base_1.0.safetensors [31e35c80fc]"). name is as the infotext
	// writes it: "sd_xl_base_1.0" for the model, "name [hash]" for the
	// refiner and the hires checkpoint; hash is the model's short hash
	// ("Model hash"), or "" when the infotext gives none separately. An
	// empty result keeps the name as written.
	//
	// Nil writes the model as "name [hash]" (the name alone without a hash)
	// and the other checkpoints as written.
	Checkpoint func(name, hash string) string
}

// checkpoint returns the resolver ToConfig uses.
func (o Options) checkpoint() func(name, hash string) string {
	return func(name, hash string) string {
		if o.Checkpoint != nil {
			if v := o.Checkpoint(name, hash); v != "" {
				return v
			}
			return name
		}
		if name != "" && hash != "" {
			return name + " [" + hash + "]"
		}
		return name
	}
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
// hires fix, refiner and ADetailer units. It turns txt2img on, and the hires
// fix, the refiner and ADetailer on when the image used them and off
// otherwise. Batch, output and randomizer settings stay as base has them.
//
// Every key it does not apply (Version, hashes, hires prompts, keys of other
// extensions, values it cannot read) is listed in NotApplied with its value;
// Notes say why where that is not obvious. It is the one mapping from an
// infotext to a configuration: the CLI's pnginfo and the GUI's drop-to-load
// both use it.
func ToConfig(p *Parameters, base pipeline.PipelineConfig, opts Options) Mapping {
	c := base.Clone()
	m := Mapping{}
	applied := map[string]bool{}
	mark := func(keys ...string) {
		for _, k := range keys {
			applied[k] = true
		}
	}
	note := func(format string, args ...any) { m.Notes = append(m.Notes, fmt.Sprintf(format, args...)) }
	resolve := opts.checkpoint()

	c.Prompt.Positive = p.Prompt
	c.Prompt.Negative = p.Negative
	c.Txt2Img.Enabled = true
	first := mapSampler(p, &c, mark, note)
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
		if c.Batch.SeedMode == pipeline.SeedRandom {
			note("Seed %d is loaded, but the seed mode is random: set it to fixed to use this seed.", v)
		}
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
	if _, ok := p.Int(KeyClipSkip); ok {
		mark(KeyClipSkip)
	}
	if name, hash := p.Model(), p.ModelHash(); name != "" || hash != "" {
		if v := resolve(name, hash); v != "" {
			c.Txt2Img.Model = v
			mark(KeyModel, KeyModelHash)
		} else {
			note("The image names its model only by the hash %s, which matches no known checkpoint; the model is unchanged.", hash)
		}
	}
	if v := p.VAE(); v != "" {
		c.Txt2Img.VAE = v
		mark(KeyVAE, KeyVAEHash)
	}
	mapHires(p, &c, first, resolve, mark, note)
	mapRefiner(p, &c, resolve, mark, note)
	mapADetailer(p, &c, mark)

	for _, kv := range p.Pairs {
		if applied[kv.Key] {
			m.Applied = append(m.Applied, kv.Key)
		} else {
			m.NotApplied = append(m.NotApplied, fmt.Sprintf("%s: %s", kv.Key, kv.Value))
		}
	}
	if p.Template != "" {
		m.NotApplied = append(m.NotApplied, "Template: "+p.Template+" (the dynamic-prompts template the prompt was expanded from)")
	}
	if p.NegativeTemplate != "" {
		m.NotApplied = append(m.NotApplied, "Negative Template: "+p.NegativeTemplate+" (the template the negative prompt was expanded from)")
	}
	sort.Strings(m.NotApplied)
	m.Config = c
	return m
}

// mapHires sets the hires fix from the parameters, or turns it off when the
// image used none. An image that gives neither a scale nor a size gets
// A1111's default scale of 2; one that gives a size keeps base's scale,
// which the size overrides.
func mapHires(p *Parameters, c *pipeline.PipelineConfig, first samplerChoice, resolve func(name, hash string) string, mark func(...string), note func(string, ...any)) {
	h, hires := p.Hires()
	c.Hires.Enabled = hires
	if !hires {
		return
	}
	c.Hires.ResizeX, c.Hires.ResizeY = h.ResizeWidth, h.ResizeHeight
	switch {
	case h.Upscale > 0:
		c.Hires.Scale = h.Upscale
	case h.ResizeWidth == 0 && h.ResizeHeight == 0:
		c.Hires.Scale = 2
	}
	c.Hires.Steps = h.Steps
	if h.Upscaler != "" {
		c.Hires.Upscaler = h.Upscaler
	}
	c.Hires.Checkpoint = ""
	if h.Checkpoint != "" {
		c.Hires.Checkpoint = resolve(h.Checkpoint, "")
	}
	mapHiresSampler(p, c, h, first, mark, note)
	if d, ok := p.DenoisingStrength(); ok {
		c.Hires.Denoise = d
		mark(KeyDenoisingStrength)
	}
	for key, used := range map[string]bool{
		KeyHiresUpscale: h.Upscale > 0, KeyHiresResize: h.ResizeWidth > 0 || h.ResizeHeight > 0,
		KeyHiresUpscaler: h.Upscaler != "", KeyHiresCheckpoint: h.Checkpoint != "",
	} {
		if used {
			mark(key)
		}
	}
	if _, ok := p.Int(KeyHiresSteps); ok {
		mark(KeyHiresSteps)
	}
	if h.Prompt != "" || h.NegativePrompt != "" {
		note("Hires prompts are not applied: StableNew's hires pass uses the job's prompts.")
	}
}

// mapRefiner sets the refiner, or turns it off when the image used none. A
// switch point outside (0, 1) is not applied: base's is kept.
func mapRefiner(p *Parameters, c *pipeline.PipelineConfig, resolve func(name, hash string) string, mark func(...string), note func(string, ...any)) {
	r, ok := p.Refiner()
	if !ok {
		c.Refiner.Enabled = false
		return
	}
	c.Refiner.Enabled = true
	c.Refiner.Checkpoint = resolve(r.Checkpoint, "")
	mark(KeyRefiner)
	switch {
	case r.SwitchAt > 0 && r.SwitchAt < 1:
		c.Refiner.SwitchAt = r.SwitchAt
		mark(KeyRefinerSwitchAt)
	default:
		if !(c.Refiner.SwitchAt > 0 && c.Refiner.SwitchAt < 1) {
			c.Refiner.SwitchAt = pipeline.Defaults().Refiner.SwitchAt
		}
		if v, has := p.Get(KeyRefinerSwitchAt); has {
			note("Refiner switch at %s is not between 0 and 1; the refiner switches at %s.", v, PythonFloat(c.Refiner.SwitchAt))
		}
	}
}

// mapADetailer sets the ADetailer units, or turns ADetailer off when the
// image used none.
func mapADetailer(p *Parameters, c *pipeline.PipelineConfig, mark func(...string)) {
	units := p.ADetailer()
	c.ADetailer.Enabled = len(units) > 0
	if len(units) == 0 {
		return
	}
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
