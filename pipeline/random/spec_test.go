package random

import (
	"errors"
	"reflect"
	"testing"
)

// specWildcards backs the wildcard examples of the syntax reference.
var specWildcards = MapWildcards{
	"w":     {"x", "y"},
	"ref":   {"__warm__", "__cold__"},
	"warm":  {"red", "orange"},
	"cold":  {"blue"},
	"food":  {"bread", "soup"},
	"order": {"b", "a", "_x", "1", "A", "B", "{c|d}", "a"},
}

// TestSpecExamples runs every example of dynamic-prompts-syntax.md, the
// (verified) ones included, with the exact expected output in order.
func TestSpecExamples(t *testing.T) {
	tests := []struct {
		name     string
		template string
		want     []string
	}{
		// §1 syntax table and §2 semantics.
		{"sequence leftmost slowest", "A {red|green} {square|circle}", []string{"A red square", "A red circle", "A green square", "A green circle"}},
		{"nested variant in place", "A {red|green {square|circle}}", []string{"A red", "A green square", "A green circle"}},
		{"count with separator", "{2$$ and $$A|B|C}", []string{"A and B", "A and C", "B and A", "B and C", "C and A", "C and B"}},
		{"range 1-2", "{1-2$$r|g|b}", []string{"r", "g", "b", "r,g", "r,b", "g,r", "g,b", "b,r", "b,g"}},
		{"k=0 gives empty", "{0-1$$a|b}", []string{"", "a", "b"}},
		{"pick collapses", "{2$$a|{a|b}}", []string{"a,b", "b,a"}},
		{"repeated pick dropped", "{a|a|b}", []string{"a", "b"}},
		{"(verified) equal options make nothing", "{2$$__w__|__w__}", nil},
		{"(verified) empty part vanishes", "{2$$|a|b}", []string{"a", "b", "a", "a,b", "b", "b,a"}},
		{"no sequence dedup", "{a|}{|a}", []string{"a", "aa", "", "a"}},
		{"no sequence dedup over wildcards", "__food__ and __food__", []string{"bread and bread", "bread and soup", "soup and bread", "soup and soup"}},
		{"(verified) omitted H is the option count", "{1-$$a|b|c}", []string{"a", "b", "c", "a,b", "a,c", "b,a", "b,c", "c,a", "c,b",
			"a,b,c", "a,c,b", "b,a,c", "b,c,a", "c,a,b", "c,b,a"}},
		{"omitted L is 1", "{-2$$a|b|c}", []string{"a", "b", "c", "a,b", "a,c", "b,a", "b,c", "c,a", "c,b"}},
		{"(verified) default separator is a bare comma", "{2$$a|b}", []string{"a,b", "b,a"}},
		{"count clamped to options", "{3$$a|b}", []string{"a,b", "b,a"}},
		{"reversed range swapped", "{2-1$$a|b}", []string{"a", "b", "a,b", "b,a"}},
		{"separator may hold a pipe", "{2$$|$$a|b}", []string{"a|b", "b|a"}},
		{"empty options count", "{|a}", []string{"", "a"}},
		{"empty braces are one empty option", "x{}y", []string{"xy"}},
		{"weights ignored in combinatorial", "{0.5::a|2::b|c}", []string{"a", "b", "c"}},
		{"count over a wildcard picks lines", "{2$$__ref__}", []string{"blue,orange", "blue,red", "orange,blue", "red,blue"}},
		{"count over a wildcard with a separator", "{2$$ and $$__w__}", []string{"x and y", "y and x"}},
		{"wildcard option permuted", "{2$$__w__|black}", []string{"x,black", "y,black", "black,x", "black,y"}},
		{"wildcard lines sorted by code point, deduplicated, expanded", "__order__",
			[]string{"1", "A", "B", "_x", "a", "b", "c", "d"}},
		{"macro variable is its own dimension at each use", "${s={x|y}}${s} ${s}", []string{"x x", "x y", "y x", "y y"}},
		{"immediate variable takes the first combination", "${s=!{x|y}}${s} ${s}", []string{"x x"}},
		{"keep-existing assignment", "${s=a}${s?=b}${s}", []string{"a"}},
		{"variable default", "${t:{p|q}}", []string{"p", "q"}},
		{"variable in a wildcard name", "${t=!warm}__${t}__", []string{"orange", "red"}},
		{"parameterised wildcard", "__p(v=blue)__", []string{"deep blue"}},
		{"wrap with dots", "%{big ... house$$red}", []string{"big red house"}},
		{"wrap with ellipsis", "%{(…:1.2)$${cat|dog}}", []string{"(cat:1.2)", "(dog:1.2)"}},
		{"wrap without placeholder appends", "%{very $$tall}", []string{"very tall"}},
		// Whitespace.
		{"empty option keeps surrounding spaces", "A {red|blue|} rose", []string{"A red rose", "A blue rose", "A  rose"}},
		{"(verified) option trailing whitespace stays", "{ a | b }", []string{"a ", "b "}},
		{"whitespace after count dropped", "{2$$  a|b}", []string{"a,b", "b,a"}},
		{"newlines kept verbatim", "a\n{b|c}\n", []string{"a\nb\n", "a\nc\n"}},
		{"comment keeps text before", "a cat # c", []string{"a cat "}},
		{"comment after variant swallows the space", "{a|b} # c", []string{"a", "b"}},
		{"comment to end of line only", "a # c\nb", []string{"a \nb"}},
		{"comment after wildcard swallows the space", "__w__ # c", []string{"x", "y"}},
		{"comment inside a group", "{a # c\n|b}", []string{"a \n", "b"}},
		{"tabs expand to 8 columns", "ab\tc", []string{"ab      c"}},
		{"(verified) // is not a comment", "see http://x.y", []string{"see http://x.y"}},
		{"/* is not a comment", "a /* b */ c", []string{"a /* b */ c"}},
		// No escapes.
		{"(verified) backslash does not escape", `\{a|b}`, []string{`\a`, `\b`}},
		// Literal $ and % (a parse error in 0.31.0, text here).
		{"(verified, lenient) dollar is text", "costs $10", []string{"costs $10"}},
		{"(verified, lenient) percent is text", "50% off", []string{"50% off"}},
		{"dollar before braces is text", "${10|20}", []string{"$10", "$20"}},
		{"percent before a group is text", "50%{a|b}", []string{"50%a", "50%b"}},
		// A1111 syntax stays literal outside variants.
		{"a1111 attention", "(x:1.2) [a:b:0.25] [a|b] <lora:x:1>", []string{"(x:1.2) [a:b:0.25] [a|b] <lora:x:1>"}},
		{"top-level pipe and brace are text", "a | b }", []string{"a | b }"}},
		{"a1111 inside an option", "{(x:1.2)|<lora:y:0.5>}", []string{"(x:1.2)", "<lora:y:0.5>"}},
		{"stray double underscore is text", "snake__case and a__b c", []string{"snake__case and a__b c"}},
		// §11 templates.
		{"empty template gives nothing", "", nil},
		{"whitespace-only template gives itself", "   ", []string{"   "}},
		{"no dimension gives one prompt", "plain text", []string{"plain text"}},
	}
	wc := MapWildcards{"p": {"deep ${v}"}}
	for k, v := range specWildcards {
		wc[k] = v
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := ExpandOptions{Wildcards: wc, Strict: true}
			got, err := Expand(tt.template, opts)
			if err != nil {
				t.Fatalf("Expand(%q): %v", tt.template, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("Expand(%q)\n got %q\nwant %q", tt.template, got, tt.want)
			}
			tmpl, err := ParseTemplate(tt.template)
			if err != nil {
				t.Fatal(err)
			}
			n, err := tmpl.Count(opts)
			if err != nil {
				t.Fatal(err)
			}
			if n != len(tt.want) {
				t.Fatalf("Count(%q) = %d, want %d", tt.template, n, len(tt.want))
			}
		})
	}
}

