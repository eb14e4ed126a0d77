package gui

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"stablenew/app"
	"stablenew/controller"
	"stablenew/pipeline"
	"stablenew/pipeline/output"
	"stablenew/pipeline/resources"
)

// previewDelay is how long the preview waits after the last edit before it
// plans again.
const previewDelay = 250 * time.Millisecond

// maxNotes is how many plan notes the preview lists before "(+k more)";
// each is cut to one line.
const maxNotes = 2

// previewRow is one job of the preview, formatted off the UI goroutine so
// that scrolling a 10,000-job draft only sets label texts.
type previewRow struct {
	title, prompt string
	// picks are what sets the job apart from the others (variantPicks).
	picks string
}

// planResult is one finished rebuild of the preview.
type planResult struct {
	gen      uint64
	plan     *controller.Plan
	err      error
	rows     []previewRow
	estimate time.Duration
	known    bool
	// reprocess is set when the plan is a reprocess draft, not the packs.
	reprocess bool
	// disk is about how much disk space the plan's images take.
	disk int64
	// diskWarning says the output disk has less room than that, or "".
	diskWarning string
	// report is the preflight of the jobs against the WebUIs' lists.
	report *resources.Report
	// experiment is set when the plan is a Learning experiment draft.
	experiment *controller.Experiment
}

// previewPanel shows the draft: every JobSpec the current setup plans to,
// exactly as Add to Queue will store it. It rebuilds the plan in the
// background a moment after each edit; a newer edit cancels an older
// rebuild, and a rebuild whose inputs changed meanwhile is dropped.
type previewPanel struct {
	h    *panelHub
	tab  *container.TabItem
	tabs *container.AppTabs

	header  *widget.Label
	stages  *widget.Label
	state   *widget.Label
	errText *widget.Label
	notes   *widget.Label
	list    *widget.List
	details *jobDetails
	// resources is the preflight above the list.
	resources *resourcePanel
	// reprocessBar says the draft is a reprocess draft, with Edit… and Back
	// to packs; hidden otherwise.
	reprocessBar  *fyne.Container
	reprocessText *widget.Label
	// experiment is the Learning experiment draft the preview plans instead
	// of the packs, or nil; experimentBar says so (learning_preview.go).
	experiment     atomic.Pointer[controller.Experiment]
	experimentBar  *fyne.Container
	experimentText *widget.Label

	debounce *Debouncer
	// gen counts plan-input changes (UI goroutine); genSeen is its copy for
	// the rebuild goroutine.
	gen     uint64
	genSeen atomic.Uint64

	building bool
	// cancelNow cancels a rebuild started without the debounce delay.
	cancelNow context.CancelFunc
	// consumed is set once the current plan was queued: its job ids are
	// taken, so the next submit needs a fresh plan.
	consumed bool
	result   *planResult
	selected int
	// estimating is set while reestimate runs.
	estimating bool
	waiters    []func(*planResult)
	// freeBytes tells the free space of the disk that holds a folder
	// (output.FreeBytes; tests replace it).
	freeBytes func(path string) (int64, bool)
}

func newPreviewPanel(h *panelHub) *previewPanel {
	p := &previewPanel{h: h, selected: -1, freeBytes: output.FreeBytes}
	p.header = &widget.Label{Text: "Jobs 0", TextStyle: fyne.TextStyle{Bold: true}, Truncation: fyne.TextTruncateEllipsis}
	p.stages = &widget.Label{Importance: widget.LowImportance, Truncation: fyne.TextTruncateEllipsis}
	p.state = newMessage()
	p.state.Importance = widget.LowImportance
	p.errText = newMessage()
	p.errText.Importance = widget.DangerImportance
	p.notes = &widget.Label{Importance: widget.WarningImportance, Truncation: fyne.TextTruncateEllipsis}
	p.notes.Hide()
	p.list = widget.NewList(p.length, p.createRow, p.updateRow)
	p.list.OnSelected = p.onSelected
	p.list.OnUnselected = p.onUnselected
	p.details = newJobDetails(h)
	p.resources = newResourcePanel(h)
	p.debounce = NewDebouncer(previewDelay, p.rebuild)
	p.reprocessText = &widget.Label{Importance: widget.WarningImportance, Wrapping: fyne.TextWrapWord}
	p.reprocessBar = container.NewBorder(nil, nil, nil,
		container.NewHBox(
			&widget.Button{Text: "Edit…", Icon: theme.DocumentCreateIcon(), OnTapped: func() { h.mw.openReprocess() }},
			&widget.Button{Text: "Back to packs", Icon: theme.NavigateBackIcon(), OnTapped: p.onBackToPacks},
		),
		p.reprocessText)
	p.reprocessBar.Hide()
	p.newExperimentBar()
	return p
}

