package gui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/widget"
)

// The fields of the sidebar and the stage cards scroll into their column's
// view when they get the focus (see MainWindow.revealInColumn): Fyne does
// not, so Tab would walk into fields below the view. appEntry does it for
// text fields; appCheck and appSelect for the form's checks and dropdowns.

// appCheck is a check that scrolls into view when it gets the focus (keys
// may be nil for a check outside the form) and draws no transparent focus
// circle (see CreateRenderer). The main window's checks are all appChecks.
type appCheck struct {
	widget.Check
	keys *shortcuts
}

func newAppCheck(keys *shortcuts, label string, changed func(bool)) *appCheck {
	c := &appCheck{keys: keys}
	c.Text, c.OnChanged = label, changed
	c.ExtendBaseWidget(c)
	return c
}

// FocusGained also scrolls the check into view.
func (c *appCheck) FocusGained() {
	c.Check.FocusGained()
	c.keys.reveal(c)
}

// CreateRenderer is Fyne's check renderer with its focus circle hidden
// while the circle is transparent (the check neither focused nor hovered).
// Fyne draws the transparent circle anyway: a draw call for every check in
// every frame, for which Mesa's software renderer keeps memory
// (docs/benchmarks.md, issue 15).
func (c *appCheck) CreateRenderer() fyne.WidgetRenderer {
	r := c.Check.CreateRenderer()
	for _, o := range r.Objects() {
		if dot, ok := o.(*canvas.Circle); ok {
			cr := &checkRenderer{WidgetRenderer: r, focus: dot}
			cr.hideClearFocus()
			return cr
		}
	}
	return r
}

// checkRenderer wraps Fyne's check renderer (see appCheck.CreateRenderer).
type checkRenderer struct {
	fyne.WidgetRenderer
	focus *canvas.Circle
}

// Refresh refreshes the check, then hides its focus circle if clear.
func (r *checkRenderer) Refresh() {
	r.WidgetRenderer.Refresh()
	r.hideClearFocus()
}

func (r *checkRenderer) hideClearFocus() {
	r.focus.Hidden = r.focus.FillColor == color.Transparent
}

// appSelect is a dropdown that scrolls into view when it gets the focus.
type appSelect struct {
	widget.Select
	keys *shortcuts
}

func newAppSelect(keys *shortcuts, changed func(string)) *appSelect {
	s := &appSelect{keys: keys}
	s.OnChanged = changed
	s.ExtendBaseWidget(s)
	return s
}

// FocusGained also scrolls the dropdown into view.
func (s *appSelect) FocusGained() {
	s.Select.FocusGained()
	s.keys.reveal(s)
}

// reveal scrolls a field that got the focus into view, if the window
// does that (tests build fields without one).
func (s *shortcuts) reveal(obj fyne.CanvasObject) {
	if s != nil && s.focused != nil {
		s.focused(obj)
	}
}
