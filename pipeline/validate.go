package pipeline

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// FieldError is one problem with one field, named by its key path
// ("hires.denoise", "adetailer.units[1].ad_confidence").
type FieldError struct {
	Path    string
	Message string
}

func (e FieldError) Error() string { return e.Path + ": " + e.Message }

// ValidationError lists every problem Validate found, in field order.
type ValidationError struct {
	Problems []FieldError
}

func (e *ValidationError) Error() string {
	if len(e.Problems) == 1 {
		return e.Problems[0].Error()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d problems in the configuration:", len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		b.WriteString(p.Error())
	}
	return b.String()
}

// Fields returns the problems keyed by path, for a GUI that shows each next
// to its field.
func (e *ValidationError) Fields() map[string]string {
	m := make(map[string]string, len(e.Problems))
	for _, p := range e.Problems {
		m[p.Path] = p.Message
	}
	return m
}

// validator collects problems with their paths. prefix, when set, is put
// before every path (only when a problem is found, so valid configurations
// cost no string building).
type validator struct {
	problems []FieldError
	prefix   string
}

func (v *validator) add(path, format string, args ...any) {
	v.problems = append(v.problems, FieldError{Path: v.prefix + path, Message: fmt.Sprintf(format, args...)})
}

func (v *validator) intRange(path string, got, lo, hi int) {
	if got < lo || got > hi {
		v.add(path, "must be within %d..%d, got %d", lo, hi, got)
	}
}

// floatRange checks a finite value's range; finite reports NaN and ±Inf.
func (v *validator) floatRange(path string, got, lo, hi float64) {
	if !isFinite(got) {
		return
	}
	if got < lo || got > hi {
		v.add(path, "must be within %s..%s, got %s", fmtFloat(lo), fmtFloat(hi), fmtFloat(got))
	}
}

func (v *validator) oneOf(path, got string, allowed ...string) {
	for _, a := range allowed {
		if got == a {
			return
		}
	}
	v.add(path, "must be one of %s, got %q", strings.Join(allowed, ", "), got)
}

func (v *validator) multipleOf8(path string, got int) {
	if got%8 != 0 {
		v.add(path, "must be a multiple of 8, got %d", got)
	}
}

func fmtFloat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// Validate reports every problem with the configuration at once, each with
// its key path, or nil when the configuration can run. It never changes c
// and never clamps a value.
func (c PipelineConfig) Validate() error {
	v := &validator{}
	c.validate(v)
	if len(v.problems) == 0 {
		return nil
	}
	return &ValidationError{Problems: v.problems}
}

// ValidateStages is Validate without the randomizer section: what a job's
// resolved configuration needs once the randomizer has run.
func (c PipelineConfig) ValidateStages() error {
	v := &validator{}
	c.validateStages(v)
	if len(v.problems) == 0 {
		return nil
	}
	return &ValidationError{Problems: v.problems}
}

func (c PipelineConfig) validate(v *validator) {
	c.validateStages(v)
	for i, x := range c.Randomizer.Sweeps.CFGScales {
		v.finiteAt("randomizer.sweeps.cfg_scales", i, "", x)
	}
	c.Randomizer.validate(v)
}

func isFinite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

// finite reports a NaN or ±Inf value at path: whether or not its stage is
// on, no number field of a configuration takes one.
func (v *validator) finite(path string, x float64) {
	if !isFinite(x) {
		v.add(path, "must be a finite number, got %s", fmtFloat(x))
	}
}

// finiteAt is finite for field of element i of the list at path; the path
// is only built for a problem.
func (v *validator) finiteAt(path string, i int, field string, x float64) {
	if !isFinite(x) {
		v.add(fmt.Sprintf("%s[%d]%s", path, i, field), "must be a finite number, got %s", fmtFloat(x))
	}
}

