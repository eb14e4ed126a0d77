package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// cullScroll is a vertical scroll of sections (the sidebar's cards, the
// stage cards) that hides the sections wholly out of view. Fyne draws every
// visible object of a scroll, in view or not, and keeps a texture for each
// text and icon it draws: the first window would draw about 150 texts and
// icons nobody sees. The sections are laid out top to bottom as a VBox
// lays them out, and the scroll's extent counts the hidden ones, so the
// scroll bar does not change as sections are culled.
//
// Keyboard: Tab and Shift+Tab walk only what is visible, so a culled
// section keeps two focusable stand-ins that draw nothing, one before and
// one after it (cullGate). Tabbing onto one shows the section, scrolls it
// into view and moves the focus on into it: to its first field from
// above, to its last from below. A section holding the focused object is
// never culled, so that Tab goes on from it.
type cullScroll struct {
	scroll *container.Scroll
	slots  []*cullSlot
}

// cullMargin is how far out of view a section must be to be culled. None
// is needed: a scroll shows the sections coming into view before the
// frame that shows them is drawn. Tests that look at every section set it
// out of reach (noCulling).
var cullMargin float32

// cullSlot holds one section with its two stand-ins.
type cullSlot struct {
	c       *cullScroll
	section fyne.CanvasObject
	// inner holds the section: hidden while culled (the section's own
	// Hidden is the app's, such as a stage card whose stage is off).
	inner       *fyne.Container
	entry, exit *cullGate
	obj         *fyne.Container
	culled      bool
	// revealing is set while a stand-in hands the focus on.
	revealing bool
}

// newCullScroll returns the scroll of sections; object is what to lay out.
func newCullScroll(sections ...fyne.CanvasObject) *cullScroll {
	c := &cullScroll{}
	objs := make([]fyne.CanvasObject, len(sections))
	for i, sec := range sections {
		s := &cullSlot{c: c, section: sec, inner: container.NewStack(sec)}
		s.entry = newCullGate(func() { s.reveal(true) })
		s.exit = newCullGate(func() { s.reveal(false) })
		s.entry.Hide()
		s.exit.Hide()
		// Tab order is the order of the objects: entry, section, exit.
		s.obj = container.New(&cullSlotLayout{s: s}, s.entry, s.inner, s.exit)
		c.slots = append(c.slots, s)
		objs[i] = s.obj
	}
	c.scroll = container.NewVScroll(container.New(&cullLayout{c: c}, objs...))
	c.scroll.OnScrolled = func(fyne.Position) { c.update() }
	return c
}

// object is the scroll, to put in the window.
func (c *cullScroll) object() *container.Scroll { return c.scroll }

// update culls the sections wholly out of view and shows the others.
func (c *cullScroll) update() {
	view := c.scroll.Size().Height
	if view <= 0 {
		return // not laid out yet
	}
	top, bottom := c.scroll.Offset.Y-cullMargin, c.scroll.Offset.Y+view+cullMargin
	var focusY float32
	hasFocus, looked := false, false
	for _, s := range c.slots {
		y, h := s.obj.Position().Y, s.obj.Size().Height
		out := y+h < top || y > bottom
		if out && !looked { // where the focus is costs walks of the window: only when culling
			focusY, hasFocus = c.focusY()
			looked = true
		}
		if out && hasFocus && focusY >= y && focusY <= y+h {
			out = false // Tab goes on from the focused field
		}
		s.setCulled(out)
	}
}

// focusY is where the focused object is in the scroll's content, if the
// scroll holds it.
func (c *cullScroll) focusY() (float32, bool) {
	d := fyne.CurrentApp().Driver()
	cv := d.CanvasForObject(c.scroll)
	if cv == nil {
		return 0, false
	}
	f, ok := cv.Focused().(fyne.CanvasObject)
	if !ok || f == nil {
		return 0, false
	}
	if g, ok := f.(*cullGate); ok && !g.Visible() {
		return 0, false
	}
	// Where it is, not whose child it is (Fyne does not tell a widget's
	// children): an object in the scroll's column at a height its content
	// spans. Something focused above or below the scroll in the same
	// column may keep a section drawn, which costs nothing but memory.
	// Measured from the content's top, not the offset: the scroll moves
	// its content after telling OnScrolled.
	at, fp := d.AbsolutePositionForObject(c.scroll), d.AbsolutePositionForObject(f)
	if fp.X < at.X || fp.X >= at.X+c.scroll.Size().Width {
		return 0, false
	}
	y := fp.Y - (at.Y + c.scroll.Content.Position().Y)
	return y, y >= 0 && y <= c.scroll.Content.Size().Height
}

