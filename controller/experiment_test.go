package controller

import (
	"context"
	"errors"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stablenew/pipeline"
	"stablenew/pipeline/packs"
)

func TestParseSweep(t *testing.T) {
	for _, tc := range []struct {
		in    string
		field string
		want  []string
	}{
		{"txt2img.cfg_scale=5:9:2", "txt2img.cfg_scale", []string{"5", "7", "9"}},
		{"txt2img.cfg_scale=6:8:0.5", "txt2img.cfg_scale", []string{"6", "6.5", "7", "7.5", "8"}},
		{"hires.denoise=0.1:0.3:0.1", "hires.denoise", []string{"0.1", "0.2", "0.3"}},
		{"txt2img.steps=20:35:10", "txt2img.steps", []string{"20", "30"}},
		{"txt2img.sampler_name=Euler a, DPM++ 2M", "txt2img.sampler_name", []string{"Euler a", "DPM++ 2M"}},
		{"lora:add-detail-xl=0:1:0.5", "lora:add-detail-xl", []string{"0", "0.5", "1"}},
	} {
		s, err := ParseSweep(tc.in)
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.field, s.Field, tc.in)
		assert.Equal(t, tc.want, s.Values, tc.in)
	}
	for _, tc := range []struct{ in, msg string }{
		{"txt2img.cfg_scale", "FIELD=VALUES"},
		{"=1,2", "FIELD=VALUES"},
		{"cfg_scale=1,2", "section.key"},
		{"txt2img.cfg_scale=", "no values"},
		{"txt2img.cfg_scale=1,,2", "empty value"},
		{"txt2img.cfg_scale=1,2,1", "listed twice"},
		{"txt2img.cfg_scale=9:5:1", "below start"},
		{"txt2img.cfg_scale=5:9:0", "step must be above 0"},
		{"txt2img.cfg_scale=5:x:1", `"x" is not a number`},
		{"txt2img.cfg_scale=0:100000:1", "100001 values, over the cap of 512"},
		{"lora:=1,2", "needs a LoRA name"},
	} {
		_, err := ParseSweep(tc.in)
		require.Error(t, err, tc.in)
		assert.Contains(t, err.Error(), tc.msg, tc.in)
	}
}

func FuzzParseSweep(f *testing.F) {
	for _, s := range []string{"txt2img.cfg_scale=5:9:1", "txt2img.sampler_name=Euler a,DPM++ 2M", "lora:x=0:1:0.25", "a=1e308:1e308:1e-308", "=", "x.y=-1:-0.5:0.1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sw, err := ParseSweep(s)
		if err != nil {
			return
		}
		if len(sw.Values) == 0 || len(sw.Values) > MaxExperimentJobs || sw.Field == "" {
			t.Fatalf("%q: %d values, field %q", s, len(sw.Values), sw.Field)
		}
	})
}

func experiment(t *testing.T, seeds int, sweeps ...string) Experiment {
	t.Helper()
	e := Experiment{ID: "xtest", Pack: "portraits", Row: 1, Seeds: seeds}
	for _, s := range sweeps {
		sw, err := ParseSweep(s)
		require.NoError(t, err)
		e.Sweeps = append(e.Sweeps, sw)
	}
	return e
}

