// Package controller turns what the user asked for into jobs: the
// PipelineController plans a RunRequest into JobSpecs (the only code path
// that builds jobs) and submits them to JobService. It never imports Fyne.
package controller

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"path/filepath"
	"slices"

	"stablenew/pipeline"
	"stablenew/pipeline/packs"
	"stablenew/pipeline/random"
)

// RunRequest is the plain data AppState.Snapshot() produces (and the CLI
// builds from its flags): everything a plan depends on, and nothing else.
type RunRequest struct {
	RunMode pipeline.RunMode
	Source  pipeline.RunSource
	// Packs are pack ids or paths, planned in this order.
	Packs []string
	// Preset is a preset name, layered over the defaults; "" for none.
	Preset string
	// Settings are run settings that always apply, over the preset and the
	// pack sidecar (the sidebar's batch, output and randomizer choices).
	Settings *pipeline.Patch
	// Overrides are the stage cards. They apply only when OverrideEnabled
	// ("Override pack configs with current stages"), through ConfigMerger.
	Overrides       *pipeline.Patch
	OverrideEnabled bool
	// RandomizerSeed, when set, replaces the configured randomizer seed.
	RandomizerSeed *int64
	// OutputRoot, when set, replaces the configured output root.
	OutputRoot string
	// Reprocess, when set, plans its stages on existing images instead of
	// the packs (Packs are then ignored); the stage cards always apply.
	Reprocess *ReprocessSource
	// SkipLoRAs are LoRAs whose <lora:…> tags are removed from every
	// prompt (the preview's remedy for a LoRA a WebUI lacks).
	SkipLoRAs []string
	// PackDrafts are the unsaved texts of packs, by their name in Packs (the
	// GUI's Prompt tab): such a pack is planned from this text, with its
	// file's sidecar, instead of its file.
	PackDrafts map[string][]byte
}

// Plan is the result of planning a RunRequest.
type Plan struct {
	Jobs           []pipeline.JobSpec
	RandomizerSeed int64
	// Notes are things the user should know that did not stop the plan: a
	// matrix limit that kept fewer combinations, original-StableNew keys
	// that were not applied.
	Notes []string
	// Skipped are the reprocess inputs that could not be planned, with the
	// reason; the other inputs still were.
	Skipped []InputError
	// Experiment is set by PlanExperiment: the experiment with Base filled
	// in, as it is stored and written into its grid image.
	Experiment *Experiment
}

// JobsFor returns the plan's jobs as source submits them: the same
// JobSpecs with Source set to source, except reprocess jobs, which keep
// theirs. The GUI's preview plans as Add to Queue; Run Now queues the same
// jobs (same ids, same everything) as run_now. The plan is not changed.
func (p *Plan) JobsFor(source pipeline.RunSource) []pipeline.JobSpec {
	same := true
	for i := range p.Jobs {
		if s := p.Jobs[i].Source; s != source && s != pipeline.SourceReprocess {
			same = false
			break
		}
	}
	if same {
		return p.Jobs
	}
	jobs := slices.Clone(p.Jobs)
	for i := range jobs {
		if jobs[i].Source != pipeline.SourceReprocess {
			jobs[i].Source = source
		}
	}
	return jobs
}

// ImagesPerJob returns the images each job makes (batch size), or 0 for an
// empty plan. Jobs of one plan may differ; this is the first job's.
func (p *Plan) ImagesPerJob() int {
	if len(p.Jobs) == 0 {
		return 0
	}
	return p.Jobs[0].Config.Batch.BatchSize
}

// TotalImages is the number of images the plan makes per stage.
func (p *Plan) TotalImages() int {
	n := 0
	for i := range p.Jobs {
		n += p.Jobs[i].Config.Batch.BatchSize
	}
	return n
}

// DiskBytes is about how much disk space the plan's images take (see
// pipeline.PipelineConfig.EstimateDiskBytes).
func (p *Plan) DiskBytes() int64 {
	per := map[*pipeline.PipelineConfig]int64{}
	var total int64
	for i := range p.Jobs {
		c := p.Jobs[i].Config
		n, ok := per[c]
		if !ok {
			n = c.EstimateDiskBytes()
			per[c] = n
		}
		total += n
	}
	return total
}

