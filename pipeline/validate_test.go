package pipeline

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDefaultsAreValid(t *testing.T) {
	require.NoError(t, Defaults().Validate())
}

func TestValidateReportsEveryProblemWithItsPath(t *testing.T) {
	c := Defaults()
	c.Hires.Enabled = true
	c.Hires.Denoise = 1.4
	c.Txt2Img.Steps = 0
	c.Txt2Img.Width = 500
	c.Refiner.Enabled = true
	c.ADetailer.Units[0].Confidence = -1
	c.Batch.SeedMode = "sometimes"
	c.Output.Format = "gif"
	err := c.Validate()
	var ve *ValidationError
	require.True(t, errors.As(err, &ve))
	fields := ve.Fields()
	assert.Equal(t, "must be within 0..1, got 1.4", fields["hires.denoise"])
	assert.Equal(t, "must be within 1..150, got 0", fields["txt2img.steps"])
	assert.Equal(t, "must be a multiple of 8, got 500", fields["txt2img.width"])
	assert.Contains(t, fields["refiner.checkpoint"], "must name the refiner checkpoint")
	assert.Contains(t, fields["adetailer.units[0].ad_confidence"], "got -1")
	assert.Contains(t, fields["batch.seed_mode"], `got "sometimes"`)
	assert.Contains(t, fields["output.format"], `got "gif"`)
	assert.Contains(t, err.Error(), "hires.denoise: must be within 0..1, got 1.4")
}

func TestValidateTable(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(c *PipelineConfig)
		path   string // "" = valid
	}{
		{"nan cfg", func(c *PipelineConfig) { c.Txt2Img.CFGScale = math.NaN() }, "txt2img.cfg_scale"},
		{"seed too big", func(c *PipelineConfig) { c.Txt2Img.Seed = 1 << 33 }, "txt2img.seed"},
		{"seed -1 ok", func(c *PipelineConfig) { c.Txt2Img.Seed = -1 }, ""},
		{"no stages", func(c *PipelineConfig) {
			c.Txt2Img.Enabled, c.ADetailer.Enabled = false, false
		}, "txt2img.enabled"},
		{"img2img first needs input", func(c *PipelineConfig) {
			c.Txt2Img.Enabled, c.Img2Img.Enabled = false, true
		}, "img2img.input_image"},
		{"img2img first with input", func(c *PipelineConfig) {
			c.Txt2Img.Enabled, c.Img2Img.Enabled, c.Img2Img.InputImage = false, true, "in.png"
		}, ""},
		{"hires without txt2img", func(c *PipelineConfig) {
			c.Txt2Img.Enabled, c.Hires.Enabled, c.Img2Img.Enabled, c.Img2Img.InputImage = false, true, true, "a.png"
		}, "hires.enabled"},
		{"refiner switch 1", func(c *PipelineConfig) {
			c.Refiner.Enabled, c.Refiner.Checkpoint, c.Refiner.SwitchAt = true, "r", 1
		}, "refiner.switch_at"},
		{"hires target size skips scale", func(c *PipelineConfig) {
			c.Hires.Enabled, c.Hires.Scale, c.Hires.ResizeX = true, 0, 2048
		}, ""},
		{"upscale half target", func(c *PipelineConfig) {
			c.Upscale.Enabled, c.Upscale.TargetWidth = true, 2048
		}, "upscale.target_width"},
		{"upscale none", func(c *PipelineConfig) { c.Upscale.Enabled, c.Upscale.Upscaler1 = true, "None" }, "upscale.upscaler_1"},
		{"adetailer no units", func(c *PipelineConfig) { c.ADetailer.Units = nil }, "adetailer.units"},
		{"adetailer off ignores units", func(c *PipelineConfig) {
			c.ADetailer.Enabled, c.ADetailer.Units = false, nil
		}, ""},
		{"lora unnamed", func(c *PipelineConfig) { c.LoRAs = []LoRAStrength{{Strength: 1}} }, "lora_strengths[0].name"},
		{"batch size 0", func(c *PipelineConfig) { c.Batch.BatchSize = 0 }, "batch.batch_size"},
		{"empty filename", func(c *PipelineConfig) { c.Output.FilenameTemplate = " " }, "output.filename_template"},
		{"matrix bad mode", func(c *PipelineConfig) {
			c.Randomizer.Enabled, c.Randomizer.Matrix.Mode = true, "zigzag"
		}, "randomizer.matrix.mode"},
		{"matrix duplicate slot", func(c *PipelineConfig) {
			c.Randomizer.Enabled = true
			c.Randomizer.Matrix.Slots = []MatrixSlot{{Name: "a", Values: []string{"1"}}, {Name: "a", Values: []string{"2"}}}
		}, "randomizer.matrix.slots[1].name"},
		{"sweep size", func(c *PipelineConfig) {
			c.Randomizer.Enabled, c.Randomizer.Sweeps.Sizes = true, []string{"832x1217"}
		}, "randomizer.sweeps.sizes[0]"},
		{"cap 0", func(c *PipelineConfig) { c.Randomizer.MaxVariants = 0 }, "randomizer.max_variants"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := Defaults()
			tc.change(&c)
			err := c.Validate()
			if tc.path == "" {
				assert.NoError(t, err)
				return
			}
			var ve *ValidationError
			require.True(t, errors.As(err, &ve), "want a problem at %s, got %v", tc.path, err)
			assert.Contains(t, ve.Fields(), tc.path, err.Error())
		})
	}
}

