package gui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

func TestLogPanelFiltersAndCollapses(t *testing.T) {
	ph := newPanelHarness(t, harnessOptions{})
	p := ph.h.logs
	if p.open || p.body.Visible() || p.toggle.Text != "Details ▲" {
		t.Fatalf("the log panel is not collapsed at start")
	}
	ph.mw.Log.Info("hello from the test")
	ph.mw.Log.Warn("a warning")
	ph.mw.Log.Error("an error")
	ph.tapButton("Details ▲")
	if !p.open || !p.body.Visible() || p.toggle.Text != "Details ▼" || !ph.mw.State.View().LogOpen {
		t.Fatal("the log panel did not open")
	}
	has := func(text string) bool {
		for _, e := range p.lines {
			if strings.Contains(e.Message, text) {
				return true
			}
		}
		return false
	}
	ph.waitFor("the lines", func() bool { return has("hello from the test") && has("an error") })

	p.level.SetSelected("WARN+")
	if has("hello from the test") || !has("a warning") || !has("an error") {
		t.Errorf("WARN+ shows %d lines", len(p.lines))
	}
	p.level.SetSelected("ERROR")
	if has("a warning") || !has("an error") {
		t.Errorf("ERROR shows %d lines", len(p.lines))
	}

	// Nothing is redrawn while the log is unchanged.
	seq := p.seq
	p.refresh()
	if p.seq != seq {
		t.Error("an unchanged log was redrawn")
	}
	// New lines arrive, coalesced, and the list follows them.
	for i := 0; i < 50; i++ {
		ph.mw.Log.Error("burst", "i", i)
	}
	ph.waitFor("the burst", func() bool { return has("burst") && p.seq == ph.mw.Logs.Seq() })
	if last := p.lines[len(p.lines)-1]; !strings.Contains(last.Line(), "i=49") {
		t.Errorf("last line = %q", last.Line())
	}

	ph.tapButton("Details ▼")
	if p.open || p.body.Visible() {
		t.Error("the log panel did not collapse")
	}
	ph.mw.Log.Error("while collapsed")
	ph.waitFor("nothing", func() bool { return !p.scheduled.Load() })
	if has("while collapsed") {
		t.Error("a collapsed panel was redrawn")
	}
}

// TestDetailsLogKeepsTheHeightDraggedTo: the expanded Details log sits
// below a divider under the tabs, its header on top, at its default
// height; it keeps its height when the window grows or shrinks, the user
// can drag it down to a few lines, and the next window opens with the
// height it was left at. Collapsed, the toggle sits above the status bar
// and the tabs take the whole height.
func TestDetailsLogKeepsTheHeightDraggedTo(t *testing.T) {
	mw := newTestWindow(t)
	p := hubOf(mw).logs
	tabs := mw.logSplit.Leading
	if p.pane.Visible() || !p.bar.Visible() || len(p.bar.Objects) != 1 || !onScreen(mw, p.toggle) {
		t.Fatal("collapsed: the toggle is not in the bar above the status bar")
	}
	full := tabs.Size().Height

	test.Tap(p.toggle)
	settle(t, mw)
	if !p.pane.Visible() || p.bar.Visible() || len(p.top.Objects) != 1 || !onScreen(mw, p.toggle) || !onScreen(mw, p.list) {
		t.Fatal("expanded: the log and its header are not below the tabs")
	}
	if got := p.pane.Size().Height; got < defaultLogHeight-1 || got > defaultLogHeight+1 {
		t.Errorf("the log is %v tall, want the default %v", got, defaultLogHeight)
	}
	if got := tabs.Size().Height; got > full-defaultLogHeight {
		t.Errorf("the tabs are %v tall with the log open, %v without", got, full)
	}
	for _, size := range []fyne.Size{fyne.NewSize(1600, 1000), minWindowSize} {
		mw.Window.Resize(size)
		settle(t, mw)
		if got := p.pane.Size().Height; got < defaultLogHeight-4 || got > defaultLogHeight+1 {
			t.Errorf("at %v the log is %v tall, want it kept at %v", size, got, defaultLogHeight)
		}
	}

	// Dragged down to its smallest: a few lines still show.
	mw.logSplit.SetOffset(1)
	settle(t, mw)
	small := p.pane.Size().Height
	if lines := p.list.Size().Height / p.createRow().MinSize().Height; small >= defaultLogHeight || lines < logMinLines-0.5 {
		t.Errorf("dragged down, the log is %v tall with room for %.1f lines", small, lines)
	}
	mw.Window.Resize(fyne.NewSize(1400, 900))
	settle(t, mw)
	if got := p.pane.Size().Height; got < small-1 || got > small+1 {
		t.Errorf("after a resize the dragged log is %v tall, was %v", got, small)
	}

	st := mw.State
	mw.onClose()
	settle(t, mw)
	if got := st.View().LogHeight; got < small-1 || got > small+1 {
		t.Errorf("saved log height %v, want %v", got, small)
	}
	mw2 := newMainWindow(mw.Services, st, mw.App, NewQueuedBridge(mw.Log))
	t.Cleanup(func() { mw2.close() })
	mw2.Window.Resize(fyne.NewSize(1400, 900))
	settle(t, mw2)
	if got := hubOf(mw2).logs.pane.Size().Height; !hubOf(mw2).logs.pane.Visible() || got < small-1 || got > small+1 {
		t.Errorf("restored log %v tall (shown %v), was %v", got, hubOf(mw2).logs.pane.Visible(), small)
	}
}
