package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stablenew/pipeline"
	"stablenew/pipeline/queue"
)

// fixExperimentID makes learn's experiment ids deterministic for the test.
func fixExperimentID(t *testing.T, id string) {
	newExperimentID = func() string { return id }
	t.Cleanup(func() { newExperimentID = defaultExperimentID })
}

var defaultExperimentID = newExperimentID

// learnData is a data folder with a two-row pack "fox" whose second row
// names a LoRA.
func learnData(t *testing.T) string {
	t.Helper()
	data := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(data, "packs"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(data, "packs", "fox.txt"),
		[]byte("a red fox in snow\n\na fox in a forest <lora:add-detail-xl:0.5>\n"), 0o644))
	return data
}

func TestLearnPlan(t *testing.T) {
	fixBuilder(t)
	fixExperimentID(t, "xexp1")
	data := learnData(t)
	code, out, errOut := run(t, "learn", "plan", "--data-dir", data, "--pack", "fox", "--row", "2",
		"--vary", "txt2img.cfg_scale=5:7:1", "--vary", "lora:add-detail-xl=0.5,1", "--seeds", "2", "--seed", "7", "--json")
	require.Equal(t, ExitOK, code, errOut)
	var jobs []pipeline.JobSpec
	require.NoError(t, json.Unmarshal([]byte(out), &jobs))
	require.Len(t, jobs, 12)
	seeds := map[string][]int64{}
	for _, j := range jobs {
		assert.Equal(t, "xexp1", j.LearningContextID)
		assert.Equal(t, pipeline.SourceCLI, j.Source)
		assert.Equal(t, 1, j.PromptIndex)
		require.NoError(t, j.Config.Validate())
		label := cellLabel(j.LearningValues)
		seeds[label] = append(seeds[label], j.Seed)
		assert.Contains(t, j.Config.Prompt.Positive, "<lora:add-detail-xl:"+j.LearningValues[1].Value+">")
	}
	require.Len(t, seeds, 6)
	want := seeds["txt2img.cfg_scale=5 lora:add-detail-xl=0.5"]
	require.Len(t, want, 2)
	for cell, s := range seeds {
		assert.Equal(t, want, s, "cell %s has the same seeds as the first", cell)
	}
	assert.Contains(t, out, `"learning_values"`)

	// The table names each job's cell and the totals.
	code, out, errOut = run(t, "learn", "plan", "--data-dir", data, "--pack", "fox",
		"--vary", "txt2img.steps=20,30", "--seeds", "3")
	require.Equal(t, ExitOK, code, errOut)
	assert.Contains(t, out, "txt2img.steps=30")
	assert.Contains(t, out, "Experiment xexp1 | 2 cells × 3 seeds = 6 jobs")

	// A typed prompt instead of a row.
	code, out, errOut = run(t, "learn", "plan", "--data-dir", data, "--prompt", "a lighthouse at dusk",
		"--vary", "txt2img.sampler_name=Euler a,DPM++ 2M", "--seeds", "1", "--json")
	require.Equal(t, ExitOK, code, errOut)
	require.NoError(t, json.Unmarshal([]byte(out), &jobs))
	require.Len(t, jobs, 2)
	assert.Equal(t, "DPM++ 2M", jobs[1].Config.Txt2Img.Sampler)
	assert.Contains(t, jobs[1].Config.Prompt.Positive, "a lighthouse at dusk")
}

func TestLearnPlanBadInput(t *testing.T) {
	data := learnData(t)
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"--pack", "fox", "--vary", "txt2img.cfg=5,6"}, "--vary txt2img.cfg"},
		{[]string{"--pack", "fox", "--vary", "txt2img.cfg_scale=20:40:10"}, "--vary txt2img.cfg_scale"},
		{[]string{"--pack", "fox", "--vary", "txt2img.cfg_scale=20:40:10"}, "30"},
		{[]string{"--pack", "fox", "--vary", "hires.denoise=0.1,0.2"}, "--vary hires.denoise: the hires stage is off"},
		{[]string{"--pack", "fox", "--vary", "cfg=5,6"}, "--vary cfg: not a setting"},
		{[]string{"--pack", "fox", "--vary", "txt2img.cfg_scale=1:30:0.5", "--vary", "txt2img.steps=20,30,40", "--seeds", "3"}, "531 jobs (177 cells × 3 seeds), over the cap of 512"},
		{[]string{"--pack", "fox", "--vary", "a.b=1", "--vary", "c.d=1", "--vary", "e.f=1"}, "at most 2 settings"},
		{[]string{"--pack", "fox", "--vary", "txt2img.steps=20", "--seeds", "0"}, "--seeds must be from 1 to 64"},
		{[]string{"--pack", "fox", "--vary", "txt2img.steps=20", "--row", "3"}, "row 3 does not exist"},
		{[]string{"--pack", "fox"}, "--vary FIELD=VALUES is required"},
		{[]string{"--vary", "txt2img.steps=20"}, "--pack or --prompt is required"},
	} {
		for _, sub := range []string{"plan", "add"} {
			args := append([]string{"learn", sub, "--data-dir", data}, tc.args...)
			code, out, errOut := run(t, args...)
			assert.Equal(t, ExitUsage, code, "%v\n%s%s", tc.args, out, errOut)
			assert.Contains(t, errOut, tc.msg, "%v", tc.args)
		}
	}
	// The failed adds queued nothing: they did not even open the queue.
	_, err := os.Stat(filepath.Join(data, "state", "stablenew.db"))
	assert.True(t, os.IsNotExist(err), "%v", err)
}

func TestLearnAdd(t *testing.T) {
	fixExperimentID(t, "xexp2")
	data := learnData(t)
	code, out, errOut := run(t, "learn", "add", "--data-dir", data, "--pack", "fox",
		"--vary", "txt2img.cfg_scale=5,7", "--vary", "txt2img.steps=10,20", "--seeds", "2")
	require.Equal(t, ExitOK, code, errOut)
	assert.Equal(t, "xexp2\n", out, "the id alone on stdout")
	assert.Contains(t, errOut, "queued 8 jobs (4 cells × 2 seeds)")
	var items []queue.QueueItem
	code, out, errOut = run(t, "queue", "list", "--data-dir", data, "--json")
	require.Equal(t, ExitOK, code, errOut)
	require.NoError(t, json.Unmarshal([]byte(out), &items))
	require.Len(t, items, 8)
	for _, it := range items {
		assert.Equal(t, pipeline.SourceAddToQueue, it.Source)
	}
}
