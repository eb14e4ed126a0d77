package gui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
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
	waitFor(t, mw, "the queued jobs", func() bool { return h.snap != nil && len(h.snap.Queued) == n })
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