// finiteStages checks every number of the stage sections (a test checks
// that the list is complete). It is written out rather than reflected so that
// validating a job's configuration allocates nothing.
func (c *PipelineConfig) finiteStages(v *validator) {
	v.finite("txt2img.cfg_scale", c.Txt2Img.CFGScale)
	v.finite("txt2img.subseed_strength", c.Txt2Img.SubseedStrength)
	v.finite("hires.scale", c.Hires.Scale)
	v.finite("hires.denoise", c.Hires.Denoise)
	v.finite("refiner.switch_at", c.Refiner.SwitchAt)
	v.finite("img2img.cfg_scale", c.Img2Img.CFGScale)
	v.finite("img2img.denoise", c.Img2Img.Denoise)
	for i := range c.ADetailer.Units {
		u := &c.ADetailer.Units[i]
		for _, f := range [...]struct {
			key string
			x   float64
		}{
			{".ad_confidence", u.Confidence}, {".ad_mask_min_ratio", u.MaskMinRatio}, {".ad_mask_max_ratio", u.MaskMaxRatio},
			{".ad_denoising_strength", u.DenoisingStrength}, {".ad_cfg_scale", u.CFGScale},
			{".ad_noise_multiplier", u.NoiseMultiplier}, {".ad_controlnet_weight", u.ControlNetWeight},
			{".ad_controlnet_guidance_start", u.ControlNetGuidanceStart}, {".ad_controlnet_guidance_end", u.ControlNetGuidanceEnd},
		} {
			v.finiteAt("adetailer.units", i, f.key, f.x)
		}
	}
	v.finite("upscale.upscaler_2_visibility", c.Upscale.Upscaler2Visibility)
	v.finite("upscale.factor", c.Upscale.Factor)
	v.finite("upscale.gfpgan_visibility", c.Upscale.GFPGANVisibility)
	v.finite("upscale.codeformer_visibility", c.Upscale.CodeFormerVisibility)
	v.finite("upscale.codeformer_weight", c.Upscale.CodeFormerWeight)
	for i := range c.LoRAs {
		v.finiteAt("lora_strengths", i, ".strength", c.LoRAs[i].Strength)
	}
}

func (c PipelineConfig) validateStages(v *validator) {
	c.finiteStages(v)
	t := c.Txt2Img
	if !t.Enabled && !c.Img2Img.Enabled && !c.Upscale.Enabled && !c.ADetailer.Enabled {
		v.add("txt2img.enabled", "no stage is enabled; turn on at least one of txt2img, img2img, adetailer or upscale")
	}
	v.intRange("txt2img.steps", t.Steps, 1, 150)
	v.floatRange("txt2img.cfg_scale", t.CFGScale, 0, 30)
	v.intRange("txt2img.width", t.Width, 64, 4096)
	v.intRange("txt2img.height", t.Height, 64, 4096)
	v.multipleOf8("txt2img.width", t.Width)
	v.multipleOf8("txt2img.height", t.Height)
	v.intRange("txt2img.clip_skip", t.ClipSkip, 1, 12)
	if t.Seed < -1 || t.Seed > math.MaxUint32 {
		v.add("txt2img.seed", "must be -1 (random) or within 0..%d, got %d", uint32(math.MaxUint32), t.Seed)
	}
	if t.Subseed < -1 || t.Subseed > math.MaxUint32 {
		v.add("txt2img.subseed", "must be -1 (random) or within 0..%d, got %d", uint32(math.MaxUint32), t.Subseed)
	}
	v.floatRange("txt2img.subseed_strength", t.SubseedStrength, 0, 1)
	if t.Enabled && strings.TrimSpace(t.Sampler) == "" {
		v.add("txt2img.sampler_name", "must name a sampler (for example \"Euler a\")")
	}

	if h := c.Hires; h.Enabled {
		if !t.Enabled {
			v.add("hires.enabled", "hires fix runs inside txt2img; turn txt2img on or hires off")
		}
		if strings.TrimSpace(h.Upscaler) == "" {
			v.add("hires.upscaler", "must name an upscaler (for example \"Latent\")")
		}
		if h.ResizeX == 0 && h.ResizeY == 0 {
			v.floatRange("hires.scale", h.Scale, 1, 4)
		}
		v.intRange("hires.resize_x", h.ResizeX, 0, 8192)
		v.intRange("hires.resize_y", h.ResizeY, 0, 8192)
		v.intRange("hires.steps", h.Steps, 0, 150)
		v.floatRange("hires.denoise", h.Denoise, 0, 1)
	}
	if r := c.Refiner; r.Enabled {
		if !t.Enabled {
			v.add("refiner.enabled", "the refiner runs inside txt2img; turn txt2img on or the refiner off")
		}
		if strings.TrimSpace(r.Checkpoint) == "" {
			v.add("refiner.checkpoint", "must name the refiner checkpoint")
		}
		if isFinite(r.SwitchAt) && (r.SwitchAt <= 0 || r.SwitchAt >= 1) {
			v.add("refiner.switch_at", "must be between 0 and 1 (exclusive), got %s", fmtFloat(r.SwitchAt))
		}
	}
	if i := c.Img2Img; i.Enabled {
		v.floatRange("img2img.denoise", i.Denoise, 0, 1)
		v.intRange("img2img.steps", i.Steps, 0, 150)
		v.floatRange("img2img.cfg_scale", i.CFGScale, 0, 30)
		v.intRange("img2img.resize_mode", i.ResizeMode, 0, 3)
		v.intRange("img2img.width", i.Width, 0, 4096)
		v.intRange("img2img.height", i.Height, 0, 4096)
		if !t.Enabled && strings.TrimSpace(i.InputImage) == "" {
			v.add("img2img.input_image", "img2img is the first stage, so it needs an input image file")
		}
	}
	if a := c.ADetailer; a.Enabled {
		if !t.Enabled && !c.Img2Img.Enabled && strings.TrimSpace(c.Img2Img.InputImage) == "" {
			v.add("adetailer.enabled", "ADetailer needs an image: turn on txt2img or img2img, or give img2img.input_image")
		}
		if len(a.Units) == 0 {
			v.add("adetailer.units", "needs at least one unit when ADetailer is on")
		}
		for i, u := range a.Units {
			sub := &validator{}
			u.validate(sub)
			for _, p := range sub.problems {
				p.Path = fmt.Sprintf("adetailer.units[%d].%s", i, p.Path)
				v.problems = append(v.problems, p)
			}
		}
	}
	if u := c.Upscale; u.Enabled {
		if strings.TrimSpace(u.Upscaler1) == "" || u.Upscaler1 == "None" {
			v.add("upscale.upscaler_1", "must name an upscaler (for example \"R-ESRGAN 4x+\")")
		}
		if (u.TargetWidth == 0) != (u.TargetHeight == 0) {
			v.add("upscale.target_width", "set both target_width and target_height, or neither to scale by factor")
		}
		if u.TargetWidth == 0 && u.TargetHeight == 0 {
			v.floatRange("upscale.factor", u.Factor, 1, 8)
		}
		v.intRange("upscale.target_width", u.TargetWidth, 0, 16384)
		v.intRange("upscale.target_height", u.TargetHeight, 0, 16384)
		v.floatRange("upscale.upscaler_2_visibility", u.Upscaler2Visibility, 0, 1)
		v.floatRange("upscale.gfpgan_visibility", u.GFPGANVisibility, 0, 1)
		v.floatRange("upscale.codeformer_visibility", u.CodeFormerVisibility, 0, 1)
		v.floatRange("upscale.codeformer_weight", u.CodeFormerWeight, 0, 1)
	}
	for i, l := range c.LoRAs {
		p := fmt.Sprintf("lora_strengths[%d].", i)
		if strings.TrimSpace(l.Name) == "" {
			v.add(p+"name", "must name the LoRA")
		}
		v.floatRange(p+"strength", l.Strength, -4, 4)
	}
	v.intRange("batch.batch_size", c.Batch.BatchSize, 1, 64)
	v.intRange("batch.batch_runs", c.Batch.BatchRuns, 1, 9999)
	v.oneOf("batch.seed_mode", string(c.Batch.SeedMode), "fixed", "increment", "random")
	v.oneOf("output.format", c.Output.Format, "png", "jpg", "webp")
	if strings.TrimSpace(c.Output.FilenameTemplate) == "" {
		v.add("output.filename_template", "must not be empty (for example \"{seed}_{index}\")")
	}
}

