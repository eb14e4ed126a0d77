package gui

import (
	"strings"

	"stablenew/pipeline/resources"
)

// sweepField is a setting the Learning tab offers to sweep: its config path
// and, for a setting that takes a name, the WebUI list its values come
// from.
type sweepField struct {
	path string
	// list gives the values the WebUI offers (nil: a number).
	list func(l *resources.Lists) []string
}

// sweepFields are the stage-card settings the experiment builder offers,
// in the cards' order. Any other config path can be typed; PlanExperiment
// checks it.
var sweepFields = []sweepField{
	{path: "txt2img.cfg_scale"},
	{path: "txt2img.steps"},
	{path: "txt2img.sampler_name", list: (*resources.Lists).SamplerNames},
	{path: "txt2img.scheduler", list: (*resources.Lists).SchedulerLabels},
	{path: "txt2img.model", list: (*resources.Lists).CheckpointTitles},
	{path: "txt2img.vae", list: (*resources.Lists).VAENames},
	{path: "txt2img.clip_skip"},
	{path: "txt2img.width"},
	{path: "txt2img.height"},
	{path: "hires.denoise"},
	{path: "hires.scale"},
	{path: "hires.steps"},
	{path: "hires.upscaler", list: (*resources.Lists).HiresUpscalerNames},
	{path: "refiner.switch_at"},
	{path: "img2img.denoise"},
	{path: "img2img.cfg_scale"},
	{path: "img2img.steps"},
	{path: "img2img.sampler_name", list: (*resources.Lists).SamplerNames},
	{path: "upscale.factor"},
	{path: "upscale.upscaler_1", list: (*resources.Lists).UpscalerNames},
	{path: "upscale.gfpgan_visibility"},
	{path: "upscale.codeformer_visibility"},
	{path: "upscale.codeformer_weight"},
}

// sweepFieldOptions lists the fields to pick from: the stage settings,
// then a lora:NAME per LoRA the WebUI has.
func sweepFieldOptions(l *resources.Lists) []string {
	out := make([]string, 0, len(sweepFields)+8)
	for _, f := range sweepFields {
		out = append(out, f.path)
	}
	if l != nil {
		for _, name := range l.LoRANames() {
			out = append(out, "lora:"+name)
		}
	}
	return out
}

// sweepValueOptions lists the WebUI's values for a field that takes a
// name, or nil for a number (or an unknown field, or no WebUI yet).
func sweepValueOptions(path string, l *resources.Lists) []string {
	if l == nil {
		return nil
	}
	for _, f := range sweepFields {
		if f.path == path && f.list != nil {
			return f.list(l)
		}
	}
	return nil
}

// sweepPlaceholder is the hint a values entry shows for a field.
func sweepPlaceholder(path string) string {
	for _, f := range sweepFields {
		if f.path == path && f.list != nil {
			return "names, comma-separated (pick below)"
		}
	}
	if strings.HasPrefix(path, "lora:") {
		return "strengths: 0.2:1:0.2 or 0.4,0.8"
	}
	return "start:end:step (5:9:1) or a list (5,7,9)"
}
