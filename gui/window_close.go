package gui

import (
	"fmt"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"stablenew/app"
)

// closeStakes is what closing the window now would stop or lose.
type closeStakes struct {
	running, pending int
	// unsaved names the pack whose Prompt-tab edits are not saved ("" for
	// none; "the new pack" for one never saved).
	unsaved string
	// settings names the changed fields of the open Settings dialog.
	settings []string
	// draft names the reprocess draft the Preview holds, not queued ("" for
	// none): it is not kept across a restart.
	draft string
	// experiment is set when the Learning tab's form holds typed changes
	// not queued (not kept across a restart either).
	experiment bool
}

func (s closeStakes) none() bool {
	return s.running == 0 && s.pending == 0 && !s.edits() && s.draft == "" && !s.experiment
}

// edits reports whether quitting now loses edits (which Save and quit
// saves).
func (s closeStakes) edits() bool { return s.unsaved != "" || len(s.settings) > 0 }

// text says what is at stake, one line per kind.
func (s closeStakes) text() string {
	var lines []string
	if s.running > 0 || s.pending > 0 {
		line := fmt.Sprintf("The queue has %s running and %s pending.", plural(s.running, "job", "jobs"), plural(s.pending, "job", "jobs"))
		if s.running > 0 {
			line += " Quitting stops the running job: it goes back to the front of the queue and starts again from the beginning next time."
		}
		if s.pending > 0 {
			line += " Pending jobs stay queued and run when StableNew starts again."
		}
		lines = append(lines, line)
	}
	if s.unsaved != "" {
		lines = append(lines, "The Prompt tab has unsaved changes to "+s.unsaved+": quitting without saving loses them.")
	}
	if s.draft != "" {
		lines = append(lines, "The Preview holds a reprocess draft ("+s.draft+") that is not queued: quitting drops it "+
			"(the images stay on disk; Add to Queue keeps its jobs).")
	}
	if s.experiment {
		lines = append(lines, "The Learning tab's new experiment is not queued: quitting drops what you typed "+
			"(Queue experiment keeps it).")
	}
	if len(s.settings) > 0 {
		lines = append(lines, "The Settings dialog has unsaved changes ("+strings.Join(s.settings, ", ")+
			"): quitting without saving loses them; saved, they apply when StableNew starts next.")
	}
	return strings.Join(lines, "\n\n")
}

// stakes reads what closing now would stop or lose (UI goroutine).
func (mw *MainWindow) stakes() closeStakes {
	var s closeStakes
	if snap := hubOf(mw).snap; snap != nil {
		s.running, s.pending = len(snap.Running), snap.QueuedCount
	}
	if t := mw.promptTab; t != nil && t.dirty {
		s.unsaved = nameOrNew(t.current)
	}
	if d := mw.settingsOpen; d != nil {
		s.settings = d.changed()
	}
	if l := mw.learning; l != nil && l.builder != nil {
		s.experiment = l.builder.unqueued()
	}
	if r := mw.State.Reprocess(); r != nil && len(r.Inputs) > 0 {
		s.draft = "from " + filepath.Base(r.Inputs[0])
		if n := len(r.Inputs) - 1; n > 0 {
			s.draft += fmt.Sprintf(" and %d more", n)
		}
	}
	return s
}

// onClose is the window's close button: with jobs queued or running, or
// unsaved edits (Prompt tab, Settings dialog), it asks first (quit, keep running, save); otherwise it
// quits.
func (mw *MainWindow) onClose() {
	s := mw.stakes()
	if s.none() {
		mw.quit()
		return
	}
	mw.askClose(s)
}

// askClose shows the close dialog for s.
func (mw *MainWindow) askClose(s closeStakes) {
	msg := &widget.Label{Text: s.text(), Wrapping: fyne.TextWrapWord}
	var d *dialog.CustomDialog
	keep := &widget.Button{Text: "Keep running", OnTapped: func() { d.Hide() }}
	quitText := "Quit"
	if s.edits() {
		quitText = "Quit without saving"
	}
	quit := &widget.Button{Text: quitText, Importance: widget.DangerImportance, OnTapped: func() {
		d.Hide()
		mw.quit()
	}}
	buttons := []fyne.CanvasObject{layout.NewSpacer(), keep, quit}
	if s.edits() {
		save := &widget.Button{Text: "Save and quit", Importance: widget.HighImportance, OnTapped: func() {
			d.Hide()
			mw.saveEditsThen(s, mw.quit)
		}}
		buttons = append(buttons, save)
	}
	d = dialog.NewCustomWithoutButtons("Quit StableNew?", container.NewVBox(msg, container.NewHBox(buttons...)), mw.Window)
	d.Resize(fyne.NewSize(520, 0))
	d.Show()
}

// saveEditsThen saves the edits s names (the Settings dialog's, then the
// Prompt tab's) and runs then once all are saved. A save that fails or is
// refused keeps its dialog or tab open with the reason, and then does not
// run.
func (mw *MainWindow) saveEditsThen(s closeStakes, then func()) {
	next := then
	if s.unsaved != "" {
		next = func() { mw.promptTab.saveThen(then) }
	}
	if d := mw.settingsOpen; len(s.settings) > 0 && d != nil {
		d.saveThen(next)
		return
	}
	next()
}

// Quit closes the window at once, as the close dialog's Quit does: the
// window's size, position and dividers are remembered and a running job
// goes back to the front of the queue when the services close (a signal;
// UI goroutine).
func (mw *MainWindow) Quit() { mw.quit() }

// quit remembers the window's size, position and dividers and closes the
// window (the queue puts a running job back when the services close).
func (mw *MainWindow) quit() {
	mw.rememberPlace()
	mw.close()
}

// rememberPlace records the window's size, position and dividers in the
// view state (UI goroutine). It runs at quit and whenever the window loses
// the focus: Fyne answers SIGTERM and Ctrl-C by destroying the window
// before anything of ours runs, so the place must already be known.
func (mw *MainWindow) rememberPlace() {
	if mw.closed {
		return
	}
	size := mw.Window.Canvas().Size()
	x, y, placed := windowPosition(mw.Window)
	mw.State.UpdateView(func(v *app.ViewState) {
		if size.Width > 0 && size.Height > 0 {
			v.WindowWidth, v.WindowHeight = size.Width, size.Height
		}
		if placed {
			v.WindowX, v.WindowY, v.WindowPlaced = x, y, true
		}
		mw.saveDividers(v)
	})
}

// saveDividers records where the window's dividers are.
func (mw *MainWindow) saveDividers(v *app.ViewState) {
	if t := mw.promptTab; t != nil && t.split != nil {
		v.PromptDivider = t.split.Offset
	}
	if s := mw.rightSplit; s != nil {
		v.RightDivider = s.Offset
	}
	if k := mw.runPanels; k != nil {
		v.RunPanelsHeight = k.current()
	}
	if k := mw.logKeeper; k != nil {
		v.LogHeight = k.current()
	}
	if p := hubOf(mw).panels; p != nil {
		v.QueueHistoryDivider = p.split.Offset
	}
}
