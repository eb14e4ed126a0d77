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

// Reprocess from a history entry: the dialog opens with the job's images
// and plans one job over each.
func TestHistoryReprocessOpensTheDialogWithTheJobsImages(t *testing.T) {
	ph := historyOf(t, 1)
	h := ph.h.history
	h.list.Select(0)
	rec := h.rows[0].rec
	ph.tapButton("Reprocess…")
	d := ph.mw.reprocess
	if d == nil {
		t.Fatal("the Reprocess images dialog did not open")
	}
	ph.waitFor("the reprocess plan", func() bool { return d.plan != nil })
	if len(d.plan.Jobs) != len(rec.Outputs) {
		t.Fatalf("want %d jobs, got %d (%s)", len(rec.Outputs), len(d.plan.Jobs), d.result.Text)
	}
	for i, j := range d.plan.Jobs {
		if j.Config.Img2Img.InputImage != rec.Outputs[i] {
			t.Errorf("job %d reprocesses %s, want %s", i, j.Config.Img2Img.InputImage, rec.Outputs[i])
		}
	}
}
