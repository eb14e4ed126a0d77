package gui

import (
	"reflect"
	"testing"

	"stablenew/pipeline"
)

func TestRandomizerTextRoundTrips(t *testing.T) {
	slots, err := parseSlots("job: knight | archer |\n\n [[place]] : a harbor|a forest\n")
	want := []pipeline.MatrixSlot{{Name: "job", Values: []string{"knight", "archer"}}, {Name: "place", Values: []string{"a harbor", "a forest"}}}
	if err != nil || !reflect.DeepEqual(slots, want) {
		t.Errorf("slots %v, %v", slots, err)
	}
	if got := formatSlots(slots); got != "job: knight | archer\nplace: a harbor | a forest" {
		t.Errorf("formatted %q", got)
	}
	if _, err := parseSlots("job knight"); err == nil || err.Error() != "line 1: write a slot as name: value | value" {
		t.Errorf("bad line: %v", err)
	}
	if s, err := parseSlots("  \n"); err != nil || s != nil {
		t.Errorf("empty text gave %v, %v; want nil", s, err)
	}
	rules, err := parseRules("person => man | woman")
	if err != nil || !reflect.DeepEqual(rules, []pipeline.SRRule{{Search: "person", Replacements: []string{"man", "woman"}}}) {
		t.Errorf("rules %v %v", rules, err)
	}
	toks, err := parseTokens("__weather__: stormy | clear")
	if err != nil || toks[0].Token != "__weather__" || len(toks[0].Values) != 2 {
		t.Errorf("tokens %v %v", toks, err)
	}
	cfgs, err := parseFloatList("5, 6.5;8")
	if err != nil || !reflect.DeepEqual(cfgs, []float64{5, 6.5, 8}) || formatFloatList(cfgs) != "5, 6.5, 8" {
		t.Errorf("cfgs %v %v", cfgs, err)
	}
	if _, err := parseIntList("20, x"); err == nil {
		t.Error("a non-number step was accepted")
	}
}

func TestSizeTexts(t *testing.T) {
	for _, tc := range []struct {
		w, h int
		want string
	}{{512, 512, "Ratio 1:1"}, {832, 1216, "Ratio 13:19"}, {1152, 896, "Ratio 9:7"}, {1000, 17, "Ratio 58.82"}, {0, 5, "Ratio —"}} {
		if got := ratioText(tc.w, tc.h); got != tc.want {
			t.Errorf("ratioText(%d, %d) = %q, want %q", tc.w, tc.h, got, tc.want)
		}
	}
	c := pipeline.Defaults()
	c.Txt2Img.Width, c.Txt2Img.Height = 832, 1216
	if got := finalSizeText(&c); got != "Final size: 832×1216 → 1664×2432" {
		t.Errorf("no hires: %q", got)
	}
	c.Hires.Enabled, c.Hires.Scale = true, 1.5
	c.Upscale.TargetWidth, c.Upscale.TargetHeight = 2048, 3000
	if got := finalSizeText(&c); got != "Final size: 1248×1824 → 2048×3000" {
		t.Errorf("hires and target: %q", got)
	}
	c.Hires.ResizeX = 1024
	if w, h := upscaleInput(&c); w != 1024 || h != 1497 {
		t.Errorf("hires resize x: %d×%d", w, h)
	}
}
