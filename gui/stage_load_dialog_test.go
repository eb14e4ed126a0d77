package gui

import (
	"slices"
	"strings"
	"testing"

	"stablenew/pipeline"
)

func TestChangeLine(t *testing.T) {
	for _, tc := range []struct {
		change pipeline.FieldChange
		want   string
	}{
		{pipeline.FieldChange{Path: "txt2img.steps", Old: "20", New: "30"}, "Txt2img steps: 20 → 30"},
		{pipeline.FieldChange{Path: "txt2img.cfg_scale", Old: "7", New: "6.5"}, "Txt2img CFG scale: 7 → 6.5"},
		{pipeline.FieldChange{Path: "txt2img.model", Old: "", New: "sd_xl_base_1.0"}, "Txt2img model: (none) → sd_xl_base_1.0"},
		{pipeline.FieldChange{Path: "hires.enabled", Old: "false", New: "true"}, "Hires fix: off → on"},
		{pipeline.FieldChange{Path: "hires.resize_x", Old: "0", New: "1024"}, "Hires fix width: 0 → 1024"},
		{pipeline.FieldChange{Path: "refiner.switch_at", Old: "0.8", New: "0.75"}, "Refiner switch at: 0.8 → 0.75"},
		{pipeline.FieldChange{Path: "adetailer.units[1].ad_confidence", Old: "0.3", New: "0.35"}, "ADetailer unit 2 confidence: 0.3 → 0.35"},
		{pipeline.FieldChange{Path: "adetailer.units[1]", Old: "", New: "hand_yolov8n.pt"}, "ADetailer unit 2: (none) → hand_yolov8n.pt"},
		{pipeline.FieldChange{Path: "adetailer.units[0].ad_use_steps", Old: "false", New: "true"}, "ADetailer unit 1 use steps: false → true"},
		{pipeline.FieldChange{Path: "upscale.upscaler_1", Old: "R-ESRGAN 4x+", New: "Lanczos"}, "Upscale upscaler 1: R-ESRGAN 4x+ → Lanczos"},
	} {
		if got := changeLine(tc.change); got != tc.want {
			t.Errorf("changeLine(%+v) = %q, want %q", tc.change, got, tc.want)
		}
	}
	long := changeLine(pipeline.FieldChange{Path: "adetailer.units[0].ad_prompt", New: strings.Repeat("detailed face, ", 20)})
	if !strings.HasSuffix(long, "…") || len([]rune(long)) > 120 {
		t.Errorf("a long value is not cut: %q", long)
	}
}

// copyStageSections copies exactly the sections pipeline.OverrideSections
// names, without sharing the ADetailer units.
func TestCopyStageSections(t *testing.T) {
	orig := pipeline.Defaults()
	src := orig.Clone()
	src.Txt2Img.Steps, src.Hires.Scale, src.Refiner.SwitchAt, src.Img2Img.Denoise = 33, 1.5, 0.6, 0.55
	src.ADetailer.Units[0].Confidence, src.Upscale.Factor = 0.5, 4
	src.Prompt.Positive, src.LoRAs = "a cat", []pipeline.LoRAStrength{{Name: "film", Strength: 1, Enabled: true}}
	src.Batch.BatchRuns, src.Output.Format, src.Randomizer.Enabled = 5, "webp", true
	others := []string{"prompt", "lora_strengths", "batch", "output", "randomizer"}
	for _, c := range pipeline.DiffConfigs(orig, src) {
		section, _, _ := strings.Cut(c.Path, ".")
		section, _, _ = strings.Cut(section, "[")
		if !slices.Contains(pipeline.OverrideSections, section) && !slices.Contains(others, section) {
			t.Fatalf("section %s of %s is in neither list", section, c.Path)
		}
	}
	dst := orig.Clone()
	copyStageSections(&dst, &src)
	if d := pipeline.DiffConfigs(dst, src, pipeline.OverrideSections...); len(d) > 0 {
		t.Errorf("stage sections not copied: %v", d)
	}
	if d := pipeline.DiffConfigs(dst, orig, others...); len(d) > 0 {
		t.Errorf("other sections copied: %v", d)
	}
	src.ADetailer.Units[0].Confidence = 0.9
	if dst.ADetailer.Units[0].Confidence != 0.5 {
		t.Error("the copy shares the ADetailer units with its source")
	}
}
