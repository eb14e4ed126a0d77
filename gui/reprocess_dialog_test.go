package gui

import (
	"image/color"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2/test"

	"stablenew/pipeline"
	"stablenew/pipeline/webui/webuitest"
)

// The reprocess dialog plans the chosen images with the current stage cards
// and Add to Queue stores exactly the planned jobs.
func TestReprocessDialogQueuesThePlannedJobs(t *testing.T) {
	mw := newTestWindow(t)
	dir := t.TempDir()
	for _, name := range []string{"a.png", "b.png"} {
		img, err := webuitest.RenderPNG(64, 64, color.NRGBA{R: 200, G: 80, B: 40, A: 255}, "a cat\nSteps: 20, Sampler: Euler a, CFG scale: 7.0, Seed: 9, Size: 64x64")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), img, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := mw.openReprocess()
	r.add(dir)
	r.add(filepath.Join(dir, "notes.txt"))
	settle(t, mw)
	if r.plan == nil || len(r.plan.Jobs) != 2 {
		t.Fatalf("want 2 planned jobs, got %+v (%s)", r.plan, r.result.Text)
	}
	if len(r.plan.Skipped) != 1 || filepath.Base(r.plan.Skipped[0].Path) != "notes.txt" {
		t.Fatalf("notes.txt, added as a file, must be skipped with its reason: %+v", r.plan.Skipped)
	}
	planned := r.plan.Jobs
	test.Tap(r.queueBtn)
	settle(t, mw)
	items, err := mw.Services.Queue.List()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, it := range items {
		got[it.JobID] = true
	}
	for _, j := range planned {
		if !got[j.JobID] {
			t.Fatalf("planned job %s is not in the queue", j.JobID)
		}
		rec, err := mw.Services.Queue.Get(j.JobID)
		if err != nil {
			t.Fatal(err)
		}
		if rec.Source != pipeline.SourceReprocess || rec.Config.Txt2Img.Enabled || !rec.Config.Upscale.Enabled {
			t.Fatalf("job %s is not an upscale reprocess job: %+v", j.JobID, rec.Config)
		}
		if rec.Config.Prompt.Positive != "a cat" {
			t.Fatalf("the image's own prompt was not used: %q", rec.Config.Prompt.Positive)
		}
	}
}
