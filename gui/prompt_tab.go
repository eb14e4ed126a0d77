package gui

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"stablenew/app"
	"stablenew/pipeline"
	"stablenew/pipeline/packs"
	"stablenew/pipeline/random"
)

// countDelay is how long the variant counts wait for typing to pause.
const countDelay = 250 * time.Millisecond

// syntaxHelp is the Prompt tab's cheat sheet.
const syntaxHelp = `Prompt syntax

[[slot]]  a matrix slot, filled from the randomizer's Matrix slots (job: knight | archer)
__name__  a wildcard: one line of wildcards/name.txt, or a token listed in the randomizer
{a|b|c}  one of the options per prompt (every option in combinatorial mode)
{2$$a|b|c}  two different options, joined with ", "
{1-3$$a|b|c}  one to three options
<lora:name:0.8>  a LoRA at strength 0.8 (the LoRA card can change it or turn it off)
<embedding:name>  a textual-inversion embedding

Each row is one prompt; its negative goes with it. The count beside a row is how many prompts its {…} and __wildcards__ make, before the matrix and batch runs.`

// promptTab edits the rows of one pack: positive and negative per row,
// with a live count of the prompts each row makes.
type promptTab struct {
	mw *MainWindow

	packs   *widget.Select
	rowsBox *fyne.Container
	rows    []*promptRowEditor
	status  *widget.Label
	current string // the pack being edited ("" for a new one)
	// pack is the pack as loaded (its file's text, kept when saving), nil
	// for a new one.
	pack    *packs.Pack
	dirty   bool
	loading bool
	// draft, when checked, lets the preview plan the unsaved rows.
	draft *appCheck

	// split divides the rows from the syntax help; its offset is saved.
	split *container.Split
	// rowsScroll scrolls the rows (also under the wheel over a row's field).
	rowsScroll *container.Scroll
	// afterSave runs once after the next successful save (Save and quit).
	afterSave func()

	counter *Debouncer
	mu      sync.Mutex // guards texts, edits, draftFor and wildcards, read by the counter
	texts   []string
	wild    random.Wildcards
	// edits and draftFor are what the counter turns into the pack's draft
	// text (draftFor "" for none).
	edits    []packs.RowEdit
	draftFor string
	from     *packs.Pack
}

// promptRowEditor is the widgets of one row.
type promptRowEditor struct {
	// orig is the row's index in the loaded pack, -1 for an added row.
	orig     int
	box      *fyne.Container
	title    *widget.Label
	positive *appEntry
	negative *appEntry
	count    *widget.Label
}

func newPromptTab(mw *MainWindow) *promptTab {
	t := &promptTab{mw: mw, status: newStatus()}
	t.rowsBox = container.NewVBox(newHint("Open a pack above to edit its rows, or start a new one with New."))
	t.packs = widget.NewSelect(nil, t.onPick)
	t.packs.PlaceHolder = "Open a pack…"
	t.counter = NewDebouncer(countDelay, t.count)
	t.draft = newAppCheck(nil, "Preview these unsaved rows", func(bool) { t.recount() })
	t.draft.Checked = true
	mw.onLibrary(t.refreshPacks)
	return t
}

func (t *promptTab) build() fyne.CanvasObject {
	newBtn := &widget.Button{Text: "New", Icon: theme.DocumentCreateIcon(), Importance: widget.LowImportance, OnTapped: t.onNew}
	save := &widget.Button{Text: "Save", Icon: theme.DocumentSaveIcon(), OnTapped: t.onSave}
	saveAs := &widget.Button{Text: "Save as…", Icon: theme.DocumentSaveIcon(), OnTapped: t.onSaveAs}
	add := &widget.Button{Text: "Add row", Icon: theme.ContentAddIcon(), Importance: widget.LowImportance, OnTapped: t.onAddRow}
	bar := container.NewBorder(nil, nil, nil, container.NewHBox(newBtn, save, saveAs, add), t.packs)
	draft := t.mw.withTooltip(t.draft, "While the pack is selected in the sidebar, the preview (and Add to Queue) uses these rows instead of the saved file")
	help := &widget.Label{Text: syntaxHelp, Wrapping: fyne.TextWrapWord, Selectable: true}
	t.rowsScroll = container.NewVScroll(t.rowsBox)
	t.split = container.NewHSplit(t.rowsScroll, container.NewVScroll(help))
	t.split.Offset = 0.72
	if o := t.mw.State.View().PromptDivider; o > 0 && o < 1 {
		t.split.Offset = o
	}
	return container.NewBorder(container.NewVBox(bar, container.NewBorder(nil, nil, nil, draft, t.status)), nil, nil, nil, t.split)
}

