package controller

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"stablenew/pipeline"
)

// Experiment limits.
const (
	// MaxExperimentJobs caps cells × seeds: one experiment is one grid a
	// person rates, not a render farm.
	MaxExperimentJobs = 512
	// MaxExperimentSeeds caps the seeds of one experiment.
	MaxExperimentSeeds = 64
	// MaxSweeps is how many settings an experiment varies (X and Y).
	MaxSweeps = 2
	// TypedPromptPackID is the pack id of an experiment on a typed prompt.
	TypedPromptPackID = "prompt"
	// loraSweepPrefix starts a swept LoRA strength: "lora:NAME".
	loraSweepPrefix = "lora:"
	// maxLoRASweepStrength bounds a swept LoRA strength to ±this.
	maxLoRASweepStrength = 5
)

// Sweep is one swept setting of an experiment: a config path such as
// "txt2img.cfg_scale" (or "lora:NAME" for a LoRA's strength) and the values
// it takes, as text exactly as the jobs record them.
type Sweep struct {
	Field  string   `json:"field"`
	Values []string `json:"values"`
}

// Experiment is a Learning experiment: one prompt (a pack row or a typed
// prompt), up to two swept settings (X, then Y) and K seeds, the same K in
// every cell so that cells compare fairly. Everything else is the pack's
// configuration, as Plan resolves it.
type Experiment struct {
	ID string `json:"id"`
	// Pack and Row (from 0) name the prompt row; Prompt, when set, is a
	// typed prompt used instead.
	Pack   string  `json:"pack,omitempty"`
	Row    int     `json:"row"`
	Prompt string  `json:"prompt,omitempty"`
	Sweeps []Sweep `json:"sweeps"`
	Seeds  int     `json:"seeds"`
	// Base, when set, is what an earlier plan of the experiment resolved:
	// PlanExperiment then plans from it instead of the pack, preset and
	// overrides, and makes the same jobs again (ids aside). Plan.Experiment
	// has it filled in; stored experiments and grid images keep it.
	Base *ExperimentBase `json:"base,omitempty"`
}

// ExperimentBase is what planning an experiment resolved: the configuration
// every cell starts from (its first seed fixed), the prompt row's text and
// the randomizer seed.
type ExperimentBase struct {
	Config         pipeline.PipelineConfig `json:"config"`
	PackID         string                  `json:"pack_id"`
	PackPath       string                  `json:"pack_path,omitempty"`
	RowIndex       int                     `json:"row_index"`
	Positive       string                  `json:"positive"`
	Negative       string                  `json:"negative,omitempty"`
	RandomizerSeed int64                   `json:"randomizer_seed"`
}

// Cells is the number of cells: the product of the sweeps' value counts.
func (e *Experiment) Cells() int {
	n := 1
	for _, s := range e.Sweeps {
		n *= len(s.Values)
	}
	return n
}

// NewExperimentID returns a fresh experiment id, short enough to type.
func NewExperimentID() string {
	return "x" + strings.ReplaceAll(uuid.NewString(), "-", "")[:11]
}

// ExperimentCapError is an experiment over MaxExperimentJobs. It states the
// count.
type ExperimentCapError struct {
	Cells, Seeds int
}

func (e *ExperimentCapError) Error() string {
	return fmt.Sprintf("the experiment would make %d jobs (%d cells × %d seeds), over the cap of %d; "+
		"use fewer values or fewer seeds", e.Cells*e.Seeds, e.Cells, e.Seeds, MaxExperimentJobs)
}

// SweepError is a swept setting that cannot be planned: an unknown field or
// a value out of its range. Field is the sweep's field as given.
type SweepError struct {
	Field string
	Err   error
}

func (e *SweepError) Error() string { return e.Field + ": " + e.Err.Error() }
func (e *SweepError) Unwrap() error { return e.Err }