// TestNonFiniteInCombinatorial: ~ and @ parts draw a fresh value for each
// prompt and form no dimension.
func TestNonFiniteInCombinatorial(t *testing.T) {
	got, err := Expand("{@a|b|c} {x|y|z}", ExpandOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"a x", "b y", "c z"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	got, err = Expand("{~a|b} {x|y}", ExpandOptions{Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("got %q, want 2 prompts", got)
	}
	for i, s := range got {
		if s[0] != 'a' && s[0] != 'b' || s[2:] != []string{"x", "y"}[i] {
			t.Fatalf("prompt %d = %q", i, s)
		}
	}
	got, err = Expand("only {~a|b}", ExpandOptions{})
	if err != nil || len(got) != 1 {
		t.Fatalf("a template without a finite dimension gives one prompt, got %q %v", got, err)
	}
	got, err = Expand("__@w__ {1|2|3}", ExpandOptions{Wildcards: specWildcards})
	if want := []string{"x 1", "y 2", "x 3"}; err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("cyclical wildcard: got %q %v, want %q", got, err, want)
	}
}

// TestMissingWildcard: strict mode is an error naming the wildcard and the
// sources; otherwise __name__ stays in the text once.
func TestMissingWildcard(t *testing.T) {
	_, err := Expand("a __nope__ b", ExpandOptions{Wildcards: specWildcards, Strict: true})
	var nf *WildcardNotFoundError
	if !asError(err, &nf) || nf.Name != "nope" {
		t.Fatalf("want WildcardNotFoundError for nope, got %v", err)
	}
	if want := "wildcard __nope__ not found (looked in: 6 in-memory wildcards)"; !contains(err.Error(), want) {
		t.Fatalf("error %q lacks %q", err, want)
	}
	got, err := Expand("a __nope__ {b|c}", ExpandOptions{Wildcards: specWildcards})
	if want := []string{"a __nope__ b", "a __nope__ c"}; err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("non-strict: got %q %v, want %q", got, err, want)
	}
	got, err = Expand("__nope__", ExpandOptions{Mode: ModeRandom, Max: 2})
	if want := []string{"__nope__", "__nope__"}; err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("non-strict random: got %q %v", got, err)
	}
}