// build lays out the panel.
func (p *previewPanel) build() fyne.CanvasObject {
	top := container.NewVBox(p.reprocessBar, p.experimentBar, p.header, p.stages, p.state, p.errText, p.notes, p.resources.build())
	split := container.NewVSplit(minHeight(p.list, 120), p.details.build().object())
	split.Offset = 0.55
	return container.NewBorder(top, nil, nil, nil, split)
}

// start listens to the State and plans the current setup at once.
func (p *previewPanel) start() {
	p.h.mw.State.OnChange(p.onStateChange)
	p.resources.start()
	p.showReprocess()
	p.invalidate(true)
}

// onStateChange rebuilds the plan, a moment after the last edit, when one
// of its inputs changed.
func (p *previewPanel) onStateChange(what app.Change) {
	if what.Has(app.ChangeReprocess) {
		p.showReprocess()
	}
	if what.Has(app.PlanInputs) {
		p.invalidate(false)
	}
}

// invalidate marks the plan stale and rebuilds it: now, or after the
// debounce delay (edits come in bursts).
func (p *previewPanel) invalidate(now bool) {
	p.gen++
	p.genSeen.Store(p.gen)
	p.building = true
	showMessage(p.state, "Rebuilding the preview…", widget.LowImportance)
	info := p.h.mw.State.PlanInfo()
	info.Building = true
	p.h.mw.State.SetPlanInfo(info)
	if p.cancelNow != nil {
		p.cancelNow()
		p.cancelNow = nil
	}
	if !now {
		p.debounce.Trigger()
		return
	}
	p.debounce.Stop()
	p.debounce = NewDebouncer(previewDelay, p.rebuild)
	ctx, cancel := context.WithCancel(context.Background())
	p.cancelNow = cancel
	gen := p.gen
	var res *planResult
	p.h.goWork("planning the preview", func(context.Context) error {
		res = p.plan(ctx, gen)
		return nil
	}, func(error) {
		cancel()
		if res != nil {
			p.apply(res)
		}
	})
}

// rebuild plans the current setup. The debouncer calls it on its own
// goroutine; the planning itself runs as Bridge work (so tests that settle
// the Bridge wait for it) and rebuild returns when it is done.
func (p *previewPanel) rebuild(ctx context.Context) {
	gen := p.genSeen.Load()
	done := make(chan struct{})
	var res *planResult
	p.h.goWork("planning the preview", func(context.Context) error {
		defer close(done)
		res = p.plan(ctx, gen)
		return nil
	}, func(error) {
		if res != nil {
			p.apply(res)
		}
	})
	<-done
}

// plan builds the plan of the State's current setup, or nil when ctx was
// cancelled by a newer edit (whose own rebuild follows).
//
// A panic while planning (a bug) becomes the plan's error, shown in the
// preview like any other, with its stack in the log: the preview never
// stays at "Rebuilding…".
func (p *previewPanel) plan(ctx context.Context, gen uint64) (res *planResult) {
	req := p.h.mw.State.Snapshot()
	defer func() {
		if r := recover(); r != nil {
			p.h.mw.Log.Error("planning the preview panicked", "panic", r, "stack", string(debug.Stack()))
			res = &planResult{gen: gen, reprocess: req.Reprocess != nil,
				err: fmt.Errorf("planning failed on an internal error (%v); this is a bug in StableNew, please report it with the log", r)}
		}
	}()
	req.Source = pipeline.SourceAddToQueue
	plan, exp, err := p.planJobs(ctx, req)
	if ctx.Err() != nil {
		return nil
	}
	res = &planResult{gen: gen, plan: plan, err: err, reprocess: req.Reprocess != nil, experiment: exp}
	if err == nil {
		res.rows = previewRows(plan.Jobs)
		res.estimate, res.known = p.estimate(plan.Jobs)
		res.disk = plan.DiskBytes()
		res.diskWarning = plan.DiskWarning(res.disk, p.freeBytes)
		res.report = p.resources.check(plan.Jobs)
	}
	return res
}

