package pipeline

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDiffConfigs(t *testing.T) {
	twoUnits := func(c *PipelineConfig) {
		hand := DefaultADetailerUnit()
		hand.Model = "hand_yolov8n.pt"
		c.ADetailer.Units = append(c.ADetailer.Units, hand)
	}
	for _, tc := range []struct {
		name     string
		edit     func(c *PipelineConfig)
		sections []string
		want     []FieldChange
	}{
		{"equal", func(*PipelineConfig) {}, nil, nil},
		{"int and float", func(c *PipelineConfig) { c.Txt2Img.Steps, c.Txt2Img.CFGScale = 30, 6.5 }, nil, []FieldChange{
			{"txt2img.steps", "20", "30"}, {"txt2img.cfg_scale", "7", "6.5"},
		}},
		{"string, bool and int64", func(c *PipelineConfig) {
			c.Txt2Img.Model, c.Hires.Enabled, c.Txt2Img.Seed = "sd_xl_base_1.0", true, 424242
		}, nil, []FieldChange{
			{"txt2img.model", "", "sd_xl_base_1.0"}, {"txt2img.seed", "-1", "424242"}, {"hires.enabled", "false", "true"},
		}},
		{"named type", func(c *PipelineConfig) { c.Batch.SeedMode = SeedRandom }, nil, []FieldChange{
			{"batch.seed_mode", "increment", "random"},
		}},
		{"sections limit the diff", func(c *PipelineConfig) {
			c.Txt2Img.Width, c.Batch.BatchRuns, c.Prompt.Positive = 768, 5, "a cat"
		}, OverrideSections, []FieldChange{{"txt2img.width", "512", "768"}}},
		{"a section left out", func(c *PipelineConfig) { c.Txt2Img.Width = 768 }, []string{"hires", "upscale"}, nil},
		{"a unit field", func(c *PipelineConfig) { c.ADetailer.Units[0].Confidence = 0.5 }, nil, []FieldChange{
			{"adetailer.units[0].ad_confidence", "0.3", "0.5"},
		}},
		{"a unit added", twoUnits, nil, []FieldChange{{"adetailer.units[1]", "", "hand_yolov8n.pt"}}},
		{"list of plain values", func(c *PipelineConfig) { c.Randomizer.Sweeps.Steps = []int{20, 30} }, []string{"randomizer"},
			[]FieldChange{{"randomizer.sweeps.steps", "[]", "[20, 30]"}}},
		{"nil and empty lists are equal", func(c *PipelineConfig) { c.Randomizer.Sweeps.Models = []string{} }, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := Defaults()
			b := a.Clone()
			tc.edit(&b)
			assert.Equal(t, tc.want, DiffConfigs(a, b, tc.sections...))
		})
	}
}

func TestDiffConfigsRemovedElementAndString(t *testing.T) {
	a := Defaults()
	a.LoRAs = []LoRAStrength{{Name: "film", Strength: 0.8, Enabled: true}, {Name: "grain", Strength: 1, Enabled: true}}
	b := a.Clone()
	b.LoRAs = b.LoRAs[:1]
	b.LoRAs[0].Strength = 0.6
	got := DiffConfigs(a, b)
	require.Equal(t, []FieldChange{
		{"lora_strengths[0].strength", "0.8", "0.6"},
		{"lora_strengths[1]", "grain", ""},
	}, got)
	assert.Equal(t, "lora_strengths[0].strength: 0.8 → 0.6", got[0].String())
	assert.Empty(t, DiffConfigs(b, b.Clone()))
	// Swapping a and b swaps Old and New.
	back := DiffConfigs(b, a)
	require.Len(t, back, 2)
	assert.Equal(t, FieldChange{"lora_strengths[1]", "", "grain"}, back[1])
}

// Every field of every section has a YAML key, so no change goes unseen:
// changing each stage section's fields one by one shows up in the diff.
func TestDiffConfigsSeesEveryStageField(t *testing.T) {
	a := Defaults()
	b := a.Clone()
	b.Txt2Img = Txt2ImgConfig{Enabled: !a.Txt2Img.Enabled, Model: "m", VAE: "v", Sampler: "s", Scheduler: "k", Steps: 1, CFGScale: 1.5,
		Width: 1, Height: 1, ClipSkip: 3, Seed: 5, Subseed: 6, SubseedStrength: 0.25}
	got := DiffConfigs(a, b, "txt2img")
	var paths []string
	for _, c := range got {
		paths = append(paths, strings.TrimPrefix(c.Path, "txt2img."))
	}
	assert.Equal(t, []string{"enabled", "model", "vae", "sampler_name", "scheduler", "steps", "cfg_scale", "width", "height",
		"clip_skip", "seed", "subseed", "subseed_strength"}, paths)
}
