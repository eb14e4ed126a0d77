package packs

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"stablenew/pipeline"
)

func TestEmptyDataDirListsSamples(t *testing.T) {
	l := newTestLibrary(t)
	got := l.Packs()
	want := []PackInfo{
		{ID: "alpha", Name: "alpha", Path: "sample:packs/alpha.txt", Sample: true, Rows: 1, SidecarPath: "sample:packs/alpha.yaml"},
		{ID: "beta", Name: "beta", Path: "sample:packs/beta.tsv", Sample: true, Rows: 2},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Packs()\n got %+v\nwant %+v", got, want)
	}
	p, err := l.LoadPack("alpha")
	if err != nil {
		t.Fatal(err)
	}
	c, err := p.Sidecar.ApplyTo(pipeline.Defaults())
	if err != nil || c.Txt2Img.Steps != 25 {
		t.Errorf("sample sidecar: steps %d, %v", c.Txt2Img.Steps, err)
	}
}

func TestRealSamplesAlwaysListed(t *testing.T) {
	l, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, p := range l.Packs() {
		if p.Err != nil || !p.Sample {
			t.Errorf("%s: sample %v, error %v", p.ID, p.Sample, p.Err)
		}
		ids = append(ids, p.ID)
	}
	if want := []string{"anime_wildcards", "landscapes_matrix", "sdxl_portraits"}; !reflect.DeepEqual(ids, want) {
		t.Errorf("sample packs %v, want %v", ids, want)
	}
}

func TestUserPackShadowsSample(t *testing.T) {
	l := newTestLibrary(t)
	writeFile(t, l.PacksDir(), "alpha.txt", "# name: My Alpha\nmine one\n\nmine two\n")
	writeFile(t, l.PacksDir(), "gamma.tsv", "g\n")
	got := l.Packs()
	want := []PackInfo{
		{ID: "alpha", Name: "My Alpha", Path: filepath.Join(l.PacksDir(), "alpha.txt"), Shadows: true, Rows: 2},
		{ID: "beta", Name: "beta", Path: "sample:packs/beta.tsv", Sample: true, Rows: 2},
		{ID: "gamma", Name: "gamma", Path: filepath.Join(l.PacksDir(), "gamma.tsv"), Rows: 1},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Packs()\n got %+v\nwant %+v", got, want)
	}
	p, err := l.LoadPack("alpha")
	if err != nil {
		t.Fatal(err)
	}
	if p.Rows[0].Positive != "mine one" || p.Sidecar != nil {
		t.Errorf("LoadPack(alpha) gave %q with sidecar %v; the user's pack (without the sample's sidecar) should win", p.Rows[0].Positive, p.Sidecar)
	}
	// The sample stays reachable by its sample: path.
	s, err := l.LoadPack("sample:packs/alpha.txt")
	if err != nil || s.Rows[0].Positive != "alpha prompt" {
		t.Errorf("sample:packs/alpha.txt: %v %v", s, err)
	}
}

func TestPacksListsBrokenPacks(t *testing.T) {
	l := newTestLibrary(t)
	writeFile(t, l.PacksDir(), "broken.txt", "ok\n\nneg: orphan\n")
	writeFile(t, l.PacksDir(), "badside.txt", "ok\n")
	writeFile(t, l.PacksDir(), "badside.yaml", "txt2img:\n  nope: 1\n")
	writeFile(t, l.PacksDir(), "twin.txt", "a\n")
	writeFile(t, l.PacksDir(), "twin.tsv", "b\n")
	writeFile(t, l.PacksDir(), ".hidden.txt", "h\n")
	writeFile(t, l.PacksDir(), "notes.md", "n\n")
	writeFile(t, l.PacksDir(), "folder.txt/inner.txt", "n\n")
	errs := map[string]string{}
	for _, p := range l.Packs() {
		if p.Err != nil {
			errs[p.ID] = p.Err.Error()
		}
	}
	want := map[string]string{
		"broken":  filepath.Join(l.PacksDir(), "broken.txt") + " line 3: this block has only neg: lines",
		"badside": filepath.Join(l.PacksDir(), "badside.yaml") + ": line 2: txt2img.nope: unknown key",
		"twin":    filepath.Join(l.PacksDir(), "twin.tsv") + " and " + filepath.Join(l.PacksDir(), "twin.txt") + ` share the pack id "twin"`,
	}
	if len(errs) != len(want) {
		t.Errorf("packs with errors: %v", errs)
	}
	for id, prefix := range want {
		if !strings.HasPrefix(errs[id], prefix) {
			t.Errorf("%s: error %q, want prefix %q", id, errs[id], prefix)
		}
	}
	for _, p := range l.Packs() {
		if p.ID == ".hidden" || p.ID == "notes" || p.ID == "folder" {
			t.Errorf("listed %s", p.Path)
		}
	}
}

