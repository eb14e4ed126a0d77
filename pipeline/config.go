// Package pipeline holds StableNew's one job configuration, PipelineConfig,
// with its defaults, validation, file formats and the ConfigMerger, plus the
// JobSpec that the preview shows, the queue stores and the runner executes.
//
// The package imports nothing of the GUI, the app or the controllers.
package pipeline

// PipelineConfig is the one typed job configuration. Presets, pack sidecars
// and stage overrides are all (partial) documents of this shape, and every
// JobSpec carries a fully resolved PipelineConfig.
//
// The YAML and JSON keys are the names a user writes in a preset or sidecar;
// they are also the key paths that Validate and the file loaders report.
type PipelineConfig struct {
	Txt2Img    Txt2ImgConfig    `json:"txt2img" yaml:"txt2img"`
	Hires      HiresConfig      `json:"hires" yaml:"hires"`
	Refiner    RefinerConfig    `json:"refiner" yaml:"refiner"`
	Img2Img    Img2ImgConfig    `json:"img2img" yaml:"img2img"`
	ADetailer  ADetailerConfig  `json:"adetailer" yaml:"adetailer"`
	Upscale    UpscaleConfig    `json:"upscale" yaml:"upscale"`
	Prompt     PromptConfig     `json:"prompt" yaml:"prompt"`
	LoRAs      []LoRAStrength   `json:"lora_strengths" yaml:"lora_strengths"`
	Batch      BatchConfig      `json:"batch" yaml:"batch"`
	Output     OutputConfig     `json:"output" yaml:"output"`
	Randomizer RandomizerConfig `json:"randomizer" yaml:"randomizer"`
}

// Txt2ImgConfig is the txt2img stage card: the base generation settings.
// Model, VAE, sampler, scheduler and clip skip also apply to later stages
// unless a stage sets its own.
type Txt2ImgConfig struct {
	Enabled bool `json:"enabled" yaml:"enabled"`
	// Model is the checkpoint title or name as the WebUI lists it; empty keeps
	// whatever the WebUI has loaded.
	Model string `json:"model" yaml:"model"`
	// VAE is a VAE file name; empty means the model default.
	VAE       string  `json:"vae" yaml:"vae"`
	Sampler   string  `json:"sampler_name" yaml:"sampler_name"`
	Scheduler string  `json:"scheduler" yaml:"scheduler"`
	Steps     int     `json:"steps" yaml:"steps"`
	CFGScale  float64 `json:"cfg_scale" yaml:"cfg_scale"`
	Width     int     `json:"width" yaml:"width"`
	Height    int     `json:"height" yaml:"height"`
	ClipSkip  int     `json:"clip_skip" yaml:"clip_skip"`
	// Seed is the base seed; -1 means "draw one" (see BatchConfig.SeedMode).
	Seed            int64   `json:"seed" yaml:"seed"`
	Subseed         int64   `json:"subseed" yaml:"subseed"`
	SubseedStrength float64 `json:"subseed_strength" yaml:"subseed_strength"`
}

// HiresConfig is the hires fix, a second pass inside the txt2img request.
type HiresConfig struct {
	Enabled  bool    `json:"enabled" yaml:"enabled"`
	Upscaler string  `json:"upscaler" yaml:"upscaler"`
	Scale    float64 `json:"scale" yaml:"scale"`
	// ResizeX and ResizeY, when either is non-zero, set the target size and
	// take precedence over Scale (the WebUI keeps the aspect ratio when only
	// one is set).
	ResizeX int `json:"resize_x" yaml:"resize_x"`
	ResizeY int `json:"resize_y" yaml:"resize_y"`
	// Steps is the second-pass step count; 0 means the same as txt2img.
	Steps   int     `json:"steps" yaml:"steps"`
	Denoise float64 `json:"denoise" yaml:"denoise"`
	// Checkpoint is the hires model; empty means the base model.
	Checkpoint string `json:"checkpoint" yaml:"checkpoint"`
	// Sampler and Scheduler empty mean the same as the first pass.
	Sampler   string `json:"sampler_name" yaml:"sampler_name"`
	Scheduler string `json:"scheduler" yaml:"scheduler"`
}

