package gui

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"stablenew/app"
	"stablenew/pipeline/queue"
)

// tabLearning is the Learning tab's title.
const tabLearning = "Learning"

// expItem is one line of the experiment list.
type expItem struct {
	id, title, detail string
}

// learningTab is the Learning tab: the experiment builder and the list of
// experiments on the left; the open experiment's grid (cells × seeds), the
// selected image large with its rating, and what won, on the right.
// Everything in it runs on the UI goroutine; the database is read and
// written through Bridge work.
type learningTab struct {
	mw *MainWindow
	h  *panelHub

	builder *learnBuilder
	grid    *learnGrid
	detail  *learnDetail

	list  *widget.List
	items []expItem

	title     *widget.Label
	summary   *widget.Label
	message   *widget.Label
	byRating  *appCheck
	applyBest *widget.Button
	saveBest  *widget.Button
	saveGrid  *widget.Button
	export    *widget.Button

	view *expView
	// loading is set while the view reloads; again asks for one more.
	loading, again bool
	listing        bool
}

func newLearningTab(mw *MainWindow) *learningTab {
	t := &learningTab{mw: mw, h: hubOf(mw)}
	t.h.learning = t
	t.builder = newLearnBuilder(t)
	t.grid = newLearnGrid(t.h)
	t.detail = newLearnDetail(t)
	t.grid.onSelect = t.detail.show
	t.grid.table.onRate = t.detail.rate
	t.list = widget.NewList(func() int { return len(t.items) }, newExpRow, t.updateExpRow)
	t.list.OnSelected = func(i widget.ListItemID) {
		if i < len(t.items) && (t.view == nil || t.view.id != t.items[i].id) {
			t.open(t.items[i].id)
		}
	}
	t.title = &widget.Label{Text: "No experiment open", TextStyle: fyne.TextStyle{Bold: true}, Truncation: fyne.TextTruncateEllipsis}
	t.summary = &widget.Label{Importance: widget.LowImportance, Truncation: fyne.TextTruncateEllipsis}
	t.message = newMessage()
	t.byRating = newAppCheck(nil, "Sort by mean rating", func(bool) { t.show() })
	t.applyBest = &widget.Button{Text: "Apply best", Icon: theme.ConfirmIcon(), OnTapped: t.onApplyBest}
	t.saveBest = &widget.Button{Text: "Best as preset…", Icon: theme.DocumentSaveIcon(), OnTapped: t.onSaveBest}
	t.saveGrid = &widget.Button{Text: "Grid PNG…", Icon: theme.FileImageIcon(), OnTapped: t.onSaveGrid}
	t.export = &widget.Button{Text: "Export…", Icon: theme.DocumentSaveIcon(), OnTapped: t.onExport}
	t.enableActions()
	return t
}

// build lays out the tab.
func (t *learningTab) build() fyne.CanvasObject {
	left := container.NewBorder(
		container.NewVBox(t.builder.build(), widget.NewSeparator(),
			&widget.Label{Text: "Experiments", TextStyle: fyne.TextStyle{Bold: true}}),
		nil, nil, nil, minHeight(t.list, 120))
	actions := container.NewHBox(t.byRating, t.applyBest, t.saveBest, t.saveGrid, t.export)
	top := container.NewVBox(t.title, t.summary, actions, t.message)
	split := container.NewHSplit(t.grid.table, container.NewVScroll(t.detail.build()))
	split.Offset = 0.62
	right := container.NewBorder(top, nil, nil, nil, split)
	outer := container.NewHSplit(container.NewVScroll(left), right)
	outer.Offset = 0.3
	return outer
}

// start fills the builder and the list.
func (t *learningTab) start() {
	t.builder.start()
	t.reloadList()
	t.startLearningDemo()
}

// say shows a message above the grid ("" hides it).
func (t *learningTab) say(text string, imp widget.Importance) { showMessage(t.message, text, imp) }

func newExpRow() fyne.CanvasObject {
	return container.NewVBox(
		&widget.Label{TextStyle: fyne.TextStyle{Bold: true}, Truncation: fyne.TextTruncateEllipsis},
		&widget.Label{Importance: widget.LowImportance, Truncation: fyne.TextTruncateEllipsis})
}

func (t *learningTab) updateExpRow(i widget.ListItemID, o fyne.CanvasObject) {
	if i >= len(t.items) {
		return
	}
	box := o.(*fyne.Container)
	box.Objects[0].(*widget.Label).SetText(t.items[i].title)
	box.Objects[1].(*widget.Label).SetText(t.items[i].detail)
}

