package output

import (
	"errors"
	"strings"
	"testing"
	"time"
)

var sampleValues = TokenValues{
	Time:        time.Date(2025, 3, 9, 14, 5, 7, 0, time.UTC),
	Pack:        "Fantasy Portraits",
	PromptIndex: 3,
	Variant:     12,
	Batch:       2,
	Seed:        1234567890,
	Model:       "SDXL/juggernautXL_v9.safetensors [c9e3e68f89]",
	Stage:       "txt2img",
	Index:       7,
	Prompt:      "<lora:add-detail-xl:0.6> (masterpiece:1.2), portrait of a knight, BREAK golden hour, <embedding:neg>",
	JobID:       "3f2a9c1e-77b0-4c1e-9d2a-0b1c2d3e4f50",
	Sampler:     "DPM++ 2M",
	Steps:       30,
	CFG:         6.5,
	Width:       1024,
	Height:      1536,
}

func render(t *testing.T, tmpl string, v TokenValues) string {
	t.Helper()
	tp, err := ParseTemplate(tmpl)
	if err != nil {
		t.Fatalf("ParseTemplate(%q): %v", tmpl, err)
	}
	s, err := tp.Render(v)
	if err != nil {
		t.Fatalf("Render(%q): %v", tmpl, err)
	}
	return s
}

func TestRenderEveryToken(t *testing.T) {
	tests := []struct{ tmpl, want string }{
		{"{date}", "2025-03-09"},
		{"{time}", "14-05-07"},
		{"{datetime}", "2025-03-09_14-05-07"},
		{"{timestamp}", "20250309_140507"},
		{"{pack}", "Fantasy Portraits"},
		{"{prompt_index}", "3"},
		{"{prompt_index:03}", "003"},
		{"{variant:02}", "12"},
		{"{variant:01}", "12"},
		{"{batch}", "2"},
		{"{seed}", "1234567890"},
		{"{seed:012}", "001234567890"},
		{"{model}", "juggernautXL_v9"},
		{"{stage}", "txt2img"},
		{"{index}", "7"},
		{"{index:04}", "0007"},
		{"{prompt_words:4}", "masterpiece_portrait_of_a"},
		{"{prompt_words}", "masterpiece_portrait_of_a_knight"},
		{"{prompt_words:50}", "masterpiece_portrait_of_a_knight_golden_hour"},
		{"{job_id}", "3f2a9c1e"},
		{"{sampler}", "DPM++ 2M"},
		{"{steps}", "30"},
		{"{steps:03}", "030"},
		{"{cfg}", "6.5"},
		{"{width}x{height}", "1024x1536"},
		{"{width:05}", "01024"},
		{"{{literal}}_{seed}", "{literal}_1234567890"},
		{"{stage}_p{prompt_index:02}_v{variant:02}_{seed}", "txt2img_p03_v12_1234567890"},
		{"{date}/{pack}/{stage}", "2025-03-09/Fantasy Portraits/txt2img"},
		{`{date}\{pack}`, "2025-03-09/Fantasy Portraits"},
		{"run-{job_id}", "run-3f2a9c1e"},
	}
	for _, tt := range tests {
		if got := render(t, tt.tmpl, sampleValues); got != tt.want {
			t.Errorf("%s rendered %q, want %q", tt.tmpl, got, tt.want)
		}
	}
}

func TestRenderEdgeValues(t *testing.T) {
	v := TokenValues{Time: sampleValues.Time, Seed: -1, CFG: 7}
	tests := []struct{ tmpl, want string }{
		{"{seed:05}", "-0001"},
		{"{cfg}", "7"},
		{"{pack}", "_"},            // empty component
		{"x{pack}", "x"},           // empty value inside a component
		{"{model}", "_"},           // no model
		{"{prompt_words:3}", "_"},  // no prompt
		{"{job_id}_{index}", "_0"}, // empty job id: leading "_" kept
		{"{pack}/{seed}", "_/-1"},  // empty folder becomes "_"
		{"{sampler}.{stage}", "_"}, // "." alone is trimmed
		{"a.{pack}", "a"},          // trailing dot trimmed
		{"{stage} ", "_"},          // trailing space trimmed
	}
	for _, tt := range tests {
		if got := render(t, tt.tmpl, v); got != tt.want {
			t.Errorf("%s rendered %q, want %q", tt.tmpl, got, tt.want)
		}
	}
}

