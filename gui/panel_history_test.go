package gui

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"stablenew/pipeline"
	"stablenew/pipeline/queue"
	"stablenew/pipeline/webui/webuitest"
)

// historyOf runs the test pack to completion and shows the History tab.
func historyOf(t *testing.T, rows int) *panelHarness {
	t.Helper()
	ph := runOne(t, rows, 4)
	h := ph.h.history
	ph.h.showPanel(h.tab)
	ph.waitFor("the jobs in history", func() bool { return len(h.rows) == rows })
	return ph
}

func TestHistoryActions(t *testing.T) {
	ph := historyOf(t, 2)
	h := ph.h.history
	if !ph.findButton("Open folder").Disabled() {
		t.Error("actions enabled without a selection")
	}
	h.list.Select(0)
	rec := h.rows[0].rec
	if !ph.findButton("Retry").Disabled() {
		t.Error("Retry enabled for a completed job")
	}

	// Open folder: through the opener, off the UI goroutine.
	folders := make(chan string, 1)
	h.openFolder = func(dir string) error { folders <- dir; return nil }
	ph.tapButton("Open folder")
	ph.waitFor("the folder", func() bool { return len(folders) == 1 })
	if opened := <-folders; opened != rec.OutputDir {
		t.Errorf("opened %q, want %q", opened, rec.OutputDir)
	}
	h.openFolder = func(string) error { return errors.New("xdg-open: not found") }
	ph.tapButton("Open folder")
	ph.waitFor("the failure message", func() bool { return strings.Contains(h.message.Text, "Could not open") })
	if !strings.Contains(h.message.Text, rec.OutputDir) {
		t.Errorf("message does not name the folder: %q", h.message.Text)
	}

	// Load settings: only the stage sections.
	ph.mw.State.UpdateConfig(func(c *pipeline.PipelineConfig) {
		c.Txt2Img.Steps, c.Txt2Img.Width, c.Batch.BatchRuns = 33, 768, 5
	})
	before := ph.mw.State.Config()
	ph.tapButton("Load settings")
	cfg := ph.mw.State.Config()
	if cfg.Txt2Img.Steps != 4 || cfg.Txt2Img.Width != 512 || cfg.Txt2Img.Model != rec.Config.Txt2Img.Model {
		t.Errorf("stage settings not loaded: %+v", cfg.Txt2Img)
	}
	if cfg.Batch.BatchRuns != 5 {
		t.Errorf("batch runs changed to %d: only the stages may load", cfg.Batch.BatchRuns)
	}
	// The dialog lists the changes; Undo restores the configuration.
	text := dialogText(t, ph.mw)
	for _, want := range []string{"Settings of " + rec.PackID, "Txt2img steps: 33 → 4", "Txt2img width: 768 → 512", "only the stage settings load"} {
		if !strings.Contains(text, want) {
			t.Errorf("the Load settings dialog lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "Batch") {
		t.Errorf("the dialog lists a batch change:\n%s", text)
	}
	ph.tapButton("Undo")
	if got := ph.mw.State.Config(); !reflect.DeepEqual(got, before) {
		t.Errorf("Undo did not restore the configuration: %v", pipeline.DiffConfigs(before, got))
	}
	if !strings.Contains(h.message.Text, "Undid") {
		t.Errorf("message after Undo = %q", h.message.Text)
	}
	// Loaded twice, the second load changes nothing and says so.
	ph.tapButton("Load settings")
	ph.tapButton("Close")
	ph.tapButton("Load settings")
	if text := dialogText(t, ph.mw); !strings.Contains(text, "Nothing changed") || !ph.findButton("Undo").Disabled() {
		t.Errorf("a load without changes: Undo on %v, dialog:\n%s", !ph.findButton("Undo").Disabled(), text)
	}
	ph.tapButton("Close")

	// Inspect: the image with its parsed parameters.
	ph.tapButton("Inspect image")
	in := h.inspectr
	ph.waitFor("the parameters", func() bool { return strings.HasPrefix(in.status.Text, "Parameters from") })
	if in.image.Image == nil || in.prompt.Text != rec.Config.Prompt.Positive {
		t.Errorf("inspector: image %v, prompt %q", in.image.Image != nil, in.prompt.Text)
	}
	in.dlg.Hide()

	// Re-queue: a new job with the same spec, back in history when done.
	ph.tapButton("Re-queue")
	ph.waitFor("the requeued job in history", func() bool { return len(h.rows) == 3 })
	if !strings.Contains(h.message.Text, "Queued again") {
		t.Errorf("message = %q", h.message.Text)
	}
}

func TestHistoryFilterAndSearch(t *testing.T) {
	ph := historyOf(t, 3)
	h := ph.h.history
	h.filter.SetSelected("Failed")
	ph.waitFor("no failed jobs", func() bool { return len(h.rows) == 0 })
	h.filter.SetSelected("Completed")
	ph.waitFor("the completed jobs", func() bool { return len(h.rows) == 3 })
	test.Type(h.search, "number 2 ")
	ph.waitFor("the search", func() bool { return len(h.rows) == 1 })
	if !strings.Contains(h.rows[0].rec.Config.Prompt.Positive, "number 2 ") {
		t.Errorf("found %q", h.rows[0].rec.Config.Prompt.Positive)
	}
}

func TestHistoryRetryFailed(t *testing.T) {
	ph := newPanelHarness(t, harnessOptions{rows: 2, steps: 4, start: true})
	ph.svc.Demo.InjectFault("txt2img", webuitest.Fault{Kind: webuitest.FaultOutOfMemory, Count: 2})
	ph.selectPack()
	ph.mw.RunNow()
	h := ph.h.history
	ph.h.showPanel(h.tab)
	ph.waitFor("two failed jobs", func() bool {
		return len(h.rows) == 2 && h.rows[0].rec.Status == queue.StatusFailed && h.rows[1].rec.Status == queue.StatusFailed
	})
	h.list.Select(0)
	ph.tapButton("Retry")
	ph.waitFor("the retried job completed", func() bool {
		n := 0
		for _, r := range h.rows {
			if r.rec.Status == queue.StatusCompleted {
				n++
			}
		}
		return n == 1
	})
	ph.tapButton("Retry all failed")
	ph.waitFor("every job completed", func() bool {
		return len(h.rows) == 2 && h.rows[0].rec.Status == queue.StatusCompleted && h.rows[1].rec.Status == queue.StatusCompleted
	})
}

// TestWindowReadsNoHistoryUntilHistoryShows: finished jobs stay in the
// database while the History panel has not shown (the Preview is the
// first tab); showing it (its own tab, or the stacked Queue & History
// tab) reads them, and later changes are read at once.
func TestWindowReadsNoHistoryUntilHistoryShows(t *testing.T) {
	for _, stacked := range []bool{false, true} {
		t.Run(map[bool]string{false: "tabs", true: "stacked"}[stacked], func(t *testing.T) {
			ph := runOne(t, 2, 4)
			ph.h.panels.setStacked(stacked)
			ph.waitFor("both jobs finished", func() bool {
				items, err := ph.svc.Queue.History(queue.HistoryFilter{Limit: 10})
				return err == nil && len(items) == 2
			})
			ph.mw.Bridge.Drain()
			h := ph.h.history
			if h.listed || len(h.rows) != 0 {
				t.Fatalf("the hidden History panel read %d jobs (listed %v)", len(h.rows), h.listed)
			}
			tab := ph.h.panels.history
			if stacked {
				tab = ph.h.panels.both
			}
			ph.h.panels.tabs.Select(tab) // as a click on the tab
			ph.waitFor("the history panel", func() bool { return len(h.rows) == 2 })
			if h.count.Text != "2 jobs shown" {
				t.Errorf("count = %q", h.count.Text)
			}
			// Once shown, a finished job is listed without another click.
			ph.mw.RunNow()
			ph.waitFor("4 jobs listed", func() bool { return len(h.rows) == 4 })
		})
	}
}
