package gui

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"

	"fyne.io/fyne/v2/widget"
)

// onOpenFolder opens the selected job's output folder, off the UI goroutine.
func (p *historyPanel) onOpenFolder() {
	r := p.selectedRow()
	if r == nil {
		return
	}
	dir := r.rec.OutputDir
	if dir == "" && len(r.rec.Outputs) > 0 {
		dir = filepath.Dir(r.rec.Outputs[0])
	}
	open := p.openFolder
	p.h.goWork("opening "+dir, func(context.Context) error {
		if _, err := os.Stat(dir); err != nil {
			return fmt.Errorf("the folder %s is not there (moved or never written)", dir)
		}
		return open(dir)
	}, func(err error) {
		if err != nil {
			p.say("Could not open the output folder: "+err.Error()+". Open it in your file manager: "+dir, widget.DangerImportance)
			return
		}
		p.say("Opened "+dir, widget.LowImportance)
	})
}

// openInFileManager opens dir with the desktop's file manager.
func openInFileManager(dir string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.Command("open", dir)
	case "windows":
		cmd = exec.Command("explorer", dir)
	default:
		cmd = exec.Command("xdg-open", dir)
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	go cmd.Wait() //nolint:errcheck // the file manager's exit status says nothing useful
	return nil
}

// onRequeue queues the selected job again as a new job.
func (p *historyPanel) onRequeue() {
	r := p.selectedRow()
	if r == nil {
		return
	}
	id, q := r.rec.JobID, p.h.mw.Services.Queue
	var newID string
	p.h.goWork("re-queueing "+id, func(context.Context) (err error) {
		newID, err = q.Requeue(id)
		return err
	}, func(err error) {
		if err != nil {
			p.say("Not queued: "+err.Error(), widget.DangerImportance)
			return
		}
		p.say("Queued again as job "+newID+".", widget.SuccessImportance)
	})
}

// onRetry puts the selected failed or cancelled job back in the queue.
func (p *historyPanel) onRetry() {
	r := p.selectedRow()
	if r == nil {
		return
	}
	id, q := r.rec.JobID, p.h.mw.Services.Queue
	p.h.goWork("retrying "+id, func(context.Context) error {
		_, err := q.Retry([]string{id})
		return err
	}, func(err error) {
		if err != nil {
			p.say("Not retried: "+err.Error(), widget.DangerImportance)
			return
		}
		p.say("Job "+id+" is back in the queue.", widget.SuccessImportance)
		p.reload()
	})
}

// onRetryAll puts every failed job back in the queue.
func (p *historyPanel) onRetryAll() {
	q := p.h.mw.Services.Queue
	var n int
	p.h.goWork("retrying failed jobs", func(context.Context) (err error) {
		n, err = q.RetryAllFailed()
		return err
	}, func(err error) {
		if err != nil {
			p.say("Not retried: "+err.Error(), widget.DangerImportance)
			return
		}
		p.say(fmt.Sprintf("%s back in the queue.", plural(n, "failed job", "failed jobs")), widget.SuccessImportance)
		p.reload()
	})
}

// onLoadSettings copies the selected job's stage settings into the stage
// cards: only the stage sections, so packs, prompts, batch and output stay.
// A dialog shows what changed, with Undo.
func (p *historyPanel) onLoadSettings() {
	r := p.selectedRow()
	if r == nil || r.rec.Config == nil {
		return
	}
	id := r.rec.JobID
	l := &stageLoad{
		title: "Settings of " + r.title,
		notApplied: []string{"The job's prompts, batch, output and randomizer settings: only the stage settings load, " +
			"so the selected packs and the other settings stay as they are."},
		onUndo: func() { p.say("Undid loading the stage settings of job "+id+".", widget.LowImportance) },
	}
	p.loaded = l
	p.h.loadStages(l, r.rec.Config.Clone())
	p.say("Loaded the stage settings of job "+id+" into the stage cards ("+plural(len(l.changes), "change", "changes")+").",
		widget.SuccessImportance)
}

// onInspect opens the image inspector on the selected job's images.
func (p *historyPanel) onInspect() {
	if r := p.selectedRow(); r != nil && len(r.rec.Outputs) > 0 {
		p.inspectr.show(r.rec.Outputs)
	}
}

func (p *historyPanel) say(text string, imp widget.Importance) { showMessage(p.message, text, imp) }

// onReprocess opens the Reprocess images dialog with the selected job's
// final images, so more stages can run on them.
func (p *historyPanel) onReprocess() {
	r := p.selectedRow()
	if r == nil || len(r.rec.Outputs) == 0 {
		return
	}
	d := p.h.mw.openReprocess()
	for _, out := range r.rec.Outputs {
		d.add(out)
	}
}