func (u ADetailerUnit) validate(v *validator) {
	if strings.TrimSpace(u.Model) == "" {
		v.add("ad_model", "must name a detector model (for example \"face_yolov8n.pt\")")
	}
	v.floatRange("ad_confidence", u.Confidence, 0, 1)
	v.oneOf("ad_mask_filter_method", u.MaskFilterMethod, "Area", "Confidence")
	if u.MaskK < 0 {
		v.add("ad_mask_k", "must be 0 or more, got %d", u.MaskK)
	}
	v.floatRange("ad_mask_min_ratio", u.MaskMinRatio, 0, 1)
	v.floatRange("ad_mask_max_ratio", u.MaskMaxRatio, 0, 1)
	v.oneOf("ad_mask_merge_invert", u.MaskMergeInvert, "None", "Merge", "Merge and Invert")
	v.intRange("ad_mask_blur", u.MaskBlur, 0, 256)
	v.floatRange("ad_denoising_strength", u.DenoisingStrength, 0, 1)
	v.intRange("ad_inpaint_only_masked_padding", u.InpaintOnlyMaskedPadding, 0, 1024)
	v.intRange("ad_inpaint_width", u.InpaintWidth, 1, 4096)
	v.intRange("ad_inpaint_height", u.InpaintHeight, 1, 4096)
	v.intRange("ad_steps", u.Steps, 1, 150)
	v.floatRange("ad_cfg_scale", u.CFGScale, 0, 30)
	v.floatRange("ad_noise_multiplier", u.NoiseMultiplier, 0.5, 1.5)
	v.intRange("ad_clip_skip", u.ClipSkip, 1, 12)
	v.floatRange("ad_controlnet_weight", u.ControlNetWeight, 0, 1)
	v.floatRange("ad_controlnet_guidance_start", u.ControlNetGuidanceStart, 0, 1)
	v.floatRange("ad_controlnet_guidance_end", u.ControlNetGuidanceEnd, 0, 1)
}

