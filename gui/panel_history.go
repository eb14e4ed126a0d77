package gui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"stablenew/pipeline/queue"
)

// History page size: how many jobs one load reads ("Show more" adds a page).
const historyPage = 200

// historyFilters are the status filter's choices.
var historyFilters = []string{"All", "Completed", "Failed", "Cancelled"}

// historyRow is one finished job with its texts formatted off the UI
// goroutine.
type historyRow struct {
	rec    *queue.HistoryItem
	title  string
	detail string
	// third is the error of a failed or cancelled job, or the prompt.
	third  string
	failed bool
	thumb  string // first output, or ""
}

// historyPanel lists finished jobs, newest first, with a thumbnail, status,
// finish time, duration, image count and, for failed jobs, the error. It
// filters by status and prompt text and acts on the selected job.
type historyPanel struct {
	h    *panelHub
	tab  *container.TabItem
	tabs *container.AppTabs

	filter  *widget.Select
	search  *appEntry
	list    *widget.List
	count   *widget.Label
	message *widget.Label
	// reason is the whole reason of the selected failed or cancelled job.
	reason *widget.Label
	more   *widget.Button

	open, requeue, retry, retryAll, load, inspect, reprocess, prune *widget.Button

	rows     []historyRow
	selected int
	limit    int
	seq      int // load generation: older loads are dropped
	thumbs   *thumbCache
	searchT  *time.Timer
	inspectr *imageInspector
	// loaded is the last "Load settings" (tests read it).
	loaded *stageLoad
	// pruning is the Clear history dialog opened last (tests read it).
	pruning *historyPrune
	// openFolder opens a folder in the file manager (tests replace it).
	openFolder func(dir string) error
	// selectFirst selects the newest row once the next load is in.
	selectFirst bool
	// listed is set once History has shown. Until then the window reads
	// no history (its first page of 200 jobs is about 1 MB in memory) and
	// a change of the history is left for the first read to see.
	listed bool
}

func newHistoryPanel(h *panelHub) *historyPanel {
	p := &historyPanel{h: h, selected: -1, limit: historyPage, openFolder: openInFileManager}
	p.filter = widget.NewSelect(historyFilters, p.onFilter)
	p.filter.Selected = historyFilters[0]
	p.search = newAppEntry(h.mw.keys, false)
	p.search.SetPlaceHolder("Search prompts…")
	p.search.OnChanged = p.onSearch
	p.list = widget.NewList(p.length, p.createRow, p.updateRow)
	p.list.OnSelected = p.onSelected
	p.list.OnUnselected = p.onUnselected
	p.count = &widget.Label{Importance: widget.LowImportance}
	p.message = newMessage()
	p.reason = newMessage()
	p.reason.Selectable = true
	p.more = &widget.Button{Text: "Show more", Importance: widget.LowImportance, OnTapped: p.onMore}
	p.more.Hide()
	p.open = &widget.Button{Text: "Open folder", Icon: theme.FolderOpenIcon(), OnTapped: p.onOpenFolder}
	p.requeue = &widget.Button{Text: "Re-queue", Icon: theme.MediaReplayIcon(), OnTapped: p.onRequeue}
	p.retry = &widget.Button{Text: "Retry", Icon: theme.ViewRefreshIcon(), OnTapped: p.onRetry}
	p.retryAll = &widget.Button{Text: "Retry all failed", Icon: theme.ViewRefreshIcon(), OnTapped: p.onRetryAll}
	p.load = &widget.Button{Text: "Load settings", Icon: theme.DocumentIcon(), OnTapped: p.onLoadSettings}
	p.inspect = &widget.Button{Text: "Inspect image", Icon: theme.SearchIcon(), OnTapped: p.onInspect}
	p.reprocess = &widget.Button{Text: "Reprocess…", Icon: theme.MediaReplayIcon(), OnTapped: p.onReprocess}
	p.prune = &widget.Button{Text: "Clear history…", Icon: theme.DeleteIcon(), Importance: widget.LowImportance, OnTapped: p.onPrune}
	p.thumbs = newThumbCache(h, p.onThumb)
	p.inspectr = newImageInspector(h)
	p.updateButtons()
	return p
}

