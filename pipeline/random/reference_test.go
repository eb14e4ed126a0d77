package random

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// refExpand is a deliberately naive port of the library's combinatorial
// sampler (sequence product, get_value_combinations with equal-option
// removal, _combo_to_prompt, dedupe, seen, SamplingResult.joined) over the
// parsed tree, for finite templates without variables. It shares only the
// parser with the real generator.
func refExpand(t *testing.T, n *node, wc MapWildcards) []string {
	switch n.kind {
	case nodeLiteral:
		return []string{n.text}
	case nodeSeq:
		out := []string{""}
		for _, p := range n.parts {
			vals := refExpand(t, p, wc)
			var next []string
			for _, a := range out {
				for _, b := range vals {
					next = append(next, a+b)
				}
			}
			out = next
		}
		return out
	case nodeWildcard:
		var out []string
		for _, line := range sortedUnique(wc[n.plainName]) {
			tmpl, err := ParseTemplate(line)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, refExpand(t, tmpl.root, wc)...)
		}
		return out
	case nodeVariant:
		values := make([]*node, 0, len(n.opts))
		for _, o := range n.opts {
			values = append(values, o.n)
		}
		if len(values) == 1 && values[0].kind == nodeWildcard {
			values = values[:0]
			for _, line := range sortedUnique(wc[n.opts[0].n.plainName]) {
				tmpl, _ := ParseTemplate(line)
				values = append(values, collapse(tmpl.root))
			}
		}
		lo, hi := clampBounds(n.lo, n.hi, len(values))
		var combos func(k int, vals []*node) [][]*node
		combos = func(k int, vals []*node) [][]*node {
			if k <= 0 {
				return [][]*node{nil}
			}
			var out [][]*node
			for _, v := range vals {
				var others []*node
				for _, o := range vals {
					if o.key != v.key {
						others = append(others, o)
					}
				}
				for _, rest := range combos(k-1, others) {
					out = append(out, append([]*node{v}, rest...))
				}
			}
			return out
		}
		seen := map[string]bool{}
		var out []string
		for k := lo; k <= hi; k++ {
			for _, combo := range combos(k, values) {
				arrs := [][]string{nil}
				for _, c := range combo {
					var next [][]string
					for _, a := range arrs {
						for _, s := range refExpand(t, c, wc) {
							next = append(next, append(append([]string(nil), a...), s))
						}
					}
					arrs = next
				}
				for _, arr := range arrs {
					var dd []string
					for _, s := range arr {
						dup := false
						for _, d := range dd {
							dup = dup || d == s
						}
						if !dup {
							dd = append(dd, s)
						}
					}
					key := fmt.Sprintf("%q", dd)
					if len(dd) != k || seen[key] {
						continue
					}
					seen[key] = true
					s := strings.Join(dd, n.sep)
					if len(dd) != 1 && n.sep != "" {
						s = strings.TrimSuffix(strings.TrimPrefix(s, n.sep), n.sep)
					}
					out = append(out, s)
				}
			}
		}
		return out
	}
	t.Fatalf("refExpand: unsupported node %s", n.key)
	return nil
}

// randomTemplate builds a small finite template with many chances of equal
// options, empty options and nested groups.
func randomTemplate(r *rand.Rand, depth int) string {
	atoms := []string{"a", "b", "", "a b", "c", "__w__", "__v__"}
	var b strings.Builder
	parts := 1 + r.IntN(2+depth/2)
	for i := 0; i < parts; i++ {
		if depth > 0 && r.IntN(3) > 0 {
			b.WriteByte('{')
			switch r.IntN(6) {
			case 0:
				fmt.Fprintf(&b, "%d$$", r.IntN(4))
			case 1:
				fmt.Fprintf(&b, "%d-%d$$", r.IntN(3), r.IntN(4))
			case 2:
				fmt.Fprintf(&b, "%d-$$ + $$", r.IntN(3))
			case 3:
				b.WriteString("-2$$")
			}
			opts := 1 + r.IntN(3)
			for j := 0; j < opts; j++ {
				if j > 0 {
					b.WriteByte('|')
				}
				if r.IntN(3) == 0 {
					b.WriteString(randomTemplate(r, depth-1-r.IntN(2)))
				} else {
					b.WriteString(atoms[r.IntN(len(atoms))])
				}
			}
			b.WriteByte('}')
		} else {
			b.WriteString(atoms[r.IntN(len(atoms))])
		}
		if r.IntN(2) == 0 {
			b.WriteByte(' ')
		}
	}
	return b.String()
}

