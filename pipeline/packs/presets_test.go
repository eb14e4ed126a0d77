package packs

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"stablenew/pipeline"
)

func TestPresetsRoundTrip(t *testing.T) {
	l := newTestLibrary(t)
	if got := l.Presets(); !reflect.DeepEqual(got, []string{"fast"}) {
		t.Errorf("empty data folder: Presets %v, want the sample", got)
	}
	cfg := pipeline.Defaults()
	cfg.Txt2Img.Steps = 33
	cfg.Hires.Enabled = true
	cfg.LoRAs = []pipeline.LoRAStrength{{Name: "film_grain", Strength: 0.4, Enabled: true}}

	if err := l.SavePreset("  My Look.yaml ", cfg); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(l.PresetsDir(), "My Look.yaml")); err != nil {
		t.Fatalf("preset file: %v", err)
	}
	if got := l.Presets(); !reflect.DeepEqual(got, []string{"fast", "My Look"}) {
		t.Errorf("Presets %v", got)
	}
	for _, name := range []string{"My Look", "My Look.yaml", "my look"} {
		p, err := l.LoadPreset(name)
		if err != nil {
			t.Fatalf("LoadPreset(%q): %v", name, err)
		}
		got, err := p.ApplyTo(pipeline.PipelineConfig{})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, cfg) {
			t.Errorf("LoadPreset(%q) over an empty config\n got %+v\nwant %+v", name, got, cfg)
		}
	}
	// Saving over an existing user preset is allowed (the GUI confirms).
	cfg.Txt2Img.Steps = 44
	if err := l.SavePreset("My Look", cfg); err != nil {
		t.Fatal(err)
	}
	p, _ := l.LoadPreset("My Look")
	if got, _ := p.ApplyTo(pipeline.Defaults()); got.Txt2Img.Steps != 44 {
		t.Errorf("overwrite: steps %d", got.Txt2Img.Steps)
	}
	if err := l.DeletePreset("My Look"); err != nil {
		t.Fatal(err)
	}
	if got := l.Presets(); !reflect.DeepEqual(got, []string{"fast"}) {
		t.Errorf("after delete: %v", got)
	}
	if _, err := l.LoadPreset("My Look"); err == nil || !strings.Contains(err.Error(), `no preset named "My Look"`) {
		t.Errorf("deleted preset still loads: %v", err)
	}
}

func TestPresetRules(t *testing.T) {
	l := newTestLibrary(t)
	valid := pipeline.Defaults()
	invalid := pipeline.Defaults()
	invalid.Txt2Img.CFGScale = 99
	writeFile(t, l.PresetsDir(), "legacy.json", `{"txt2img": {"steps": 21}, "pipeline": {"loop_count": 2}}`)
	writeFile(t, l.PresetsDir(), "settings.json", `{"webui_base_url": "http://127.0.0.1:7860"}`)
	writeFile(t, l.PresetsDir(), "dup.yaml", "{}")
	writeFile(t, l.PresetsDir(), "dup.json", "{}")
	tests := []struct {
		name    string
		run     func() error
		wantErr string
	}{
		{"sample name refused", func() error { return l.SavePreset("fast", valid) },
			`"fast" is the name of a shipped sample preset; save under another name, such as "fast_custom"`},
		{"sample name any case", func() error { return l.SavePreset("FAST.json", valid) }, "shipped sample preset"},
		{"reserved name", func() error { return l.SavePreset("settings", valid) }, "reserved for the engine settings file"},
		{"unusable name", func() error { return l.SavePreset("///", valid) }, `preset name "///" has no usable characters`},
		{"invalid config", func() error { return l.SavePreset("bad", invalid) }, "txt2img.cfg_scale: must be within 0..30, got 99"},
		{"sample can't be deleted", func() error { return l.DeletePreset("fast") }, `"fast" is a shipped sample preset and can't be deleted`},
		{"unknown delete", func() error { return l.DeletePreset("nope") }, `no preset named "nope"`},
		{"duplicate files", func() error { _, err := l.LoadPreset("dup"); return err }, "are all preset \"dup\"; keep one"},
		{"duplicate files on save", func() error { return l.SavePreset("dup", valid) }, "keep one before saving over it"},
		{"unknown load suggests", func() error { _, err := l.LoadPreset("fats"); return err }, `did you mean "fast"?`},
		{"legacy json loads", func() error { _, err := l.LoadPreset("legacy"); return err }, ""},
		{"json preset rewritten as json", func() error { return l.SavePreset("legacy", valid) }, ""},
		{"sanitised", func() error { return l.SavePreset(`a:b*c?`, valid) }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.run()
			if tt.wantErr == "" && err != nil {
				t.Fatal(err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("error %v, want %q", err, tt.wantErr)
			}
		})
	}
	if got := l.Presets(); !reflect.DeepEqual(got, []string{"a_b_c_", "dup", "fast", "legacy"}) {
		t.Errorf("Presets %v (settings.json must not be listed)", got)
	}
	data, _ := os.ReadFile(filepath.Join(l.PresetsDir(), "legacy.json"))
	if !strings.HasPrefix(string(data), "{") {
		t.Errorf("legacy.json rewritten as %q…", data[:min(len(data), 20)])
	}
	infos := l.PresetInfos()
	if infos[2] != (PresetInfo{Name: "fast", Path: "sample:presets/fast.yaml", Sample: true}) {
		t.Errorf("sample info %+v", infos[2])
	}
}

