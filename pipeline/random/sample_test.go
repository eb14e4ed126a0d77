package random

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

func TestRandomCountAndMembership(t *testing.T) {
	templates := []string{
		"A {red|green} {square|circle}",
		"{2$$ and $$A|B|C} at {dawn|dusk}",
		"{1-3$$r|g|b|y}",
		"{0-2$$a|b|c}",
		"__food__ with {__w__|plain}",
		"{2$$__ref__}",
		"${s={x|y}}${s}-${s}",
		"%{big ... house$${red|blue}}",
		"{a|b {c|d {e|f}}}",
		"  ",
	}
	for _, src := range templates {
		opts := ExpandOptions{Wildcards: specWildcards, Strict: true, Seed: 7}
		all, err := Expand(src, opts)
		if err != nil {
			t.Fatal(err)
		}
		set := map[string]bool{}
		for _, s := range all {
			set[s] = true
		}
		opts.Mode, opts.Max = ModeRandom, 300
		got, err := Expand(src, opts)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 300 {
			t.Fatalf("%q: random mode gave %d prompts, want 300", src, len(got))
		}
		for _, s := range got {
			if !set[s] {
				t.Fatalf("%q: random prompt %q is not one of the combinations %q", src, s, all)
			}
		}
	}
}

// TestRandomMembershipProperty checks membership on generated templates
// whose options are distinct literals.
func TestRandomMembershipProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	words := []string{"cat", "dog", "owl", "fox", "elk"}
	for i := 0; i < 300; i++ {
		var b strings.Builder
		for g := 0; g < 1+r.IntN(3); g++ {
			b.WriteString("{")
			if r.IntN(2) == 0 {
				b.WriteString([]string{"2$$", "1-3$$", "0-2$$ & $$", "-2$$"}[r.IntN(4)])
			}
			perm := r.Perm(len(words))
			n := 1 + r.IntN(len(words))
			for k := 0; k < n; k++ {
				if k > 0 {
					b.WriteString("|")
				}
				b.WriteString(words[perm[k]])
			}
			b.WriteString("} ")
		}
		src := b.String()
		all, err := Expand(src, ExpandOptions{})
		if err != nil {
			t.Fatal(err)
		}
		set := map[string]bool{}
		for _, s := range all {
			set[s] = true
		}
		got, err := Expand(src, ExpandOptions{Mode: ModeRandom, Max: 50, Seed: int64(i)})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range got {
			if !set[s] {
				t.Fatalf("%q: %q is not a combination", src, s)
			}
		}
	}
}

func TestRandomWithoutReplacement(t *testing.T) {
	got, err := Expand("{2$$ and $$A|B|C}", ExpandOptions{Mode: ModeRandom, Max: 2000, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, s := range got {
		a, b, _ := strings.Cut(s, " and ")
		if a == b {
			t.Fatalf("%q picks the same option twice", s)
		}
		seen[s]++
	}
	if len(seen) != 6 {
		t.Fatalf("saw %d distinct pairs, want all 6: %v", len(seen), seen)
	}
	got, _ = Expand("{3$$__w__}", ExpandOptions{Mode: ModeRandom, Max: 200, Wildcards: MapWildcards{"w": {"p", "q", "r"}}})
	for _, s := range got {
		parts := strings.Split(s, ",")
		if len(parts) != 3 || parts[0] == parts[1] || parts[1] == parts[2] || parts[0] == parts[2] {
			t.Fatalf("{3$$__w__} drew %q, want 3 distinct lines", s)
		}
	}
	got, _ = Expand("{2$$a}", ExpandOptions{Mode: ModeRandom, Max: 3})
	if !reflect.DeepEqual(got, []string{"a", "a", "a"}) {
		t.Fatalf("a single-option group ignores its count: got %q", got)
	}
}

func TestRandomDeterminism(t *testing.T) {
	src := "{a|b|c|d} {1-3$$e|f|g|h} __food__ {~x|y} {@1|2|3}"
	opts := ExpandOptions{Mode: ModeRandom, Max: 40, Seed: 99, Wildcards: specWildcards}
	a, err := Expand(src, opts)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Expand(src, opts)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("the same seed gave different prompts")
	}
	opts.Max = 10
	c, _ := Expand(src, opts)
	if !reflect.DeepEqual(a[:10], c) {
		t.Fatal("a shorter run is not a prefix of a longer one")
	}
	opts.Max, opts.Seed = 40, 100
	d, _ := Expand(src, opts)
	if reflect.DeepEqual(a, d) {
		t.Fatal("different seeds gave identical output")
	}
	for i, s := range a {
		if want := []string{"1", "2", "3"}[i%3]; !strings.HasSuffix(s, " "+want) {
			t.Fatalf("prompt %d %q: the cyclical group should give %s", i, s, want)
		}
	}
}

// TestRandomWeights: over 3000 draws weighted options keep their frequency
// order.
func TestRandomWeights(t *testing.T) {
	got, err := Expand("{0.2::rare|1::mid|5::common}", ExpandOptions{Mode: ModeRandom, Max: 3000, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	n := map[string]int{}
	for _, s := range got {
		n[s]++
	}
	if !(n["rare"] < n["mid"] && n["mid"] < n["common"]) || n["rare"] == 0 {
		t.Fatalf("weights not respected: %v", n)
	}
	got, _ = Expand("{0::never|1::always}", ExpandOptions{Mode: ModeRandom, Max: 200})
	for _, s := range got {
		if s != "always" {
			t.Fatalf("a zero weight was drawn: %q", s)
		}
	}
}

func TestRandomImmediateVariableConstant(t *testing.T) {
	got, err := Expand("${c=!{red|blue|green|gold}}${c} and ${c}", ExpandOptions{Mode: ModeRandom, Max: 100, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	varied := map[string]bool{}
	for _, s := range got {
		a, b, _ := strings.Cut(s, " and ")
		if a != b {
			t.Fatalf("%q: an immediate variable must be constant within a prompt", s)
		}
		varied[a] = true
	}
	if len(varied) < 2 {
		t.Fatal("the immediate variable never changed between prompts")
	}
}
