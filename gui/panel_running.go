package gui

import (
	"context"
	"fmt"
	"image"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"stablenew/pipeline"
	"stablenew/pipeline/queue"
)

// livePreviewSize is the side of the live preview image.
const livePreviewSize = 96

// runningPanel shows the running job: what it is, its progress, stage and
// step, elapsed time and ETA, the WebUI's live preview, and the buttons
// that act on it. It says so when the job failed (with the WebUI's
// message) and while the WebUI is unavailable.
type runningPanel struct {
	h *panelHub

	summary *widget.Label
	detail  *widget.Label
	bar     *widget.ProgressBar
	// stage is the bar's text: "42% · txt2img (stage 1 of 2) · step 12 of 30".
	stage string
	// times is "Elapsed 1:02 · ETA 0:30", shown first in the detail line.
	times string
	image *canvas.Image
	// frame holds the live preview over a placeholder while a job runs.
	frame    *fyne.Container
	waiting  *widget.Label
	outcome  *widget.Label
	pauseNow *widget.Button
	cancel   *widget.Button
	requeue  *widget.Button
	skip     *widget.Button
	// buttons hold the job's buttons; hidden with the progress while no job
	// runs, so that an idle panel takes one line.
	buttons *fyne.Container

	job      *queue.QueueItem
	progress *queue.ProgressInfo
	others   int
	// stopping is the job Stop & pause interrupted, until it is requeued.
	stopping string
}

// labelStopAndPause names the running job's pause button: the WebUI cannot
// pause a job, so it stops it and pauses the queue.
const labelStopAndPause = "Stop & pause"

func newRunningPanel(h *panelHub) *runningPanel {
	p := &runningPanel{h: h}
	p.summary = &widget.Label{Text: "No job running", TextStyle: fyne.TextStyle{Bold: true}, Truncation: fyne.TextTruncateEllipsis}
	p.detail = &widget.Label{Importance: widget.LowImportance, Truncation: fyne.TextTruncateEllipsis}
	p.bar = widget.NewProgressBar()
	p.bar.TextFormatter = p.barText
	p.image = &canvas.Image{FillMode: canvas.ImageFillContain, ScaleMode: canvas.ImageScaleFastest}
	p.image.SetMinSize(fyne.NewSize(livePreviewSize, livePreviewSize))
	back := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	back.CornerRadius = theme.InputRadiusSize()
	p.frame = container.NewStack(back, p.image)
	p.frame.Hide()
	p.waiting = newMessage()
	p.outcome = newMessage()
	p.pauseNow = &widget.Button{Text: labelStopAndPause, Icon: theme.MediaPauseIcon(), OnTapped: p.onPauseNow}
	p.cancel = &widget.Button{Text: "Cancel", Icon: theme.CancelIcon(), Importance: widget.DangerImportance, OnTapped: p.onCancel}
	p.requeue = &widget.Button{Text: "Cancel & requeue", Icon: theme.MediaReplayIcon(), OnTapped: p.onRequeue}
	p.skip = &widget.Button{Text: "Skip image", Icon: theme.MediaSkipNextIcon(), OnTapped: p.onSkip}
	p.showJob()
	return p
}

// build lays out the card: the live preview beside the text and progress.
func (p *runningPanel) build() fyne.CanvasObject {
	text := container.NewVBox(p.summary, p.detail, p.bar)
	p.buttons = container.NewGridWithColumns(2,
		p.h.mw.withTooltip(p.pauseNow, "Stop this job now and pause the queue: the job goes back to the front of the queue and starts over when you resume"),
		p.h.mw.withTooltip(p.cancel, "Stop this job and record it as cancelled in History"),
		p.h.mw.withTooltip(p.requeue, "Stop this job and put it at the end of the queue"),
		p.h.mw.withTooltip(p.skip, "Ask the WebUI to skip the image it is making; the job goes on"))
	p.showJob()
	return container.NewVBox(
		container.NewBorder(nil, nil, p.frame, nil, text),
		p.buttons,
		p.waiting,
		p.outcome,
	)
}

