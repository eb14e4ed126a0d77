package random

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"

	"stablenew/pipeline"
)

// baseCfg is an enabled randomizer with every feature off.
func baseCfg() pipeline.RandomizerConfig {
	c := pipeline.Defaults().Randomizer
	c.Enabled = true
	c.Seed = 7
	c.Variants.Enabled = false
	return c
}

func jobPlace() []pipeline.MatrixSlot {
	return []pipeline.MatrixSlot{
		{Name: "job", Values: []string{"knight", "archer"}},
		{Name: "place", Values: []string{"a harbor", "a forest", "a cave"}},
	}
}

// variants materialises every variant of a row.
func variants(t *testing.T, p *RowPlan) []Variant {
	t.Helper()
	out := make([]Variant, p.Count())
	for i := range out {
		v, err := p.Variant(i)
		if err != nil {
			t.Fatalf("Variant(%d): %v", i, err)
		}
		out[i] = v
	}
	return out
}

func positives(vs []Variant) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.Positive
	}
	return out
}

func mustExpander(t *testing.T, cfg pipeline.RandomizerConfig, wc Wildcards) *Expander {
	t.Helper()
	x, err := NewExpander(cfg, wc, cfg.Seed)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func mustPlan(t *testing.T, x *Expander, row int, pos, neg string) *RowPlan {
	t.Helper()
	p, err := x.PlanRow(row, pos, neg)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDisabledRandomizer(t *testing.T) {
	cfg := baseCfg()
	cfg.Enabled = false
	x := mustExpander(t, cfg, nil)
	p := mustPlan(t, x, 0, "a castle, (detailed:1.2) <lora:x:0.5>", "blurry")
	vs := variants(t, p)
	if len(vs) != 1 || vs[0].Positive != "a castle, (detailed:1.2) <lora:x:0.5>" || vs[0].Negative != "blurry" || vs[0].Picks != nil || !vs[0].Sweep.IsZero() {
		t.Fatalf("a disabled randomizer passes the row through: %+v", vs)
	}
	for _, tt := range []struct{ pos, neg, token string }{
		{"a [[job]] portrait", "", "[[job]]"},
		{"a portrait, __weather__ sky", "", "__weather__"},
		{"a {red|blue} car", "", "{red|blue}"},
		{"fine", "{a|b}", "{a|b}"},
	} {
		_, err := x.PlanRow(4, tt.pos, tt.neg)
		if err == nil {
			t.Fatalf("%q: want an error", tt.pos)
		}
		for _, want := range []string{"row 5", tt.token, "turn on the randomizer"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q lacks %q", err, want)
			}
		}
	}
}

func TestMatrixFanout(t *testing.T) {
	cfg := baseCfg()
	cfg.Matrix.Enabled = true
	cfg.Matrix.Limit = 0
	cfg.Matrix.Slots = jobPlace()
	x := mustExpander(t, cfg, nil)
	p := mustPlan(t, x, 0, "a [[job]] in [[place]]", "no [[job]]")
	vs := variants(t, p)
	want := []string{"a knight in a harbor", "a knight in a forest", "a knight in a cave",
		"a archer in a harbor", "a archer in a forest", "a archer in a cave"}
	if !reflect.DeepEqual(positives(vs), want) {
		t.Fatalf("fanout (last slot fastest) = %q", positives(vs))
	}
	if vs[4].Negative != "no archer" {
		t.Fatalf("the negative shares the slot pick: %q", vs[4].Negative)
	}
	wantPicks := []pipeline.DimensionValue{{Dimension: "[[job]]", Value: "archer"}, {Dimension: "[[place]]", Value: "a forest"}}
	if !reflect.DeepEqual(vs[4].Picks, wantPicks) {
		t.Fatalf("picks = %v, want %v", vs[4].Picks, wantPicks)
	}
	if p.Limited || p.UncappedCount != 6 {
		t.Fatalf("Limited %v UncappedCount %d", p.Limited, p.UncappedCount)
	}
	// Only slots the row uses are dimensions.
	if p := mustPlan(t, x, 1, "a [[job]]", ""); p.Count() != 2 {
		t.Fatalf("a row with one slot has %d variants, want 2", p.Count())
	}
	// Aliases.
	for _, alias := range []string{"grid", "all"} {
		cfg.Matrix.Mode = alias
		if p := mustPlan(t, mustExpander(t, cfg, nil), 0, "[[job]] [[place]]", ""); p.Count() != 6 {
			t.Fatalf("mode %s: %d variants", alias, p.Count())
		}
	}
}

func TestMatrixLimit(t *testing.T) {
	cfg := baseCfg()
	cfg.Matrix.Enabled = true
	cfg.Matrix.Limit = 4
	cfg.Matrix.Slots = jobPlace()
	p := mustPlan(t, mustExpander(t, cfg, nil), 0, "[[job]] [[place]]", "")
	if p.Count() != 4 || !p.Limited || p.UncappedCount != 6 {
		t.Fatalf("Count %d Limited %v Uncapped %d", p.Count(), p.Limited, p.UncappedCount)
	}
	if len(p.Notes) != 1 || !strings.Contains(p.Notes[0], "first 4 of 6 combinations") {
		t.Fatalf("the limit must be stated: %q", p.Notes)
	}
	want := []string{"knight a harbor", "knight a forest", "knight a cave", "archer a harbor"}
	if got := positives(variants(t, p)); !reflect.DeepEqual(got, want) {
		t.Fatalf("limited fanout = %q", got)
	}
}

func TestMatrixRotateAcrossRows(t *testing.T) {
	cfg := baseCfg()
	cfg.Matrix.Enabled = true
	cfg.Matrix.Mode = "rotate"
	cfg.Matrix.Slots = jobPlace()[:1] // knight, archer
	cfg.RandomSamples = 3
	x := mustExpander(t, cfg, nil)
	var got []string
	for row := 0; row < 3; row++ {
		got = append(got, positives(variants(t, mustPlan(t, x, row, "[[job]]", "")))...)
	}
	want := []string{"knight", "archer", "knight", "archer", "knight", "archer", "knight", "archer", "knight"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("rotate cycles across the plan: %q", got)
	}
}

func TestMatrixSequentialAcrossRows(t *testing.T) {
	cfg := baseCfg()
	cfg.Matrix.Enabled = true
	cfg.Matrix.Mode = "round_robin" // alias of sequential
	cfg.Matrix.Slots = jobPlace()
	cfg.Sweeps.Enabled = true
	cfg.Sweeps.Steps = []int{20, 30}
	x := mustExpander(t, cfg, nil)
	var got []string
	for row := 0; row < 7; row++ {
		p := mustPlan(t, x, row, "[[job]] in [[place]]", "")
		vs := variants(t, p)
		if len(vs) != 2 || vs[0].Positive != vs[1].Positive {
			t.Fatalf("sequential gives one combination per row: %q", positives(vs))
		}
		got = append(got, vs[0].Positive)
		if row == 2 {
			// A row without slots does not advance the matrix.
			mustPlan(t, x, 99, "no slots", "")
		}
	}
	want := []string{"knight in a harbor", "knight in a forest", "knight in a cave", "archer in a harbor",
		"archer in a forest", "archer in a cave", "knight in a harbor"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("sequential across rows = %q", got)
	}
}

func TestMatrixRandom(t *testing.T) {
	cfg := baseCfg()
	cfg.Matrix.Enabled = true
	cfg.Matrix.Mode = "per_prompt" // alias of random
	cfg.Matrix.Slots = jobPlace()
	cfg.RandomSamples = 40
	x := mustExpander(t, cfg, nil)
	p := mustPlan(t, x, 0, "[[job]] in [[place]]", "")
	if p.Count() != 40 {
		t.Fatalf("a random-only row gets RandomSamples variants, got %d", p.Count())
	}
	seen := map[string]bool{}
	for _, v := range variants(t, p) {
		seen[v.Positive] = true
		if len(v.Picks) != 2 {
			t.Fatalf("picks %v", v.Picks)
		}
	}
	if len(seen) < 4 {
		t.Fatalf("40 random picks over 6 combinations gave only %d distinct", len(seen))
	}
	// With an exhaustive dimension the random matrix does not multiply.
	cfg.Sweeps.Enabled = true
	cfg.Sweeps.CFGScales = []float64{5, 7}
	p = mustPlan(t, mustExpander(t, cfg, nil), 0, "[[job]] in [[place]]", "")
	if p.Count() != 2 {
		t.Fatalf("random dimensions do not multiply: %d", p.Count())
	}
}

func TestPromptModes(t *testing.T) {
	for _, tt := range []struct{ mode, base, want string }{
		{"replace", "a [[job]]", "a knight"},
		{"", "a [[job]]", "a knight"},
		{"append", "a [[job]]", "pack prompt, a knight"},
		{"prepend", "a [[job]]", "a knight, pack prompt"},
		{"append", "   ", "pack prompt"},
	} {
		cfg := baseCfg()
		cfg.Matrix.Enabled = true
		cfg.Matrix.PromptMode = tt.mode
		cfg.Matrix.BasePrompt = tt.base
		cfg.Matrix.Slots = []pipeline.MatrixSlot{{Name: "job", Values: []string{"knight"}}}
		v, err := mustPlan(t, mustExpander(t, cfg, nil), 0, "pack prompt", "").Variant(0)
		if err != nil || v.Positive != tt.want {
			t.Errorf("prompt_mode %q base %q: %q %v, want %q", tt.mode, tt.base, v.Positive, err, tt.want)
		}
	}
	cfg := baseCfg()
	cfg.Matrix.Enabled = false
	cfg.Matrix.BasePrompt = "ignored"
	v, _ := mustPlan(t, mustExpander(t, cfg, nil), 0, "pack prompt", "").Variant(0)
	if v.Positive != "pack prompt" {
		t.Fatalf("a disabled matrix ignores base_prompt: %q", v.Positive)
	}
}

func weatherCfg(mode string) pipeline.RandomizerConfig {
	cfg := baseCfg()
	cfg.Wildcards.Enabled = true
	cfg.Wildcards.Mode = mode
	cfg.Wildcards.Tokens = []pipeline.WildcardToken{{Token: "__weather__", Values: []string{"stormy", "clear", "foggy"}}}
	return cfg
}

func TestWildcardsFanout(t *testing.T) {
	files := MapWildcards{"hair": {"red", "black", "{long|short} blond"}}
	x := mustExpander(t, weatherCfg("fanout"), files)
	p := mustPlan(t, x, 0, "__weather__ sky, __hair__ hair, __weather__ again", "no __hair__")
	vs := variants(t, p)
	if len(vs) != 3*4 {
		t.Fatalf("two tokens (3 and 4 values) give %d variants, want 12", len(vs))
	}
	// Configured tokens keep their order; file values are sorted by raw line
	// ("{" sorts after letters) and each line is expanded ("{long|short}
	// blond" gives two).
	if vs[0].Positive != "stormy sky, black hair, stormy again" || vs[11].Positive != "foggy sky, short blond hair, foggy again" ||
		vs[3].Positive != "stormy sky, short blond hair, stormy again" {
		t.Fatalf("fanout order: %q", positives(vs))
	}
	if vs[3].Negative != "no short blond" {
		t.Fatalf("the negative shares the token's pick: %q", vs[3].Negative)
	}
	want := []pipeline.DimensionValue{{Dimension: "__weather__", Value: "stormy"}, {Dimension: "__hair__", Value: "short blond"}}
	if !reflect.DeepEqual(vs[3].Picks, want) {
		t.Fatalf("picks %v, want %v", vs[3].Picks, want)
	}
}

func TestWildcardsSequentialAcrossRows(t *testing.T) {
	x := mustExpander(t, weatherCfg("sequential"), nil)
	var got []string
	for row := 0; row < 5; row++ {
		p := mustPlan(t, x, row, "__weather__", "")
		if p.Count() != 1 {
			t.Fatalf("sequential tokens do not multiply: %d", p.Count())
		}
		got = append(got, positives(variants(t, p))...)
	}
	if want := []string{"stormy", "clear", "foggy", "stormy", "clear"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("sequential cycles per row: %q", got)
	}
}

func TestWildcardsRandom(t *testing.T) {
	cfg := weatherCfg("random")
	cfg.RandomSamples = 30
	files := MapWildcards{"mood": {"{calm|tense} mood", "angry"}}
	x := mustExpander(t, cfg, files)
	p := mustPlan(t, x, 0, "__weather__, __mood__", "")
	if p.Count() != 30 {
		t.Fatalf("count %d, want RandomSamples", p.Count())
	}
	okVals := map[string]bool{}
	for _, w := range []string{"stormy", "clear", "foggy"} {
		for _, m := range []string{"calm mood", "tense mood", "angry"} {
			okVals[w+", "+m] = true
		}
	}
	seen := map[string]bool{}
	for _, v := range variants(t, p) {
		if !okVals[v.Positive] {
			t.Fatalf("random variant %q is not a possible value", v.Positive)
		}
		seen[v.Positive] = true
	}
	if len(seen) < 5 {
		t.Fatalf("only %d distinct random variants", len(seen))
	}
}

func TestMissingWildcardInRow(t *testing.T) {
	for _, mode := range []string{"fanout", "random", "sequential"} {
		x := mustExpander(t, weatherCfg(mode), MapWildcards{"other": {"x"}})
		_, err := x.PlanRow(2, "a __hair__ portrait", "")
		var nf *WildcardNotFoundError
		if !errors.As(err, &nf) || !strings.Contains(err.Error(), "row 3") ||
			!strings.Contains(err.Error(), "wildcard __hair__ not found (looked in: randomizer.wildcards.tokens, 1 in-memory wildcards)") {
			t.Fatalf("mode %s: %v", mode, err)
		}
	}
}

func TestSearchReplace(t *testing.T) {
	cfg := baseCfg()
	cfg.SearchReplace.Enabled = true
	cfg.SearchReplace.Rules = []pipeline.SRRule{
		{Search: "person", Replacements: []string{"man", "woman", "child"}},
		{Search: "absent", Replacements: []string{"x", "y"}},
		{Search: "red", Replacements: []string{"red", "blue"}},
	}
	cfg.Wildcards.Enabled = true
	cfg.Wildcards.Tokens = []pipeline.WildcardToken{{Token: "red_things", Values: []string{"apple"}}}
	cfg.Wildcards.Mode = "fanout"
	x := mustExpander(t, cfg, nil)
	p := mustPlan(t, x, 0, "a person in red, __red_things__", "ugly person")
	vs := variants(t, p)
	if len(vs) != 6 {
		t.Fatalf("fanout S/R: %d variants, want 3×2 (a rule that does not occur is no dimension)", len(vs))
	}
	if vs[3].Positive != "a woman in blue, apple" || vs[3].Negative != "ugly woman" {
		t.Fatalf("variant 3 = %q / %q", vs[3].Positive, vs[3].Negative)
	}
	want := []pipeline.DimensionValue{{Dimension: "sr:person", Value: "woman"}, {Dimension: "sr:red", Value: "blue"}, {Dimension: "__red_things__", Value: "apple"}}
	if !reflect.DeepEqual(vs[3].Picks, want) {
		t.Fatalf("picks %v", vs[3].Picks)
	}
	// round_robin: one replacement per row, advancing.
	cfg.SearchReplace.Mode = "round_robin"
	x = mustExpander(t, cfg, nil)
	var got []string
	for row := 0; row < 4; row++ {
		got = append(got, positives(variants(t, mustPlan(t, x, row, "a person", "")))...)
	}
	if want := []string{"a man", "a woman", "a child", "a man"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("round_robin: %q", got)
	}
	// random: RandomSamples draws.
	cfg.SearchReplace.Mode = "random"
	cfg.RandomSamples = 20
	vs = variants(t, mustPlan(t, mustExpander(t, cfg, nil), 0, "a person", ""))
	if len(vs) != 20 {
		t.Fatalf("random S/R: %d", len(vs))
	}
}

func TestInlineVariants(t *testing.T) {
	cfg := baseCfg()
	cfg.Variants.Enabled = true
	cfg.Matrix.Enabled = true
	cfg.Matrix.Limit = 0
	cfg.Matrix.Slots = jobPlace()[:1]
	x := mustExpander(t, cfg, nil)
	p := mustPlan(t, x, 0, "a {red|blue} [[job]] on a {horse|boat} # comment", "{blurry|lowres}")
	vs := variants(t, p)
	if len(vs) != 2*4*2 {
		t.Fatalf("%d variants, want matrix 2 × positive groups 4 × negative group 2", len(vs))
	}
	v := vs[5] // knight, positive item 2 (blue horse), negative lowres
	// The space before a comment that follows a group is swallowed.
	if v.Positive != "a blue knight on a horse" || v.Negative != "lowres" {
		t.Fatalf("variant 5 = %q / %q", v.Positive, v.Negative)
	}
	want := []pipeline.DimensionValue{{Dimension: "[[job]]", Value: "knight"}, {Dimension: "{…}#1", Value: "blue"},
		{Dimension: "{…}#2", Value: "horse"}, {Dimension: "neg:{…}#1", Value: "lowres"}}
	if !reflect.DeepEqual(v.Picks, want) {
		t.Fatalf("picks %v, want %v", v.Picks, want)
	}
	// A slot inside a group is filled too.
	if v, _ := mustPlan(t, x, 1, "{[[job]]|farmer}", "").Variant(1); v.Positive != "farmer" {
		t.Fatalf("got %q", v.Positive)
	}
	// Random inline mode.
	cfg.Variants.Mode = "random"
	cfg.RandomSamples = 25
	cfg.Matrix.Enabled = false
	p = mustPlan(t, mustExpander(t, cfg, nil), 0, "a {red|blue|green} {cat|dog}", "")
	if p.Count() != 25 {
		t.Fatalf("random inline: %d variants, want RandomSamples", p.Count())
	}
	for _, v := range variants(t, p) {
		if len(v.Picks) != 2 || v.Positive != "a "+v.Picks[0].Value+" "+v.Picks[1].Value {
			t.Fatalf("random inline variant %q picks %v", v.Positive, v.Picks)
		}
	}
	// Disabled inline variants: a group is an error.
	cfg.Variants.Enabled = false
	_, err := mustExpander(t, cfg, nil).PlanRow(0, "a {red|blue} car", "")
	if err == nil || !strings.Contains(err.Error(), `"{red|blue}" needs inline variants; turn on randomizer.variants`) {
		t.Fatalf("got %v", err)
	}
	// A syntax error names the row, the prompt and the column.
	cfg.Variants.Enabled = true
	_, err = mustExpander(t, cfg, nil).PlanRow(1, "ok", "bad {x")
	if err == nil || err.Error() != `row 2: negative prompt: column 5: "{" is never closed; add "}" or remove it` {
		t.Fatalf("got %v", err)
	}
}

// TestTokenInsideGroup: a token inside a {…} option expands with that
// option (dynamic-prompts rules), not as a randomizer dimension.
func TestTokenInsideGroup(t *testing.T) {
	cfg := weatherCfg("fanout")
	cfg.Variants.Enabled = true
	x := mustExpander(t, cfg, nil)
	p := mustPlan(t, x, 0, "{__weather__|sunny}", "")
	if got := positives(variants(t, p)); !reflect.DeepEqual(got, []string{"stormy", "clear", "foggy", "sunny"}) {
		t.Fatalf("got %q", got)
	}
	if p := mustPlan(t, x, 1, "{2$$__weather__}", ""); p.Count() != 6 {
		t.Fatalf("{2$$__weather__} picks 2 distinct values: %d", p.Count())
	}
}

func TestSweeps(t *testing.T) {
	cfg := baseCfg()
	cfg.Sweeps.Enabled = true
	cfg.Sweeps.Models = []string{"a.safetensors", "b.safetensors"}
	cfg.Sweeps.CFGScales = []float64{5, 6.5}
	cfg.Sweeps.Sizes = []string{"832x1216", "1024x1024"}
	cfg.Sweeps.Samplers = []string{"Euler a"}
	cfg.Sweeps.Schedulers = []string{"Karras"}
	cfg.Sweeps.Steps = []int{30}
	x := mustExpander(t, cfg, nil)
	vs := variants(t, mustPlan(t, x, 0, "castle", ""))
	if len(vs) != 8 {
		t.Fatalf("%d variants, want 2×2×2", len(vs))
	}
	v := vs[3] // a, cfg 6.5, 1024x1024
	dv := func(d, v string) pipeline.DimensionValue { return pipeline.DimensionValue{Dimension: d, Value: v} }
	want := []pipeline.DimensionValue{dv("model", "a.safetensors"), dv("sampler", "Euler a"), dv("scheduler", "Karras"),
		dv("cfg_scale", "6.5"), dv("steps", "30"), dv("size", "1024x1024")}
	if !reflect.DeepEqual(v.Picks, want) {
		t.Fatalf("picks %v", v.Picks)
	}
	c := pipeline.Defaults()
	v.Sweep.Apply(&c)
	if c.Txt2Img.Model != "a.safetensors" || c.Txt2Img.CFGScale != 6.5 || c.Txt2Img.Width != 1024 || c.Txt2Img.Height != 1024 ||
		c.Txt2Img.Sampler != "Euler a" || c.Txt2Img.Scheduler != "Karras" || c.Txt2Img.Steps != 30 {
		t.Fatalf("Apply: %+v", c.Txt2Img)
	}
	c = pipeline.Defaults()
	(SweepValues{}).Apply(&c)
	if !reflect.DeepEqual(c, pipeline.Defaults()) {
		t.Fatal("an empty sweep must change nothing")
	}
	cfg.Sweeps.Mode = "random"
	cfg.RandomSamples = 10
	vs = variants(t, mustPlan(t, mustExpander(t, cfg, nil), 0, "castle", ""))
	if len(vs) != 10 || vs[0].Sweep.Fields != SweepModel|SweepSampler|SweepScheduler|SweepCFGScale|SweepSteps|SweepSize {
		t.Fatalf("random sweeps: %d variants, fields %b", len(vs), vs[0].Sweep.Fields)
	}
	cfg.Sweeps.Sizes = []string{"800x600x"}
	if _, err := NewExpander(cfg, nil, 1); err == nil || !strings.Contains(err.Error(), "randomizer.sweeps.sizes[0]") {
		t.Fatalf("a bad size must be an error naming it: %v", err)
	}
}

func TestRowErrors(t *testing.T) {
	cfg := baseCfg()
	cfg.Matrix.Enabled = true
	cfg.Matrix.Slots = jobPlace()
	x := mustExpander(t, cfg, nil)
	for _, tt := range []struct{ pos, want string }{
		{"a [[king]]", `row 1: "[[king]]" has no matrix slot named "king"; add the slot`},
		{"a [[job", `row 1: "[[job" in the positive prompt is not closed; write [[slot]]`},
		{"a __weather__", `row 1: positive prompt: "__weather__" needs wildcards; turn on randomizer.wildcards`},
		{"a \ue001 b", `private-use character U+E001`},
	} {
		if _, err := x.PlanRow(0, tt.pos, ""); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: got %v, want %q", tt.pos, err, tt.want)
		}
	}
	cfg.Matrix.Enabled = false
	if _, err := mustExpander(t, cfg, nil).PlanRow(0, "[[job]]", ""); err == nil || !strings.Contains(err.Error(), "needs the matrix") {
		t.Errorf("got %v", err)
	}
	cfg = baseCfg()
	cfg.Wildcards.Enabled = true
	cfg.Wildcards.Mode = "fanout"
	cfg.Wildcards.Tokens = []pipeline.WildcardToken{{Token: "x", Values: []string{"[[job]] here"}}}
	p := mustPlan(t, mustExpander(t, cfg, nil), 0, "__x__", "")
	if _, err := p.Variant(0); err == nil || !strings.Contains(err.Error(), `"[[job]]" is left in the prompt after expansion`) {
		t.Errorf("leftover: got %v", err)
	}
	if _, err := p.Variant(1); err == nil || !strings.Contains(err.Error(), "out of range") {
		t.Errorf("out of range: got %v", err)
	}
	cfg = baseCfg()
	cfg.Matrix.Enabled = true
	cfg.Matrix.Slots = []pipeline.MatrixSlot{{Name: "s", Values: []string{"a __t__"}}}
	if _, err := NewExpander(cfg, nil, 1); err == nil || !strings.Contains(err.Error(), "randomizer.matrix.slots[0].values[0]") {
		t.Errorf("slot value with a token: got %v", err)
	}
	cfg = baseCfg()
	cfg.Matrix.Mode = "zigzag"
	if _, err := NewExpander(cfg, nil, 1); err == nil || !strings.Contains(err.Error(), `unknown mode "zigzag"`) {
		t.Errorf("unknown mode: got %v", err)
	}
	if _, err := NewExpander(baseCfg(), nil, -1); err == nil {
		t.Error("seed -1 must be drawn by the caller")
	}
}

