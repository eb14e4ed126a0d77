package packs

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"stablenew/pipeline"
	"stablenew/pipeline/output"
)

// presetExts are the extensions of preset files.
var presetExts = []string{".yaml", ".yml", ".json"}

// reservedPresets are file stems in presets/ that are not presets: the
// original StableNew kept its engine settings there.
var reservedPresets = map[string]bool{"settings": true}

// PresetInfo describes one preset.
type PresetInfo struct {
	Name string
	// Path is the preset file, or "sample:presets/<file>" for a sample.
	Path   string
	Sample bool
	// Shadows is true for a user preset that hides a sample of the same
	// name.
	Shadows bool
}

func (l *Library) userPresets() source   { return diskSource(l.PresetsDir()) }
func (l *Library) samplePresets() source { return sampleSource(l.samples, presetsDirName) }

// presetFiles lists the user's and the samples' preset files by name.
func (l *Library) presetFiles() (user, samples map[string][]string, err error) {
	user, err = l.userPresets().list(presetExts...)
	for name := range user {
		if reservedPresets[strings.ToLower(name)] {
			delete(user, name)
		}
	}
	samples, _ = l.samplePresets().list(presetExts...)
	return user, samples, err
}

// PresetInfos lists the user's presets and the samples they don't shadow,
// sorted by name.
func (l *Library) PresetInfos() []PresetInfo {
	user, samples, _ := l.presetFiles()
	var out []PresetInfo
	for name, bases := range user {
		sort.Strings(bases)
		_, shadows := samples[name]
		out = append(out, PresetInfo{Name: name, Path: l.userPresets().display(bases[0]), Shadows: shadows})
	}
	for name, bases := range samples {
		if _, ok := user[name]; !ok {
			sort.Strings(bases)
			out = append(out, PresetInfo{Name: name, Path: l.samplePresets().display(bases[0]), Sample: true})
		}
	}
	sort.Slice(out, func(i, j int) bool { return lessFold(out[i].Name, out[j].Name) })
	return out
}

// Presets lists the preset names, sorted: the user's and the samples'.
func (l *Library) Presets() []string {
	infos := l.PresetInfos()
	out := make([]string, len(infos))
	for i, p := range infos {
		out[i] = p.Name
	}
	return out
}

// presetName strips a preset file extension and surrounding spaces.
func presetName(name string) string {
	name = strings.TrimSpace(name)
	for _, ext := range presetExts {
		if strings.EqualFold(path.Ext(name), ext) {
			return strings.TrimSpace(name[:len(name)-len(ext)])
		}
	}
	return name
}

// findPreset resolves a preset name: the user's preset, then a sample, then
// a case-insensitive match when there is exactly one.
func (l *Library) findPreset(name string) (located, string, error) {
	user, samples, err := l.presetFiles()
	if err != nil {
		return located{}, "", err
	}
	name = presetName(name)
	pick := func(n string) (located, bool, error) {
		if bases, ok := user[n]; ok {
			if len(bases) > 1 {
				sort.Strings(bases)
				return located{}, true, fmt.Errorf("%s are all preset %q; keep one and delete or rename the others",
					strings.Join(displayAll(l.userPresets(), bases), " and "), n)
			}
			return located{src: l.userPresets(), base: bases[0]}, true, nil
		}
		if bases, ok := samples[n]; ok {
			sort.Strings(bases)
			return located{src: l.samplePresets(), base: bases[0], sample: true}, true, nil
		}
		return located{}, false, nil
	}
	if loc, ok, err := pick(name); ok {
		return loc, name, err
	}
	names := unionKeys(user, samples)
	var folded []string
	for _, n := range names {
		if strings.EqualFold(n, name) {
			folded = append(folded, n)
		}
	}
	if len(folded) == 1 {
		loc, _, err := pick(folded[0])
		return loc, folded[0], err
	}
	return located{}, "", notFound("preset", name, l.PresetsDir()+" or the samples", names)
}

func displayAll(s source, bases []string) []string {
	out := make([]string, len(bases))
	for i, b := range bases {
		out[i] = s.display(b)
	}
	return out
}

