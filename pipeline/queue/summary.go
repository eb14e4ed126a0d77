package queue

import (
	"fmt"
	"math"
	"path"
	"strconv"
	"strings"

	"stablenew/pipeline"
	"stablenew/pipeline/resources"
)

// summary is what the jobs table keeps beside the JobSpec JSON so that the
// queue can be listed, searched, scheduled and estimated without decoding
// 10,000 specs.
type summary struct {
	model, modelKey string
	width, height   int
	steps           int
	stages          string // comma-separated stage names
	work            string // ETA work units per stage, see workUnits
	// inputImage is the image file a job without txt2img starts from.
	inputImage string
	// needs is the job's resources.RequiredKey: the WebUIs it may go to.
	needs string
}

func summarize(j *pipeline.JobSpec) summary {
	return summarizeWith(j, requiredKey(j))
}

// requiredKey is the resources a job cannot run without, as the queue
// stores them (resources.RequiredKey).
func requiredKey(j *pipeline.JobSpec) string {
	return resources.RequiredKey(resources.Needs(j, nil))
}

// summarizeWith is summarize with the job's needs already worked out.
func summarizeWith(j *pipeline.JobSpec, needs string) summary {
	c := j.Config
	names := make([]string, 0, 4)
	for _, s := range c.StageTypes() {
		names = append(names, string(s))
	}
	s := summary{
		model:    c.Txt2Img.Model,
		modelKey: modelKey(c.Txt2Img.Model),
		width:    c.Txt2Img.Width,
		height:   c.Txt2Img.Height,
		steps:    c.Txt2Img.Steps,
		stages:   strings.Join(names, ","),
		work:     formatWork(workUnits(c)),
		needs:    needs,
	}
	if !c.Txt2Img.Enabled {
		// The size comes from the input file, which is not read here.
		s.inputImage, s.width, s.height = c.Img2Img.InputImage, 0, 0
	}
	return s
}

// modelKey reduces a checkpoint title to the name both a JobSpec and a
// WebUI report agree on: "SDXL/juggernaut.safetensors [a1b2c3]" and
// "juggernaut" give "juggernaut".
func modelKey(title string) string {
	s := strings.TrimSpace(title)
	if i := strings.LastIndex(s, " ["); i >= 0 && strings.HasSuffix(s, "]") {
		s = s[:i]
	}
	s = path.Base(strings.ReplaceAll(s, `\`, "/"))
	for _, ext := range []string{".safetensors", ".ckpt", ".pt", ".pth", ".gguf"} {
		if strings.HasSuffix(strings.ToLower(s), ext) {
			s = s[:len(s)-len(ext)]
			break
		}
	}
	if s == "." || s == "/" {
		return ""
	}
	return s
}

func splitStages(s string) []pipeline.StageType {
	if s == "" {
		return []pipeline.StageType{}
	}
	parts := strings.Split(s, ",")
	out := make([]pipeline.StageType, len(parts))
	for i, p := range parts {
		out[i] = pipeline.StageType(p)
	}
	return out
}

// stageWork is the estimated work of one stage of a job in "units": for
// sampling stages megapixel-steps (steps × width × height / 10⁶ × images),
// for upscale output megapixels × images. The ETA model learns seconds per
// unit.
type stageWork struct {
	stage pipeline.StageType
	units float64
}

const adetailerShare = 0.4 // ADetailer costs about 40% of the base pass

// workUnits estimates the work of each stage the job runs. Hires fix and
// the refiner run inside txt2img, so their passes count there.
func workUnits(c *pipeline.PipelineConfig) []stageWork {
	batch := float64(max(c.Batch.BatchSize, 1))
	t := c.Txt2Img
	mp := func(w, h int) float64 { return float64(w) * float64(h) / 1e6 }
	base := float64(max(t.Steps, 1)) * mp(t.Width, t.Height) * batch
	var out []stageWork
	for _, sz := range c.OutputSizes() {
		var u float64
		switch sz.Stage {
		case pipeline.StageTxt2Img:
			u = base
			if h := c.Hires; h.Enabled {
				steps := h.Steps
				if steps == 0 {
					steps = t.Steps
				}
				u += float64(max(steps, 1)) * mp(sz.Width, sz.Height) * batch
			}
		case pipeline.StageImg2Img:
			i := c.Img2Img
			steps := i.Steps
			if steps == 0 {
				steps = t.Steps
			}
			// The WebUI samples steps × denoise steps for img2img.
			u = math.Max(1, float64(steps)*i.Denoise) * mp(sz.Width, sz.Height) * batch
		case pipeline.StageADetailer:
			u = adetailerShare * base * float64(max(len(c.ADetailer.Units), 1))
		case pipeline.StageUpscale:
			u = mp(sz.Width, sz.Height) * batch
		}
		out = append(out, stageWork{stage: sz.Stage, units: u})
	}
	return out
}

func formatWork(ws []stageWork) string {
	var b strings.Builder
	for i, w := range ws {
		if i > 0 {
			b.WriteByte(';')
		}
		b.WriteString(string(w.stage))
		b.WriteByte('=')
		b.WriteString(strconv.FormatFloat(w.units, 'f', 4, 64))
	}
	return b.String()
}

func parseWork(s string) ([]stageWork, error) {
	if s == "" {
		return nil, nil
	}
	parts := strings.Split(s, ";")
	out := make([]stageWork, 0, len(parts))
	for _, p := range parts {
		name, val, ok := strings.Cut(p, "=")
		u, err := strconv.ParseFloat(val, 64)
		if !ok || err != nil {
			return nil, fmt.Errorf("bad work entry %q", p)
		}
		out = append(out, stageWork{stage: pipeline.StageType(name), units: u})
	}
	return out, nil
}
