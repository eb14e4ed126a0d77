package gui

import (
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
