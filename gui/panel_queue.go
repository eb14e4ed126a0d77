package gui

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"stablenew/pipeline/queue"
)

// queuePanel lists the queued jobs in run order, numbered, with a
// multi-selection that the buttons act on: Up, Down, Top, Bottom, Move to
// a typed position, Remove and Clear. The selection is kept by job id, so
// it follows the jobs it moved. It shows the whole queue's ETA and finish
// time.
type queuePanel struct {
	h    *panelHub
	tab  *container.TabItem
	tabs *container.AppTabs

	title   *widget.Label
	eta     *widget.Label
	list    *widget.List
	all     *appCheck
	pos     *appEntry
	message *widget.Label

	up, down, top, bottom, moveTo, remove, clear *widget.Button

	// items are the queued jobs, in run order: the queue's own summaries,
	// shared with it (read-only).
	items []*queue.QueueItem
	// selected holds the selected job ids; anchor is the last clicked row.
	selected map[string]bool
	anchor   int
	// follow scrolls to the selection after the next snapshot (after a move).
	follow     bool
	settingAll bool
	confirm    dialog.Dialog
}

func newQueuePanel(h *panelHub) *queuePanel {
	p := &queuePanel{h: h, selected: map[string]bool{}, anchor: -1}
	p.title = &widget.Label{Text: "Queue (0 jobs)", TextStyle: fyne.TextStyle{Bold: true}}
	p.eta = &widget.Label{Importance: widget.LowImportance, Truncation: fyne.TextTruncateEllipsis}
	p.list = widget.NewList(p.length, p.createRow, p.updateRow)
	p.all = newAppCheck(nil, "All", p.onSelectAll)
	p.pos = newAppEntry(h.mw.keys, false)
	p.pos.SetPlaceHolder("pos.")
	p.pos.OnSubmitted = p.onMoveToSubmitted
	p.message = newMessage()
	p.up = &widget.Button{Text: "Up", Icon: theme.MoveUpIcon(), OnTapped: p.onUp}
	p.down = &widget.Button{Text: "Down", Icon: theme.MoveDownIcon(), OnTapped: p.onDown}
	p.top = &widget.Button{Text: "Top", Icon: theme.UploadIcon(), OnTapped: p.onTop}
	p.bottom = &widget.Button{Text: "Bottom", Icon: theme.DownloadIcon(), OnTapped: p.onBottom}
	p.moveTo = &widget.Button{Text: "Move to…", OnTapped: p.onMoveTo}
	p.remove = &widget.Button{Text: "Remove", Icon: theme.DeleteIcon(), OnTapped: p.onRemove}
	p.clear = &widget.Button{Text: "Clear…", Icon: theme.ContentClearIcon(), Importance: widget.DangerImportance, OnTapped: p.onClear}
	p.updateButtons()
	return p
}

// build lays out the header, the list and the buttons.
func (p *queuePanel) build() fyne.CanvasObject {
	header := container.NewBorder(nil, nil, p.title, p.all, p.eta)
	moves := container.NewGridWithColumns(4, p.up, p.down, p.top, p.bottom)
	edits := container.NewBorder(nil, nil, nil, container.NewHBox(p.remove, p.clear),
		container.NewBorder(nil, nil, nil, p.moveTo, p.pos))
	return container.NewBorder(header, container.NewVBox(moves, edits, p.message), nil, nil, minHeight(p.list, 160))
}

func (p *queuePanel) length() int { return len(p.items) }

func (p *queuePanel) createRow() fyne.CanvasObject { return newQueueRow(p) }

func (p *queuePanel) updateRow(id widget.ListItemID, obj fyne.CanvasObject) {
	if id < 0 || id >= len(p.items) {
		return
	}
	it := p.items[id]
	title := jobTitle(it.PackID, it.InputImage, it.PromptIndex, it.VariantIndex, it.VariantTotal, it.BatchIndex, it.BatchTotal, it.Seed, it.Model)
	if it.Attempts > 0 && it.Error != "" {
		title += " · retry after: " + it.Error
	}
	obj.(*queueRow).show(id, strconv.Itoa(id+1)+".", title, oneLine(it.Prompt, rowTextMax), p.selected[it.JobID])
}

