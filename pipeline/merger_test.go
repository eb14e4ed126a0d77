package pipeline

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func packBase(t *testing.T) PipelineConfig {
	t.Helper()
	p, err := ParsePatch([]byte(`
txt2img: {model: pack.safetensors, steps: 30, cfg_scale: 6.5}
hires: {enabled: true, scale: 1.5, denoise: 0.35, upscaler: 4x-UltraSharp}
refiner: {enabled: true, checkpoint: refiner.safetensors, switch_at: 0.7}
adetailer:
  enabled: true
  units: [{ad_model: face_yolov8n.pt, ad_confidence: 0.4}]
`), "pack.yaml")
	require.NoError(t, err)
	c, err := p.ApplyTo(Defaults())
	require.NoError(t, err)
	return c
}

func TestMergerOverrideOffTrustsThePack(t *testing.T) {
	base := packBase(t)
	over, err := ParsePatch([]byte("txt2img: {steps: 99}\nhires: {enabled: false}\n"), "stage cards")
	require.NoError(t, err)
	got, err := ConfigMerger{}.Merge(base, over, false)
	require.NoError(t, err)
	assert.Equal(t, base, got)
}

func TestMergerOverrideOnSetFieldsWin(t *testing.T) {
	base := packBase(t)
	over, err := ParsePatch([]byte("txt2img: {steps: 12}\nhires: {denoise: 0.5}\n"), "stage cards")
	require.NoError(t, err)
	got, err := ConfigMerger{}.Merge(base, over, true)
	require.NoError(t, err)
	want := base.Clone()
	want.Txt2Img.Steps = 12
	want.Hires.Denoise = 0.5
	assert.Equal(t, want, got, "set fields win, unset fields keep the pack value")
}

func TestMergerSubStageDisabledIgnoresItsFields(t *testing.T) {
	base := packBase(t)
	for _, tc := range []struct{ section, spelling string }{
		{"hires", "false"}, {"refiner", "false"}, {"adetailer", "false"},
		{"hires", "False"}, {"refiner", "FALSE"}, {"adetailer", "False"},
	} {
		section := tc.section
		t.Run(section+"_"+tc.spelling, func(t *testing.T) {
			doc := section + ": {enabled: " + tc.spelling + ", "
			switch section {
			case "hires":
				doc += "denoise: 0.9, scale: 4}"
			case "refiner":
				doc += "checkpoint: other, switch_at: 0.2}"
			case "adetailer":
				doc += "units: [{ad_model: hand_yolov8n.pt}]}"
			}
			over, err := ParsePatch([]byte(doc), "stage cards")
			require.NoError(t, err)
			got, err := ConfigMerger{}.Merge(base, over, true)
			require.NoError(t, err)
			want := base.Clone()
			switch section {
			case "hires":
				want.Hires.Enabled = false
			case "refiner":
				want.Refiner.Enabled = false
			case "adetailer":
				want.ADetailer.Enabled = false
			}
			assert.Equal(t, want, got)
		})
	}
}

func TestMergerSubStageEnabledMergesFieldByField(t *testing.T) {
	base := packBase(t)
	base.Hires.Enabled = false
	over, err := ParsePatch([]byte("hires: {enabled: true, steps: 8}\nadetailer: {enabled: true, units: [{ad_denoising_strength: 0.25}]}\n"), "o")
	require.NoError(t, err)
	got, err := ConfigMerger{}.Merge(base, over, true)
	require.NoError(t, err)
	assert.True(t, got.Hires.Enabled)
	assert.Equal(t, 8, got.Hires.Steps)
	assert.Equal(t, 1.5, got.Hires.Scale, "unset hires fields keep the base")
	assert.Equal(t, 0.4, got.ADetailer.Units[0].Confidence)
	assert.Equal(t, 0.25, got.ADetailer.Units[0].DenoisingStrength)
}

func TestMergerIsPure(t *testing.T) {
	base := packBase(t)
	snapshot := base.Clone()
	stages := Defaults()
	stages.ADetailer.Units[0].Model = "hand_yolov8n.pt"
	over := PatchFromConfig(stages, "stage cards", OverrideSections...)
	got, err := ConfigMerger{}.Merge(base, over, true)
	require.NoError(t, err)
	assert.Equal(t, snapshot, base, "Merge must not change its base")
	got.ADetailer.Units[0].Model = "mutated"
	assert.Equal(t, snapshot, base, "the result shares no slice with the base")
	again, err := ConfigMerger{}.Merge(base, over, true)
	require.NoError(t, err)
	assert.Equal(t, "hand_yolov8n.pt", again.ADetailer.Units[0].Model, "the overrides are not changed either")
}

func TestMergerFullStageOverride(t *testing.T) {
	base := packBase(t)
	stages := Defaults()
	got, err := ConfigMerger{}.Merge(base, PatchFromConfig(stages, "stage cards", OverrideSections...), true)
	require.NoError(t, err)
	assert.Equal(t, stages.Txt2Img, got.Txt2Img)
	assert.False(t, got.Hires.Enabled)
	assert.Equal(t, base.Hires.Scale, got.Hires.Scale, "a disabled hires keeps the base's fields")
	assert.Equal(t, base.Prompt, got.Prompt, "sections outside the stage cards are untouched")
}
