package controller

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"stablenew/pipeline"
	"stablenew/pipeline/infotext"
	"stablenew/pipeline/output"
)

// ReprocessPackID is the pack id of reprocess jobs (their folder's {pack}).
const ReprocessPackID = "reprocess"

// imageExts are the files a folder contributes to a reprocess run.
var imageExts = map[string]bool{".png": true, ".jpg": true, ".jpeg": true, ".webp": true}

// ReprocessRequest asks for more stages on images the user already has.
type ReprocessRequest struct {
	// Inputs are image files or folders (a folder gives its .png, .jpg and
	// .webp files, not those of its subfolders).
	Inputs []string
	// Stages are the stages to run on each image: img2img, adetailer and/or
	// upscale, in run order whatever the order given.
	Stages []pipeline.StageType
	// Config holds the current stage settings (merged as for a plan).
	Config pipeline.PipelineConfig
	// UseImagePrompt takes each image's own prompt, negative prompt and seed
	// from its metadata when it has any (the config's prompt otherwise).
	UseImagePrompt bool
	// OutputRoot, when set, replaces the configured output root.
	OutputRoot string
	RunMode    pipeline.RunMode
}

// InputError is a file that could not be planned; the others still are.
type InputError struct {
	Path string
	Err  error
}

func (e InputError) Error() string { return e.Path + ": " + e.Err.Error() }

// ReprocessSource is the part of a RunRequest that plans stages on images
// the user already has instead of prompt packs (the GUI's reprocess draft).
type ReprocessSource struct {
	// Inputs are image files or folders (see ReprocessRequest.Inputs).
	Inputs []string
	// Stages are img2img, adetailer and/or upscale.
	Stages []pipeline.StageType
	// UseImagePrompt takes each image's own prompt and seed when it has them.
	UseImagePrompt bool
}

// Clone returns a copy that shares nothing with s (nil for nil).
func (s *ReprocessSource) Clone() *ReprocessSource {
	if s == nil {
		return nil
	}
	c := *s
	c.Inputs = append([]string(nil), s.Inputs...)
	c.Stages = append([]pipeline.StageType(nil), s.Stages...)
	return &c
}

// planReprocessRequest plans a RunRequest whose Reprocess is set: defaults
// ⊕ preset ⊕ settings, then the stage overrides, which always apply (an
// existing image has no pack whose own settings could win), then one job
// per image. Every job's Source is reprocess, whatever req.Source says.
func (pc *PipelineController) planReprocessRequest(ctx context.Context, req RunRequest) (*Plan, error) {
	base, notes, err := pc.BaseConfig(req, nil)
	if err != nil {
		return nil, err
	}
	cfg, err := pc.Merger.Merge(base, req.Overrides, true)
	if err != nil {
		return nil, err
	}
	plan, err := pc.PlanReprocess(ctx, ReprocessRequest{
		Inputs: req.Reprocess.Inputs, Stages: req.Reprocess.Stages, Config: cfg,
		UseImagePrompt: req.Reprocess.UseImagePrompt, OutputRoot: req.OutputRoot, RunMode: req.RunMode,
	})
	if plan != nil {
		plan.Notes = append(notes, plan.Notes...)
	}
	return plan, err
}

// PlanReprocess makes one ordinary JobSpec per input image: the chosen
// stages over the current settings, with the image as the first stage's
// input. A file that is not an image, or that cannot be read, is listed in
// Skipped with the reason; the other files are still planned.
func (pc *PipelineController) PlanReprocess(ctx context.Context, req ReprocessRequest) (*Plan, error) {
	if len(req.Stages) == 0 {
		return nil, errors.New("choose at least one stage to run on the images: img2img, adetailer or upscale")
	}
	var img2img, adetailer, upscale bool
	for _, s := range req.Stages {
		switch s {
		case pipeline.StageImg2Img:
			img2img = true
		case pipeline.StageADetailer:
			adetailer = true
		case pipeline.StageUpscale:
			upscale = true
		default:
			return nil, fmt.Errorf("stage %q cannot run on an existing image; choose img2img, adetailer or upscale", s)
		}
	}
	files, skipped := expandInputs(req.Inputs)
	if len(files) == 0 {
		if len(skipped) > 0 {
			return &Plan{Skipped: skipped}, fmt.Errorf("no image to reprocess: %v", skipped[0])
		}
		return nil, errors.New("no image to reprocess: give image files or folders")
	}
	root := req.OutputRoot
	if root == "" {
		root = req.Config.Output.Root
	}
	if root == "" {
		root = pc.Library.OutputDir()
	}
	root, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("output folder: %w", err)
	}
	if req.RunMode == "" {
		req.RunMode = pipeline.RunModeQueue
	}
	if _, err := output.ParseTemplate(req.Config.Output.FolderTemplate); err != nil {
		return nil, fmt.Errorf("output.folder_template: %w", err)
	}
	needsPrompt := img2img || adetailer
	plan := &Plan{Skipped: skipped}
	var images []ImageInput
	var cardPrompt []string // images without a prompt of their own, that take the card's
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		c := req.Config.Clone()
		c.Txt2Img.Enabled, c.Hires.Enabled, c.Refiner.Enabled = false, false, false
		c.Img2Img.Enabled, c.ADetailer.Enabled, c.Upscale.Enabled = img2img, adetailer, upscale
		c.Img2Img.InputImage = f
		c.Batch.BatchSize, c.Batch.BatchRuns = 1, 1
		in := ImageInput{Config: &c, Seed: -1}
		own := false
		if req.UseImagePrompt {
			if md, err := infotext.ReadFile(f); err == nil && md.Params != nil && strings.TrimSpace(md.Params.Prompt) != "" {
				// The image's prompts are final as they are: no extra text
				// and no global negative is added.
				c.Prompt.Positive, c.Prompt.Negative = md.Params.Prompt, md.Params.Negative
				own = true
				if s, ok := md.Params.Seed(); ok {
					in.Seed = s
				}
			}
		}
		if !own {
			c.Prompt.Negative = joinPrompt(c.Prompt.Negative, globalNegative(&c))
			if needsPrompt && strings.TrimSpace(c.Prompt.Positive) == "" {
				plan.Skipped = append(plan.Skipped, InputError{Path: f, Err: errNoPrompt(req.UseImagePrompt)})
				continue
			}
			if req.UseImagePrompt && needsPrompt {
				cardPrompt = append(cardPrompt, filepath.Base(f))
			}
		}
		c.Prompt.ApplyGlobalNegative = false // applied above, or the image's own negative has it
		in.Template = c.Prompt.Positive
		if err := c.ValidateStages(); err != nil {
			plan.Skipped = append(plan.Skipped, InputError{Path: f, Err: err})
			continue
		}
		images = append(images, in)
	}
	jobs, err := pc.Builder.BuildImages(ctx, images, BuildOptions{
		RunMode: req.RunMode, Source: pipeline.SourceReprocess, OutputRoot: root,
	})
	if err != nil {
		return nil, err
	}
	plan.Jobs = jobs
	if len(jobs) == 0 {
		return plan, fmt.Errorf("no image to reprocess: %v", plan.Skipped[0])
	}
	if len(cardPrompt) > 0 {
		plan.Notes = append(plan.Notes, cardPromptNote(cardPrompt, req.Config.Prompt.Positive))
	}
	for _, s := range plan.Skipped {
		plan.Notes = append(plan.Notes, "skipped "+s.Error())
	}
	return plan, nil
}

