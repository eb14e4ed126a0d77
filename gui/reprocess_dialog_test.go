package gui

import (
	"image/color"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"stablenew/controller"
	"stablenew/pipeline"
	"stablenew/pipeline/webui/webuitest"
)

// writeReprocessInputs writes two PNGs with parameters and a text file into
// a new folder and returns it.
func writeReprocessInputs(t *testing.T) string {
	t.Helper()
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
	return dir
}

// The reprocess dialog plans the chosen images with the current stage
// cards; Show in Preview makes them the draft, the preview lists exactly
// those jobs, and Add to Queue stores exactly what the preview shows and
// ends the draft.
func TestReprocessDraftIsPreviewedThenQueued(t *testing.T) {
	ph := newPanelHarness(t, harnessOptions{})
	mw := ph.mw
	ph.selectPack()
	dir := writeReprocessInputs(t)
	r := mw.openReprocess()
	r.add(dir)
	r.add(filepath.Join(dir, "notes.txt"))
	ph.waitFor("the reprocess plan", func() bool { return r.plan != nil })
	if len(r.plan.Jobs) != 2 {
		t.Fatalf("want 2 planned jobs, got %d (%s)", len(r.plan.Jobs), r.result.Text)
	}
	if len(r.plan.Skipped) != 1 || filepath.Base(r.plan.Skipped[0].Path) != "notes.txt" {
		t.Fatalf("notes.txt, added as a file, must be skipped with its reason: %+v", r.plan.Skipped)
	}
	if ph.h.preview.reprocessBar.Visible() {
		t.Fatal("the dialog alone must not change the draft")
	}

	test.Tap(r.previewBtn)
	res := ph.waitPreview()
	if !res.reprocess || res.plan == nil || len(res.plan.Jobs) != 2 {
		t.Fatalf("the preview must show the 2 reprocess jobs instead of the pack: %+v", res)
	}
	if !ph.h.preview.reprocessBar.Visible() || !strings.Contains(ph.h.preview.reprocessText.Text, "upscale") {
		t.Fatalf("the reprocess bar must say what the draft is: %q", ph.h.preview.reprocessText.Text)
	}
	if !strings.Contains(ph.h.preview.notes.Text, "notes.txt") {
		t.Errorf("the skipped file must be among the preview's notes: %q", ph.h.preview.notes.Text)
	}
	for i, row := range res.rows {
		if !strings.Contains(row.title, []string{"a.png", "b.png"}[i]) {
			t.Errorf("row %d is %q: want the input file's name", i, row.title)
		}
	}
	shown := res.plan.Jobs
	if got := ph.h.preview.details.values["Size"].Text; !strings.Contains(got, "a.png") {
		t.Errorf("the details' Size of a reprocess job is %q: want the input image's", got)
	}

	mw.AddToQueue()
	ph.waitFor("the reprocess jobs queued", func() bool { return len(ph.queued()) == 2 })
	ids := ph.queued()
	for i, j := range shown {
		if ids[i] != j.JobID {
			t.Fatalf("queued %v, want exactly the previewed jobs", ids)
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
	// The queue panel names each job's image.
	ph.h.showPanel(ph.h.queue.tab)
	ph.waitFor("the queue panel", func() bool { return len(ph.h.queue.items) == 2 })
	for i, it := range ph.h.queue.items {
		title := jobTitle(it.PackID, it.InputImage, it.PromptIndex, it.VariantIndex, it.VariantTotal, it.BatchIndex, it.BatchTotal, it.Seed, it.Model)
		if want := []string{"from a.png", "from b.png"}[i]; !strings.Contains(title, want) || it.Width != 0 {
			t.Errorf("queue row %d: %q (width %d): want %q and no size", i, title, it.Width, want)
		}
	}
	ph.waitFor("the draft back on the packs", func() bool {
		p := ph.h.preview
		return mw.State.Reprocess() == nil && !p.building && p.result != nil && !p.result.reprocess
	})
	if ph.h.preview.reprocessBar.Visible() {
		t.Error("the reprocess bar must hide once the draft was queued")
	}
	if got := ph.h.preview.jobs(); len(got) == 0 || got[0].PackID != "gui_test" {
		t.Errorf("the preview must plan the selected pack again")
	}
}

// Back to packs and Clear Draft end a reprocess draft without queueing;
// Edit… reopens the dialog with the draft's choices.
func TestReprocessDraftEnds(t *testing.T) {
	ph := newPanelHarness(t, harnessOptions{})
	mw := ph.mw
	ph.selectPack()
	dir := writeReprocessInputs(t)
	src := &controller.ReprocessSource{Inputs: []string{dir}, Stages: []pipeline.StageType{pipeline.StageImg2Img, pipeline.StageUpscale},
		UseImagePrompt: true}
	mw.State.SetReprocess(src)
	if res := ph.waitPreview(); !res.reprocess {
		t.Fatal("setting the draft must replan")
	}
	ph.tapButton("Edit…")
	d := mw.reprocess
	if d == nil || !d.img2img.Checked || d.adetailer.Checked || !d.upscale.Checked || !slices.Equal(d.inputs, src.Inputs) {
		t.Fatalf("Edit… must reopen the dialog with the draft: %+v", d)
	}
	ph.waitFor("the dialog's plan", func() bool { return d.plan != nil })
	d.d.Hide()

	ph.tapButton("Back to packs")
	if res := ph.waitPreview(); res.reprocess || mw.State.Reprocess() != nil {
		t.Fatal("Back to packs must end the draft")
	}
	mw.State.SetReprocess(src)
	ph.waitPreview()
	ph.tapButton("Clear Draft")
	if res := ph.waitPreview(); res.reprocess || len(res.plan.Jobs) == 0 {
		t.Fatal("Clear Draft on a reprocess draft must end it and keep the packs")
	}
	if len(ph.queued()) != 0 {
		t.Fatal("nothing may be queued")
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

// A reprocess image without a prompt in its metadata runs with the Prompts
// card's prompt, and the preview says so.
func TestReprocessPreviewSaysWhichImagesTakeTheCardPrompt(t *testing.T) {
	ph := newPanelHarness(t, harnessOptions{})
	mw := ph.mw
	ph.selectPack()
	dir := t.TempDir()
	img, err := webuitest.RenderPNG(64, 64, color.NRGBA{R: 20, G: 80, B: 140, A: 255}, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "bare.png"), img, 0o644); err != nil {
		t.Fatal(err)
	}
	mw.State.UpdateConfig(func(c *pipeline.PipelineConfig) { c.Prompt.Positive = "a lighthouse" })
	mw.State.SetReprocess(&controller.ReprocessSource{Inputs: []string{dir}, Stages: []pipeline.StageType{pipeline.StageImg2Img},
		UseImagePrompt: true})
	res := ph.waitPreview()
	if res.err != nil || len(res.plan.Jobs) != 1 || res.plan.Jobs[0].Config.Prompt.Positive != "a lighthouse" {
		t.Fatalf("plan: %v", res.err)
	}
	if n := ph.h.preview.notes.Text; !strings.Contains(n, "bare.png has no prompt in its metadata") || !strings.Contains(n, "a lighthouse") {
		t.Errorf("preview notes %q", n)
	}
}
