package infotext

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stablenew/pipeline"
)

func mapCorpus(t *testing.T, name string) Mapping {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name+".txt"))
	require.NoError(t, err)
	p, err := Parse(string(data))
	require.NoError(t, err)
	return ToConfig(p, pipeline.Defaults(), Options{})
}

func TestToConfigADetailerTwoUnitsAndHires(t *testing.T) {
	m := mapCorpus(t, "adetailer_two_units")
	c := m.Config
	assert.Equal(t, "1girl, smiling, upper body, city street at night, neon lights", c.Prompt.Positive)
	assert.Equal(t, "(worst quality:1.4), bad hands", c.Prompt.Negative)
	assert.Equal(t, 24, c.Txt2Img.Steps)
	assert.Equal(t, "DPM++ 2M", c.Txt2Img.Sampler)
	assert.Equal(t, "Automatic", c.Txt2Img.Scheduler, "Karras is DPM++ 2M's own schedule: A1111 reads Automatic")
	assert.Equal(t, 6.0, c.Txt2Img.CFGScale)
	assert.Equal(t, int64(55555), c.Txt2Img.Seed)
	assert.Equal(t, [2]int{832, 1216}, [2]int{c.Txt2Img.Width, c.Txt2Img.Height})
	assert.Equal(t, "ponyDiffusionV6XL [67ab2fd8ec]", c.Txt2Img.Model)
	assert.Equal(t, pipeline.HiresConfig{Enabled: true, Upscaler: "4x-UltraSharp", Scale: 1.5, Steps: 12, Denoise: 0.4}, c.Hires)
	require.True(t, c.ADetailer.Enabled)
	require.Len(t, c.ADetailer.Units, 2)
	assert.Equal(t, "face_yolov8n.pt", c.ADetailer.Units[0].Model)
	assert.Equal(t, "detailed face, smiling", c.ADetailer.Units[0].Prompt)
	assert.Equal(t, "hand_yolov8n.pt", c.ADetailer.Units[1].Model)
	assert.Equal(t, 0.35, c.ADetailer.Units[1].Confidence)
	assert.Equal(t, 0.5, c.ADetailer.Units[1].DenoisingStrength)
	assert.True(t, c.ADetailer.Units[1].UseSteps)
	assert.Equal(t, 20, c.ADetailer.Units[1].Steps)
	require.NoError(t, c.Validate())
	assert.Contains(t, m.NotApplied, "Version: v1.10.1")
	assert.Contains(t, m.NotApplied, "ADetailer version: 25.3.0")
	for _, na := range m.NotApplied {
		assert.False(t, strings.HasPrefix(na, "ADetailer model"), "ADetailer models are applied: %s", na)
	}
	assert.Contains(t, m.Applied, "ADetailer confidence 2nd")
}

func TestToConfigHiresBySizeAndRefiner(t *testing.T) {
	m := mapCorpus(t, "hires_size")
	h := m.Config.Hires
	assert.True(t, h.Enabled)
	assert.Equal(t, [2]int{1024, 1536}, [2]int{h.ResizeX, h.ResizeY})
	assert.Equal(t, "dreamshaper_8 [879db523c3]", h.Checkpoint)
	assert.Equal(t, "Euler", h.Sampler)
	assert.Equal(t, "Exponential", h.Scheduler)
	assert.Contains(t, strings.Join(m.NotApplied, "\n"), "Hires prompt", "a hires prompt has no stage-card field")
	require.NoError(t, m.Config.Validate())

	r := mapCorpus(t, "sdxl_refiner").Config.Refiner
	assert.True(t, r.Enabled)
	assert.NotEmpty(t, r.Checkpoint)
	assert.Greater(t, r.SwitchAt, 0.0)
}

func TestToConfigTurnsUnusedSubStagesOff(t *testing.T) {
	base := pipeline.Defaults()
	base.Hires.Enabled, base.Refiner.Enabled = true, true
	p, err := Parse("a cat\nSteps: 20, Sampler: Euler a, CFG scale: 7.0, Seed: 1, Size: 512x512")
	require.NoError(t, err)
	c := ToConfig(p, base, Options{}).Config
	assert.False(t, c.Hires.Enabled)
	assert.False(t, c.Refiner.Enabled)
	assert.False(t, c.ADetailer.Enabled)
	assert.Equal(t, 1, c.Txt2Img.ClipSkip, "no Clip skip key means 1")
}

func TestOrdinal(t *testing.T) {
	for n, want := range map[int]string{1: "", 2: " 2nd", 3: " 3rd", 4: " 4th", 11: " 11th", 12: " 12th", 21: " 21st", 22: " 22nd"} {
		assert.Equal(t, want, ordinal(n), "%d", n)
	}
}

// Every corpus infotext maps without a panic and yields a configuration
// whose prompt is the infotext's.
func TestToConfigWholeCorpus(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.txt"))
	require.NoError(t, err)
	for _, f := range files {
		if strings.Contains(f, ".formatted.") {
			continue
		}
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		p, err := Parse(string(data))
		require.NoError(t, err, f)
		m := ToConfig(p, pipeline.Defaults(), Options{})
		assert.Equal(t, p.Prompt, m.Config.Prompt.Positive, f)
		assert.Equal(t, len(p.Pairs), len(m.Applied)+notAppliedPairs(m.NotApplied), f)
	}
}

func notAppliedPairs(notApplied []string) int {
	n := 0
	for _, s := range notApplied {
		if !strings.HasPrefix(s, "Template: ") && !strings.HasPrefix(s, "Negative Template: ") {
			n++
		}
	}
	return n
}
