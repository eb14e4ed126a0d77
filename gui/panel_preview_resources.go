package gui

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"stablenew/pipeline"
	"stablenew/pipeline/resources"
)

// maxResourceRows is how many problems the preview lists above the jobs;
// Details… shows them all.
const maxResourceRows = 3

// resourcePanel is the preview's preflight: above the job list, what each
// WebUI lacks for the plan, each with the remedy that fits (use another
// name of the WebUI's, remove a LoRA), the names mapped to the WebUIs' own,
// and the WebUIs that could not be checked. It checks against the lists the
// app has; it never waits on the network.
type resourcePanel struct {
	h *panelHub

	summary *widget.Label
	details *widget.Button
	anyway  *widget.Button
	rows    *fyne.Container
	skipped *fyne.Container
	root    *fyne.Container

	report *resources.Report
	// acked is the report the user chose "Queue anyway" for.
	acked    *resources.Report
	checking bool
	again    bool
}

func newResourcePanel(h *panelHub) *resourcePanel {
	r := &resourcePanel{h: h}
	r.summary = &widget.Label{TextStyle: fyne.TextStyle{Bold: true}, Truncation: fyne.TextTruncateEllipsis}
	r.details = &widget.Button{Text: "Details…", Importance: widget.LowImportance, OnTapped: r.onDetails}
	r.anyway = &widget.Button{Text: "Queue anyway", Importance: widget.LowImportance, OnTapped: r.onQueueAnyway}
	r.rows = container.NewVBox()
	r.skipped = container.NewVBox()
	head := container.NewBorder(nil, nil, nil, container.NewHBox(r.anyway, r.details), r.summary)
	r.root = container.NewVBox(head, r.rows, r.skipped)
	r.root.Hide()
	return r
}

func (r *resourcePanel) build() fyne.CanvasObject { return r.root }

// start listens for new WebUI lists and mappings: the shown plan is then
// checked again.
func (r *resourcePanel) start() {
	r.h.mw.OnResourcesChange(r.recheck)
}

// check is the preflight of jobs against the WebUIs' lists as the app has
// them (no I/O but reading them): run it off the UI goroutine.
func (r *resourcePanel) check(jobs []pipeline.JobSpec) *resources.Report {
	return resources.Check(jobs, r.h.mw.Services.Targets())
}

// recheck checks the shown plan again in the background (UI goroutine).
func (r *resourcePanel) recheck() {
	res := r.h.preview.result
	if res == nil || res.plan == nil {
		return
	}
	if r.checking {
		r.again = true
		return
	}
	r.checking = true
	var rep *resources.Report
	r.h.goWork("checking the WebUIs' resources", func(context.Context) error {
		rep = r.check(res.plan.Jobs)
		return nil
	}, func(error) {
		r.checking = false
		if r.h.preview.result == res {
			res.report = rep
			r.show(rep)
		}
		if r.again {
			r.again = false
			r.recheck()
		}
	})
}

// show lists a report's problems with their remedies (UI goroutine).
func (r *resourcePanel) show(rep *resources.Report) {
	r.report = rep
	r.showSkipped()
	if rep == nil || rep.Clean() {
		r.rows.RemoveAll()
		r.anyway.Hide()
		r.summary.Importance = widget.MediumImportance
		r.summary.SetText("WebUI resources: every name resolves")
		if len(r.skipped.Objects) == 0 {
			r.root.Hide()
		} else {
			r.root.Show()
		}
		return
	}
	var parts []string
	if s := rep.Summary(); s != "" {
		parts = append(parts, s)
	} else {
		parts = append(parts, "every name resolves")
	}
	if n := len(rep.Mappings); n > 0 {
		parts = append(parts, plural(n, "name mapped to a WebUI's own", "names mapped to the WebUIs' own"))
	}
	if n := len(rep.Unchecked); n > 0 {
		parts = append(parts, plural(n, "WebUI not checked", "WebUIs not checked"))
	}
	r.summary.Importance = widget.MediumImportance
	switch {
	case rep.Errors() > 0:
		r.summary.Importance = widget.DangerImportance
	case rep.Warnings() > 0 || len(rep.Unchecked) > 0:
		r.summary.Importance = widget.WarningImportance
	}
	r.summary.SetText("WebUI resources: " + strings.Join(parts, " · "))
	if rep.Nowhere > 0 && r.acked != rep {
		r.anyway.Show()
	} else {
		r.anyway.Hide()
	}
	var objs []fyne.CanvasObject
	for i, p := range rep.Problems {
		if i == maxResourceRows {
			objs = append(objs, &widget.Label{Text: fmt.Sprintf("(+%d more: Details…)", len(rep.Problems)-i), Importance: widget.LowImportance})
			break
		}
		objs = append(objs, r.problemRow(p))
	}
	if len(rep.Problems) == 0 {
		for _, u := range rep.Unchecked {
			objs = append(objs, &widget.Label{Text: u.String(), Importance: widget.WarningImportance, Truncation: fyne.TextTruncateEllipsis})
		}
	}
	r.rows.Objects = objs
	r.rows.Refresh()
	r.root.Show()
}