func TestUserPresetShadowsSample(t *testing.T) {
	l := newTestLibrary(t)
	writeFile(t, l.PresetsDir(), "fast.yaml", "txt2img:\n  steps: 8\n")
	infos := l.PresetInfos()
	if len(infos) != 1 || infos[0].Sample || !infos[0].Shadows {
		t.Errorf("PresetInfos %+v", infos)
	}
	steps := func() int {
		p, err := l.LoadPreset("fast")
		if err != nil {
			t.Fatal(err)
		}
		c, _ := p.ApplyTo(pipeline.Defaults())
		return c.Txt2Img.Steps
	}
	if steps() != 8 {
		t.Error("user preset does not shadow the sample")
	}
	if err := l.DeletePreset("fast"); err != nil {
		t.Fatal(err)
	}
	if steps() != 12 {
		t.Error("deleting the user preset did not bring the sample back")
	}
}

func TestDefaultPreset(t *testing.T) {
	l := newTestLibrary(t)
	if name, ok := l.DefaultPreset(); ok || name != "" {
		t.Errorf("fresh: %q %v", name, ok)
	}
	if err := l.SetDefaultPreset("nope"); err == nil {
		t.Error("unknown preset accepted as default")
	}
	if err := l.SetDefaultPreset("FAST"); err != nil {
		t.Fatal(err)
	}
	if name, ok := l.DefaultPreset(); !ok || name != "fast" {
		t.Errorf("after set: %q %v", name, ok)
	}
	data, _ := os.ReadFile(filepath.Join(l.PresetsDir(), DefaultPresetFile))
	if string(data) != "fast\n" {
		t.Errorf(".default_preset = %q", data)
	}
	if err := l.SetDefaultPreset(""); err != nil {
		t.Fatal(err)
	}
	if _, ok := l.DefaultPreset(); ok {
		t.Error("clearing failed")
	}
	// Deleting the default preset clears it.
	if err := l.SavePreset("mine", pipeline.Defaults()); err != nil {
		t.Fatal(err)
	}
	if err := l.SetDefaultPreset("mine"); err != nil {
		t.Fatal(err)
	}
	if err := l.DeletePreset("mine"); err != nil {
		t.Fatal(err)
	}
	if name, ok := l.DefaultPreset(); ok {
		t.Errorf("default %q survived deletion", name)
	}
	if _, err := os.Stat(filepath.Join(l.PresetsDir(), DefaultPresetFile)); !os.IsNotExist(err) {
		t.Errorf(".default_preset not removed: %v", err)
	}
	// A default written by the original StableNew, with extension, works;
	// one naming a missing preset reports false.
	writeFile(t, l.PresetsDir(), DefaultPresetFile, "fast.json\n")
	if name, ok := l.DefaultPreset(); !ok || name != "fast" {
		t.Errorf("legacy default: %q %v", name, ok)
	}
	writeFile(t, l.PresetsDir(), DefaultPresetFile, "gone\n")
	if _, ok := l.DefaultPreset(); ok {
		t.Error("missing default reported as set")
	}
}

func TestSanitizeName(t *testing.T) {
	tests := []struct{ in, want, err string }{
		{"plain", "plain", ""},
		{"  spaced name  ", "spaced name", ""},
		{"a/b\\c:d*e?f\"g<h>i|j", "a_b_c_d_e_f_g_h_i_j", ""},
		{"...hidden", "hidden", ""},
		{"trailing. . ", "trailing", ""},
		{"tab\there", "tab_here", ""},
		{"ünïcödé 名前", "ünïcödé 名前", ""},
		{"", "", "no usable characters"},
		{"...", "", "no usable characters"},
		{"///", "", "no usable characters"},
		{strings.Repeat("x", 101), "", "use at most 100"},
	}
	for _, tt := range tests {
		got, err := SanitizeName(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("SanitizeName(%q) error %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("SanitizeName(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}
