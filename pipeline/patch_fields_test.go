package pipeline

import (
	"reflect"
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
