package runner

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stablenew/pipeline"
	"stablenew/pipeline/output"
	"stablenew/pipeline/webui/webuitest"
)

// The sample packs name checkpoints plainly; the user's WebUI keeps them in
// subfolders, one of them never hashed. Requests carry the WebUI's exact
// titles and the manifest records both names.
func TestNamesResolveToTheWebUIsSubfolderTitles(t *testing.T) {
	srv, r := newFake(t, webuitest.Options{Checkpoints: webuitest.SubfolderCheckpoints,
		Loras: []string{"add_detail_xl_v2"}})
	job := newJob(t, func(c *pipeline.PipelineConfig) {
		c.Hires = pipeline.HiresConfig{Enabled: true, Upscaler: "Latent", Scale: 1.5, Denoise: 0.4,
			Checkpoint: "animagine-xl-3.1.safetensors [e3c47aedb0]"}
		c.Refiner = pipeline.RefinerConfig{Enabled: true, Checkpoint: refiner, SwitchAt: 0.8}
		c.Txt2Img.Model = sd15
		c.Txt2Img.Sampler = "k_euler_a"
		c.Prompt.Positive = "a lighthouse <lora:ADD_DETAIL_XL_V2:0.5>"
	})
	res, err := r.Run(context.Background(), job, nil)
	require.NoError(t, err)

	opts := srv.Requests("/sdapi/v1/options")
	require.NotEmpty(t, opts)
	assert.Equal(t, "SD15/v1-5-pruned-emaonly.safetensors [6ce0161689]", opts[len(opts)-1]["sd_model_checkpoint"])
	body := srv.Requests("/sdapi/v1/txt2img")[0]
	assert.Equal(t, "SDXL/sd_xl_refiner_1.0.safetensors [7440042bbd]", body["refiner_checkpoint"])
	assert.Equal(t, "Anime/animagine-xl-3.1.safetensors", body["hr_checkpoint_name"], "an unhashed file's title has no hash")
	assert.Equal(t, "Euler a", body["sampler_name"], "A1111 takes sampler names only; an alias would silently become DPM++ 2M")
	assert.Equal(t, "a lighthouse <lora:add_detail_xl_v2:0.5>", body["prompt"])
	assert.Equal(t, sd15, job.Config.Txt2Img.Model, "the job keeps its own names")

	m, err := output.ReadManifest(res.ManifestPath)
	require.NoError(t, err)
	assert.Contains(t, m.Resources, output.ResourceUse{Kind: "checkpoint", Asked: sd15,
		Used: "SD15/v1-5-pruned-emaonly.safetensors [6ce0161689]", How: "hash"})
	assert.Contains(t, m.Resources, output.ResourceUse{Kind: "LoRA", Asked: "ADD_DETAIL_XL_V2", Used: "add_detail_xl_v2", How: "letter case"})
	assert.Equal(t, m.Resources, res.Resources, "history gets the same record")
}

func TestMissingCheckpointFailsBeforeAnyRequest(t *testing.T) {
	srv, r := newFake(t, webuitest.Options{Checkpoints: webuitest.SubfolderCheckpoints})
	job := newJob(t, func(c *pipeline.PipelineConfig) { c.Txt2Img.Model = "sd_xl_base_0.9.safetensors" })
	_, err := r.Run(context.Background(), job, nil)
	require.Error(t, err)
	assert.True(t, errors.Is(err, ErrMissingResource), "err %v", err)
	msg := err.Error()
	for _, want := range []string{srv.URL(), `has no checkpoint "sd_xl_base_0.9.safetensors"`, "closest: SDXL/sd_xl_base_1.0.safetensors [31e35c80fc]"} {
		assert.Contains(t, msg, want)
	}
	assert.Empty(t, srv.Requests("/sdapi/v1/txt2img"), "no GPU time on a job that cannot run")
	for _, o := range srv.Requests("/sdapi/v1/options") {
		assert.NotContains(t, o, "sd_model_checkpoint")
	}
}

func TestADetailerMissingFailsTheJobNamingTheExtension(t *testing.T) {
	srv, r := newFake(t, webuitest.Options{NoADetailer: true})
	job := newJob(t, func(c *pipeline.PipelineConfig) { c.ADetailer.Enabled = true })
	_, err := r.Run(context.Background(), job, nil)
	require.ErrorIs(t, err, ErrMissingResource)
	assert.Contains(t, err.Error(), "does not have the ADetailer extension installed")
	assert.Empty(t, srv.Requests("/sdapi/v1/txt2img"))
}

// A model copied into the WebUI while the app runs: the name misses in the
// lists read before, so they are read again, and the job runs.
func TestAModelAddedWhileRunningIsFoundOnAMiss(t *testing.T) {
	srv, r := newFake(t, webuitest.Options{Checkpoints: webuitest.SubfolderCheckpoints})
	r.Resources().RefreshAfterMiss = 0
	_, err := r.Run(context.Background(), newJob(t, nil), nil)
	require.NoError(t, err)
	srv.AddCheckpoint("new/juggernautXL_v10.safetensors [1122334455]")
	job := newJob(t, func(c *pipeline.PipelineConfig) { c.Txt2Img.Model = "juggernautXL_v10.safetensors" })
	_, err = r.Run(context.Background(), job, nil)
	require.NoError(t, err)
	assert.Equal(t, "new/juggernautXL_v10.safetensors [1122334455]", srv.CurrentModel())
}

// A LoRA the WebUI lacks: A1111 would ignore it silently. The job runs, the
// log says so and the manifest records it.
func TestMissingLoRAIsRecordedNotFatal(t *testing.T) {
	_, r := newFake(t, webuitest.Options{})
	job := newJob(t, func(c *pipeline.PipelineConfig) { c.Prompt.Positive = "a lighthouse <lora:ghost_lora:0.7>" })
	res, err := r.Run(context.Background(), job, nil)
	require.NoError(t, err)
	var found bool
	for _, u := range res.Resources {
		if u.Kind == "LoRA" && u.Asked == "ghost_lora" {
			found = strings.Contains(u.Problem, "not found")
		}
	}
	assert.True(t, found, "resources %+v: want the LoRA recorded as not found", res.Resources)
}
