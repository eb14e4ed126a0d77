package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

func (p *previewPanel) length() int {
	if p.result == nil {
		return 0
	}
	return len(p.result.rows)
}

func (p *previewPanel) createRow() fyne.CanvasObject {
	title := &widget.Label{Text: "title", TextStyle: fyne.TextStyle{Bold: true}, Truncation: fyne.TextTruncateEllipsis}
	return container.New(&rowsLayout{}, title, newVariantLine())
}

func (p *previewPanel) updateRow(id widget.ListItemID, obj fyne.CanvasObject) {
	if p.result == nil || id < 0 || id >= len(p.result.rows) {
		return
	}
	r := p.result.rows[id]
	objs := obj.(*fyne.Container).Objects
	setLabel(objs[0].(*widget.Label), r.title)
	setVariantLine(objs[1].(*widget.RichText), r.picks, r.prompt)
}

func (p *previewPanel) onSelected(id widget.ListItemID) {
	jobs := p.jobs()
	if id < 0 || id >= len(jobs) {
		return
	}
	p.selected = id
	p.details.show(&jobs[id])
}

func (p *previewPanel) onUnselected(id widget.ListItemID) {
	if p.selected == id {
		p.selected = -1
	}
}

// setLabel sets a label's text only when it changed (no needless refresh).
func setLabel(l *widget.Label, text string) {
	if l.Text != text {
		l.SetText(text)
	}
}

// rowsLayout stacks single-line labels tightly, without the VBox padding,
// so list rows stay short.
type rowsLayout struct{}

// Layout places the objects one under the other at their minimum heights.
func (rowsLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	y := float32(0)
	for _, o := range objs {
		if !o.Visible() {
			continue
		}
		h := o.MinSize().Height
		o.Move(fyne.NewPos(0, y))
		o.Resize(fyne.NewSize(size.Width, h))
		y += h
	}
}

// MinSize is the sum of the heights and the widest object's width.
func (rowsLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var w, h float32
	for _, o := range objs {
		if !o.Visible() {
			continue
		}
		m := o.MinSize()
		w = max(w, m.Width)
		h += m.Height
	}
	return fyne.NewSize(w, h)
}
