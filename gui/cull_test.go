package gui

import (
	"fmt"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// noCulling turns culling off for one test, which then sees every section
// of the sidebar and the stage cards laid out and drawn.
func noCulling(t *testing.T) {
	t.Helper()
	old := cullMargin
	cullMargin = 1e9
	t.Cleanup(func() { cullMargin = old })
}

// cullWindow is a test window of height 300 holding a cullScroll of n
// sections, each 200 tall with one entry at its top.
type cullWindow struct {
	w        fyne.Window
	c        *cullScroll
	sections []*fyne.Container
	entries  []*widget.Entry
}

func newCullWindow(t *testing.T, n int) *cullWindow {
	t.Helper()
	test.NewTempApp(t)
	cw := &cullWindow{}
	objs := make([]fyne.CanvasObject, n)
	for i := range n {
		e := widget.NewEntry()
		e.SetPlaceHolder(fmt.Sprintf("field %d", i))
		filler := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
		filler.SetMinSize(fyne.NewSize(200, 200-e.MinSize().Height-theme.Padding()))
		sec := container.NewVBox(e, filler)
		cw.sections, cw.entries, objs[i] = append(cw.sections, sec), append(cw.entries, e), sec
	}
	cw.c = newCullScroll(objs...)
	cw.w = test.NewTempWindow(t, cw.c.object())
	cw.w.Resize(fyne.NewSize(260, 300))
	return cw
}

// shown lists which sections are not culled.
func (cw *cullWindow) shown() []bool {
	out := make([]bool, len(cw.c.slots))
	for i, s := range cw.c.slots {
		out[i] = s.inner.Visible()
	}
	return out
}

// inView reports whether section i lies within the scroll's viewport.
func (cw *cullWindow) inView(i int) bool {
	s := cw.c.slots[i]
	off, view := cw.c.scroll.Offset.Y, cw.c.scroll.Size().Height
	y := s.obj.Position().Y
	return y >= off-1 && y < off+view
}

func TestCullScrollHidesSectionsOutOfView(t *testing.T) {
	cw := newCullWindow(t, 6)
	if got, want := fmt.Sprint(cw.shown()), "[true true false false false false]"; got != want {
		t.Fatalf("at the top: shown %s, want %s", got, want)
	}
	// The extent counts every section, culled or not.
	pad := theme.Padding()
	if h, want := cw.c.scroll.Content.MinSize().Height, 6*200+5*pad; h != want {
		t.Errorf("content height %v, want %v", h, want)
	}
	// The wheel: sections coming into view show, those leaving are culled.
	cw.c.scroll.Scrolled(&fyne.ScrollEvent{Scrolled: fyne.NewDelta(0, -620)})
	if got, want := fmt.Sprint(cw.shown()), "[false false false true true false]"; got != want {
		t.Errorf("scrolled to %v: shown %s, want %s", cw.c.scroll.Offset.Y, got, want)
	}
	// A section the app hides takes no room and no Tab stop while culled.
	cw.sections[5].Hide()
	cw.c.scroll.Content.Refresh()
	if h, want := cw.c.scroll.Content.MinSize().Height, 5*200+4*pad; h != want {
		t.Errorf("with one section hidden: content height %v, want %v", h, want)
	}
	cw.c.scroll.ScrollToOffset(fyne.NewPos(0, 0))
	cw.c.update()
	if s := cw.c.slots[5]; s.entry.Visible() || s.exit.Visible() {
		t.Error("a hidden section keeps its Tab stand-ins")
	}
	if !cw.c.slots[4].entry.Visible() {
		t.Error("a culled section has no Tab stand-in")
	}
}

// TestCullScrollTabReachesCulledSections: Tab and Shift+Tab visit every
// section's field in order, each section shown and scrolled into view as
// the focus enters it.
func TestCullScrollTabReachesCulledSections(t *testing.T) {
	cw := newCullWindow(t, 6)
	cv := cw.w.Canvas()
	cv.Focus(cw.entries[0])
	for i := 1; i < 6; i++ {
		cv.FocusNext()
		if cv.Focused() != cw.entries[i] {
			t.Fatalf("Tab %d: focus on %T %v, want field %d", i, cv.Focused(), cv.Focused(), i)
		}
		if !cw.c.slots[i].inner.Visible() || !cw.inView(i) {
			t.Fatalf("Tab %d: section shown %v, in view %v (offset %v)", i, cw.c.slots[i].inner.Visible(), cw.inView(i), cw.c.scroll.Offset.Y)
		}
	}
	if cw.c.slots[0].inner.Visible() {
		t.Error("the first section is still drawn, scrolled out of view")
	}
	for i := 4; i >= 0; i-- {
		cv.FocusPrevious()
		if cv.Focused() != cw.entries[i] {
			t.Fatalf("Shift+Tab to %d: focus on %T %v", i, cv.Focused(), cv.Focused())
		}
		if !cw.c.slots[i].inner.Visible() {
			t.Fatalf("Shift+Tab to %d: section not shown", i)
		}
	}
	for _, s := range cw.c.slots {
		if s.entry.Visible() != s.culled || s.exit.Visible() != s.culled {
			t.Errorf("stand-ins visible %v/%v for a section culled %v", s.entry.Visible(), s.exit.Visible(), s.culled)
		}
	}
}

// TestCullScrollKeepsTheFocusedSection: a section holding the focus is not
// culled when the wheel scrolls it out of view, so that Tab goes on from it.
func TestCullScrollKeepsTheFocusedSection(t *testing.T) {
	cw := newCullWindow(t, 6)
	cv := cw.w.Canvas()
	cv.Focus(cw.entries[0])
	cw.c.scroll.Scrolled(&fyne.ScrollEvent{Scrolled: fyne.NewDelta(0, -620)})
	if !cw.c.slots[0].inner.Visible() {
		t.Fatal("the section holding the focus was culled")
	}
	if cw.c.slots[1].inner.Visible() {
		t.Error("a section out of view without the focus is still drawn")
	}
	cv.FocusNext()
	if cv.Focused() != cw.entries[1] {
		t.Fatalf("Tab from the scrolled-away field: focus on %T", cv.Focused())
	}
}

// TestCullScrollSkipsASectionWithoutFields: a culled section with nothing
// to focus passes Tab and Shift+Tab on to the next section's field.
func TestCullScrollSkipsASectionWithoutFields(t *testing.T) {
	cw := newCullWindow(t, 4)
	cw.entries[2].Disable()
	cv := cw.w.Canvas()
	cv.Focus(cw.entries[1])
	cv.FocusNext()
	if cv.Focused() != cw.entries[3] {
		t.Fatalf("Tab past a section without fields: focus on %T %v", cv.Focused(), cv.Focused())
	}
	cv.FocusPrevious()
	if cv.Focused() != cw.entries[1] {
		t.Fatalf("Shift+Tab past a section without fields: focus on %T %v", cv.Focused(), cv.Focused())
	}
}

// TestFirstWindowDrawsLittleOutOfView: at its default size the main window
// draws few texts and images outside the scrolls' views. Fyne draws (and
// keeps a texture of) every visible text and image of a scroll, in view or
// not; before culling the first window drew 119 texts and 36 icons that
// nobody saw.
func TestFirstWindowDrawsLittleOutOfView(t *testing.T) {
	mw := newTestWindow(t)
	settle(t, mw)
	on, off := 0, []string{}
	walkClipped(mw.Window.Content(), mw.Window.Canvas().Size(), func(o fyne.CanvasObject, p, clip fyne.Position, clipSize fyne.Size) bool {
		name := ""
		switch x := o.(type) {
		case *canvas.Text:
			name = x.Text
		case *canvas.Image:
			name = "an image"
		}
		if name == "" {
			return false
		}
		s := o.Size()
		if p.X+s.Width > clip.X && p.X < clip.X+clipSize.Width && p.Y+s.Height > clip.Y && p.Y < clip.Y+clipSize.Height {
			on++
		} else {
			off = append(off, name)
		}
		return false
	})
	// What is left: the rows of the sections cut by the views' edges.
	if on < 100 || len(off) > 20 {
		t.Errorf("%d texts and images drawn in view, %d out of view: %q", on, len(off), off)
	}
}
