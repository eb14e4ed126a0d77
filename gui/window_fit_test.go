package gui

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"stablenew/pipeline"
	"stablenew/pipeline/queue"
)

// onScreen reports whether obj is shown whole: visible, inside the window
// and inside the viewport of every scroll container around it.
func onScreen(mw *MainWindow, obj fyne.CanvasObject) bool {
	ok := false
	walkClipped(mw.Window.Content(), mw.Window.Canvas().Size(), func(o fyne.CanvasObject, pos, clipPos fyne.Position, clipSize fyne.Size) bool {
		if o != obj {
			return false
		}
		end := pos.Add(o.Size())
		ok = o.Size().Width > 0 && pos.X >= clipPos.X-0.5 && pos.Y >= clipPos.Y-0.5 &&
			end.X <= clipPos.X+clipSize.Width+0.5 && end.Y <= clipPos.Y+clipSize.Height+0.5
		return true
	})
	return ok
}

// walkClipped visits the visible objects rendered under root (a window's
// content of the given size) with their place in the window and the part
// of the window the scrolls around them show, until fn returns true.
func walkClipped(root fyne.CanvasObject, window fyne.Size, fn func(o fyne.CanvasObject, pos, clipPos fyne.Position, clipSize fyne.Size) bool) {
	done := false
	var visit func(o fyne.CanvasObject, pos, clipPos fyne.Position, clipSize fyne.Size)
	visit = func(o fyne.CanvasObject, pos, clipPos fyne.Position, clipSize fyne.Size) {
		if done || o == nil || !o.Visible() {
			return
		}
		pos = pos.Add(o.Position())
		if _, scroll := o.(*container.Scroll); scroll {
			lo := fyne.NewPos(max(clipPos.X, pos.X), max(clipPos.Y, pos.Y))
			hi := fyne.NewPos(min(clipPos.X+clipSize.Width, pos.X+o.Size().Width), min(clipPos.Y+clipSize.Height, pos.Y+o.Size().Height))
			clipPos, clipSize = lo, fyne.NewSize(hi.X-lo.X, hi.Y-lo.Y)
		}
		if done = fn(o, pos, clipPos, clipSize); done {
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
	visit(root, fyne.Position{}, fyne.Position{}, window)
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
	h.showPanel(h.history.tab)
	settle(t, mw)
	for _, b := range []*widget.Button{h.history.open, h.history.retryAll, h.history.prune} {
		if !onScreen(mw, b) {
			t.Errorf("History's %q is cut off at 1024×700", b.Text)
		}
	}

	// A running job: what it is and its progress show beside the run
	// buttons, above the tabs, without scrolling.
	now := time.Now()
	h.running.job = &queue.QueueItem{JobID: "j1", PackID: "sdxl_portraits", Width: 896, Height: 1152,
		Stages: []pipeline.StageType{pipeline.StageTxt2Img, pipeline.StageADetailer}, StartedAt: &now}
	h.running.showJob()
	h.preview.tabs.Select(h.preview.tab)
	mw.Window.Content().Refresh() // lay out again, as the next frame does
	settle(t, mw)
	for _, o := range []fyne.CanvasObject{h.controls.add, h.running.summary, h.running.detail, h.running.bar} {
		if !onScreen(mw, o) {
			t.Errorf("%T at %v (%v) is cut off at 1024×700 while a job runs",
				o, fyne.CurrentApp().Driver().AbsolutePositionForObject(o), o.Size())
		}
	}
}

// TestMessagesNeverMoveTheLayout: the run controls' message line has a
// fixed height, so a message appearing or going never moves what is below
// it, nor the tabs.
func TestMessagesNeverMoveTheLayout(t *testing.T) {
	mw := newTestWindow(t)
	mw.State.SetPacks([]string{"landscapes_matrix"})
	waitPlanned(t, mw)
	h := hubOf(mw)
	d := fyne.CurrentApp().Driver()
	where := func() [3]float32 {
		return [3]float32{d.AbsolutePositionForObject(h.controls.status).Y, d.AbsolutePositionForObject(h.preview.tabs).Y,
			d.AbsolutePositionForObject(mw.tabs).Y}
	}
	before := where()
	h.controls.say("Could not change the queue: a very long reason that goes on and on and would wrap onto several lines in a narrow column", widget.DangerImportance)
	settle(t, mw)
	if got := where(); got != before {
		t.Errorf("a message moved the layout: %v → %v", before, got)
	}
	retype(field[*entryField[int]](t, mw, "txt2img.steps").Entry, "abc")
	settle(t, mw)
	if got := where(); got != before || !h.controls.blocked.Visible() || h.controls.message.Visible() {
		t.Errorf("the block reason moved the layout: %v → %v", before, got)
	}
}

// TestPipelineAndPromptTabsFitBothScreens: at 1024×700 and at 1920×1080
// the Pipeline tab's columns stay inside the window with the run buttons
// on screen, and the Prompt tab's buttons and first row show whole.
func TestPipelineAndPromptTabsFitBothScreens(t *testing.T) {
	mw := newTestWindow(t)
	h := hubOf(mw)
	for _, size := range []fyne.Size{minWindowSize, fyne.NewSize(1920, 1080)} {
		mw.tabs.SelectIndex(0)
		mw.Window.Resize(size)
		settle(t, mw)
		grid := mw.tabs.Items[0].Content.(*fyne.Container)
		for i, col := range grid.Objects {
			if col.Size().Width < col.MinSize().Width || !onScreen(mw, col) {
				t.Errorf("%v: column %d (%v at %v) is cut off", size, i, col.Size(), col.Position())
			}
		}
		for _, b := range []*widget.Button{h.controls.add, h.controls.runNow} {
			if !onScreen(mw, b) {
				t.Errorf("%v: %q is cut off", size, b.Text)
			}
		}

		mw.tabs.SelectIndex(1)
		settle(t, mw)
		pt := mw.promptTab
		pt.packs.SetSelected("landscapes_matrix")
		settle(t, mw)
		content := mw.tabs.Items[1].Content
		for _, text := range []string{"New", "Save", "Save as…", "Add row"} {
			if b := findButton(t, content, text); !onScreen(mw, b) {
				t.Errorf("%v: the Prompt tab's %q is cut off", size, text)
			}
		}
		if len(pt.rows) == 0 || !onScreen(mw, pt.rows[0].positive) || !onScreen(mw, pt.draft) {
			t.Errorf("%v: the Prompt tab's first row or its draft check is cut off", size)
		}
	}
}