// globalNegative is the global negative c appends, or "".
func globalNegative(c *pipeline.PipelineConfig) string {
	if c.Prompt.ApplyGlobalNegative {
		return c.Prompt.GlobalNegative
	}
	return ""
}

// errNoPrompt says why an image has no prompt to run img2img or ADetailer
// with.
func errNoPrompt(useImagePrompt bool) error {
	if useImagePrompt {
		return errors.New("no prompt: the image has none in its metadata and the extra prompt " +
			"(prompt.positive, the Prompts card) is empty; type one there, or run only upscale")
	}
	return errors.New("no prompt: the extra prompt (prompt.positive, the Prompts card) is empty; " +
		"type one there, use the images' own prompts, or run only upscale")
}

// cardPromptNote tells which images run with the Prompts card's prompt
// because their metadata has none.
func cardPromptNote(names []string, prompt string) string {
	shown := names
	if len(shown) > 3 {
		shown = shown[:3]
	}
	list := strings.Join(shown, ", ")
	if len(names) > len(shown) {
		list += fmt.Sprintf(" and %d more", len(names)-len(shown))
	}
	if len(names) == 1 {
		return fmt.Sprintf("%s has no prompt in its metadata: it runs with the extra prompt (prompt.positive, the Prompts card) %q", list, prompt)
	}
	return fmt.Sprintf("%d images have no prompt in their metadata (%s): they run with the extra prompt (prompt.positive, the Prompts card) %q",
		len(names), list, prompt)
}

// expandInputs lists the image files of the inputs, in order, with the
// reasons others were left out.
func expandInputs(inputs []string) ([]string, []InputError) {
	var files []string
	var skipped []InputError
	seen := map[string]bool{}
	add := func(p string) {
		abs, err := filepath.Abs(p)
		if err == nil && !seen[abs] {
			seen[abs] = true
			files = append(files, abs)
		}
	}
	for _, in := range inputs {
		st, err := os.Stat(in)
		if err != nil {
			skipped = append(skipped, InputError{Path: in, Err: err})
			continue
		}
		if !st.IsDir() {
			if !st.Mode().IsRegular() {
				skipped = append(skipped, InputError{Path: in, Err: &pipeline.NotRegularError{Path: in, Mode: st.Mode()}})
				continue
			}
			if !imageExts[strings.ToLower(filepath.Ext(in))] {
				skipped = append(skipped, InputError{Path: in, Err: errors.New("not a .png, .jpg or .webp image")})
				continue
			}
			add(in)
			continue
		}
		images, err := ImagesIn(in)
		if err != nil {
			skipped = append(skipped, InputError{Path: in, Err: err})
			continue
		}
		for _, p := range images {
			add(p)
		}
	}
	return files, skipped
}

// isRegular reports whether a folder entry is a regular file, or a
// symbolic link to one: a named pipe or a device with an image's name is
// not an image.
func isRegular(p string, e os.DirEntry) bool {
	if e.Type().IsRegular() {
		return true
	}
	if e.Type()&os.ModeSymlink == 0 {
		return false
	}
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

// ErrNoImages: a folder holds no .png, .jpg or .webp file.
var ErrNoImages = errors.New("the folder holds no .png, .jpg or .webp image")

// ImagesIn lists the .png, .jpg and .webp files of a folder (not of its
// subfolders), sorted by name, or ErrNoImages.
func ImagesIn(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		if imageExts[strings.ToLower(filepath.Ext(e.Name()))] && isRegular(p, e) {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return nil, ErrNoImages
	}
	sort.Strings(out)
	return out, nil
}