// estimate sums JobService's estimate of every job.
func (p *previewPanel) estimate(jobs []pipeline.JobSpec) (time.Duration, bool) {
	q := p.h.mw.Services.Queue
	var total time.Duration
	known := true
	for i := range jobs {
		d, ok := q.EstimateJob(&jobs[i])
		total += d
		known = known && ok
	}
	return total, known
}

// previewRows formats the jobs for the list.
func previewRows(jobs []pipeline.JobSpec) []previewRow {
	rows := make([]previewRow, len(jobs))
	picks := variantPicks(jobs)
	for i := range jobs {
		j := &jobs[i]
		c := j.Config
		input := inputImage(c)
		title := fmt.Sprintf("%d. %s", i+1,
			jobTitle(j.PackID, input, j.PromptIndex, j.VariantIndex, j.VariantTotal, j.BatchIndex, j.BatchTotal, j.Seed, c.Txt2Img.Model))
		if input == "" {
			title += fmt.Sprintf(" · %d×%d", c.Txt2Img.Width, c.Txt2Img.Height)
		}
		rows[i] = previewRow{title: title, prompt: oneLine(c.Prompt.Positive, rowTextMax), picks: picks[i]}
	}
	return rows
}

// showReprocess shows or hides the reprocess bar for the State's draft.
func (p *previewPanel) showReprocess() {
	src := p.h.mw.State.Reprocess()
	if src == nil {
		p.reprocessBar.Hide()
		return
	}
	if p.experiment.Swap(nil) != nil {
		p.experimentBar.Hide() // a reprocess draft replaces the experiment
	}
	stages := make([]string, len(src.Stages))
	for i, s := range src.Stages {
		stages[i] = string(s)
	}
	p.reprocessText.SetText(fmt.Sprintf("Reprocess draft: %s on %s. The prompt packs are left out until you go back to them.",
		strings.Join(stages, " → "), plural(len(src.Inputs), "chosen file or folder", "chosen files or folders")))
	p.reprocessBar.Show()
}

// onBackToPacks ends the reprocess draft: the preview plans the packs again.
func (p *previewPanel) onBackToPacks() { p.h.mw.State.SetReprocess(nil) }

// apply shows a finished rebuild, unless the inputs changed since it
// started (a newer rebuild is on its way then).
func (p *previewPanel) apply(res *planResult) {
	if res.gen != p.gen {
		return
	}
	next := p.consumed
	p.building, p.consumed, p.result = false, false, res
	state := ""
	if next && res.err == nil {
		state = "The previous draft was queued. This is the next one: new job ids, and random seeds drawn again."
	}
	showMessage(p.state, state, widget.LowImportance)
	p.showSummary(res)
	p.resources.show(res.report)
	p.list.UnselectAll()
	p.selected = -1
	p.list.Refresh()
	p.list.ScrollToTop()
	if len(res.rows) > 0 {
		p.list.Select(0)
	} else {
		p.details.show(nil)
	}
	p.publish(res)
	waiters := p.waiters
	p.waiters = nil
	for _, w := range waiters {
		w(res)
	}
}

