package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stablenew/controller"
	"stablenew/pipeline"
	"stablenew/pipeline/infotext"
	"stablenew/pipeline/output"
	"stablenew/pipeline/packs"
	"stablenew/pipeline/queue"
	"stablenew/pipeline/runner"
	"stablenew/pipeline/webui"
	"stablenew/pipeline/webui/webuitest"
)

// stack is the job path from a pack to files on disk, with real parts.
type stack struct {
	srv  *webuitest.Server
	lib  *packs.Library
	pc   *controller.PipelineController
	q    *queue.Service
	exec *runner.Runner
	dir  string
}

func newStack(t *testing.T) *stack {
	t.Helper()
	dir := t.TempDir()
	srv := webuitest.New(webuitest.Options{Seed: 11})
	t.Cleanup(srv.Close)
	lib, err := packs.Open(dir)
	require.NoError(t, err)
	log := slog.New(slog.DiscardHandler)
	q, err := queue.Open(queue.DefaultPath(dir), queue.Options{Logger: log})
	require.NoError(t, err)
	t.Cleanup(func() { q.Close() })
	c, err := webui.New(srv.URL(), webui.WithLogger(log))
	require.NoError(t, err)
	return &stack{srv: srv, lib: lib, pc: controller.NewPipelineController(lib), q: q,
		exec: runner.New(c, runner.Options{Logger: log, ProgressInterval: 10 * time.Millisecond}), dir: dir}
}

// writePack writes a pack and its sidecar into the data folder.
func (s *stack) writePack(t *testing.T, name, text, sidecar string) {
	t.Helper()
	require.NoError(t, os.WriteFile(filepath.Join(s.lib.PacksDir(), name+".txt"), []byte(text), 0o644))
	if sidecar != "" {
		require.NoError(t, os.WriteFile(filepath.Join(s.lib.PacksDir(), name+".yaml"), []byte(sidecar), 0o644))
	}
}

// runAll runs the queue to the end and returns the history by job id.
func (s *stack) runAll(t *testing.T) map[string]queue.HistoryItem {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	_, err := s.q.RunUntilEmpty(ctx, s.exec)
	require.NoError(t, err)
	hist, err := s.q.History(queue.HistoryFilter{Limit: 10000})
	require.NoError(t, err)
	out := map[string]queue.HistoryItem{}
	for _, h := range hist {
		out[h.JobID] = h
	}
	return out
}

// sidecar is a small, fast configuration with batch size 2; extra adds
// sections (ADetailer is off unless extra turns it on).
func sidecar(batchRuns int, extra string) string {
	s := "txt2img: {model: \"sd_xl_base_1.0.safetensors [31e35c80fc]\", width: 64, height: 64, steps: 6, seed: 500}\n" +
		fmt.Sprintf("batch: {batch_size: 2, batch_runs: %d, seed_mode: increment}\n", batchRuns) + extra
	if !strings.Contains(extra, "adetailer:") {
		s += "adetailer: {enabled: false}\n"
	}
	return s
}

// TestPreviewEqualsQueueEqualsExecutor plans a pack, stores the plan's
// JobSpecs, runs them, and checks that the store holds exactly the planned
// specs and that the WebUI received exactly what they say.
func TestPreviewEqualsQueueEqualsExecutor(t *testing.T) {
	s := newStack(t)
	s.writePack(t, "harbor", "a lighthouse at dusk\nneg: blurry\n\na fishing boat in fog\n", sidecar(2, ""))
	plan, err := s.pc.Plan(context.Background(), controller.RunRequest{Packs: []string{"harbor"}, Source: pipeline.SourceAddToQueue})
	require.NoError(t, err)
	require.Len(t, plan.Jobs, 4)
	require.NoError(t, s.q.Submit(plan.Jobs, false))

	for _, want := range plan.Jobs {
		rec, err := s.q.Get(want.JobID)
		require.NoError(t, err)
		a, _ := json.Marshal(want)
		b, _ := json.Marshal(rec.JobSpec)
		assert.JSONEq(t, string(a), string(b), "the queue stores the previewed JobSpec unchanged")
	}
	hist := s.runAll(t)
	reqs := s.srv.Requests("/sdapi/v1/txt2img")
	require.Len(t, reqs, 4)
	for i, job := range plan.Jobs {
		h := hist[job.JobID]
		require.Equal(t, queue.StatusCompleted, h.Status, h.Error)
		require.Len(t, h.Outputs, 2)
		body := reqs[i]
		assert.Equal(t, job.Config.Prompt.Positive, body["prompt"])
		assert.Equal(t, job.Config.Prompt.Negative, body["negative_prompt"])
		assert.EqualValues(t, job.Seed, body["seed"])
		assert.EqualValues(t, 2, body["batch_size"])
		for k, p := range h.Outputs {
			md, err := infotext.ReadFile(p)
			require.NoError(t, err)
			require.NotNil(t, md.StableNew)
			assert.Equal(t, job.JobID, md.StableNew.JobID)
			assert.Equal(t, job.Seed+int64(k), md.StableNew.SeedActual)
			seed, ok := md.Params.Seed()
			require.True(t, ok)
			assert.Equal(t, job.Seed+int64(k), seed, "the infotext the WebUI wrote carries the same seed")
			// Round trip: the image's parameters load back to the job's values.
			back := infotext.ToConfig(md.Params, pipeline.Defaults(), infotext.Options{}).Config
			assert.Equal(t, job.Config.Prompt.Positive, back.Prompt.Positive)
			assert.Equal(t, job.Config.Prompt.Negative, back.Prompt.Negative)
			assert.Equal(t, job.Config.Txt2Img.Steps, back.Txt2Img.Steps)
			assert.Equal(t, job.Config.Txt2Img.CFGScale, back.Txt2Img.CFGScale)
			assert.Equal(t, job.Config.Txt2Img.Sampler, back.Txt2Img.Sampler)
			assert.Equal(t, [2]int{job.Config.Txt2Img.Width, job.Config.Txt2Img.Height}, [2]int{back.Txt2Img.Width, back.Txt2Img.Height})
			assert.Equal(t, job.Config.Txt2Img.ClipSkip, back.Txt2Img.ClipSkip)
		}
	}
	// increment: job k gets 500 + 2k; no two images share a seed.
	assert.Equal(t, []int64{500, 502, 504, 506}, []int64{plan.Jobs[0].Seed, plan.Jobs[1].Seed, plan.Jobs[2].Seed, plan.Jobs[3].Seed})
}

