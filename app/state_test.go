package app

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"stablenew/pipeline"
)

// apply returns the defaults with a snapshot's patch applied.
func apply(t *testing.T, p *pipeline.Patch) pipeline.PipelineConfig {
	t.Helper()
	c, err := p.ApplyTo(pipeline.Defaults())
	if err != nil {
		t.Fatalf("applying %s: %v", p.Source, err)
	}
	return c
}

func TestSnapshotReflectsEditsAndSharesNothing(t *testing.T) {
	st := NewState(pipeline.Defaults(), "portrait_preset")
	st.SetPacks([]string{"b", "a", "b", ""})
	st.UpdateConfig(func(c *pipeline.PipelineConfig) {
		c.Txt2Img.Steps = 33
		c.Batch.BatchRuns = 3
		c.LoRAs = []pipeline.LoRAStrength{{Name: "film", Strength: 0.4, Enabled: true}}
	})
	st.SetOverrideEnabled(true)

	req := st.Snapshot()
	if !reflect.DeepEqual(req.Packs, []string{"b", "a"}) {
		t.Errorf("Packs = %v, want [b a] (order kept, duplicates and blanks dropped)", req.Packs)
	}
	if req.Preset != "portrait_preset" || !req.OverrideEnabled || req.RunMode != pipeline.RunModeQueue {
		t.Errorf("Preset %q, OverrideEnabled %v, RunMode %q", req.Preset, req.OverrideEnabled, req.RunMode)
	}
	if got, want := slices.Sorted(slices.Values(req.Settings.Keys())), []string{"batch", "lora_strengths", "output", "prompt", "randomizer"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Settings sections = %v, want %v", got, want)
	}
	if req.Settings.Has("txt2img") || !req.Overrides.Has("txt2img.steps") || req.Overrides.Has("batch") {
		t.Errorf("Settings must hold only the sidebar sections and Overrides only the stage cards")
	}
	if got := apply(t, req.Overrides).Txt2Img.Steps; got != 33 {
		t.Errorf("overrides steps = %d, want 33", got)
	}
	if got := apply(t, req.Settings); got.Batch.BatchRuns != 3 || len(got.LoRAs) != 1 {
		t.Errorf("settings = batch runs %d, LoRAs %v", got.Batch.BatchRuns, got.LoRAs)
	}

	// Later edits and changes to the snapshot don't reach each other.
	st.UpdateConfig(func(c *pipeline.PipelineConfig) { c.Txt2Img.Steps = 44 })
	st.SetPacks([]string{"c"})
	req.Packs[0] = "zzz"
	if got := apply(t, req.Overrides).Txt2Img.Steps; got != 33 {
		t.Errorf("snapshot changed after an edit: steps = %d", got)
	}
	if got := st.Packs(); !reflect.DeepEqual(got, []string{"c"}) {
		t.Errorf("state packs = %v", got)
	}
	if got := apply(t, st.Snapshot().Overrides).Txt2Img.Steps; got != 44 {
		t.Errorf("new snapshot steps = %d, want 44", got)
	}
}