// TestTooManyVariants: a row past MaxCount is refused before anything is
// built, with ErrTooMany.
func TestTooManyVariants(t *testing.T) {
	cfg := baseCfg()
	cfg.Variants.Enabled = true
	row := strings.Repeat("{a|b|c|d|e|f|g|h|i|j}", 7)
	_, err := mustExpander(t, cfg, nil).PlanRow(0, row, "")
	if !errors.Is(err, ErrTooMany) {
		t.Fatalf("got %v", err)
	}
}

// fullCfg exercises every dimension kind at once.
func fullCfg() pipeline.RandomizerConfig {
	cfg := baseCfg()
	cfg.Variants.Enabled = true
	cfg.Matrix.Enabled = true
	cfg.Matrix.Limit = 0
	cfg.Matrix.Slots = jobPlace()
	cfg.Wildcards.Enabled = true
	cfg.Wildcards.Mode = "random"
	cfg.Wildcards.Tokens = []pipeline.WildcardToken{{Token: "__weather__", Values: []string{"stormy", "{clear|hazy} {day|night}"}}}
	cfg.SearchReplace.Enabled = true
	cfg.SearchReplace.Rules = []pipeline.SRRule{{Search: "person", Replacements: []string{"man", "woman"}}}
	cfg.Sweeps.Enabled = true
	cfg.Sweeps.CFGScales = []float64{5, 7}
	return cfg
}

