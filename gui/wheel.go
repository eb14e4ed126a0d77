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
	if mw.Window.Canvas().Overlays().Top() != nil {
		return // the field is in a dialog, over the columns
	}
	d := fyne.CurrentApp().Driver()
	pos := d.AbsolutePositionForObject(obj)
	for _, s := range mw.wheelScrolls {
		if !s.Visible() {
			continue
		}
		at, size := d.AbsolutePositionForObject(s), s.Size()
		if pos.X >= at.X && pos.Y >= at.Y && pos.X < at.X+size.Width && pos.Y < at.Y+size.Height {
			s.Scrolled(ev)
			return
		}
	}
}