// barText is the progress bar's text: percent, stage and step.
func (p *runningPanel) barText() string {
	pct := fmt.Sprintf("%.0f%%", p.bar.Value*100)
	if p.stage == "" {
		return pct
	}
	return pct + " · " + p.stage
}

// apply takes the pump's batch: events first, then the snapshot, progress,
// preview and the clock.
func (p *runningPanel) apply(b *uiBatch) {
	for _, e := range b.events {
		p.onEvent(e)
	}
	if s := b.snapshot; s != nil {
		p.fromSnapshot(s)
	}
	if p.job != nil {
		if pi := b.progress[p.job.JobID]; pi != nil {
			p.progress = pi
		}
		if b.preview != nil && b.previewJob == p.job.JobID {
			p.setPreview(b.preview)
		}
	}
	p.showJob()
}

// onEvent notes how the last job ended; the note stays while the next
// job runs, so a failure's message can still be read.
func (p *runningPanel) onEvent(e queue.Event) {
	switch e.Kind {
	case queue.JobFailed:
		showMessage(p.outcome, "Job failed: "+e.Reason, widget.DangerImportance)
		p.h.setError(e.Reason)
	case queue.JobCancelled:
		showMessage(p.outcome, "Job cancelled: "+e.Reason, widget.WarningImportance)
	case queue.JobRequeued:
		if p.stopping == e.JobID {
			p.stopping = ""
			showMessage(p.outcome, "Stopped and paused: the job is back at the front of the queue and starts over from the beginning when you resume.", widget.WarningImportance)
			break
		}
		showMessage(p.outcome, "Job went back to the queue: "+e.Reason, widget.WarningImportance)
	case queue.JobFinished:
		showMessage(p.outcome, fmt.Sprintf("Job finished: %s.", plural(len(e.Outputs), "image", "images")), widget.SuccessImportance)
	}
}

// fromSnapshot picks the running job to show and the WebUI's state.
func (p *runningPanel) fromSnapshot(s *queueSnapshot) {
	var cur *queue.QueueItem
	for i := range s.Running {
		if p.job != nil && s.Running[i].JobID == p.job.JobID {
			cur = &s.Running[i]
		}
	}
	if cur == nil && len(s.Running) > 0 {
		cur = &s.Running[0]
	}
	if cur == nil || p.job == nil || cur.JobID != p.job.JobID {
		p.progress = nil
		p.setPreview(nil)
	}
	if cur != nil {
		it := *cur
		p.job = &it
	} else {
		p.job = nil
	}
	p.others = max(len(s.Running)-1, 0)
	showMessage(p.waiting, waitingText(s.Backends), widget.WarningImportance)
}

// waitingText says which WebUIs the queue is waiting for, or "".
func waitingText(bs []queue.BackendStatus) string {
	var lines []string
	for _, b := range bs {
		// Jobs wait in both states; the message says why.
		if b.State == queue.BackendWaiting || b.State == queue.BackendError {
			lines = append(lines, fmt.Sprintf("Waiting for WebUI at %s: %s", b.Name, orText(b.Message, "it does not answer")))
		}
	}
	return strings.Join(lines, "\n")
}

// showJob fills the labels from the job and its progress.
func (p *runningPanel) showJob() {
	running := p.job != nil
	for _, b := range []*widget.Button{p.pauseNow, p.cancel, p.requeue, p.skip} {
		enable(b, running)
	}
	setVisible(p.frame, running)
	for _, o := range []fyne.CanvasObject{p.detail, p.bar} {
		setVisible(o, running)
	}
	if p.buttons != nil {
		setVisible(p.buttons, running)
	}
	if !running {
		setLabel(p.summary, "No job running")
		setLabel(p.detail, "")
		p.times = ""
		p.setBar(0, "")
		return
	}
	j := p.job
	summary := "Running: " + jobTitle(j.PackID, j.InputImage, j.PromptIndex, j.VariantIndex, j.VariantTotal, j.BatchIndex, j.BatchTotal, j.Seed, j.Model)
	if p.others > 0 {
		summary += fmt.Sprintf(" (+%d more running)", p.others)
	}
	setLabel(p.summary, summary)
	size := fmt.Sprintf("%d×%d · ", j.Width, j.Height)
	if j.Width == 0 || j.Height == 0 {
		size = "" // the input file's size
	}
	detail := fmt.Sprintf("%s%s · on %s", size, stageList(j.Stages), orText(j.Backend, "the WebUI"))
	frac, eta := j.Progress, j.ETA
	stage := "Starting…"
	if pi := p.progress; pi != nil {
		frac, eta = pi.Fraction, pi.ETA
		stage = stageProgress(pi, j.Stages)
		if pi.Steps > 0 {
			stage += fmt.Sprintf(" · step %d of %d", pi.Step, pi.Steps)
		}
	}
	p.setBar(frac, stage)
	times := ""
	if j.StartedAt != nil {
		times = "Elapsed " + fmtDuration(time.Since(*j.StartedAt))
	}
	if eta > 0 {
		times += " · ETA " + fmtDuration(eta)
	}
	p.times = times
	// The times lead the detail line (the card keeps to three lines).
	if times != "" {
		detail = times + " · " + detail
	}
	setLabel(p.detail, detail)
}