// setSnapshot shows a new state of the queue, keeping the selection of
// jobs still queued. A snapshot without the queued jobs (read before the
// panel first showed) changes nothing.
func (p *queuePanel) setSnapshot(s *queueSnapshot) {
	if !s.Listed {
		return
	}
	p.items = s.Queued
	// Keep only the selected jobs still queued (no index of every job:
	// this runs on the UI goroutine for queues of 10,000).
	if len(p.selected) > 0 {
		still := make(map[string]bool, len(p.selected))
		for i := range p.items {
			if id := p.items[i].JobID; p.selected[id] {
				still[id] = true
			}
		}
		p.selected = still
	}
	if p.anchor >= len(p.items) {
		p.anchor = -1
	}
	n := len(p.items)
	p.title.SetText(fmt.Sprintf("Queue (%s)", plural(n, "job", "jobs")))
	p.setETA(s)
	p.list.Refresh()
	if p.follow {
		p.follow = false
		if first := p.firstSelected(); first >= 0 {
			p.list.ScrollTo(first)
		}
	}
	p.syncAll()
	p.updateButtons()
}

// setETA shows the whole queue's remaining time and finish time.
func (p *queuePanel) setETA(s *queueSnapshot) {
	if s.empty() {
		p.eta.SetText("")
		return
	}
	finish := s.Finish.Local().Format("15:04")
	if s.Finish.Sub(s.Taken) > 20*time.Hour {
		finish = s.Finish.Local().Format("Mon 15:04")
	}
	text := fmt.Sprintf("ETA %s · done ≈ %s", fmtEstimate(s.ETA, s.Known), finish)
	if s.Paused {
		text += " (once resumed)"
	}
	p.eta.SetText(text)
}

// selectedIDs returns the selected job ids in queue order.
func (p *queuePanel) selectedIDs() []string {
	var ids []string
	for i := range p.items {
		if p.selected[p.items[i].JobID] {
			ids = append(ids, p.items[i].JobID)
		}
	}
	return ids
}

// firstSelected is the index of the first selected job, or -1.
func (p *queuePanel) firstSelected() int {
	for i := range p.items {
		if p.selected[p.items[i].JobID] {
			return i
		}
	}
	return -1
}

// onRowTapped selects a row: alone, toggled (Ctrl) or as a range (Shift).
func (p *queuePanel) onRowTapped(index int, m fyne.KeyModifier) {
	if index < 0 || index >= len(p.items) {
		return
	}
	id := p.items[index].JobID
	switch {
	case m&fyne.KeyModifierShift != 0 && p.anchor >= 0:
		lo, hi := min(p.anchor, index), max(p.anchor, index)
		for i := lo; i <= hi; i++ {
			p.selected[p.items[i].JobID] = true
		}
	case m&(fyne.KeyModifierControl|fyne.KeyModifierSuper) != 0:
		p.toggle(id)
		p.anchor = index
	default:
		clear(p.selected)
		p.selected[id] = true
		p.anchor = index
	}
	p.selectionChanged()
}

// setRowSelected adds or removes one row (its check).
func (p *queuePanel) setRowSelected(index int, on bool) {
	if index < 0 || index >= len(p.items) {
		return
	}
	id := p.items[index].JobID
	if on {
		p.selected[id] = true
	} else {
		delete(p.selected, id)
	}
	p.anchor = index
	p.selectionChanged()
}

func (p *queuePanel) toggle(id string) {
	if p.selected[id] {
		delete(p.selected, id)
	} else {
		p.selected[id] = true
	}
}

func (p *queuePanel) onSelectAll(on bool) {
	if p.settingAll {
		return
	}
	clear(p.selected)
	if on {
		for i := range p.items {
			p.selected[p.items[i].JobID] = true
		}
	}
	p.selectionChanged()
}

func (p *queuePanel) selectionChanged() {
	p.list.Refresh()
	p.syncAll()
	p.updateButtons()
}

