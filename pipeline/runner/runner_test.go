package runner

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	goimage "image"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stablenew/pipeline"
	"stablenew/pipeline/output"
	"stablenew/pipeline/webui"
	"stablenew/pipeline/webui/webuitest"
)

const (
	sdxl    = "sd_xl_base_1.0.safetensors [31e35c80fc]"
	refiner = "sd_xl_refiner_1.0.safetensors [7440042bbd]"
	sd15    = "v1-5-pruned-emaonly.safetensors [6ce0161689]"
)

// newFake starts a fake WebUI and a runner against it over real HTTP.
func newFake(t *testing.T, opts webuitest.Options) (*webuitest.Server, *Runner) {
	t.Helper()
	srv := webuitest.New(opts)
	t.Cleanup(srv.Close)
	c, err := webui.New(srv.URL(), webui.WithRetry(webui.RetryPolicy{Attempts: 1}))
	require.NoError(t, err)
	return srv, New(c, Options{ProgressInterval: 20 * time.Millisecond, Logger: slog.New(slog.DiscardHandler)})
}

// newJob returns a txt2img-only job writing under a temp folder; change
// configures it.
func newJob(t *testing.T, change func(c *pipeline.PipelineConfig)) *pipeline.JobSpec {
	t.Helper()
	c := pipeline.Defaults()
	c.Txt2Img.Model = sdxl
	c.Txt2Img.Width, c.Txt2Img.Height = 64, 64
	c.Txt2Img.Steps = 4
	c.ADetailer.Enabled = false
	c.Prompt.Positive = "a lighthouse at dusk"
	c.Prompt.Negative = "blurry"
	if change != nil {
		change(&c)
	}
	return &pipeline.JobSpec{
		JobID: "job-1", PackID: "harbor", PromptIndex: 2, Config: &c, VariantTotal: 1, BatchTotal: 1,
		OutputDir: t.TempDir(), FilenameTemplate: c.Output.FilenameTemplate, Seed: 1234,
		SeedMode: pipeline.SeedFixed, CreatedAt: time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC),
	}
}

func imageSize(t *testing.T, path string) (int, int) {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	cfg, _, err := goimage.DecodeConfig(bytes.NewReader(data))
	require.NoError(t, err)
	return cfg.Width, cfg.Height
}

func pngText(t *testing.T, path string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	m, err := output.ReadPNGText(bytes.NewReader(data))
	require.NoError(t, err)
	return m
}

func TestTxt2ImgOnlyWritesImagesWithMetadataAndManifest(t *testing.T) {
	srv, r := newFake(t, webuitest.Options{})
	job := newJob(t, func(c *pipeline.PipelineConfig) { c.Batch.BatchSize = 2 })
	res, err := r.Run(context.Background(), job, nil)
	require.NoError(t, err)

	require.Len(t, res.Outputs, 2)
	assert.Equal(t, []int64{1234, 1235}, res.ActualSeeds)
	for i, p := range res.Outputs {
		assert.True(t, filepath.IsAbs(p))
		assert.Equal(t, job.OutputDir, filepath.Dir(p))
		text := pngText(t, p)
		assert.Contains(t, text["parameters"], "a lighthouse at dusk", "the WebUI's infotext is kept")
		chunk, err := output.ParseStableNewChunk(text["stablenew"])
		require.NoError(t, err)
		assert.Equal(t, "job-1", chunk.JobID)
		assert.Equal(t, "txt2img", chunk.Stage)
		assert.Equal(t, int64(1234), chunk.SeedRequested)
		assert.Equal(t, res.ActualSeeds[i], chunk.SeedActual)
		assert.Equal(t, job.ConfigHash(), chunk.ConfigHash)
		assert.Equal(t, fmt.Sprintf("txt2img_p2_v0_b0_%d_%d.png", i, res.ActualSeeds[i]), filepath.Base(p),
			"{index} and {seed} are the image's own")
	}
	reqs := srv.Requests("/sdapi/v1/txt2img")
	require.Len(t, reqs, 1)
	body := reqs[0]
	for _, k := range []string{"steps", "sampler_name", "scheduler", "cfg_scale", "width", "height", "seed", "batch_size", "n_iter"} {
		assert.Contains(t, body, k)
	}
	assert.EqualValues(t, 2, body["batch_size"])
	assert.NotContains(t, body, "alwayson_scripts")
	assert.Equal(t, map[string]any{"CLIP_stop_at_last_layers": float64(2)}, body["override_settings"])

	m, err := output.ReadManifest(res.ManifestPath)
	require.NoError(t, err)
	assert.Equal(t, "job-1", m.JobID)
	require.Len(t, m.Stages, 1)
	assert.Len(t, m.Stages[0].Outputs, 2)
	assert.Equal(t, "v1.10.1", m.WebUIVersion)
}

