package infotext

import (
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func mustParse(t *testing.T, text string) *Parameters {
	t.Helper()
	p, err := Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func parseFile(t *testing.T, name string) *Parameters {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return mustParse(t, string(raw))
}

// TestCorpusFacts states the key facts of each corpus file by hand, as a
// check on the golden files.
func TestCorpusFacts(t *testing.T) {
	p := parseFile(t, "sd15_basic.txt")
	if w, h, ok := p.Size(); !ok || w != 512 || h != 768 {
		t.Errorf("sd15 size %dx%d", w, h)
	}
	if s, _ := p.Seed(); s != 3456789012 || p.ClipSkip() != 2 || p.LoraHashes()["add_detail"] != "7c6bad76eb54" || p.TIHashes()["EasyNegative"] != "c74b4e810b03" {
		t.Errorf("sd15: seed %d clip %d loras %v tis %v", s, p.ClipSkip(), p.LoraHashes(), p.TIHashes())
	}

	p = parseFile(t, "sdxl_refiner.txt")
	if r, ok := p.Refiner(); !ok || r.Checkpoint != "sd_xl_refiner_1.0 [7440042bbd]" || r.SwitchAt != 0.8 {
		t.Errorf("refiner %+v %v", r, ok)
	}
	if _, ok := p.Hires(); ok {
		t.Error("sdxl: hires reported without hires keys")
	}

	p = parseFile(t, "hires_scale.txt")
	if h, ok := p.Hires(); !ok || h.Upscale != 2 || h.Steps != 10 || h.Upscaler != "Latent" || h.ResizeWidth != 0 {
		t.Errorf("hires by scale %+v", h)
	}
	if d, _ := p.DenoisingStrength(); d != 0.45 {
		t.Errorf("denoising %v", d)
	}
	if vs, _ := p.VariationSeed(); vs != 1337 {
		t.Errorf("variation seed %d", vs)
	}

	p = parseFile(t, "hires_size.txt")
	if h, ok := p.Hires(); !ok || h.ResizeWidth != 1024 || h.ResizeHeight != 1536 || h.Upscale != 0 || h.Prompt != "portrait of an elf ranger, detailed skin" || h.Checkpoint != "dreamshaper_8 [879db523c3]" || h.ScheduleType != "Exponential" {
		t.Errorf("hires by size %+v", h)
	}

	p = parseFile(t, "img2img.txt")
	if d, ok := p.DenoisingStrength(); !ok || d != 0.3 {
		t.Errorf("img2img denoising %v %v", d, ok)
	}

	p = parseFile(t, "adetailer_two_units.txt")
	units := p.ADetailer()
	if len(units) != 2 || units[0].Model != "face_yolov8n.pt" || units[1].Model != "hand_yolov8n.pt" || units[1].Index != 2 {
		t.Fatalf("units %+v", units)
	}
	if c, _ := units[1].Float("confidence"); c != 0.35 {
		t.Errorf("unit 2 confidence %v", c)
	}
	if s, _ := units[1].Int("Steps"); s != 20 {
		t.Errorf("unit 2 steps %v", s)
	}
	if b, ok := units[0].Bool("inpaint only masked"); !b || !ok {
		t.Error("unit 1 inpaint only masked")
	}
	if pr, _ := units[0].Get("prompt"); pr != "detailed face, smiling" || p.ADetailerVersion() != "25.3.0" {
		t.Errorf("unit 1 prompt %q, version %q", pr, p.ADetailerVersion())
	}

	p = parseFile(t, "lora_quoted.txt")
	if want := map[string]string{"film_grain": "a1b2c3d4e5f6", "add-detail-xl": "0d9bd1b873a7"}; !reflect.DeepEqual(p.LoraHashes(), want) {
		t.Errorf("lora hashes %v", p.LoraHashes())
	}
	if v, _ := p.Get("Style"); v != `analog, "film" look: 35mm` {
		t.Errorf("quoted value %q", v)
	}

	p = parseFile(t, "multiline_prompt.txt")
	if p.Prompt != "a majestic dragon perched on a cliff,\nBREAK\nstorm clouds, lightning, epic fantasy art\n\nhighly detailed" || p.Negative != "blurry,\nlowres, jpeg artifacts" {
		t.Errorf("multi-line: %q / %q", p.Prompt, p.Negative)
	}

	p = parseFile(t, "empty_negative.txt")
	if p.Negative != "" || p.Prompt != "a simple red apple on a wooden table" || len(p.Pairs) != 8 {
		t.Errorf("empty negative: %q %q %d", p.Prompt, p.Negative, len(p.Pairs))
	}

	p = parseFile(t, "forge_flux.txt")
	if v := p.Version(); v.Software != SoftwareForge || v.Forge != "2.0.1" || v.WebUI != "1.10.1" || p.Negative != "" {
		t.Errorf("forge %+v, negative %q", v, p.Negative)
	}
	if m, _ := p.Get("Module 3"); m != "t5xxl_fp16" {
		t.Errorf("CRLF line endings left %q", m)
	}

	p = parseFile(t, "dynprompts_template.txt")
	if p.Template != "a {red|blue|green} sports car\non a {mountain road|city street}, {sunset|dawn}" || p.NegativeTemplate != "blurry" || p.Negative != "blurry" {
		t.Errorf("template %q / %q, negative %q", p.Template, p.NegativeTemplate, p.Negative)
	}
	if s, _ := p.Steps(); s != 20 || len(p.Pairs) != 9 {
		t.Errorf("template file pairs: %d", len(p.Pairs))
	}

	p = parseFile(t, "broken_quoting.txt")
	if len(p.Warnings) != 3 || !strings.Contains(p.Warnings[0], "Lora hashes: broken quoting") || !strings.Contains(p.Warnings[1], "add-detail") || !strings.Contains(p.Warnings[2], "Hires prompt") {
		t.Errorf("warnings %q", p.Warnings)
	}
	if m := p.Model(); m != "v1-5-pruned-emaonly" || p.Version().Raw != "v1.10.1" {
		t.Errorf("values after broken quoting: model %q", m)
	}

	p = parseFile(t, "sdnext.txt")
	if v := p.Version(); v.Software != SoftwareSDNext || v.WebUI != "2ff9bf1" {
		t.Errorf("sdnext %+v", v)
	}

	p = parseFile(t, "no_parameters.txt")
	if len(p.Pairs) != 0 || !strings.HasPrefix(p.Prompt, "just a prompt, with: a colon") {
		t.Errorf("no parameters: %q, %d pairs", p.Prompt, len(p.Pairs))
	}
}

func TestParseLastLineNeedsThreePairs(t *testing.T) {
	p := mustParse(t, "a prompt\nSteps: 20, Seed: 1")
	if len(p.Pairs) != 0 || p.Prompt != "a prompt\nSteps: 20, Seed: 1" {
		t.Errorf("two pairs taken as parameters: %+v", p)
	}
	p = mustParse(t, "a prompt\nSteps: 20, Seed: 1, Size: 512x512")
	if len(p.Pairs) != 3 || p.Prompt != "a prompt" {
		t.Errorf("three pairs not taken: %+v", p)
	}
}

func TestParseEdgeCases(t *testing.T) {
	tests := []struct {
		name, text, prompt, negative string
		pairs                        []Pair
		warnings                     int
	}{
		{"empty", "", "", "", nil, 0},
		{"spaces", " \n\t ", "", "", nil, 0},
		{"only parameters", "Steps: 1, Seed: 2, Size: 3x4", "", "", []Pair{{"Steps", "1"}, {"Seed", "2"}, {"Size", "3x4"}}, 0},
		{"only negative", "Negative prompt: bad\nSteps: 1, Seed: 2, CFG scale: 7", "", "bad", []Pair{{"Steps", "1"}, {"Seed", "2"}, {"CFG scale", "7"}}, 0},
		{"empty negative line", "p\nNegative prompt:\nSteps: 1, Seed: 2, CFG scale: 7", "p", "", []Pair{{"Steps", "1"}, {"Seed", "2"}, {"CFG scale", "7"}}, 0},
		{"empty value", "p\nAa: , Bb: x, Cc:", "p", "", []Pair{{"Aa", ""}, {"Bb", "x"}, {"Cc", ""}}, 0},
		{"empty quoted value", `p` + "\n" + `Aa: "", Bb: x, Cc: y`, "p", "", []Pair{{"Aa", ""}, {"Bb", "x"}, {"Cc", "y"}}, 0},
		{"escaped quotes and unicode", `p` + "\n" + `Aa: "say \"hi\", \u732b \ud83d\udc31", Bb: 2, Cc: 3`, "p", "", []Pair{{"Aa", `say "hi", 猫 🐱`}, {"Bb", "2"}, {"Cc", "3"}}, 0},
		{"quoted newline", "p\nAa: \"one\\ntwo\", Bb: 2, Cc: 3", "p", "", []Pair{{"Aa", "one\ntwo"}, {"Bb", "2"}, {"Cc", "3"}}, 0},
		{"colon in unquoted value", "p\nAa: x: y, Bb: 2, Cc: 3", "p", "", []Pair{{"Aa", "x: y"}, {"Bb", "2"}, {"Cc", "3"}}, 0},
		{"trailing spaces in values", "p\nAa: x  , Bb: 2 ,Cc: 3", "p", "", []Pair{{"Aa", "x"}, {"Bb", "2"}, {"Cc", "3"}}, 0},
		{"single-letter key ignored", "p\nx: 1, Aa: 1, Bb: 2, Cc: 3", "p", "", []Pair{{"Aa", "1"}, {"Bb", "2"}, {"Cc", "3"}}, 1},
		{"unterminated quote", "p\nAa: \"open, Bb: 2, Cc: 3", "p", "", []Pair{{"Aa", `"open`}, {"Bb", "2"}, {"Cc", "3"}}, 1},
		{"lone quote", "p\nAa: \", Bb: 2, Cc: 3", "p", "", []Pair{{"Aa", `"`}, {"Bb", "2"}, {"Cc", "3"}}, 1},
		{"quote then text", "p\nAa: \"x\" y, Bb: 2, Cc: 3", "p", "", []Pair{{"Aa", `"x" y`}, {"Bb", "2"}, {"Cc", "3"}}, 1},
		{"control char in quotes", "p\nAa: \"a\tb\", Bb: 2, Cc: 3", "p", "", []Pair{{"Aa", "\"a\tb\""}, {"Bb", "2"}, {"Cc", "3"}}, 1},
		{"unicode key", "p\nÉtapes: 20, Graine: 1, Größe: 5x5", "p", "", []Pair{{"Étapes", "20"}, {"Graine", "1"}, {"Größe", "5x5"}}, 0},
		{"key with slash and dash", "p\nA/B: 1, C-D: 2, E F: 3", "p", "", []Pair{{"A/B", "1"}, {"C-D", "2"}, {"E F", "3"}}, 0},
		{"repeated negative prefix", "p\nNegative prompt: a\nNegative prompt: b\nAa: 1, Bb: 2, Cc: 3", "p", "a\nb", []Pair{{"Aa", "1"}, {"Bb", "2"}, {"Cc", "3"}}, 0},
		{"blank lines", "p1\n\np2\nNegative prompt:\n\nn\nAa: 1, Bb: 2, Cc: 3", "p1\n\np2", "n", []Pair{{"Aa", "1"}, {"Bb", "2"}, {"Cc", "3"}}, 0},
		{"template without parameters is prompt", "p\nTemplate: t", "p\nTemplate: t", "", nil, 0},
	}
	for _, tt := range tests {
		p := mustParse(t, tt.text)
		if p.Prompt != tt.prompt || p.Negative != tt.negative || !reflect.DeepEqual(p.Pairs, tt.pairs) || len(p.Warnings) != tt.warnings {
			t.Errorf("%s:\n got %q / %q / %q warnings %q\nwant %q / %q / %q (%d warnings)", tt.name, p.Prompt, p.Negative, p.Pairs, p.Warnings, tt.prompt, tt.negative, tt.pairs, tt.warnings)
		}
		checkRoundTrip(t, p)
	}
}

func TestParseInvalidUTF8(t *testing.T) {
	p := mustParse(t, "caf\xe9 \xff\nNegative prompt: \xfe\nSteps: 20, Seed: 1, Model: m\xc3")
	if p.Prompt != "caf\uFFFD \uFFFD" || p.Negative != "\uFFFD" || p.Model() != "m\uFFFD" {
		t.Errorf("got %q / %q / %q", p.Prompt, p.Negative, p.Model())
	}
	if len(p.Warnings) != 1 || !strings.Contains(p.Warnings[0], "UTF-8") {
		t.Errorf("warnings %q", p.Warnings)
	}
}

func TestParseTypeWarnings(t *testing.T) {
	p := mustParse(t, "p\nSteps: twenty, CFG scale: high, Size: 512, Hires resize: 0x5, Seed: 1.5, Lora hashes: nohash, Clip skip: x")
	want := []string{"Steps", "CFG scale", "Size", "Hires resize", "Seed", "Lora hashes", "Clip skip"}
	if len(p.Warnings) != len(want) {
		t.Fatalf("warnings %q", p.Warnings)
	}
	for i, k := range want {
		if !strings.HasPrefix(p.Warnings[i], k+":") {
			t.Errorf("warning %d = %q, want it about %s", i, p.Warnings[i], k)
		}
	}
	if _, ok := p.Steps(); ok {
		t.Error("Steps() ok for a non-number")
	}
	if _, _, ok := p.Size(); ok {
		t.Error("Size() ok for a bad size")
	}
	if p.ClipSkip() != 1 {
		t.Error("ClipSkip default")
	}
}

func TestParseTooLarge(t *testing.T) {
	if _, err := Parse(strings.Repeat("a", MaxInfotextSize+1)); err == nil {
		t.Error("oversized infotext accepted")
	}
}

// TestParseLongLineIsLinear feeds multi-megabyte hostile lines: a scanner
// that retried every position (as a naive regex loop does) would take
// minutes on them instead of milliseconds.
func TestParseLongLineIsLinear(t *testing.T) {
	tests := []struct {
		line     string
		pairs    int
		warnings int
	}{
		{strings.Repeat("word ", 400000), 0, 0},
		{strings.Repeat("ab-cd/ef ", 200000), 0, 0},
		{strings.Repeat(`a: "x, `, 200000), 0, 0},        // one-letter keys never match
		{strings.Repeat(`ab: "x, `, 200000), 200000, 51}, // every value has broken quoting
		{strings.Repeat(`ab: "x\\", `, 100000), 100000, 0},
	}
	for i, tt := range tests {
		p := mustParse(t, "prompt\n"+tt.line)
		if len(p.Pairs) != tt.pairs || len(p.Warnings) != tt.warnings {
			t.Errorf("line %d: %d pairs, %d warnings; want %d, %d", i, len(p.Pairs), len(p.Warnings), tt.pairs, tt.warnings)
		}
		if tt.pairs == 0 && p.Prompt != "prompt\n"+strings.TrimSpace(tt.line) {
			t.Errorf("line %d: not kept as prompt", i)
		}
	}
}

func TestADetailerKeySuffixes(t *testing.T) {
	tests := []struct {
		key   string
		name  string
		index int
		ok    bool
	}{
		{"ADetailer model", "model", 1, true},
		{"ADetailer model 2nd", "model", 2, true},
		{"ADetailer mask blur 3rd", "mask blur", 3, true},
		{"ADetailer CFG scale 11th", "CFG scale", 11, true},
		{"ADetailer model 21st", "model", 21, true},
		{"ADetailer version", "", 0, false},
		{"ADetailer ", "", 0, false},
		{"Adetailer model", "", 0, false},
		{"ADetailer 2nd", "2nd", 1, true},
	}
	for _, tt := range tests {
		name, idx, ok := splitADetailerKey(tt.key)
		if name != tt.name || idx != tt.index || ok != tt.ok {
			t.Errorf("splitADetailerKey(%q) = %q, %d, %v; want %q, %d, %v", tt.key, name, idx, ok, tt.name, tt.index, tt.ok)
		}
	}
	p := mustParse(t, "p\nSteps: 1, ADetailer model 3rd: c.pt, ADetailer model: a.pt, ADetailer confidence 3rd: 0.5")
	u := p.ADetailer()
	if len(u) != 2 || u[0].Index != 1 || u[0].Model != "a.pt" || u[1].Index != 3 || u[1].Model != "c.pt" {
		t.Errorf("units %+v", u)
	}
}

func TestVersionInfo(t *testing.T) {
	tests := []struct {
		version, app    string
		software, webui string
		forge           string
	}{
		{"v1.10.1", "", SoftwareA1111, "1.10.1", ""},
		{"v1.6.0-RC-28-ga1b2c3d", "", SoftwareA1111, "1.6.0-RC-28-ga1b2c3d", ""},
		{"f2.0.1v1.10.1-previous-669-gdfdcbab6", "", SoftwareForge, "1.10.1", "2.0.1"},
		{"f0.0.17v1.8.0rc-latest-276-g29be1da7", "", SoftwareForge, "1.8.0rc", "0.0.17"},
		{"2ff9bf1", "SD.Next", SoftwareSDNext, "2ff9bf1", ""},
		{"neo", "", "", "", ""},
		{"", "", "", "", ""},
	}
	for _, tt := range tests {
		p := &Parameters{}
		if tt.version != "" {
			p.Set(KeyVersion, tt.version)
		}
		if tt.app != "" {
			p.Set(KeyApp, tt.app)
		}
		v := p.Version()
		if v.Software != tt.software || v.WebUI != tt.webui || v.Forge != tt.forge || v.Raw != tt.version {
			t.Errorf("%q: %+v", tt.version, v)
		}
	}
}

func TestSetGetDelete(t *testing.T) {
	p := mustParse(t, "p\nSteps: 20, Seed: 1, Seed: 2, CFG scale: 7.0")
	if s, _ := p.Seed(); s != 2 {
		t.Errorf("last duplicate should win, got %d", s)
	}
	p.SetInt(KeySeed, 99)
	if s, _ := p.Seed(); s != 99 || len(p.Pairs) != 3 || p.Pairs[1] != (Pair{"Seed", "99"}) {
		t.Errorf("SetInt: %q", p.Pairs)
	}
	p.SetFloat(KeyDenoisingStrength, 0.5)
	p.Set("My key", "a, b")
	if d, _ := p.DenoisingStrength(); d != 0.5 || !p.Has("My key") {
		t.Errorf("Set: %q", p.Pairs)
	}
	p.Delete(KeySteps)
	if p.Has(KeySteps) {
		t.Error("Delete left Steps")
	}
	if got := Format(p); got != "p\nCFG scale: 7.0, Seed: 99, Denoising strength: 0.5, My key: \"a, b\"" {
		t.Errorf("Format after edits: %q", got)
	}
	if _, ok := p.Int("missing"); ok {
		t.Error("Int of a missing key")
	}
	if _, ok := p.Float("missing"); ok {
		t.Error("Float of a missing key")
	}
}

func TestPythonFloat(t *testing.T) {
	tenth, fifth := 0.1, 0.2 // variables: constant arithmetic would be exact
	tests := map[float64]string{
		tenth + fifth: "0.30000000000000004", 7: "7.0", 2: "2.0", 0: "0.0", -1: "-1.0", 0.45: "0.45", 6.5: "6.5",
		1e16: "1e+16", 1e15: "1000000000000000.0", 0.0001: "0.0001", 0.00001: "1e-05", 1.5e-7: "1.5e-07",
		123456789.123: "123456789.123", math.Inf(1): "inf", math.Inf(-1): "-inf",
	}
	for f, want := range tests {
		if got := PythonFloat(f); got != want {
			t.Errorf("PythonFloat(%v) = %q, want %q", f, got, want)
		}
	}
	if PythonFloat(math.NaN()) != "nan" {
		t.Error("nan")
	}
}

func TestQuoting(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"a, b", `"a, b"`},
		{"a: b", `"a: b"`},
		{"line\nbreak", `"line\nbreak"`},
		{`say "hi"`, `say "hi"`},
		{`"starts`, `"\"starts"`},
		{" padded", `" padded"`},
		{"tab\tx", `"tab\tx"`},
		{"ctl\x01", `"ctl\u0001"`},
		{"猫, <b>&", `"猫, <b>&"`},
		{`back\slash, x`, `"back\\slash, x"`},
	}
	for _, tt := range tests {
		p := &Parameters{Pairs: []Pair{{"K", tt.in}}}
		if got := formatPairs(p.Pairs); got != "K: "+tt.want {
			t.Errorf("value %q written %q, want %q", tt.in, got, "K: "+tt.want)
		}
	}
	for _, bad := range []string{`"a`, `"\q"`, `"\u12"`, "\"a\x01\"", `"a"b"`, `"\"`} {
		if _, ok := unquoteJSON(bad); ok {
			t.Errorf("unquoteJSON(%q) accepted", bad)
		}
	}
	if s, ok := unquoteJSON(`"\ud800x"`); !ok || s != "\uFFFDx" {
		t.Errorf("lone surrogate: %q %v", s, ok)
	}
	if s, ok := unquoteJSON(`"\/\b\f\r\t"`); !ok || s != "/\b\f\r\t" {
		t.Errorf("escapes: %q %v", s, ok)
	}
}