// ParseSweep reads FIELD=VALUES, VALUES being start:end:step (numbers, end
// included) or a comma list. The field is only checked for form here;
// PlanExperiment checks it against the configuration.
func ParseSweep(s string) (Sweep, error) {
	field, vals, ok := strings.Cut(s, "=")
	field = strings.TrimSpace(field)
	if !ok || field == "" {
		return Sweep{}, fmt.Errorf("%q is not FIELD=VALUES (such as txt2img.cfg_scale=5:9:1 or txt2img.sampler_name=Euler,DPM++ 2M)", s)
	}
	if err := checkFieldForm(field); err != nil {
		return Sweep{}, &SweepError{Field: field, Err: err}
	}
	values, err := parseValues(strings.TrimSpace(vals))
	if err != nil {
		return Sweep{}, &SweepError{Field: field, Err: err}
	}
	return Sweep{Field: field, Values: values}, nil
}

// checkFieldForm checks that a field is a dotted path of lowercase words or
// lora:NAME.
func checkFieldForm(field string) error {
	if name, ok := strings.CutPrefix(field, loraSweepPrefix); ok {
		if strings.TrimSpace(name) == "" || strings.ContainsAny(name, ":<>") {
			return errors.New("lora: needs a LoRA name, as in lora:add-detail-xl")
		}
		return nil
	}
	parts := strings.Split(field, ".")
	if len(parts) < 2 {
		return errors.New("not a setting: give section.key, such as txt2img.cfg_scale, hires.denoise or upscale.factor, or lora:NAME")
	}
	for _, p := range parts {
		if p == "" || strings.Trim(p, "abcdefghijklmnopqrstuvwxyz0123456789_") != "" {
			return errors.New("not a setting: give section.key, such as txt2img.cfg_scale, hires.denoise or upscale.factor, or lora:NAME")
		}
	}
	return nil
}

// parseValues reads start:end:step or a comma list.
func parseValues(s string) ([]string, error) {
	if s == "" {
		return nil, errors.New("no values: give start:end:step (5:9:1) or a comma list (5,7,9)")
	}
	if parts := strings.Split(s, ":"); len(parts) == 3 && !strings.Contains(s, ",") {
		return parseRange(parts)
	}
	var out []string
	seen := map[string]bool{}
	for _, v := range strings.Split(s, ",") {
		v = strings.TrimSpace(v)
		if v == "" {
			return nil, fmt.Errorf("empty value in %q", s)
		}
		if seen[v] {
			return nil, fmt.Errorf("value %s is listed twice", v)
		}
		seen[v] = true
		out = append(out, v)
	}
	if len(out) > MaxExperimentJobs {
		return nil, fmt.Errorf("%d values, over the cap of %d jobs", len(out), MaxExperimentJobs)
	}
	return out, nil
}

// parseRange expands start:end:step, end included when the steps reach it.
func parseRange(parts []string) ([]string, error) {
	var nums [3]float64
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, fmt.Errorf("%q is not a number (start:end:step takes numbers)", strings.TrimSpace(p))
		}
		nums[i] = f
	}
	start, end, step := nums[0], nums[1], nums[2]
	if step <= 0 {
		return nil, fmt.Errorf("step must be above 0, got %s", strings.TrimSpace(parts[2]))
	}
	if end < start {
		return nil, fmt.Errorf("end %s is below start %s", strings.TrimSpace(parts[1]), strings.TrimSpace(parts[0]))
	}
	count := math.Floor((end-start)/step+1e-9) + 1
	if count > MaxExperimentJobs {
		return nil, fmt.Errorf("%.0f values, over the cap of %d jobs", count, MaxExperimentJobs)
	}
	decimals := 0
	for _, p := range parts {
		if _, frac, ok := strings.Cut(strings.TrimSpace(p), "."); ok && len(frac) > decimals {
			decimals = len(frac)
		}
	}
	out := make([]string, 0, int(count))
	for i := 0; i < int(count); i++ {
		v := start + float64(i)*step
		out = append(out, strconv.FormatFloat(v, 'f', decimals, 64))
	}
	// Formatting with the inputs' decimals gives 7.5, not 7.500000001, but
	// "1.0" stays "1.0": trim trailing zeros so the values read as typed.
	for i, v := range out {
		if strings.Contains(v, ".") {
			out[i] = strings.TrimRight(strings.TrimRight(v, "0"), ".")
		}
	}
	return out, nil
}