func TestHiresAndRefinerRideInTxt2Img(t *testing.T) {
	srv, r := newFake(t, webuitest.Options{})
	job := newJob(t, func(c *pipeline.PipelineConfig) {
		c.Hires = pipeline.HiresConfig{Enabled: true, Upscaler: "Latent", Scale: 2, Denoise: 0.35, Steps: 3}
		c.Refiner = pipeline.RefinerConfig{Enabled: true, Checkpoint: refiner, SwitchAt: 0.8}
	})
	res, err := r.Run(context.Background(), job, nil)
	require.NoError(t, err)
	require.Len(t, res.Outputs, 1)
	w, h := imageSize(t, res.Outputs[0])
	assert.Equal(t, [2]int{128, 128}, [2]int{w, h}, "the hires pass doubles the size")
	body := srv.Requests("/sdapi/v1/txt2img")[0]
	assert.Equal(t, true, body["enable_hr"])
	assert.Equal(t, 0.35, body["denoising_strength"])
	assert.Equal(t, refiner, body["refiner_checkpoint"], "the WebUI's exact title")
	assert.Equal(t, 0.8, body["refiner_switch_at"])
	assert.NotContains(t, body, "refiner_model_name")
}

func TestEveryStageAndBatchImageIsSaved(t *testing.T) {
	srv, r := newFake(t, webuitest.Options{})
	job := newJob(t, func(c *pipeline.PipelineConfig) {
		c.Batch.BatchSize = 4
		c.Img2Img.Enabled = true
		c.ADetailer.Enabled = true
		c.Upscale.Enabled = true
		c.Upscale.Factor = 2
	})
	var mu sync.Mutex
	var stages []pipeline.StageType
	res, err := r.Run(context.Background(), job, func(p Progress) {
		mu.Lock()
		defer mu.Unlock()
		if len(stages) == 0 || stages[len(stages)-1] != p.Stage {
			stages = append(stages, p.Stage)
		}
	})
	require.NoError(t, err)
	require.Len(t, res.Stages, 3)
	for _, s := range res.Stages {
		assert.Len(t, s.Outputs, 4, "stage %s saves all 4 images", s.Stage)
		for _, p := range s.Outputs {
			assert.FileExists(t, p)
		}
	}
	assert.Equal(t, []pipeline.StageType{pipeline.StageTxt2Img, pipeline.StageImg2Img, pipeline.StageUpscale}, stages)
	assert.Equal(t, 1, srv.RequestCount("/sdapi/v1/txt2img"))
	assert.Equal(t, 4, srv.RequestCount("/sdapi/v1/img2img"))
	assert.Equal(t, 4, srv.RequestCount("/sdapi/v1/extra-single-image"))
	assert.NotContains(t, srv.Requests("/sdapi/v1/txt2img")[0], "alwayson_scripts", "ADetailer rides in the last generation request")
	img2img := srv.Requests("/sdapi/v1/img2img")[0]
	args := img2img["alwayson_scripts"].(map[string]any)["ADetailer"].(map[string]any)["args"].([]any)
	require.GreaterOrEqual(t, len(args), 3)
	assert.Equal(t, true, args[0])
	assert.Equal(t, false, args[1])
	assert.Equal(t, "face_yolov8n.pt", args[2].(map[string]any)["ad_model"])
	// img2img continues each image with its own seed.
	seeds := map[float64]bool{}
	for _, req := range srv.Requests("/sdapi/v1/img2img") {
		seeds[req["seed"].(float64)] = true
	}
	assert.Len(t, seeds, 4)
	w, h := imageSize(t, res.Outputs[0])
	assert.Equal(t, [2]int{128, 128}, [2]int{w, h})
}

func TestADetailerInTxt2ImgWhenNoImg2Img(t *testing.T) {
	srv, r := newFake(t, webuitest.Options{})
	job := newJob(t, func(c *pipeline.PipelineConfig) {
		c.ADetailer.Enabled = true
		c.ADetailer.Units = append(c.ADetailer.Units, pipeline.DefaultADetailerUnit())
		c.ADetailer.Units[1].Model = "hand_yolov8n.pt"
	})
	_, err := r.Run(context.Background(), job, nil)
	require.NoError(t, err)
	args := srv.Requests("/sdapi/v1/txt2img")[0]["alwayson_scripts"].(map[string]any)["ADetailer"].(map[string]any)["args"].([]any)
	require.Len(t, args, 4)
	assert.Equal(t, "hand_yolov8n.pt", args[3].(map[string]any)["ad_model"])
}

