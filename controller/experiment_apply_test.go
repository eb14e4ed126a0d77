package controller

import (
	"strings"
	"testing"

	"stablenew/pipeline"
)

func TestApplyCellValuesSetsTheSweptSettings(t *testing.T) {
	c := pipeline.Defaults()
	c.Txt2Img.Enabled = true
	got, err := ApplyCellValues(c, []pipeline.DimensionValue{
		{Dimension: "txt2img.cfg_scale", Value: "9.5"},
		{Dimension: "txt2img.sampler_name", Value: "DPM++ 2M"},
		{Dimension: "lora:add-detail-xl", Value: "0.4"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got.Txt2Img.CFGScale != 9.5 || got.Txt2Img.Sampler != "DPM++ 2M" {
		t.Errorf("cfg %v sampler %q; want 9.5 and DPM++ 2M", got.Txt2Img.CFGScale, got.Txt2Img.Sampler)
	}
	found := false
	for _, l := range got.LoRAs {
		if l.Name == "add-detail-xl" {
			found = l.Strength == 0.4 && l.Enabled
		}
	}
	if !found {
		t.Errorf("LoRA strengths %+v lack add-detail-xl at 0.4", got.LoRAs)
	}
	if c.Txt2Img.CFGScale == 9.5 {
		t.Error("the input config was changed")
	}
}

func TestApplyCellValuesNamesTheBadSetting(t *testing.T) {
	c := pipeline.Defaults()
	for _, tc := range []struct{ field, value, want string }{
		{"txt2img.no_such", "1", "txt2img.no_such"},
		{"txt2img.steps", "-3", "txt2img.steps"},
		{"Bad Field", "1", "Bad Field"},
	} {
		_, err := ApplyCellValues(c, []pipeline.DimensionValue{{Dimension: tc.field, Value: tc.value}})
		if err == nil || !strings.HasPrefix(err.Error(), tc.want+":") {
			t.Errorf("%s=%s: error %v, want one naming %s", tc.field, tc.value, err, tc.want)
		}
	}
}