// build lays out the filters, the list and the actions.
func (p *historyPanel) build() fyne.CanvasObject {
	refresh := &widget.Button{Icon: theme.ViewRefreshIcon(), Importance: widget.LowImportance, OnTapped: p.reload}
	top := container.NewBorder(nil, nil, p.filter, p.h.mw.withTooltip(refresh, "Reload the history"), p.search)
	actions := container.NewGridWithColumns(3, p.open, p.inspect, p.load, p.requeue, p.reprocess, p.retry, p.retryAll, p.prune)
	bottom := container.NewVBox(p.reason, container.NewBorder(nil, nil, nil, p.more, p.count), actions, p.message)
	return container.NewBorder(top, bottom, nil, nil, minHeight(p.list, historyListMin))
}

// historyListMin is the height the history list keeps on a short window
// (about three rows), so that the actions below it stay on screen at 700 px.
const historyListMin = 100

// filterOf is the HistoryFilter of the current choices.
func (p *historyPanel) filterOf() queue.HistoryFilter {
	f := queue.HistoryFilter{Search: strings.TrimSpace(p.search.Text), Limit: p.limit}
	switch p.filter.Selected {
	case "Completed":
		f.Status = queue.StatusCompleted
	case "Failed":
		f.Status = queue.StatusFailed
	case "Cancelled":
		f.Status = queue.StatusCancelled
	}
	return f
}

// shown reads the history the first time History shows (UI goroutine).
func (p *historyPanel) shown() {
	if !p.listed {
		p.listed = true
		p.reload()
	}
}

// reload reads the history again in the background, once History has
// shown (see shown).
func (p *historyPanel) reload() {
	if !p.listed {
		return
	}
	p.seq++
	seq, f := p.seq, p.filterOf()
	q := p.h.mw.Services.Queue
	var rows []historyRow
	p.h.goWork("reading the history", func(context.Context) error {
		items, err := q.History(f)
		if err != nil {
			return err
		}
		rows = historyRows(items, time.Now())
		return nil
	}, func(err error) {
		if seq != p.seq {
			return
		}
		if err != nil {
			showMessage(p.message, "Could not read the history: "+err.Error(), widget.DangerImportance)
			return
		}
		p.setRows(rows, f.Limit)
	})
}

// historyRows formats history items for the list.
func historyRows(items []queue.HistoryItem, now time.Time) []historyRow {
	rows := make([]historyRow, len(items))
	for i := range items {
		rec := &items[i]
		r := historyRow{rec: rec}
		r.title = jobTitle(rec.PackID, inputImage(rec.Config), rec.PromptIndex, rec.VariantIndex, rec.VariantTotal, rec.BatchIndex, rec.BatchTotal, rec.Seed, modelOf(rec))
		var parts []string
		parts = append(parts, statusText(rec.Status))
		if rec.FinishedAt != nil {
			parts = append(parts, fmtClock(*rec.FinishedAt, now))
			if rec.StartedAt != nil {
				parts = append(parts, fmtSeconds(rec.FinishedAt.Sub(*rec.StartedAt)))
			}
		}
		parts = append(parts, plural(len(rec.Outputs), "image", "images"))
		r.detail = strings.Join(parts, " · ")
		switch {
		case rec.Status != queue.StatusCompleted && rec.Error != "":
			r.third, r.failed = oneLine(rec.Error, rowTextMax), true
		case rec.Config != nil:
			r.third = oneLine(rec.Config.Prompt.Positive, rowTextMax)
		}
		if len(rec.Outputs) > 0 {
			r.thumb = rec.Outputs[0]
		}
		rows[i] = r
	}
	return rows
}

func modelOf(rec *queue.HistoryItem) string {
	if rec.Result != nil && rec.Result.Model != "" {
		return rec.Result.Model
	}
	if rec.Config != nil {
		return rec.Config.Txt2Img.Model
	}
	return ""
}

func statusText(s queue.Status) string {
	switch s {
	case queue.StatusCompleted:
		return "✓ completed"
	case queue.StatusFailed:
		return "✗ failed"
	case queue.StatusCancelled:
		return "cancelled"
	}
	return string(s)
}

// setRows shows a loaded page, keeping the selected job selected.
func (p *historyPanel) setRows(rows []historyRow, limit int) {
	keep := ""
	if r := p.selectedRow(); r != nil {
		keep = r.rec.JobID
	}
	p.rows = rows
	p.selected = -1
	p.list.UnselectAll()
	p.list.Refresh()
	for i := range rows {
		if rows[i].rec.JobID == keep {
			p.list.Select(i)
			break
		}
	}
	if p.selectFirst && len(rows) > 0 {
		p.list.Select(0)
	}
	p.selectFirst = false
	p.count.SetText(fmt.Sprintf("%s shown", plural(len(rows), "job", "jobs")))
	setVisible(p.more, len(rows) >= limit)
	p.updateButtons()
}