func TestRenderTimeTokenNeedsTime(t *testing.T) {
	for _, tok := range []string{"{date}", "{time}", "{datetime}", "{timestamp}"} {
		tp := mustParseTemplate("x_" + tok)
		_, err := tp.Render(TokenValues{Seed: 1})
		if !errors.Is(err, ErrNoTime) || !strings.Contains(err.Error(), "x_"+tok) {
			t.Errorf("%s with zero time: err = %v", tok, err)
		}
	}
}

func TestParseTemplateErrors(t *testing.T) {
	tests := []struct {
		tmpl   string
		col    int
		substr string
		list   bool // the message lists the known tokens
	}{
		{"", 1, "empty template", false},
		{"{foo}", 1, "{foo}: unknown token", true},
		{"img_{seeed}_x", 5, "{seeed}: unknown token", true},
		{"a_{date", 3, "unbalanced '{'", true},
		{"a_{date/x}", 3, "unbalanced '{'", true},
		{"a_{da{te}", 3, "unbalanced '{'", true},
		{"ab}c", 3, "unbalanced '}'", true},
		{"{date}}", 7, "unbalanced '}'", true},
		{"{index:3}", 1, "{index:0N}", true},
		{"{index:0}", 1, "{index:0N}", true},
		{"{index:021}", 1, "{index:0N}", true},
		{"{index:abc}", 1, "{index:0N}", true},
		{"{pack:2}", 1, "takes no argument", true},
		{"{prompt_words:0}", 1, "word count", true},
		{"{prompt_words:99}", 1, "word count", true},
		{"{prompt_words:x}", 1, "word count", true},
		{"{}", 1, "{}: unknown token", true},
		{"../x", 1, "'..'", false},
		{"a/../b", 3, "'..'", false},
		{"a/./b", 3, "'..'", false},
		{"/abs/{seed}", 1, "absolute paths", false},
		{`\abs`, 1, "absolute paths", false},
		{`C:\out\{seed}`, 1, "drive letters", false},
		// Windows spellings are held to the same rules on every OS.
		{`..\x`, 1, "'..'", false},
		{`a\..\b`, 3, "'..'", false},
		{`\\server\share\{seed}`, 1, "absolute paths", false},
		{`c:{seed}`, 1, "drive letters", false},
		{`x\CON\{seed}`, 3, "device name", false},
		{`x\out.\{seed}`, 3, "not a portable name", false},
		{"a//b", 3, "empty path segment", false},
		{"a/", 3, "empty path segment", false},
		{"CON/{seed}", 1, "device name", false},
		{"x/nul.txt", 3, "device name", false},
		{"a<b", 2, "<>:", false},
		{"ab:c", 3, "<>:", false},
		{"a:b", 1, "drive letters", false},
		{"{seed}?", 7, "<>:", false},
		{"a\x00b", 2, "control characters", false},
		{"a\tb", 2, "control characters", false},
		{".hidden/{seed}", 1, "not a portable name", false},
		{"out./{seed}", 1, "not a portable name", false},
		{" x/{seed}", 1, "not a portable name", false},
		{strings.Repeat("a", 121), 1, "at most 120 bytes", false},
		{"\xff", 1, "UTF-8", false},
	}
	for _, tt := range tests {
		_, err := ParseTemplate(tt.tmpl)
		var te *TemplateError
		if !errors.As(err, &te) {
			t.Errorf("ParseTemplate(%q): err = %v, want *TemplateError", tt.tmpl, err)
			continue
		}
		msg := err.Error()
		if te.Column != tt.col || !strings.Contains(msg, tt.substr) {
			t.Errorf("ParseTemplate(%q): column %d, %q; want column %d containing %q", tt.tmpl, te.Column, msg, tt.col, tt.substr)
		}
		if got := strings.Contains(msg, "known tokens: {batch}"); got != tt.list {
			t.Errorf("ParseTemplate(%q): lists known tokens = %v, want %v (%s)", tt.tmpl, got, tt.list, msg)
		}
	}
}