// refreshPacks lists the library's packs and reopens the saved one.
func (t *promptTab) refreshPacks() {
	ids := make([]string, 0, len(t.mw.lib.Packs))
	for _, p := range t.mw.lib.Packs {
		if p.Err == nil {
			ids = append(ids, p.ID)
		}
	}
	t.loading = true
	t.packs.Options = ids
	if t.current != "" {
		t.packs.SetSelected(t.current)
	}
	t.packs.Refresh()
	t.loading = false
	if t.current == "" && !t.dirty {
		if id := t.mw.State.View().PromptPack; id != "" && slices.Contains(ids, id) {
			t.open(id)
		}
	}
}

// onPick opens a pack, after confirming that unsaved edits may go.
func (t *promptTab) onPick(id string) {
	if t.loading || id == t.current {
		return
	}
	if t.dirty {
		prev := t.current
		t.mw.confirm("Discard changes",
			fmt.Sprintf("Discard the unsaved changes to %s and open %s?", nameOrNew(prev), id), "Discard",
			func() { t.open(id) })
		t.loading = true
		t.packs.SetSelected(prev)
		t.loading = false
		return
	}
	t.open(id)
}

func nameOrNew(id string) string {
	if id == "" {
		return "the new pack"
	}
	return id
}

// open loads a pack in the background and shows its rows.
func (t *promptTab) open(id string) {
	lib := t.mw.Services.Library
	var pack *packs.Pack
	showStatus(t.status, "Opening "+id+"…")
	t.mw.Bridge.Go("opening pack "+id, func(context.Context) (err error) {
		pack, err = lib.LoadPack(id)
		return err
	}, func(err error) {
		if err != nil {
			showStatus(t.status, "")
			t.mw.ShowError("Could not open pack "+id, err)
			return
		}
		t.current, t.pack = id, pack
		t.loading = true
		t.packs.SetSelected(id)
		t.loading = false
		t.setRows(pack.Rows)
		t.setDirty(false)
		showStatus(t.status, fmt.Sprintf("%s: %d rows, from %s", id, len(pack.Rows), pack.Path))
		t.mw.State.UpdateView(func(v *app.ViewState) { v.PromptPack = id })
	})
}

// setRows replaces the editors with rows.
func (t *promptTab) setRows(rows []packs.PromptRow) {
	t.rows = t.rows[:0]
	objs := make([]fyne.CanvasObject, 0, len(rows))
	for i, r := range rows {
		e := t.newRow(r.Positive, r.Negative)
		e.orig = i
		t.rows = append(t.rows, e)
		objs = append(objs, e.box)
	}
	t.rowsBox.Objects = objs
	t.renumber()
	t.rowsBox.Refresh()
	t.recount()
}

// newRow builds the editor of one row.
func (t *promptTab) newRow(pos, neg string) *promptRowEditor {
	e := &promptRowEditor{orig: -1, title: &widget.Label{TextStyle: fyne.TextStyle{Bold: true}}}
	e.positive = newAppEntry(t.mw.keys, true)
	e.positive.SetMinRowsVisible(3)
	e.positive.SetPlaceHolder("prompt")
	e.positive.SetText(pos)
	e.positive.OnChanged = t.onEdited
	e.negative = newAppEntry(t.mw.keys, true)
	e.negative.SetMinRowsVisible(2)
	e.negative.SetPlaceHolder("negative prompt")
	e.negative.SetText(neg)
	e.negative.OnChanged = t.onEdited
	e.count = &widget.Label{Importance: widget.LowImportance, Wrapping: fyne.TextWrapWord}
	remove := &widget.Button{Icon: theme.DeleteIcon(), Importance: widget.LowImportance, OnTapped: func() { t.onRemoveRow(e) }}
	head := container.NewBorder(nil, nil, e.title, t.mw.withTooltip(remove, "Delete this row"))
	e.box = container.NewVBox(head, e.positive, e.negative, e.count, widget.NewSeparator())
	return e
}

func (t *promptTab) renumber() {
	for i, e := range t.rows {
		e.title.SetText(fmt.Sprintf("Row %d", i+1))
	}
}

func (t *promptTab) onEdited(string) {
	t.setDirty(true)
	t.recount()
}

// setDirty marks unsaved changes: a dot on the Prompt tab's title and a
// status line; clearing it also takes the draft back from the preview.
func (t *promptTab) setDirty(dirty bool) {
	was := t.dirty
	t.dirty = dirty
	title := tabPrompt
	if dirty {
		title = tabPrompt + " ●"
		showStatus(t.status, "Unsaved changes to "+nameOrNew(t.current)+": Save writes them (comments and layout kept).")
	}
	if tabs := t.mw.tabs; tabs != nil && len(tabs.Items) > 1 && tabs.Items[1].Text != title {
		tabs.Items[1].Text = title
		tabs.Refresh()
	}
	if was && !dirty {
		t.recount()
	}
}

