package controller

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"stablenew/pipeline"
	"stablenew/pipeline/output"
	"stablenew/pipeline/random"
)

func init() {
	// Job ids come from a pooled random source: a 10,000-job plan would
	// otherwise make 10,000 reads of the system's random device.
	uuid.EnableRandPool()
}

// maxSeed is the largest seed the WebUI accepts (it draws from [0, 2^32-1)).
const maxSeed = math.MaxUint32 - 1

// PackInput is one prompt pack ready to be expanded: its rows and the merged
// configuration that applies to them.
type PackInput struct {
	PackID   string
	PackPath string
	Rows     []PromptRow
	Config   pipeline.PipelineConfig
	// LearningValues are the experiment cell's values its jobs record (see
	// PlanExperiment); nil for every other plan.
	LearningValues []pipeline.DimensionValue
}

// PromptRow is one prompt row of a pack (or the manual prompt).
type PromptRow struct {
	Index    int
	Positive string
	Negative string
}

// BuildOptions are the plan-wide settings of a build.
type BuildOptions struct {
	RunMode pipeline.RunMode
	Source  pipeline.RunSource
	// LearningContextID names the experiment that made the jobs; "" for
	// every job a user asked for.
	LearningContextID string
	RandomizerSeed    int64 // resolved: never -1
	OutputRoot        string
	Wildcards         random.Wildcards
}

// JobBuilder turns merged pack configurations into JobSpecs: randomizer
// variants × batch runs, with seeds, output folders and randomizer summaries.
// It is pure apart from its clock and id source, which tests replace.
type JobBuilder struct {
	NewID func() string
	Now   func() time.Time
}

// idSource makes job ids: random version-4 UUIDs derived from one random
// base per plan and a counter through a bijective mix, so ids are unique
// (up to 2^32 per plan) without a read of the system's random source per
// job.
type idSource struct {
	base uuid.UUID
	n    uint64
}

func newIDSource() *idSource { return &idSource{base: uuid.New()} }

func (s *idSource) uuid() uuid.UUID {
	s.n++
	id := s.base
	// The counter's mix goes into the first four bytes: a bijection of a
	// 32-bit counter, so the ids of one plan differ already in their first
	// 8 characters (lists show them cut to 8) and never repeat.
	x := mix32(uint32(s.n))
	for i := 0; i < 4; i++ {
		id[i] ^= byte(x >> (8 * i))
	}
	return id
}

// block returns a function giving n ids that share one string allocation
// (written once, never copied).
func (s *idSource) block(n int) func() string {
	const l = 36
	const digits = "0123456789abcdef"
	var all strings.Builder
	all.Grow(n * l)
	var d [l]byte
	for i := 0; i < n; i++ {
		id := s.uuid()
		k := 0
		for j, x := range id {
			if j == 4 || j == 6 || j == 8 || j == 10 {
				d[k] = '-'
				k++
			}
			d[k], d[k+1] = digits[x>>4], digits[x&0xf]
			k += 2
		}
		all.Write(d[:])
	}
	ids := all.String()
	k := 0
	return func() string {
		id := ids[k*l : (k+1)*l]
		k++
		return id
	}
}

func (b JobBuilder) now() time.Time {
	if b.Now != nil {
		return b.Now()
	}
	return time.Now()
}

// packPlan is a pack whose rows have been planned (counted) but not built.
type packPlan struct {
	in       PackInput
	rows     []*random.RowPlan
	variants int
	jobs     int
	notes    []string
	folder   *output.Template
}

// CapError is a plan over the variant cap. It states the full count.
type CapError struct {
	PackID    string
	Variants  int
	BatchRuns int
	Jobs      int
	Cap       int
}

func (e *CapError) Error() string {
	return fmt.Sprintf("pack %s would make %d jobs (%d variants × %d batch runs), over the cap of %d; "+
		"narrow the randomizer, lower batch runs or raise randomizer.max_variants (up to %d)",
		e.PackID, e.Jobs, e.Variants, e.BatchRuns, e.Cap, pipeline.HardMaxVariants)
}

