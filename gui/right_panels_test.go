package gui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// TestTallWindowStacksQueueAndHistory: at 1920×1080 Queue and History are
// stacked in one tab, both lists and every button on screen at once; at
// 1024×700 they are tabs again with nothing cut off; the run panels keep
// their height across the resize, and both dividers are restored.
func TestTallWindowStacksQueueAndHistory(t *testing.T) {
	mw := newTestWindow(t)
	h := hubOf(mw)
	p := h.panels
	buttons := func() []*widget.Button {
		return []*widget.Button{h.queue.up, h.queue.remove, h.queue.clear, h.history.open, h.history.retryAll, h.history.prune}
	}

	mw.Window.Resize(fyne.NewSize(1920, 1080))
	settle(t, mw)
	if !p.stacked || len(p.tabs.Items) != 2 || p.tabs.Items[1].Text != "Queue & History" {
		t.Fatalf("at 1920×1080: stacked %v, tabs %d", p.stacked, len(p.tabs.Items))
	}
	runHeight := mw.rightSplit.Leading.Size().Height
	if runHeight < defaultRunPanelsHeight-1 || runHeight > defaultRunPanelsHeight+1 {
		t.Errorf("run panels %v tall, want the default %v", runHeight, defaultRunPanelsHeight)
	}
	h.showPanel(h.history.tab)
	settle(t, mw)
	if p.tabs.Selected() != p.both {
		t.Fatalf("showing History selected %q", p.tabs.Selected().Text)
	}
	for _, b := range buttons() {
		if !onScreen(mw, b) {
			t.Errorf("at 1920×1080 %q is not on screen with the two stacked", b.Text)
		}
	}
	for _, l := range []fyne.CanvasObject{h.queue.list, h.history.list} {
		if l.Size().Height < 90 || !onScreen(mw, l) {
			t.Errorf("a stacked list is %v at %v", l.Size(), l.Position())
		}
	}

	// Shorter: tabs again, History still the one shown, nothing cut off.
	mw.Window.Resize(minWindowSize)
	settle(t, mw)
	if p.stacked || len(p.tabs.Items) != 3 || p.tabs.Selected() != p.history {
		t.Fatalf("at 1024×700: stacked %v, %d tabs, %q selected", p.stacked, len(p.tabs.Items), p.tabs.Selected().Text)
	}
	for _, b := range buttons()[3:] {
		if !onScreen(mw, b) {
			t.Errorf("at 1024×700 History's %q is cut off", b.Text)
		}
	}
	h.showPanel(h.queue.tab)
	settle(t, mw)
	if p.tabs.Selected() != p.queue {
		t.Fatalf("at 1024×700: stacked %v, %d tabs, %q selected", p.stacked, len(p.tabs.Items), p.tabs.Selected().Text)
	}
	for _, b := range buttons()[:3] {
		if !onScreen(mw, b) {
			t.Errorf("at 1024×700 the Queue's %q is cut off", b.Text)
		}
	}
	if got := mw.rightSplit.Leading.Size().Height; got < runHeight-4 || got > runHeight+1 {
		t.Errorf("the run panels are %v tall at 1024×700, were %v", got, runHeight)
	}

	// Taller again, the dividers moved, then closed: the next window
	// opens with the same dividers.
	mw.Window.Resize(fyne.NewSize(1600, 1000))
	settle(t, mw)
	if !p.stacked {
		t.Fatal("not stacked again at 1600×1000")
	}
	p.split.SetOffset(0.3)
	mw.rightSplit.SetOffset(0.25)
	settle(t, mw)
	moved := mw.rightSplit.Leading.Size().Height
	st := mw.State
	mw.onClose()
	settle(t, mw)

	// A new window over the same state.
	mw2 := newMainWindow(mw.Services, st, mw.App, NewQueuedBridge(mw.Log))
	t.Cleanup(func() { mw2.close() })
	mw2.Window.Resize(fyne.NewSize(1600, 1000))
	settle(t, mw2)
	p2 := hubOf(mw2).panels
	if !p2.stacked || p2.split.Offset != 0.3 {
		t.Errorf("restored: stacked %v, Queue/History divider %v", p2.stacked, p2.split.Offset)
	}
	if got := mw2.rightSplit.Leading.Size().Height; got < moved-1 || got > moved+1 {
		t.Errorf("restored run panels %v tall, were %v", got, moved)
	}
}

// TestStackedHistoryCountsFailuresOnItsTab: the unseen failures show on
// the stacked tab's title, and selecting it marks them seen.
func TestStackedHistoryCountsFailuresOnItsTab(t *testing.T) {
	mw := newTestWindow(t)
	h := hubOf(mw)
	mw.Window.Resize(fyne.NewSize(1920, 1080))
	settle(t, mw)
	h.showPanel(h.preview.tab)
	f := h.failureWatch()
	f.unseen = 2
	f.show()
	if got := h.panels.both.Text; got != "Queue & History (2 failed)" {
		t.Errorf("stacked tab %q", got)
	}
	h.showPanel(h.history.tab)
	settle(t, mw)
	if f.unseen != 0 || h.panels.both.Text != "Queue & History" {
		t.Errorf("after showing History: %d unseen, tab %q", f.unseen, h.panels.both.Text)
	}
}
