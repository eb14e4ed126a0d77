package packs

import (
	"bufio"
	"io/fs"
	"path"
	"regexp"
	"strings"
	"testing"

	"stablenew/assets"
	"stablenew/pipeline"
)

// TestSamplesValidate loads every shipped pack, sidecar and preset the way
// a run does (defaults ⊕ preset ⊕ sidecar) and requires Validate to pass.
func TestSamplesValidate(t *testing.T) {
	l, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	presets := l.Presets()
	if len(presets) == 0 {
		t.Fatal("no sample presets")
	}
	layers := [][]string{{}} // no preset, then each preset
	for _, name := range presets {
		layers = append(layers, []string{name})
	}
	for _, info := range l.Packs() {
		if info.Err != nil {
			t.Errorf("sample pack %s: %v", info.ID, info.Err)
			continue
		}
		p, err := l.LoadPack(info.ID)
		if err != nil {
			t.Fatal(err)
		}
		if p.Sidecar == nil {
			t.Errorf("sample pack %s has no sidecar", p.ID)
		}
		if len(p.Sidecar.Notes) > 0 {
			t.Errorf("%s uses original-StableNew keys: %v", p.SidecarPath, p.Sidecar.Notes)
		}
		for _, preset := range layers {
			cfg := pipeline.Defaults()
			for _, name := range preset {
				pp, err := l.LoadPreset(name)
				if err != nil {
					t.Fatal(err)
				}
				if cfg, err = pp.ApplyTo(cfg); err != nil {
					t.Fatalf("preset %s: %v", name, err)
				}
				if err := cfg.Validate(); err != nil {
					t.Errorf("defaults ⊕ preset %s: %v", name, err)
				}
			}
			if cfg, err = p.Sidecar.ApplyTo(cfg); err != nil {
				t.Fatalf("%s: %v", p.SidecarPath, err)
			}
			if err := cfg.Validate(); err != nil {
				t.Errorf("defaults ⊕ %v ⊕ %s: %v", preset, p.SidecarPath, err)
			}
		}
	}
}

// sampleConfig returns defaults ⊕ the sample pack's sidecar.
func sampleConfig(t *testing.T, l *Library, id string) (*Pack, pipeline.PipelineConfig) {
	t.Helper()
	p, err := l.LoadPack(id)
	if err != nil {
		t.Fatal(err)
	}
	c, err := p.Sidecar.ApplyTo(pipeline.Defaults())
	if err != nil {
		t.Fatal(err)
	}
	return p, c
}

var (
	slotRef     = regexp.MustCompile(`\[\[([^\[\]]+)\]\]`)
	wildcardRef = regexp.MustCompile(`__([A-Za-z0-9_/-]+?)__`)
)

const (
	sdxlBase    = "sd_xl_base_1.0.safetensors [31e35c80fc]"
	sdxlRefiner = "sd_xl_refiner_1.0.safetensors [7440042bbd]"
	animagine   = "animagine-xl-3.1.safetensors [e3c47aedb0]"
)

func TestSamplePortraits(t *testing.T) {
	l, _ := Open(t.TempDir())
	p, c := sampleConfig(t, l, "sdxl_portraits")
	if n := len(p.Rows); n < 5 || n > 8 {
		t.Errorf("%d rows, want about 6", n)
	}
	if c.Txt2Img.Model != sdxlBase || !c.Refiner.Enabled || c.Refiner.Checkpoint != sdxlRefiner || !c.Hires.Enabled {
		t.Errorf("model %q refiner %+v hires %+v", c.Txt2Img.Model, c.Refiner, c.Hires)
	}
	if c.Txt2Img.Width*c.Txt2Img.Height < 896*1024 {
		t.Errorf("size %dx%d is not 1024²-class", c.Txt2Img.Width, c.Txt2Img.Height)
	}
	if !c.ADetailer.Enabled || len(c.ADetailer.Units) != 2 ||
		c.ADetailer.Units[0].Model != "face_yolov8n.pt" || c.ADetailer.Units[1].Model != "hand_yolov8n.pt" {
		t.Errorf("ADetailer %+v", c.ADetailer)
	}
	if len(LoRAsInPack(p.Rows)) == 0 || len(EmbeddingsInPack(p.Rows)) == 0 {
		t.Error("no LoRA or embedding tags")
	}
	for _, r := range p.Rows {
		if r.Negative == "" {
			t.Errorf("row %d has no negative", r.Index)
		}
	}
}

