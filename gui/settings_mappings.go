package gui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"stablenew/pipeline/resources"
)

// mappingsEditor lists the names mapped to a WebUI's own (the preview's
// Use… stores them): each says which WebUI, what kind and name, with the
// WebUI's name to use editable and a Remove button.
type mappingsEditor struct {
	mw   *MainWindow
	rows []mappingRow
	box  *fyne.Container
	none *widget.Label
}

// mappingRow is one mapping with its entry.
type mappingRow struct {
	alias resources.Alias
	use   *appEntry
}

func newMappingsEditor(mw *MainWindow, list []resources.Alias) *mappingsEditor {
	e := &mappingsEditor{mw: mw, box: container.NewVBox()}
	e.none = newHint("none yet: when the preview finds a name a WebUI lacks, Use… maps it to one of the WebUI's and it is kept here")
	for _, a := range list {
		use := newAppEntry(mw.keys, false)
		use.SetText(a.Use)
		e.rows = append(e.rows, mappingRow{alias: a, use: use})
	}
	e.refresh()
	return e
}

func (e *mappingsEditor) build() fyne.CanvasObject { return container.NewVBox(e.none, e.box) }

// refresh lays out the rows.
func (e *mappingsEditor) refresh() {
	e.box.RemoveAll()
	for i := range e.rows {
		r := e.rows[i]
		what := &widget.Label{Text: fmt.Sprintf("%s %q on %s →", r.alias.Kind, r.alias.Name, r.alias.WebUI),
			Truncation: fyne.TextTruncateEllipsis}
		remove := &widget.Button{Icon: theme.DeleteIcon(), Importance: widget.LowImportance, OnTapped: func() { e.remove(r.alias) }}
		e.box.Add(container.NewVBox(what, container.NewBorder(nil, nil, nil, e.mw.withTooltip(remove, "Remove this mapping"), r.use)))
	}
	setVisible(e.none, len(e.rows) == 0)
	e.box.Refresh()
}

func (e *mappingsEditor) remove(a resources.Alias) {
	for i, r := range e.rows {
		if r.alias == a {
			e.rows = append(e.rows[:i:i], e.rows[i+1:]...)
			break
		}
	}
	e.refresh()
}

// mappings are the rows as settings: an emptied entry removes its mapping.
func (e *mappingsEditor) mappings() []resources.Alias {
	var out []resources.Alias
	for _, r := range e.rows {
		a := r.alias
		a.Use = strings.TrimSpace(r.use.Text)
		if a.Use != "" {
			out = append(out, a)
		}
	}
	return out
}