func TestDeterminismAndOrderIndependence(t *testing.T) {
	plan := func(seed int64) ([]*RowPlan, *Expander) {
		cfg := fullCfg()
		x, err := NewExpander(cfg, nil, seed)
		if err != nil {
			t.Fatal(err)
		}
		var ps []*RowPlan
		for row, pos := range []string{"a [[job]] person, __weather__, {~x|y|z}", "[[place]] {a|b}", "__weather__ person"} {
			ps = append(ps, mustPlan(t, x, row, pos, "__weather__"))
		}
		return ps, x
	}
	a, _ := plan(11)
	b, _ := plan(11)
	c, _ := plan(12)
	same := true
	for r := range a {
		if a[r].Count() != b[r].Count() {
			t.Fatal("counts differ for the same seed")
		}
		// b is materialised backwards, a forwards.
		fwd := variants(t, a[r])
		back := make([]Variant, b[r].Count())
		for i := len(back) - 1; i >= 0; i-- {
			v, err := b[r].Variant(i)
			if err != nil {
				t.Fatal(err)
			}
			back[i] = v
		}
		if !reflect.DeepEqual(fwd, back) {
			t.Fatalf("row %d: variants depend on the order they are built in", r)
		}
		if !reflect.DeepEqual(fwd, variants(t, c[r])) {
			same = false
		}
		for _, v := range fwd {
			w := v.Picks[1].Value // __weather__ (after sr:person when present)
			if v.Picks[0].Dimension == "__weather__" {
				w = v.Picks[0].Value
			}
			if v.Negative != w {
				t.Fatalf("the negative's __weather__ %q differs from the pick %q", v.Negative, w)
			}
		}
	}
	if same {
		t.Fatal("a different seed reproduced every variant")
	}
}

