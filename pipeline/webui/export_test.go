package webui

// Helpers only the tests use, compiled into the package for its tests
// (the external webui_test package sees them too).

import (
	"context"
	"time"
)

// NewADetailerUnit returns a unit for the given detector model (e.g.
// "face_yolov8n.pt") with ADetailer's own defaults.
func NewADetailerUnit(model string) ADetailerUnit {
	return ADetailerUnit{
		Model: model, TabEnable: true, Confidence: 0.3, MaskFilterMethod: "Area",
		MaskMaxRatio: 1, DilateErode: 4, MaskMergeInvert: "None", MaskBlur: 4,
		DenoisingStrength: 0.4, InpaintOnlyMasked: true, InpaintOnlyMaskedPadding: 32,
		InpaintWidth: 512, InpaintHeight: 512, Steps: 28, CFGScale: 7,
		Sampler: "DPM++ 2M Karras", Scheduler: "Use same scheduler", NoiseMultiplier: 1,
		ClipSkip: 1, ControlNetModel: "None", ControlNetModule: "None",
		ControlNetWeight: 1, ControlNetGuidanceEnd: 1,
	}
}

// NewTxt2ImgRequest returns a request with StableNew's defaults: 20 steps,
// "Euler a", automatic scheduler, CFG 7, 512×512, random seed, one image.
func NewTxt2ImgRequest(prompt, negative string) Txt2ImgRequest {
	return Txt2ImgRequest{GenerationParams: GenerationParams{
		Prompt: prompt, NegativePrompt: negative, Seed: -1,
		SamplerName: "Euler a", Scheduler: "Automatic",
		BatchSize: 1, NIter: 1, Steps: 20, CFGScale: 7, Width: 512, Height: 512,
	}}
}

// NewImg2ImgRequest returns a request for one init image with StableNew's
// img2img defaults (15 steps, denoise 0.3); the size is taken from the image.
func NewImg2ImgRequest(prompt, negative string, initImage []byte) Img2ImgRequest {
	return Img2ImgRequest{
		GenerationParams: GenerationParams{
			Prompt: prompt, NegativePrompt: negative, Seed: -1,
			SamplerName: "Euler a", Scheduler: "Automatic",
			BatchSize: 1, NIter: 1, Steps: 15, CFGScale: 7,
		},
		InitImages:        []string{EncodeImage(initImage)},
		DenoisingStrength: 0.3,
	}
}

// NoRetry is a policy that sends every request once.
func NoRetry() RetryPolicy { return RetryPolicy{Attempts: 1} }

// WithSleep replaces the function that waits between retries; tests use it to
// record the backoff without waiting. It must return ctx.Err() when ctx ends.
func WithSleep(sleep func(ctx context.Context, d time.Duration) error) Option {
	return func(c *Client) {
		if sleep != nil {
			c.sleep = sleep
		}
	}
}
