package gui

import (
	"context"
	"errors"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"stablenew/app"
	"stablenew/pipeline"
	"stablenew/pipeline/queue"
)

// runControls are Add to Queue, Run Now, Clear Draft, the auto-run check,
// the Pause/Resume toggle and the queue status line.
type runControls struct {
	h *panelHub

	add, runNow, clear, pause *widget.Button
	autoRun                   *appCheck
	status                    *widget.Label
	message                   *widget.Label
	// blocked says why Add to Queue and Run Now are disabled.
	blocked *widget.Label

	// submitting is set from a click until its submit has finished, so a
	// double click never queues one plan twice.
	submitting bool
	paused     bool
	// loading is set while the check shows the queue's state, so that its
	// handler does not write it back.
	loading bool
}

func newRunControls(h *panelHub) *runControls {
	c := &runControls{h: h}
	c.add = &widget.Button{Text: "Add to Queue", Icon: theme.ContentAddIcon(), Importance: widget.HighImportance, OnTapped: c.onAdd}
	c.runNow = &widget.Button{Text: "Run Now", Icon: theme.MediaPlayIcon(), OnTapped: c.onRunNow}
	c.clear = &widget.Button{Text: "Clear Draft", Icon: theme.ContentClearIcon(), Importance: widget.LowImportance, OnTapped: c.onClearDraft}
	c.pause = &widget.Button{Text: "Pause Queue", Icon: theme.MediaPauseIcon(), OnTapped: c.onTogglePause}
	c.autoRun = newAppCheck(nil, "Auto-run queue", c.onAutoRun)
	c.status = &widget.Label{Text: "Queue: Idle", TextStyle: fyne.TextStyle{Bold: true}}
	c.message = newLineMessage()
	c.blocked = newLineMessage()
	h.mw.State.OnChange(func(what app.Change) {
		if what.Has(app.ChangePlan) {
			c.refreshReady()
		}
	})
	if f := h.mw.form; f != nil {
		f.onInvalid(c.refreshReady)
	}
	return c
}

// build lays out the buttons, with their shortcuts in tooltips, the check
// and the status line.
func (c *runControls) build() fyne.CanvasObject {
	mw := c.h.mw
	buttons := container.NewGridWithColumns(2,
		mw.withTooltip(c.add, "Queue every job in the preview ("+labelAddToQueue+")"),
		mw.withTooltip(c.runNow, "Queue the preview's jobs at the front and start the queue ("+labelRunNow+")"),
		mw.withTooltip(c.pause, "Pause the queue after the running job, or resume it ("+labelPause+")"),
		c.clear)
	c.refreshReady()
	// One message line of fixed height: why nothing can be queued, else the
	// last action's outcome. Nothing below it moves when it changes.
	line := minHeight(container.NewStack(c.blocked, c.message), widget.NewLabel("").MinSize().Height)
	return container.NewVBox(
		buttons,
		line,
		container.NewBorder(nil, nil, c.autoRun, nil, c.status),
	)
}

// newLineMessage returns a one-line message label (the full text is in the
// log when it is a warning or an error), hidden while empty.
func newLineMessage() *widget.Label {
	l := &widget.Label{Truncation: fyne.TextTruncateEllipsis}
	l.Hide()
	return l
}

// showLine shows the block reason when there is one, else the message.
func (c *runControls) showLine() {
	setVisible(c.message, c.message.Text != "" && c.blocked.Text == "")
}

// blockReason says why nothing can be queued now, or "": a field is
// invalid, the plan failed or it has no jobs. A plan being rebuilt does not
// block (the submit waits for it).
func (c *runControls) blockReason() string {
	if f := c.h.mw.form; f != nil {
		if r := f.invalidReason(); r != "" {
			return r
		}
	}
	st := c.h.mw.State
	pi := st.PlanInfo()
	switch {
	case len(st.Packs()) == 0 && st.Reprocess() == nil:
		return "Nothing to queue yet: pick prompt packs in the sidebar, or drop images to reprocess."
	case pi.Building:
		return ""
	case pi.Err != "":
		return "Nothing to queue: the plan has errors (see the preview)."
	case pi.Jobs == 0:
		return "Nothing to queue yet: pick prompt packs in the sidebar, or drop images to reprocess."
	}
	return ""
}

// refreshReady enables Add to Queue and Run Now, and highlights Add to
// Queue, only when there is something valid to queue; otherwise the reason
// shows under them.
func (c *runControls) refreshReady() {
	reason := c.blockReason()
	ready := reason == ""
	for _, b := range []*widget.Button{c.add, c.runNow} {
		enable(b, ready && !c.submitting)
	}
	imp := widget.MediumImportance
	if ready {
		imp = widget.HighImportance
	}
	if c.add.Importance != imp {
		c.add.Importance = imp
		c.add.Refresh()
	}
	imp = widget.LowImportance
	if c.h.mw.form != nil && c.h.mw.form.invalidReason() != "" {
		imp = widget.DangerImportance
	}
	showMessage(c.blocked, reason, imp)
	c.showLine()
}