// TestConcurrentVariants builds the variants of one RowPlan from several
// goroutines (run with -race).
func TestConcurrentVariants(t *testing.T) {
	cfg := fullCfg()
	cfg.Wildcards.Mode = "fanout"
	x := mustExpander(t, cfg, MapWildcards{"pose": {"standing", "{sitting|kneeling}"}})
	p := mustPlan(t, x, 0, "a [[job]] person {red|blue}, __weather__, __pose__", "")
	want := variants(t, mustPlan(t, mustExpander(t, cfg, MapWildcards{"pose": {"standing", "{sitting|kneeling}"}}), 0,
		"a [[job]] person {red|blue}, __weather__, __pose__", ""))
	got := make([]Variant, p.Count())
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < p.Count(); i += 8 {
				v, err := p.Variant(i)
				if err != nil {
					errs <- err
					return
				}
				got[i] = v
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatal("concurrent variants differ from sequential ones")
	}
	// job 2 × sr 2 × {red|blue} 2 × weather 5 × pose 3 × cfg 2.
	if p.Count() != 2*2*2*5*3*2 {
		t.Fatalf("count %d", p.Count())
	}
}

func TestRandomSamplesOnlyForRandomRows(t *testing.T) {
	cfg := fullCfg()
	cfg.RandomSamples = 5
	cfg.Sweeps.Enabled = false
	x := mustExpander(t, cfg, nil)
	if p := mustPlan(t, x, 0, "plain __weather__", ""); p.Count() != 5 {
		t.Fatalf("random-only row: %d, want 5", p.Count())
	}
	if p := mustPlan(t, x, 1, "[[job]] __weather__", ""); p.Count() != 2 {
		t.Fatalf("exhaustive row with a random token: %d, want 2", p.Count())
	}
	if p := mustPlan(t, x, 2, "plain", ""); p.Count() != 1 {
		t.Fatalf("row without dimensions: %d, want 1", p.Count())
	}
}

func ExampleExpand() {
	prompts, err := Expand("a {red|blue} {cat|dog}", ExpandOptions{})
	fmt.Println(prompts, err)
	// Output: [a red cat a red dog a blue cat a blue dog] <nil>
}