// stageEnabled says whether the section a sweep changes runs, so that the
// sweep would change the images.
func stageEnabled(c *pipeline.PipelineConfig, section string) (bool, bool) {
	switch section {
	case "txt2img":
		return c.Txt2Img.Enabled, true
	case "hires":
		return c.Hires.Enabled && c.Txt2Img.Enabled, true
	case "refiner":
		return c.Refiner.Enabled && c.Txt2Img.Enabled, true
	case "img2img":
		return c.Img2Img.Enabled, true
	case "adetailer":
		return c.ADetailer.Enabled, true
	case "upscale":
		return c.Upscale.Enabled, true
	}
	return false, false
}

// anyPrompt, as applySweepValue's prompt, skips the check that the prompt
// names a swept LoRA (stage cards apply to every prompt).
const anyPrompt = "\x00any"

// ApplyCellValues sets a cell's values (an experiment's winning cell, for
// "Apply best") on c, each checked as a sweep's value is: a field that does
// not exist, a value out of range or a stage that is off in c is a
// SweepError naming the field.
func ApplyCellValues(c pipeline.PipelineConfig, values []pipeline.DimensionValue) (pipeline.PipelineConfig, error) {
	for _, v := range values {
		if err := checkFieldForm(v.Dimension); err != nil {
			return c, &SweepError{Field: v.Dimension, Err: err}
		}
		next, err := applySweepValue(c, v.Dimension, v.Value, anyPrompt)
		if err != nil {
			return c, &SweepError{Field: v.Dimension, Err: err}
		}
		c = next
	}
	return c, nil
}

// applySweepValue sets one swept setting on c and checks the result.
func applySweepValue(c pipeline.PipelineConfig, field, value, prompt string) (pipeline.PipelineConfig, error) {
	if name, ok := strings.CutPrefix(field, loraSweepPrefix); ok {
		f, err := strconv.ParseFloat(value, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return c, fmt.Errorf("a LoRA strength must be a number, got %q", value)
		}
		if math.Abs(f) > maxLoRASweepStrength {
			return c, fmt.Errorf("a LoRA strength must be from %d to %d, got %s", -maxLoRASweepStrength, maxLoRASweepStrength, value)
		}
		if prompt != anyPrompt && !strings.Contains(prompt, "<lora:"+name+":") && !strings.Contains(prompt, "<lora:"+name+">") {
			return c, fmt.Errorf("the prompt has no <lora:%s> tag, so its strength would change nothing; add the tag to the prompt", name)
		}
		loras := make([]pipeline.LoRAStrength, 0, len(c.LoRAs)+1)
		found := false
		for _, l := range c.LoRAs {
			if l.Name == name {
				l.Strength, l.Enabled, found = f, true, true
			}
			loras = append(loras, l)
		}
		if !found {
			l := pipeline.DefaultLoRAStrength()
			l.Name, l.Strength, l.Enabled = name, f, true
			loras = append(loras, l)
		}
		c.LoRAs = loras
		return c, nil
	}
	parts := strings.Split(field, ".")
	if field == "txt2img.seed" {
		return c, errors.New("the experiment sets the seeds itself, the same in every cell: use --seeds K, or the pack's txt2img.seed for the first")
	}
	on, known := stageEnabled(&c, parts[0])
	if !known {
		return c, fmt.Errorf("not a stage setting: an experiment varies a setting of txt2img, hires, refiner, img2img, adetailer or upscale, or lora:NAME")
	}
	if !on && parts[1] != "enabled" {
		return c, fmt.Errorf("the %s stage is off, so this setting would change nothing; turn it on in the pack's settings, the preset or --override", parts[0])
	}
	var doc strings.Builder
	for i, p := range parts {
		doc.WriteString(strings.Repeat("  ", i) + p + ":")
		if i < len(parts)-1 {
			doc.WriteString("\n")
		}
	}
	if _, err := strconv.ParseFloat(value, 64); err == nil {
		doc.WriteString(" " + value)
	} else {
		q, _ := json.Marshal(value) // a string always encodes
		doc.WriteString(" " + string(q))
	}
	p, err := pipeline.ParsePatch([]byte(doc.String()), "value "+value)
	if err != nil {
		return c, err
	}
	out, err := p.ApplyTo(c)
	if err != nil {
		return c, err
	}
	if err := out.Validate(); err != nil {
		return c, fmt.Errorf("value %s: %w", value, err)
	}
	return out, nil
}