// count plans every row of every pack and checks the caps, before any
// JobSpec is made.
func (b JobBuilder) count(ctx context.Context, inputs []PackInput, opts BuildOptions) ([]*packPlan, int, error) {
	plans := make([]*packPlan, 0, len(inputs))
	total := 0
	for _, in := range inputs {
		cfg := in.Config
		if err := cfg.Validate(); err != nil {
			return nil, 0, fmt.Errorf("pack %s: %w", in.PackID, err)
		}
		exp, err := random.NewExpander(cfg.Randomizer, opts.Wildcards, opts.RandomizerSeed)
		if err != nil {
			return nil, 0, fmt.Errorf("pack %s: %w", in.PackID, err)
		}
		pp := &packPlan{in: in}
		if pp.folder, err = output.ParseTemplate(cfg.Output.FolderTemplate); err != nil {
			return nil, 0, fmt.Errorf("pack %s: output.folder_template: %w", in.PackID, err)
		}
		if _, err := output.ParseTemplate(cfg.Output.FilenameTemplate); err != nil {
			return nil, 0, fmt.Errorf("pack %s: output.filename_template: %w", in.PackID, err)
		}
		for _, row := range in.Rows {
			if err := ctx.Err(); err != nil {
				return nil, 0, err
			}
			rp, err := exp.PlanRow(row.Index, row.Positive, row.Negative)
			if err != nil {
				return nil, 0, fmt.Errorf("pack %s, prompt %d: %w", in.PackID, row.Index+1, err)
			}
			for _, n := range rp.Notes {
				pp.notes = append(pp.notes, fmt.Sprintf("pack %s, prompt %d: %s", in.PackID, row.Index+1, n))
			}
			pp.rows = append(pp.rows, rp)
			pp.variants += rp.Count()
		}
		pp.jobs = pp.variants * cfg.Batch.BatchRuns
		if pp.jobs > cfg.Randomizer.MaxVariants {
			return nil, 0, &CapError{PackID: in.PackID, Variants: pp.variants, BatchRuns: cfg.Batch.BatchRuns, Jobs: pp.jobs, Cap: cfg.Randomizer.MaxVariants}
		}
		total += pp.jobs
		plans = append(plans, pp)
	}
	return plans, total, nil
}

// EmptyPromptError is a prompt row whose variant comes out as an empty
// prompt: an input error, never a job.
type EmptyPromptError struct {
	PackID  string
	Row     int // from 0
	Variant int // from 0
}

func (e *EmptyPromptError) Error() string {
	return fmt.Sprintf("pack %s, prompt %d, variant %d: the prompt comes out empty; "+
		"give the row words of its own, or remove the empty choice ({|}, an empty wildcard or slot value) that left nothing",
		e.PackID, e.Row+1, e.Variant+1)
}

// jobMaker is the one place JobSpecs are made, for packs (Build) and for
// existing images (BuildImages): the plan's id source, clock, run metadata
// and output root.
type jobMaker struct {
	newID   func() string
	created time.Time
	opts    BuildOptions
}

func (b JobBuilder) maker(opts BuildOptions, total int) *jobMaker {
	newID := b.NewID
	if newID == nil {
		newID = newIDSource().block(total)
	}
	return &jobMaker{newID: newID, created: b.now(), opts: opts}
}

// job completes j, in place, with its id, run metadata and creation time.
func (m *jobMaker) job(j *pipeline.JobSpec) {
	j.JobID = m.newID()
	j.RunMode, j.Source = m.opts.RunMode, m.opts.Source
	j.LearningContextID = m.opts.LearningContextID
	j.RandomizerSeed = m.opts.RandomizerSeed
	j.CreatedAt = m.created
	j.FilenameTemplate = j.Config.Output.FilenameTemplate
}

// folder renders the folder template of j under the output root.
func (m *jobMaker) folder(t *output.Template, j *pipeline.JobSpec) (string, error) {
	rel, err := t.Render(j.Tokens())
	if err != nil {
		return "", err
	}
	return filepath.Join(m.opts.OutputRoot, filepath.FromSlash(rel)), nil
}