func TestImg2ImgFromInputImageAndADetailerOnlyPass(t *testing.T) {
	_, r0 := newFake(t, webuitest.Options{})
	first, err := r0.Run(context.Background(), newJob(t, nil), nil)
	require.NoError(t, err)
	input := first.Outputs[0]

	srv, r := newFake(t, webuitest.Options{})
	job := newJob(t, func(c *pipeline.PipelineConfig) {
		c.Txt2Img.Enabled = false
		c.Img2Img.InputImage = input
		c.ADetailer.Enabled = true
	})
	res, err := r.Run(context.Background(), job, nil)
	require.NoError(t, err)
	require.Len(t, res.Stages, 1)
	assert.Equal(t, pipeline.StageADetailer, res.Stages[0].Stage)
	body := srv.Requests("/sdapi/v1/img2img")[0]
	args := body["alwayson_scripts"].(map[string]any)["ADetailer"].(map[string]any)["args"].([]any)
	assert.Equal(t, true, args[1], "an ADetailer-only pass skips the img2img itself")
	assert.Equal(t, 0, srv.RequestCount("/sdapi/v1/txt2img"))
}

// img2img sends the prompts, its own denoise and, when its card sets them,
// its own sampler, steps and CFG over txt2img's.
func TestImg2ImgSendsItsCardsSettings(t *testing.T) {
	srv, r := newFake(t, webuitest.Options{})
	job := newJob(t, func(c *pipeline.PipelineConfig) {
		c.Img2Img.Enabled = true
		c.Img2Img.Denoise = 0.3
		c.Img2Img.Sampler, c.Img2Img.Steps, c.Img2Img.CFGScale = "DPM++ 2M", 6, 4.5
	})
	_, err := r.Run(context.Background(), job, nil)
	require.NoError(t, err)
	t2i := srv.Requests("/sdapi/v1/txt2img")[0]
	i2i := srv.Requests("/sdapi/v1/img2img")[0]
	for _, body := range []map[string]any{t2i, i2i} {
		assert.Equal(t, "a lighthouse at dusk", body["prompt"])
		assert.Equal(t, "blurry", body["negative_prompt"])
	}
	assert.Equal(t, "Euler a", t2i["sampler_name"])
	assert.Equal(t, "DPM++ 2M", i2i["sampler_name"])
	assert.EqualValues(t, 6, i2i["steps"])
	assert.EqualValues(t, 4.5, i2i["cfg_scale"])
	assert.EqualValues(t, 0.3, i2i["denoising_strength"])
}

func TestModelSwitchesOnlyWhenDifferent(t *testing.T) {
	srv, r := newFake(t, webuitest.Options{})
	for _, model := range []string{sdxl, sdxl, "sd_xl_base_1.0.safetensors", sd15, sd15} {
		job := newJob(t, func(c *pipeline.PipelineConfig) { c.Txt2Img.Model = model })
		_, err := r.Run(context.Background(), job, nil)
		require.NoError(t, err)
	}
	initial := srv.ModelSwitches()
	assert.LessOrEqual(t, initial, 2, "sdxl (maybe already loaded), then sd15 once")
	assert.Equal(t, sd15, srv.CurrentModel())
	assert.Equal(t, sd15, r.LoadedModel())
}