// PlanExperiment plans an experiment through the one job path: the prompt
// row under req's preset, sidecar, settings and overrides, one job per cell
// and seed (Y values outer, then X values, then seeds), each with
// LearningContextID set to exp.ID and its cell's values in LearningValues.
// Every job sends a fixed seed: the same K seeds in every cell. The row
// must make one prompt: a randomizer that makes variants would compare
// different prompts.
func (pc *PipelineController) PlanExperiment(ctx context.Context, req RunRequest, exp Experiment) (*Plan, error) {
	if exp.ID == "" {
		return nil, errors.New("experiment: no id")
	}
	if len(exp.Sweeps) == 0 || len(exp.Sweeps) > MaxSweeps {
		return nil, fmt.Errorf("an experiment varies 1 or 2 settings, got %d", len(exp.Sweeps))
	}
	if exp.Sweeps[0].Field == "" || len(exp.Sweeps) == 2 && exp.Sweeps[0].Field == exp.Sweeps[1].Field {
		return nil, &SweepError{Field: exp.Sweeps[len(exp.Sweeps)-1].Field, Err: errors.New("varied twice: give each setting once")}
	}
	if exp.Seeds < 1 || exp.Seeds > MaxExperimentSeeds {
		return nil, fmt.Errorf("seeds must be from 1 to %d, got %d", MaxExperimentSeeds, exp.Seeds)
	}
	for _, s := range exp.Sweeps {
		if len(s.Values) == 0 {
			return nil, &SweepError{Field: s.Field, Err: errors.New("no values")}
		}
	}
	if cells := exp.Cells(); cells*exp.Seeds > MaxExperimentJobs {
		return nil, &ExperimentCapError{Cells: cells, Seeds: exp.Seeds}
	}
	if req.RunMode == "" {
		req.RunMode = pipeline.RunModeQueue
	}
	row, in, cfg, randSeed, notes, err := pc.experimentBase(req, exp)
	if err != nil {
		return nil, err
	}
	// The same K seeds in every cell: the configured seed (or one drawn
	// from the randomizer seed) and the next ones, a batch apart.
	first := resolveBaseSeed(cfg.Txt2Img.Seed, pipeline.SeedFixed, randSeed)
	seeds := make([]int64, exp.Seeds)
	for k := range seeds {
		seeds[k] = (first + int64(k*cfg.Batch.BatchSize)) % (maxSeed + 1)
	}
	cfg.Batch.SeedMode, cfg.Batch.BatchRuns = pipeline.SeedFixed, 1
	resolved := exp
	resolved.Base = &ExperimentBase{Config: cfg, PackID: in.PackID, PackPath: in.PackPath, RowIndex: row.Index,
		Positive: row.Positive, Negative: row.Negative, RandomizerSeed: randSeed}
	resolved.Base.Config.Txt2Img.Seed = first

	// Cells in plan order: the last sweep (Y) outer, the first (X) inner.
	type cell struct {
		cfg    pipeline.PipelineConfig
		values []pipeline.DimensionValue
	}
	cells := []cell{{cfg: cfg}}
	for _, s := range exp.Sweeps {
		next := make([]cell, 0, len(cells)*len(s.Values))
		for _, v := range s.Values {
			for _, c := range cells {
				vc, err := applySweepValue(c.cfg, s.Field, v, row.Positive+" "+cfg.Prompt.Positive)
				if err != nil {
					return nil, &SweepError{Field: s.Field, Err: err}
				}
				vals := append(append([]pipeline.DimensionValue(nil), c.values...), pipeline.DimensionValue{Dimension: s.Field, Value: v})
				next = append(next, cell{cfg: vc, values: vals})
			}
		}
		cells = next
	}
	inputs := make([]PackInput, 0, len(cells)*len(seeds))
	for _, c := range cells {
		for _, seed := range seeds {
			ci := in
			ci.Config = c.cfg
			ci.Config.Txt2Img.Seed = seed
			ci.Rows = []PromptRow{row}
			ci.LearningValues = c.values
			inputs = append(inputs, ci)
		}
	}
	root := req.OutputRoot
	if root == "" {
		root = cfg.Output.Root
	}
	if root == "" {
		root = pc.Library.OutputDir()
	}
	if root, err = filepath.Abs(root); err != nil {
		return nil, fmt.Errorf("output folder: %w", err)
	}
	wc, err := pc.wildcards()
	if err != nil {
		return nil, err
	}
	jobs, bnotes, err := pc.Builder.Build(ctx, inputs, BuildOptions{
		RunMode: req.RunMode, Source: req.Source, LearningContextID: exp.ID,
		RandomizerSeed: randSeed, OutputRoot: root, Wildcards: wc,
	})
	if err != nil {
		return nil, err
	}
	if len(jobs) != len(inputs) {
		return nil, fmt.Errorf("prompt %d of pack %s makes %d variants: an experiment compares one prompt; "+
			"pick a row without {a|b} choices or matrix slots, or turn the randomizer off", row.Index+1, in.PackID, len(jobs)/len(inputs))
	}
	return &Plan{Jobs: jobs, RandomizerSeed: randSeed, Notes: append(notes, bnotes...), Experiment: &resolved}, nil
}