// RefinerConfig is the SDXL refiner, switched to inside the txt2img request.
type RefinerConfig struct {
	Enabled    bool   `json:"enabled" yaml:"enabled"`
	Checkpoint string `json:"checkpoint" yaml:"checkpoint"`
	// SwitchAt is the fraction of the steps after which the refiner takes
	// over, strictly between 0 and 1.
	SwitchAt float64 `json:"switch_at" yaml:"switch_at"`
}

// Img2ImgConfig is the img2img stage card. It refines the previous stage's
// images, or starts from InputImage when it is the first stage.
type Img2ImgConfig struct {
	Enabled bool `json:"enabled" yaml:"enabled"`
	// Sampler, Scheduler empty, Steps or CFGScale 0 mean the txt2img values.
	Sampler   string  `json:"sampler_name" yaml:"sampler_name"`
	Scheduler string  `json:"scheduler" yaml:"scheduler"`
	Steps     int     `json:"steps" yaml:"steps"`
	CFGScale  float64 `json:"cfg_scale" yaml:"cfg_scale"`
	Denoise   float64 `json:"denoise" yaml:"denoise"`
	// ResizeMode is the WebUI's resize_mode: 0 just resize, 1 crop and
	// resize, 2 resize and fill, 3 latent upscale.
	ResizeMode int `json:"resize_mode" yaml:"resize_mode"`
	// Width and Height 0 inherit the input image's size.
	Width  int `json:"width" yaml:"width"`
	Height int `json:"height" yaml:"height"`
	// InputImage is an image file to start from when txt2img is off.
	InputImage string `json:"input_image" yaml:"input_image"`
}

// ADetailerConfig is the ADetailer card: face, hand or body detailing run as
// an always-on script inside the last generation request.
type ADetailerConfig struct {
	Enabled bool            `json:"enabled" yaml:"enabled"`
	Units   []ADetailerUnit `json:"units" yaml:"units"`
}

// ADetailerUnit is one ADetailer tab. The keys are ADetailer's own unit keys
// (extension v25.3.0), so a unit goes to the WebUI as it is.
type ADetailerUnit struct {
	Model                    string  `json:"ad_model" yaml:"ad_model"`
	ModelClasses             string  `json:"ad_model_classes" yaml:"ad_model_classes"`
	TabEnable                bool    `json:"ad_tab_enable" yaml:"ad_tab_enable"`
	Prompt                   string  `json:"ad_prompt" yaml:"ad_prompt"`
	NegativePrompt           string  `json:"ad_negative_prompt" yaml:"ad_negative_prompt"`
	Confidence               float64 `json:"ad_confidence" yaml:"ad_confidence"`
	MaskFilterMethod         string  `json:"ad_mask_filter_method" yaml:"ad_mask_filter_method"`
	MaskK                    int     `json:"ad_mask_k" yaml:"ad_mask_k"`
	MaskMinRatio             float64 `json:"ad_mask_min_ratio" yaml:"ad_mask_min_ratio"`
	MaskMaxRatio             float64 `json:"ad_mask_max_ratio" yaml:"ad_mask_max_ratio"`
	DilateErode              int     `json:"ad_dilate_erode" yaml:"ad_dilate_erode"`
	XOffset                  int     `json:"ad_x_offset" yaml:"ad_x_offset"`
	YOffset                  int     `json:"ad_y_offset" yaml:"ad_y_offset"`
	MaskMergeInvert          string  `json:"ad_mask_merge_invert" yaml:"ad_mask_merge_invert"`
	MaskBlur                 int     `json:"ad_mask_blur" yaml:"ad_mask_blur"`
	DenoisingStrength        float64 `json:"ad_denoising_strength" yaml:"ad_denoising_strength"`
	InpaintOnlyMasked        bool    `json:"ad_inpaint_only_masked" yaml:"ad_inpaint_only_masked"`
	InpaintOnlyMaskedPadding int     `json:"ad_inpaint_only_masked_padding" yaml:"ad_inpaint_only_masked_padding"`
	UseInpaintWidthHeight    bool    `json:"ad_use_inpaint_width_height" yaml:"ad_use_inpaint_width_height"`
	InpaintWidth             int     `json:"ad_inpaint_width" yaml:"ad_inpaint_width"`
	InpaintHeight            int     `json:"ad_inpaint_height" yaml:"ad_inpaint_height"`
	UseSteps                 bool    `json:"ad_use_steps" yaml:"ad_use_steps"`
	Steps                    int     `json:"ad_steps" yaml:"ad_steps"`
	UseCFGScale              bool    `json:"ad_use_cfg_scale" yaml:"ad_use_cfg_scale"`
	CFGScale                 float64 `json:"ad_cfg_scale" yaml:"ad_cfg_scale"`
	UseCheckpoint            bool    `json:"ad_use_checkpoint" yaml:"ad_use_checkpoint"`
	Checkpoint               string  `json:"ad_checkpoint" yaml:"ad_checkpoint"`
	UseVAE                   bool    `json:"ad_use_vae" yaml:"ad_use_vae"`
	VAE                      string  `json:"ad_vae" yaml:"ad_vae"`
	UseSampler               bool    `json:"ad_use_sampler" yaml:"ad_use_sampler"`
	Sampler                  string  `json:"ad_sampler" yaml:"ad_sampler"`
	Scheduler                string  `json:"ad_scheduler" yaml:"ad_scheduler"`
	UseNoiseMultiplier       bool    `json:"ad_use_noise_multiplier" yaml:"ad_use_noise_multiplier"`
	NoiseMultiplier          float64 `json:"ad_noise_multiplier" yaml:"ad_noise_multiplier"`
	UseClipSkip              bool    `json:"ad_use_clip_skip" yaml:"ad_use_clip_skip"`
	ClipSkip                 int     `json:"ad_clip_skip" yaml:"ad_clip_skip"`
	RestoreFace              bool    `json:"ad_restore_face" yaml:"ad_restore_face"`
	ControlNetModel          string  `json:"ad_controlnet_model" yaml:"ad_controlnet_model"`
	ControlNetModule         string  `json:"ad_controlnet_module" yaml:"ad_controlnet_module"`
	ControlNetWeight         float64 `json:"ad_controlnet_weight" yaml:"ad_controlnet_weight"`
	ControlNetGuidanceStart  float64 `json:"ad_controlnet_guidance_start" yaml:"ad_controlnet_guidance_start"`
	ControlNetGuidanceEnd    float64 `json:"ad_controlnet_guidance_end" yaml:"ad_controlnet_guidance_end"`
}