var propWildcards = MapWildcards{"w": {"x", "y", "a"}, "v": {"{x|y}", "a", "__w__"}}

// TestCountEqualsCombinations is the property test: for many generated
// templates, Count == len(All) == len(reference), and the generator agrees
// with the naive reference, prompt for prompt.
func TestCountEqualsCombinations(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	checked := 0
	for i := 0; i < 1500; i++ {
		src := randomTemplate(r, 2+i%2)
		tmpl, err := ParseTemplate(src)
		if err != nil {
			t.Fatalf("ParseTemplate(%q): %v", src, err)
		}
		opts := ExpandOptions{Wildcards: propWildcards, Strict: true}
		n, err := tmpl.Count(opts)
		if err != nil {
			t.Fatalf("Count(%q): %v", src, err)
		}
		if n > 5000 {
			continue
		}
		got, err := tmpl.Combinations(opts)
		if err != nil {
			t.Fatalf("Combinations(%q): %v", src, err)
		}
		want := refExpand(t, tmpl.root, propWildcards)
		if src == "" {
			want = nil
		}
		if n != len(got) || !reflect.DeepEqual(got, want) && !(len(got) == 0 && len(want) == 0) {
			t.Fatalf("template %q: Count %d, generated %d %q, reference %d %q", src, n, len(got), got, len(want), want)
		}
		checked++
	}
	if checked < 1200 {
		t.Fatalf("only %d templates were small enough to check", checked)
	}
}

// TestCountWithDrawsEnumerates: when a random draw feeds a group, Count
// enumerates with the same seed and still equals the generated count.
func TestCountWithDrawsEnumerates(t *testing.T) {
	for seed := int64(0); seed < 50; seed++ {
		for _, src := range []string{"{a|{~a|b}} {x|y}", "{2$$a|{~a|b}|c}", "${v=!{~p|q}}{${v}|p}", "{@a|b} {{@a|b}|a}"} {
			tmpl, _ := ParseTemplate(src)
			opts := ExpandOptions{Seed: seed}
			n, err := tmpl.Count(opts)
			if err != nil {
				t.Fatal(err)
			}
			got, err := tmpl.Combinations(opts)
			if err != nil {
				t.Fatal(err)
			}
			if n != len(got) {
				t.Fatalf("%q seed %d: Count %d, generated %d %q", src, seed, n, len(got), got)
			}
		}
	}
}

func TestCountArithmetic(t *testing.T) {
	tests := []struct {
		template string
		want     int
	}{
		{"{1-3$$a|b|c|d|e|f|g|h|i|j}", 10 + 10*9 + 10*9*8},
		{"{1-5$$a|b|c|d|e|f|g|h|i|j|k|l|m|n|o|p|q|r|s|t|u|v|w|x|y|z|0|1|2|3}", 17783700}, // exact beyond MaxCount
		{"{a|b}{c|d}{e|f}{g|h}{i|j}{k|l}{m|n}{o|p}{q|r}{s|t}", 1024},
		{"__w__ {x|__v__}", 3 * 3}, // x, y, a: the group drops repeated values
		{"{2$$a|a|b}", 2},
		{"{3$$a|a|b}", 0},
	}
	for _, tt := range tests {
		tmpl, err := ParseTemplate(tt.template)
		if err != nil {
			t.Fatal(err)
		}
		n, err := tmpl.Count(ExpandOptions{Wildcards: propWildcards})
		if err != nil || n != tt.want {
			t.Errorf("Count(%q) = %d, %v; want %d", tt.template, n, err, tt.want)
		}
	}
}