// DiskWarning says when the disk of the plan's first output folder has less
// free space than need (the plan's DiskBytes), or returns "". free tells a
// folder's free space (output.FreeBytes).
func (p *Plan) DiskWarning(need int64, free func(dir string) (int64, bool)) string {
	if len(p.Jobs) == 0 || need <= 0 {
		return ""
	}
	dir := p.Jobs[0].OutputDir
	have, ok := free(dir)
	if !ok || have >= need {
		return ""
	}
	return fmt.Sprintf("Not enough disk space: the images need about %s, the output disk has %s free (%s)",
		pipeline.FormatDiskBytes(need), pipeline.FormatDiskBytes(have), dir)
}

// PipelineController plans and submits runs.
type PipelineController struct {
	Library *packs.Library
	Builder JobBuilder
	Merger  pipeline.ConfigMerger
}

// NewPipelineController returns a controller over a pack library.
func NewPipelineController(lib *packs.Library) *PipelineController {
	return &PipelineController{Library: lib}
}

// BaseConfig returns defaults ⊕ preset ⊕ pack sidecar ⊕ settings for one
// pack, before the stage overrides.
func (pc *PipelineController) BaseConfig(req RunRequest, pack *packs.Pack) (pipeline.PipelineConfig, []string, error) {
	cfg := pipeline.Defaults()
	var notes []string
	if gn, err := pc.Library.GlobalNegative(); err != nil {
		return cfg, nil, err
	} else if gn != "" {
		cfg.Prompt.GlobalNegative = gn
	}
	if req.Preset != "" {
		p, err := pc.Library.LoadPreset(req.Preset)
		if err != nil {
			return cfg, nil, err
		}
		if cfg, err = p.ApplyTo(cfg); err != nil {
			return cfg, nil, err
		}
		notes = append(notes, p.Notes...)
	}
	if pack != nil && pack.Sidecar != nil {
		var err error
		if cfg, err = pack.Sidecar.ApplyTo(cfg); err != nil {
			return cfg, nil, err
		}
		notes = append(notes, pack.Sidecar.Notes...)
	}
	if !req.Settings.Empty() {
		var err error
		if cfg, err = req.Settings.ApplyTo(cfg); err != nil {
			return cfg, nil, err
		}
	}
	return cfg, notes, nil
}

