package app

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stablenew/controller"
	"stablenew/pipeline"
	"stablenew/pipeline/queue"
	"stablenew/pipeline/webui/webuitest"
)

// learningRequest is a request that renders small images fast.
func learningRequest(t *testing.T) controller.RunRequest {
	t.Helper()
	p, err := pipeline.ParsePatch([]byte("txt2img:\n  width: 64\n  height: 64\n  steps: 4\nadetailer:\n  enabled: false\n"), "test settings")
	require.NoError(t, err)
	return controller.RunRequest{RunMode: pipeline.RunModeQueue, Source: pipeline.SourceAddToQueue, Settings: p}
}

// watchUntil waits for a view of the WatchExperiment stream that ok
// accepts.
func watchUntil(t *testing.T, views <-chan *ExperimentView, ok func(*ExperimentView) bool) *ExperimentView {
	t.Helper()
	deadline := time.After(60 * time.Second)
	for {
		select {
		case v := <-views:
			if ok(v) {
				return v
			}
		case <-deadline:
			t.Fatal("the experiment's view did not reach the state in time")
		}
	}
}

// The app-level Learning API from plan to grid: an experiment of 2 models
// (one the WebUI lacks, so its jobs fail) × 2 CFG values × 2 seeds runs on
// the fake WebUI while WatchExperiment reports it; ratings pick the best
// cell; the grid PNG's chunk plans the same jobs again; the export holds
// the ratings and image paths; a job outside any experiment can be rated.
func TestLearningAPI(t *testing.T) {
	srv := fakeWebUI(t, webuitest.Options{Seed: 1})
	s := startServices(t, "", srv.URL())
	require.NoError(t, os.MkdirAll(filepath.Join(s.DataDir, "packs"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(s.DataDir, "packs", "fox.txt"), []byte("a red fox in snow\n"), 0o644))

	exp := controller.Experiment{ID: controller.NewExperimentID(), Pack: "fox", Seeds: 2, Sweeps: []controller.Sweep{
		{Field: "txt2img.model", Values: []string{webuitest.DefaultCheckpoints[0], "missing-model.safetensors"}},
		{Field: "txt2img.cfg_scale", Values: []string{"5", "7"}},
	}}
	plan, err := s.PlanExperiment(context.Background(), learningRequest(t), exp)
	require.NoError(t, err)
	require.Len(t, plan.Jobs, 8)
	require.NotNil(t, plan.Experiment)
	require.NotNil(t, plan.Experiment.Base)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	views := make(chan *ExperimentView, 100)
	require.NoError(t, s.SubmitExperiment(exp, plan))
	s.WatchExperiment(ctx, exp.ID, func(v *ExperimentView, err error) {
		if err == nil {
			views <- v
		}
	})
	v := watchUntil(t, views, func(v *ExperimentView) bool { return v.Record.Completed+v.Record.Failed == 8 })
	assert.Equal(t, 4, v.Record.Failed)
	assert.Equal(t, []string{webuitest.DefaultCheckpoints[0], "missing-model.safetensors"}, v.XValues())
	assert.Equal(t, []string{"5", "7"}, v.YValues())
	good := v.At(0, 1) // the model it has, cfg 7
	require.NotNil(t, good)
	assert.Equal(t, "7", good.Values["txt2img.cfg_scale"])
	require.Len(t, good.Details, 2)
	assert.FileExists(t, good.Details[0].Outputs[0])
	failed := v.At(1, 0)
	assert.Equal(t, 2, failed.Failed)
	assert.Nil(t, v.At(2, 0))

	// The 4 images were cached as small copies while their jobs finished.
	thumbs := filepath.Join(s.DataDir, "cache", "thumbs")
	deadline := time.Now().Add(20 * time.Second)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		files, _ := os.ReadDir(thumbs)
		if len(files) >= 4 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d thumbnails cached, want 4", len(files))
		}
		<-tick.C
	}
	th, err := s.Thumbnail(good.Details[0].Outputs[0])
	require.NoError(t, err)
	assert.LessOrEqual(t, th.Bounds().Dx(), 160)

	// Ratings: the experiment's, then one outside it; bad ones refused.
	require.NoError(t, s.RateExperimentJob(exp.ID, good.Details[0].JobID, 5, "crisp"))
	require.NoError(t, s.RateExperimentJob(exp.ID, v.At(0, 0).Details[0].JobID, 2, ""))
	assert.ErrorIs(t, s.RateExperimentJob(exp.ID, failed.Details[0].JobID, 3, ""), queue.ErrBadRating)
	_, err = s.RateJob(failed.Details[0].JobID, 3, "")
	assert.ErrorIs(t, err, queue.ErrBadRating, "a failed job has no image to rate")
	_, err = s.RateJob(good.Details[1].JobID, 6, "")
	assert.ErrorIs(t, err, queue.ErrBadRating)
	_, err = s.RateJob("no-such-job", 3, "")
	assert.ErrorIs(t, err, queue.ErrNotFound)
	runJob(t, s, "plain-job-1")
	full, err := s.RateJob("plain-job", 4, "nice light")
	require.NoError(t, err)
	assert.Equal(t, "plain-job-1", full)
	r, err := s.JobRating("plain-job-1")
	require.NoError(t, err)
	require.NotNil(t, r)
	assert.Equal(t, 4, r.Stars)
	assert.Equal(t, "nice light", r.Note)
	hist, err := s.Queue.Get("plain-job-1")
	require.NoError(t, err)
	assert.Equal(t, 4, hist.Stars, "history records carry the rating")

	rep, err := s.ExperimentReport(exp.ID)
	require.NoError(t, err)
	require.NotNil(t, rep.Best)
	assert.Equal(t, map[string]string{"txt2img.model": webuitest.DefaultCheckpoints[0], "txt2img.cfg_scale": "7"}, rep.Best.Values)
	assert.InDelta(t, 5.0, rep.Best.MeanStars, 0)

	// Apply best: the stage cards get the winning values; a preset keeps
	// them with the run's settings.
	cards := pipeline.Defaults()
	applied, err := s.ApplyBest(exp.ID, cards)
	require.NoError(t, err)
	assert.Equal(t, webuitest.DefaultCheckpoints[0], applied.Txt2Img.Model)
	assert.InDelta(t, 7.0, applied.Txt2Img.CFGScale, 0)
	assert.Equal(t, cards.Txt2Img.Steps, applied.Txt2Img.Steps, "nothing else changes")
	require.NoError(t, s.SaveBestAsPreset(exp.ID, "fox best"))
	preset, err := s.Library.LoadPreset("fox best")
	require.NoError(t, err)
	fromPreset, err := preset.ApplyTo(pipeline.Defaults())
	require.NoError(t, err)
	assert.InDelta(t, 7.0, fromPreset.Txt2Img.CFGScale, 0)
	assert.Equal(t, 4, fromPreset.Txt2Img.Steps, "the run's settings")
	assert.Equal(t, int64(-1), fromPreset.Txt2Img.Seed)

	// The sheet: the failed cells show why; the rated image its stars.
	v, err = s.Experiment(exp.ID)
	require.NoError(t, err)
	sheet, err := v.Sheet()
	require.NoError(t, err)
	require.Len(t, sheet.Tiles, 2)
	assert.Contains(t, sheet.Tiles[0][1][0].Failed, "missing-model.safetensors")
	assert.Equal(t, 5, sheet.Tiles[1][0][0].Stars)
	assert.Equal(t, good.Details[0].Outputs[0], sheet.Tiles[1][0][0].Path)
	assert.Contains(t, strings.Join(sheet.Footer, "\n"), "steps 4")

	// The grid: a PNG whose chunk plans the same jobs again, whatever the
	// request says now.
	gridPath := filepath.Join(t.TempDir(), "grid.png")
	require.NoError(t, s.WriteGrid(exp.ID, gridPath))
	if p := os.Getenv("LEARN_GRID_OUT"); p != "" {
		_ = s.WriteGrid(exp.ID, p)
	}
	f, err := os.Open(gridPath)
	require.NoError(t, err)
	img, err := png.Decode(f)
	f.Close()
	require.NoError(t, err)
	assert.Greater(t, img.Bounds().Dx(), 2*160)
	again, err := ExperimentFromGrid(gridPath)
	require.NoError(t, err)
	assert.NotEqual(t, exp.ID, again.ID)
	other := learningRequest(t)
	other.Settings, err = pipeline.ParsePatch([]byte("txt2img:\n  width: 128\n  steps: 9\n"), "changed settings")
	require.NoError(t, err)
	replan, err := s.PlanExperiment(context.Background(), other, again)
	require.NoError(t, err)
	assertSameJobs(t, plan.Jobs, replan.Jobs)

	// The export: JSON bundle and CSV, with the ratings and image paths.
	dir := t.TempDir()
	files, err := s.ExportExperiment(exp.ID, dir)
	require.NoError(t, err)
	data, err := os.ReadFile(files.JSON)
	require.NoError(t, err)
	var b ExperimentBundle
	require.NoError(t, json.Unmarshal(data, &b))
	assert.Equal(t, ExperimentBundleSchema, b.Schema)
	assert.Equal(t, exp.ID, b.ID)
	assert.Equal(t, 2, b.Rated)
	require.Len(t, b.Cells, 4)
	assert.Equal(t, "crisp", b.Cells[2].Details[0].Note)
	assert.Equal(t, good.Details[0].Outputs, b.Cells[2].Details[0].Outputs)
	assert.Equal(t, exp.Sweeps, b.Experiment.Sweeps)
	cf, err := os.Open(files.CSV)
	require.NoError(t, err)
	rows, err := csv.NewReader(cf).ReadAll()
	cf.Close()
	require.NoError(t, err)
	assert.Len(t, rows, 9)

	// An unknown experiment.
	_, err = s.Experiment("xnope")
	assert.True(t, errors.Is(err, queue.ErrNoExperiment), "%v", err)
	assert.ErrorIs(t, s.WriteGrid("xnope", gridPath), queue.ErrNoExperiment)
}

// assertSameJobs checks that two plans made the same jobs, ids, times and
// experiment ids aside.
func assertSameJobs(t *testing.T, a, b []pipeline.JobSpec) {
	t.Helper()
	require.Len(t, b, len(a))
	norm := func(j pipeline.JobSpec) string {
		j.JobID, j.LearningContextID, j.CreatedAt = "", "", time.Time{}
		out, err := json.Marshal(j)
		require.NoError(t, err)
		return string(out)
	}
	for i := range a {
		assert.JSONEq(t, norm(a[i]), norm(b[i]), "job %d", i+1)
	}
}
