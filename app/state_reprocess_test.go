package app

import (
	"context"
	"image"
	"image/png"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"stablenew/controller"
	"stablenew/pipeline"
)

// writePNG writes a small plain PNG (no parameters) and returns its path.
func writePNG(t *testing.T, dir, name string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, image.NewRGBA(image.Rect(0, 0, 8, 8))); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestReprocessDraftReplacesThePacksInThePlan(t *testing.T) {
	dir := t.TempDir()
	svc, err := Open(OpenOptions{DataDir: dir, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	st := OpenState(StatePath(dir), pipeline.Defaults(), "", nil)
	st.SetPacks([]string{"landscapes_matrix"})
	if err := st.Save(); err != nil {
		t.Fatal(err)
	}
	var what Change
	st.OnChange(func(c Change) { what |= c })

	a, b := writePNG(t, dir, "a.png"), writePNG(t, dir, "b.png")
	src := &controller.ReprocessSource{Inputs: []string{a, b, filepath.Join(dir, "missing.png")},
		Stages: []pipeline.StageType{pipeline.StageUpscale}}
	st.SetReprocess(src)
	src.Inputs[0] = "changed by the caller"
	if !what.Has(ChangeReprocess) || !what.Has(PlanInputs) {
		t.Fatalf("notified %b: the reprocess draft is a plan input", what)
	}
	if st.Dirty() {
		t.Error("the reprocess draft is not saved, so setting it must not make the state dirty")
	}
	if got := st.Reprocess(); got == nil || got.Inputs[0] != a {
		t.Fatalf("Reprocess() = %+v: the State must keep its own copy", got)
	}

	// The stage cards apply to reprocess jobs even with the override off.
	st.UpdateConfig(func(c *pipeline.PipelineConfig) { c.Upscale.Factor = 3 })
	plan, err := svc.Pipeline.Plan(context.Background(), st.Snapshot())
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Jobs) != 2 || len(plan.Skipped) != 1 {
		t.Fatalf("%d jobs, %d skipped: want one job per image and the missing file skipped", len(plan.Jobs), len(plan.Skipped))
	}
	for i, j := range plan.Jobs {
		if j.Source != pipeline.SourceReprocess || j.PackID != controller.ReprocessPackID {
			t.Errorf("job %d: source %q pack %q, want a reprocess job", i, j.Source, j.PackID)
		}
		if j.Config.Txt2Img.Enabled || !j.Config.Upscale.Enabled || j.Config.Upscale.Factor != 3 {
			t.Errorf("job %d: stages %s, scale %v: want only the upscale card's stage", i, j.Config.StageSummary(), j.Config.Upscale.Factor)
		}
	}
	if plan.Jobs[0].Config.Img2Img.InputImage != a || plan.Jobs[1].Config.Img2Img.InputImage != b {
		t.Errorf("inputs %q, %q: want the images in order", plan.Jobs[0].Config.Img2Img.InputImage, plan.Jobs[1].Config.Img2Img.InputImage)
	}

	// Clearing it plans the packs again.
	what = 0
	st.SetReprocess(nil)
	if !what.Has(ChangeReprocess) {
		t.Error("clearing the reprocess draft must notify")
	}
	plan, err = svc.Pipeline.Plan(context.Background(), st.Snapshot())
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Jobs) == 0 || plan.Jobs[0].PackID != "landscapes_matrix" {
		t.Errorf("after clearing the draft the plan must be the selected pack's again")
	}
}