func TestCanonicalPairsOrderAndClipSkip(t *testing.T) {
	p := &Parameters{Pairs: []Pair{
		{"Version", "v1.10.1"}, {"Zeta", "1"}, {"Hires upscaler", "Latent"}, {"Lora hashes", "a: 1"},
		{"ADetailer model", "face.pt"}, {"Clip skip", "1"}, {"Hires upscale", "2"}, {"Seed", "5"}, {"Steps", "20"},
		{"Refiner", "r"}, {"Alpha", "2"}, {"CFG scale", "7"}, {"ADetailer confidence", "1"},
	}}
	var keys []string
	for _, kv := range CanonicalPairs(p) {
		keys = append(keys, kv.Key+"="+kv.Value)
	}
	want := "Steps=20 CFG scale=7.0 Seed=5 ADetailer model=face.pt ADetailer confidence=1.0 Hires upscale=2.0 Hires upscaler=Latent Lora hashes=a: 1 Refiner=r Zeta=1 Alpha=2 Version=v1.10.1"
	if got := strings.Join(keys, " "); got != want {
		t.Errorf("order:\n got %s\nwant %s", got, want)
	}
	// Clip skip 1 is kept when dropping it would leave fewer than three pairs.
	p = &Parameters{Pairs: []Pair{{"Steps", "20"}, {"Seed", "1"}, {"Clip skip", "1"}}}
	if len(CanonicalPairs(p)) != 3 {
		t.Error("Clip skip dropped below three pairs")
	}
	checkRoundTrip(t, p)
}

