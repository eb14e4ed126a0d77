package gui

import (
	"reflect"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// Mouse-wheel scrolling over text fields. A Fyne entry scrolls its own text
// and so takes every wheel event over it: a column full of fields would
// stop scrolling whenever the pointer rests on one. An appEntry therefore
// lays a wheelCatcher over itself that takes only wheel events (taps,
// hovers and drags still reach the entry): it scrolls the entry's own text
// when that overflows, and otherwise the column the entry is in.

// wheelCatcher is a transparent object over an appEntry that only hears
// the mouse wheel.
type wheelCatcher struct {
	widget.BaseWidget
	e *appEntry
	// inner is the entry's own text scroller, if it has one.
	inner func() fyne.CanvasObject
}

func newWheelCatcher(e *appEntry, inner func() fyne.CanvasObject) *wheelCatcher {
	c := &wheelCatcher{e: e, inner: inner}
	c.ExtendBaseWidget(c)
	return c
}

// CreateRenderer draws nothing.
func (c *wheelCatcher) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewWithoutLayout())
}

// Scrolled scrolls a multi-line entry's text while it can move in the
// wheel's direction, else passes the event to the entry's column (a
// single-line entry always passes it on: its text only scrolls sideways).
func (c *wheelCatcher) Scrolled(ev *fyne.ScrollEvent) {
	if in := c.inner(); c.e.MultiLine && in != nil && in.Visible() {
		before := scrollOffset(in)
		in.(fyne.Scrollable).Scrolled(ev)
		if scrollOffset(in) != before {
			return
		}
	}
	if c.e.keys != nil && c.e.keys.wheel != nil {
		c.e.keys.wheel(c.e, ev)
	}
}

// scrollOffset reads the Offset of Fyne's text scroller (a type of Fyne's
// internal package, so through reflection); the zero position when it has
// none.
func scrollOffset(o fyne.CanvasObject) fyne.Position {
	v := reflect.ValueOf(o)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return fyne.Position{}
	}
	if f := v.Elem().FieldByName("Offset"); f.IsValid() {
		if p, ok := f.Interface().(fyne.Position); ok {
			return p
		}
	}
	return fyne.Position{}
}

// wheelRenderer is an entry's renderer with the wheel catcher on top.
type wheelRenderer struct {
	fyne.WidgetRenderer
	catcher *wheelCatcher
}

func (r *wheelRenderer) Layout(size fyne.Size) {
	r.WidgetRenderer.Layout(size)
	r.catcher.Resize(size)
}

func (r *wheelRenderer) Objects() []fyne.CanvasObject {
	return append(r.WidgetRenderer.Objects(), r.catcher)
}

// FocusGained also scrolls the field into its column's view (Tab may
// have brought the focus from a field above or below the view).
func (e *appEntry) FocusGained() {
	e.Entry.FocusGained()
	e.keys.reveal(e)
}

// CreateRenderer is the entry's own renderer with a wheel catcher over it.
func (e *appEntry) CreateRenderer() fyne.WidgetRenderer {
	inner := e.Entry.CreateRenderer()
	scroller := func() fyne.CanvasObject {
		for _, o := range inner.Objects() {
			if _, ok := o.(fyne.Scrollable); ok {
				return o
			}
		}
		return nil
	}
	return &wheelRenderer{WidgetRenderer: inner, catcher: newWheelCatcher(e, scroller)}
}

// scrollColumn passes a wheel event from a field to the scrolling column
// that holds it (the UI goroutine).
func (mw *MainWindow) scrollColumn(obj fyne.CanvasObject, ev *fyne.ScrollEvent) {
	if s := mw.columnAt(obj); s != nil {
		s.Scrolled(ev)
	}
}

// revealInColumn scrolls the column holding a field that got the focus (a
// text field, a form check or dropdown: see field_focus.go) so
// that the field shows whole: to its top when it was above the view, to
// its bottom when below (the UI goroutine).
func (mw *MainWindow) revealInColumn(obj fyne.CanvasObject) {
	if obj == mw.revealed {
		return
	}
	mw.revealed = obj
	s := mw.columnHolding(obj)
	if s == nil {
		return
	}
	d := fyne.CurrentApp().Driver()
	y := d.AbsolutePositionForObject(obj).Y - d.AbsolutePositionForObject(s.Content).Y
	off, view := s.Offset.Y, s.Size().Height
	h := min(obj.Size().Height, view)
	switch {
	case y < off:
		off = y
	case y+h > off+view:
		off = y + h - view
	default:
		return
	}
	s.ScrollToOffset(fyne.NewPos(s.Offset.X, max(0, min(off, s.Content.Size().Height-view))))
	if s.OnScrolled != nil { // ScrollToOffset does not call it; culling needs it
		s.OnScrolled(s.Offset)
	}
}

// columnAt returns the scrolling column whose view holds obj's top-left
// corner, if any: the one a wheel event over obj scrolls.
func (mw *MainWindow) columnAt(obj fyne.CanvasObject) *container.Scroll {
	d := fyne.CurrentApp().Driver()
	pos := d.AbsolutePositionForObject(obj)
	return mw.column(func(s *container.Scroll) bool {
		at, size := d.AbsolutePositionForObject(s), s.Size()
		return pos.X >= at.X && pos.Y >= at.Y && pos.X < at.X+size.Width && pos.Y < at.Y+size.Height
	})
}

// columnHolding returns the scrolling column whose content holds obj, in
// view or not.
func (mw *MainWindow) columnHolding(obj fyne.CanvasObject) *container.Scroll {
	return mw.column(func(s *container.Scroll) bool { return holds(s.Content, obj) })
}

// column returns the first shown scrolling column that is, or nil; none
// while a dialog is open over the columns.
func (mw *MainWindow) column(is func(*container.Scroll) bool) *container.Scroll {
	if mw.Window.Canvas().Overlays().Top() != nil {
		return nil
	}
	for _, s := range mw.wheelScrolls {
		if s.Visible() && is(s) {
			return s
		}
	}
	return nil
}

// partsHolder is a widget of StableNew's own that tells holds its
// focusable parts.
type partsHolder interface{ parts() []fyne.CanvasObject }

// holds reports whether obj is root or inside it, looking into containers,
// the cards, scrolls and splits the columns are made of, and the widgets
// that tell their parts (Fyne does not tell a widget's children; a field
// inside another widget is not found).
func holds(root, obj fyne.CanvasObject) bool {
	if root == obj {
		return true
	}
	switch r := root.(type) {
	case partsHolder:
		for _, o := range r.parts() {
			if holds(o, obj) {
				return true
			}
		}
	case *fyne.Container:
		for _, o := range r.Objects {
			if holds(o, obj) {
				return true
			}
		}
	case *container.Scroll:
		return holds(r.Content, obj)
	case *container.Split:
		return holds(r.Leading, obj) || holds(r.Trailing, obj)
	}
	return false
}