func TestSnapshotRandomizerAndLoRAsApplyOnlyWhenSet(t *testing.T) {
	st := NewState(pipeline.Defaults(), "")
	req := st.Snapshot()
	// The randomizer is off in the sidebar: the packs keep their own, except
	// for the job cap.
	if req.Settings.Has("randomizer.enabled") || req.Settings.Has("randomizer.matrix") || !req.Settings.Has("randomizer.max_variants") ||
		req.Settings.Has("lora_strengths") || req.RandomizerSeed != nil {
		t.Errorf("untouched sidebar imposes %v, seed %v", req.Settings.Keys(), req.RandomizerSeed)
	}
	withSlots := pipeline.Defaults()
	withSlots.Randomizer.Enabled = true
	withSlots.Randomizer.Matrix.Slots = []pipeline.MatrixSlot{{Name: "place", Values: []string{"a harbor"}}}
	if got, err := req.Settings.ApplyTo(withSlots); err != nil || !got.Randomizer.Enabled || len(got.Randomizer.Matrix.Slots) != 1 {
		t.Errorf("a pack's own randomizer was changed: %+v, %v", got.Randomizer, err)
	}
	if !req.Settings.Has("batch.batch_size") || !req.Settings.Has("prompt.global_negative") || !req.Settings.Has("output.format") {
		t.Errorf("settings %v lack batch, prompt or output", req.Settings.Keys())
	}
	st.UpdateConfig(func(c *pipeline.PipelineConfig) {
		c.Randomizer.Enabled = true
		c.Randomizer.Seed = 42
		c.Randomizer.Matrix.Slots = []pipeline.MatrixSlot{{Name: "job", Values: []string{"a"}}}
	})
	req = st.Snapshot()
	if !req.Settings.Has("randomizer.matrix.slots") || req.RandomizerSeed == nil || *req.RandomizerSeed != 42 {
		t.Errorf("enabled randomizer: keys %v seed %v", req.Settings.Keys(), req.RandomizerSeed)
	}
	if got := apply(t, req.Settings).Randomizer.Matrix.Slots; len(got) != 1 || got[0].Name != "job" {
		t.Errorf("slots %v", got)
	}
}

func TestSnapshotOutputRootFallback(t *testing.T) {
	st := NewState(pipeline.Defaults(), "")
	st.SetDefaultOutputRoot("/renders")
	if got := st.Snapshot().OutputRoot; got != "/renders" {
		t.Errorf("OutputRoot = %q, want the settings' root", got)
	}
	st.UpdateConfig(func(c *pipeline.PipelineConfig) { c.Output.Root = "/mine" })
	if got := st.Snapshot().OutputRoot; got != "" {
		t.Errorf("OutputRoot = %q, want empty (the config's root applies)", got)
	}
}

func TestChangesAreCoalesced(t *testing.T) {
	st := NewState(pipeline.Defaults(), "")
	var queued []func()
	st.SetScheduler(func(fn func()) { queued = append(queued, fn) })
	var got []Change
	st.OnChange(func(c Change) { got = append(got, c) })

	st.UpdateConfig(func(c *pipeline.PipelineConfig) { c.Txt2Img.Steps = 30 })
	st.SetPacks([]string{"a"})
	st.SetOverrideEnabled(true)
	st.SetOverrideEnabled(true) // no change
	if len(queued) != 1 {
		t.Fatalf("scheduled %d flushes, want 1", len(queued))
	}
	queued[0]()
	// The steps edit also made txt2img.steps an override (ChangeStageBase).
	if len(got) != 1 || got[0] != ChangeConfig|ChangePacks|ChangeOverride|ChangeStageBase {
		t.Fatalf("listener got %v, want one call with config|packs|override|stage base", got)
	}
	if !got[0].Has(PlanInputs) || got[0].Has(ChangeView) {
		t.Errorf("Has is wrong for %v", got[0])
	}

	// Setting the same values again notifies nobody.
	st.UpdateConfig(func(c *pipeline.PipelineConfig) { c.Txt2Img.Steps = 30 })
	st.SetPacks([]string{"a"})
	st.SetPlanInfo(PlanInfo{})
	if len(queued) != 1 {
		t.Errorf("no-op setters scheduled a flush")
	}
}

func TestOnChangeCancel(t *testing.T) {
	st := NewState(pipeline.Defaults(), "")
	n := 0
	cancel := st.OnChange(func(Change) { n++ })
	st.SetPreset("x")
	cancel()
	st.SetPreset("y")
	if n != 1 {
		t.Errorf("listener called %d times, want 1", n)
	}
}

