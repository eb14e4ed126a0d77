package infotext

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// typedView is every typed accessor's answer, for the golden files.
type typedView struct {
	Steps                 *int              `json:"steps,omitempty"`
	Sampler               string            `json:"sampler,omitempty"`
	ScheduleType          string            `json:"schedule_type,omitempty"`
	CFGScale              *float64          `json:"cfg_scale,omitempty"`
	Seed                  *int64            `json:"seed,omitempty"`
	Width                 int               `json:"width,omitempty"`
	Height                int               `json:"height,omitempty"`
	Model                 string            `json:"model,omitempty"`
	ModelHash             string            `json:"model_hash,omitempty"`
	VAE                   string            `json:"vae,omitempty"`
	VAEHash               string            `json:"vae_hash,omitempty"`
	VariationSeed         *int64            `json:"variation_seed,omitempty"`
	VariationSeedStrength *float64          `json:"variation_seed_strength,omitempty"`
	DenoisingStrength     *float64          `json:"denoising_strength,omitempty"`
	ClipSkip              int               `json:"clip_skip"`
	Hires                 *Hires            `json:"hires,omitempty"`
	Refiner               *Refiner          `json:"refiner,omitempty"`
	ADetailer             []ADetailerUnit   `json:"adetailer,omitempty"`
	ADetailerVersion      string            `json:"adetailer_version,omitempty"`
	LoraHashes            map[string]string `json:"lora_hashes,omitempty"`
	TIHashes              map[string]string `json:"ti_hashes,omitempty"`
	Version               VersionInfo       `json:"version"`
	Unknown               []Pair            `json:"unknown,omitempty"`
}

type goldenView struct {
	Prompt           string    `json:"prompt"`
	Negative         string    `json:"negative"`
	Template         string    `json:"template,omitempty"`
	NegativeTemplate string    `json:"negative_template,omitempty"`
	Pairs            []Pair    `json:"pairs"`
	Warnings         []string  `json:"warnings,omitempty"`
	Typed            typedView `json:"typed"`
}

func ptr[T any](v T, ok bool) *T {
	if !ok {
		return nil
	}
	return &v
}

func viewOf(p *Parameters) goldenView {
	t := typedView{
		Steps: ptr(p.Steps()), Sampler: p.Sampler(), ScheduleType: p.ScheduleType(), CFGScale: ptr(p.CFGScale()),
		Seed: ptr(p.Seed()), Model: p.Model(), ModelHash: p.ModelHash(), VAE: p.VAE(), VAEHash: p.VAEHash(),
		VariationSeed: ptr(p.VariationSeed()), VariationSeedStrength: ptr(p.VariationSeedStrength()),
		DenoisingStrength: ptr(p.DenoisingStrength()), ClipSkip: p.ClipSkip(), ADetailer: p.ADetailer(),
		ADetailerVersion: p.ADetailerVersion(), LoraHashes: p.LoraHashes(), TIHashes: p.TIHashes(),
		Version: p.Version(), Unknown: p.Unknown(),
	}
	t.Width, t.Height, _ = p.Size()
	t.Hires = ptr(p.Hires())
	t.Refiner = ptr(p.Refiner())
	pairs := p.Pairs
	if pairs == nil {
		pairs = []Pair{}
	}
	return goldenView{p.Prompt, p.Negative, p.Template, p.NegativeTemplate, pairs, p.Warnings, t}
}

func corpus(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range files {
		if !strings.HasSuffix(f, ".formatted.txt") {
			out = append(out, f)
		}
	}
	if len(out) < 14 {
		t.Fatalf("corpus has %d files, want at least 14", len(out))
	}
	return out
}

// checkGolden compares got with the file, or rewrites it under -update.
func checkGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it, then review it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file:\n got: %s\nwant: %s", path, got, want)
	}
}

// TestCorpusGolden parses every corpus file and checks the parsed view and
// the Format output against reviewed golden files.
func TestCorpusGolden(t *testing.T) {
	for _, file := range corpus(t) {
		name := strings.TrimSuffix(file, ".txt")
		t.Run(filepath.Base(name), func(t *testing.T) {
			raw, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			p, err := Parse(string(raw))
			if err != nil {
				t.Fatal(err)
			}
			js, err := json.MarshalIndent(viewOf(p), "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, name+".golden.json", append(js, '\n'))
			formatted := Format(p)
			checkGolden(t, name+".formatted.txt", []byte(formatted+"\n"))
			checkRoundTrip(t, p)
		})
	}
}

// checkRoundTrip asserts Parse(Format(p)) gives back p's values and that
// Format is a fixed point from there on.
func checkRoundTrip(t *testing.T, p *Parameters) {
	t.Helper()
	text := Format(p)
	q, err := Parse(text)
	if err != nil {
		t.Fatalf("Parse(Format(p)): %v", err)
	}
	if q.Prompt != p.Prompt || q.Negative != p.Negative || q.Template != p.Template || q.NegativeTemplate != p.NegativeTemplate {
		t.Fatalf("round trip changed the prompts:\n p: %q / %q / %q / %q\n q: %q / %q / %q / %q\ntext: %q",
			p.Prompt, p.Negative, p.Template, p.NegativeTemplate, q.Prompt, q.Negative, q.Template, q.NegativeTemplate, text)
	}
	want := CanonicalPairs(p)
	if len(want) == 0 {
		want = nil
	}
	got := q.Pairs
	if len(got) == 0 {
		got = nil
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("round trip changed the pairs:\n got %q\nwant %q\ntext: %q", got, want, text)
	}
	if again := Format(q); again != text {
		t.Fatalf("Format is not stable:\n first %q\nsecond %q", text, again)
	}
}