func TestCancelInterruptsTheWebUI(t *testing.T) {
	srv, r := newFake(t, webuitest.Options{StepDuration: 50 * time.Millisecond})
	job := newJob(t, func(c *pipeline.PipelineConfig) { c.Txt2Img.Steps = 150 })
	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan struct{})
	var once sync.Once
	done := make(chan error, 1)
	go func() {
		_, err := r.Run(ctx, job, func(p Progress) {
			if p.Step > 0 {
				once.Do(func() { close(started) })
			}
		})
		done <- err
	}()
	select {
	case <-started:
	case err := <-done:
		t.Fatalf("Run ended before any progress: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("no progress within 10 s")
	}
	cancel()
	select {
	case err := <-done:
		assert.ErrorIs(t, err, ErrCancelled)
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
	require.Eventually(t, func() bool { return srv.RequestCount("/sdapi/v1/interrupt") > 0 }, 5*time.Second, 10*time.Millisecond)
}

func TestFaultsFailTheJobWithTheWebUIMessage(t *testing.T) {
	for _, tc := range []struct {
		fault       webuitest.FaultKind
		unavailable bool
		contains    string
	}{
		{webuitest.FaultOutOfMemory, false, "CUDA out of memory"},
		{webuitest.FaultServerError, false, ""},
		{webuitest.FaultMalformedJSON, false, ""},
		{webuitest.FaultInvalidBase64, false, "base64"},
		{webuitest.FaultEmptyImages, false, "no images"},
		{webuitest.FaultDropConnection, true, ""},
	} {
		t.Run(tc.fault.String(), func(t *testing.T) {
			srv, r := newFake(t, webuitest.Options{})
			srv.InjectFault("/sdapi/v1/txt2img", webuitest.Fault{Kind: tc.fault, Count: 1})
			job := newJob(t, nil)
			res, err := r.Run(context.Background(), job, nil)
			require.Error(t, err)
			assert.Equal(t, tc.unavailable, errors.Is(err, ErrBackendUnavailable), err.Error())
			assert.Contains(t, err.Error(), tc.contains)
			require.NotNil(t, res)
			m, merr := output.ReadManifest(res.ManifestPath)
			require.NoError(t, merr, "a failed job still leaves its manifest")
			require.Len(t, m.Stages, 1)
			assert.NotEmpty(t, m.Stages[0].Error)
		})
	}
}

func TestDownWebUIIsBackendUnavailable(t *testing.T) {
	srv, r := newFake(t, webuitest.Options{})
	srv.SetDown(true)
	_, err := r.Run(context.Background(), newJob(t, nil), nil)
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrBackendUnavailable)
}

func TestUnwritableOutputFolderIsAClearError(t *testing.T) {
	_, r := newFake(t, webuitest.Options{})
	job := newJob(t, nil)
	blocker := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(blocker, []byte("x"), 0o644))
	job.OutputDir = filepath.Join(blocker, "sub")
	_, err := r.Run(context.Background(), job, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), blocker)
}

func TestImpossiblePlans(t *testing.T) {
	for name, change := range map[string]func(c *pipeline.PipelineConfig){
		"no stages": func(c *pipeline.PipelineConfig) { c.Txt2Img.Enabled = false },
		"missing input image": func(c *pipeline.PipelineConfig) {
			c.Txt2Img.Enabled, c.Img2Img.Enabled, c.Img2Img.InputImage = false, true, "/nonexistent/in.png"
		},
	} {
		t.Run(name, func(t *testing.T) {
			c := pipeline.Defaults()
			c.ADetailer.Enabled = false
			change(&c)
			_, err := BuildPlan(&c)
			require.Error(t, err)
		})
	}
}

func TestExistingFilesAreNeverOverwritten(t *testing.T) {
	_, r := newFake(t, webuitest.Options{})
	job := newJob(t, nil)
	a, err := r.Run(context.Background(), job, nil)
	require.NoError(t, err)
	b, err := r.Run(context.Background(), job, nil)
	require.NoError(t, err)
	assert.NotEqual(t, a.Outputs[0], b.Outputs[0])
	assert.FileExists(t, a.Outputs[0])
	assert.FileExists(t, b.Outputs[0])
}

func TestJPEGOutputKeepsInfotextInEXIF(t *testing.T) {
	_, r := newFake(t, webuitest.Options{})
	job := newJob(t, func(c *pipeline.PipelineConfig) { c.Output.Format = "jpg" })
	res, err := r.Run(context.Background(), job, nil)
	require.NoError(t, err)
	assert.Equal(t, ".jpg", filepath.Ext(res.Outputs[0]))
	data, err := os.ReadFile(res.Outputs[0])
	require.NoError(t, err)
	uc, err := output.ReadEXIFUserComment(data)
	text := uc.Text
	require.NoError(t, err)
	assert.Contains(t, text, "a lighthouse at dusk")
}

func TestWebPOutputKeepsInfotextInEXIF(t *testing.T) {
	_, r := newFake(t, webuitest.Options{})
	job := newJob(t, func(c *pipeline.PipelineConfig) { c.Output.Format = "webp"; c.Upscale.Enabled = true })
	res, err := r.Run(context.Background(), job, nil)
	require.NoError(t, err)
	for _, st := range res.Stages {
		require.Len(t, st.Outputs, 1)
		assert.Equal(t, ".webp", filepath.Ext(st.Outputs[0]))
		data, err := os.ReadFile(st.Outputs[0])
		require.NoError(t, err)
		uc, err := output.ReadEXIFUserComment(data)
		text := uc.Text
		require.NoError(t, err)
		assert.Contains(t, text, "a lighthouse at dusk")
	}
}

