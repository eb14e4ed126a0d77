package e2e

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stablenew/controller"
	"stablenew/pipeline"
	"stablenew/pipeline/queue"
	"stablenew/pipeline/resources"
	"stablenew/pipeline/runner"
	"stablenew/pipeline/webui"
	"stablenew/pipeline/webui/webuitest"
)

// newRunner makes a runner over a fake WebUI started with opts.
func newRunner(t *testing.T, opts webuitest.Options) (*webuitest.Server, *runner.Runner) {
	t.Helper()
	srv := webuitest.New(opts)
	t.Cleanup(srv.Close)
	log := slog.New(slog.DiscardHandler)
	c, err := webui.New(srv.URL(), webui.WithLogger(log))
	require.NoError(t, err)
	return srv, runner.New(c, runner.Options{Logger: log, ProgressInterval: 10 * time.Millisecond, NoPreviews: true})
}

// The shipped sample packs name their checkpoints plainly; a new user's
// WebUI keeps them in subfolders (one never hashed). Every job of every
// sample pack completes, each request carrying the WebUI's own title, and
// the preflight shows each mapping before any GPU time is spent.
func TestSamplePacksCompleteOnAWebUIWithModelsInSubfolders(t *testing.T) {
	s := newStack(t)
	srv, exec := newRunner(t, webuitest.Options{Seed: 3, Checkpoints: webuitest.SubfolderCheckpoints})
	// Small images keep the test fast; everything else is the samples' own.
	small, err := pipeline.ParsePatch([]byte("txt2img: {width: 64, height: 64}\n"), "test settings")
	require.NoError(t, err)
	plan, err := s.pc.Plan(context.Background(), controller.RunRequest{
		Packs: []string{"sdxl_portraits", "landscapes_matrix", "anime_wildcards"}, Source: pipeline.SourceAddToQueue,
		Settings: small,
	})
	require.NoError(t, err)
	require.NotEmpty(t, plan.Jobs)

	lists, err := exec.Resources().Refresh(context.Background())
	require.NoError(t, err)
	rep := resources.Check(plan.Jobs, []resources.Target{{WebUI: srv.URL(), View: exec.Resources().View()}})
	require.NotNil(t, lists)
	assert.Zero(t, rep.Errors(), "preflight errors:\n%s", strings.Join(rep.Lines(), "\n"))
	assert.Equal(t, len(plan.Jobs), rep.Runnable[srv.URL()])
	var mapped []string
	for _, m := range rep.Mappings {
		mapped = append(mapped, m.Name+" → "+m.Used)
	}
	assert.Contains(t, mapped, "sd_xl_base_1.0.safetensors [31e35c80fc] → SDXL/sd_xl_base_1.0.safetensors [31e35c80fc]")
	assert.Contains(t, mapped, "animagine-xl-3.1.safetensors [e3c47aedb0] → Anime/animagine-xl-3.1.safetensors")

	require.NoError(t, s.q.Submit(plan.Jobs, false))
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	sum, err := s.q.RunUntilEmpty(ctx, exec)
	require.NoError(t, err)
	assert.Equal(t, len(plan.Jobs), sum.Completed, "summary %+v", sum)
	hist, err := s.q.History(queue.HistoryFilter{Limit: 10000, Status: queue.StatusFailed})
	require.NoError(t, err)
	for _, h := range hist {
		t.Errorf("job %s failed: %s", h.JobID, h.Error)
	}
	for _, o := range srv.Requests("/sdapi/v1/options") {
		if m, ok := o["sd_model_checkpoint"].(string); ok {
			assert.Contains(t, []string{"SDXL/sd_xl_base_1.0.safetensors [31e35c80fc]", "Anime/animagine-xl-3.1.safetensors"}, m)
		}
	}
	for _, r := range srv.Requests("/sdapi/v1/txt2img") {
		if ref, ok := r["refiner_checkpoint"].(string); ok {
			assert.Equal(t, "SDXL/sd_xl_refiner_1.0.safetensors [7440042bbd]", ref)
		}
	}
}