func (c *runControls) onAdd()    { c.submit(false) }
func (c *runControls) onRunNow() { c.submit(true) }

// submit queues the preview's jobs (front: at the front, and make sure the
// queue runs). It never plans: it takes the plan the preview shows, waiting
// for a rebuild in progress first.
func (c *runControls) submit(front bool) {
	if c.submitting {
		return
	}
	if f := c.h.mw.form; f != nil {
		if r := f.invalidReason(); r != "" {
			c.say("Nothing queued. "+r, widget.DangerImportance)
			return
		}
	}
	c.submitting = true
	c.setBusy(true)
	if c.h.preview.building || c.h.preview.consumed {
		c.say("Waiting for the preview to finish rebuilding…", widget.LowImportance)
	}
	c.h.preview.whenReady(func(res *planResult) { c.submitPlan(res, front) })
}

// submitPlan stores exactly res's jobs in the queue, off the UI goroutine.
func (c *runControls) submitPlan(res *planResult, front bool) {
	if res.err != nil {
		c.done()
		c.say("Nothing queued: the plan has errors. "+planErrorText(res.err), widget.DangerImportance)
		return
	}
	// The preview plans as Add to Queue; Run Now submits the same jobs as
	// run_now, so the queue and history tell which button made them.
	source := pipeline.SourceAddToQueue
	if front {
		source = pipeline.SourceRunNow
	}
	jobs := res.plan.JobsFor(source)
	if len(jobs) == 0 {
		c.done()
		c.say("Nothing queued: the plan has no jobs.", widget.WarningImportance)
		return
	}
	if rp := c.h.preview.resources; rp.needsConfirm(res.report) {
		c.confirmNowhere(res, front)
		return
	}
	q := c.h.mw.Services.Queue
	var warn error
	c.h.goWork("queueing jobs", func(ctx context.Context) error {
		if res.experiment != nil {
			plan := *res.plan
			plan.Jobs = jobs
			if err := c.h.mw.Services.SubmitExperiment(*res.experiment, &plan); err != nil {
				return err
			}
		} else if err := q.Submit(jobs, front); err != nil {
			return err
		}
		if front {
			warn = ensureRunning(ctx, q)
		}
		return nil
	}, func(err error) {
		c.done()
		if err != nil {
			c.say("Nothing queued: "+err.Error(), widget.DangerImportance)
			c.h.setError("queueing failed: " + err.Error())
			return
		}
		where := "to the queue"
		if front {
			where = "at the front of the queue"
		}
		msg := fmt.Sprintf("Queued %s %s.", plural(len(jobs), "job", "jobs"), where)
		if res.experiment != nil {
			// An experiment draft is queued once too; its grid is in the
			// Learning tab.
			c.h.preview.consume(res)
			c.h.preview.dropExperiment()
			if c.h.learning != nil {
				c.h.learning.builder.previewQueued()
				c.h.learning.open(res.experiment.ID)
				c.h.learning.reloadList()
			}
			msg = fmt.Sprintf("Queued experiment %s: %s %s. Its grid is in the Learning tab; the preview shows the prompt packs again.",
				res.experiment.ID, plural(len(jobs), "job", "jobs"), where)
		} else if res.reprocess {
			// Queued once is what a reprocess wants: the draft ends and the
			// preview plans the packs again.
			c.h.preview.consume(res)
			c.h.mw.State.SetReprocess(nil)
			msg = fmt.Sprintf("Queued %s %s. The preview shows the prompt packs again.",
				plural(len(jobs), "reprocess job", "reprocess jobs"), where)
		} else {
			c.h.mw.State.RecordRun()
			c.h.preview.consume(res)
		}
		if warn != nil {
			c.say(msg+" "+warn.Error(), widget.WarningImportance)
			return
		}
		c.say(msg, widget.SuccessImportance)
	})
}

// confirmNowhere asks before queueing a plan some of whose jobs can run on
// no WebUI: they would fail at once when they reach the front.
func (c *runControls) confirmNowhere(res *planResult, front bool) {
	rep := res.report
	first := ""
	for _, p := range rep.Problems {
		if p.Error {
			first = "\n\n" + p.Text()
			break
		}
	}
	msg := fmt.Sprintf("%s of %d need something no WebUI has.%s\n\nQueued anyway, they fail at once when they reach "+
		"the front, before any GPU time; the others run as usual.", plural(rep.Nowhere, "job", "jobs"), rep.Jobs, first)
	// Every way of closing a confirm dialog answers it (Cancel and Escape
	// with false).
	d := dialog.NewCustomConfirm("Some jobs can run nowhere", "Queue anyway", "Cancel",
		&widget.Label{Text: msg, Wrapping: fyne.TextWrapWord}, func(ok bool) {
			if !ok {
				c.done()
				c.say("Nothing queued: some jobs need resources no WebUI has (see the preview).", widget.WarningImportance)
				return
			}
			c.h.preview.resources.onQueueAnyway()
			c.submitPlan(res, front)
		}, c.h.mw.Window)
	d.Resize(fyne.NewSize(480, 0))
	d.Show()
}

