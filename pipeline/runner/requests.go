package runner

import (
	"stablenew/pipeline"
	"stablenew/pipeline/webui"
)

// generationParams fills the fields txt2img and img2img share.
func generationParams(cfg *pipeline.PipelineConfig, seed int64) webui.GenerationParams {
	t := cfg.Txt2Img
	p := webui.GenerationParams{
		Prompt:         cfg.Prompt.Positive,
		NegativePrompt: cfg.Prompt.Negative,
		Seed:           seed,
		SamplerName:    t.Sampler,
		Scheduler:      t.Scheduler,
		BatchSize:      cfg.Batch.BatchSize,
		NIter:          1,
		Steps:          t.Steps,
		CFGScale:       t.CFGScale,
		Width:          t.Width,
		Height:         t.Height,
		ClipSkip:       t.ClipSkip,
	}
	if t.SubseedStrength > 0 {
		sub := t.Subseed
		p.Subseed = &sub
		p.SubseedStrength = t.SubseedStrength
	}
	return p
}

// adetailerScript is the always-on ADetailer entry for the configured units.
// skipImg2Img is true for a pass that only details an existing image.
func adetailerScript(cfg *pipeline.PipelineConfig, skipImg2Img bool) map[string]any {
	units := make([]webui.ADetailerUnit, len(cfg.ADetailer.Units))
	for i, u := range cfg.ADetailer.Units {
		units[i] = webui.ADetailerUnit(u)
	}
	return webui.ADetailerScript(true, skipImg2Img, units...)
}

// txt2imgRequest builds the txt2img request: base pass, hires fix and
// refiner, and ADetailer when it rides in this request.
func txt2imgRequest(cfg *pipeline.PipelineConfig, seed int64, withADetailer bool) webui.Txt2ImgRequest {
	req := webui.Txt2ImgRequest{GenerationParams: generationParams(cfg, seed)}
	if h := cfg.Hires; h.Enabled {
		req.EnableHires(h.Upscaler, h.Scale, h.Denoise, h.Steps)
		req.HRResizeX, req.HRResizeY = h.ResizeX, h.ResizeY
		req.HRCheckpointName = h.Checkpoint
		req.HRSamplerName = h.Sampler
		req.HRScheduler = h.Scheduler
	}
	if r := cfg.Refiner; r.Enabled {
		req.RefinerCheckpoint = r.Checkpoint
		req.RefinerSwitchAt = r.SwitchAt
	}
	if withADetailer {
		req.AlwaysOnScripts = adetailerScript(cfg, false)
	}
	return req
}

// img2imgRequest builds an img2img request over one input image. With
// adetailerOnly the request only runs ADetailer on the image (skip_img2img).
func img2imgRequest(cfg *pipeline.PipelineConfig, seed int64, input []byte, w, h int, withADetailer, adetailerOnly bool) webui.Img2ImgRequest {
	i := cfg.Img2Img
	p := generationParams(cfg, seed)
	p.BatchSize = 1
	if i.Sampler != "" {
		p.SamplerName = i.Sampler
	}
	if i.Scheduler != "" {
		p.Scheduler = i.Scheduler
	}
	if i.Steps > 0 {
		p.Steps = i.Steps
	}
	if i.CFGScale > 0 {
		p.CFGScale = i.CFGScale
	}
	p.Width, p.Height = w, h
	if i.Width > 0 && i.Height > 0 {
		p.Width, p.Height = i.Width, i.Height
	}
	req := webui.Img2ImgRequest{
		GenerationParams:  p,
		InitImages:        []string{webui.EncodeImage(input)},
		ResizeMode:        i.ResizeMode,
		DenoisingStrength: i.Denoise,
	}
	if withADetailer {
		req.AlwaysOnScripts = adetailerScript(cfg, adetailerOnly)
	}
	return req
}

// extrasRequest builds the upscale request for one image.
func extrasRequest(cfg *pipeline.PipelineConfig, input []byte) webui.ExtrasRequest {
	u := cfg.Upscale
	req := webui.ExtrasRequest{
		Upscaler1:                 u.Upscaler1,
		Upscaler2:                 u.Upscaler2,
		ExtrasUpscaler2Visibility: u.Upscaler2Visibility,
		GFPGANVisibility:          u.GFPGANVisibility,
		CodeformerVisibility:      u.CodeFormerVisibility,
		CodeformerWeight:          u.CodeFormerWeight,
		Image:                     webui.EncodeImage(input),
	}
	if u.TargetWidth > 0 && u.TargetHeight > 0 {
		req.ResizeMode = 1
		req.UpscalingResizeW, req.UpscalingResizeH = u.TargetWidth, u.TargetHeight
	} else {
		req.UpscalingResize = u.Factor
	}
	return req
}
