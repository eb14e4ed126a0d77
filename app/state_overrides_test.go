package app

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"stablenew/pipeline"
)

// sdxlPack is a pack's effective configuration unlike the defaults.
func sdxlPack() pipeline.PipelineConfig {
	c := pipeline.Defaults()
	c.Txt2Img.Width, c.Txt2Img.Height = 896, 1152
	c.Txt2Img.Model = "sd_xl_base_1.0.safetensors"
	c.Hires.Enabled = true
	c.Refiner.Enabled, c.Refiner.Checkpoint = true, "sd_xl_refiner_1.0.safetensors"
	return c
}

func TestStageFieldEditsOverrideOnlyThemselves(t *testing.T) {
	st := NewState(pipeline.Defaults(), "")
	st.SetStageBase(sdxlPack(), "sdxl_portraits")
	if c := st.Config(); c.Txt2Img.Width != 896 || !c.Hires.Enabled {
		t.Fatalf("the cards do not show the pack: %d, hires %v", c.Txt2Img.Width, c.Hires.Enabled)
	}
	if st.OverrideEnabled() || len(st.Overridden()) != 0 {
		t.Fatal("showing a pack made overrides")
	}

	st.UpdateConfig(func(c *pipeline.PipelineConfig) { c.Txt2Img.Steps = 33 })
	if got := st.Overridden(); !reflect.DeepEqual(got, []string{"txt2img.steps"}) || !st.OverrideEnabled() {
		t.Fatalf("overridden %v, check %v", got, st.OverrideEnabled())
	}
	// The snapshot's overrides hold only the steps: merged over the pack,
	// everything else is the pack's.
	req := st.Snapshot()
	got, err := pipeline.ConfigMerger{}.Merge(sdxlPack(), req.Overrides, req.OverrideEnabled)
	if err != nil {
		t.Fatal(err)
	}
	want := sdxlPack()
	want.Txt2Img.Steps = 33
	if !reflect.DeepEqual(got, want) {
		t.Errorf("merged differs beyond steps: %v", pipeline.DiffConfigs(want, got))
	}

	// Another pack: its values show, the override stays.
	other := pipeline.Defaults()
	other.Txt2Img.Width = 640
	st.SetStageBase(other, "anime")
	if c := st.Config(); c.Txt2Img.Width != 640 || c.Txt2Img.Steps != 33 || c.Hires.Enabled {
		t.Errorf("after another pack: width %d steps %d hires %v", c.Txt2Img.Width, c.Txt2Img.Steps, c.Hires.Enabled)
	}

	// Back to pack.
	st.UpdateConfig(func(c *pipeline.PipelineConfig) { c.Hires.Enabled, c.Hires.Scale = true, 1.5 })
	st.ResetOverrides("hires")
	if got := st.Overridden(); !reflect.DeepEqual(got, []string{"txt2img.steps"}) || st.Config().Hires.Enabled {
		t.Errorf("after resetting the hires card: %v, hires %v", got, st.Config().Hires.Enabled)
	}
	st.ResetOverrides("txt2img.steps")
	if len(st.Overridden()) != 0 || st.Config().Txt2Img.Steps != other.Txt2Img.Steps {
		t.Errorf("after resetting steps: %v, steps %d", st.Overridden(), st.Config().Txt2Img.Steps)
	}
	if !st.Snapshot().Overrides.Empty() {
		t.Error("overrides left after every field went back to the pack")
	}
}

func TestLoadedSettingsOverrideWhereTheyDifferFromThePack(t *testing.T) {
	st := NewState(pipeline.Defaults(), "")
	st.SetStageBase(sdxlPack(), "sdxl_portraits")
	img := sdxlPack()
	img.Txt2Img.Seed, img.Txt2Img.CFGScale = 1234, 4.5
	st.SetConfig(img)
	if got := st.Overridden(); !reflect.DeepEqual(got, []string{"txt2img.cfg_scale", "txt2img.seed"}) || !st.OverrideEnabled() {
		t.Errorf("overridden %v, check %v", got, st.OverrideEnabled())
	}
	// Restore last run brings the overrides back.
	st.RecordRun()
	st.ResetOverrides()
	if st.RestoreLastRun(); len(st.Overridden()) != 2 {
		t.Errorf("restored overrides %v", st.Overridden())
	}
}

func TestOldStateFileOverridesWhatDiffersFromTheDefaults(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	old := `{"version":1,"override_enabled":true,"config":{"txt2img":{"steps":42}}}`
	if err := os.WriteFile(path, []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	st := OpenState(path, pipeline.Defaults(), "", nil)
	if got := st.Overridden(); !reflect.DeepEqual(got, []string{"txt2img.steps"}) {
		t.Errorf("migrated overrides %v", got)
	}
}
