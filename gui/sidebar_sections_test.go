package gui

import (
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

func TestSidebarSectionsFoldAndRemember(t *testing.T) {
	dir := t.TempDir()
	mw := newTestWindowIn(t, dir)
	if len(mw.sidebar.sections) != 9 {
		t.Fatalf("%d foldable sections, want 9", len(mw.sidebar.sections))
	}
	var rnd *sidebarSection
	for _, s := range mw.sidebar.sections {
		if s.title == "Randomizer" {
			rnd = s
		}
	}
	if rnd == nil || !rnd.body.Visible() {
		t.Fatal("the randomizer section is missing or folded at first")
	}
	test.Tap(rnd.header)
	settle(t, mw)
	if rnd.body.Visible() || !slices.Contains(mw.State.View().Collapsed, "Randomizer") {
		t.Fatalf("folding: visible %v, saved %v", rnd.body.Visible(), mw.State.View().Collapsed)
	}
	// A new window over the same state starts with it folded.
	st := mw.State
	again := newMainWindow(mw.Services, st, mw.App, NewQueuedBridge(mw.Log))
	t.Cleanup(func() { again.close() })
	for _, s := range again.sidebar.sections {
		if s.title == "Randomizer" && s.body.Visible() {
			t.Error("the fold was not remembered")
		}
		if s.title != "Randomizer" && !s.body.Visible() {
			t.Errorf("%s folded too", s.title)
		}
	}
	test.Tap(rnd.header)
	if !rnd.body.Visible() || len(mw.State.View().Collapsed) != 0 {
		t.Errorf("unfolding: visible %v, saved %v", rnd.body.Visible(), mw.State.View().Collapsed)
	}
}

// layOutAfterFirstPlan resizes the window to its minimum once the
// preview's first plan is in. That plan (on a timer) makes the plan line
// above the fields two lines long, and the test driver lays the column
// out again only when something asks (the real one does at every frame):
// arriving after the resize, it would move the fields a test has placed.
func layOutAfterFirstPlan(t *testing.T, mw *MainWindow) {
	t.Helper()
	waitPlanned(t, mw)
	mw.Window.Resize(minWindowSize)
	settle(t, mw)
}

// TestWheelOverAFieldScrollsTheColumn: a wheel event over a text field
// scrolls the sidebar (a Fyne entry alone would take it and do nothing).
func TestWheelOverAFieldScrollsTheColumn(t *testing.T) {
	noCulling(t) // the fields are found by where they are drawn
	mw := newTestWindow(t)
	layOutAfterFirstPlan(t, mw)
	left := mw.wheelScrolls[0]
	tmpl := field[*entryField[string]](t, mw, "output.filename_template")
	prompts := field[*entryField[string]](t, mw, "prompt.positive")
	d := fyne.CurrentApp().Driver()
	for _, e := range []*appEntry{prompts.Entry, tmpl.Entry} {
		// Bring the field into view, then wheel over it.
		left.ScrollToTop()
		y := d.AbsolutePositionForObject(e).Y - d.AbsolutePositionForObject(left).Y
		left.Offset = fyne.NewPos(0, max(y-100, 0))
		left.Refresh()
		before := left.Offset.Y
		pos := d.AbsolutePositionForObject(e).Add(fyne.NewPos(10, 10))
		test.Scroll(mw.Window.Canvas(), pos, 0, 60) // up
		if left.Offset.Y >= before {
			t.Errorf("the wheel over %s left the sidebar at %v (was %v)", e.PlaceHolder+e.Text, left.Offset.Y, before)
		}
	}
}

// TestFocusScrollsTheFieldIntoView: a text field that gets the focus (Tab
// from the field above, or below) is scrolled into its column's view,
// which Fyne does not do.
func TestFocusScrollsTheFieldIntoView(t *testing.T) {
	noCulling(t) // every section laid out, so that any field can take the focus
	mw := newTestWindow(t)
	layOutAfterFirstPlan(t, mw)
	left := mw.wheelScrolls[0]
	d := fyne.CurrentApp().Driver()
	inView := func(e *appEntry) bool {
		y := d.AbsolutePositionForObject(e).Y - d.AbsolutePositionForObject(left).Y
		return y >= 0 && y+e.Size().Height <= left.Size().Height+0.5
	}
	tmpl := field[*entryField[string]](t, mw, "output.filename_template").Entry
	filter := mw.sidebar.packs.filter
	if inView(tmpl) || !inView(filter) {
		t.Fatalf("at the top: the file name template in view %v, the pack filter %v", inView(tmpl), inView(filter))
	}
	cv := mw.Window.Canvas()
	cv.Focus(filter)
	if left.Offset.Y != 0 {
		t.Fatalf("focusing a field in view scrolled the column to %v", left.Offset.Y)
	}
	cv.Focus(tmpl)
	if !inView(tmpl) || left.Offset.Y == 0 {
		t.Fatalf("focusing a field below the view left it out of view (offset %v)", left.Offset.Y)
	}
	cv.Focus(filter)
	if !inView(filter) {
		t.Errorf("focusing a field above the view left it out of view (offset %v)", left.Offset.Y)
	}
	// A dropdown too (and a check: the same code).
	format := field[*selectField](t, mw, "output.format").Select
	cv.Focus(format)
	if y := d.AbsolutePositionForObject(format).Y - d.AbsolutePositionForObject(left).Y; y < 0 || y+format.Size().Height > left.Size().Height+0.5 {
		t.Errorf("focusing a dropdown below the view left it at %v of %v", y, left.Size().Height)
	}
	// A pack's check, inside a row widget of its own, now above the view.
	if len(mw.sidebar.packs.rows) == 0 {
		t.Fatal("no pack rows")
	}
	pack := mw.sidebar.packs.rows[0].check
	if y := d.AbsolutePositionForObject(pack).Y - d.AbsolutePositionForObject(left).Y; y >= 0 {
		t.Fatalf("the pack's check is already in view (%v) after the dropdown below", y)
	}
	cv.Focus(pack)
	if y := d.AbsolutePositionForObject(pack).Y - d.AbsolutePositionForObject(left).Y; y < 0 || y+pack.Size().Height > left.Size().Height+0.5 {
		t.Errorf("focusing a pack's check above the view left it at %v of %v", y, left.Size().Height)
	}
	cv.Focus(filter)
	// The wheel moves the column away; the window losing and getting back
	// the focus (another app in between) leaves it where the user put it.
	left.Scrolled(&fyne.ScrollEvent{Scrolled: fyne.NewDelta(0, -400)})
	moved := left.Offset.Y
	f := cv.Focused() // as Fyne tells the focused object when the window loses and gets focus
	f.FocusLost()
	f.FocusGained()
	if left.Offset.Y != moved {
		t.Errorf("the window getting the focus back scrolled the column from %v to %v", moved, left.Offset.Y)
	}
}