// syncAll shows whether every job is selected.
func (p *queuePanel) syncAll() {
	all := len(p.items) > 0 && len(p.selected) == len(p.items)
	if p.all.Checked != all {
		p.settingAll = true
		p.all.SetChecked(all)
		p.settingAll = false
	}
}

// updateButtons enables what the selection allows.
func (p *queuePanel) updateButtons() {
	some := len(p.selected) > 0
	for _, b := range []*widget.Button{p.up, p.down, p.top, p.bottom, p.moveTo, p.remove} {
		enable(b, some)
	}
	enable(p.clear, len(p.items) > 0)
}

func (p *queuePanel) onUp()     { p.move(queue.MoveUp) }
func (p *queuePanel) onDown()   { p.move(queue.MoveDown) }
func (p *queuePanel) onTop()    { p.move(queue.MoveTop) }
func (p *queuePanel) onBottom() { p.move(queue.MoveBottom) }

// move reorders the selection; the selection follows it.
func (p *queuePanel) move(kind queue.MoveKind) {
	ids := p.selectedIDs()
	if len(ids) == 0 {
		return
	}
	q := p.h.mw.Services.Queue
	p.follow = true
	p.h.goWork("moving jobs "+kind.String(), func(context.Context) error { return q.Move(ids, kind) }, p.afterCommand)
}

func (p *queuePanel) onMoveToSubmitted(string) { p.onMoveTo() }

// onMoveTo moves the selection to the typed position (1 = next to run).
func (p *queuePanel) onMoveTo() {
	ids := p.selectedIDs()
	if len(ids) == 0 {
		p.say("Select the jobs to move first.", widget.WarningImportance)
		return
	}
	pos, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(p.pos.Text), "."))
	if err != nil || pos < 1 {
		p.say("Type a position: 1 runs next.", widget.WarningImportance)
		return
	}
	q := p.h.mw.Services.Queue
	p.follow = true
	p.h.goWork(fmt.Sprintf("moving jobs to %d", pos), func(context.Context) error { return q.MoveTo(ids, pos) }, p.afterCommand)
}

// onRemove removes the selected jobs from the queue.
func (p *queuePanel) onRemove() {
	ids := p.selectedIDs()
	if len(ids) == 0 {
		return
	}
	q := p.h.mw.Services.Queue
	var n int
	p.h.goWork("removing jobs", func(context.Context) (err error) {
		n, err = q.Remove(ids)
		return err
	}, func(err error) {
		p.afterCommand(err)
		if err == nil {
			for _, id := range ids {
				delete(p.selected, id)
			}
			p.say(fmt.Sprintf("Removed %s.", plural(n, "job", "jobs")), widget.LowImportance)
			p.updateButtons()
		}
	})
}

// onClear asks before clearing the whole queue (the running job stays).
func (p *queuePanel) onClear() {
	n := len(p.items)
	if n == 0 {
		return
	}
	msg := fmt.Sprintf("Remove all %s from the queue?\nA running job keeps running.", plural(n, "queued job", "queued jobs"))
	d := dialog.NewConfirm("Clear the queue", msg, p.onClearConfirmed, p.h.mw.Window)
	d.SetConfirmText("Clear queue")
	d.SetDismissText("Keep")
	p.confirm = d
	d.Show()
}

func (p *queuePanel) onClearConfirmed(ok bool) {
	p.confirm = nil
	if !ok {
		return
	}
	q := p.h.mw.Services.Queue
	var n int
	p.h.goWork("clearing the queue", func(context.Context) (err error) {
		n, err = q.ClearPending()
		return err
	}, func(err error) {
		p.afterCommand(err)
		if err == nil {
			clear(p.selected)
			p.say(fmt.Sprintf("Cleared %s.", plural(n, "job", "jobs")), widget.LowImportance)
			p.updateButtons()
		}
	})
}

// afterCommand reports a failed queue command.
func (p *queuePanel) afterCommand(err error) {
	if err != nil {
		p.follow = false
		p.say("The queue did not change: "+err.Error(), widget.DangerImportance)
		return
	}
	showMessage(p.message, "", widget.MediumImportance)
}

func (p *queuePanel) say(text string, imp widget.Importance) { showMessage(p.message, text, imp) }