// setBar shows the progress and the bar's text.
func (p *runningPanel) setBar(frac float64, stage string) {
	if p.bar.Value == frac && p.stage == stage {
		return
	}
	p.stage = stage
	if p.bar.Value != frac {
		p.bar.SetValue(frac)
	} else {
		p.bar.Refresh()
	}
}

// setPreview shows a live preview image (nil: the placeholder).
func (p *runningPanel) setPreview(img image.Image) {
	if p.image.Image == nil && img == nil {
		return
	}
	p.image.Image = img
	p.image.Refresh()
}

// jobID is the shown job's id, or "".
func (p *runningPanel) jobID() string {
	if p.job == nil {
		return ""
	}
	return p.job.JobID
}

// onPauseNow stops the running job and pauses the queue: the job goes back
// to the front and starts over on resume (A1111 cannot pause a job).
func (p *runningPanel) onPauseNow() {
	q := p.h.mw.Services.Queue
	p.stopping = p.jobID()
	p.h.goWork("stopping and pausing", func(context.Context) error { return q.PauseNow() }, p.report(labelStopAndPause))
}

// onCancel cancels the running job (it goes to history as cancelled).
func (p *runningPanel) onCancel() {
	id := p.jobID()
	if id == "" {
		return
	}
	q := p.h.mw.Services.Queue
	p.h.goWork("cancelling "+id, func(context.Context) error { return q.CancelRunning(id) }, p.report("Cancel"))
}

// onRequeue cancels the running job and puts it at the bottom of the queue.
func (p *runningPanel) onRequeue() {
	id := p.jobID()
	if id == "" {
		return
	}
	q := p.h.mw.Services.Queue
	p.h.goWork("cancel and requeue "+id, func(context.Context) error { return q.CancelAndRequeue(id) }, p.report("Cancel & requeue"))
}

// onSkip asks the WebUI to skip the image it is sampling.
func (p *runningPanel) onSkip() {
	id := p.jobID()
	if id == "" {
		return
	}
	q := p.h.mw.Services.Queue
	p.h.goWork("skipping the image of "+id, func(ctx context.Context) error { return q.Skip(ctx, id) }, p.report("Skip"))
}

// report returns a done function that shows a failed command.
func (p *runningPanel) report(what string) func(error) {
	return func(err error) {
		if err != nil {
			showMessage(p.outcome, what+" did not work: "+err.Error(), widget.DangerImportance)
		}
	}
}

// stageProgress names the stage being run: "txt2img + ADetailer" when the
// WebUI runs ADetailer inside that request, and "(stage 2 of 3)" only when
// the job makes more than one request.
func stageProgress(pi *queue.ProgressInfo, stages []pipeline.StageType) string {
	name := string(pi.Stage)
	if pi.StageTotal < len(stages) && slices.Contains(stages, pipeline.StageADetailer) &&
		(pi.Stage == pipeline.StageTxt2Img || pi.Stage == pipeline.StageImg2Img) {
		name += " + ADetailer"
	}
	if pi.StageTotal > 1 {
		name += fmt.Sprintf(" (stage %d of %d)", pi.StageIndex+1, pi.StageTotal)
	}
	return name
}
