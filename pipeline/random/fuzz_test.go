package random

import (
	"reflect"
	"testing"
)

var fuzzSeeds = []string{
	"A {red|green} {square|circle}",
	"{2$$ and $$A|B|C}",
	"{1-$$a|b|c}",
	"{0-1$$a|b}",
	"{2$$a|{a|b}}",
	"{2$$__w__|__w__}",
	"{2$$|a|b}",
	"{ a | b } # comment\nnext",
	"costs $10, 50% off, ${10|20}",
	"${s={x|y}}${s} ${s}",
	"${s=!{x|y}}${s:z}",
	"__v__ {__w__|x} __w*__",
	"%{big ... $${a|b}}",
	"{~a|b} {@c|d} __~w__",
	"(x:1.2) [a:b:0.25] <lora:x:1>",
	"a {b",
	"\t{0.5::a|2::b}",
}

// FuzzParseTemplate: parsing never panics, and for small templates Count
// equals the number of combinations generated.
func FuzzParseTemplate(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 256 {
			return
		}
		tmpl, err := ParseTemplate(s)
		if err != nil {
			if _, ok := err.(*SyntaxError); !ok {
				t.Fatalf("ParseTemplate(%q) returned %T, want *SyntaxError", s, err)
			}
			return
		}
		opts := ExpandOptions{Wildcards: propWildcards, Seed: 3}
		n, err := tmpl.Count(opts)
		if err != nil || n > 2000 {
			return
		}
		got, err := tmpl.Combinations(opts)
		if err != nil {
			t.Fatalf("Count(%q) = %d but Combinations failed: %v", s, n, err)
		}
		if len(got) != n {
			t.Fatalf("Count(%q) = %d, Combinations made %d: %q", s, n, len(got), got)
		}
	})
}

// FuzzExpandRandom: random mode never panics, gives exactly Max prompts and
// is deterministic for a seed.
func FuzzExpandRandom(f *testing.F) {
	for i, s := range fuzzSeeds {
		f.Add(s, int64(i), uint8(i))
	}
	f.Fuzz(func(t *testing.T, s string, seed int64, n uint8) {
		if len(s) > 256 {
			return
		}
		opts := ExpandOptions{Mode: ModeRandom, Max: 1 + int(n%16), Seed: seed, Wildcards: propWildcards}
		a, err := Expand(s, opts)
		if err != nil {
			return
		}
		if s != "" && len(a) != opts.Max {
			t.Fatalf("Expand(%q) random gave %d prompts, want %d", s, len(a), opts.Max)
		}
		b, err := Expand(s, opts)
		if err != nil || !reflect.DeepEqual(a, b) {
			t.Fatalf("Expand(%q) is not deterministic: %q vs %q (%v)", s, a, b, err)
		}
	})
}