func (r RandomizerConfig) validate(v *validator) {
	v.intRange("randomizer.max_variants", r.MaxVariants, 1, HardMaxVariants)
	v.intRange("randomizer.random_samples", r.RandomSamples, 1, HardMaxVariants)
	if r.Seed < -1 {
		v.add("randomizer.seed", "must be -1 (draw one) or 0 and above, got %d", r.Seed)
	}
	if !r.Enabled {
		return
	}
	m := r.Matrix
	v.oneOf("randomizer.matrix.mode", m.Mode, "fanout", "rotate", "sequential", "random")
	v.oneOf("randomizer.matrix.prompt_mode", m.PromptMode, "replace", "append", "prepend")
	if m.Limit < 0 {
		v.add("randomizer.matrix.limit", "must be 0 (no limit) or more, got %d", m.Limit)
	}
	seen := map[string]bool{}
	for i, s := range m.Slots {
		p := fmt.Sprintf("randomizer.matrix.slots[%d].", i)
		if strings.TrimSpace(s.Name) == "" || strings.ContainsAny(s.Name, "[]") {
			v.add(p+"name", "must be a slot name without brackets, got %q", s.Name)
		} else if seen[s.Name] {
			v.add(p+"name", "slot %q is defined twice", s.Name)
		}
		seen[s.Name] = true
		if m.Enabled && len(s.Values) == 0 {
			v.add(p+"values", "slot %q has no values", s.Name)
		}
	}
	w := r.Wildcards
	v.oneOf("randomizer.wildcards.mode", w.Mode, "random", "sequential", "fanout")
	for i, t := range w.Tokens {
		p := fmt.Sprintf("randomizer.wildcards.tokens[%d].", i)
		if name := strings.Trim(t.Token, "_"); name == "" || strings.ContainsAny(name, " \t\n") {
			v.add(p+"token", "must be a name such as __weather__, got %q", t.Token)
		}
		if w.Enabled && len(t.Values) == 0 {
			v.add(p+"values", "token %q has no values", t.Token)
		}
	}
	v.oneOf("randomizer.variants.mode", r.Variants.Mode, "combinatorial", "random")
	sr := r.SearchReplace
	v.oneOf("randomizer.prompt_sr.mode", sr.Mode, "random", "round_robin", "fanout")
	for i, rule := range sr.Rules {
		p := fmt.Sprintf("randomizer.prompt_sr.rules[%d].", i)
		if rule.Search == "" {
			v.add(p+"search", "must not be empty")
		}
		if sr.Enabled && len(rule.Replacements) == 0 {
			v.add(p+"replacements", "needs at least one replacement")
		}
	}
	sw := r.Sweeps
	v.oneOf("randomizer.sweeps.mode", sw.Mode, "fanout", "random")
	for i, c := range sw.CFGScales {
		v.floatRange(fmt.Sprintf("randomizer.sweeps.cfg_scales[%d]", i), c, 0, 30)
	}
	for i, s := range sw.Steps {
		v.intRange(fmt.Sprintf("randomizer.sweeps.steps[%d]", i), s, 1, 150)
	}
	for i, s := range sw.Sizes {
		if _, _, err := ParseSize(s); err != nil {
			v.add(fmt.Sprintf("randomizer.sweeps.sizes[%d]", i), "%v", err)
		}
	}
}

// ParseSize reads "WIDTHxHEIGHT" (such as "832x1216"); both must be multiples
// of 8 within 64..4096.
func ParseSize(s string) (w, h int, err error) {
	ws, hs, ok := strings.Cut(strings.ToLower(strings.TrimSpace(s)), "x")
	if !ok {
		return 0, 0, fmt.Errorf("size %q must look like 832x1216", s)
	}
	w, err1 := strconv.Atoi(strings.TrimSpace(ws))
	h, err2 := strconv.Atoi(strings.TrimSpace(hs))
	if err1 != nil || err2 != nil {
		return 0, 0, fmt.Errorf("size %q must look like 832x1216", s)
	}
	if w < 64 || w > 4096 || h < 64 || h > 4096 || w%8 != 0 || h%8 != 0 {
		return 0, 0, fmt.Errorf("size %q: width and height must be multiples of 8 within 64..4096", s)
	}
	return w, h, nil
}