// Two WebUIs with different checkpoints share one queue: every job runs on
// a WebUI that has its model, none is sent where it cannot run, and a job
// no WebUI can run fails at once, naming both and what they lack.
func TestTwoWebUIsWithDifferentModelsRunEveryJobWhereItCan(t *testing.T) {
	s := newStack(t)
	srvA, a := newRunner(t, webuitest.Options{Seed: 1, Checkpoints: []string{"SDXL/sd_xl_base_1.0.safetensors [31e35c80fc]"}})
	srvB, b := newRunner(t, webuitest.Options{Seed: 2, Checkpoints: []string{"Anime/animagine-xl-3.1.safetensors [e3c47aedb0]"}})
	s.writePack(t, "photo", "a lighthouse\n\na harbor at night\n", sidecar(3, ""))
	s.writePack(t, "anime", "1girl, solo\n\n1boy, solo\n",
		strings.Replace(sidecar(3, ""), "sd_xl_base_1.0.safetensors [31e35c80fc]", "animagine-xl-3.1", 1))
	s.writePack(t, "ghost", "a ghost\n", strings.Replace(sidecar(1, ""), "sd_xl_base_1.0.safetensors [31e35c80fc]", "juggernautXL_v9", 1))
	plan, err := s.pc.Plan(context.Background(), controller.RunRequest{Packs: []string{"photo", "anime", "ghost"}})
	require.NoError(t, err)
	require.Len(t, plan.Jobs, 13)
	require.NoError(t, s.q.Submit(plan.Jobs, false))

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	sum, err := s.q.RunUntilEmpty(ctx, a, b)
	require.NoError(t, err)
	assert.Equal(t, 12, sum.Completed)
	assert.Equal(t, 1, sum.Failed)

	hist, err := s.q.History(queue.HistoryFilter{Limit: 100})
	require.NoError(t, err)
	for _, h := range hist {
		switch h.PackID {
		case "photo":
			assert.Equal(t, queue.StatusCompleted, h.Status, h.Error)
			assert.Equal(t, srvA.URL(), h.Backend)
		case "anime":
			assert.Equal(t, queue.StatusCompleted, h.Status, h.Error)
			assert.Equal(t, srvB.URL(), h.Backend)
		case "ghost":
			assert.Equal(t, queue.StatusFailed, h.Status)
			for _, want := range []string{"no WebUI can run this job", srvA.URL() + ` has no checkpoint "juggernautXL_v9"`,
				srvB.URL() + ` has no checkpoint "juggernautXL_v9"`} {
				assert.Contains(t, h.Error, want)
			}
		}
	}
	// Neither WebUI was ever asked for a model it lacks, and the ghost job
	// cost no request at all.
	assert.Len(t, srvA.Requests("/sdapi/v1/txt2img"), 6)
	assert.Len(t, srvB.Requests("/sdapi/v1/txt2img"), 6)
	for _, srv := range []*webuitest.Server{srvA, srvB} {
		for _, r := range srv.Requests("/sdapi/v1/txt2img") {
			assert.NotContains(t, r["prompt"], "ghost")
		}
	}
}

// Demo mode runs the shipped samples as a WebUI that has everything they
// name would: the preflight has nothing to say.
func TestDemoWebUIHasEverythingTheSamplesName(t *testing.T) {
	s := newStack(t)
	srv, exec := newRunner(t, webuitest.DemoOptions())
	plan, err := s.pc.Plan(context.Background(), controller.RunRequest{
		Packs: []string{"sdxl_portraits", "landscapes_matrix", "anime_wildcards"}})
	require.NoError(t, err)
	_, err = exec.Resources().Refresh(context.Background())
	require.NoError(t, err)
	rep := resources.Check(plan.Jobs, []resources.Target{{WebUI: srv.URL(), View: exec.Resources().View()}})
	assert.True(t, rep.Clean(), "preflight of the samples on the demo WebUI:\n%s", strings.Join(rep.Lines(), "\n"))
}
