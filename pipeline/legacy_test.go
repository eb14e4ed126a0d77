package pipeline

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The sidecar example of the original StableNew's reference, verbatim.
const originalSidecar = `{"txt2img":{"model":"sdxl_base.safetensors [abc123]","sampler_name":"DPM++ 2M","scheduler":"Karras","steps":30,"cfg_scale":6.5,"width":1024,"height":1024,"seed":-1},
 "upscale":{"upscaler":"R-ESRGAN 4x+","upscaling_resize":2.0,"upscale_mode":"single"},
 "pipeline":{"txt2img_enabled":true,"img2img_enabled":false,"adetailer_enabled":true,"upscale_enabled":true,"loop_count":1},
 "randomization":{"enabled":true,"seed":null,"matrix":{"enabled":true,"mode":"fanout","prompt_mode":"replace","limit":8,
   "slots":[{"name":"job","values":["knight","archer"]},{"name":"place","values":["a harbor","a forest"]}]},
  "wildcards":{"enabled":true,"mode":"random","tokens":[{"token":"__weather__","values":["stormy","clear"]}]}},
 "lora_strengths":[{"name":"film_grain","strength":0.4,"enabled":true}]}`

func TestOriginalSidecarLoads(t *testing.T) {
	p, err := ParsePatch([]byte(originalSidecar), "packs/heroes.json")
	require.NoError(t, err)
	c, err := p.ApplyTo(Defaults())
	require.NoError(t, err)
	assert.Equal(t, "sdxl_base.safetensors [abc123]", c.Txt2Img.Model)
	assert.Equal(t, "DPM++ 2M", c.Txt2Img.Sampler)
	assert.Equal(t, "Karras", c.Txt2Img.Scheduler)
	assert.Equal(t, 30, c.Txt2Img.Steps)
	assert.Equal(t, 6.5, c.Txt2Img.CFGScale)
	assert.Equal(t, 1024, c.Txt2Img.Width)
	assert.Equal(t, "R-ESRGAN 4x+", c.Upscale.Upscaler1)
	assert.Equal(t, 2.0, c.Upscale.Factor)
	assert.True(t, c.Upscale.Enabled)
	assert.True(t, c.ADetailer.Enabled)
	assert.False(t, c.Img2Img.Enabled)
	assert.Equal(t, 1, c.Batch.BatchRuns)
	assert.True(t, c.Randomizer.Enabled)
	assert.Equal(t, int64(-1), c.Randomizer.Seed, "seed null keeps the default (draw one)")
	assert.Equal(t, []MatrixSlot{{Name: "job", Values: []string{"knight", "archer"}}, {Name: "place", Values: []string{"a harbor", "a forest"}}}, c.Randomizer.Matrix.Slots)
	assert.Equal(t, []WildcardToken{{Token: "__weather__", Values: []string{"stormy", "clear"}}}, c.Randomizer.Wildcards.Tokens)
	assert.Equal(t, []LoRAStrength{{Name: "film_grain", Strength: 0.4, Enabled: true}}, c.LoRAs)
	require.NoError(t, c.Validate())
	require.Len(t, p.Notes, 1)
	assert.Contains(t, p.Notes[0], "upscale.upscale_mode")
}

func TestOriginalHiresRefinerAndADetailerKeys(t *testing.T) {
	doc := `{"txt2img": {"enable_hr": true, "hr_scale": 1.5, "hr_upscaler": "Latent", "denoising_strength": 0.45,
	  "hr_second_pass_steps": 12, "refiner_checkpoint": "sdxl_refiner [7440042bbd]", "refiner_switch_at": 0.75,
	  "negative_prompt": "lowres"},
	 "adetailer": {"adetailer_enabled": true, "adetailer_model": "hand_yolov8n.pt", "adetailer_confidence": 0.35,
	  "adetailer_steps": 20, "adetailer_sampler": "Euler a"},
	 "pipeline": {"loop_count": 3, "apply_global_negative_txt2img": false},
	 "randomization": {"matrix": {"mode": "round_robin"}}}`
	p, err := ParsePatch([]byte(doc), "old.json")
	require.NoError(t, err)
	c, err := p.ApplyTo(Defaults())
	require.NoError(t, err)
	assert.Equal(t, HiresConfig{Enabled: true, Upscaler: "Latent", Scale: 1.5, Steps: 12, Denoise: 0.45}, c.Hires)
	assert.Equal(t, RefinerConfig{Enabled: true, Checkpoint: "sdxl_refiner [7440042bbd]", SwitchAt: 0.75}, c.Refiner)
	assert.Equal(t, "lowres", c.Prompt.Negative)
	u := c.ADetailer.Units[0]
	assert.Equal(t, "hand_yolov8n.pt", u.Model)
	assert.Equal(t, 0.35, u.Confidence)
	assert.True(t, u.UseSteps)
	assert.Equal(t, 20, u.Steps)
	assert.True(t, u.UseSampler)
	assert.Equal(t, "Euler a", u.Sampler)
	assert.Equal(t, 3, c.Batch.BatchRuns)
	assert.False(t, c.Prompt.ApplyGlobalNegative)
	assert.Equal(t, "sequential", c.Randomizer.Matrix.Mode, "round_robin is the original's alias of sequential")
}

func TestOriginalSidecarUnknownKeyIsAnError(t *testing.T) {
	_, err := ParsePatch([]byte(`{"pipeline": {"loop_cuont": 2}}`), "old.json")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "pipeline.loop_cuont: unknown key")
	assert.Contains(t, err.Error(), "loop_count")
}
