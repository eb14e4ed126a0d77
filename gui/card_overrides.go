package gui

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"stablenew/app"
	"stablenew/pipeline"
	"stablenew/pipeline/packs"
)

// Field overrides in the stage cards: the cards show the previewed pack's
// own settings (app.State.SetStageBase); a field the user changed
// overrides the packs (app.State.Overridden) and is marked: its label in
// the accent colour, with a "back to pack" button beside it; each card has
// a "Back to pack" button for all its fields.

// overrideMarker is the mark of one field: its label (nil for a check, whose
// text says it instead) and its reset button.
type overrideMarker struct {
	key   string // pipeline.FieldKey of the field
	group string // the form group that owns the field
	label *widget.Label
	check *appCheck
	text  string // the check's own text
	// reset is the field's "back to pack" button with its tooltip, shown
	// while the field overrides.
	reset fyne.CanvasObject
}

// cardBack is a card's "Back to pack" row, shown while any of its
// sections has an overridden field.
type cardBack struct {
	sections []string
	row      *fyne.Container
	count    *widget.Label
}

// isStageKey reports whether key belongs to a stage section (the ones that
// override packs).
func isStageKey(key string) bool {
	section, _, _ := strings.Cut(key, ".")
	return slices.Contains(pipeline.OverrideSections, section)
}

// widgetOf returns the widget a field edits, by which rows find it.
func widgetOf(fl formField) fyne.CanvasObject {
	switch x := fl.(type) {
	case interface{ widget() fyne.CanvasObject }:
		return x.widget()
	case *selectField:
		return x.Select
	case *checkField:
		return x.Check
	}
	return nil
}

func (fl *entryField[T]) widget() fyne.CanvasObject { return fl.Entry }

// fieldIn returns the first field of the form whose widget is inside obj.
func (f *configForm) fieldIn(obj fyne.CanvasObject) (path, group string) {
	found := false
	var visit func(o fyne.CanvasObject)
	visit = func(o fyne.CanvasObject) {
		if found || o == nil {
			return
		}
		if w, ok := f.widgets[o]; ok {
			path, group, found = w.path, w.group, true
			return
		}
		if c, ok := o.(*fyne.Container); ok {
			for _, k := range c.Objects {
				visit(k)
			}
		}
	}
	visit(obj)
	return path, group
}

// widgetPath is a field's path and group, by its widget.
type widgetPath struct{ path, group string }

// markable returns the label of a row, marked when its field overrides the
// packs, with the field's reset button before it.
func (f *configForm) markable(l *widget.Label, field fyne.CanvasObject) fyne.CanvasObject {
	path, group := f.fieldIn(field)
	key := pipeline.FieldKey(path)
	if path == "" || !isStageKey(key) {
		return l
	}
	m := &overrideMarker{key: key, group: group, label: l}
	m.reset = f.resetButton(key)
	f.markers = append(f.markers, m)
	f.showMarker(m, f.overridden())
	return container.NewBorder(nil, nil, m.reset, nil, l)
}

// resetButton is the small "back to pack" button of one field, with its
// tooltip, hidden until the field overrides.
func (f *configForm) resetButton(key string) fyne.CanvasObject {
	var obj fyne.CanvasObject = &widget.Button{Icon: theme.ContentUndoIcon(), Importance: widget.LowImportance,
		OnTapped: func() { f.st.ResetOverrides(key) }}
	if f.tip != nil {
		obj = f.tip(obj, overrideTip)
	}
	obj.Hide()
	return obj
}

// markCheck marks a check field whose path is a stage field; cell shows its
// reset button.
func (f *configForm) markCheck(fl *checkField) {
	key := pipeline.FieldKey(fl.p)
	if fl.p == "" || !isStageKey(key) {
		return
	}
	m := &overrideMarker{key: key, check: fl.Check, text: fl.Check.Text, reset: f.resetButton(key)}
	fl.reset = m.reset
	f.markers = append(f.markers, m)
}

// overridden returns the overridden keys as a set.
func (f *configForm) overridden() map[string]bool {
	set := map[string]bool{}
	for _, k := range f.st.Overridden() {
		set[k] = true
	}
	return set
}