func TestPlanExperimentGrid(t *testing.T) {
	pc := newController(t)
	pack(t, pc, "portraits", "a knight\n\na red fox <lora:add-detail-xl:0.4>\n", "txt2img:\n  seed: 1000\nbatch:\n  seed_mode: increment\n  batch_runs: 3\n")
	exp := experiment(t, 2, "txt2img.cfg_scale=5:7:1", "txt2img.steps=20,30")
	plan, err := pc.PlanExperiment(context.Background(), RunRequest{Source: pipeline.SourceCLI}, exp)
	require.NoError(t, err)
	require.Len(t, plan.Jobs, 12) // 3 CFG × 2 steps × 2 seeds, batch runs ignored

	type key struct{ cfg, steps string }
	seedsOf := map[key][]int64{}
	for i, j := range plan.Jobs {
		assert.Equal(t, "xtest", j.LearningContextID)
		assert.Equal(t, pipeline.SourceCLI, j.Source)
		assert.Equal(t, "portraits", j.PackID)
		assert.Equal(t, 1, j.PromptIndex)
		assert.Equal(t, pipeline.SeedFixed, j.SeedMode)
		require.Len(t, j.LearningValues, 2)
		assert.Equal(t, "txt2img.cfg_scale", j.LearningValues[0].Dimension)
		assert.Equal(t, "txt2img.steps", j.LearningValues[1].Dimension)
		k := key{j.LearningValues[0].Value, j.LearningValues[1].Value}
		// The job renders with its cell's values.
		assert.Equal(t, k.cfg, strconv.FormatFloat(j.Config.Txt2Img.CFGScale, 'f', -1, 64), "job %d", i)
		assert.Equal(t, k.steps, strconv.Itoa(j.Config.Txt2Img.Steps), "job %d", i)
		assert.Contains(t, j.Config.Prompt.Positive, "<lora:add-detail-xl:0.4>")
		seedsOf[k] = append(seedsOf[k], j.Seed)
	}
	// Y outer, X inner, seeds innermost.
	assert.Equal(t, []pipeline.DimensionValue{{Dimension: "txt2img.cfg_scale", Value: "6"}, {Dimension: "txt2img.steps", Value: "20"}}, plan.Jobs[2].LearningValues)
	assert.Equal(t, "30", plan.Jobs[6].LearningValues[1].Value)
	// Six cells, each with the same two seeds, starting at the configured one.
	require.Len(t, seedsOf, 6)
	for k, s := range seedsOf {
		assert.Equal(t, []int64{1000, 1001}, s, "cell %v", k)
	}
}

func TestPlanExperimentTypedPromptAndLoRA(t *testing.T) {
	pc := newController(t)
	exp := experiment(t, 1, "lora:add-detail-xl=0.5,1")
	exp.Pack, exp.Prompt = "", "a lighthouse <lora:add-detail-xl:0.8>"
	plan, err := pc.PlanExperiment(context.Background(), RunRequest{}, exp)
	require.NoError(t, err)
	require.Len(t, plan.Jobs, 2)
	assert.Equal(t, TypedPromptPackID, plan.Jobs[0].PackID)
	assert.Contains(t, plan.Jobs[0].Config.Prompt.Positive, "<lora:add-detail-xl:0.5>")
	assert.Contains(t, plan.Jobs[1].Config.Prompt.Positive, "<lora:add-detail-xl:1>")
	// A seed drawn once is shared by both cells.
	assert.Equal(t, plan.Jobs[0].Seed, plan.Jobs[1].Seed)
	assert.GreaterOrEqual(t, plan.Jobs[0].Seed, int64(0))

	// A LoRA tag the preset's prompt text adds counts too.
	writeFile(t, filepath.Join(pc.Library.PresetsDir(), "detail.yaml"), "prompt:\n  positive: \"<lora:more:0.3>\"\n")
	exp = experiment(t, 1, "lora:more=0.5,1")
	exp.Pack, exp.Prompt = "", "a lighthouse"
	plan, err = pc.PlanExperiment(context.Background(), RunRequest{Preset: "detail"}, exp)
	require.NoError(t, err)
	assert.Contains(t, plan.Jobs[1].Config.Prompt.Positive, "<lora:more:1>")
}

func TestPlanExperimentBadInput(t *testing.T) {
	pc := newController(t)
	pack(t, pc, "portraits", "a knight <lora:x:1>\n\na {red|blue} fox\n", "")
	for _, tc := range []struct {
		name   string
		exp    Experiment
		field  string // the SweepError's field, or "" for another error
		substr string
	}{
		{"unknown key", experiment(t, 1, "txt2img.cfg=5,6"), "txt2img.cfg", "cfg"},
		{"unknown section", experiment(t, 1, "batch.batch_size=1,2"), "batch.batch_size", "not a stage setting"},
		{"out of range", experiment(t, 1, "txt2img.cfg_scale=25:35:5"), "txt2img.cfg_scale", "txt2img.cfg_scale"},
		{"wrong type", experiment(t, 1, "txt2img.steps=20,25.5"), "txt2img.steps", "whole number"},
		{"stage off", experiment(t, 1, "hires.denoise=0.2,0.4"), "hires.denoise", "hires stage is off"},
		{"lora not in prompt", experiment(t, 1, "lora:other=0.5,1"), "lora:other", "no <lora:other> tag"},
		{"lora out of range", experiment(t, 1, "lora:other=9"), "lora:other", "from -5 to 5"},
		{"seed", experiment(t, 1, "txt2img.seed=1,2"), "txt2img.seed", "sets the seeds itself"},
		{"same field twice", experiment(t, 1, "txt2img.steps=20,30", "txt2img.steps=40"), "txt2img.steps", "varied twice"},
		{"seeds", experiment(t, 0, "txt2img.steps=20,30"), "", "seeds must be from 1 to 64"},
		{"no such row", func() Experiment { e := experiment(t, 1, "txt2img.steps=20,30"); e.Row = 5; return e }(), "", "row 6 does not exist"},
		{"variants", func() Experiment { e := experiment(t, 1, "txt2img.steps=20,30"); e.Row = 1; return e }(), "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "variants" {
				pack(t, pc, "portraits", "a knight <lora:x:1>\n\na {red|blue} fox\n", "randomizer:\n  enabled: true\n")
			}
			_, err := pc.PlanExperiment(context.Background(), RunRequest{}, tc.exp)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.substr)
			var se *SweepError
			if tc.field != "" {
				require.True(t, errors.As(err, &se), "%T %v", err, err)
				assert.Equal(t, tc.field, se.Field)
			}
			if tc.name == "variants" {
				assert.Contains(t, err.Error(), "makes 2 variants")
			}
		})
	}
}