func (t *promptTab) onAddRow() {
	e := t.newRow("", "")
	t.rows = append(t.rows, e)
	t.rowsBox.Add(e.box)
	t.renumber()
	t.setDirty(true)
	t.recount()
	t.mw.Window.Canvas().Focus(e.positive)
}

func (t *promptTab) onRemoveRow(e *promptRowEditor) {
	i := slices.Index(t.rows, e)
	if i < 0 {
		return
	}
	if strings.TrimSpace(e.positive.Text) == "" && strings.TrimSpace(e.negative.Text) == "" {
		t.removeRow(i)
		return
	}
	t.mw.confirm("Remove row", fmt.Sprintf("Remove row %d (%q)?", i+1, firstLine(e.positive.Text)), "Remove",
		func() { t.removeRow(slices.Index(t.rows, e)) })
}

func (t *promptTab) removeRow(i int) {
	if i < 0 || i >= len(t.rows) {
		return
	}
	t.rowsBox.Remove(t.rows[i].box)
	t.rows = slices.Delete(t.rows, i, i+1)
	t.renumber()
	t.setDirty(true)
	t.recount()
}

func (t *promptTab) onNew() {
	start := func() {
		t.current, t.pack = "", nil
		t.loading = true
		t.packs.ClearSelected()
		t.loading = false
		t.setRows([]packs.PromptRow{{}})
		t.rows[0].orig = -1
		t.setDirty(false)
		showStatus(t.status, "New pack: Save as… names it.")
	}
	if t.dirty {
		t.mw.confirm("Discard changes", fmt.Sprintf("Discard the unsaved changes to %s?", nameOrNew(t.current)), "Discard", start)
		return
	}
	start()
}

// rowEdits returns the edited rows with the rows they were loaded as.
func (t *promptTab) rowEdits() []packs.RowEdit {
	out := make([]packs.RowEdit, len(t.rows))
	for i, e := range t.rows {
		out[i] = packs.RowEdit{Orig: e.orig, Positive: strings.TrimSpace(e.positive.Text), Negative: strings.TrimSpace(e.negative.Text)}
		if t.pack != nil && e.orig >= 0 && e.orig < len(t.pack.Rows) {
			// An untouched row keeps its text exactly, so its lines stay.
			if r := t.pack.Rows[e.orig]; out[i].Positive == strings.TrimSpace(r.Positive) && out[i].Negative == strings.TrimSpace(r.Negative) {
				out[i].Positive, out[i].Negative = r.Positive, r.Negative
			}
		}
	}
	return out
}

func (t *promptTab) onSave() {
	t.afterSave = nil
	if t.current == "" {
		t.onSaveAs()
		return
	}
	id := t.current
	t.mw.confirm("Save pack", fmt.Sprintf("Overwrite the file of pack %s with these %d rows?", id, len(t.rows)), "Save",
		func() { t.save(id) })
}

func (t *promptTab) onSaveAs() {
	t.afterSave = nil
	t.mw.askName("Save pack as", "Pack id", t.current, "Save", t.saveAs)
}

// saveAs saves under a new id, confirming when it replaces or hides a pack.
func (t *promptTab) saveAs(id string) {
	for _, p := range t.mw.lib.Packs {
		if p.ID != id {
			continue
		}
		what := "Overwrite the file of pack " + id + "?"
		if p.Sample {
			what = id + " is a shipped sample pack. Save your copy under that id (it hides the sample)?"
		}
		t.mw.confirm("Save pack", what, "Save", func() { t.save(id) })
		return
	}
	t.save(id)
}

// save writes the rows as pack id (overwriting) in the background,
// keeping the loaded file's comments, header and layout.
func (t *promptTab) save(id string) {
	edits, from := t.rowEdits(), t.pack
	lib := t.mw.Services.Library
	var saved *packs.Pack
	t.mw.Bridge.Go("saving pack "+id, func(context.Context) error {
		if err := lib.SavePackEdits(id, from, edits, true); err != nil {
			return err
		}
		var err error
		saved, err = lib.LoadPack(id)
		return err
	}, func(err error) {
		after := t.afterSave
		t.afterSave = nil
		if err != nil {
			t.mw.ShowError("Could not save pack "+id, err)
			return
		}
		if prev := t.current; prev != "" && prev != id {
			t.mw.State.SetPackDraft(prev, nil)
		}
		t.current, t.pack = id, saved
		for i, e := range t.rows {
			e.orig = i
		}
		t.setDirty(false)
		showStatus(t.status, fmt.Sprintf("Saved %s (%d rows).", id, len(edits)))
		t.mw.State.UpdateView(func(v *app.ViewState) { v.PromptPack = id })
		t.mw.reloadLibrary()
		if after != nil {
			after()
		}
	})
}

