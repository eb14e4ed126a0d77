package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// The fields of the sidebar and the stage cards scroll into their column's
// view when they get the focus (see MainWindow.revealInColumn): Fyne does
// not, so Tab would walk into fields below the view. appEntry does it for
// text fields; appCheck and appSelect for the form's checks and dropdowns.

// appCheck is a check that scrolls into view when it gets the focus.
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