// LoadPreset reads a preset by name (with or without its extension) as a
// Patch to layer over the defaults. A user preset shadows a sample of the
// same name.
func (l *Library) LoadPreset(name string) (*pipeline.Patch, error) {
	loc, _, err := l.findPreset(name)
	if err != nil {
		return nil, err
	}
	data, err := readFileFS(loc.src, loc.base)
	if err != nil {
		return nil, fmt.Errorf("reading preset %s: %w", loc.src.display(loc.base), err)
	}
	return pipeline.ParsePatch(data, loc.src.display(loc.base))
}

// SavePreset writes c as the user's preset name (cleaned by SanitizeName)
// as YAML, atomically; an existing preset of that name is replaced (an
// existing .json or .yml file keeps its name and is rewritten in its
// format). The name of a shipped sample is refused so that a sample is
// never replaced by accident. c must pass Validate.
func (l *Library) SavePreset(name string, c pipeline.PipelineConfig) error {
	clean, err := SanitizeName(presetName(name))
	if err != nil {
		return fmt.Errorf("preset %w", err)
	}
	if reservedPresets[strings.ToLower(clean)] {
		return fmt.Errorf("%q is reserved for the engine settings file; choose another preset name", clean)
	}
	if err := c.Validate(); err != nil {
		return fmt.Errorf("not saving preset %q: %w", clean, err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	user, samples, err := l.presetFiles()
	if err != nil {
		return err
	}
	for n := range samples {
		if strings.EqualFold(n, clean) {
			return fmt.Errorf("%q is the name of a shipped sample preset; save under another name, such as %q", clean, clean+"_custom")
		}
	}
	base := clean + ".yaml"
	if bases := user[clean]; len(bases) > 1 {
		return fmt.Errorf("%s are all preset %q; keep one before saving over it",
			strings.Join(displayAll(l.userPresets(), bases), " and "), clean)
	} else if len(bases) == 1 {
		base = bases[0]
	}
	return pipeline.SaveConfigFile(filepath.Join(l.PresetsDir(), base), c)
}

// DeletePreset removes the user's preset name. A sample can't be deleted
// (deleting a user preset that shadows a sample brings the sample back).
// When the deleted preset was the default, the default is cleared.
func (l *Library) DeletePreset(name string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	user, samples, err := l.presetFiles()
	if err != nil {
		return err
	}
	n := presetName(name)
	bases, ok := user[n]
	if !ok {
		if _, sample := samples[n]; sample {
			return fmt.Errorf("%q is a shipped sample preset and can't be deleted", n)
		}
		return notFound("preset", n, l.PresetsDir(), unionKeys(user))
	}
	for _, b := range bases {
		if err := os.Remove(filepath.Join(l.PresetsDir(), b)); err != nil && !isNotExist(err) {
			return fmt.Errorf("deleting preset %q: %w", n, err)
		}
	}
	if def, _ := l.readDefaultPreset(); def == n {
		if _, stillThere := samples[n]; !stillThere {
			return l.writeDefaultPreset("")
		}
	}
	return nil
}

// DefaultPreset returns the preset chosen with "Apply to Default", stored
// in presets/.default_preset. It reports false when none is set or the one
// set no longer exists.
func (l *Library) DefaultPreset() (string, bool) {
	name, err := l.readDefaultPreset()
	if err != nil || name == "" {
		return "", false
	}
	if _, canonical, err := l.findPreset(name); err == nil {
		return canonical, true
	}
	return "", false
}

func (l *Library) readDefaultPreset() (string, error) {
	data, err := pipeline.ReadRegular(filepath.Join(l.PresetsDir(), DefaultPresetFile))
	if err != nil {
		return "", err
	}
	return presetName(string(data)), nil
}

// SetDefaultPreset makes name the default preset; an empty name clears it.
// The preset must exist.
func (l *Library) SetDefaultPreset(name string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if strings.TrimSpace(name) == "" {
		return l.writeDefaultPreset("")
	}
	_, canonical, err := l.findPreset(name)
	if err != nil {
		return err
	}
	return l.writeDefaultPreset(canonical)
}

func (l *Library) writeDefaultPreset(name string) error {
	p := filepath.Join(l.PresetsDir(), DefaultPresetFile)
	if name == "" {
		if err := os.Remove(p); err != nil && !isNotExist(err) {
			return fmt.Errorf("clearing the default preset: %w", err)
		}
		return nil
	}
	return output.WriteFileAtomic(p, []byte(name+"\n"))
}
