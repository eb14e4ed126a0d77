package infotext

import (
	"strings"

	"stablenew/pipeline"
)

// The sampler and schedule-type rules of A1111 1.10 (modules/sd_samplers.py
// get_sampler_and_scheduler, modules/sd_schedulers.py), which the txt2img
// tab applies when an infotext is pasted.

// scheduleType is one A1111 schedule type: its name, label and aliases.
type scheduleType struct {
	name, label string
	aliases     []string
}

// scheduleTypes are A1111 1.10's schedule types in its order (the order
// matters: a sampler's suffix is matched against them in turn), then
// Forge's Turbo.
var scheduleTypes = []scheduleType{
	{"automatic", pipeline.SchedulerAutomatic, nil},
	{"uniform", "Uniform", nil},
	{"karras", "Karras", nil},
	{"exponential", "Exponential", nil},
	{"polyexponential", "Polyexponential", nil},
	{"sgm_uniform", "SGM Uniform", []string{"SGMUniform"}},
	{"kl_optimal", "KL Optimal", nil},
	{"align_your_steps", "Align Your Steps", nil},
	{"simple", "Simple", nil},
	{"normal", "Normal", nil},
	{"ddim", "DDIM", nil},
	{"beta", "Beta", nil},
	{"turbo", "Turbo", nil}, // Forge
}

// a1111Samplers maps A1111 1.10's sampler names to the name of their
// default schedule type ("" when they have none), the one "Automatic"
// stands for.
var a1111Samplers = map[string]string{
	"DPM++ 2M": "karras", "DPM++ SDE": "karras", "DPM++ 2M SDE": "exponential", "DPM++ 2M SDE Heun": "exponential",
	"DPM++ 2S a": "karras", "DPM++ 3M SDE": "exponential", "Euler a": "", "Euler": "", "LMS": "", "Heun": "",
	"DPM2": "karras", "DPM2 a": "karras", "DPM fast": "", "DPM adaptive": "", "Restart": "karras", "DDIM": "",
	"DDIM CFG++": "", "PLMS": "", "UniPC": "", "LCM": "",
}

// findScheduleType looks a schedule type up by label or name, exactly as
// A1111's schedulers_map does (case matters).
func findScheduleType(v string) (scheduleType, bool) {
	for _, s := range scheduleTypes {
		if v == s.label || v == s.name {
			return s, true
		}
	}
	return scheduleType{}, false
}

// IsA1111Sampler reports whether name is one of A1111 1.10's samplers.
func IsA1111Sampler(name string) bool {
	_, ok := a1111Samplers[name]
	return ok
}

// samplerChoice is what the txt2img tab shows after a paste.
type samplerChoice struct {
	sampler, scheduler string
	// foreignScheduler is the schedule type as written when A1111 does not
	// know it (it then reads Automatic).
	foreignScheduler string
	// foreignSampler is true when the sampler is not an A1111 1.10 one
	// (A1111 reads its first sampler, DPM++ 2M, instead).
	foreignSampler bool
}

// resolveSampler does what A1111's get_sampler_and_scheduler does with an
// infotext's Sampler and Schedule type: a schedule type A1111 does not know
// reads as Automatic; a trailing schedule type in the sampler name ("DPM++ 2M
// Karras", as written before 1.9) is split off and wins; a schedule type that
// is the sampler's own default becomes Automatic. One difference: a sampler
// A1111 does not know keeps its name (A1111 silently takes DPM++ 2M), and its
// name is split only when what is left is an A1111 sampler.
func resolveSampler(sampler, scheduler string) samplerChoice {
	c := samplerChoice{sampler: sampler, scheduler: pipeline.SchedulerAutomatic}
	found, ok := findScheduleType(scheduler)
	if !ok {
		found = scheduleTypes[0]
		if scheduler != "" {
			c.foreignScheduler = scheduler
		}
	}
	if !IsA1111Sampler(sampler) {
	split:
		for _, s := range scheduleTypes {
			for _, opt := range append([]string{s.label, s.name}, s.aliases...) {
				if base, cut := strings.CutSuffix(sampler, " "+opt); cut && IsA1111Sampler(base) {
					c.sampler, found = base, s
					break split
				}
			}
		}
	}
	def, known := a1111Samplers[c.sampler]
	c.foreignSampler = !known
	if known && def == found.name {
		found = scheduleTypes[0]
	}
	c.scheduler = found.label
	return c
}

