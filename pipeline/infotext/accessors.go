package infotext

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Steps returns the sampling steps.
func (p *Parameters) Steps() (int, bool) {
	n, ok := p.Int(KeySteps)
	return int(n), ok
}

// Sampler returns the sampler name ("DPM++ 2M"), or "".
func (p *Parameters) Sampler() string { return p.value(KeySampler) }

// ScheduleType returns the scheduler ("Karras"), or "".
func (p *Parameters) ScheduleType() string { return p.value(KeyScheduleType) }

// CFGScale returns the CFG scale.
func (p *Parameters) CFGScale() (float64, bool) { return p.Float(KeyCFGScale) }

// Seed returns the seed.
func (p *Parameters) Seed() (int64, bool) { return p.Int(KeySeed) }

// Size returns the image size from "Size: WxH" (the first-pass size when the
// hires fix ran).
func (p *Parameters) Size() (width, height int, ok bool) { return parseSize(p.value(KeySize)) }

// ModelHash returns the checkpoint's short hash, or "".
func (p *Parameters) ModelHash() string { return p.value(KeyModelHash) }

// Model returns the checkpoint name, or "".
func (p *Parameters) Model() string { return p.value(KeyModel) }

// VAEHash returns the VAE's short hash, or "".
func (p *Parameters) VAEHash() string { return p.value(KeyVAEHash) }

// VAE returns the VAE name, or "" when the checkpoint's own VAE was used.
func (p *Parameters) VAE() string { return p.value(KeyVAE) }

// VariationSeed returns the variation seed.
func (p *Parameters) VariationSeed() (int64, bool) { return p.Int(KeyVariationSeed) }

// VariationSeedStrength returns the variation seed strength.
func (p *Parameters) VariationSeedStrength() (float64, bool) {
	return p.Float(KeyVariationSeedStrength)
}

// DenoisingStrength returns the denoising strength (img2img, or the hires pass).
func (p *Parameters) DenoisingStrength() (float64, bool) { return p.Float(KeyDenoisingStrength) }

// ClipSkip returns the CLIP skip; 1 (none) when absent or invalid.
func (p *Parameters) ClipSkip() int {
	if n, ok := p.Int(KeyClipSkip); ok && n > 1 {
		return int(n)
	}
	return 1
}

// ADetailerVersion returns the ADetailer version, or "".
func (p *Parameters) ADetailerVersion() string { return p.value(KeyADetailerVersion) }

// Hires holds the hires-fix keys.
type Hires struct {
	Upscale                   float64 // "Hires upscale"; 0 when a fixed size was asked for
	ResizeWidth, ResizeHeight int     // "Hires resize: WxH"; 0 when scaled
	Steps                     int     // "Hires steps"; 0 means the same as the first pass
	Upscaler                  string
	Checkpoint                string // only when it differs from the first pass
	Sampler                   string
	ScheduleType              string
	Prompt                    string
	NegativePrompt            string
}

// Hires returns the hires-fix settings; ok is false when the infotext has
// neither "Hires upscale" nor "Hires resize".
func (p *Parameters) Hires() (h Hires, ok bool) {
	h.Upscale, ok = p.Float(KeyHiresUpscale)
	if w, ht, rok := parseSize(p.value(KeyHiresResize)); rok {
		h.ResizeWidth, h.ResizeHeight, ok = w, ht, true
	}
	steps, _ := p.Int(KeyHiresSteps)
	h.Steps = int(steps)
	h.Upscaler = p.value(KeyHiresUpscaler)
	h.Checkpoint = p.value(KeyHiresCheckpoint)
	h.Sampler = p.value(KeyHiresSampler)
	h.ScheduleType = p.value(KeyHiresScheduleType)
	h.Prompt = p.value(KeyHiresPrompt)
	h.NegativePrompt = p.value(KeyHiresNegativePrompt)
	return h, ok
}

// Refiner holds the SDXL refiner keys.
type Refiner struct {
	Checkpoint string  // "name [hash]"
	SwitchAt   float64 // fraction of the steps after which the refiner takes over
}

// Refiner returns the refiner settings; ok is false without a "Refiner" key.
func (p *Parameters) Refiner() (Refiner, bool) {
	name, ok := p.Get(KeyRefiner)
	if !ok {
		return Refiner{}, false
	}
	at, _ := p.Float(KeyRefinerSwitchAt)
	return Refiner{Checkpoint: name, SwitchAt: at}, true
}

