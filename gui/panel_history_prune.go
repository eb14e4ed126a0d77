package gui

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"stablenew/pipeline/queue"
)

// pruneAge is one choice of which finished jobs to forget.
type pruneAge struct {
	label string
	// age is how long ago a job must have finished; 0 means every job.
	age time.Duration
}

const day = 24 * time.Hour

// pruneAges are the Clear history choices, the default first.
var pruneAges = []pruneAge{
	{"finished more than 30 days ago", 30 * day},
	{"finished more than 7 days ago", 7 * day},
	{"finished more than 90 days ago", 90 * day},
	{"all finished jobs", 0},
}

// pruneStatuses are the Clear history status choices, the default first.
var pruneStatuses = []struct {
	label    string
	statuses []queue.Status
}{
	{"completed, failed and cancelled", nil},
	{"failed and cancelled only", []queue.Status{queue.StatusFailed, queue.StatusCancelled}},
}

// historyPrune is the Clear history dialog: the user picks which finished
// jobs to forget, sees how many records that is (counted off the UI
// goroutine) and confirms with a button that names the number. Image files
// are never touched.
type historyPrune struct {
	p       *historyPanel
	age     *widget.Select
	status  *widget.Select
	count   *widget.Label
	del     *widget.Button
	dlg     dialog.Dialog
	filter  queue.PruneFilter
	matches int
	// seq drops counts of older choices.
	seq int
	// now is the clock the ages are measured from (tests replace it).
	now func() time.Time
}

// onPrune opens the Clear history dialog.
func (p *historyPanel) onPrune() { p.pruning = p.openPrune() }

func (p *historyPanel) openPrune() *historyPrune {
	d := &historyPrune{p: p, now: time.Now}
	ages := make([]string, len(pruneAges))
	for i, a := range pruneAges {
		ages[i] = a.label
	}
	statuses := make([]string, len(pruneStatuses))
	for i, s := range pruneStatuses {
		statuses[i] = s.label
	}
	d.age = widget.NewSelect(ages, func(string) { d.recount() })
	d.status = widget.NewSelect(statuses, func(string) { d.recount() })
	d.age.Selected, d.status.Selected = ages[0], statuses[0]
	d.count = &widget.Label{Wrapping: fyne.TextWrapWord}
	d.del = &widget.Button{Text: "Delete records", Icon: theme.DeleteIcon(), Importance: widget.DangerImportance, OnTapped: d.onDelete}
	form := container.New(layout.NewFormLayout(), widget.NewLabel("Jobs"), d.age, widget.NewLabel("Status"), d.status)
	content := container.NewVBox(
		form, d.count,
		&widget.Label{Text: "Only the records go: the images stay in their folders, and the learned ETA figures are kept. " +
			"Queued and running jobs are never touched.", Wrapping: fyne.TextWrapWord, Importance: widget.LowImportance},
	)
	d.dlg = dialog.NewCustomWithoutButtons("Clear history", content, p.h.mw.Window)
	d.dlg.(*dialog.CustomDialog).SetButtons([]fyne.CanvasObject{
		&widget.Button{Text: "Cancel", Icon: theme.CancelIcon(), OnTapped: d.dlg.Hide}, d.del,
	})
	d.dlg.Resize(fyne.NewSize(520, 300))
	d.dlg.Show()
	d.recount()
	return d
}

// choice is the filter of the current choices.
func (d *historyPrune) choice() queue.PruneFilter {
	var f queue.PruneFilter
	for _, a := range pruneAges {
		if a.label == d.age.Selected {
			if a.age == 0 {
				f.All = true
			} else {
				f.Before = d.now().Add(-a.age)
			}
		}
	}
	for _, s := range pruneStatuses {
		if s.label == d.status.Selected {
			f.Statuses = s.statuses
		}
	}
	return f
}

// recount counts the records of the current choices in the background.
func (d *historyPrune) recount() {
	d.seq++
	seq, f := d.seq, d.choice()
	d.filter, d.matches = f, 0
	d.del.Disable()
	d.count.SetText("Counting…")
	var n int
	q := d.p.h.mw.Services.Queue
	d.p.h.goWork("counting history records", func(context.Context) (err error) {
		n, err = q.CountHistory(f)
		return err
	}, func(err error) {
		if seq != d.seq {
			return
		}
		switch {
		case err != nil:
			d.count.SetText("Could not count the records: " + err.Error())
		case n == 0:
			d.count.SetText("No history record matches.")
		default:
			d.matches = n
			d.count.SetText(fmt.Sprintf("%s match.", plural(n, "history record", "history records")))
			d.del.SetText("Delete " + plural(n, "record", "records"))
			d.del.Enable()
		}
	})
}

// onDelete deletes the counted records, off the UI goroutine.
func (d *historyPrune) onDelete() {
	if d.matches == 0 {
		return
	}
	f := d.filter
	d.del.Disable()
	d.count.SetText("Deleting…")
	var n int
	q := d.p.h.mw.Services.Queue
	d.p.h.goWork("deleting history records", func(context.Context) (err error) {
		n, err = q.PruneHistory(f)
		return err
	}, func(err error) {
		if err != nil {
			d.count.SetText("Nothing deleted: " + err.Error())
			d.recount()
			return
		}
		d.dlg.Hide()
		d.p.say(fmt.Sprintf("Deleted %s; the images are still on disk.", plural(n, "history record", "history records")), widget.SuccessImportance)
		d.p.h.mw.Log.Info("history records deleted", "count", n)
		d.p.reload()
	})
}