// Build expands the packs into JobSpecs in plan order: pack, prompt row,
// variant, batch run.
func (b JobBuilder) Build(ctx context.Context, inputs []PackInput, opts BuildOptions) ([]pipeline.JobSpec, []string, error) {
	plans, total, err := b.count(ctx, inputs, opts)
	if err != nil {
		return nil, nil, err
	}
	// Jobs are built in place in the plan's one slice, not copied into it.
	jobs := make([]pipeline.JobSpec, total)
	k := 0
	m := b.maker(opts, total)
	var notes []string
	// images counts the images planned so far, over every pack: in
	// increment mode each job's seed follows the images before it, so no
	// two images of the plan share a seed.
	images := 0
	for _, pp := range plans {
		notes = append(notes, pp.notes...)
		cfg := &pp.in.Config
		baseSeed := resolveBaseSeed(cfg.Txt2Img.Seed, cfg.Batch.SeedMode, opts.RandomizerSeed)
		lora := newLoRARewriter(cfg.LoRAs)
		// A folder template without job-level tokens renders once per variant.
		perJob := pp.folder.Uses("batch", "seed", "job_id")
		perVariant := perJob || pp.folder.Uses("prompt_index", "variant", "model", "prompt_words", "sampler", "steps", "cfg", "width", "height")
		dir := ""
		for ri, rp := range pp.rows {
			row := pp.in.Rows[ri]
			n := rp.Count()
			for vi := 0; vi < n; vi++ {
				if vi%64 == 0 {
					if err := ctx.Err(); err != nil {
						return nil, nil, err
					}
				}
				v, err := rp.Variant(vi)
				if err != nil {
					return nil, nil, fmt.Errorf("pack %s, prompt %d, variant %d: %w", pp.in.PackID, row.Index+1, vi+1, err)
				}
				vcfg := new(pipeline.PipelineConfig)
				variantConfig(vcfg, cfg, v, lora)
				embeddings := embeddingNames(v, cfg)
				if strings.TrimSpace(vcfg.Prompt.Positive) == "" {
					return nil, nil, &EmptyPromptError{PackID: pp.in.PackID, Row: row.Index, Variant: vi}
				}
				// The pack's configuration was validated whole; only a sweep
				// can make a variant's stage settings invalid.
				if v.Sweep.IsZero() {
					err = nil
				} else {
					err = vcfg.ValidateStages()
				}
				if err != nil {
					return nil, nil, fmt.Errorf("pack %s, prompt %d, variant %d: %w", pp.in.PackID, row.Index+1, vi+1, err)
				}
				if perVariant {
					dir = ""
				}
				for bi := 0; bi < cfg.Batch.BatchRuns; bi++ {
					job := &jobs[k]
					k++
					*job = pipeline.JobSpec{
						PackID:            pp.in.PackID,
						PackPath:          pp.in.PackPath,
						PromptIndex:       row.Index,
						Config:            vcfg,
						VariantIndex:      vi,
						VariantTotal:      n,
						BatchIndex:        bi,
						BatchTotal:        cfg.Batch.BatchRuns,
						Seed:              jobSeed(cfg.Batch.SeedMode, baseSeed, images),
						SeedMode:          cfg.Batch.SeedMode,
						Template:          row.Positive,
						RandomizerSummary: v.Picks,
						Embeddings:        embeddings,
						LearningValues:    pp.in.LearningValues,
					}
					m.job(job)
					if dir == "" || perJob {
						if dir, err = m.folder(pp.folder, job); err != nil {
							return nil, nil, fmt.Errorf("pack %s: output.folder_template: %w", pp.in.PackID, err)
						}
					}
					job.OutputDir = dir
					images += cfg.Batch.BatchSize
				}
			}
		}
	}
	return jobs[:k], notes, nil
}

// ImageInput is one image the user already has, ready to be built into a
// job (reprocess): its resolved configuration, whose first stage reads the
// image, with the final prompts.
type ImageInput struct {
	Config *pipeline.PipelineConfig
	// Seed is the seed the job sends (the image's own, or -1).
	Seed int64
	// Template is the prompt as shown in lists (the image's own prompt).
	Template string
}

// BuildImages makes one JobSpec per image, in order: pack id "reprocess",
// the image as PackPath and its position as PromptIndex. Each job makes one
// image per stage.
func (b JobBuilder) BuildImages(ctx context.Context, images []ImageInput, opts BuildOptions) ([]pipeline.JobSpec, error) {
	m := b.maker(opts, len(images))
	jobs := make([]pipeline.JobSpec, 0, len(images))
	var folder *output.Template
	for i, in := range images {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		var err error
		if folder == nil || folder.String() != in.Config.Output.FolderTemplate {
			if folder, err = output.ParseTemplate(in.Config.Output.FolderTemplate); err != nil {
				return nil, fmt.Errorf("output.folder_template: %w", err)
			}
		}
		jobs = append(jobs, pipeline.JobSpec{
			PackID: ReprocessPackID, PackPath: in.Config.Img2Img.InputImage, PromptIndex: i, Config: in.Config,
			VariantTotal: 1, BatchTotal: 1, Seed: in.Seed, SeedMode: pipeline.SeedFixed, Template: in.Template,
		})
		job := &jobs[len(jobs)-1]
		m.job(job)
		if job.OutputDir, err = m.folder(folder, job); err != nil {
			return nil, fmt.Errorf("output.folder_template: %w", err)
		}
	}
	return jobs, nil
}

// variantConfig makes the resolved configuration of one variant: the pack's
// merged configuration with the variant's prompts and sweep values. It is a
// shallow copy, made in c: the slices are shared with cfg, and nobody
// modifies either.
func variantConfig(c, cfg *pipeline.PipelineConfig, v random.Variant, lora *loraRewriter) {
	*c = *cfg
	v.Sweep.Apply(c)
	c.Prompt.Positive = bareEmbeddings(lora.rewrite(joinPrompt(v.Positive, cfg.Prompt.Positive)))
	neg := joinPrompt(v.Negative, cfg.Prompt.Negative)
	if cfg.Prompt.ApplyGlobalNegative {
		neg = joinPrompt(neg, cfg.Prompt.GlobalNegative)
	}
	c.Prompt.Negative = bareEmbeddings(neg)
}

