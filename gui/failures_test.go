package gui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"stablenew/pipeline/webui/webuitest"
)

// Failures stay visible: jobs that fail at once (their model is on no
// WebUI) leave a count on the Queue and History tabs and in the status bar
// until History is looked at; the queue running empty with failures says so
// in the status bar and on the desktop.
func TestFailuresStayVisibleUntilSeen(t *testing.T) {
	srv := webuitest.New(webuitest.Options{Seed: 6, Checkpoints: []string{"other_model.safetensors [1234567890]"}})
	t.Cleanup(srv.Close)
	ph := newPanelHarness(t, harnessOptions{urls: []string{srv.URL()}, start: true})
	ph.waitFor("the WebUI's lists", func() bool { return ph.svc.Backends[0].Lists() != nil })
	ph.selectPack()
	f := ph.h.failures
	var sent []*fyne.Notification
	f.notify = func(n *fyne.Notification) { sent = append(sent, n) } // UI goroutine only
	ph.h.controls.onAdd()
	ph.waitFor("the question", func() bool { return ph.findButton("Queue anyway") != nil })
	ph.tapButton("Queue anyway")
	ph.waitFor("three failures", func() bool { return f.unseen == 3 })
	ph.waitFor("the desktop notification", func() bool { return len(sent) > 0 })
	if n := sent[len(sent)-1]; n.Title != "StableNew" || !strings.HasPrefix(n.Content, "Queue finished: ") ||
		!strings.Contains(n.Content, "jobs failed; History lists why") {
		t.Errorf("notification %q: %q", n.Title, n.Content)
	}
	if !strings.Contains(ph.h.status.lastErr, "Queue finished") {
		t.Errorf("status bar %q", ph.h.status.lastErr)
	}
	if ph.h.queue.tab.Text != "Queue (3 failed)" || ph.h.history.tab.Text != "History (3 failed)" {
		t.Errorf("tabs %q, %q", ph.h.queue.tab.Text, ph.h.history.tab.Text)
	}
	if !f.button.Visible() || f.button.Text != "3 failed" {
		t.Errorf("status bar count %v %q", f.button.Visible(), f.button.Text)
	}
	// Another job starting does not hide them.
	ph.h.status.apply(&uiBatch{})
	if !f.button.Visible() {
		t.Error("the count went away by itself")
	}
	// One click shows the failed jobs with their reasons, and marks them seen.
	test.Tap(f.button)
	ph.waitFor("the failed jobs in History", func() bool {
		return len(ph.h.history.rows) == 3 && ph.h.history.selectedRow() != nil
	})
	for _, r := range ph.h.history.rows {
		if !r.failed || !strings.Contains(r.third, "has no checkpoint") {
			t.Errorf("history row %q: want the reason", r.third)
		}
	}
	if reason := ph.h.history.reason.Text; !strings.Contains(reason, `has no checkpoint "v1-5-pruned-emaonly.safetensors [6ce0161689]"`) {
		t.Errorf("the selected failure's reason: %q", reason)
	}
	if f.button.Visible() || ph.h.history.tab.Text != "History" || ph.h.queue.tab.Text != "Queue" {
		t.Errorf("after looking: count shown %v, tabs %q %q", f.button.Visible(), ph.h.queue.tab.Text, ph.h.history.tab.Text)
	}
}