// UpscaleConfig is the upscale stage, run through the WebUI's extras
// endpoint (extra-single-image) after every generation stage.
type UpscaleConfig struct {
	Enabled             bool    `json:"enabled" yaml:"enabled"`
	Upscaler1           string  `json:"upscaler_1" yaml:"upscaler_1"`
	Upscaler2           string  `json:"upscaler_2" yaml:"upscaler_2"`
	Upscaler2Visibility float64 `json:"upscaler_2_visibility" yaml:"upscaler_2_visibility"`
	// Factor scales the image (the WebUI's upscaling_resize) unless
	// TargetWidth and TargetHeight are both set.
	Factor               float64 `json:"factor" yaml:"factor"`
	TargetWidth          int     `json:"target_width" yaml:"target_width"`
	TargetHeight         int     `json:"target_height" yaml:"target_height"`
	GFPGANVisibility     float64 `json:"gfpgan_visibility" yaml:"gfpgan_visibility"`
	CodeFormerVisibility float64 `json:"codeformer_visibility" yaml:"codeformer_visibility"`
	CodeFormerWeight     float64 `json:"codeformer_weight" yaml:"codeformer_weight"`
}

// PromptConfig holds the prompts. In a preset or sidecar it holds extra text
// and the global negative; in a JobSpec Positive and Negative are final: the
// randomizer has run and the global negative has been appended.
type PromptConfig struct {
	Positive string `json:"positive" yaml:"positive"`
	Negative string `json:"negative" yaml:"negative"`
	// GlobalNegative is appended to every negative prompt as
	// "<negative>, <global>" when ApplyGlobalNegative is on.
	GlobalNegative      string `json:"global_negative" yaml:"global_negative"`
	ApplyGlobalNegative bool   `json:"apply_global_negative" yaml:"apply_global_negative"`
}

// LoRAStrength sets the weight of a LoRA named in the prompts. At plan time
// the builder rewrites each <lora:name:w> tag to this strength, and removes
// the tag when Enabled is false.
type LoRAStrength struct {
	Name     string  `json:"name" yaml:"name"`
	Strength float64 `json:"strength" yaml:"strength"`
	Enabled  bool    `json:"enabled" yaml:"enabled"`
}