// showOverrides marks the overriding fields and shows the cards' "Back to
// pack" rows (after a change of the overrides or of the configuration).
func (f *configForm) showOverrides() {
	set := f.overridden()
	for _, m := range f.markers {
		f.showMarker(m, set)
	}
	for _, b := range f.backs {
		n := 0
		for k := range set {
			section, _, _ := strings.Cut(k, ".")
			if slices.Contains(b.sections, section) {
				n++
			}
		}
		if n > 0 {
			b.count.SetText(plural(n, "field overrides", "fields override") + " the pack")
		}
		setVisible(b.row, n > 0)
	}
}

// overrideTip says what a marked field does.
const overrideTip = "Back to the pack's value (this field overrides the packs' settings)"

func (f *configForm) showMarker(m *overrideMarker, set map[string]bool) {
	on := set[m.key]
	setVisible(m.reset, on)
	if m.label != nil {
		imp, style := widget.MediumImportance, fyne.TextStyle{}
		if on {
			imp, style = widget.HighImportance, fyne.TextStyle{Bold: true}
		}
		if m.label.Importance != imp || m.label.TextStyle != style {
			m.label.Importance, m.label.TextStyle = imp, style
			m.label.Refresh()
		}
	}
	if m.check != nil {
		text := m.text
		if on {
			text += " (changed)"
		}
		if m.check.Text != text {
			m.check.Text = text
			m.check.Refresh()
		}
	}
}

// forgetMarkers drops the marks of a group's fields (before the group's
// rows are built again).
func (f *configForm) forgetMarkers(group string) {
	f.markers = slices.DeleteFunc(f.markers, func(m *overrideMarker) bool { return m.group == group && group != "" })
	for w, p := range f.widgets {
		if p.group == group {
			delete(f.widgets, w)
		}
	}
}

// backRow returns a card's "Back to pack" row for its sections, hidden
// while none of their fields overrides the packs.
func (f *configForm) backRow(mw *MainWindow, sections ...string) fyne.CanvasObject {
	b := &cardBack{sections: sections, count: &widget.Label{Importance: widget.HighImportance, Truncation: fyne.TextTruncateEllipsis}}
	btn := &widget.Button{Text: "Back to pack", Icon: theme.ContentUndoIcon(), Importance: widget.LowImportance,
		OnTapped: func() { f.st.ResetOverrides(sections...) }}
	b.row = container.NewBorder(nil, nil, nil, mw.withTooltip(btn, "Put every field of this card back to the pack's settings"), b.count)
	b.row.Hide()
	f.backs = append(f.backs, b)
	return b.row
}

// refreshStageBase reads, in the background, the settings the stage cards
// start from: the first selected pack's (defaults ⊕ preset ⊕ its config
// file ⊕ the sidebar settings), or the defaults and preset while no pack is
// selected or a reprocess draft is shown. Only the newest read is used.
func (s *stageCards) refreshStageBase() {
	s.baseSeq++
	seq := s.baseSeq
	mw := s.mw
	req := mw.State.Snapshot()
	from := ""
	if req.Reprocess == nil && len(req.Packs) > 0 {
		from = req.Packs[0]
	}
	lib, pc := mw.Services.Library, mw.Services.Pipeline
	if lib == nil || pc == nil {
		return
	}
	var base pipeline.PipelineConfig
	mw.Bridge.Go("reading the settings the stage cards show", func(context.Context) error {
		var pack *packs.Pack
		if from != "" {
			p, err := lib.LoadPack(from)
			if err != nil {
				return err
			}
			pack = p
		}
		b, _, err := pc.BaseConfig(req, pack)
		base = b
		return err
	}, func(err error) {
		if seq != s.baseSeq {
			return
		}
		s.baseErr = ""
		if err != nil {
			// The preview says what is wrong with the pack; the cards keep
			// what they showed.
			s.baseErr = fmt.Sprintf("The cards cannot show %s's settings: %v", orText(from, "the preset's"), err)
			s.showNote()
			return
		}
		mw.State.SetStageBase(base, from)
	})
}

// onBaseInputs re-reads the stage base when what it depends on changed.
func (s *stageCards) onBaseInputs(what app.Change) {
	if what.Has(app.ChangePacks | app.ChangePreset | app.ChangeReprocess) {
		s.refreshStageBase()
	}
}