func TestParseSize(t *testing.T) {
	w, h, err := ParseSize(" 832x1216 ")
	require.NoError(t, err)
	assert.Equal(t, [2]int{832, 1216}, [2]int{w, h})
	for _, bad := range []string{"832", "axb", "0x0", "832x1217", "9000x512"} {
		_, _, err := ParseSize(bad)
		assert.Error(t, err, bad)
	}
}

// No field takes NaN or ±Inf, whether its stage is on or not: each is a
// field error with its path, reported once.
func TestValidateRejectsNaNAndInfEverywhere(t *testing.T) {
	c := Defaults()
	c.Hires.Enabled, c.Hires.Upscaler, c.Hires.ResizeX = true, "Latent", 1024
	c.Hires.Scale = math.NaN() // not range-checked: resize_x wins
	c.Txt2Img.CFGScale = math.Inf(1)
	c.Img2Img.Denoise = math.Inf(-1) // img2img is off
	c.ADetailer.Units[0].MaskMaxRatio = math.NaN()
	c.LoRAs = []LoRAStrength{{Name: "film", Strength: math.Inf(1), Enabled: true}}
	c.Randomizer.Sweeps.CFGScales = []float64{5, math.NaN()} // the randomizer is off
	var ve *ValidationError
	require.True(t, errors.As(c.Validate(), &ve))
	fields := ve.Fields()
	assert.Equal(t, "must be a finite number, got NaN", fields["hires.scale"])
	assert.Equal(t, "must be a finite number, got +Inf", fields["txt2img.cfg_scale"])
	assert.Equal(t, "must be a finite number, got -Inf", fields["img2img.denoise"])
	assert.Equal(t, "must be a finite number, got NaN", fields["adetailer.units[0].ad_mask_max_ratio"])
	assert.Equal(t, "must be a finite number, got +Inf", fields["lora_strengths[0].strength"])
	assert.Equal(t, "must be a finite number, got NaN", fields["randomizer.sweeps.cfg_scales[1]"])
	assert.Len(t, ve.Problems, 6, "one problem per field: %v", ve)

	require.True(t, errors.As(c.ValidateStages(), &ve))
	assert.Len(t, ve.Problems, 5, "the randomizer is not a stage: %v", ve)
	assert.NotContains(t, ve.Fields(), "randomizer.sweeps.cfg_scales[1]")
}

// Every number field of the configuration is checked for NaN and ±Inf by
// its own key path: the written-out list in finiteStages misses none (a new
// float field must be added there).
func TestEveryNumberFieldIsCheckedForFiniteness(t *testing.T) {
	base := Defaults()
	base.LoRAs = []LoRAStrength{DefaultLoRAStrength()}
	base.LoRAs[0].Name = "film"
	base.Randomizer.Sweeps.CFGScales = []float64{5}
	if len(base.ADetailer.Units) != 1 {
		t.Fatalf("defaults have %d ADetailer units", len(base.ADetailer.Units))
	}
	var paths []string
	var walk func(x reflect.Value, path string, set func(reflect.Value))
	walk = func(x reflect.Value, path string, set func(reflect.Value)) {
		switch x.Kind() {
		case reflect.Struct:
			for i := 0; i < x.NumField(); i++ {
				walk(x.Field(i), joinPath(path, yamlKey(x.Type().Field(i))), set)
			}
		case reflect.Slice:
			for i := 0; i < x.Len(); i++ {
				walk(x.Index(i), fmt.Sprintf("%s[%d]", path, i), set)
			}
		case reflect.Float64:
			if set == nil {
				paths = append(paths, path)
			} else {
				set(x)
			}
		}
	}
	walk(reflect.ValueOf(base), "", nil)
	require.Len(t, paths, 23)
	for k, path := range paths {
		c := base.Clone()
		n := 0
		walk(reflect.ValueOf(&c).Elem(), "", func(x reflect.Value) {
			if n == k {
				x.SetFloat(math.Inf(-1))
			}
			n++
		})
		var ve *ValidationError
		if !errors.As(c.Validate(), &ve) {
			t.Errorf("%s = -Inf passes validation", path)
			continue
		}
		assert.Equal(t, "must be a finite number, got -Inf", ve.Fields()[path], path)
	}
}