func TestLoadPackNames(t *testing.T) {
	l := newTestLibrary(t)
	writeFile(t, l.PacksDir(), "portraits.txt", "user portrait\n")
	outside := writeFile(t, t.TempDir(), "elsewhere/far.tsv", "far away\n")
	writeFile(t, filepath.Dir(outside), "far.yaml", "txt2img:\n  steps: 9\n")
	tests := []struct {
		in      string
		first   string // first row's positive
		wantErr string
	}{
		{in: "portraits", first: "user portrait"},
		{in: " portraits ", first: "user portrait"},
		{in: "portraits.txt", first: "user portrait"},
		{in: "Portraits", first: "user portrait"},
		{in: "beta", first: "beta one"},
		{in: "beta.tsv", first: "beta one"},
		{in: "BETA.TSV", first: "beta one"},
		{in: "sample:packs/beta.tsv", first: "beta one"},
		{in: filepath.Join(l.PacksDir(), "portraits.txt"), first: "user portrait"},
		{in: outside, first: "far away"},
		{in: "portrait", wantErr: `no pack named "portrait" in ` + l.PacksDir() + ` or the samples; did you mean "portraits"?`},
		{in: "alhpa", wantErr: `did you mean "alpha"?`},
		{in: "zzzzzzzz", wantErr: "; available: alpha, beta, portraits"},
		{in: "sample:packs/nope.txt", wantErr: `no sample pack named "packs/nope.txt" in the samples`},
		{in: filepath.Join(t.TempDir(), "gone.txt"), wantErr: "gone.txt: no such file or directory"},
		{in: filepath.Dir(outside), wantErr: "is a folder, not a .txt or .tsv file"},
	}
	for _, tt := range tests {
		p, err := l.LoadPack(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("LoadPack(%q) error %v, want %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("LoadPack(%q): %v", tt.in, err)
			continue
		}
		if p.Rows[0].Positive != tt.first {
			t.Errorf("LoadPack(%q) first row %q, want %q", tt.in, p.Rows[0].Positive, tt.first)
		}
	}
	p, err := l.LoadPack(outside)
	if err != nil || p.Sidecar == nil || p.SidecarPath != filepath.Join(filepath.Dir(outside), "far.yaml") || p.ID != "far" {
		t.Errorf("pack by path: %+v, %v", p, err)
	}
}

func TestLoadPackAmbiguousCase(t *testing.T) {
	l := newTestLibrary(t)
	writeFile(t, l.PacksDir(), "Case.txt", "upper\n")
	writeFile(t, l.PacksDir(), "case.txt", "lower\n")
	if p, err := l.LoadPack("case"); err != nil || p.Rows[0].Positive != "lower" {
		t.Errorf("exact id should win: %v %v", p, err)
	}
	if _, err := l.LoadPack("CASE"); err == nil || !strings.Contains(err.Error(), `did you mean "Case" or "case"?`) {
		t.Errorf("two case-insensitive matches should ask: %v", err)
	}
}

func TestSavePackRoundTrip(t *testing.T) {
	l := newTestLibrary(t)
	rows := []PromptRow{
		{Positive: "a knight in [[place]], __weather__ sky <lora:film_grain:0.4>", Negative: "blurry, lowres"},
		{Positive: "line one\nline two\n\n  line three  ", Negative: "n1\r\nn2"},
		{Positive: "{red|blue} car, \"quoted\"", Negative: ""},
		{Positive: "legacy {lora:x:0.5}", Negative: "#not a comment here"},
	}
	if err := l.SavePack("my_pack", rows, false); err != nil {
		t.Fatal(err)
	}
	p, err := l.LoadPack("my_pack")
	if err != nil {
		t.Fatal(err)
	}
	want := []row{
		{"a knight in [[place]], __weather__ sky <lora:film_grain:0.4>", "blurry, lowres", 1},
		{"line one line two line three", "n1 n2", 4},
		{"{red|blue} car, \"quoted\"", "", 10},
		{"legacy <lora:x:0.5>", "#not a comment here", 12},
	}
	checkRows(t, p.Rows, want)

	// The parsed rows are normalised: saving them reads back the same rows
	// and saving again writes the same bytes.
	if err := l.SavePack("my_pack", p.Rows, true); err != nil {
		t.Fatal(err)
	}
	first, _ := os.ReadFile(filepath.Join(l.PacksDir(), "my_pack.txt"))
	again, err := l.LoadPack("my_pack")
	if err != nil {
		t.Fatal(err)
	}
	for i := range again.Rows {
		if again.Rows[i].Positive != p.Rows[i].Positive || again.Rows[i].Negative != p.Rows[i].Negative {
			t.Errorf("row %d changed on the second save: %+v, was %+v", i, again.Rows[i], p.Rows[i])
		}
	}
	if err := l.SavePack("my_pack", again.Rows, true); err != nil {
		t.Fatal(err)
	}
	second, _ := os.ReadFile(filepath.Join(l.PacksDir(), "my_pack.txt"))
	if string(first) != string(second) {
		t.Errorf("saving normalised rows is not a fixed point:\n%s\n---\n%s", first, second)
	}
}

func TestSavePackRules(t *testing.T) {
	l := newTestLibrary(t)
	one := []PromptRow{{Positive: "x"}}
	writeFile(t, l.PacksDir(), "table.tsv", "old\n")
	writeFile(t, l.PacksDir(), "table.yaml", "txt2img:\n  steps: 40\n")
	tests := []struct {
		name      string
		id        string
		rows      []PromptRow
		overwrite bool
		wantErr   string
	}{
		{"new pack", "fresh", one, false, ""},
		{"exists", "fresh", one, false, `pack "fresh" already exists (` + filepath.Join(l.PacksDir(), "fresh.txt") + "); confirm to overwrite it"},
		{"overwrite", "fresh", one, true, ""},
		{"sample needs confirmation", "alpha", one, false, `"alpha" is a shipped sample pack; saving under that id hides the sample`},
		{"sample confirmed", "alpha", one, true, ""},
		{"bad id", "a/b", one, false, `pack id "a/b" has characters a file name can't hold; use "a_b"`},
		{"empty id", " ", one, false, "has no usable characters"},
		{"no rows", "empty", nil, false, "a pack needs at least one prompt row"},
		{"empty prompt", "e", []PromptRow{{Positive: " \n ", Negative: "n"}}, false, "prompt row 1: the positive prompt is empty"},
		{"comment-like line", "c", []PromptRow{{Positive: "ok"}, {Positive: "fine\n# heading"}}, false, `prompt row 2: the line "# heading" starts with #`},
		{"neg-like line", "n", []PromptRow{{Positive: "Neg: x"}}, false, `starts with neg:, which a pack reads as a negative prompt`},
		{"NUL", "z", []PromptRow{{Positive: "a\x00"}}, false, "prompt row 1: contains a NUL byte"},
		{"existing tsv keeps its format", "table", []PromptRow{{Positive: "new\tone", Negative: "n"}}, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := l.SavePack(tt.id, tt.rows, tt.overwrite)
			if tt.wantErr == "" && err != nil {
				t.Fatal(err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("error %v, want %q", err, tt.wantErr)
			}
		})
	}
	data, err := os.ReadFile(filepath.Join(l.PacksDir(), "table.tsv"))
	if err != nil || string(data) != "new one\tn\n" {
		t.Errorf("table.tsv = %q, %v", data, err)
	}
	if _, err := os.Stat(filepath.Join(l.PacksDir(), "table.txt")); err == nil {
		t.Error("table.txt created beside table.tsv")
	}
	p, err := l.LoadPack("table")
	if err != nil || p.Sidecar == nil {
		t.Errorf("sidecar lost after SavePack: %v", err)
	}
	if p, _ := l.LoadPack("alpha"); p.Path != filepath.Join(l.PacksDir(), "alpha.txt") {
		t.Errorf("confirmed save over a sample did not shadow it: %s", p.Path)
	}
}

func TestFormatPackTSVQuoting(t *testing.T) {
	rows := []PromptRow{{Positive: `"all quoted"`, Negative: `"neg"`}, {Positive: "plain"}}
	data, err := FormatPack(rows, ".tsv")
	if err != nil {
		t.Fatal(err)
	}
	p, err := ParsePack(data, "x.tsv")
	if err != nil {
		t.Fatal(err)
	}
	checkRows(t, p.Rows, []row{{`"all quoted"`, `"neg"`, 1}, {"plain", "", 2}})
	if _, err := FormatPack([]PromptRow{{Positive: "positive", Negative: "negative"}}, ".tsv"); err == nil {
		t.Error("a header-like first row should not be written silently")
	}
	if _, err := FormatPack(rows, ".csv"); err == nil {
		t.Error("unknown format accepted")
	}
}

func TestApplyConfigToPack(t *testing.T) {
	l := newTestLibrary(t)
	cfg := pipeline.Defaults()
	cfg.Txt2Img.Steps = 42
	cfg.Txt2Img.Model = "sd_xl_base_1.0.safetensors [31e35c80fc]"

	steps := func(id string) int {
		t.Helper()
		p, err := l.LoadPack(id)
		if err != nil {
			t.Fatal(err)
		}
		c, err := p.Sidecar.ApplyTo(pipeline.Defaults())
		if err != nil {
			t.Fatal(err)
		}
		return c.Txt2Img.Steps
	}

	t.Run("sample is copied first", func(t *testing.T) {
		if err := l.ApplyConfigToPack("alpha", cfg); err != nil {
			t.Fatal(err)
		}
		p, _ := l.LoadPack("alpha")
		if p.Path != filepath.Join(l.PacksDir(), "alpha.txt") || p.SidecarPath != filepath.Join(l.PacksDir(), "alpha.yaml") {
			t.Errorf("pack %s sidecar %s", p.Path, p.SidecarPath)
		}
		if p.Rows[0].Positive != "alpha prompt" || steps("alpha") != 42 {
			t.Errorf("copy lost rows or config: %q, %d", p.Rows[0].Positive, steps("alpha"))
		}
	})
	t.Run("user pack without sidecar", func(t *testing.T) {
		writeFile(t, l.PacksDir(), "mine.txt", "m\n")
		if err := l.ApplyConfigToPack("mine", cfg); err != nil {
			t.Fatal(err)
		}
		if steps("mine") != 42 {
			t.Error("sidecar not applied")
		}
	})
	t.Run("yml sidecar rewritten in place", func(t *testing.T) {
		writeFile(t, l.PacksDir(), "y.txt", "y\n")
		writeFile(t, l.PacksDir(), "y.yml", "txt2img: {steps: 5}\n")
		if err := l.ApplyConfigToPack("y", cfg); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(filepath.Join(l.PacksDir(), "y.yaml")); err == nil || steps("y") != 42 {
			t.Errorf("y.yml not rewritten in place")
		}
	})
	t.Run("json sidecar replaced, kept as .bak", func(t *testing.T) {
		writeFile(t, l.PacksDir(), "j.txt", "j\n")
		writeFile(t, l.PacksDir(), "j.json", `{"txt2img": {"steps": 7}}`)
		if err := l.ApplyConfigToPack("j", cfg); err != nil {
			t.Fatal(err)
		}
		bak, err := os.ReadFile(filepath.Join(l.PacksDir(), "j.json.bak"))
		if err != nil || !strings.Contains(string(bak), `"steps": 7`) || steps("j") != 42 {
			t.Errorf("bak %q %v; steps %d", bak, err, steps("j"))
		}
	})
	t.Run("invalid config refused", func(t *testing.T) {
		bad := cfg
		bad.Txt2Img.Steps = 0
		err := l.ApplyConfigToPack("mine", bad)
		if err == nil || !strings.Contains(err.Error(), "txt2img.steps") || steps("mine") != 42 {
			t.Errorf("error %v", err)
		}
	})
	t.Run("unknown pack", func(t *testing.T) {
		if err := l.ApplyConfigToPack("nope", cfg); err == nil || !strings.Contains(err.Error(), `no pack named "nope"`) {
			t.Errorf("error %v", err)
		}
	})
	t.Run("full config round-trips through the sidecar", func(t *testing.T) {
		p, _ := l.LoadPack("mine")
		got, err := p.Sidecar.ApplyTo(pipeline.PipelineConfig{})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, cfg) {
			t.Errorf("sidecar over an empty config\n got %+v\nwant %+v", got, cfg)
		}
	})
}