// TestEveryStageCombinationWritesItsImages runs the full path for each
// stage combination the runner supports.
func TestEveryStageCombinationWritesItsImages(t *testing.T) {
	for _, tc := range []struct {
		name    string
		sidecar string
		stages  []pipeline.StageType
		size    [2]int
	}{
		{"txt2img", "", []pipeline.StageType{pipeline.StageTxt2Img}, [2]int{64, 64}},
		{"hires and refiner", "hires: {enabled: true, scale: 2, denoise: 0.4}\nrefiner: {enabled: true, checkpoint: \"sd_xl_refiner_1.0.safetensors [7440042bbd]\", switch_at: 0.7}\n",
			[]pipeline.StageType{pipeline.StageTxt2Img}, [2]int{128, 128}},
		{"img2img", "img2img: {enabled: true, denoise: 0.5}\n", []pipeline.StageType{pipeline.StageTxt2Img, pipeline.StageImg2Img}, [2]int{64, 64}},
		{"adetailer", "adetailer: {enabled: true}\n", []pipeline.StageType{pipeline.StageTxt2Img}, [2]int{64, 64}},
		{"upscale", "upscale: {enabled: true, factor: 2}\n", []pipeline.StageType{pipeline.StageTxt2Img, pipeline.StageUpscale}, [2]int{128, 128}},
		{"everything", "hires: {enabled: true, scale: 1.5}\nimg2img: {enabled: true}\nadetailer: {enabled: true}\nupscale: {enabled: true, factor: 2}\n",
			[]pipeline.StageType{pipeline.StageTxt2Img, pipeline.StageImg2Img, pipeline.StageUpscale}, [2]int{192, 192}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newStack(t)
			s.writePack(t, "p", "a red fox in snow\n", sidecar(2, tc.sidecar))
			plan, err := s.pc.Plan(context.Background(), controller.RunRequest{Packs: []string{"p"}})
			require.NoError(t, err)
			require.NoError(t, s.q.Submit(plan.Jobs[:1], false))
			h := s.runAll(t)[plan.Jobs[0].JobID]
			require.Equal(t, queue.StatusCompleted, h.Status, h.Error)
			require.NotNil(t, h.Result)
			var got []pipeline.StageType
			for _, st := range h.Result.Stages {
				got = append(got, st.Stage)
				assert.Len(t, st.Outputs, 2, "stage %s saves both images of the batch", st.Stage)
			}
			assert.Equal(t, tc.stages, got)
			data, err := os.ReadFile(h.Outputs[0])
			require.NoError(t, err)
			w, hgt := pngSize(t, data)
			assert.Equal(t, tc.size, [2]int{w, hgt})
			m, err := output.ReadManifest(h.Result.ManifestPath)
			require.NoError(t, err)
			assert.Len(t, m.Stages, len(tc.stages))
		})
	}
}

func pngSize(t *testing.T, data []byte) (int, int) {
	t.Helper()
	require.True(t, bytes.HasPrefix(data, []byte("\x89PNG")))
	// IHDR width and height are big-endian at offsets 16 and 20.
	w := int(data[16])<<24 | int(data[17])<<16 | int(data[18])<<8 | int(data[19])
	h := int(data[20])<<24 | int(data[21])<<16 | int(data[22])<<8 | int(data[23])
	return w, h
}

