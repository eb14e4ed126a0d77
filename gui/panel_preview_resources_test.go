package gui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"stablenew/app"
	"stablenew/pipeline/webui/webuitest"
)

// writeNeedsPack writes a pack whose jobs name a checkpoint the WebUI keeps
// in a subfolder, a hires upscaler it lacks and a LoRA it lacks.
func writeNeedsPack(t *testing.T, dir string) {
	t.Helper()
	packs := filepath.Join(dir, "packs")
	if err := os.MkdirAll(packs, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(packs, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("needs.txt", "a castle on a hill <lora:ghost_lora:0.5>\n\na harbor at dawn <lora:ghost_lora:0.5>\n")
	write("needs.yaml", `txt2img: {model: "v1-5-pruned-emaonly.safetensors [6ce0161689]", width: 64, height: 64, steps: 2}
hires: {enabled: true, upscaler: "4x_NMKD-Siax_200k", scale: 1.5, denoise: 0.3}
adetailer: {enabled: false}
`)
}

// The preview checks the draft against the WebUI before any GPU time: the
// missing upscaler is an error with "Use…", the missing LoRA a warning
// with "Remove from jobs", the subfolder model a mapping; Add to Queue asks
// before queueing jobs that can run nowhere; each remedy clears its line.
func TestPreviewShowsResourceProblemsWithRemedies(t *testing.T) {
	srv := webuitest.New(webuitest.Options{Seed: 5, Checkpoints: webuitest.SubfolderCheckpoints})
	t.Cleanup(srv.Close)
	ph := newPanelHarness(t, harnessOptions{urls: []string{srv.URL()}, start: true})
	writeNeedsPack(t, ph.dir)
	ph.waitFor("the WebUI's lists", func() bool { return ph.svc.Backends[0].Lists() != nil })
	res := ph.selectPack("needs")
	rp := ph.h.preview.resources
	rep := res.report
	if rep == nil || rep.Errors() != 1 || rep.Warnings() != 1 || len(rep.Mappings) != 1 || rep.Nowhere != 2 {
		t.Fatalf("report %+v", rep)
	}
	if !rp.root.Visible() || !strings.Contains(rp.summary.Text, "1 error, 1 warning") ||
		!strings.Contains(rp.summary.Text, "1 name mapped") {
		t.Errorf("summary %q", rp.summary.Text)
	}

	// Add to Queue asks first; Cancel queues nothing.
	ph.h.controls.onAdd()
	ph.waitFor("the question", func() bool {
		return ph.findButton("Queue anyway") != nil && ph.mw.Window.Canvas().Overlays().Top() != nil
	})
	test.Tap(findButton(t, ph.mw.Window.Canvas().Overlays().Top(), "Cancel"))
	ph.waitFor("the answer", func() bool { return !ph.h.controls.submitting })
	if q := ph.queued(); len(q) != 0 {
		t.Fatalf("queued %v after Cancel", q)
	}

	// Remove the LoRA: the draft's prompts lose its tag; it can be given back.
	ph.tapButton("Remove from jobs")
	res = ph.waitPreview()
	for _, j := range res.plan.Jobs {
		if strings.Contains(j.Config.Prompt.Positive, "ghost_lora") {
			t.Fatalf("prompt %q still names the removed LoRA", j.Config.Prompt.Positive)
		}
	}
	if res.report.Warnings() != 0 || ph.findButton("Give back") == nil {
		t.Errorf("after removing the LoRA: %d warnings, Give back shown: %v", res.report.Warnings(), ph.findButton("Give back") != nil)
	}

	// Use… another upscaler: the mapping is saved for this WebUI and the
	// error goes.
	ph.tapButton("Use…")
	dlg := ph.mw.Window.Canvas().Overlays().Top()
	pick := find(t, dlg, "the choice", func(s *widget.Select) bool { return len(s.Options) > 3 })
	pick.SetSelected("4x-UltraSharp")
	test.Tap(findButton(t, dlg, "Use for these 2 jobs"))
	ph.waitFor("the error to go", func() bool {
		r := ph.h.preview.result.report
		return r != nil && r.Errors() == 0 && r.Nowhere == 0
	})
	set, err := app.LoadSettings(ph.dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(set.ResourceMappings) != 1 || set.ResourceMappings[0].Use != "4x-UltraSharp" || set.ResourceMappings[0].WebUI != srv.URL() {
		t.Errorf("saved mappings %+v", set.ResourceMappings)
	}
	// Now it queues without asking (the jobs may start running at once).
	ph.h.controls.onAdd()
	ph.waitFor("the jobs in the queue", func() bool { return strings.HasPrefix(ph.h.controls.message.Text, "Queued 2 jobs") })
}