// Plan builds the JobSpecs of a request. It is the only code path that
// builds jobs; the preview shows its result and Add to Queue stores it.
// It reads pack, preset and wildcard files, so it must not run on the UI
// goroutine; cancelling ctx abandons it.
func (pc *PipelineController) Plan(ctx context.Context, req RunRequest) (*Plan, error) {
	if req.Reprocess != nil {
		return pc.planReprocessRequest(ctx, req)
	}
	if len(req.Packs) == 0 {
		return nil, errors.New("no prompt pack selected: pick at least one pack")
	}
	if req.RunMode == "" {
		req.RunMode = pipeline.RunModeQueue
	}
	var inputs []PackInput
	var notes []string
	var randSeed int64 = -1
	for _, name := range req.Packs {
		pack, err := pc.loadPack(name, req.PackDrafts)
		if err != nil {
			return nil, err
		}
		if _, ok := req.PackDrafts[name]; ok {
			notes = append(notes, fmt.Sprintf("pack %s: planned from its unsaved edits (Prompt tab), not its file", pack.ID))
		}
		base, n, err := pc.BaseConfig(req, pack)
		if err != nil {
			return nil, err
		}
		notes = append(notes, n...)
		cfg, err := pc.Merger.Merge(base, req.Overrides, req.OverrideEnabled)
		if err != nil {
			return nil, err
		}
		cfg.LoRAs = skipLoRAs(cfg.LoRAs, req.SkipLoRAs)
		if err := cfg.Validate(); err != nil {
			return nil, fmt.Errorf("pack %s: %w", pack.ID, err)
		}
		if randSeed < 0 {
			switch {
			case req.RandomizerSeed != nil:
				randSeed = *req.RandomizerSeed
			case cfg.Randomizer.Seed >= 0:
				randSeed = cfg.Randomizer.Seed
			}
		}
		rows := make([]PromptRow, len(pack.Rows))
		for i, r := range pack.Rows {
			rows[i] = PromptRow{Index: r.Index, Positive: r.Positive, Negative: r.Negative}
		}
		inputs = append(inputs, PackInput{PackID: pack.ID, PackPath: pack.Path, Rows: rows, Config: cfg})
	}
	if randSeed < 0 {
		randSeed = drawSeed()
	}
	for _, l := range req.SkipLoRAs {
		notes = append(notes, fmt.Sprintf("LoRA %s is removed from the prompts (Preview: give it back)", l))
	}
	root := req.OutputRoot
	if root == "" {
		root = inputs[0].Config.Output.Root
	}
	if root == "" {
		root = pc.Library.OutputDir()
	}
	root, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("output folder: %w", err)
	}
	wc, err := pc.wildcards()
	if err != nil {
		return nil, err
	}
	jobs, bnotes, err := pc.Builder.Build(ctx, inputs, BuildOptions{
		RunMode: req.RunMode, Source: req.Source, RandomizerSeed: randSeed, OutputRoot: root, Wildcards: wc,
	})
	if err != nil {
		return nil, err
	}
	return &Plan{Jobs: jobs, RandomizerSeed: randSeed, Notes: append(notes, bnotes...)}, nil
}

// skipLoRAs turns the named LoRAs off in a config's LoRA strengths (the
// builder then removes their tags), leaving the others as they are.
func skipLoRAs(ls []pipeline.LoRAStrength, skip []string) []pipeline.LoRAStrength {
	if len(skip) == 0 {
		return ls
	}
	out := append([]pipeline.LoRAStrength(nil), ls...)
	for _, name := range skip {
		found := false
		for i := range out {
			if out[i].Name == name {
				out[i].Enabled, found = false, true
			}
		}
		if !found {
			off := pipeline.DefaultLoRAStrength()
			off.Name, off.Enabled = name, false
			out = append(out, off)
		}
	}
	return out
}

// wildcards chains the user's wildcard folder before the shipped samples.
func (pc *PipelineController) wildcards() (random.Wildcards, error) {
	var sources []random.Wildcards
	for _, dir := range pc.Library.WildcardDirs() {
		w, err := random.LoadWildcardDir(dir)
		if err != nil {
			return nil, err
		}
		sources = append(sources, w)
	}
	samples, err := random.LoadWildcardFS(packs.SampleWildcards(), "sample wildcards")
	if err != nil {
		return nil, err
	}
	sources = append(sources, samples)
	return random.Chain(sources...), nil
}

// drawSeed draws a fresh randomizer seed (0 ≤ seed < 2^31, easy to type).
func drawSeed() int64 {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("controller: reading random bytes: %v", err))
	}
	return int64(binary.LittleEndian.Uint64(b[:]) % (1 << 31))
}

// loadPack loads a pack by name, or, when drafts hold its unsaved text,
// reads that text in its place (with the file's path and sidecar).
func (pc *PipelineController) loadPack(name string, drafts map[string][]byte) (*packs.Pack, error) {
	pack, err := pc.Library.LoadPack(name)
	if err != nil {
		return nil, err
	}
	data, ok := drafts[name]
	if !ok {
		return pack, nil
	}
	d, err := packs.ParsePack(data, pack.Path)
	if err != nil {
		return nil, fmt.Errorf("the unsaved edits of pack %s: %w", pack.ID, err)
	}
	d.ID, d.Name, d.Sidecar, d.SidecarPath, d.Source = pack.ID, pack.Name, pack.Sidecar, pack.SidecarPath, data
	return d, nil
}
