package infotext

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stablenew/pipeline"
)

// TestSamplerAndScheduleTypeAsA1111ReadsThem checks the txt2img sampler and
// scheduler ToConfig gives against what A1111 1.10's txt2img tab shows after
// a paste (sd_samplers.get_sampler_and_scheduler).
func TestSamplerAndScheduleTypeAsA1111ReadsThem(t *testing.T) {
	for _, tc := range []struct {
		params             string
		sampler, scheduler string
		notApplied, note   string
	}{
		// A missing Schedule type means Automatic (A1111 1.9+).
		{"Sampler: Euler a", "Euler a", "Automatic", "", ""},
		// Written before 1.9: the suffix is split off; Karras is DPM++ 2M's own.
		{"Sampler: DPM++ 2M Karras", "DPM++ 2M", "Automatic", "", ""},
		{"Sampler: Euler a Karras", "Euler a", "Karras", "", ""},
		{"Sampler: DPM++ 2M SDE Karras", "DPM++ 2M SDE", "Karras", "", ""},
		{"Sampler: DPM++ 2M SDE Exponential", "DPM++ 2M SDE", "Automatic", "", ""},
		{"Sampler: DPM++ 2M SDE sgm_uniform", "DPM++ 2M SDE", "SGM Uniform", "", ""},
		{"Sampler: Euler SGMUniform", "Euler", "SGM Uniform", "", ""},
		// The suffix wins over a Schedule type, as in A1111.
		{"Sampler: Euler Karras, Schedule type: Exponential", "Euler", "Karras", "", ""},
		{"Sampler: DPM++ 2M, Schedule type: Karras", "DPM++ 2M", "Automatic", "", ""},
		{"Sampler: DPM++ 2M, Schedule type: Exponential", "DPM++ 2M", "Exponential", "", ""},
		{"Sampler: Euler, Schedule type: karras", "Euler", "Karras", "", ""},
		{"Sampler: Euler, Schedule type: Automatic", "Euler", "Automatic", "", ""},
		{"Sampler: Euler, Schedule type: Simple", "Euler", "Simple", "", ""},
		// Case matters in A1111's lookups.
		{"Sampler: Euler, Schedule type: KARRAS", "Euler", "Automatic", "Schedule type: KARRAS", "not one A1111 knows"},
		// SD.Next's own values never land in the scheduler field.
		{"Sampler: Euler a, Schedule type: FlowMatchEulerDiscreteScheduler", "Euler a", "Automatic",
			"Schedule type: FlowMatchEulerDiscreteScheduler", "not one A1111 knows"},
		{"Sampler: Euler a, Scheduler: FlowMatchEulerDiscreteScheduler", "Euler a", "Automatic",
			"Scheduler: FlowMatchEulerDiscreteScheduler", "SD.Next's own scheduler"},
		// A sampler A1111 does not know is kept as written, with a note.
		{"Sampler: Euler FlowMatch", "Euler FlowMatch", "Automatic", "", "not one of A1111 1.10's samplers"},
		{"Sampler: Foo Karras", "Foo Karras", "Automatic", "", "not one of A1111 1.10's samplers"},
	} {
		t.Run(tc.params, func(t *testing.T) {
			p, err := Parse("a cat\n" + tc.params + ", Steps: 20, Seed: 1, Size: 512x512")
			require.NoError(t, err)
			base := pipeline.Defaults()
			base.Txt2Img.Scheduler = "Normal"
			m := ToConfig(p, base, Options{})
			assert.Equal(t, tc.sampler, m.Config.Txt2Img.Sampler)
			assert.Equal(t, tc.scheduler, m.Config.Txt2Img.Scheduler)
			if tc.notApplied != "" {
				assert.Contains(t, m.NotApplied, tc.notApplied)
			} else {
				for _, na := range m.NotApplied {
					assert.False(t, strings.HasPrefix(na, "Sampler") || strings.HasPrefix(na, "Schedule"), "%s is applied", na)
				}
			}
			if tc.note != "" {
				assert.Contains(t, strings.Join(m.Notes, "\n"), tc.note)
			} else {
				assert.Empty(t, m.Notes)
			}
		})
	}
}

// TestNoSamplerKeepsBase: parameters without Sampler nor Schedule type (the
// StableNew chunk alone) leave the sampler and scheduler as they were.
func TestNoSamplerKeepsBase(t *testing.T) {
	p := &Parameters{Prompt: "a cat"}
	p.SetInt(KeySeed, 5)
	base := pipeline.Defaults()
	base.Txt2Img.Sampler, base.Txt2Img.Scheduler = "DDIM", "Normal"
	c := ToConfig(p, base, Options{}).Config
	assert.Equal(t, "DDIM", c.Txt2Img.Sampler)
	assert.Equal(t, "Normal", c.Txt2Img.Scheduler)
}

// TestHiresSamplerAsA1111ReadsIt checks the hires pass's sampler and
// scheduler against A1111 1.10's get_hr_sampler_and_scheduler followed by
// processing's "None means the first pass's".
func TestHiresSamplerAsA1111ReadsIt(t *testing.T) {
	for _, tc := range []struct {
		params             string
		sampler, scheduler string // "" = same as the first pass
	}{
		{"Sampler: DPM++ 2M, Schedule type: Karras", "", ""},
		// The image's hires pass ran Euler a with its own (automatic) schedule:
		// "Use same scheduler" means the first pass's resolved value, Automatic.
		{"Sampler: DPM++ 2M, Schedule type: Karras, Hires sampler: Euler a", "Euler a", ""},
		{"Sampler: Euler a, Schedule type: Karras, Hires sampler: DPM++ 2M", "DPM++ 2M", "Automatic"},
		{"Sampler: DPM++ 2M Karras, Hires sampler: Euler", "Euler", ""},
		{"Sampler: DPM++ SDE, Schedule type: Karras, Hires sampler: Euler, Hires schedule type: Exponential", "Euler", "Exponential"},
		{"Sampler: Euler, Hires schedule type: Karras", "", "Karras"},
		{"Sampler: Euler, Hires schedule type: FlowMatchEulerDiscreteScheduler", "", ""},
	} {
		t.Run(tc.params, func(t *testing.T) {
			p, err := Parse("a cat\n" + tc.params + ", Steps: 20, Seed: 1, Size: 512x512, Denoising strength: 0.5, Hires upscale: 2.0")
			require.NoError(t, err)
			h := ToConfig(p, pipeline.Defaults(), Options{}).Config.Hires
			require.True(t, h.Enabled)
			assert.Equal(t, tc.sampler, h.Sampler)
			assert.Equal(t, tc.scheduler, h.Scheduler)
		})
	}
}
