package pipeline

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestPatchFromFieldsOverridesOnlyThoseFields is issue 12's case: changing
// one value in the stage cards must not replace an SDXL pack's whole setup.
func TestPatchFromFieldsOverridesOnlyThoseFields(t *testing.T) {
	pack := Defaults()
	pack.Txt2Img.Width, pack.Txt2Img.Height = 896, 1152
	pack.Txt2Img.Model = "sd_xl_base_1.0.safetensors"
	pack.Hires.Enabled, pack.Hires.Scale = true, 1.5
	pack.Refiner.Enabled, pack.Refiner.Checkpoint = true, "sd_xl_refiner_1.0.safetensors"
	pack.ADetailer.Units = []ADetailerUnit{DefaultADetailerUnit(), DefaultADetailerUnit()}

	cards := Defaults() // 512², current model, no hires: what the cards held
	cards.Txt2Img.Steps = 33
	over, err := PatchFromFields(cards, "stage cards", "txt2img.steps")
	if err != nil {
		t.Fatal(err)
	}
	got, err := ConfigMerger{}.Merge(pack, over, true)
	if err != nil {
		t.Fatal(err)
	}
	want := pack.Clone()
	want.Txt2Img.Steps = 33
	if !reflect.DeepEqual(got, want) {
		t.Errorf("merged differs from the pack beyond steps: %v", DiffConfigs(want, got))
	}

	// A sub-stage switched off, and a whole list.
	cards.Hires.Enabled = false
	cards.ADetailer.Units = []ADetailerUnit{DefaultADetailerUnit()}
	cards.ADetailer.Units[0].Confidence = 0.5
	over, err = PatchFromFields(cards, "stage cards", "hires.enabled", "adetailer.units", "txt2img.steps")
	if err != nil {
		t.Fatal(err)
	}
	got, err = ConfigMerger{}.Merge(pack, over, true)
	if err != nil {
		t.Fatal(err)
	}
	if got.Hires.Enabled || got.Txt2Img.Width != 896 || len(got.ADetailer.Units) != 1 || got.ADetailer.Units[0].Confidence != 0.5 {
		t.Errorf("merged: hires %v width %d units %+v", got.Hires.Enabled, got.Txt2Img.Width, got.ADetailer.Units)
	}
	if keys := over.Keys(); !reflect.DeepEqual(keys, []string{"hires", "adetailer", "txt2img"}) {
		t.Errorf("patch sections %v", keys)
	}

	if _, err := PatchFromFields(cards, "stage cards", "txt2img.nope"); err == nil {
		t.Error("an unknown key was accepted")
	}
	if p, err := PatchFromFields(cards, "stage cards"); err != nil || !p.Empty() {
		t.Errorf("no keys: %v %v", p, err)
	}
}

func TestFieldKeys(t *testing.T) {
	got := FieldKeys([]FieldChange{{Path: "txt2img.steps"}, {Path: "adetailer.units[1].ad_confidence"},
		{Path: "adetailer.units[2]"}, {Path: "hires.enabled"}})
	if want := []string{"adetailer.units", "hires.enabled", "txt2img.steps"}; !reflect.DeepEqual(got, want) {
		t.Errorf("keys %v, want %v", got, want)
	}
}

// CopyStageSections copies exactly the sections OverrideSections
// names, without sharing the ADetailer units.
func TestCopyStageSections(t *testing.T) {
	orig := Defaults()
	src := orig.Clone()
	src.Txt2Img.Steps, src.Hires.Scale, src.Refiner.SwitchAt, src.Img2Img.Denoise = 33, 1.5, 0.6, 0.55
	src.ADetailer.Units[0].Confidence, src.Upscale.Factor = 0.5, 4
	src.Prompt.Positive, src.LoRAs = "a cat", []LoRAStrength{{Name: "film", Strength: 1, Enabled: true}}
	src.Batch.BatchRuns, src.Output.Format, src.Randomizer.Enabled = 5, "webp", true
	others := []string{"prompt", "lora_strengths", "batch", "output", "randomizer"}
	for _, c := range DiffConfigs(orig, src) {
		section, _, _ := strings.Cut(c.Path, ".")
		section, _, _ = strings.Cut(section, "[")
		if !slices.Contains(OverrideSections, section) && !slices.Contains(others, section) {
			t.Fatalf("section %s of %s is in neither list", section, c.Path)
		}
	}
	dst := orig.Clone()
	CopyStageSections(&dst, &src)
	if d := DiffConfigs(dst, src, OverrideSections...); len(d) > 0 {
		t.Errorf("stage sections not copied: %v", d)
	}
	if d := DiffConfigs(dst, orig, others...); len(d) > 0 {
		t.Errorf("other sections copied: %v", d)
	}
	src.ADetailer.Units[0].Confidence = 0.9
	if dst.ADetailer.Units[0].Confidence != 0.5 {
		t.Error("the copy shares the ADetailer units with its source")
	}
}