func (p *historyPanel) length() int { return len(p.rows) }

func (p *historyPanel) createRow() fyne.CanvasObject {
	img := &canvas.Image{FillMode: canvas.ImageFillContain, ScaleMode: canvas.ImageScaleFastest}
	img.SetMinSize(fyne.NewSize(thumbSize, thumbSize))
	title := &widget.Label{Text: "title", TextStyle: fyne.TextStyle{Bold: true}, Truncation: fyne.TextTruncateEllipsis}
	detail := &widget.Label{Text: "detail", Truncation: fyne.TextTruncateEllipsis}
	third := &widget.Label{Text: "prompt or error", Importance: widget.LowImportance, Truncation: fyne.TextTruncateEllipsis}
	return container.NewBorder(nil, nil, img, nil, container.New(&rowsLayout{}, title, detail, third))
}

func (p *historyPanel) updateRow(id widget.ListItemID, obj fyne.CanvasObject) {
	if id < 0 || id >= len(p.rows) {
		return
	}
	r := &p.rows[id]
	c := obj.(*fyne.Container)
	texts := c.Objects[0].(*fyne.Container).Objects
	img := c.Objects[1].(*canvas.Image)
	setLabel(texts[0].(*widget.Label), r.title)
	setLabel(texts[1].(*widget.Label), r.detail)
	third := texts[2].(*widget.Label)
	imp := widget.LowImportance
	if r.failed {
		imp = widget.DangerImportance
	}
	if third.Text != r.third || third.Importance != imp {
		third.Text, third.Importance = r.third, imp
		third.Refresh()
	}
	thumb, _ := p.thumbs.get(r.thumb)
	if img.Image != thumb {
		img.Image = thumb
		img.Refresh()
	}
}

// onThumb refreshes the rows that show a thumbnail that just arrived.
func (p *historyPanel) onThumb(path string) {
	for i := range p.rows {
		if p.rows[i].thumb == path {
			p.list.RefreshItem(i)
		}
	}
}

func (p *historyPanel) onSelected(id widget.ListItemID) {
	p.selected = id
	p.updateButtons()
	p.showReason()
}

func (p *historyPanel) onUnselected(id widget.ListItemID) {
	if p.selected == id {
		p.selected = -1
	}
	p.updateButtons()
	p.showReason()
}

// showReason shows why the selected job failed or was cancelled, whole.
func (p *historyPanel) showReason() {
	text, imp := "", widget.DangerImportance
	if r := p.selectedRow(); r != nil && r.failed {
		text = statusText(r.rec.Status) + ": " + r.rec.Error
		if r.rec.Status == queue.StatusCancelled {
			imp = widget.WarningImportance
		}
	}
	showMessage(p.reason, text, imp)
}

// selectedRow is the selected job, or nil.
func (p *historyPanel) selectedRow() *historyRow {
	if p.selected < 0 || p.selected >= len(p.rows) {
		return nil
	}
	return &p.rows[p.selected]
}

// updateButtons enables the actions the selected job allows.
func (p *historyPanel) updateButtons() {
	r := p.selectedRow()
	has := r != nil
	enable(p.open, has)
	enable(p.requeue, has)
	enable(p.load, has && r.rec.Config != nil)
	enable(p.inspect, has && len(r.rec.Outputs) > 0)
	enable(p.reprocess, has && len(r.rec.Outputs) > 0)
	enable(p.retry, has && (r.rec.Status == queue.StatusFailed || r.rec.Status == queue.StatusCancelled))
}

// showFailed lists the failed jobs, newest first and selected, each with
// the reason it failed.
func (p *historyPanel) showFailed() {
	p.selectFirst = true
	if p.filter.Selected == "Failed" {
		p.reload()
		return
	}
	p.filter.SetSelected("Failed") // reloads
}

func (p *historyPanel) onFilter(string) {
	p.limit = historyPage
	p.reload()
}

// onSearch reloads a moment after the last keystroke.
func (p *historyPanel) onSearch(string) {
	if p.searchT != nil {
		p.searchT.Stop()
	}
	p.searchT = time.AfterFunc(300*time.Millisecond, func() { p.h.do("history search", p.onFilterChanged) })
}

func (p *historyPanel) onFilterChanged() {
	p.limit = historyPage
	p.reload()
}

func (p *historyPanel) onMore() {
	p.limit += historyPage
	p.reload()
}
