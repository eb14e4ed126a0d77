package gui

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"stablenew/controller"
)

// The Preview tab shows an experiment draft from the Learning tab the way
// it shows a reprocess draft: a bar above the jobs says so, Add to Queue
// queues the jobs as the experiment, and Back to packs ends the draft.

// newExperimentBar makes the bar shown above an experiment draft.
func (p *previewPanel) newExperimentBar() {
	p.experimentText = &widget.Label{Importance: widget.WarningImportance, Wrapping: fyne.TextWrapWord}
	p.experimentBar = container.NewBorder(nil, nil, nil,
		&widget.Button{Text: "Back to packs", Icon: theme.NavigateBackIcon(), OnTapped: p.dropExperiment},
		p.experimentText)
	p.experimentBar.Hide()
}

// showExperiment makes exp the preview's draft (a reprocess draft ends).
func (p *previewPanel) showExperiment(exp controller.Experiment) {
	if p.h.mw.State.Reprocess() != nil {
		p.h.mw.State.SetReprocess(nil)
	}
	p.experiment.Store(&exp)
	fields := make([]string, len(exp.Sweeps))
	for i, s := range exp.Sweeps {
		fields[i] = fmt.Sprintf("%s (%d)", s.Field, len(s.Values))
	}
	p.experimentText.SetText(fmt.Sprintf("Experiment draft: %s × %s. Add to Queue queues it as a Learning experiment; the packs are left out until you go back to them.",
		strings.Join(fields, " × "), plural(exp.Seeds, "seed", "seeds")))
	p.experimentBar.Show()
	p.invalidate(true)
}

// dropExperiment ends the experiment draft: the preview plans the packs
// again.
func (p *previewPanel) dropExperiment() {
	if p.experiment.Swap(nil) == nil {
		return
	}
	p.experimentBar.Hide()
	p.invalidate(true)
}

// planJobs plans the preview's draft: the experiment when there is one
// (with a fresh id: every plan's ids are new), else req's packs or
// reprocess draft.
func (p *previewPanel) planJobs(ctx context.Context, req controller.RunRequest) (*controller.Plan, *controller.Experiment, error) {
	svc := p.h.mw.Services
	if e := p.experiment.Load(); e != nil && req.Reprocess == nil {
		exp := *e
		exp.ID = controller.NewExperimentID()
		plan, err := svc.PlanExperiment(ctx, req, exp)
		return plan, &exp, err
	}
	plan, err := svc.Pipeline.Plan(ctx, req)
	return plan, nil, err
}

// showPreview brings the Pipeline tab's Preview to the front.
func (mw *MainWindow) showPreview() {
	if mw.tabs != nil {
		mw.tabs.SelectIndex(0)
	}
	if h := hubOf(mw); h.preview != nil && h.preview.tabs != nil {
		h.preview.tabs.Select(h.preview.tab)
	}
}