// BatchConfig holds batch_size (images per WebUI request, all of them saved),
// batch_runs (separate jobs per variant) and the seed mode.
type BatchConfig struct {
	BatchSize int      `json:"batch_size" yaml:"batch_size"`
	BatchRuns int      `json:"batch_runs" yaml:"batch_runs"`
	SeedMode  SeedMode `json:"seed_mode" yaml:"seed_mode"`
}

// SeedMode says how jobs get their seeds.
//
//   - fixed: every job uses Txt2Img.Seed. A seed of -1 is drawn once, from the
//     randomizer seed, so every job of the plan shares it.
//   - increment: job k in plan order gets seed + k × batch_size, so no two
//     images of the plan share a seed (seed 100, batch_size 2: 100, 102, 104).
//     A seed of -1 draws the base once from the randomizer seed.
//   - random: every job sends -1 and the WebUI picks; the actual seed is
//     recorded after the run.
type SeedMode string

// The seed modes.
const (
	SeedFixed     SeedMode = "fixed"
	SeedIncrement SeedMode = "increment"
	SeedRandom    SeedMode = "random"
)

// SeedModes lists the seed modes in the order the GUI offers them.
var SeedModes = []SeedMode{SeedFixed, SeedIncrement, SeedRandom}

// OutputConfig says where images go and how they are named.
type OutputConfig struct {
	// Root is the output folder; empty means "output" under the data folder.
	Root string `json:"root" yaml:"root"`
	// FolderTemplate and FilenameTemplate use tokens such as {date} {pack}
	// {seed} (see pipeline/output). The folder template may contain "/".
	FolderTemplate   string `json:"folder_template" yaml:"folder_template"`
	FilenameTemplate string `json:"filename_template" yaml:"filename_template"`
	// Format is png, jpg or webp.
	Format string `json:"format" yaml:"format"`
}

// RandomizerConfig expands each prompt row into variants. Each dimension is
// exhaustive (every value, multiplying the variants), cyclic (one value per
// variant, advancing) or random (one seeded pick per variant).
type RandomizerConfig struct {
	Enabled bool `json:"enabled" yaml:"enabled"`
	// Seed drives every random choice of a plan; -1 draws a fresh seed at
	// plan time, which the JobSpecs record so the plan can be reproduced.
	Seed int64 `json:"seed" yaml:"seed"`
	// MaxVariants caps the number of jobs a plan may produce (variants ×
	// batch runs over all rows and packs); a bigger plan is an error that
	// states the full count.
	MaxVariants int `json:"max_variants" yaml:"max_variants"`
	// RandomSamples is how many variants a prompt row gets from its random
	// dimensions (a row with only exhaustive dimensions ignores it).
	RandomSamples int            `json:"random_samples" yaml:"random_samples"`
	Matrix        MatrixConfig   `json:"matrix" yaml:"matrix"`
	Wildcards     WildcardConfig `json:"wildcards" yaml:"wildcards"`
	Variants      VariantsConfig `json:"variants" yaml:"variants"`
	SearchReplace SRConfig       `json:"prompt_sr" yaml:"prompt_sr"`
	Sweeps        SweepConfig    `json:"sweeps" yaml:"sweeps"`
}

// MatrixConfig fills [[slot]] placeholders.
type MatrixConfig struct {
	Enabled bool `json:"enabled" yaml:"enabled"`
	// Mode is fanout (every combination, last slot fastest), rotate (one
	// combination per variant, cycling), sequential (one per prompt row,
	// advancing) or random (one seeded pick per variant).
	Mode string `json:"mode" yaml:"mode"`
	// PromptMode says how BasePrompt meets the pack prompt: replace, append
	// ("pack, base") or prepend ("base, pack"). An empty BasePrompt is ignored.
	PromptMode string       `json:"prompt_mode" yaml:"prompt_mode"`
	BasePrompt string       `json:"base_prompt" yaml:"base_prompt"`
	Limit      int          `json:"limit" yaml:"limit"` // fanout combinations per row; 0 = no limit
	Slots      []MatrixSlot `json:"slots" yaml:"slots"`
}

// MatrixSlot is one [[name]] slot and its values.
type MatrixSlot struct {
	Name   string   `json:"name" yaml:"name"`
	Values []string `json:"values" yaml:"values"`
}