func TestPlanExperimentCap(t *testing.T) {
	pc := newController(t)
	pack(t, pc, "portraits", "a knight\n\na fox\n", "")
	exp := experiment(t, 3, "txt2img.cfg_scale=1:30:0.5", "txt2img.steps=20,30,40")
	_, err := pc.PlanExperiment(context.Background(), RunRequest{}, exp)
	var ce *ExperimentCapError
	require.ErrorAs(t, err, &ce)
	assert.Contains(t, err.Error(), "531 jobs (177 cells × 3 seeds), over the cap of 512")
}

// BenchmarkPlanExperiment512 plans the largest experiment: 32 CFG values ×
// 4 samplers × 4 seeds = 512 jobs, each cell set through a Patch and
// validated.
func BenchmarkPlanExperiment512(b *testing.B) {
	lib, err := packs.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	pc := NewPipelineController(lib)
	exp := Experiment{ID: "xbench", Prompt: "a lighthouse at dusk", Seeds: 4}
	for _, s := range []string{"txt2img.cfg_scale=1:16.5:0.5", "txt2img.sampler_name=Euler a,Euler,DPM++ 2M,DDIM"} {
		sw, err := ParseSweep(s)
		if err != nil {
			b.Fatal(err)
		}
		exp.Sweeps = append(exp.Sweeps, sw)
	}
	b.ReportAllocs()
	for b.Loop() {
		plan, err := pc.PlanExperiment(context.Background(), RunRequest{}, exp)
		if err != nil || len(plan.Jobs) != 512 {
			b.Fatalf("%v, %d jobs", err, len(plan.Jobs))
		}
	}
}

// ApplyCellValues sets a winning cell on stage cards: a LoRA strength needs
// no tag there, but an unknown field or a stage that is off is refused
// with the field's name.
func TestApplyCellValues(t *testing.T) {
	c := pipeline.Defaults()
	c.Hires.Enabled = false
	got, err := ApplyCellValues(c, []pipeline.DimensionValue{
		{Dimension: "txt2img.cfg_scale", Value: "6.5"}, {Dimension: "lora:add-detail-xl", Value: "0.8"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got.Txt2Img.CFGScale != 6.5 {
		t.Errorf("cfg %v", got.Txt2Img.CFGScale)
	}
	if n := len(got.LoRAs); n == 0 || got.LoRAs[n-1].Name != "add-detail-xl" || got.LoRAs[n-1].Strength != 0.8 {
		t.Errorf("LoRAs %+v", got.LoRAs)
	}
	for _, tc := range []struct {
		v   pipeline.DimensionValue
		msg string
	}{
		{pipeline.DimensionValue{Dimension: "txt2img.cfg", Value: "5"}, "txt2img.cfg"},
		{pipeline.DimensionValue{Dimension: "hires.denoise", Value: "0.3"}, "hires.denoise: the hires stage is off"},
		{pipeline.DimensionValue{Dimension: "txt2img.steps", Value: "-3"}, "txt2img.steps"},
		{pipeline.DimensionValue{Dimension: "nope", Value: "1"}, "nope: not a setting"},
	} {
		_, err := ApplyCellValues(c, []pipeline.DimensionValue{tc.v})
		var se *SweepError
		if !errors.As(err, &se) || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%v: got %v, want a SweepError with %q", tc.v, err, tc.msg)
		}
	}
}