// embeddingNames lists the embeddings a variant's prompts name with
// <embedding:name> tags (before bareEmbeddings makes them bare words), each
// once, or nil.
func embeddingNames(v random.Variant, cfg *pipeline.PipelineConfig) []string {
	out := appendEmbeddings(nil, v.Positive)
	out = appendEmbeddings(out, cfg.Prompt.Positive)
	out = appendEmbeddings(out, v.Negative)
	out = appendEmbeddings(out, cfg.Prompt.Negative)
	if cfg.Prompt.ApplyGlobalNegative {
		out = appendEmbeddings(out, cfg.Prompt.GlobalNegative)
	}
	return out
}

// appendEmbeddings adds the names of p's <embedding:name> tags not in out
// yet.
func appendEmbeddings(out []string, p string) []string {
	if !strings.Contains(p, "<embedding:") {
		return out
	}
	for _, m := range embeddingTag.FindAllStringSubmatch(p, -1) {
		if !slices.Contains(out, m[1]) {
			out = append(out, m[1])
		}
	}
	return out
}

// embeddingTag matches the original StableNew's <embedding:name> tags.
var embeddingTag = regexp.MustCompile(`<embedding:\s*([^>]+?)\s*>`)

// bareEmbeddings rewrites <embedding:name> to name: the WebUI activates a
// textual-inversion embedding by its bare name and would read the tag as
// plain words.
func bareEmbeddings(prompt string) string {
	if !strings.Contains(prompt, "<embedding:") {
		return prompt
	}
	return embeddingTag.ReplaceAllString(prompt, "$1")
}

// joinPrompt joins two prompt parts with ", ", skipping empty ones.
func joinPrompt(a, b string) string {
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return strings.TrimRight(a, ", ") + ", " + b
}

// resolveBaseSeed draws the base seed from the randomizer seed when it is -1
// and the seed mode needs one.
func resolveBaseSeed(seed int64, mode pipeline.SeedMode, randomizerSeed int64) int64 {
	if mode == pipeline.SeedRandom {
		return -1
	}
	if seed >= 0 {
		return seed
	}
	return int64(splitmix64(uint64(randomizerSeed)) % (maxSeed + 1))
}

// jobSeed is the seed a job sends when the plan's jobs before it make
// images images: in increment mode its first image follows theirs.
func jobSeed(mode pipeline.SeedMode, base int64, images int) int64 {
	switch mode {
	case pipeline.SeedRandom:
		return -1
	case pipeline.SeedIncrement:
		return (base + int64(images)) % (maxSeed + 1)
	}
	return base
}

// mix32 is a bijection of uint32 (the "lowbias32" integer hash: every step
// is invertible), spreading consecutive counters over all 32 bits.
func mix32(x uint32) uint32 {
	x ^= x >> 16
	x *= 0x7feb352d
	x ^= x >> 15
	x *= 0x846ca68b
	x ^= x >> 16
	return x
}

// splitmix64 is a fast, well-mixed hash of a 64-bit value.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// loraTag matches <lora:name:weight> and <lora:name> tags.
var loraTag = regexp.MustCompile(`<lora:([^:>]+)(?::([^:>]*))?(:[^>]*)?>`)

// loraRewriter applies the LoRA strengths to the tags of a prompt.
type loraRewriter struct {
	byName map[string]pipeline.LoRAStrength
}

func newLoRARewriter(loras []pipeline.LoRAStrength) *loraRewriter {
	if len(loras) == 0 {
		return nil
	}
	m := make(map[string]pipeline.LoRAStrength, len(loras))
	for _, l := range loras {
		m[l.Name] = l
	}
	return &loraRewriter{byName: m}
}

// rewrite sets each listed LoRA's tag to its strength, removes the tags of
// disabled LoRAs, and leaves unlisted tags alone.
func (r *loraRewriter) rewrite(prompt string) string {
	if r == nil || !strings.Contains(prompt, "<lora:") {
		return prompt
	}
	out := loraTag.ReplaceAllStringFunc(prompt, func(tag string) string {
		m := loraTag.FindStringSubmatch(tag)
		l, ok := r.byName[m[1]]
		if !ok {
			return tag
		}
		if !l.Enabled {
			return ""
		}
		return "<lora:" + m[1] + ":" + strconv.FormatFloat(l.Strength, 'f', -1, 64) + m[3] + ">"
	})
	return strings.Join(strings.Fields(out), " ")
}
