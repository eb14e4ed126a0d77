package infotext

import "strings"

// Keys of the parameter line that have typed accessors or a fixed place in
// the A1111 order.
const (
	KeySteps                 = "Steps"
	KeySampler               = "Sampler"
	KeyScheduleType          = "Schedule type"
	KeyCFGScale              = "CFG scale"
	KeySeed                  = "Seed"
	KeySize                  = "Size"
	KeyModelHash             = "Model hash"
	KeyModel                 = "Model"
	KeyVAEHash               = "VAE hash"
	KeyVAE                   = "VAE"
	KeyVariationSeed         = "Variation seed"
	KeyVariationSeedStrength = "Variation seed strength"
	KeyDenoisingStrength     = "Denoising strength"
	KeyClipSkip              = "Clip skip"
	KeyHiresUpscale          = "Hires upscale"
	KeyHiresResize           = "Hires resize"
	KeyHiresSteps            = "Hires steps"
	KeyHiresUpscaler         = "Hires upscaler"
	KeyHiresCheckpoint       = "Hires checkpoint"
	KeyHiresSampler          = "Hires sampler"
	KeyHiresScheduleType     = "Hires schedule type"
	KeyHiresPrompt           = "Hires prompt"
	KeyHiresNegativePrompt   = "Hires negative prompt"
	KeyRefiner               = "Refiner"
	KeyRefinerSwitchAt       = "Refiner switch at"
	KeyLoraHashes            = "Lora hashes"
	KeyTIHashes              = "TI hashes"
	KeyADetailerVersion      = "ADetailer version"
	KeyVersion               = "Version"
	KeyApp                   = "App" // SD.Next
	KeyUser                  = "User"

	// ADetailerPrefix starts every ADetailer key ("ADetailer model 2nd").
	ADetailerPrefix = "ADetailer "
)

// Groups of the A1111 key order (section 5 of the API notes).
const (
	groupFixed = iota
	groupADetailer
	groupHires
	groupSampling
	groupOther
	groupLast
)

// fixedOrder is A1111's fixed key order; Clip skip is written only above 1.
var fixedOrder = []string{
	KeySteps, KeySampler, KeyScheduleType, KeyCFGScale, "Image CFG scale", KeySeed, "Face restoration", KeySize,
	KeyModelHash, KeyModel, "FP8 weight", "Cache FP16 weight for LoRA", KeyVAEHash, KeyVAE, KeyVariationSeed,
	KeyVariationSeedStrength, "Seed resize from", KeyDenoisingStrength, "Conditional mask weight", KeyClipSkip,
	"ENSD", "Token merging ratio", "Token merging ratio hr", "Init image hash", "RNG", "Tiling",
}

// hiresOrder is the order the hires fix adds its keys in.
var hiresOrder = []string{
	KeyHiresCheckpoint, KeyHiresSampler, KeyHiresPrompt, KeyHiresNegativePrompt, KeyHiresScheduleType,
	KeyHiresUpscale, KeyHiresResize, KeyHiresSteps, KeyHiresUpscaler,
}

// samplingOrder are the keys added during sampling, after the hires keys.
var samplingOrder = []string{
	KeyLoraHashes, KeyTIHashes, KeyRefiner, KeyRefinerSwitchAt, "Hires refiner", "VAE Decoder", "VAE Encoder",
}

// lastOrder closes the line.
var lastOrder = []string{KeyVersion, KeyUser}

type keyRank struct{ group, index int }

var keyRanks = func() map[string]keyRank {
	m := map[string]keyRank{}
	for g, list := range map[int][]string{groupFixed: fixedOrder, groupHires: hiresOrder, groupSampling: samplingOrder, groupLast: lastOrder} {
		for i, k := range list {
			m[k] = keyRank{g, i}
		}
	}
	return m
}()

// isKnownKey reports keys that have a typed accessor or a fixed place.
func isKnownKey(key string) bool {
	_, ok := keyRanks[key]
	return ok || strings.HasPrefix(key, ADetailerPrefix)
}

// floatKeys hold floats, which Format writes Python-style ("7.0").
var floatKeys = map[string]bool{
	KeyCFGScale: true, "Image CFG scale": true, KeyVariationSeedStrength: true, KeyDenoisingStrength: true,
	"Conditional mask weight": true, "Token merging ratio": true, "Token merging ratio hr": true,
	KeyHiresUpscale: true, KeyRefinerSwitchAt: true, "Noise multiplier": true, "Distilled CFG Scale": true,
	"Hires CFG Scale": true, "Hires Distilled CFG Scale": true,
}

// adetailerFloatSettings are the ADetailer settings that hold floats.
var adetailerFloatSettings = map[string]bool{
	"confidence": true, "mask min ratio": true, "mask max ratio": true, "denoising strength": true,
	"CFG scale": true, "noise multiplier": true, "ControlNet weight": true, "ControlNet guidance start": true,
	"ControlNet guidance end": true,
}

// isFloatKey reports keys whose values Format normalises as floats.
func isFloatKey(key string) bool {
	if floatKeys[key] {
		return true
	}
	if name, _, ok := splitADetailerKey(key); ok {
		return adetailerFloatSettings[name]
	}
	return false
}

// intKeys must hold whole numbers; Parse warns otherwise.
var intKeys = map[string]bool{
	KeySteps: true, KeySeed: true, KeyClipSkip: true, KeyVariationSeed: true, KeyHiresSteps: true, "ENSD": true,
}

// sizeKeys hold WxH.
var sizeKeys = map[string]bool{KeySize: true, KeyHiresResize: true}
