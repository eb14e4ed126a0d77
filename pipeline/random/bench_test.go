package random

import (
	"testing"

	"stablenew/pipeline"
)

// BenchmarkPlanRowMatrix plans one row with a 4×5 fanout matrix and a
// 5-value CFG sweep (100 variants) and materialises every variant. With the
// defaults' inline variants on, the row is also parsed as a template.
func BenchmarkPlanRowMatrix(b *testing.B) {
	cfg := pipeline.Defaults().Randomizer
	cfg.Enabled = true
	cfg.Matrix.Enabled = true
	cfg.Matrix.Limit = 0
	cfg.Matrix.Slots = []pipeline.MatrixSlot{
		{Name: "job", Values: []string{"knight", "archer", "monk", "smith"}},
		{Name: "place", Values: []string{"a harbor", "a forest", "a cave", "a market", "a tower"}},
	}
	cfg.Sweeps.Enabled = true
	cfg.Sweeps.CFGScales = []float64{5, 5.5, 6, 6.5, 7}
	x, err := NewExpander(cfg, nil, 1)
	if err != nil {
		b.Fatal(err)
	}
	pos := "<embedding:my_pos> (masterpiece) portrait of a [[job]] in [[place]], soft light <lora:add-detail-xl:0.6>"
	neg := "<embedding:bad_hands_neg> blurry, lowres"
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p, err := x.PlanRow(i, pos, neg)
		if err != nil {
			b.Fatal(err)
		}
		if p.Count() != 100 {
			b.Fatalf("count %d", p.Count())
		}
		for j := 0; j < 100; j++ {
			if _, err := p.Variant(j); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*100), "ns/variant")
}

// BenchmarkExpandCombinatorial expands a template with nested groups,
// counts, a wildcard and 768 prompts.
func BenchmarkExpandCombinatorial(b *testing.B) {
	wc := MapWildcards{"weather": {"stormy", "clear", "foggy", "{light|heavy} rain"}}
	src := "a {red|green|blue|gold} {cat|dog|owl|fox} in __weather__ weather, {1-2$$hat|scarf|cane}, {day|night {moon|stars}}"
	tmpl, err := ParseTemplate(src)
	if err != nil {
		b.Fatal(err)
	}
	opts := ExpandOptions{Wildcards: wc, Strict: true}
	n, err := tmpl.Count(opts)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		out, err := Expand(src, opts)
		if err != nil || len(out) != n {
			b.Fatalf("%d prompts, %v", len(out), err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/prompt")
}
