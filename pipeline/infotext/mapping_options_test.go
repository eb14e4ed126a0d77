package infotext

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stablenew/pipeline"
)

// firstLine is the start of every infotext of TestToConfigCases.
const firstLine = "a cat\nNegative prompt: blurry\nSteps: 20, Sampler: Euler a, CFG scale: 7.0, Seed: 1, Size: 512x512"

// titles is a checkpoint resolver that knows two WebUI checkpoints.
func titles(name, hash string) string {
	switch {
	case hash == "31e35c80fc" || name == "sd_xl_base_1.0":
		return "sd_xl_base_1.0.safetensors [31e35c80fc]"
	case strings.HasPrefix(name, "sd_xl_refiner_1.0"):
		return "sd_xl_refiner_1.0.safetensors [7440042bbd]"
	}
	return ""
}

func TestToConfigCases(t *testing.T) {
	for _, tc := range []struct {
		name  string
		keys  string // appended to firstLine
		base  func(c *pipeline.PipelineConfig)
		opts  Options
		check func(t *testing.T, m Mapping)
	}{
		{name: "model without a resolver is name [hash]", keys: ", Model hash: 31e35c80fc, Model: sd_xl_base_1.0",
			check: func(t *testing.T, m Mapping) {
				assert.Equal(t, "sd_xl_base_1.0 [31e35c80fc]", m.Config.Txt2Img.Model)
				assert.Subset(t, m.Applied, []string{KeyModel, KeyModelHash})
			}},
		{name: "model through the resolver", keys: ", Model hash: 31e35c80fc, Model: sdxl_renamed", opts: Options{Checkpoint: titles},
			check: func(t *testing.T, m Mapping) {
				assert.Equal(t, "sd_xl_base_1.0.safetensors [31e35c80fc]", m.Config.Txt2Img.Model, "matched by hash")
			}},
		{name: "a resolver without a match keeps the name", keys: ", Model hash: 0123456789, Model: dreamshaper_8", opts: Options{Checkpoint: titles},
			check: func(t *testing.T, m Mapping) {
				assert.Equal(t, "dreamshaper_8", m.Config.Txt2Img.Model)
			}},
		{name: "a model hash alone is not applied", keys: ", Model hash: 0123456789",
			base: func(c *pipeline.PipelineConfig) { c.Txt2Img.Model = "mine.safetensors" },
			check: func(t *testing.T, m Mapping) {
				assert.Equal(t, "mine.safetensors", m.Config.Txt2Img.Model)
				assert.Contains(t, m.NotApplied, "Model hash: 0123456789")
				assert.Contains(t, strings.Join(m.Notes, "\n"), "0123456789")
			}},
		{name: "refiner and hires checkpoint through the resolver",
			keys: ", Hires checkpoint: sd_xl_base_1.0, Hires upscale: 1.5, Hires upscaler: Latent, Refiner: sd_xl_refiner_1.0 [7440042bbd], Refiner switch at: 0.75",
			opts: Options{Checkpoint: titles},
			check: func(t *testing.T, m Mapping) {
				assert.Equal(t, "sd_xl_base_1.0.safetensors [31e35c80fc]", m.Config.Hires.Checkpoint)
				assert.Equal(t, pipeline.RefinerConfig{Enabled: true, Checkpoint: "sd_xl_refiner_1.0.safetensors [7440042bbd]", SwitchAt: 0.75}, m.Config.Refiner)
				assert.Empty(t, m.NotApplied)
			}},
		{name: "hires without scale or size gets scale 2", keys: ", Hires upscale: 0, Hires upscaler: Latent",
			base: func(c *pipeline.PipelineConfig) { c.Hires.Scale = 1.5 },
			check: func(t *testing.T, m Mapping) {
				assert.True(t, m.Config.Hires.Enabled)
				assert.Equal(t, 2.0, m.Config.Hires.Scale)
				assert.Contains(t, m.NotApplied, "Hires upscale: 0")
				require.NoError(t, m.Config.Validate())
			}},
		{name: "hires by size keeps the base scale", keys: ", Denoising strength: 0.45, Hires resize: 1024x1536, Hires steps: 10, Hires upscaler: Latent",
			base: func(c *pipeline.PipelineConfig) { c.Hires.Scale, c.Hires.Checkpoint = 1.5, "old" },
			check: func(t *testing.T, m Mapping) {
				assert.Equal(t, pipeline.HiresConfig{Enabled: true, Upscaler: "Latent", Scale: 1.5, ResizeX: 1024, ResizeY: 1536, Steps: 10, Denoise: 0.45}, m.Config.Hires)
				assert.Empty(t, m.NotApplied)
			}},
		{name: "hires prompts are not applied", keys: `, Hires prompt: "a cat, detailed", Hires negative prompt: ugly, Hires upscale: 2, Hires upscaler: Latent`,
			check: func(t *testing.T, m Mapping) {
				assert.Contains(t, m.NotApplied, "Hires prompt: a cat, detailed")
				assert.Contains(t, m.NotApplied, "Hires negative prompt: ugly")
				assert.Contains(t, strings.Join(m.Notes, "\n"), "Hires prompts are not applied")
			}},
		{name: "a refiner switch point outside (0, 1) keeps the base's", keys: ", Refiner: sd_xl_refiner_1.0 [7440042bbd], Refiner switch at: 1.5",
			base: func(c *pipeline.PipelineConfig) { c.Refiner.SwitchAt = 0.7 },
			check: func(t *testing.T, m Mapping) {
				assert.Equal(t, 0.7, m.Config.Refiner.SwitchAt)
				assert.Equal(t, "sd_xl_refiner_1.0 [7440042bbd]", m.Config.Refiner.Checkpoint)
				assert.Contains(t, m.NotApplied, "Refiner switch at: 1.5")
				assert.Contains(t, strings.Join(m.Notes, "\n"), "Refiner switch at 1.5")
			}},
		{name: "an invalid base switch point falls back to the default", keys: ", Refiner: r [abc], Refiner switch at: 0",
			base: func(c *pipeline.PipelineConfig) { c.Refiner.SwitchAt = 0 },
			check: func(t *testing.T, m Mapping) {
				assert.Equal(t, pipeline.Defaults().Refiner.SwitchAt, m.Config.Refiner.SwitchAt)
				require.NoError(t, m.Config.Validate())
			}},
		{name: "a seed under the random seed mode gets a note",
			base: func(c *pipeline.PipelineConfig) { c.Batch.SeedMode = pipeline.SeedRandom },
			check: func(t *testing.T, m Mapping) {
				assert.Equal(t, int64(1), m.Config.Txt2Img.Seed)
				require.Len(t, m.Notes, 1)
				assert.Contains(t, m.Notes[0], "seed mode is random")
			}},
		{name: "no note under the fixed seed mode",
			base:  func(c *pipeline.PipelineConfig) { c.Batch.SeedMode = pipeline.SeedFixed },
			check: func(t *testing.T, m Mapping) { assert.Empty(t, m.Notes) }},
		{name: "unknown and unreadable keys are kept", keys: ", Clip skip: two, NGMS: 0.2, Emphasis: Original, Denoising strength: 0.3",
			check: func(t *testing.T, m Mapping) {
				assert.Equal(t, []string{"Clip skip: two", "Denoising strength: 0.3", "Emphasis: Original", "NGMS: 0.2"}, m.NotApplied)
				assert.Equal(t, 1, m.Config.Txt2Img.ClipSkip)
			}},
		{name: "the VAE hash goes with the VAE", keys: ", VAE hash: 235745af8d, VAE: sdxl_vae.safetensors",
			check: func(t *testing.T, m Mapping) {
				assert.Equal(t, "sdxl_vae.safetensors", m.Config.Txt2Img.VAE)
				assert.Subset(t, m.Applied, []string{KeyVAE, KeyVAEHash})
				assert.Empty(t, m.NotApplied)
			}},
		{name: "batch, output and randomizer stay as base has them",
			base: func(c *pipeline.PipelineConfig) {
				c.Batch.BatchRuns, c.Output.Format, c.Randomizer.Enabled, c.Txt2Img.Enabled = 5, "webp", true, false
			},
			check: func(t *testing.T, m Mapping) {
				assert.Equal(t, 5, m.Config.Batch.BatchRuns)
				assert.Equal(t, "webp", m.Config.Output.Format)
				assert.True(t, m.Config.Randomizer.Enabled)
				assert.True(t, m.Config.Txt2Img.Enabled, "txt2img made the image")
				assert.Equal(t, "a cat", m.Config.Prompt.Positive)
				assert.Equal(t, "blurry", m.Config.Prompt.Negative)
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Parse(firstLine + tc.keys)
			require.NoError(t, err)
			base := pipeline.Defaults()
			if tc.base != nil {
				tc.base(&base)
			}
			before := base.Clone()
			m := ToConfig(p, base, tc.opts)
			assert.Equal(t, before, base, "ToConfig changed its base")
			assert.Equal(t, len(p.Pairs), len(m.Applied)+len(m.NotApplied), "every key is applied or listed")
			tc.check(t, m)
		})
	}
}

// The resolver hears the model's name and hash, and the refiner and hires
// checkpoints as written.
func TestToConfigResolverArguments(t *testing.T) {
	p, err := Parse(firstLine + ", Model hash: 31e35c80fc, Model: sd_xl_base_1.0, Hires checkpoint: dreamshaper_8 [879db523c3]," +
		" Hires upscale: 2, Hires upscaler: Latent, Refiner: sd_xl_refiner_1.0 [7440042bbd], Refiner switch at: 0.8")
	require.NoError(t, err)
	var calls [][2]string
	ToConfig(p, pipeline.Defaults(), Options{Checkpoint: func(name, hash string) string {
		calls = append(calls, [2]string{name, hash})
		return ""
	}})
	assert.ElementsMatch(t, [][2]string{
		{"sd_xl_base_1.0", "31e35c80fc"}, {"dreamshaper_8 [879db523c3]", ""}, {"sd_xl_refiner_1.0 [7440042bbd]", ""},
	}, calls)
}