// ADetailerUnit is one ADetailer tab: its keys with the "ADetailer " prefix
// and the ordinal suffix (" 2nd", " 3rd", …) removed.
type ADetailerUnit struct {
	Index    int    // 1 for the first tab ("ADetailer model"), 2 for " 2nd", …
	Model    string // detector, e.g. "face_yolov8n.pt"
	Settings []Pair // e.g. {"confidence", "0.3"}, {"mask blur", "4"}, in file order
}

// Get returns a setting of the unit by name ("confidence", "denoising
// strength"), ignoring case.
func (u ADetailerUnit) Get(name string) (string, bool) {
	for _, kv := range u.Settings {
		if strings.EqualFold(kv.Key, name) {
			return kv.Value, true
		}
	}
	return "", false
}

// Float returns a setting as a float.
func (u ADetailerUnit) Float(name string) (float64, bool) {
	v, ok := u.Get(name)
	if !ok {
		return 0, false
	}
	f, err := strconv.ParseFloat(v, 64)
	return f, err == nil
}

// Int returns a setting as a whole number.
func (u ADetailerUnit) Int(name string) (int64, bool) {
	v, ok := u.Get(name)
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(v, 10, 64)
	return n, err == nil
}

// Bool returns a setting written "True" or "False".
func (u ADetailerUnit) Bool(name string) (value, ok bool) {
	v, ok := u.Get(name)
	if !ok {
		return false, false
	}
	b, err := strconv.ParseBool(v)
	return b, err == nil
}

var reOrdinal = regexp.MustCompile(` ([0-9]+)(st|nd|rd|th)$`)

// splitADetailerKey splits "ADetailer mask blur 2nd" into ("mask blur", 2).
// "ADetailer version" is not a unit key.
func splitADetailerKey(key string) (name string, index int, ok bool) {
	rest, ok := strings.CutPrefix(key, ADetailerPrefix)
	if !ok || key == KeyADetailerVersion {
		return "", 0, false
	}
	index = 1
	if m := reOrdinal.FindStringSubmatchIndex(rest); m != nil {
		n, err := strconv.Atoi(rest[m[2]:m[3]])
		if err == nil && n >= 1 {
			index, rest = n, rest[:m[0]]
		}
	}
	if rest == "" {
		return "", 0, false
	}
	return rest, index, true
}

// ADetailer returns the ADetailer units, ordered by index.
func (p *Parameters) ADetailer() []ADetailerUnit {
	var units []ADetailerUnit
	pos := map[int]int{}
	for _, kv := range p.Pairs {
		name, idx, ok := splitADetailerKey(kv.Key)
		if !ok {
			continue
		}
		i, seen := pos[idx]
		if !seen {
			i = len(units)
			pos[idx] = i
			units = append(units, ADetailerUnit{Index: idx})
		}
		u := &units[i]
		u.Settings = append(u.Settings, Pair{name, kv.Value})
		if name == "model" {
			u.Model = kv.Value
		}
	}
	sort.SliceStable(units, func(a, b int) bool { return units[a].Index < units[b].Index })
	return units
}

// LoraHashes returns the "Lora hashes" map from LoRA name to short hash.
func (p *Parameters) LoraHashes() map[string]string {
	m, _ := parseHashList(p.value(KeyLoraHashes))
	return m
}

// TIHashes returns the "TI hashes" map from embedding name to short hash.
func (p *Parameters) TIHashes() map[string]string {
	m, _ := parseHashList(p.value(KeyTIHashes))
	return m
}

// parseHashList reads "name: hash, name2: hash2". ok is false when an entry
// has no ": " separator; the entries that parse are still returned.
func parseHashList(s string) (map[string]string, bool) {
	if strings.TrimSpace(s) == "" {
		return nil, true
	}
	m := map[string]string{}
	ok := true
	for _, entry := range strings.Split(s, ",") {
		name, hash, found := strings.Cut(entry, ":")
		name, hash = strings.TrimSpace(name), strings.TrimSpace(hash)
		if !found || name == "" || hash == "" {
			ok = false
			continue
		}
		m[name] = hash
	}
	return m, ok
}

// parseSize reads "WxH" with positive numbers.
func parseSize(s string) (w, h int, ok bool) {
	ws, hs, found := strings.Cut(s, "x")
	if !found {
		return 0, 0, false
	}
	w, err1 := strconv.Atoi(ws)
	h, err2 := strconv.Atoi(hs)
	if err1 != nil || err2 != nil || w <= 0 || h <= 0 || ws[0] == '+' || hs[0] == '+' {
		return 0, 0, false
	}
	return w, h, true
}