// ensureRunning resumes a paused queue and starts one whose auto-run is off
// (Run Now). It does database work: never on the UI goroutine.
func ensureRunning(ctx context.Context, q *queue.Service) error {
	if q.Paused() {
		if err := q.Resume(); err != nil {
			return fmt.Errorf("the queue could not be resumed: %w", err)
		}
	}
	if !q.AutoRun() {
		if err := q.Start(ctx); err != nil {
			if errors.Is(err, queue.ErrNoExecutor) {
				return errors.New("no WebUI is attached yet, so nothing runs; check the WebUI in the status bar")
			}
			return fmt.Errorf("the queue could not be started: %w", err)
		}
	}
	return nil
}

func (c *runControls) done() {
	c.submitting = false
	c.setBusy(false)
}

// setBusy disables the submit buttons while a submit is on its way.
func (c *runControls) setBusy(busy bool) {
	if busy {
		c.add.Disable()
		c.runNow.Disable()
		return
	}
	c.refreshReady()
}

// onClearDraft ends a reprocess draft, or else clears the pack selection:
// the draft becomes empty.
func (c *runControls) onClearDraft() {
	if c.h.mw.State.Reprocess() != nil {
		c.h.mw.State.SetReprocess(nil)
		c.say("Reprocess draft cleared: the preview shows the prompt packs again.", widget.LowImportance)
		return
	}
	c.h.mw.State.SetPacks(nil)
	c.say("Draft cleared: pick prompt packs in the sidebar to plan again.", widget.LowImportance)
}

// onTogglePause pauses the queue (the running job finishes) or resumes it.
func (c *runControls) onTogglePause() {
	q := c.h.mw.Services.Queue
	pause := !c.paused
	c.setPaused(pause) // at once; the Paused/Resumed event confirms it
	c.h.goWork("pausing or resuming the queue", func(context.Context) error {
		if pause {
			return q.Pause()
		}
		return q.Resume()
	}, func(err error) {
		if err != nil {
			c.setPaused(!pause)
			c.say("Could not change the queue: "+err.Error(), widget.DangerImportance)
		}
	})
}

// onAutoRun turns auto-run on or off.
func (c *runControls) onAutoRun(on bool) {
	if c.loading {
		return
	}
	q := c.h.mw.Services.Queue
	c.h.goWork("changing auto-run", func(context.Context) error { return q.SetAutoRun(on) }, func(err error) {
		if err != nil {
			c.say("Could not change auto-run: "+err.Error(), widget.DangerImportance)
		}
	})
}

// setSnapshot shows the queue's state.
func (c *runControls) setSnapshot(s *queueSnapshot) {
	c.setPaused(s.Paused)
	if c.autoRun.Checked != s.AutoRun {
		c.loading = true
		c.autoRun.SetChecked(s.AutoRun)
		c.loading = false
	}
	c.status.SetText(queueStatusText(s))
}

// queueStatusText is "Queue: Idle", "N job(s) pending", "Paused (N
// pending)" or "Running job…".
func queueStatusText(s *queueSnapshot) string {
	n := s.QueuedCount
	switch {
	case s.Paused:
		return fmt.Sprintf("Paused (%d pending)", n)
	case len(s.Running) > 0 && n > 0:
		return fmt.Sprintf("Running job… (%d pending)", n)
	case len(s.Running) > 0:
		return "Running job…"
	case n > 0:
		return fmt.Sprintf("%d job(s) pending", n)
	}
	return "Queue: Idle"
}

// setPaused shows the toggle for a paused or running queue.
func (c *runControls) setPaused(paused bool) {
	if c.paused == paused && c.pause.Text != "" {
		return
	}
	c.paused = paused
	if paused {
		c.pause.SetText("Resume Queue")
		c.pause.SetIcon(theme.MediaPlayIcon())
	} else {
		c.pause.SetText("Pause Queue")
		c.pause.SetIcon(theme.MediaPauseIcon())
	}
}

// say shows a message under the controls.
func (c *runControls) say(text string, imp widget.Importance) {
	showMessage(c.message, text, imp)
	c.showLine()
	if imp == widget.DangerImportance || imp == widget.WarningImportance {
		c.h.mw.Log.Warn(text)
	}
}
