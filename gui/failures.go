package gui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"stablenew/pipeline/queue"
)

// failureWatch keeps failed jobs visible until the user has looked at them:
// the status bar and the Queue and History tab titles count the failures
// not yet seen, and when the queue runs empty with failures the status bar
// says so and the desktop shows a notification. Opening History, or the
// status bar's count (which shows the failed jobs with their reasons),
// marks them seen.
type failureWatch struct {
	h *panelHub
	// unseen counts the jobs that failed since the user last looked.
	unseen int
	// runFailed and runEnded count the jobs that failed and that ended
	// since the queue last ran empty.
	runFailed, runEnded int
	// button is the status bar's count; cell holds it there (with its
	// tooltip), hidden while there is nothing to count.
	button *widget.Button
	cell   fyne.CanvasObject
	// notify shows a desktop notification (the app's; tests record).
	notify func(*fyne.Notification)
}

func newFailureWatch(h *panelHub) *failureWatch {
	f := &failureWatch{h: h, notify: h.mw.App.SendNotification}
	f.button = &widget.Button{Icon: theme.ErrorIcon(), Importance: widget.DangerImportance, OnTapped: f.onShow}
	f.button.Hide()
	return f
}

// apply counts a batch's failures, and says when the queue ran empty with
// some (UI goroutine).
func (f *failureWatch) apply(b *uiBatch) {
	changed := false
	for _, e := range b.events {
		switch e.Kind {
		case queue.JobFailed:
			f.unseen++
			f.runFailed++
			f.runEnded++
			changed = true
		case queue.JobFinished, queue.JobCancelled:
			f.runEnded++
		}
	}
	if s := b.snapshot; s != nil && s.Err == nil && s.empty() && f.runEnded > 0 {
		if f.runFailed > 0 {
			f.finishedWithFailures(f.runFailed, f.runEnded)
		}
		f.runFailed, f.runEnded = 0, 0
	}
	if changed {
		f.show()
	}
}

// finishedWithFailures says in the status bar and on the desktop that the
// queue ran empty with failed jobs.
func (f *failureWatch) finishedWithFailures(failed, ended int) {
	msg := fmt.Sprintf("Queue finished: %d of %d jobs failed; History lists why", failed, ended)
	if f.h.status != nil {
		f.h.status.setError(msg)
	}
	f.notify(fyne.NewNotification("StableNew", msg))
}

// show puts the count on the tab titles and the status bar.
func (f *failureWatch) show() {
	suffix, label := "", ""
	if f.unseen > 0 {
		suffix = fmt.Sprintf(" (%d failed)", f.unseen)
		label = fmt.Sprintf("%d failed", f.unseen)
	}
	if p := f.h.panels; p != nil {
		p.setTitles(suffix)
	}
	f.button.SetText(label)
	setVisible(f.button, f.unseen > 0)
	if f.cell != nil {
		setVisible(f.cell, f.unseen > 0)
	}
}

// seen forgets the count: the user has looked at the failures.
func (f *failureWatch) seen() {
	if f.unseen == 0 {
		return
	}
	f.unseen = 0
	f.show()
}

// onShow opens History on the failed jobs, each with its reason.
func (f *failureWatch) onShow() {
	h := f.h
	if h.history != nil {
		h.history.showFailed()
		h.showPanel(h.history.tab)
	}
	f.seen()
}

// showPanel brings the tab of a right-column panel to the front (item is
// the panel's own tab; Queue and History share one on a tall window).
func (h *panelHub) showPanel(item *container.TabItem) {
	if h.panels != nil {
		h.panels.show(item)
	}
}

// onTabSelected lists the queue or the history the first time they show,
// and marks failures seen when History shows.
func (h *panelHub) onTabSelected(t *container.TabItem) {
	if h.panels != nil {
		h.panels.selected(t)
		if h.panels.showsQueue(t) {
			h.listQueue()
		}
	}
	if h.panels != nil && h.panels.showsHistory(t) {
		if h.history != nil {
			h.history.shown()
		}
		if h.failures != nil {
			h.failures.seen()
		}
	}
}

// failureWatch returns the hub's failure count, made on first use (the
// status bar and the right column both show it).
func (h *panelHub) failureWatch() *failureWatch {
	if h.failures == nil {
		h.failures = newFailureWatch(h)
	}
	return h.failures
}