func TestSkipEndsTheImageEarlyAndKeepsIt(t *testing.T) {
	srv, r := newFake(t, webuitest.Options{StepDuration: 20 * time.Millisecond})
	job := newJob(t, func(c *pipeline.PipelineConfig) { c.Txt2Img.Steps = 150 })
	var once sync.Once
	skipped := make(chan error, 1)
	res, err := r.Run(context.Background(), job, func(p Progress) {
		if p.Step > 0 {
			once.Do(func() { skipped <- r.Skip(context.Background()) })
		}
	})
	require.NoError(t, <-skipped)
	require.NoError(t, err, "a skipped image ends its request early; the job still completes")
	require.Len(t, res.Outputs, 1)
	assert.FileExists(t, res.Outputs[0])
	assert.Equal(t, 1, srv.RequestCount("/sdapi/v1/skip"))
}

// A refiner checkpoint left in a disabled refiner card is never sent: the
// WebUI would switch to it whatever the card says.
func TestDisabledRefinerIsNotSentEvenWithACheckpoint(t *testing.T) {
	srv, r := newFake(t, webuitest.Options{})
	job := newJob(t, func(c *pipeline.PipelineConfig) {
		c.Refiner = pipeline.RefinerConfig{Enabled: false, Checkpoint: refiner, SwitchAt: 0.8}
	})
	res, err := r.Run(context.Background(), job, nil)
	require.NoError(t, err)
	body := srv.Requests("/sdapi/v1/txt2img")[0]
	assert.NotContains(t, body, "refiner_checkpoint")
	assert.NotContains(t, body, "refiner_switch_at")
	assert.NotContains(t, pngText(t, res.Outputs[0])["parameters"], "Refiner")
}

// The hires card's checkpoint goes to the WebUI, which runs the second pass
// on it (its infotext says so).
func TestHiresCheckpointIsSent(t *testing.T) {
	srv, r := newFake(t, webuitest.Options{})
	job := newJob(t, func(c *pipeline.PipelineConfig) {
		c.Hires = pipeline.HiresConfig{Enabled: true, Upscaler: "Latent", Scale: 2, Denoise: 0.35, Checkpoint: sd15,
			Sampler: "DPM++ 2M", Scheduler: "Karras"}
	})
	res, err := r.Run(context.Background(), job, nil)
	require.NoError(t, err)
	body := srv.Requests("/sdapi/v1/txt2img")[0]
	assert.Contains(t, body["hr_checkpoint_name"], "v1-5-pruned-emaonly")
	assert.Equal(t, "DPM++ 2M", body["hr_sampler_name"])
	assert.Equal(t, "Karras", body["hr_scheduler"])
	assert.Contains(t, pngText(t, res.Outputs[0])["parameters"], "Hires checkpoint: v1-5-pruned-emaonly")

	// Without a hires checkpoint the base model runs the second pass: the
	// field is left out.
	srv2, r2 := newFake(t, webuitest.Options{})
	_, err = r2.Run(context.Background(), newJob(t, func(c *pipeline.PipelineConfig) {
		c.Hires = pipeline.HiresConfig{Enabled: true, Upscaler: "Latent", Scale: 2, Denoise: 0.35}
	}), nil)
	require.NoError(t, err)
	assert.NotContains(t, srv2.Requests("/sdapi/v1/txt2img")[0], "hr_checkpoint_name")
}

// Upscaling to a target size sends it (resize mode 1) instead of the
// factor, and the image comes out at that size.
func TestUpscaleToATargetSize(t *testing.T) {
	srv, r := newFake(t, webuitest.Options{})
	job := newJob(t, func(c *pipeline.PipelineConfig) {
		c.Upscale.Enabled, c.Upscale.Factor = true, 2
		c.Upscale.TargetWidth, c.Upscale.TargetHeight = 96, 160
	})
	res, err := r.Run(context.Background(), job, nil)
	require.NoError(t, err)
	body := srv.Requests("/sdapi/v1/extra-single-image")[0]
	assert.EqualValues(t, 1, body["resize_mode"])
	assert.EqualValues(t, 96, body["upscaling_resize_w"])
	assert.EqualValues(t, 160, body["upscaling_resize_h"])
	w, h := imageSize(t, res.Outputs[len(res.Outputs)-1])
	assert.Equal(t, [2]int{96, 160}, [2]int{w, h})
}