func TestRecordAndRestoreLastRun(t *testing.T) {
	st := NewState(pipeline.Defaults(), "")
	if st.RestoreLastRun() {
		t.Fatal("RestoreLastRun with no run reported true")
	}
	st.SetPacks([]string{"portraits"})
	st.SetPreset("sdxl")
	st.UpdateConfig(func(c *pipeline.PipelineConfig) { c.Txt2Img.CFGScale = 5.5 })
	st.RecordRun()

	st.SetPacks([]string{"other"})
	st.SetPreset("")
	st.UpdateConfig(func(c *pipeline.PipelineConfig) { c.Txt2Img.CFGScale = 9 })
	var what Change
	st.OnChange(func(c Change) { what |= c })
	if !st.RestoreLastRun() {
		t.Fatal("RestoreLastRun reported false")
	}
	if st.Config().Txt2Img.CFGScale != 5.5 || st.Preset() != "sdxl" || !reflect.DeepEqual(st.Packs(), []string{"portraits"}) {
		t.Errorf("restored cfg %v preset %q packs %v", st.Config().Txt2Img.CFGScale, st.Preset(), st.Packs())
	}
	if what != ChangeConfig|ChangePacks|ChangePreset {
		t.Errorf("restore notified %v", what)
	}
}

func TestStatePersistenceRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "gui_state.json")
	fresh := pipeline.Defaults()
	st := OpenState(path, fresh, "", nil)
	st.SetPacks([]string{"a", "b"})
	st.SetPreset("p")
	st.SetOverrideEnabled(true)
	st.UpdateConfig(func(c *pipeline.PipelineConfig) {
		c.Txt2Img.Steps = 42
		c.ADetailer.Units = append(c.ADetailer.Units, pipeline.DefaultADetailerUnit())
		c.Randomizer.Matrix.Slots = []pipeline.MatrixSlot{{Name: "job", Values: []string{"knight", "archer"}}}
	})
	st.UpdateView(func(v *ViewState) { v.PackFilter, v.WindowWidth, v.WindowHeight, v.Tab = "port", 1300, 820, "Prompt" })
	st.RecordRun()
	if !st.Dirty() {
		t.Fatal("not dirty after edits")
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if st.Dirty() {
		t.Error("still dirty after Close")
	}

	back := OpenState(path, fresh, "", nil)
	if !reflect.DeepEqual(back.Config(), st.Config()) {
		t.Errorf("config differs after reload")
	}
	if !reflect.DeepEqual(back.Packs(), []string{"a", "b"}) || back.Preset() != "p" || !back.OverrideEnabled() {
		t.Errorf("packs %v preset %q override %v", back.Packs(), back.Preset(), back.OverrideEnabled())
	}
	if !reflect.DeepEqual(back.View(), st.View()) {
		t.Errorf("view %+v, want %+v", back.View(), st.View())
	}
	if r, ok := back.LastRun(); !ok || r.Config.Txt2Img.Steps != 42 {
		t.Errorf("last run %v %v", ok, r.Config.Txt2Img.Steps)
	}
}

