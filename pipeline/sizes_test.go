package pipeline_test

import (
	"testing"

	"stablenew/pipeline"
)

func TestEstimateDiskBytes(t *testing.T) {
	base := func() pipeline.PipelineConfig {
		c := pipeline.Defaults()
		c.Txt2Img.Enabled, c.Txt2Img.Width, c.Txt2Img.Height = true, 1000, 1000
		c.Hires.Enabled, c.Refiner.Enabled, c.Img2Img.Enabled, c.ADetailer.Enabled, c.Upscale.Enabled = false, false, false, false, false
		c.Batch.BatchSize, c.Output.Format = 1, "png"
		return c
	}
	tests := []struct {
		name string
		edit func(c *pipeline.PipelineConfig)
		want int64
	}{
		{"one png", func(*pipeline.PipelineConfig) {}, 1_600_000},
		{"batch of 3", func(c *pipeline.PipelineConfig) { c.Batch.BatchSize = 3 }, 4_800_000},
		{"jpg", func(c *pipeline.PipelineConfig) { c.Output.Format = "jpg" }, 250_000},
		{"webp", func(c *pipeline.PipelineConfig) { c.Output.Format = "webp" }, 150_000},
		{"hires ×2 saves the big image only", func(c *pipeline.PipelineConfig) { c.Hires.Enabled, c.Hires.Scale = true, 2 }, 6_400_000},
		{"adetailer rides inside txt2img", func(c *pipeline.PipelineConfig) { c.ADetailer.Enabled = true }, 1_600_000},
		{"upscale ×2 saves both stages", func(c *pipeline.PipelineConfig) { c.Upscale.Enabled, c.Upscale.Factor = true, 2 }, 8_000_000},
		{"upscale to a target", func(c *pipeline.PipelineConfig) {
			c.Upscale.Enabled, c.Upscale.TargetWidth, c.Upscale.TargetHeight = true, 2000, 500
		}, 3_200_000},
		{"stand-alone adetailer on an image saves its pass", func(c *pipeline.PipelineConfig) {
			c.Txt2Img.Enabled, c.ADetailer.Enabled, c.Img2Img.InputImage = false, true, "/in.png"
		}, 1_600_000},
		{"img2img at its own size", func(c *pipeline.PipelineConfig) {
			c.Img2Img.Enabled, c.Img2Img.Width, c.Img2Img.Height = true, 500, 500
		}, 2_000_000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := base()
			tt.edit(&c)
			if got := c.EstimateDiskBytes(); got != tt.want {
				t.Errorf("EstimateDiskBytes = %d, want %d (sizes %+v)", got, tt.want, c.OutputSizes())
			}
		})
	}
}

func TestFormatDiskBytes(t *testing.T) {
	for n, want := range map[int64]string{
		0: "0 B", 999: "999 B", 1000: "1.0 KB", 1_600_000: "1.6 MB", 9_960_000: "10 MB", 24_400_000_000: "24 GB",
		999_600: "1.0 MB", 3_200_000_000_000_000: "3.2 PB",
	} {
		if got := pipeline.FormatDiskBytes(n); got != want {
			t.Errorf("FormatDiskBytes(%d) = %q, want %q", n, got, want)
		}
	}
}