func TestSampleLandscapesMatrix(t *testing.T) {
	l, _ := Open(t.TempDir())
	p, c := sampleConfig(t, l, "landscapes_matrix")
	m := c.Randomizer.Matrix
	if !c.Randomizer.Enabled || !m.Enabled || m.Mode != "fanout" || m.Limit <= 0 || !c.Upscale.Enabled {
		t.Errorf("randomizer %+v upscale %+v", c.Randomizer, c.Upscale)
	}
	defined := map[string]bool{}
	for _, s := range m.Slots {
		defined[s.Name] = true
	}
	used := map[string]bool{}
	for _, r := range p.Rows {
		for _, ref := range slotRef.FindAllStringSubmatch(r.Positive+" "+r.Negative, -1) {
			used[ref[1]] = true
			if !defined[ref[1]] {
				t.Errorf("row %d uses [[%s]], which the sidecar does not define", r.Index, ref[1])
			}
		}
	}
	if !used["time"] || !used["place"] || len(used) != len(defined) {
		t.Errorf("slots used %v, defined %v", used, defined)
	}
}

func TestSampleAnimeWildcards(t *testing.T) {
	l, _ := Open(t.TempDir())
	p, c := sampleConfig(t, l, "anime_wildcards")
	r := c.Randomizer
	if c.Txt2Img.Model != animagine || c.Txt2Img.ClipSkip != 2 || !r.Enabled || !r.Wildcards.Enabled ||
		r.Wildcards.Mode != "random" || r.RandomSamples != 4 || !r.Variants.Enabled {
		t.Errorf("txt2img %+v randomizer %+v", c.Txt2Img, r)
	}
	used := map[string]bool{}
	for _, row := range p.Rows {
		for _, ref := range wildcardRef.FindAllStringSubmatch(row.Positive, -1) {
			used[ref[1]] = true
		}
		if !strings.Contains(row.Positive, "{") || !strings.Contains(row.Positive, "|") {
			t.Errorf("row %d has no inline {a|b} group", row.Index)
		}
	}
	for _, name := range []string{"hair", "outfit", "pose"} {
		if !used[name] {
			t.Errorf("__%s__ is not used", name)
		}
	}
	checkWildcardRefs(t, SampleWildcards(), used)
}

// checkWildcardRefs requires a file for every wildcard used, following
// references inside wildcard files, and 10–20 values in each file.
func checkWildcardRefs(t *testing.T, fsys fs.FS, used map[string]bool) {
	t.Helper()
	queue := make([]string, 0, len(used))
	for name := range used {
		queue = append(queue, name)
	}
	seen := map[string]bool{}
	nested := false
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		if seen[name] {
			continue
		}
		seen[name] = true
		data, err := fs.ReadFile(fsys, name+".txt")
		if err != nil {
			t.Errorf("wildcard __%s__: %v", name, err)
			continue
		}
		values := 0
		sc := bufio.NewScanner(strings.NewReader(string(data)))
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			values++
			for _, ref := range wildcardRef.FindAllStringSubmatch(line, -1) {
				nested = true
				queue = append(queue, ref[1])
			}
		}
		if values < 10 || values > 20 {
			t.Errorf("%s.txt has %d values, want 10–20", name, values)
		}
	}
	if !nested {
		t.Error("no wildcard file uses a nested __wildcard__")
	}
}

func TestSampleLayout(t *testing.T) {
	want := map[string][]string{
		"packs": {"anime_wildcards.txt", "anime_wildcards.yaml", "landscapes_matrix.txt", "landscapes_matrix.yaml",
			"sdxl_portraits.txt", "sdxl_portraits.yaml"},
		"presets":   {"sdxl_quality.yaml"},
		"wildcards": {"color.txt", "hair.txt", "outfit.txt", "pose.txt"},
	}
	for dir, files := range want {
		entries, err := fs.ReadDir(assets.Samples, dir)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range entries {
			got = append(got, e.Name())
		}
		if strings.Join(got, " ") != strings.Join(files, " ") {
			t.Errorf("%s/: %v, want %v", dir, got, files)
		}
	}
	// Every pack and wildcard file is clean UTF-8 text with Unix line ends.
	_ = fs.WalkDir(assets.Samples, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, _ := fs.ReadFile(assets.Samples, p)
		if strings.Contains(string(data), "\r") || !strings.HasSuffix(string(data), "\n") || strings.Contains(string(data), "\t") {
			t.Errorf("%s: CR, tab or missing final newline", p)
		}
		if path.Ext(p) == ".txt" && strings.HasPrefix(p, "wildcards/") {
			if _, err := ParsePack(data, p); err != nil {
				t.Errorf("%s: %v", p, err)
			}
		}
		return nil
	})
}
