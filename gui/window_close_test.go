package gui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"stablenew/app"
	"stablenew/controller"
	"stablenew/pipeline"
)

// queueInWindow selects a pack in the full window, queues its jobs (the
// services are not started, so they stay pending) and waits for the
// window's view of the queue.
func queueInWindow(t *testing.T, mw *MainWindow, pack string) int {
	t.Helper()
	h := hubOf(mw)
	mw.State.SetPacks([]string{pack})
	waitFor(t, mw, "the preview", func() bool {
		p := h.preview
		return !p.building && p.result != nil && p.result.gen == p.gen && p.result.err == nil
	})
	n := len(h.preview.result.plan.Jobs)
	mw.AddToQueue()
	waitFor(t, mw, "the queued jobs", func() bool { return h.snap != nil && h.snap.QueuedCount == n })
	return n
}

func TestCloseWithPendingJobsAsksAndKeepRunningKeepsTheWindow(t *testing.T) {
	mw := newTestWindow(t)
	n := queueInWindow(t, mw, "landscapes_matrix")
	mw.Window.Resize(fyne.NewSize(1111, 777))

	mw.onClose()
	text := dialogText(t, mw)
	if !strings.Contains(text, "0 jobs running and "+plural(n, "job", "jobs")+" pending") ||
		!strings.Contains(text, "stay queued") {
		t.Fatalf("close dialog says %q", text)
	}
	test.Tap(findButton(t, topDialog(t, mw), "Keep running"))
	settle(t, mw)
	if mw.closed || mw.Window.Canvas().Overlays().Top() != nil {
		t.Fatalf("Keep running closed the window (closed %v) or left the dialog", mw.closed)
	}

	mw.onClose()
	test.Tap(findButton(t, topDialog(t, mw), "Quit"))
	if !mw.closed {
		t.Fatal("Quit did not close the window")
	}
	if v := mw.State.View(); v.WindowWidth != 1111 || v.WindowHeight != 777 {
		t.Errorf("saved size %v×%v", v.WindowWidth, v.WindowHeight)
	}
	// The jobs are still in the queue for the next start.
	items, err := mw.Services.Queue.List()
	if err != nil || len(items) != n {
		t.Errorf("after quitting the queue holds %d jobs (%v), want %d", len(items), err, n)
	}
}

func TestCloseStakesTextNamesTheRunningJobAndTheEdits(t *testing.T) {
	s := closeStakes{running: 1, pending: 54, unsaved: "my_pack"}
	text := s.text()
	for _, want := range []string{"1 job running and 54 jobs pending", "goes back to the front of the queue",
		"unsaved changes to my_pack"} {
		if !strings.Contains(text, want) {
			t.Errorf("%q lacks %q", text, want)
		}
	}
	if !(closeStakes{}).none() || s.none() {
		t.Error("none() is wrong")
	}
}

func TestCloseWithUnsavedPromptEditsSavesAndQuits(t *testing.T) {
	mw := newTestWindow(t)
	pt := mw.promptTab
	pt.packs.SetSelected("landscapes_matrix")
	settle(t, mw)
	// Save a copy first so that the edit goes to a user file.
	pt.saveAs("mine")
	settle(t, mw)
	pt.rows[0].positive.SetText("a lighthouse, kept on close")
	if !pt.dirty {
		t.Fatal("not dirty after an edit")
	}

	mw.onClose()
	if text := dialogText(t, mw); !strings.Contains(text, "unsaved changes to mine") {
		t.Fatalf("close dialog says %q", text)
	}
	findButton(t, topDialog(t, mw), "Quit without saving") // offered too
	test.Tap(findButton(t, topDialog(t, mw), "Save and quit"))
	settle(t, mw)
	if !mw.closed {
		t.Fatal("Save and quit did not close the window")
	}
	data, err := os.ReadFile(filepath.Join(mw.Services.Library.PacksDir(), "mine.txt"))
	if err != nil || !strings.Contains(string(data), "a lighthouse, kept on close") {
		t.Errorf("saved pack %q, %v", data, err)
	}
}

func TestCloseWithNothingAtStakeQuitsAtOnce(t *testing.T) {
	mw := newTestWindow(t)
	mw.rightSplit.SetOffset(0.5)
	mw.onClose()
	if !mw.closed {
		t.Fatal("the window did not close")
	}
	if v := mw.State.View(); v.RightDivider != 0.5 {
		t.Errorf("right divider saved as %v", v.RightDivider)
	}
}