func TestStateFileMissingKeysKeepFreshValues(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gui_state.json")
	if err := os.WriteFile(path, []byte(`{"packs":["x"],"config":{"txt2img":{"steps":12}}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	fresh := pipeline.Defaults()
	fresh.Prompt.GlobalNegative = "from the library"
	st := OpenState(path, fresh, "def", nil)
	c := st.Config()
	if c.Txt2Img.Steps != 12 || c.Txt2Img.Sampler != fresh.Txt2Img.Sampler || c.Prompt.GlobalNegative != "from the library" {
		t.Errorf("steps %d sampler %q global %q", c.Txt2Img.Steps, c.Txt2Img.Sampler, c.Prompt.GlobalNegative)
	}
	if st.Preset() != "def" || !reflect.DeepEqual(st.Packs(), []string{"x"}) {
		t.Errorf("preset %q packs %v", st.Preset(), st.Packs())
	}
	if _, ok := st.LastRun(); ok {
		t.Error("a file without last_run gave a last run")
	}
}

func TestCorruptStateFileStartsWithDefaultsAndKeepsBackup(t *testing.T) {
	for name, content := range map[string]string{
		"not json":    `{"packs": [`,
		"wrong types": `{"config": "steps=20"}`,
		"empty":       ``,
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "gui_state.json")
			if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
			var logs bytes.Buffer
			log := slog.New(slog.NewTextHandler(&logs, nil))
			st := OpenState(path, pipeline.Defaults(), "", log)
			if !reflect.DeepEqual(st.Config(), pipeline.Defaults()) || len(st.Packs()) != 0 {
				t.Error("a corrupt file did not give the defaults")
			}
			if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "gui_state.json") {
				t.Errorf("no warning naming the file: %s", logs.String())
			}
			bak, err := os.ReadFile(path + ".bak")
			if err != nil || string(bak) != content {
				t.Errorf(".bak = %q, %v; want the bad file kept", bak, err)
			}
			if _, err := os.Stat(path); !os.IsNotExist(err) {
				t.Errorf("the bad file is still in place: %v", err)
			}
			// Saving writes a good file again.
			st.SetPacks([]string{"a"})
			if err := st.Save(); err != nil {
				t.Fatal(err)
			}
			if again := OpenState(path, pipeline.Defaults(), "", log); !reflect.DeepEqual(again.Packs(), []string{"a"}) {
				t.Errorf("packs after save and reload = %v", again.Packs())
			}
		})
	}
}

func TestAutosaveWritesAfterAnEdit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gui_state.json")
	st := OpenState(path, pipeline.Defaults(), "", nil)
	saved := make(chan error, 4)
	st.store.afterAutosave = func(err error) { saved <- err }
	st.EnableAutosave(5 * time.Millisecond)
	st.SetPreset("autosaved")
	select {
	case err := <-saved:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the state was not autosaved")
	}
	data, err := os.ReadFile(path)
	var d struct{ Preset string }
	if err != nil || json.Unmarshal(data, &d) != nil || d.Preset != "autosaved" {
		t.Fatalf("state file: %s, %v", data, err)
	}
	if st.Dirty() {
		t.Error("dirty after the autosave")
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestPlanInfoIsNotPersistedAndNotifies(t *testing.T) {
	st := NewState(pipeline.Defaults(), "")
	var what Change
	st.OnChange(func(c Change) { what |= c })
	st.SetPlanInfo(PlanInfo{Jobs: 3, Images: 6, Notes: []string{"n"}})
	if what != ChangePlan {
		t.Errorf("notified %v, want plan", what)
	}
	p := st.PlanInfo()
	p.Notes[0] = "changed"
	if st.PlanInfo().Notes[0] != "n" {
		t.Error("PlanInfo shares its notes")
	}
}

func TestSnapshotPlansTheSamplePacks(t *testing.T) {
	svc, err := Open(OpenOptions{DataDir: t.TempDir(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	st := svc.OpenState()
	st.SetPacks([]string{"landscapes_matrix", "sdxl_portraits"})
	plan, err := svc.Pipeline.Plan(context.Background(), st.Snapshot())
	if err != nil {
		t.Fatalf("an untouched sidebar must plan the sample packs with their own settings: %v", err)
	}
	if len(plan.Jobs) <= 2 {
		t.Errorf("%d jobs: the matrix of landscapes_matrix did not fan out", len(plan.Jobs))
	}
	// Overriding the stages reaches every job.
	st.UpdateConfig(func(c *pipeline.PipelineConfig) { c.Txt2Img.Steps = 9 })
	st.SetOverrideEnabled(true)
	plan, err = svc.Pipeline.Plan(context.Background(), st.Snapshot())
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range plan.Jobs {
		if j.Config.Txt2Img.Steps != 9 {
			t.Fatalf("job %s has %d steps with the override on", j.JobID, j.Config.Txt2Img.Steps)
		}
	}
}
