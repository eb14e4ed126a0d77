package runner

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"stablenew/pipeline"
	"stablenew/pipeline/output"
	"stablenew/pipeline/webui"
	"stablenew/pipeline/webui/webuitest"
)

// benchJob is a 1024×1024 job; stages adds img2img and upscale.
func benchJob(b *testing.B, stages bool) *pipeline.JobSpec {
	c := pipeline.Defaults()
	c.Txt2Img.Model = sdxl
	c.Txt2Img.Width, c.Txt2Img.Height, c.Txt2Img.Steps = 1024, 1024, 1
	c.ADetailer.Enabled = false
	c.Prompt.Positive = "benchmark"
	if stages {
		c.Img2Img.Enabled = true
		c.Upscale.Enabled, c.Upscale.Factor = true, 1
	}
	return &pipeline.JobSpec{JobID: "bench", PackID: "bench", Config: &c, VariantTotal: 1, BatchTotal: 1,
		OutputDir: b.TempDir(), FilenameTemplate: c.Output.FilenameTemplate, Seed: 1, CreatedAt: time.Now()}
}

func benchRunner(b *testing.B) *Runner {
	srv := webuitest.New(webuitest.Options{PhotoImages: true})
	b.Cleanup(srv.Close)
	c, err := webui.New(srv.URL(), webui.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		b.Fatal(err)
	}
	return New(c, Options{Logger: slog.New(slog.DiscardHandler), NoPreviews: true, ProgressInterval: time.Second})
}

// BenchmarkJobTxt2Img1024 is one 1024×1024 txt2img job against a fake with
// no sampling time: HTTP, base64, the fake's own PNG and our save.
func BenchmarkJobTxt2Img1024(b *testing.B) {
	r := benchRunner(b)
	job := benchJob(b, false)
	for b.Loop() {
		if _, err := r.Run(context.Background(), job, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkJobThreeStages1024 adds img2img and upscale, so each image is
// decoded, saved and re-encoded for the next stage twice more; divide by 3
// for the time per stage.
func BenchmarkJobThreeStages1024(b *testing.B) {
	r := benchRunner(b)
	job := benchJob(b, true)
	for b.Loop() {
		if _, err := r.Run(context.Background(), job, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSaveStage1024 is the part of a stage that is StableNew's alone:
// add the metadata chunk to a 1024×1024 PNG and write it to a new file.
func BenchmarkSaveStage1024(b *testing.B) {
	r := benchRunner(b)
	spec := benchJob(b, false)
	resp, err := r.client.Txt2Img(context.Background(), txt2imgRequest(spec.Config, 1, false))
	if err != nil {
		b.Fatal(err)
	}
	plan, err := BuildPlan(spec.Config)
	if err != nil {
		b.Fatal(err)
	}
	file, err := output.ParseTemplate(spec.FilenameTemplate)
	if err != nil {
		b.Fatal(err)
	}
	j := &job{r: r, spec: spec, cfg: spec.Config, plan: plan, file: file, ext: "png", format: "png", onProgress: func(Progress) {}}
	b.SetBytes(int64(len(resp.Images[0])))
	for b.Loop() {
		imgs := []image{{png: resp.Images[0], seed: 1}}
		if err := j.save(StageExecution{Stage: pipeline.StageTxt2Img}, imgs); err != nil {
			b.Fatal(err)
		}
	}
}