func TestParseTemplateColumnsCountCharacters(t *testing.T) {
	_, err := ParseTemplate("日本_{bad}")
	var te *TemplateError
	if !errors.As(err, &te) || te.Column != 4 || te.Token != "{bad}" {
		t.Fatalf("err = %#v", err)
	}
}

func TestTemplateAccessors(t *testing.T) {
	tp := mustParseTemplate("{date}/{pack}/img")
	if tp.Segments() != 3 || tp.String() != "{date}/{pack}/img" {
		t.Errorf("Segments = %d, String = %q", tp.Segments(), tp.String())
	}
}

func TestTokensAreDocumentedAndParse(t *testing.T) {
	infos := Tokens()
	if len(infos) != len(tokenSpecs) {
		t.Fatalf("Tokens() has %d entries, want %d", len(infos), len(tokenSpecs))
	}
	for _, ti := range infos {
		if ti.Description == "" || !strings.Contains(knownTokenList(), "{"+ti.Name+"}") {
			t.Errorf("token %q: undocumented or missing from the error list", ti.Name)
		}
		for _, syn := range strings.Split(ti.Syntax, " or ") {
			syn = strings.Replace(syn, ":N}", ":3}", 1)
			if _, err := ParseTemplate(syn); err != nil {
				t.Errorf("documented syntax %q does not parse: %v", syn, err)
			}
		}
	}
}

func TestModelShortName(t *testing.T) {
	tests := map[string]string{
		"v1-5-pruned-emaonly.safetensors [6ce0161689]":  "v1-5-pruned-emaonly",
		`SDXL\juggernautXL_v9.safetensors [c9e3e68f89]`: "juggernautXL_v9",
		"sub/dir/model.ckpt":                            "model",
		"model.v2.safetensors":                          "model.v2",
		"plain":                                         "plain",
		"name [not a hash]":                             "name [not a hash]",
		"":                                              "",
	}
	for in, want := range tests {
		if got := ModelShortName(in); got != want {
			t.Errorf("ModelShortName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPromptWords(t *testing.T) {
	tests := []struct {
		prompt string
		n      int
		want   string
	}{
		{"a cat, sitting", 5, "a_cat_sitting"},
		{"<lora:x:0.5><embedding:bad> dog", 2, "dog"},
		{"(red:1.3) [blue:0.5] car", 3, "red_blue_car"},
		{"один кот, 猫", 3, "один_кот_猫"},
		{"BREAK BREAK", 2, ""},
		{"x y z", 0, ""},
		{strings.Repeat("word ", 500), 50, strings.TrimSuffix(strings.Repeat("word_", 50), "_")},
	}
	for _, tt := range tests {
		if got := PromptWords(tt.prompt, tt.n); got != tt.want {
			t.Errorf("PromptWords(%q, %d) = %q, want %q", tt.prompt, tt.n, got, tt.want)
		}
	}
}

func TestTemplateUses(t *testing.T) {
	tmpl := mustParseTemplate("{date}_{pack}/{seed:05}")
	if !tmpl.Uses("seed") || !tmpl.Uses("batch", "pack") {
		t.Error("Uses misses a token the template has")
	}
	if tmpl.Uses("batch", "job_id") || mustParseTemplate("plain").Uses("seed") {
		t.Error("Uses reports a token the template lacks")
	}
}

// A folder template written on Windows, with "\", makes the same folders
// as one written with "/".
func TestBackslashSeparatesFolders(t *testing.T) {
	v := TokenValues{Pack: "portraits", Seed: 42}
	for _, src := range []string{`{pack}\s{seed}`, "{pack}/s{seed}"} {
		tp, err := ParseTemplate(src)
		if err != nil {
			t.Fatalf("%q: %v", src, err)
		}
		got, err := tp.Render(v)
		if err != nil || got != "portraits/s42" {
			t.Errorf("%q renders %q (%v), want portraits/s42", src, got, err)
		}
	}
}