// setCulled hides the section and shows its stand-ins (none for a section
// the app hides), or shows the section.
func (s *cullSlot) setCulled(culled bool) {
	if s.revealing {
		return
	}
	if culled != s.culled {
		s.culled = culled
		if culled {
			s.inner.Hide()
		} else {
			s.show()
		}
	}
	setVisible(s.entry, culled && s.section.Visible())
	setVisible(s.exit, culled && s.section.Visible())
}

// show shows the section after culling: laid out again, as what changed
// in it while hidden was not (Fyne lays out only what is visible when a
// minimum size changes), and drawn (a container's Show does not repaint).
func (s *cullSlot) show() {
	s.inner.Show()
	s.inner.Refresh()
}

// reveal shows a culled section that a stand-in got the focus for, scrolls
// it into view (its top from above, its bottom from below) and moves the
// focus on into it, past the stand-in.
func (s *cullSlot) reveal(forward bool) {
	cv := fyne.CurrentApp().Driver().CanvasForObject(s.obj)
	if cv == nil {
		return
	}
	if s.revealing { // the section has nothing to focus: go on past it
		if forward {
			cv.FocusPrevious()
		} else {
			cv.FocusNext()
		}
		return
	}
	s.revealing = true
	s.culled = false
	s.show()
	sc := s.c.scroll
	view, content := sc.Size().Height, sc.Content.Size().Height
	off := s.obj.Position().Y
	if !forward {
		off += s.obj.Size().Height - view
	}
	off = max(0, min(off, content-view))
	sc.ScrollToOffset(fyne.NewPos(sc.Offset.X, off))
	// The stand-ins stay visible until the focus has moved past them: the
	// focus moves from the focused object to the next visible one.
	if forward {
		cv.FocusNext()
	} else {
		cv.FocusPrevious()
	}
	s.entry.Hide()
	s.exit.Hide()
	s.revealing = false
	s.c.update()
}

// cullLayout lays the slots out top to bottom as a VBox does: a slot whose
// section is hidden by the app takes no room; a culled one takes its
// section's.
type cullLayout struct{ c *cullScroll }

func (l *cullLayout) MinSize([]fyne.CanvasObject) fyne.Size {
	var size fyne.Size
	n := 0
	for _, s := range l.c.slots {
		if !s.section.Visible() {
			continue
		}
		m := s.section.MinSize()
		size.Width = max(size.Width, m.Width)
		size.Height += m.Height
		n++
	}
	if n > 1 {
		size.Height += theme.Padding() * float32(n-1)
	}
	return size
}

func (l *cullLayout) Layout(_ []fyne.CanvasObject, size fyne.Size) {
	y := float32(0)
	pad := theme.Padding()
	for _, s := range l.c.slots {
		h := float32(0)
		if s.section.Visible() {
			h = s.section.MinSize().Height
		}
		s.obj.Move(fyne.NewPos(0, y))
		s.obj.Resize(fyne.NewSize(size.Width, h))
		if h > 0 || s.section.Visible() {
			y += h + pad
		}
	}
	l.c.update()
}

// cullSlotLayout gives the section the slot's whole size, the stand-ins
// none at its top and bottom.
type cullSlotLayout struct{ s *cullSlot }

func (l *cullSlotLayout) MinSize([]fyne.CanvasObject) fyne.Size {
	if !l.s.section.Visible() {
		return fyne.Size{}
	}
	return l.s.section.MinSize()
}

func (l *cullSlotLayout) Layout(_ []fyne.CanvasObject, size fyne.Size) {
	l.s.inner.Move(fyne.Position{})
	l.s.inner.Resize(size)
	l.s.entry.Move(fyne.Position{})
	l.s.exit.Move(fyne.NewPos(0, size.Height))
}

// cullGate stands in for a culled section in the Tab order: it draws
// nothing, and gaining the focus reveals the section.
type cullGate struct {
	widget.BaseWidget
	onFocus func()
}

func newCullGate(onFocus func()) *cullGate {
	g := &cullGate{onFocus: onFocus}
	g.ExtendBaseWidget(g)
	return g
}

// CreateRenderer draws nothing: a rectangle without fill or stroke.
func (g *cullGate) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(&canvas.Rectangle{})
}

// FocusGained reveals the section.
func (g *cullGate) FocusGained() { g.onFocus() }

// FocusLost does nothing.
func (g *cullGate) FocusLost() {}

// TypedRune does nothing: the focus never stays on a stand-in.
func (g *cullGate) TypedRune(rune) {}

// TypedKey does nothing.
func (g *cullGate) TypedKey(*fyne.KeyEvent) {}