// TestCloseWithSettingsOpenNamesTheirChanges: with the Settings dialog
// open and changed, the close dialog names the changed settings; Keep
// running keeps them in the dialog, an invalid field stops Save and quit
// with its reason, and Save and quit saves them, then quits.
func TestCloseWithSettingsOpenNamesTheirChanges(t *testing.T) {
	mw := newTestWindow(t)
	mw.onSettings()
	settle(t, mw)
	dlg := topDialog(t, mw)
	// Unchanged, the open dialog is nothing at stake.
	if s := mw.stakes(); !s.none() {
		t.Fatalf("an unchanged Settings dialog is at stake: %+v", s)
	}
	urls := find(t, dlg, "URL entry", func(e *appEntry) bool { return e.MultiLine })
	urls.SetText("http://127.0.0.1:7860\nhttp://gpu2:7861")
	watchdog := find(t, dlg, "watchdog entry", func(e *appEntry) bool { return e.Text == "0" || e.Text == "90" || e.Text == "120" })
	watchdog.SetText("abc")

	mw.onClose()
	text := dialogText(t, mw)
	if !strings.Contains(text, "The Settings dialog has unsaved changes (WebUI URLs, Watchdog)") {
		t.Fatalf("close dialog says %q", text)
	}
	findButton(t, topDialog(t, mw), "Quit without saving")
	test.Tap(findButton(t, topDialog(t, mw), "Keep running"))
	settle(t, mw)
	if mw.closed || mw.Window.Canvas().Overlays().Top() != dlg || urls.Text != "http://127.0.0.1:7860\nhttp://gpu2:7861" {
		t.Fatal("Keep running did not go back to the Settings dialog with its edits")
	}

	// An invalid field: Save and quit says why in the Settings dialog and
	// does not quit.
	mw.onClose()
	test.Tap(findButton(t, topDialog(t, mw), "Save and quit"))
	settle(t, mw)
	if mw.closed || mw.Window.Canvas().Overlays().Top() != dlg || !strings.Contains(dialogText(t, mw), "watchdog: enter whole seconds") {
		t.Fatalf("Save and quit with an invalid field: closed %v, dialog says %q", mw.closed, dialogText(t, mw))
	}

	watchdog.SetText("75")
	mw.onClose()
	test.Tap(findButton(t, topDialog(t, mw), "Save and quit"))
	settle(t, mw)
	if !mw.closed {
		t.Fatal("Save and quit did not quit")
	}
	s, err := app.LoadSettings(mw.Services.DataDir)
	if err != nil || len(s.WebUIURLs) != 2 || s.WatchdogSeconds != 75 {
		t.Errorf("saved %+v, %v", s, err)
	}
}

// TestClosedSettingsDialogIsNotAtStake: Cancel forgets its edits, so
// closing the window afterwards asks nothing.
func TestClosedSettingsDialogIsNotAtStake(t *testing.T) {
	mw := newTestWindow(t)
	mw.onSettings()
	settle(t, mw)
	dlg := topDialog(t, mw)
	find(t, dlg, "URL entry", func(e *appEntry) bool { return e.MultiLine }).SetText("http://gpu3:7860")
	test.Tap(findButton(t, dlg, "Cancel"))
	settle(t, mw)
	if s := mw.stakes(); !s.none() {
		t.Errorf("after Cancel: %+v", s)
	}
}

// TestDividersComeBackInTheNextWindow: the Prompt tab's divider and the
// right column's are where they were left when the next window opens.
func TestDividersComeBackInTheNextWindow(t *testing.T) {
	mw := newTestWindow(t)
	mw.tabs.SelectIndex(1) // the Prompt tab
	settle(t, mw)
	mw.promptTab.split.SetOffset(0.62)
	mw.tabs.SelectIndex(0)
	mw.rightSplit.SetOffset(0.3)
	settle(t, mw)
	runHeight := mw.rightSplit.Leading.Size().Height
	mw.onClose()
	settle(t, mw)

	again := newMainWindow(mw.Services, mw.State, mw.App, NewQueuedBridge(mw.Log))
	t.Cleanup(func() { again.close() })
	again.Window.Resize(defaultWindowSize)
	settle(t, again)
	if got := again.rightSplit.Leading.Size().Height; got < runHeight-1 || got > runHeight+1 {
		t.Errorf("run panels %v tall in the next window, were %v", got, runHeight)
	}
	again.tabs.SelectIndex(1)
	settle(t, again)
	if got := again.promptTab.split.Offset; got != 0.62 {
		t.Errorf("Prompt tab divider %v in the next window, want 0.62", got)
	}
}

// TestCloseWithAReprocessDraftSaysItIsDropped: a reprocess draft is not
// kept across a restart, so closing asks first and names it.
func TestCloseWithAReprocessDraftSaysItIsDropped(t *testing.T) {
	mw := newTestWindow(t)
	mw.State.SetReprocess(&controller.ReprocessSource{Inputs: []string{"/photos/cat.png", "/photos/dog.png"},
		Stages: []pipeline.StageType{pipeline.StageUpscale}})
	mw.onClose()
	if text := dialogText(t, mw); !strings.Contains(text, "reprocess draft (from cat.png and 1 more) that is not queued") {
		t.Fatalf("close dialog says %q", text)
	}
	test.Tap(findButton(t, topDialog(t, mw), "Keep running"))
	settle(t, mw)
	if mw.closed {
		t.Fatal("Keep running closed the window")
	}
	mw.State.SetReprocess(nil)
	mw.onClose()
	if !mw.closed {
		t.Fatal("with the draft ended, closing must not ask")
	}
}

// TestCloseWithAnUnqueuedExperimentSaysItIsDropped: what the user typed
// into the Learning tab's form is not kept, so closing asks first.
func TestCloseWithAnUnqueuedExperimentSaysItIsDropped(t *testing.T) {
	mw := newTestWindow(t)
	if s := mw.stakes(); !s.none() {
		t.Fatalf("the untouched Learning form is at stake: %+v", s)
	}
	b := mw.learning.builder
	b.y.field.SetText("txt2img.steps")
	b.y.values.SetText("20,30")
	mw.onClose()
	if text := dialogText(t, mw); !strings.Contains(text, "The Learning tab's new experiment is not queued") {
		t.Fatalf("close dialog says %q", text)
	}
	test.Tap(findButton(t, topDialog(t, mw), "Keep running"))
	settle(t, mw)
	b.y.field.SetText(noSweep)
	b.y.values.SetText("")
	if s := mw.stakes(); !s.none() {
		t.Errorf("with the form as it was: %+v", s)
	}
}