func TestFormatProtectsAmbiguousPrompts(t *testing.T) {
	tests := []struct {
		p    *Parameters
		want string
	}{
		{&Parameters{Prompt: "aa: 1, bb: 2, cc: 3"}, "aa: 1, bb: 2, cc: 3\nNegative prompt:"},
		{&Parameters{Prompt: "aa: 1, bb: 2, cc: 3", Pairs: []Pair{{"Template", "x"}, {"Bb", "1"}, {"Cc", "2"}}},
			"aa: 1, bb: 2, cc: 3\nNegative prompt:\nTemplate: x, Bb: 1, Cc: 2"},
		{&Parameters{Negative: ",00:,00:"}, "Negative prompt:\n,00:,00:"},
		{&Parameters{Prompt: "p", Negative: "aa, bb: 1, cc: 2", Pairs: []Pair{{"Template", "x"}, {"Bb", "1"}, {"Cc", "2"}}},
			"p\nNegative prompt:\naa, bb: 1, cc: 2\nTemplate: x, Bb: 1, Cc: 2"},
		{&Parameters{Prompt: "p", Negative: "aa: 1, bb: 2", Pairs: []Pair{{"Template", "x"}, {"Bb", "1"}, {"Cc", "2"}}},
			"p\nNegative prompt: aa: 1, bb: 2\nTemplate: x, Bb: 1, Cc: 2"}, // two pairs only: left alone
		{&Parameters{Prompt: "aa: 1, bb: 2, cc: 3", Pairs: []Pair{{"Steps", "1"}, {"Bb", "1"}, {"Cc", "2"}}},
			"aa: 1, bb: 2, cc: 3\nSteps: 1, Bb: 1, Cc: 2"}, // unambiguous: left alone
	}
	for _, tt := range tests {
		if got := Format(tt.p); got != tt.want {
			t.Errorf("Format = %q, want %q", got, tt.want)
		}
		checkRoundTrip(t, tt.p)
	}
}

func TestUnknownKeepsOrder(t *testing.T) {
	p := mustParse(t, "p\nSteps: 1, Zed: z, ADetailer model: m, Alpha: a, Version: v")
	if got := p.Unknown(); !reflect.DeepEqual(got, []Pair{{"Zed", "z"}, {"Alpha", "a"}}) {
		t.Errorf("unknown %q", got)
	}
}