func TestLibraryConcurrentUse(t *testing.T) {
	l := newTestLibrary(t)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			id := "p" + string(rune('a'+i))
			errs <- l.SavePack(id, []PromptRow{{Positive: id}}, false)
			errs <- l.SetGlobalNegative(id)
			_ = l.Packs()
			_, err := l.LoadPack(id)
			errs <- err
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if n := len(l.Packs()); n != 10 {
		t.Errorf("%d packs, want 10", n)
	}
}

func TestSampleWildcards(t *testing.T) {
	l := newTestLibrary(t)
	writeFile(t, l.WildcardsDir(), "color.txt", "green\n")
	if got := l.WildcardDirs(); !reflect.DeepEqual(got, []string{l.WildcardsDir()}) {
		t.Errorf("WildcardDirs %v", got)
	}
	srcs := l.WildcardFS()
	if len(srcs) != 2 {
		t.Fatalf("%d wildcard sources", len(srcs))
	}
	read := func(i int, name string) string {
		data, err := fsReadFile(srcs[i], name)
		if err != nil {
			return "error: " + err.Error()
		}
		return string(data)
	}
	if got := read(0, "color.txt"); got != "green\n" {
		t.Errorf("user color.txt = %q", got)
	}
	if got := read(1, "color.txt"); got != "red\nblue\n" {
		t.Errorf("sample color.txt = %q", got)
	}
	if got := read(1, "sub/pet.txt"); got != "cat\n" {
		t.Errorf("sample sub/pet.txt = %q", got)
	}
	if _, err := fsReadFile(SampleWildcards(), "hair.txt"); err != nil {
		t.Errorf("shipped hair.txt: %v", err)
	}
	if _, err := fsReadFile(srcs[0], "missing.txt"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing wildcard: %v", err)
	}
}
