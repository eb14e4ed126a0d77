package cli

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
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

// The whole loop from the command line: an experiment of 2 models × 2
// seeds runs through the queue on the fake WebUI (the jobs of a model it
// lacks fail), its jobs are rated, and the report names the winner,
// counting only rated images; ratings survive between commands.
func TestLearnRateAndReport(t *testing.T) {
	data := learnData(t)
	step := func(wantCode int, args ...string) (string, string) {
		t.Helper()
		full := append(append(append([]string{}, args[:2]...), "--data-dir", data), args[2:]...)
		code, out, errOut := run(t, full...)
		require.Equal(t, wantCode, code, "%v\n%s%s", args, out, errOut)
		return out, errOut
	}
	out, _ := step(ExitOK, "learn", "add", "--pack", "fox", "--seeds", "2",
		"--vary", "txt2img.model=sd_xl_base_1.0.safetensors,missing-model.safetensors", "--vary", "txt2img.cfg_scale=5,7")
	id := strings.TrimSpace(out)
	other, _ := step(ExitOK, "learn", "add", "--pack", "fox", "--seeds", "1", "--vary", "txt2img.steps=10,12")
	other = strings.TrimSpace(other)
	require.NotEqual(t, id, other)
	step(ExitFailed, "queue", "run", "--demo")

	var rep queue.ExperimentReport
	out, _ = step(ExitOK, "learn", "report", "--json", id)
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	require.Len(t, rep.Cells, 4)
	assert.Nil(t, rep.Best, "nothing rated yet")
	var good, otherJob string
	for _, c := range rep.Cells {
		require.Len(t, c.Details, 2)
		if c.Values["txt2img.model"] == "missing-model.safetensors" {
			assert.Equal(t, 2, c.Failed, "%+v", c)
			assert.Equal(t, 0, c.Images)
			continue
		}
		assert.Equal(t, 2, c.Images, "%+v", c)
	}
	good = rep.Cells[0].Details[0].JobID
	text, _ := step(ExitOK, "learn", "report", id)
	assert.Contains(t, text, "failed: job ")
	assert.Contains(t, text, "Nothing rated yet")

	var oth queue.ExperimentReport
	out, _ = step(ExitOK, "learn", "report", other, "--json")
	require.NoError(t, json.Unmarshal([]byte(out), &oth))
	otherJob = oth.Cells[0].Details[0].JobID

	// Bad ratings exit 2 and change nothing.
	_, errOut := step(ExitUsage, "learn", "rate", id, "--job", good, "--stars", "6")
	assert.Contains(t, errOut, "--stars must be from 1 to 5")
	_, errOut = step(ExitUsage, "learn", "rate", id, "--job", otherJob, "--stars", "3")
	assert.Contains(t, errOut, "is not a job of experiment "+id)
	_, errOut = step(ExitUsage, "learn", "rate", id, "--job", rep.Cells[1].Details[0].JobID, "--stars", "3")
	assert.Contains(t, errOut, "is failed")
	_, errOut = step(ExitUsage, "learn", "rate", "xnope", "--job", good, "--stars", "3")
	assert.Contains(t, errOut, "experiment not found")

	// cfg 5 (cell 0): 2 and 4; cfg 7 (cell 2): 5 on one image only.
	step(ExitOK, "learn", "rate", id, "--job", rep.Cells[0].Details[0].JobID, "--stars", "2")
	step(ExitOK, "learn", "rate", id, "--job", rep.Cells[0].Details[1].JobID[:8], "--stars", "4", "--note", "sharper")
	out, _ = step(ExitOK, "learn", "rate", id, "--job", rep.Cells[2].Details[1].JobID, "--stars", "5")
	assert.Contains(t, out, "5 of 5")

	out, _ = step(ExitOK, "learn", "report", id, "--json")
	var raw map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &raw))
	best := raw["best"].(map[string]any)
	assert.Equal(t, map[string]any{"txt2img.model": "sd_xl_base_1.0.safetensors", "txt2img.cfg_scale": "7"}, best["values"])
	assert.InDelta(t, 5.0, best["mean_stars"], 0)
	cells := raw["cells"].([]any)
	c0 := cells[0].(map[string]any)
	assert.Equal(t, map[string]any{"txt2img.model": "sd_xl_base_1.0.safetensors", "txt2img.cfg_scale": "5"}, c0["values"])
	assert.InDelta(t, 3.0, c0["mean_stars"], 0)
	assert.InDelta(t, 2.0, c0["rated"], 0)
	assert.InDelta(t, 2.0, c0["images"], 0)
	c2 := cells[2].(map[string]any)
	assert.InDelta(t, 1.0, c2["rated"], 0, "only rated images count")
	assert.InDelta(t, 2.0, c2["images"], 0)
	text, _ = step(ExitOK, "learn", "report", id)
	assert.Contains(t, text, "Best: txt2img.model=sd_xl_base_1.0.safetensors txt2img.cfg_scale=7, 5.00 stars over 1 rated images")

	out, _ = step(ExitOK, "learn", "report", id, "--csv")
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 9, out)
	assert.Equal(t, []string{"experiment_id", "job_id", "txt2img.model", "txt2img.cfg_scale", "seed", "status", "images", "stars", "note", "error", "outputs"}, rows[0])
	assert.Equal(t, []string{id, rep.Cells[0].Details[1].JobID, "sd_xl_base_1.0.safetensors", "5"}, rows[2][:4])
	assert.Equal(t, []string{"completed", "1", "4", "sharper", ""}, rows[2][5:10])
	assert.FileExists(t, rows[2][10], "the image's path")
	assert.Equal(t, "failed", rows[3][5])
	assert.NotEmpty(t, rows[3][9], "a failed job's error")
	step(ExitUsage, "learn", "report", id, "--csv", "--json")

	var list []map[string]any
	out, _ = step(ExitOK, "learn", "list", "--json")
	require.NoError(t, json.Unmarshal([]byte(out), &list))
	require.Len(t, list, 2)
	ids := []any{list[0]["id"], list[1]["id"]}
	assert.ElementsMatch(t, []any{id, other}, ids)
	for _, e := range list {
		if e["id"] == id {
			assert.InDelta(t, 8.0, e["jobs"], 0)
			assert.InDelta(t, 4.0, e["failed"], 0)
			assert.InDelta(t, 3.0, e["rated"], 0)
			assert.Equal(t, "fox", e["pack"])
		}
	}
	out, _ = step(ExitOK, "learn", "list")
	assert.Contains(t, out, "txt2img.model (2) × txt2img.cfg_scale (2)")
}