// keySDNextScheduler is SD.Next's key for its diffusers scheduler class
// ("FlowMatchEulerDiscreteScheduler"), which is no A1111 schedule type.
const keySDNextScheduler = "Scheduler"

// mapSampler sets the txt2img sampler and scheduler the way A1111's
// txt2img tab reads them (see resolveSampler) and returns its choice. An
// infotext without Schedule type means Automatic, as in A1111 1.9+; one
// with neither Sampler nor Schedule type (a StableNew chunk alone) leaves
// base's pair. A schedule type A1111 does not know is not applied.
func mapSampler(p *Parameters, c *pipeline.PipelineConfig, mark func(...string), note func(string, ...any)) samplerChoice {
	sampler, hasSampler := p.Get(KeySampler)
	scheduler, hasScheduler := p.Get(KeyScheduleType)
	if !hasSampler && !hasScheduler {
		if v, ok := p.Get(keySDNextScheduler); ok {
			note("Scheduler %s is SD.Next's own scheduler, not an A1111 schedule type: it is not applied.", v)
		}
		return samplerChoice{sampler: c.Txt2Img.Sampler, scheduler: c.Txt2Img.Scheduler}
	}
	if sampler == "" {
		sampler = c.Txt2Img.Sampler
	} else {
		mark(KeySampler)
	}
	ch := resolveSampler(sampler, scheduler)
	c.Txt2Img.Sampler, c.Txt2Img.Scheduler = ch.sampler, ch.scheduler
	if hasScheduler && ch.foreignScheduler == "" {
		mark(KeyScheduleType)
	}
	if ch.foreignScheduler != "" {
		note("Schedule type %s is not one A1111 knows (SD.Next writes its own scheduler names): the scheduler is %s, as A1111 reads it.",
			ch.foreignScheduler, pipeline.SchedulerAutomatic)
	}
	if v, ok := p.Get(keySDNextScheduler); ok {
		note("Scheduler %s is SD.Next's own scheduler, not an A1111 schedule type: it is not applied.", v)
	}
	if ch.foreignSampler {
		note("Sampler %s is not one of A1111 1.10's samplers: it is kept, so the WebUI that renders must have it (A1111 would silently use DPM++ 2M).", ch.sampler)
	}
	return ch
}

// mapHiresSampler sets the hires pass's sampler and scheduler as A1111's
// get_hr_sampler_and_scheduler reads them: the hires keys, or the first
// pass's as written, resolved like the first pass's; a result equal to what
// is written for the first pass means "use same" (the first pass's resolved
// value). Values equal to the first pass's are stored as "" (same as the
// first pass), which is what "use same" does.
func mapHiresSampler(p *Parameters, c *pipeline.PipelineConfig, h Hires, first samplerChoice, mark func(...string), note func(string, ...any)) {
	rawSampler, hasSampler := p.Get(KeySampler)
	rawScheduler, hasScheduler := p.Get(KeyScheduleType)
	if !hasScheduler && hasSampler {
		rawScheduler = pipeline.SchedulerAutomatic // A1111's default for a missing Schedule type
	}
	sampler, scheduler := h.Sampler, h.ScheduleType
	if sampler == "" {
		sampler = rawSampler
	} else {
		mark(KeyHiresSampler)
	}
	if sampler == "" {
		sampler = first.sampler
	}
	if scheduler == "" {
		scheduler = rawScheduler
	}
	hr := resolveSampler(sampler, scheduler)
	if hr.sampler == rawSampler {
		hr.sampler = first.sampler
	}
	if hr.scheduler == rawScheduler {
		hr.scheduler = first.scheduler
	}
	c.Hires.Sampler, c.Hires.Scheduler = "", ""
	if hr.sampler != first.sampler {
		c.Hires.Sampler = hr.sampler
	}
	if hr.scheduler != first.scheduler {
		c.Hires.Scheduler = hr.scheduler
	}
	if h.Sampler != "" && hr.foreignSampler {
		note("Hires sampler %s is not one of A1111 1.10's samplers: it is kept, so the WebUI that renders must have it.", hr.sampler)
	}
	switch {
	case h.ScheduleType == "":
	case hr.foreignScheduler != "":
		note("Hires schedule type %s is not one A1111 knows: the hires pass uses %s, as A1111 reads it.", hr.foreignScheduler, pipeline.SchedulerAutomatic)
	default:
		mark(KeyHiresScheduleType)
	}
}
