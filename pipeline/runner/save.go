package runner

import (
	"bytes"
	"encoding/json"
	"fmt"
	goimage "image"
	_ "image/jpeg" // input images may be JPEG
	_ "image/png"

	"stablenew/pipeline"
	"stablenew/pipeline/output"
)

// save writes a stage's images under the job's folder: the WebUI's PNG with
// its "parameters" infotext kept and a "stablenew" chunk added, or the
// image re-encoded as JPEG with the infotext in EXIF. A name that exists is
// never overwritten. It sets each image's path. The folder is synced at the
// end of the job (Run), once for all its images.
func (j *job) save(st StageExecution, imgs []image) error {
	for i := range imgs {
		im := &imgs[i]
		chunk := output.StableNewChunk{
			JobID: j.spec.JobID, Pack: j.spec.PackID, PromptIndex: j.spec.PromptIndex, Variant: j.spec.VariantIndex,
			Batch: j.spec.BatchIndex, ImageIndex: i, Stage: string(st.Stage), SeedRequested: j.spec.Seed,
			SeedActual: im.seed, ConfigHash: j.spec.ConfigHash(), Prompt: j.cfg.Prompt.Positive,
			Negative: j.cfg.Prompt.Negative, Template: j.spec.Template, Picks: picks(j.spec),
		}
		data, err := j.encode(im, &chunk)
		if err != nil {
			return fmt.Errorf("image %d: %w", i+1, err)
		}
		tokens := j.spec.Tokens()
		tokens.Seed, tokens.Stage, tokens.Index = im.seed, string(st.Stage), i
		path, err := output.ResolvePath(j.spec.OutputDir, nil, j.file, tokens, j.ext)
		if err != nil {
			return err
		}
		written, err := output.WriteFileUniqueDeferred(path, data, &j.folders)
		if err != nil {
			return err
		}
		im.path = written
	}
	return nil
}

// encode returns the bytes to write for one image.
func (j *job) encode(im *image, chunk *output.StableNewChunk) ([]byte, error) {
	if j.format == "" || j.format == "png" {
		tc, err := chunk.TextChunk()
		if err != nil {
			return nil, err
		}
		return output.AddPNGText(im.png, []output.TextChunk{tc})
	}
	// JPEG and WebP carry the WebUI's infotext in EXIF; the job itself is
	// found through the manifest beside the images.
	return output.Encode(im.png, j.format, j.r.opts.JPEGQuality, im.infotext)
}

// picks turns the randomizer summary into the chunk's map.
func picks(spec *pipeline.JobSpec) map[string]string {
	if len(spec.RandomizerSummary) == 0 {
		return nil
	}
	m := make(map[string]string, len(spec.RandomizerSummary))
	for _, d := range spec.RandomizerSummary {
		m[d.Dimension] = d.Value
	}
	return m
}

// pngSize reads an image's size.
func pngSize(data []byte) (int, int, error) {
	cfg, _, err := goimage.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return 0, 0, err
	}
	return cfg.Width, cfg.Height, nil
}

// requestSummary is a request without its images, for the manifest.
func requestSummary(req any) map[string]any {
	raw, err := json.Marshal(req)
	if err != nil {
		return nil
	}
	var m map[string]any
	if json.Unmarshal(raw, &m) != nil {
		return nil
	}
	delete(m, "init_images")
	delete(m, "image")
	delete(m, "mask")
	return m
}
