package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// queueRow is one line of the queue list: a selection check, the position
// and the job. A click selects only this row, Ctrl+click adds or removes
// it, Shift+click selects the range from the last clicked row; the check
// adds or removes it too.
type queueRow struct {
	widget.BaseWidget
	p     *queuePanel
	index int

	bg     *canvas.Rectangle
	check  *appCheck
	num    *widget.Label
	title  *widget.Label
	prompt *widget.Label

	// modifier is the keyboard modifier of the last mouse press.
	modifier fyne.KeyModifier
	// setting is true while the check shows the selection.
	setting bool
}

func newQueueRow(p *queuePanel) *queueRow {
	r := &queueRow{p: p, index: -1}
	r.bg = canvas.NewRectangle(nil)
	r.check = newAppCheck(nil, "", r.onChecked)
	// The theme's digits all have one width, so numbers align without the
	// monospace font (which then loads only if the Details log opens).
	r.num = &widget.Label{Text: "10000.", Alignment: fyne.TextAlignTrailing}
	r.title = &widget.Label{Text: "title", TextStyle: fyne.TextStyle{Bold: true}, Truncation: fyne.TextTruncateEllipsis}
	r.prompt = &widget.Label{Text: "prompt", Importance: widget.LowImportance, Truncation: fyne.TextTruncateEllipsis}
	r.ExtendBaseWidget(r)
	return r
}

// CreateRenderer lays the row out: check and number, then two lines.
func (r *queueRow) CreateRenderer() fyne.WidgetRenderer {
	body := container.New(&rowsLayout{}, r.title, r.prompt)
	left := container.NewVBox(container.NewHBox(r.check, r.num))
	row := container.NewBorder(nil, nil, left, nil, body)
	return widget.NewSimpleRenderer(container.NewStack(r.bg, row))
}

// show fills the row for position index.
func (r *queueRow) show(index int, num, title, prompt string, selected bool) {
	r.index = index
	setLabel(r.num, num)
	setLabel(r.title, title)
	setLabel(r.prompt, prompt)
	r.setSelected(selected)
}

// setSelected shows the selection without calling the check's handler.
func (r *queueRow) setSelected(on bool) {
	if r.check.Checked != on {
		r.setting = true
		r.check.SetChecked(on)
		r.setting = false
	}
	var fill = theme.Color(theme.ColorNameSelection)
	if !on {
		fill = nil
	}
	if r.bg.FillColor != fill {
		r.bg.FillColor = fill
		r.bg.Refresh()
	}
}

// Tapped selects the row (with the modifier of the press).
func (r *queueRow) Tapped(*fyne.PointEvent) {
	m := r.modifier
	r.modifier = 0
	r.p.onRowTapped(r.index, m)
}

// MouseDown remembers the keyboard modifier for Tapped.
func (r *queueRow) MouseDown(e *desktop.MouseEvent) { r.modifier = e.Modifier }

// MouseUp is required by desktop.Mouseable.
func (r *queueRow) MouseUp(*desktop.MouseEvent) {}

func (r *queueRow) onChecked(on bool) {
	if r.setting || r.index < 0 {
		return
	}
	r.p.setRowSelected(r.index, on)
}