// experimentItem describes a stored experiment for the list.
func experimentItem(r app.ExperimentSummary) expItem {
	e := r.Experiment
	title := r.ID
	if len(e.Sweeps) > 0 {
		what := fmt.Sprintf("%s row %d", e.Pack, e.Row+1)
		if e.Prompt != "" {
			what = "“" + oneLine(e.Prompt, 24) + "”"
		}
		var fields string
		for i, s := range e.Sweeps {
			if i > 0 {
				fields += " × "
			}
			fields += shortField(s.Field)
		}
		title = fmt.Sprintf("%s · %s", fields, what)
	}
	detail := fmt.Sprintf("%s · %s · %d/%d done", r.ID, r.CreatedAt.Local().Format("Jan 2 15:04"), r.Completed, r.Jobs)
	if r.Failed > 0 {
		detail += fmt.Sprintf(", %d failed", r.Failed)
	}
	if r.Rated > 0 {
		detail += fmt.Sprintf(", %d rated", r.Rated)
	}
	return expItem{id: r.ID, title: title, detail: detail}
}

// reloadList reads the stored experiments in the background.
func (t *learningTab) reloadList() {
	if t.listing {
		return
	}
	t.listing = true
	svc := t.mw.Services
	var items []expItem
	t.h.goWork("listing experiments", func(context.Context) error {
		recs, err := svc.Experiments()
		for _, r := range recs {
			items = append(items, experimentItem(r))
		}
		return err
	}, func(err error) {
		t.listing = false
		if err != nil {
			t.say("Could not list the experiments: "+err.Error(), widget.DangerImportance)
			return
		}
		t.items = items
		t.list.Refresh()
		t.markOpen()
	})
}

// markOpen selects the open experiment in the list.
func (t *learningTab) markOpen() {
	for i, it := range t.items {
		if t.view != nil && it.id == t.view.id {
			t.list.Select(i)
			return
		}
	}
}

// open shows an experiment's grid, read in the background.
func (t *learningTab) open(id string) {
	if t.view == nil || t.view.id != id {
		t.view = &expView{id: id, best: -1}
		t.grid.setView(nil, nil)
		t.detail.show(nil, nil)
		t.title.SetText("Experiment " + id)
		t.summary.SetText("Reading…")
	}
	t.markOpen()
	t.reload()
}

// reload reads the open experiment again in the background; at most one
// read runs, and edits during one ask for another.
func (t *learningTab) reload() {
	if t.view == nil {
		return
	}
	if t.loading {
		t.again = true
		return
	}
	t.loading = true
	id := t.view.id
	svc := t.mw.Services
	var v *expView
	t.h.goWork("reading experiment "+id, func(context.Context) error {
		var err error
		v, err = loadExperiment(svc, id)
		return err
	}, func(err error) {
		t.loading = false
		switch {
		case t.view == nil || t.view.id != id:
		case err != nil:
			t.say("Could not read experiment "+id+": "+err.Error(), widget.DangerImportance)
		default:
			t.view = v
			t.show()
		}
		if t.again {
			t.again = false
			t.reload()
		}
	})
}

// show lays the open view out in the grid, keeping the selection.
func (t *learningTab) show() {
	v := t.view
	if v == nil {
		return
	}
	_, sel := t.grid.current()
	selJob := ""
	if sel != nil {
		selJob = sel.jobID
	}
	// A label's SetText shapes its text again even when it is the same.
	if title := titleOf(t.items, v.id); t.title.Text != title {
		t.title.SetText(title)
	}
	if sum := v.summary(); t.summary.Text != sum {
		t.summary.SetText(sum)
	}
	t.grid.setView(v, v.sortedCells(t.byRating.Checked))
	if selJob != "" {
		t.grid.selectJob(selJob)
	}
	t.enableActions()
}

// titleOf is the list's title of an experiment, or its id.
func titleOf(items []expItem, id string) string {
	for _, it := range items {
		if it.id == id {
			return it.title
		}
	}
	return "Experiment " + id
}

// enableActions enables what the open experiment allows.
func (t *learningTab) enableActions() {
	hasBest := t.view != nil && t.view.best >= 0
	setEnabled(t.applyBest, hasBest)
	setEnabled(t.saveBest, hasBest)
	setEnabled(t.saveGrid, t.view != nil && len(t.view.cells) > 0)
	setEnabled(t.export, t.view != nil && len(t.view.cells) > 0)
}

// setEnabled enables or disables a button.
func setEnabled(b *widget.Button, on bool) {
	if on {
		b.Enable()
	} else {
		b.Disable()
	}
}

// apply hears the queue's events: the open experiment is read again when
// one of its jobs changed, and the list when jobs finished.
func (t *learningTab) apply(b *uiBatch) {
	if len(b.events) == 0 {
		return
	}
	mine := false
	for _, e := range b.events {
		if t.view != nil && (t.loading || t.view.pending > 0 || t.view.has(e.JobID) ||
			e.Kind == queue.HistoryChanged || e.Kind == queue.JobRequeued) {
			mine = true
		}
	}
	if mine {
		t.reload()
	}
	if b.historyChanged() {
		t.reloadList()
	}
}
