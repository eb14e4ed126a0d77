package pipeline

import (
	"fmt"
	"math"
)

// StageSize is the size of the images a stage hands on.
type StageSize struct {
	Stage         StageType
	Width, Height int
	// Saved is whether the runner writes this stage's images to disk. An
	// ADetailer pass rides inside the txt2img or img2img request when one
	// runs, so only a stand-alone ADetailer pass saves images of its own.
	Saved bool
}

// OutputSizes returns, for each stage the job runs (StageTypes order), the
// size of its images: txt2img's after the hires fix, img2img's own size
// when set, ADetailer's unchanged, upscale's by its factor or to its
// target. A size that depends on an input image file (img2img without a
// size, a reprocess job) is estimated from txt2img's size: no file is read.
func (c *PipelineConfig) OutputSizes() []StageSize {
	t := c.Txt2Img
	w, h := t.Width, t.Height
	riding := c.Txt2Img.Enabled || c.Img2Img.Enabled
	var out []StageSize
	for _, s := range c.StageTypes() {
		switch s {
		case StageTxt2Img:
			if c.Hires.Enabled {
				w, h = c.Hires.OutputSize(t.Width, t.Height)
			}
		case StageImg2Img:
			if i := c.Img2Img; i.Width > 0 && i.Height > 0 {
				w, h = i.Width, i.Height
			}
		case StageUpscale:
			if u := c.Upscale; u.TargetWidth > 0 && u.TargetHeight > 0 {
				w, h = u.TargetWidth, u.TargetHeight
			} else {
				f := math.Max(u.Factor, 1)
				w, h = int(float64(w)*f), int(float64(h)*f)
			}
		}
		out = append(out, StageSize{Stage: s, Width: w, Height: h, Saved: s != StageADetailer || !riding})
	}
	return out
}

// OutputSize is the size the hires fix makes from a w×h first pass: the
// resize target (one side given keeps the aspect ratio), or the scale
// (at least 1).
func (c HiresConfig) OutputSize(w, h int) (int, int) {
	switch {
	case c.ResizeX > 0 && c.ResizeY > 0:
		return c.ResizeX, c.ResizeY
	case c.ResizeX > 0:
		return c.ResizeX, c.ResizeX * h / max(w, 1)
	case c.ResizeY > 0:
		return c.ResizeY * w / max(h, 1), c.ResizeY
	}
	f := math.Max(c.Scale, 1)
	return int(float64(w) * f), int(float64(h) * f)
}

// bytesPerPixel are typical file sizes of Stable Diffusion images per pixel
// in each output format: a 1024×1024 PNG is about 1.6 MB, a JPEG at the
// default quality (80) about 250 KB and a WebP at the same quality about
// 150 KB. Real files vary with the picture (flat illustrations are smaller).
var bytesPerPixel = map[string]float64{"png": 1.6, "jpg": 0.25, "jpeg": 0.25, "webp": 0.15}

// EstimateDiskBytes is about how much disk space a job's images take:
// every image each stage saves (OutputSizes), batch size images a stage, in
// the configured format. Manifests and metadata are small next to them and
// are left out.
func (c *PipelineConfig) EstimateDiskBytes() int64 {
	bpp, ok := bytesPerPixel[c.Output.Format]
	if !ok {
		bpp = bytesPerPixel["png"]
	}
	var px float64
	for _, s := range c.OutputSizes() {
		if s.Saved {
			px += float64(s.Width) * float64(s.Height)
		}
	}
	return int64(px * float64(max(c.Batch.BatchSize, 1)) * bpp)
}

// FormatDiskBytes writes a byte count the way file managers do, in decimal
// units with two or three significant digits: "950 KB", "1.3 MB", "24 GB".
func FormatDiskBytes(n int64) string {
	units := []string{"B", "KB", "MB", "GB", "TB", "PB"}
	v := float64(n)
	i := 0
	for v >= 999.5 && i < len(units)-1 {
		v /= 1000
		i++
	}
	if i == 0 {
		return fmt.Sprintf("%d B", n)
	}
	if v < 9.95 {
		return fmt.Sprintf("%.1f %s", v, units[i])
	}
	return fmt.Sprintf("%.0f %s", v, units[i])
}
