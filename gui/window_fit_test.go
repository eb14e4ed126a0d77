package gui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// onScreen reports whether obj is shown whole: visible, inside the window
// and inside the viewport of every scroll container around it.
func onScreen(mw *MainWindow, obj fyne.CanvasObject) bool {
	canvas := mw.Window.Canvas().Size()
	var ok, found bool
	var visit func(o fyne.CanvasObject, pos, clipPos fyne.Position, clipSize fyne.Size)
	visit = func(o fyne.CanvasObject, pos, clipPos fyne.Position, clipSize fyne.Size) {
		if found || !o.Visible() {
			return
		}
		pos = pos.Add(o.Position())
		if _, scroll := o.(*container.Scroll); scroll {
			lo := fyne.NewPos(max(clipPos.X, pos.X), max(clipPos.Y, pos.Y))
			hi := fyne.NewPos(min(clipPos.X+clipSize.Width, pos.X+o.Size().Width), min(clipPos.Y+clipSize.Height, pos.Y+o.Size().Height))
			clipPos, clipSize = lo, fyne.NewSize(hi.X-lo.X, hi.Y-lo.Y)
		}
		if o == obj {
			found = true
			end := pos.Add(o.Size())
			ok = o.Size().Width > 0 && pos.X >= clipPos.X-0.5 && pos.Y >= clipPos.Y-0.5 &&
				end.X <= clipPos.X+clipSize.Width+0.5 && end.Y <= clipPos.Y+clipSize.Height+0.5
			return
		}
		var kids []fyne.CanvasObject
		switch x := o.(type) {
		case *fyne.Container:
			kids = x.Objects
		case fyne.Widget:
			kids = test.WidgetRenderer(x).Objects()
		}
		for _, k := range kids {
			visit(k, pos, clipPos, clipSize)
		}
	}
	visit(mw.Window.Content(), fyne.Position{}, fyne.Position{}, canvas)
	return ok
}

func TestWindowFits1024x700WithNothingCutOff(t *testing.T) {
	mw := newTestWindow(t)
	if min := mw.Window.Content().MinSize(); min.Width > minWindowSize.Width || min.Height > minWindowSize.Height {
		t.Fatalf("the window needs %v; it must fit %v", min, minWindowSize)
	}
	mw.Window.Resize(minWindowSize)
	settle(t, mw)
	grid := mw.tabs.Items[0].Content.(*fyne.Container)
	for i, col := range grid.Objects {
		if w := col.Size().Width; w < col.MinSize().Width {
			t.Errorf("column %d is %v wide, below its minimum %v", i, w, col.MinSize().Width)
		}
		if !onScreen(mw, col) {
			t.Errorf("column %d (%v at %v) leaves the window", i, col.Size(), col.Position())
		}
		if i < 2 && col.Size().Height > 0 && col.(*container.Scroll).Content.MinSize().Height < col.Size().Height {
			t.Logf("column %d fits without scrolling", i)
		}
	}
	// The run buttons and every History action are on screen at once; the
	// running job's buttons take no room while no job runs.
	h := hubOf(mw)
	for _, b := range []*widget.Button{h.controls.add, h.controls.runNow} {
		if !onScreen(mw, b) {
			t.Errorf("button %q is cut off at 1024×700", b.Text)
		}
	}
	if h.running.buttons.Visible() || h.running.bar.Visible() {
		t.Error("the running job's buttons and progress show while no job runs")
	}
	h.history.tabs.Select(h.history.tab)
	settle(t, mw)
	for _, b := range []*widget.Button{h.history.open, h.history.retryAll, h.history.prune} {
		if !onScreen(mw, b) {
			t.Errorf("History's %q is cut off at 1024×700", b.Text)
		}
	}
}