// TestLazyMax: combinatorial generation stops after Max without expanding
// the rest of a huge template.
func TestLazyMax(t *testing.T) {
	huge := ""
	for i := 0; i < 30; i++ {
		huge += "{a|b|c|d|e|f|g|h|i|j}"
	}
	got, err := Expand(huge, ExpandOptions{Max: 3})
	if err != nil || len(got) != 3 || got[2] != "aaaaaaaaaaaaaaaaaaaaaaaaaaaaac" {
		t.Fatalf("got %q %v", got, err)
	}
	tmpl, _ := ParseTemplate(huge)
	if n, _ := tmpl.Count(ExpandOptions{}); n != countCap || FormatCount(n) != "4611686018427387904 or more" {
		t.Fatalf("Count of 10^30 prompts = %d (%s), want the saturated count", n, FormatCount(n))
	}
}

func TestExpandOptionErrors(t *testing.T) {
	for _, o := range []ExpandOptions{{Mode: ModeRandom}, {Mode: "shuffle"}, {Max: -1}} {
		if _, err := Expand("a", o); err == nil {
			t.Errorf("Expand with %+v: want an error", o)
		}
	}
}

func TestVariableErrors(t *testing.T) {
	for _, tpl := range []string{"${x}", "${a=${a}b}${a}"} {
		if _, err := Expand(tpl, ExpandOptions{}); err == nil {
			t.Errorf("Expand(%q): want an error", tpl)
		}
	}
	_, err := Expand("${color}", ExpandOptions{})
	if err == nil || !contains(err.Error(), "${color=") {
		t.Fatalf("undefined variable error should say how to set it: %v", err)
	}
}

func TestWildcardLoop(t *testing.T) {
	wc := MapWildcards{"a": {"x __b__"}, "b": {"__a__"}}
	_, err := Expand("__a__", ExpandOptions{Wildcards: wc, Strict: true})
	if err == nil || !contains(err.Error(), "__a__ → __b__ → __a__") {
		t.Fatalf("want a loop error naming the chain, got %v", err)
	}
}

// TestWildcardLoopThroughGroup: {__a__} inside a.txt is a loop too.
func TestWildcardLoopThroughGroup(t *testing.T) {
	wc := MapWildcards{"a": {"{2$$__a__}", "x"}}
	for _, mode := range []string{ModeCombinatorial, ModeRandom} {
		_, err := Expand("{__a__}", ExpandOptions{Wildcards: wc, Strict: true, Mode: mode, Max: 20, Seed: 1})
		if err == nil || !contains(err.Error(), "refers to itself") {
			t.Fatalf("%s: got %v", mode, err)
		}
	}
	got, err := Expand("{2$$__p(v=blue)__}", ExpandOptions{Wildcards: MapWildcards{"p": {"deep ${v}", "light ${v}"}}, Strict: true})
	if want := []string{"deep blue,light blue", "light blue,deep blue"}; err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("parameters of a counted wildcard: %q %v", got, err)
	}
}

// TestHugeGroup: a group too big to expand is refused with ErrTooMany and
// a snippet of the group, and Count saturates instead.
func TestHugeGroup(t *testing.T) {
	defer func(w int) { maxWork = w }(maxWork)
	maxWork = 5000 // 2·MaxCount in production; the path is the same
	src := "{1-$$a|b|c|d|e|f|g|h|i|j|{k|l}}"
	_, err := Expand(src, ExpandOptions{Max: 1})
	if !errors.Is(err, ErrTooMany) || !contains(err.Error(), `"{1-$$a|b|c|d|e|f`) {
		t.Fatalf("got %v", err)
	}
	tmpl, _ := ParseTemplate(src)
	if n, err := tmpl.Count(ExpandOptions{}); err != nil || n != MaxCount {
		t.Fatalf("Count = %d, %v; want MaxCount", n, err)
	}
}
