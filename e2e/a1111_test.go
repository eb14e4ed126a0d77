package e2e

// An independent model of what AUTOMATIC1111 1.10 does, written from its
// source and not from StableNew's: the txt2img tab's paste of an infotext
// (infotext_utils.parse_generation_parameters, the paste fields of ui.py
// and of the Sampler, Seed and Refiner scripts, get_override_settings),
// Generate (txt2img.txt2img_create_processing and the scripts' setup), the
// API's reading of a request (api.text2imgapi), and what processing's init
// makes of both. The reproduction test compares StableNew's requests with it.

import (
	"encoding/json"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// a1111Proc is the part of A1111's StableDiffusionProcessingTxt2Img that
// the comparison covers, as it stands when sampling starts. Hires fields
// are compared only when EnableHR is set, the subseed only with a strength,
// the refiner switch only with a refiner.
type a1111Proc struct {
	Prompt, NegativePrompt string
	Sampler, Scheduler     string
	Steps                  int
	CFGScale               float64
	Seed                   int64
	Subseed                int64 // -1 unless SubseedStrength > 0
	SubseedStrength        float64
	SeedResizeFrom         string // "WxH", "" when off
	Width, Height          int
	ClipSkip               int // override_settings CLIP_stop_at_last_layers, else the setting (1)

	EnableHR        bool
	Denoising       float64
	HRScale         float64 // only used without a resize
	HRUpscaler      string
	HRSteps         int
	HRResizeX       int
	HRResizeY       int
	HRCheckpoint    string // resolved title; "" = the first pass's
	HRSampler       string // hr_sampler_name or sampler_name
	HRScheduler     string // hr_scheduler or scheduler (processing's init)
	HRPrompt        string // hr_prompt, or the prompt when empty
	HRNegative      string
	Refiner         string // resolved title; "" = off
	RefinerSwitchAt float64
}

// a1111Field is one compared field: its name (the API's) and its value,
// or skip when the field does not apply.
type a1111Field struct {
	name  string
	value string
	skip  bool
}

// fields lists p's compared fields in a fixed order.
func (p a1111Proc) fields() []a1111Field {
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	i := strconv.Itoa
	hr, ref := !p.EnableHR, p.Refiner == ""
	resized := p.HRResizeX != 0 || p.HRResizeY != 0
	return []a1111Field{
		{"prompt", p.Prompt, false}, {"negative_prompt", p.NegativePrompt, false},
		{"sampler_name", p.Sampler, false}, {"scheduler", p.Scheduler, false},
		{"steps", i(p.Steps), false}, {"cfg_scale", f(p.CFGScale), false},
		{"seed", strconv.FormatInt(p.Seed, 10), false},
		{"subseed_strength", f(p.SubseedStrength), false},
		{"subseed", strconv.FormatInt(p.Subseed, 10), p.SubseedStrength == 0},
		{"seed_resize_from", p.SeedResizeFrom, false},
		{"width", i(p.Width), false}, {"height", i(p.Height), false},
		{"clip_skip", i(p.ClipSkip), false},
		{"enable_hr", strconv.FormatBool(p.EnableHR), false},
		{"denoising_strength", f(p.Denoising), hr},
		{"hr_scale", f(p.HRScale), hr || resized},
		{"hr_upscaler", p.HRUpscaler, hr},
		{"hr_second_pass_steps", i(p.HRSteps), hr},
		{"hr_resize_x", i(p.HRResizeX), hr}, {"hr_resize_y", i(p.HRResizeY), hr},
		{"hr_checkpoint_name", p.HRCheckpoint, hr},
		{"hr_sampler_name", p.HRSampler, hr}, {"hr_scheduler", p.HRScheduler, hr},
		{"hr_prompt", p.HRPrompt, hr}, {"hr_negative_prompt", p.HRNegative, hr},
		{"refiner_checkpoint", p.Refiner, false},
		{"refiner_switch_at", f(p.RefinerSwitchAt), ref},
	}
}

// A1111 1.10's samplers with their default schedule (options["scheduler"]),
// in its order (sd_samplers_kdiffusion, _timesteps, _lcm), and its schedule
// types (sd_schedulers.schedulers).
var (
	a1111SamplerOrder = []string{"DPM++ 2M", "DPM++ SDE", "DPM++ 2M SDE", "DPM++ 2M SDE Heun", "DPM++ 2S a",
		"DPM++ 3M SDE", "Euler a", "Euler", "LMS", "Heun", "DPM2", "DPM2 a", "DPM fast", "DPM adaptive", "Restart",
		"DDIM", "DDIM CFG++", "PLMS", "UniPC", "LCM"}
	a1111SamplerDefault = map[string]string{"DPM++ 2M": "karras", "DPM++ SDE": "karras", "DPM++ 2M SDE": "exponential",
		"DPM++ 2M SDE Heun": "exponential", "DPM++ 2S a": "karras", "DPM++ 3M SDE": "exponential", "DPM2": "karras",
		"DPM2 a": "karras", "Restart": "karras"}
	a1111Schedulers = [][]string{ // name, label, aliases...
		{"automatic", "Automatic"}, {"uniform", "Uniform"}, {"karras", "Karras"}, {"exponential", "Exponential"},
		{"polyexponential", "Polyexponential"}, {"sgm_uniform", "SGM Uniform", "SGMUniform"}, {"kl_optimal", "KL Optimal"},
		{"align_your_steps", "Align Your Steps"}, {"simple", "Simple"}, {"normal", "Normal"}, {"ddim", "DDIM"}, {"beta", "Beta"},
	}
)

// a1111SchedulerMap is schedulers_map: names and labels.
func a1111SchedulerMap(v string) ([]string, bool) {
	for _, s := range a1111Schedulers {
		if v == s[0] || v == s[1] {
			return s, true
		}
	}
	return nil, false
}

// a1111SamplerAndScheduler is sd_samplers.get_sampler_and_scheduler.
func a1111SamplerAndScheduler(samplerName, schedulerName string, convertAutomatic bool) (string, string) {
	found, ok := a1111SchedulerMap(schedulerName)
	if !ok {
		found = a1111Schedulers[0]
	}
	name := samplerName
	if name == "" {
		name = a1111SamplerOrder[0]
	}
	for _, s := range a1111Schedulers {
		options := append([]string{s[1], s[0]}, s[2:]...)
		for _, opt := range options {
			if strings.HasSuffix(name, " "+opt) {
				found, name = s, name[:len(name)-len(opt)-1]
				break
			}
		}
	}
	sampler := a1111SamplerOrder[0]
	for _, s := range a1111SamplerOrder {
		if s == name {
			sampler = s
		}
	}
	if convertAutomatic && a1111SamplerDefault[sampler] == found[0] {
		found = a1111Schedulers[0]
	}
	return sampler, found[1]
}

// pythonWord is \w of Python's re for str patterns.
const pythonWord = `\p{L}\p{N}_`

var (
	reA1111Param     = regexp.MustCompile(`\s*([` + pythonWord + `][` + pythonWord + ` \-/]+):\s*("(?:\\.|[^\\"])+"|[^,]*)(?:,|$)`)
	reA1111ImageSize = regexp.MustCompile(`^(\d+)x(\d+)$`)
)

// a1111Unquote is infotext_utils.unquote: a JSON string, else as written.
func a1111Unquote(s string) string {
	if len(s) == 0 || s[0] != '"' || s[len(s)-1] != '"' {
		return s
	}
	var u string
	if err := json.Unmarshal([]byte(s), &u); err != nil {
		return s
	}
	return u
}

// pyStrip is Python's str.strip().
func pyStrip(s string) string { return strings.TrimFunc(s, unicode.IsSpace) }

// a1111Parse is infotext_utils.parse_generation_parameters with a fresh
// install's settings (no styles, no pasting skipped).
func a1111Parse(x string) map[string]string {
	res := map[string]string{}
	lines := strings.Split(pyStrip(x), "\n")
	last := lines[len(lines)-1]
	lines = lines[:len(lines)-1]
	if len(reA1111Param.FindAllString(last, -1)) < 3 {
		lines = append(lines, last)
		last = ""
	}
	var prompt, negative string
	done := false
	for _, line := range lines {
		line = pyStrip(line)
		if strings.HasPrefix(line, "Negative prompt:") {
			done = true
			line = pyStrip(line[len("Negative prompt:"):])
		}
		if done {
			if negative != "" {
				negative += "\n"
			}
			negative += line
		} else {
			if prompt != "" {
				prompt += "\n"
			}
			prompt += line
		}
	}
	res["Prompt"], res["Negative prompt"] = prompt, negative
	for _, m := range reA1111Param.FindAllStringSubmatch(last, -1) {
		k, v := m[1], m[2]
		if v == "" { // v[0] raises IndexError: the pair is skipped
			continue
		}
		if v[0] == '"' && v[len(v)-1] == '"' {
			v = a1111Unquote(v)
		}
		if sz := reA1111ImageSize.FindStringSubmatch(v); sz != nil {
			res[k+"-1"], res[k+"-2"] = sz[1], sz[2]
		} else {
			res[k] = v
		}
	}
	defaults := map[string]string{
		"Clip skip": "1", "Hires resize-1": "0", "Hires resize-2": "0", "Hires sampler": "Use same sampler",
		"Hires checkpoint": "Use same checkpoint", "Hires prompt": "", "Hires negative prompt": "",
		"RNG": "GPU", "Schedule type": "Automatic",
	}
	for k, v := range defaults {
		if _, ok := res[k]; !ok {
			res[k] = v
		}
	}
	return res
}

// a1111Checkpoints resolves checkpoint names as sd_models.
// get_closet_checkpoint_match does, over titles like "name.safetensors [hash]".
type a1111Checkpoints []string

func (c a1111Checkpoints) match(search string) (string, bool) {
	if search == "" {
		return "", false
	}
	for _, title := range c {
		file, hash, _ := strings.Cut(title, " [")
		hash = strings.TrimSuffix(hash, "]")
		stem := strings.TrimSuffix(file, ".safetensors")
		for _, alias := range []string{title, file, stem, hash, stem + " [" + hash + "]"} {
			if search == alias {
				return title, true
			}
		}
	}
	shortest := func(s string) (string, bool) {
		var found []string
		for _, title := range c {
			if strings.Contains(title, s) {
				found = append(found, title)
			}
		}
		sort.SliceStable(found, func(a, b int) bool { return len(found[a]) < len(found[b]) })
		if len(found) == 0 {
			return "", false
		}
		return found[0], true
	}
	if t, ok := shortest(search); ok {
		return t, true
	}
	return shortest(regexp.MustCompile(` *\[\w+\]$`).ReplaceAllString(search, ""))
}

// pyFloat is Python's float() of a pasted value: false when it raises.
func pyFloat(v string) (float64, bool) {
	f, err := strconv.ParseFloat(pyStrip(v), 64)
	return f, err == nil
}

// a1111Tab is the txt2img tab: its components' values, a fresh UI's at
// first (ui-config defaults of 1.10).
type a1111Tab struct {
	prompt, negative                     string
	cfg, width, height                   float64
	denoise                              float64
	enableHR                             bool
	hrScale                              float64
	hrUpscaler                           string
	hrSteps, hrResizeX, hrResizeY        float64
	hrCheckpoint, hrSampler, hrScheduler string
	hrPrompt, hrNegative                 string
	steps                                float64
	sampler, scheduler                   string
	seed                                 float64
	seedExtra                            bool
	subseed, subseedStrength             float64
	seedResizeW, seedResizeH             float64
	refinerOn                            bool
	refinerCheckpoint                    string
	refinerSwitchAt                      float64
	clipSkipOverride                     int // 0 = none
}

func freshA1111Tab() a1111Tab {
	return a1111Tab{cfg: 7, width: 512, height: 512, denoise: 0.7, hrScale: 2, hrUpscaler: "Latent",
		hrCheckpoint: "Use same checkpoint", hrSampler: "Use same sampler", hrScheduler: "Use same scheduler",
		steps: 20, sampler: a1111SamplerOrder[0], scheduler: "Automatic", seed: -1, subseed: -1, refinerSwitchAt: 0.8}
}

// a1111PasteAndGenerate is pasting infotext into a fresh txt2img tab and
// pressing Generate: the processing object as sampling starts.
func a1111PasteAndGenerate(infotext string, ckpts a1111Checkpoints) a1111Proc {
	d := a1111Parse(infotext)
	u := freshA1111Tab()
	str := func(dst *string, key string) {
		if v, ok := d[key]; ok {
			*dst = v
		}
	}
	num := func(dst *float64, key string) {
		if v, ok := d[key]; ok {
			if f, ok := pyFloat(v); ok {
				*dst = f
			}
		}
	}
	_, hasDenoise := d["Denoising strength"]
	_, hasHRUpscale := d["Hires upscale"]
	_, hasHRUpscaler := d["Hires upscaler"]
	_, hasHRResize := d["Hires resize-1"]
	_, hasVariation := d["Variation seed"]
	_, hasSeedResize := d["Seed resize from-1"]
	_, hasRefiner := d["Refiner"]

	// ui.py's txt2img paste fields.
	str(&u.prompt, "Prompt")
	str(&u.negative, "Negative prompt")
	num(&u.cfg, "CFG scale")
	num(&u.width, "Size-1")
	num(&u.height, "Size-2")
	num(&u.denoise, "Denoising strength")
	u.enableHR = hasDenoise && (hasHRUpscale || hasHRUpscaler || hasHRResize)
	num(&u.hrScale, "Hires upscale")
	str(&u.hrUpscaler, "Hires upscaler")
	num(&u.hrSteps, "Hires steps")
	num(&u.hrResizeX, "Hires resize-1")
	num(&u.hrResizeY, "Hires resize-2")
	str(&u.hrCheckpoint, "Hires checkpoint")
	u.hrSampler, u.hrScheduler = a1111HiresSamplerFromInfotext(d)
	str(&u.hrPrompt, "Hires prompt")
	str(&u.hrNegative, "Hires negative prompt")
	// The Sampler script.
	num(&u.steps, "Steps")
	u.sampler, u.scheduler = a1111SamplerAndScheduler(d["Sampler"], d["Schedule type"], true)
	// The Seed script.
	num(&u.seed, "Seed")
	u.seedExtra = hasVariation || hasSeedResize
	num(&u.subseed, "Variation seed")
	num(&u.subseedStrength, "Variation seed strength")
	num(&u.seedResizeW, "Seed resize from-1")
	num(&u.seedResizeH, "Seed resize from-2")
	// The Refiner script: an unknown checkpoint leaves the dropdown as it was.
	u.refinerOn = hasRefiner
	if t, ok := ckpts.match(d["Refiner"]); ok {
		u.refinerCheckpoint = t
	}
	num(&u.refinerSwitchAt, "Refiner switch at")
	// Override settings: those whose value differs from the current one.
	if n, err := strconv.Atoi(d["Clip skip"]); err == nil && n != 1 {
		u.clipSkipOverride = n
	}
	return u.generate(ckpts)
}

// a1111HiresSamplerFromInfotext is sd_samplers.get_hr_sampler_and_scheduler.
func a1111HiresSamplerFromInfotext(d map[string]string) (string, string) {
	sampler := d["Hires sampler"]
	if sampler == "Use same sampler" {
		sampler = d["Sampler"]
	}
	scheduler, ok := d["Hires schedule type"]
	if !ok || scheduler == "Use same scheduler" {
		scheduler = d["Schedule type"]
	}
	sampler, scheduler = a1111SamplerAndScheduler(sampler, scheduler, true)
	if sampler == d["Sampler"] {
		sampler = "Use same sampler"
	}
	if scheduler == d["Schedule type"] {
		scheduler = "Use same scheduler"
	}
	return sampler, scheduler
}

// generate is txt2img_create_processing with the scripts' setup, then
// processing's init.
func (u a1111Tab) generate(ckpts a1111Checkpoints) a1111Proc {
	p := a1111Proc{
		Prompt: u.prompt, NegativePrompt: u.negative, Sampler: u.sampler, Scheduler: u.scheduler,
		Steps: int(u.steps), CFGScale: u.cfg, Seed: int64(u.seed), Subseed: -1,
		Width: int(u.width), Height: int(u.height), ClipSkip: 1,
		EnableHR: u.enableHR, Denoising: u.denoise, HRScale: u.hrScale, HRUpscaler: u.hrUpscaler,
		HRSteps: int(u.hrSteps), HRResizeX: int(u.hrResizeX), HRResizeY: int(u.hrResizeY),
		HRPrompt: u.hrPrompt, HRNegative: u.hrNegative,
	}
	if u.seedExtra && u.subseedStrength > 0 {
		p.Subseed, p.SubseedStrength = int64(u.subseed), u.subseedStrength
	}
	if u.seedExtra && u.seedResizeW > 0 && u.seedResizeH > 0 {
		p.SeedResizeFrom = strconv.Itoa(int(u.seedResizeW)) + "x" + strconv.Itoa(int(u.seedResizeH))
	}
	if u.clipSkipOverride != 0 {
		p.ClipSkip = u.clipSkipOverride
	}
	if u.refinerOn && u.refinerCheckpoint != "" && u.refinerCheckpoint != "None" {
		p.Refiner, p.RefinerSwitchAt = u.refinerCheckpoint, u.refinerSwitchAt
	}
	hrCheckpoint, hrSampler, hrScheduler := u.hrCheckpoint, u.hrSampler, u.hrScheduler
	if hrCheckpoint == "Use same checkpoint" {
		hrCheckpoint = ""
	}
	if hrSampler == "Use same sampler" {
		hrSampler = ""
	}
	if hrScheduler == "Use same scheduler" {
		hrScheduler = ""
	}
	return p.init(hrCheckpoint, hrSampler, hrScheduler, ckpts)
}

// init is processing's normalisation: an unknown scheduler reads as
// Automatic (fix_p_invalid_sampler_and_scheduler), the hires pass takes the
// first pass's sampler, scheduler and prompts where it has none, and the
// hires checkpoint is looked up.
func (p a1111Proc) init(hrCheckpoint, hrSampler, hrScheduler string, ckpts a1111Checkpoints) a1111Proc {
	p.Sampler, p.Scheduler = a1111SamplerAndScheduler(p.Sampler, p.Scheduler, false)
	if !p.EnableHR {
		return p
	}
	if hrCheckpoint != "" {
		p.HRCheckpoint, _ = ckpts.match(hrCheckpoint)
	}
	p.HRSampler, p.HRScheduler = hrSampler, hrScheduler
	if p.HRSampler == "" {
		p.HRSampler = p.Sampler
	}
	if p.HRScheduler == "" {
		p.HRScheduler = p.Scheduler
	}
	p.HRSampler, p.HRScheduler = a1111SamplerAndScheduler(p.HRSampler, p.HRScheduler, false)
	if p.HRPrompt == "" {
		p.HRPrompt = p.Prompt
	}
	if p.HRNegative == "" {
		p.HRNegative = p.NegativePrompt
	}
	return p
}

// a1111ReadRequest is what A1111's API makes of a txt2img request body:
// the request model's defaults for absent keys, text2imgapi's sampler
// resolution, then processing's init.
func a1111ReadRequest(body map[string]any, ckpts a1111Checkpoints) a1111Proc {
	str := func(key, def string) string {
		if v, ok := body[key].(string); ok {
			return v
		}
		return def
	}
	num := func(key string, def float64) float64 {
		if v, ok := body[key].(float64); ok {
			return v
		}
		return def
	}
	boolean := func(key string) bool { v, _ := body[key].(bool); return v }

	sampler, resolved := a1111SamplerAndScheduler(str("sampler_name", str("sampler_index", "Euler")), str("scheduler", ""), true)
	scheduler := str("scheduler", "")
	if scheduler == "" && resolved != "Automatic" {
		scheduler = resolved
	}
	if scheduler == "" {
		scheduler = "Automatic" // get_sigmas: p.scheduler or 'Automatic'
	}
	p := a1111Proc{
		Prompt: str("prompt", ""), NegativePrompt: str("negative_prompt", ""), Sampler: sampler, Scheduler: scheduler,
		Steps: int(num("steps", 50)), CFGScale: num("cfg_scale", 7), Seed: int64(num("seed", -1)), Subseed: -1,
		Width: int(num("width", 512)), Height: int(num("height", 512)), ClipSkip: 1,
		EnableHR: boolean("enable_hr"), Denoising: num("denoising_strength", 0), HRScale: num("hr_scale", 2),
		HRUpscaler: str("hr_upscaler", "Latent"), HRSteps: int(num("hr_second_pass_steps", 0)),
		HRResizeX: int(num("hr_resize_x", 0)), HRResizeY: int(num("hr_resize_y", 0)),
		HRPrompt: str("hr_prompt", ""), HRNegative: str("hr_negative_prompt", ""),
	}
	if s := num("subseed_strength", 0); s > 0 {
		p.Subseed, p.SubseedStrength = int64(num("subseed", -1)), s
	}
	if w, h := num("seed_resize_from_w", -1), num("seed_resize_from_h", -1); w > 0 && h > 0 {
		p.SeedResizeFrom = strconv.Itoa(int(w)) + "x" + strconv.Itoa(int(h))
	}
	if o, ok := body["override_settings"].(map[string]any); ok {
		if n, ok := o["CLIP_stop_at_last_layers"].(float64); ok {
			p.ClipSkip = int(n)
		}
	}
	if r := str("refiner_checkpoint", ""); r != "" && r != "None" {
		p.Refiner, _ = ckpts.match(r)
		p.RefinerSwitchAt = num("refiner_switch_at", 0)
	}
	hrCheckpoint := str("hr_checkpoint_name", "")
	if hrCheckpoint == "Use same checkpoint" {
		hrCheckpoint = ""
	}
	return p.init(hrCheckpoint, str("hr_sampler_name", ""), str("hr_scheduler", ""), ckpts)
}