// WildcardConfig fills __token__ placeholders, from the listed tokens first
// and from wildcard files otherwise.
type WildcardConfig struct {
	Enabled bool `json:"enabled" yaml:"enabled"`
	// Mode is random, sequential or fanout.
	Mode   string          `json:"mode" yaml:"mode"`
	Tokens []WildcardToken `json:"tokens" yaml:"tokens"`
}

// WildcardToken gives the values of one __token__.
type WildcardToken struct {
	Token  string   `json:"token" yaml:"token"`
	Values []string `json:"values" yaml:"values"`
}

// VariantsConfig expands inline sd-dynamic-prompts syntax such as {a|b}.
type VariantsConfig struct {
	Enabled bool `json:"enabled" yaml:"enabled"`
	// Mode is combinatorial (every prompt, leftmost group slowest) or random.
	Mode string `json:"mode" yaml:"mode"`
}

// SRConfig is prompt search/replace: each rule's search text is replaced by
// one of its replacements.
type SRConfig struct {
	Enabled bool `json:"enabled" yaml:"enabled"`
	// Mode is random, round_robin or fanout.
	Mode  string   `json:"mode" yaml:"mode"`
	Rules []SRRule `json:"rules" yaml:"rules"`
}

// SRRule replaces Search with one of Replacements.
type SRRule struct {
	Search       string   `json:"search" yaml:"search"`
	Replacements []string `json:"replacements" yaml:"replacements"`
}

// SweepConfig varies txt2img settings across variants. An empty list leaves
// the setting alone.
type SweepConfig struct {
	Enabled bool `json:"enabled" yaml:"enabled"`
	// Mode is fanout (every combination) or random (one seeded pick per
	// variant).
	Mode       string    `json:"mode" yaml:"mode"`
	Models     []string  `json:"models" yaml:"models"`
	Samplers   []string  `json:"samplers" yaml:"samplers"`
	Schedulers []string  `json:"schedulers" yaml:"schedulers"`
	CFGScales  []float64 `json:"cfg_scales" yaml:"cfg_scales"`
	Steps      []int     `json:"steps" yaml:"steps"`
	// Sizes are "WIDTHxHEIGHT" strings such as "832x1216".
	Sizes []string `json:"sizes" yaml:"sizes"`
}

// Clone returns a deep copy: the copy shares no slice with c, so either can
// change without touching the other.
func (c PipelineConfig) Clone() PipelineConfig {
	out := c
	out.ADetailer.Units = cloneSlice(c.ADetailer.Units)
	out.LoRAs = cloneSlice(c.LoRAs)
	out.Randomizer = c.Randomizer.Clone()
	return out
}

// Clone returns a deep copy of the randomizer settings.
func (r RandomizerConfig) Clone() RandomizerConfig {
	out := r
	out.Matrix.Slots = cloneSlice(r.Matrix.Slots)
	for i := range out.Matrix.Slots {
		out.Matrix.Slots[i].Values = cloneSlice(out.Matrix.Slots[i].Values)
	}
	out.Wildcards.Tokens = cloneSlice(r.Wildcards.Tokens)
	for i := range out.Wildcards.Tokens {
		out.Wildcards.Tokens[i].Values = cloneSlice(out.Wildcards.Tokens[i].Values)
	}
	out.SearchReplace.Rules = cloneSlice(r.SearchReplace.Rules)
	for i := range out.SearchReplace.Rules {
		out.SearchReplace.Rules[i].Replacements = cloneSlice(out.SearchReplace.Rules[i].Replacements)
	}
	out.Sweeps.Models = cloneSlice(r.Sweeps.Models)
	out.Sweeps.Samplers = cloneSlice(r.Sweeps.Samplers)
	out.Sweeps.Schedulers = cloneSlice(r.Sweeps.Schedulers)
	out.Sweeps.CFGScales = cloneSlice(r.Sweeps.CFGScales)
	out.Sweeps.Steps = cloneSlice(r.Sweeps.Steps)
	out.Sweeps.Sizes = cloneSlice(r.Sweeps.Sizes)
	return out
}

// cloneSlice copies s, keeping nil as nil.
func cloneSlice[T any](s []T) []T {
	if s == nil {
		return nil
	}
	return append(make([]T, 0, len(s)), s...)
}