// saveThen saves the edits (asking for an id when the pack is new) and
// runs then once they are saved; a failed or cancelled save does not run
// it.
func (t *promptTab) saveThen(then func()) {
	t.afterSave = then
	if t.current == "" {
		t.mw.askName("Save pack as", "Pack id", "", "Save", t.saveAs)
		return
	}
	t.save(t.current)
}

// recount hands the current texts, and the rows of the preview's draft, to
// the counter.
func (t *promptTab) recount() {
	texts := make([]string, len(t.rows))
	for i, e := range t.rows {
		texts[i] = e.positive.Text
	}
	draftFor := ""
	if t.dirty && t.current != "" && t.draft.Checked {
		draftFor = t.current
	} else if t.current != "" {
		t.mw.State.SetPackDraft(t.current, nil)
	}
	t.mu.Lock()
	t.texts = texts
	t.edits, t.draftFor, t.from = t.rowEdits(), draftFor, t.pack
	t.mu.Unlock()
	t.counter.Trigger()
}

// updateDraft gives the State the pack's unsaved text (on the counter's
// goroutine), or takes it back when the rows cannot be written.
func (t *promptTab) updateDraft(ctx context.Context) {
	t.mu.Lock()
	edits, id, from := t.edits, t.draftFor, t.from
	t.mu.Unlock()
	if id == "" || ctx.Err() != nil {
		return
	}
	var text []byte
	var err error
	if from != nil && from.Source != nil {
		text, err = packs.EditPack(from.Source, from.Path, edits)
	} else {
		rows := make([]packs.PromptRow, len(edits))
		for i, e := range edits {
			rows[i] = packs.PromptRow{Positive: e.Positive, Negative: e.Negative}
		}
		text, err = packs.FormatPack(rows, ".txt")
	}
	if ctx.Err() != nil {
		return
	}
	if err != nil {
		text = nil // the preview plans the saved file; the rows say what is wrong
	}
	t.mw.State.SetPackDraft(id, text)
}

// count runs on the debouncer's goroutine: it counts each row's prompts and
// hands the labels to the UI goroutine unless a newer edit came in.
func (t *promptTab) count(ctx context.Context) {
	t.updateDraft(ctx)
	t.mu.Lock()
	texts, wild := t.texts, t.wild
	t.mu.Unlock()
	if wild == nil {
		wild = t.loadWildcards()
	}
	labels := make([]rowCount, len(texts))
	for i, s := range texts {
		if ctx.Err() != nil {
			return
		}
		labels[i] = countRow(s, wild)
	}
	t.mw.Bridge.Do(func() {
		if ctx.Err() != nil {
			return
		}
		for i, l := range labels {
			if i < len(t.rows) {
				t.rows[i].count.Importance = l.importance
				t.rows[i].count.SetText(l.text)
			}
		}
	})
}

// loadWildcards reads the wildcard folders once (on the counter's goroutine).
func (t *promptTab) loadWildcards() random.Wildcards {
	var srcs []random.Wildcards
	for _, dir := range t.mw.Services.Library.WildcardDirs() {
		if w, err := random.LoadWildcardDir(dir); err == nil {
			srcs = append(srcs, w)
		}
	}
	wild := random.Chain(srcs...)
	t.mu.Lock()
	t.wild = wild
	t.mu.Unlock()
	return wild
}

// rowCount is the label of one row's count.
type rowCount struct {
	text       string
	importance widget.Importance
}

// countRow counts the prompts a row's text makes.
func countRow(s string, wild random.Wildcards) rowCount {
	if strings.TrimSpace(s) == "" {
		return rowCount{text: "empty", importance: widget.WarningImportance}
	}
	tmpl, err := random.ParseTemplate(s)
	if err != nil {
		return rowCount{text: firstLine(err.Error()), importance: widget.DangerImportance}
	}
	n, err := tmpl.Count(random.ExpandOptions{Wildcards: wild})
	if err != nil {
		return rowCount{text: firstLine(err.Error()), importance: widget.DangerImportance}
	}
	text := fmt.Sprintf("%s variant(s)", random.FormatCount(n))
	if strings.Contains(s, "[[") {
		text += " × matrix"
	}
	if n > pipeline.HardMaxVariants {
		return rowCount{text: fmt.Sprintf("%s variants: more than a plan may make (%d)", random.FormatCount(n), pipeline.HardMaxVariants),
			importance: widget.DangerImportance}
	}
	return rowCount{text: text, importance: widget.LowImportance}
}