// problemRow is one problem: an icon, the text and its remedy.
func (r *resourcePanel) problemRow(p resources.Problem) fyne.CanvasObject {
	icon := theme.WarningIcon()
	imp := widget.WarningImportance
	if p.Error {
		icon, imp = theme.ErrorIcon(), widget.DangerImportance
	}
	text := &widget.Label{Text: p.Text(), Importance: imp, Truncation: fyne.TextTruncateEllipsis}
	var buttons []fyne.CanvasObject
	switch {
	case p.Kind == resources.KindLoRA:
		name := p.Name
		b := &widget.Button{Text: "Remove from jobs", Importance: widget.LowImportance,
			OnTapped: func() { r.h.mw.State.SkipLoRA(name, true) }}
		buttons = append(buttons, r.h.mw.withTooltip(b, fmt.Sprintf("Take <lora:%s:…> out of the draft's prompts", name)))
	case p.Kind.Required() && p.Kind != resources.KindADetailer:
		b := &widget.Button{Text: "Use…", Importance: widget.LowImportance, OnTapped: func() { r.onUse(p) }}
		buttons = append(buttons, r.h.mw.withTooltip(b, "Choose which of this WebUI's names to use for "+p.Name))
	}
	return container.NewBorder(nil, nil, widget.NewIcon(icon), container.NewHBox(buttons...), text)
}

// showSkipped lists the LoRAs removed from the draft, each with Give back.
func (r *resourcePanel) showSkipped() {
	var objs []fyne.CanvasObject
	for _, name := range r.h.mw.State.SkippedLoRAs() {
		give := &widget.Button{Text: "Give back", Importance: widget.LowImportance,
			OnTapped: func() { r.h.mw.State.SkipLoRA(name, false) }}
		objs = append(objs, container.NewBorder(nil, nil, nil, give,
			&widget.Label{Text: "Removed from the prompts: LoRA " + name, Truncation: fyne.TextTruncateEllipsis}))
	}
	r.skipped.Objects = objs
	r.skipped.Refresh()
}

// onUse asks which of the WebUI's names to use for a name it lacks, and
// stores the choice: the same name maps the same way next time, on that
// WebUI (Settings lists the mappings).
func (r *resourcePanel) onUse(p resources.Problem) {
	var lists *resources.Lists
	for _, t := range r.h.mw.Services.Targets() {
		if t.WebUI == p.WebUI && t.View != nil {
			lists = t.View.Lists
		}
	}
	if lists == nil {
		r.h.mw.ShowError("Cannot choose", fmt.Errorf("the lists of %s are not loaded; press Refresh (F5)", p.WebUI))
		return
	}
	// The closest names first, then every name of that kind.
	options := append([]string{}, p.Candidates...)
	options = append(options, p.Closest...)
	for _, n := range lists.Names(p.Kind) {
		if !slices.Contains(options, n) {
			options = append(options, n)
		}
	}
	if len(options) == 0 {
		r.h.mw.ShowError("Nothing to choose", fmt.Errorf("%s lists no %s at all", p.WebUI, p.Kind))
		return
	}
	pick := widget.NewSelect(options, nil)
	pick.SetSelected(options[0])
	intro := &widget.Label{Wrapping: fyne.TextWrapWord, Text: fmt.Sprintf(
		"%s name %s %q, which %s does not have. Choose what to use there instead; StableNew remembers it for this WebUI "+
			"(Settings lists the mappings).", plural(p.Jobs, "job", "jobs"), p.Kind, p.Name, p.WebUI)}
	use := fmt.Sprintf("Use for these %s", plural(p.Jobs, "job", "jobs"))
	d := dialog.NewCustomConfirm("Use another "+string(p.Kind), use, "Cancel", container.NewVBox(intro, pick), func(ok bool) {
		if ok && pick.Selected != "" {
			r.mapResource(resources.Alias{WebUI: p.WebUI, Kind: p.Kind, Name: p.Name, Use: pick.Selected})
		}
	}, r.h.mw.Window)
	d.Resize(fyne.NewSize(520, 0))
	d.Show()
}

// mapResource stores a mapping in the settings, off the UI goroutine, then
// shows the lists under it.
func (r *resourcePanel) mapResource(a resources.Alias) {
	svc := r.h.mw.Services
	r.h.goWork("saving a name mapping", func(context.Context) error { return svc.MapResource(a) }, func(err error) {
		if err != nil {
			r.h.mw.ShowError("The mapping was not saved", err)
			return
		}
		r.h.mw.Log.Info("name mapped", "webui", a.WebUI, "kind", a.Kind, "name", a.Name, "use", a.Use)
		r.h.mw.updateResources()
	})
}

// onQueueAnyway accepts that some jobs can run on no WebUI: Add to Queue
// no longer asks about this report.
func (r *resourcePanel) onQueueAnyway() {
	r.acked = r.report
	r.anyway.Hide()
}

// needsConfirm reports whether queueing the plan of rep should ask first:
// some of its jobs can run on no WebUI and the user has not said to queue
// anyway.
func (r *resourcePanel) needsConfirm(rep *resources.Report) bool {
	return rep != nil && rep.Nowhere > 0 && r.acked != rep
}

// onDetails shows the whole report: every problem, every mapping made and
// every WebUI that could not be checked.
func (r *resourcePanel) onDetails() {
	if r.report == nil {
		return
	}
	text := strings.Join(r.report.Lines(), "\n")
	if text == "" {
		text = "Every name the jobs use resolves on every WebUI."
	}
	l := &widget.Label{Text: text, Wrapping: fyne.TextWrapWord, Selectable: true}
	d := dialog.NewCustom("WebUI resources of the draft", "Close", container.NewVScroll(l), r.h.mw.Window)
	d.Resize(fyne.NewSize(640, 420))
	d.Show()
}