// showSummary fills the header, stage line, error and notes.
func (p *previewPanel) showSummary(res *planResult) {
	jobs, per, total := 0, 0, 0
	var notes []string
	if res.plan != nil {
		jobs, per, total = len(res.plan.Jobs), res.plan.ImagesPerJob(), res.plan.TotalImages()
		notes = res.plan.Notes
	}
	est := "–"
	if jobs > 0 {
		est = fmtEstimate(res.estimate, res.known)
	}
	header := fmt.Sprintf("Jobs %d | images per job %d | total %d | estimated time %s", jobs, per, total, est)
	if jobs > 0 {
		header += " | disk ≈ " + pipeline.FormatDiskBytes(res.disk)
	}
	p.header.SetText(header)

	stages := ""
	if jobs > 0 {
		stages = "Stages: " + res.plan.Jobs[0].Config.StageSummary()
		if seed := res.plan.RandomizerSeed; res.plan.Jobs[0].Config.Randomizer.Enabled {
			stages += fmt.Sprintf(" · randomizer seed %d", seed)
		}
	}
	p.stages.SetText(stages)
	errText := ""
	if res.err != nil {
		errText = planErrorText(res.err)
	}
	showMessage(p.errText, errText, widget.DangerImportance)
	if res.diskWarning != "" {
		notes = append([]string{res.diskWarning}, notes...)
	}
	setNote(p.notes, notesText(notes))
}

// planErrorText is the message for a failed plan. A cap error already states
// the full count; other errors are shown as they are.
func planErrorText(err error) string {
	var ce *controller.CapError
	if errors.As(err, &ce) {
		return "Too many jobs: " + err.Error()
	}
	return "Cannot plan: " + err.Error()
}

// notesText lists the first notes and counts the rest.
func notesText(notes []string) string {
	if len(notes) == 0 {
		return ""
	}
	shown := notes
	if len(shown) > maxNotes {
		shown = shown[:maxNotes]
	}
	text := ""
	for i, n := range shown {
		if i > 0 {
			text += "\n"
		}
		text += "• " + oneLine(n, 140)
	}
	if rest := len(notes) - len(shown); rest > 0 {
		text += fmt.Sprintf("\n(+%d more notes)", rest)
	}
	return text
}

// reestimate sums the estimate of the shown plan again (after a job
// finished, JobService knows this machine better), off the UI goroutine.
func (p *previewPanel) reestimate() {
	res := p.result
	if res == nil || res.plan == nil || len(res.plan.Jobs) == 0 || p.estimating {
		return
	}
	p.estimating = true
	var est time.Duration
	var known bool
	p.h.goWork("estimating the preview", func(context.Context) error {
		est, known = p.estimate(res.plan.Jobs)
		return nil
	}, func(error) {
		p.estimating = false
		if p.result == res {
			res.estimate, res.known = est, known
			p.showSummary(res)
		}
	})
}

// publish tells the other panels what the plan holds.
func (p *previewPanel) publish(res *planResult) {
	info := app.PlanInfo{}
	if res.plan != nil {
		info.Jobs, info.Images = len(res.plan.Jobs), res.plan.TotalImages()
		info.RandomizerSeed, info.Notes = res.plan.RandomizerSeed, res.plan.Notes
	}
	if res.err != nil {
		info.Err = res.err.Error()
	}
	p.h.mw.State.SetPlanInfo(info)
}

// whenReady calls fn with the current plan, now when the preview is up to
// date, or once the rebuild in progress has finished. A plan that was
// queued already is rebuilt first (its job ids are taken).
func (p *previewPanel) whenReady(fn func(*planResult)) {
	if !p.building && !p.consumed && p.result != nil {
		fn(p.result)
		return
	}
	p.waiters = append(p.waiters, fn)
	if !p.building {
		p.invalidate(true)
	}
}

// consume marks the shown plan as queued and plans again, so that the
// preview always shows what the next Add to Queue would store.
func (p *previewPanel) consume(res *planResult) {
	if p.result == res {
		p.consumed = true
		p.invalidate(true)
	}
}

// jobs returns the JobSpecs on show (nil while none).
func (p *previewPanel) jobs() []pipeline.JobSpec {
	if p.result == nil || p.result.plan == nil {
		return nil
	}
	return p.result.plan.Jobs
}
