package pipeline

// Default limits of the randomizer.
const (
	// DefaultMaxVariants is the default cap on the jobs one plan may make.
	DefaultMaxVariants = 512
	// HardMaxVariants is the largest cap a user may set.
	HardMaxVariants = 100000
)

// SchedulerAutomatic is the scheduler value that lets the WebUI pick the
// sampler's own schedule type (A1111 1.9+ "Automatic"; Karras for DPM++ 2M).
// It is the default, as in A1111.
const SchedulerAutomatic = "Automatic"

// Defaults returns the built-in configuration every preset, sidecar and
// override is layered on. The values follow the original StableNew's stage
// cards, with ADetailer on by default (its users' wish) and img2img and
// upscale off until the user turns them on.
func Defaults() PipelineConfig {
	return PipelineConfig{
		Txt2Img: Txt2ImgConfig{
			Enabled:   true,
			Sampler:   "Euler a",
			Scheduler: SchedulerAutomatic,
			Steps:     20,
			CFGScale:  7.0,
			Width:     512,
			Height:    512,
			ClipSkip:  2,
			Seed:      -1,
			Subseed:   -1,
		},
		Hires: HiresConfig{
			Upscaler: "Latent",
			Scale:    2.0,
			Denoise:  0.3,
		},
		Refiner: RefinerConfig{SwitchAt: 0.8},
		Img2Img: Img2ImgConfig{
			Steps:    15,
			CFGScale: 7.0,
			Denoise:  0.3,
		},
		ADetailer: ADetailerConfig{
			Enabled: true,
			Units:   []ADetailerUnit{DefaultADetailerUnit()},
		},
		Upscale: UpscaleConfig{
			Upscaler1:        "R-ESRGAN 4x+",
			Upscaler2:        "None",
			Factor:           2.0,
			CodeFormerWeight: 0.5,
		},
		Prompt: PromptConfig{
			GlobalNegative:      "blurry, bad quality, distorted",
			ApplyGlobalNegative: true,
		},
		Batch: BatchConfig{
			BatchSize: 1,
			BatchRuns: 1,
			SeedMode:  SeedIncrement,
		},
		Output: OutputConfig{
			FolderTemplate:   "{date}_{pack}",
			FilenameTemplate: "{stage}_p{prompt_index}_v{variant}_b{batch}_{index}_{seed}",
			Format:           "png",
		},
		Randomizer: RandomizerConfig{
			Seed:          -1,
			MaxVariants:   DefaultMaxVariants,
			RandomSamples: 1,
			Matrix:        MatrixConfig{Mode: "fanout", PromptMode: "replace", Limit: 8},
			Wildcards:     WildcardConfig{Mode: "random"},
			Variants:      VariantsConfig{Enabled: true, Mode: "combinatorial"},
			SearchReplace: SRConfig{Mode: "fanout"},
			Sweeps:        SweepConfig{Mode: "fanout"},
		},
	}
}

// DefaultADetailerUnit returns a unit with ADetailer's own defaults and the
// face detector selected.
func DefaultADetailerUnit() ADetailerUnit {
	return ADetailerUnit{
		Model:                    "face_yolov8n.pt",
		TabEnable:                true,
		Confidence:               0.3,
		MaskFilterMethod:         "Area",
		MaskMaxRatio:             1.0,
		DilateErode:              4,
		MaskMergeInvert:          "None",
		MaskBlur:                 4,
		DenoisingStrength:        0.4,
		InpaintOnlyMasked:        true,
		InpaintOnlyMaskedPadding: 32,
		InpaintWidth:             512,
		InpaintHeight:            512,
		Steps:                    28,
		CFGScale:                 7.0,
		Sampler:                  "DPM++ 2M Karras",
		Scheduler:                "Use same scheduler",
		NoiseMultiplier:          1.0,
		ClipSkip:                 1,
		ControlNetModel:          "None",
		ControlNetModule:         "None",
		ControlNetWeight:         1.0,
		ControlNetGuidanceEnd:    1.0,
	}
}

// DefaultLoRAStrength returns the strength a LoRA gets when a file lists it
// without one.
func DefaultLoRAStrength() LoRAStrength { return LoRAStrength{Strength: 1.0, Enabled: true} }