// TestFailingWebUIFailsJobsWithItsMessageAndTheQueueGoesOn injects an
// out-of-memory error: that job fails with the WebUI's text, the next runs.
func TestFailingWebUIFailsJobsWithItsMessageAndTheQueueGoesOn(t *testing.T) {
	s := newStack(t)
	s.writePack(t, "p", "one\n\ntwo\n", sidecar(1, ""))
	plan, err := s.pc.Plan(context.Background(), controller.RunRequest{Packs: []string{"p"}})
	require.NoError(t, err)
	require.Len(t, plan.Jobs, 2)
	s.srv.InjectFault("/sdapi/v1/txt2img", webuitest.Fault{Kind: webuitest.FaultOutOfMemory, Count: 1})
	require.NoError(t, s.q.Submit(plan.Jobs, false))
	hist := s.runAll(t)
	first, second := hist[plan.Jobs[0].JobID], hist[plan.Jobs[1].JobID]
	assert.Equal(t, queue.StatusFailed, first.Status)
	assert.Contains(t, first.Error, "CUDA out of memory")
	assert.Equal(t, queue.StatusCompleted, second.Status, second.Error)
}

// TestWebUIOutageRetriesInsteadOfFailing takes the WebUI down for a moment
// while jobs are queued: they wait and complete once it is back.
func TestWebUIOutageRetriesInsteadOfFailing(t *testing.T) {
	s := newStack(t)
	s.writePack(t, "p", "one\n", sidecar(1, ""))
	plan, err := s.pc.Plan(context.Background(), controller.RunRequest{Packs: []string{"p"}})
	require.NoError(t, err)
	s.srv.DownFor(700 * time.Millisecond)
	require.NoError(t, s.q.Submit(plan.Jobs, false))
	hist := s.runAll(t)
	h := hist[plan.Jobs[0].JobID]
	assert.Equal(t, queue.StatusCompleted, h.Status, h.Error)
}

// TestReprocessExistingImages runs more stages on images a job made: each
// becomes an ordinary JobSpec with the image as its input, run through the
// queue; a file that is not an image is skipped with its reason.
func TestReprocessExistingImages(t *testing.T) {
	s := newStack(t)
	s.writePack(t, "p", "a red fox in snow\n", sidecar(1, ""))
	plan, err := s.pc.Plan(context.Background(), controller.RunRequest{Packs: []string{"p"}})
	require.NoError(t, err)
	require.NoError(t, s.q.Submit(plan.Jobs, false))
	first := s.runAll(t)[plan.Jobs[0].JobID]
	require.Len(t, first.Outputs, 2)

	notImage := filepath.Join(t.TempDir(), "notes.txt")
	require.NoError(t, os.WriteFile(notImage, []byte("hello"), 0o644))
	cfg := *plan.Jobs[0].Config
	cfg.Upscale.Factor = 2
	rp, err := s.pc.PlanReprocess(context.Background(), controller.ReprocessRequest{
		Inputs:         []string{filepath.Dir(first.Outputs[0]), notImage},
		Stages:         []pipeline.StageType{pipeline.StageUpscale, pipeline.StageImg2Img},
		Config:         cfg,
		UseImagePrompt: true,
	})
	require.NoError(t, err)
	require.Len(t, rp.Jobs, 2, "both images of the folder")
	require.Len(t, rp.Skipped, 1)
	assert.Contains(t, rp.Skipped[0].Error(), "notes.txt")
	for _, j := range rp.Jobs {
		assert.Equal(t, pipeline.SourceReprocess, j.Source)
		assert.False(t, j.Config.Txt2Img.Enabled)
		assert.Equal(t, "a red fox in snow", j.Config.Prompt.Positive, "the image's own prompt")
		assert.GreaterOrEqual(t, j.Seed, int64(500), "the image's own seed")
	}
	require.NoError(t, s.q.Submit(rp.Jobs, false))
	hist := s.runAll(t)
	for _, j := range rp.Jobs {
		h := hist[j.JobID]
		require.Equal(t, queue.StatusCompleted, h.Status, h.Error)
		require.NotNil(t, h.Result)
		var stages []pipeline.StageType
		for _, st := range h.Result.Stages {
			stages = append(stages, st.Stage)
		}
		assert.Equal(t, []pipeline.StageType{pipeline.StageImg2Img, pipeline.StageUpscale}, stages)
		data, err := os.ReadFile(h.Outputs[0])
		require.NoError(t, err)
		w, hgt := pngSize(t, data)
		assert.Equal(t, [2]int{128, 128}, [2]int{w, hgt})
	}
	reqs := s.srv.Requests("/sdapi/v1/img2img")
	require.Len(t, reqs, 2)
	assert.Equal(t, "a red fox in snow", reqs[0]["prompt"])
}