// experimentBase resolves the prompt row, the merged configuration and the
// randomizer seed of an experiment: from exp.Base when an earlier plan
// recorded them, otherwise from the pack (or typed prompt) under req.
func (pc *PipelineController) experimentBase(req RunRequest, exp Experiment) (PromptRow, PackInput, pipeline.PipelineConfig, int64, []string, error) {
	in := PackInput{PackID: TypedPromptPackID}
	if b := exp.Base; b != nil {
		if b.PackID != "" {
			in.PackID, in.PackPath = b.PackID, b.PackPath
		}
		row := PromptRow{Index: b.RowIndex, Positive: b.Positive, Negative: b.Negative}
		if err := b.Config.Validate(); err != nil {
			return row, in, b.Config, 0, nil, fmt.Errorf("experiment %s: its recorded settings: %w", exp.ID, err)
		}
		return row, in, b.Config, b.RandomizerSeed, nil, nil
	}
	var row PromptRow
	var base pipeline.PipelineConfig
	var notes []string
	var err error
	if strings.TrimSpace(exp.Prompt) != "" {
		row = PromptRow{Positive: exp.Prompt}
		base, notes, err = pc.BaseConfig(req, nil)
	} else {
		if exp.Pack == "" {
			return row, in, base, 0, nil, errors.New("no prompt: name a pack and row, or type a prompt")
		}
		pack, lerr := pc.Library.LoadPack(exp.Pack)
		if lerr != nil {
			return row, in, base, 0, nil, lerr
		}
		if exp.Row < 0 || exp.Row >= len(pack.Rows) {
			return row, in, base, 0, nil, fmt.Errorf("pack %s has %d prompt rows; row %d does not exist", pack.ID, len(pack.Rows), exp.Row+1)
		}
		r := pack.Rows[exp.Row]
		row = PromptRow{Index: r.Index, Positive: r.Positive, Negative: r.Negative}
		in.PackID, in.PackPath = pack.ID, pack.Path
		base, notes, err = pc.BaseConfig(req, pack)
	}
	if err != nil {
		return row, in, base, 0, nil, err
	}
	cfg, err := pc.Merger.Merge(base, req.Overrides, req.OverrideEnabled)
	if err != nil {
		return row, in, cfg, 0, nil, err
	}
	cfg.LoRAs = skipLoRAs(cfg.LoRAs, req.SkipLoRAs)
	if err := cfg.Validate(); err != nil {
		return row, in, cfg, 0, nil, fmt.Errorf("pack %s: %w", in.PackID, err)
	}
	randSeed := cfg.Randomizer.Seed
	if req.RandomizerSeed != nil {
		randSeed = *req.RandomizerSeed
	}
	if randSeed < 0 {
		randSeed = drawSeed()
	}
	return row, in, cfg, randSeed, notes, nil
}
