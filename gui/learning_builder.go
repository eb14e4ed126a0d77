package gui

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"stablenew/controller"
	"stablenew/pipeline"
)

// noSweep is the Y field's "nothing" choice.
const noSweep = "(none)"

// sweepRow is one swept setting of the builder: its field, its values, a
// picker of the WebUI's names for a field that takes names, and the error
// beside it.
type sweepRow struct {
	field *widget.Entry
	// fields picks a field into the entry.
	fields *widget.Select
	values *widget.Entry
	pick   *widget.Select
	err    *widget.Label
}

// learnDraft is the builder's experiment as typed, read on the UI
// goroutine and planned off it.
type learnDraft struct {
	exp controller.Experiment
	req controller.RunRequest
	// xErr, yErr and seedsErr are the form errors found before planning.
	xErr, yErr, seedsErr string
}

// learnPlanned is one plan of the builder's experiment.
type learnPlanned struct {
	gen      uint64
	draft    learnDraft
	plan     *controller.Plan
	err      error
	estimate time.Duration
	known    bool
}

// learnBuilder is the form that builds an experiment: the prompt (a pack
// row or a typed prompt), X and Y, the seeds. It plans the experiment in
// the background after every edit (the one job path), shows the count and
// the estimate, puts errors beside their field and keeps the buttons
// disabled, saying why, until the experiment plans.
type learnBuilder struct {
	t *learningTab

	pack   *widget.Select
	row    *widget.Select
	prompt *widget.Entry
	x, y   *sweepRow
	seeds  *widget.Entry
	// seedsErr is the seeds' error; status the count, estimate or reason.
	seedsErr *widget.Label
	status   *widget.Label
	preview  *widget.Button
	queue    *widget.Button

	// rows are the rows of the chosen pack ("1: first words…").
	rows    []string
	rowsFor string

	gen      uint64
	planning bool
	again    bool
	last     *learnPlanned
	// queued is the form's typed text when it was built or last queued:
	// text that differs from it is an experiment not queued yet.
	queued [6]string
	// previewed is the typed text of the experiment last shown in the
	// Preview, which Add to Queue there queues.
	previewed [6]string
}

func newLearnBuilder(t *learningTab) *learnBuilder {
	b := &learnBuilder{t: t}
	b.pack = widget.NewSelect(nil, b.onPack)
	b.pack.PlaceHolder = "(pick a pack)"
	b.row = widget.NewSelect(nil, func(string) { b.changed() })
	b.row.PlaceHolder = "(row)"
	b.prompt = &widget.Entry{PlaceHolder: "or type a prompt (used instead of the pack row)"}
	b.prompt.OnChanged = func(string) { b.changed() }
	b.x = b.newSweepRow("txt2img.cfg_scale", "5:9:2")
	b.y = b.newSweepRow(noSweep, "")
	b.seeds = &widget.Entry{Text: "2"}
	b.seeds.OnChanged = func(string) { b.changed() }
	b.seedsErr = newMessage()
	b.seedsErr.Importance = widget.DangerImportance
	b.status = &widget.Label{Wrapping: fyne.TextWrapWord}
	b.preview = &widget.Button{Text: "Preview", Icon: theme.VisibilityIcon(), OnTapped: b.onPreview}
	b.queue = &widget.Button{Text: "Queue experiment", Icon: theme.ContentAddIcon(), Importance: widget.HighImportance,
		OnTapped: b.onQueue}
	b.queued = b.typed()
	return b
}

// typed is the text the user types into the form (the pack and row are
// picked for them, so they are not counted).
func (b *learnBuilder) typed() [6]string {
	return [6]string{b.prompt.Text, b.x.field.Text, b.x.values.Text, b.y.field.Text, b.y.values.Text, b.seeds.Text}
}

// unqueued reports whether the form holds typed changes not queued yet
// (closing the window asks about them: they are not kept).
func (b *learnBuilder) unqueued() bool { return b.typed() != b.queued }

func (b *learnBuilder) newSweepRow(field, values string) *sweepRow {
	r := &sweepRow{field: &widget.Entry{Text: field, PlaceHolder: "setting: section.key or lora:NAME"},
		values: &widget.Entry{Text: values}, err: newMessage()}
	r.err.Importance = widget.DangerImportance
	r.field.OnChanged = func(string) { b.fieldChanged(r) }
	r.fields = widget.NewSelect(nil, func(f string) {
		if f != "" {
			r.field.SetText(f)
			r.fields.ClearSelected()
		}
	})
	r.fields.PlaceHolder = "settings…"
	r.values.OnChanged = func(string) { b.changed() }
	r.pick = widget.NewSelect(nil, nil)
	r.pick.PlaceHolder = "add a value…"
	r.pick.OnChanged = func(v string) { b.addValue(r, v) }
	r.pick.Hide()
	return r
}

// build lays out the form.
func (b *learnBuilder) build() fyne.CanvasObject {
	sweep := func(name string, r *sweepRow) fyne.CanvasObject {
		return container.NewVBox(
			container.NewBorder(nil, nil, widget.NewLabel(name), r.fields, r.field),
			r.values, r.pick, r.err)
	}
	return container.NewVBox(
		&widget.Label{Text: "New experiment", TextStyle: fyne.TextStyle{Bold: true}},
		container.NewGridWithColumns(2, b.pack, b.row),
		b.prompt,
		sweep("X", b.x),
		sweep("Y", b.y),
		container.NewBorder(nil, nil, widget.NewLabel("Seeds per cell"), nil, b.seeds),
		b.seedsErr,
		b.status,
		container.NewGridWithColumns(2, b.preview, b.queue),
	)
}

// start fills the lists and plans the default experiment.
func (b *learnBuilder) start() {
	b.setPacks()
	b.setResources()
	b.t.mw.onLibrary(b.setPacks)
	b.t.mw.OnResourcesChange(b.setResources)
	b.changed()
}

// setPacks offers the packs of the library (UI goroutine).
func (b *learnBuilder) setPacks() {
	var ids []string
	for _, p := range b.t.mw.lib.Packs {
		ids = append(ids, p.ID)
	}
	b.pack.SetOptions(ids)
	if b.pack.Selected == "" && len(ids) > 0 {
		if sel := b.t.mw.State.Packs(); len(sel) > 0 {
			b.pack.SetSelected(sel[0])
		} else {
			b.pack.SetSelected(ids[0])
		}
	}
}

// setResources offers the WebUI's LoRAs as fields and its names as values.
func (b *learnBuilder) setResources() {
	opts := sweepFieldOptions(b.t.mw.Resources())
	b.x.fields.SetOptions(opts)
	b.y.fields.SetOptions(append([]string{noSweep}, opts...))
	b.showPicker(b.x)
	b.showPicker(b.y)
}

// showPicker offers the WebUI's names for a field that takes names.
func (b *learnBuilder) showPicker(r *sweepRow) {
	field := strings.TrimSpace(r.field.Text)
	r.values.SetPlaceHolder(sweepPlaceholder(field))
	opts := sweepValueOptions(field, b.t.mw.Resources())
	if len(opts) == 0 {
		r.pick.Hide()
		return
	}
	r.pick.SetOptions(opts)
	r.pick.Show()
}

// addValue appends a picked name to a row's comma list.
func (b *learnBuilder) addValue(r *sweepRow, v string) {
	if v == "" {
		return
	}
	text := strings.TrimSpace(r.values.Text)
	if text != "" {
		text += ","
	}
	r.values.SetText(text + v)
	r.pick.ClearSelected()
}

func (b *learnBuilder) fieldChanged(r *sweepRow) {
	b.showPicker(r)
	b.changed()
}

// onPack reads the chosen pack's rows in the background.
func (b *learnBuilder) onPack(id string) {
	b.changed()
	if id == "" || id == b.rowsFor {
		return
	}
	lib := b.t.mw.Services.Library
	var rows []string
	b.t.h.goWork("reading pack "+id, func(context.Context) error {
		p, err := lib.LoadPack(id)
		if err != nil {
			return err
		}
		for i, r := range p.Rows {
			rows = append(rows, fmt.Sprintf("%d: %s", i+1, oneLine(r.Positive, 40)))
		}
		return nil
	}, func(err error) {
		if b.pack.Selected != id {
			return
		}
		b.rows, b.rowsFor = rows, id
		b.row.SetOptions(rows)
		if len(rows) > 0 {
			b.row.SetSelectedIndex(0)
		} else {
			b.row.ClearSelected()
		}
		b.changed()
	})
}

// draft reads the form (UI goroutine).
func (b *learnBuilder) draft() learnDraft {
	d := learnDraft{req: b.t.mw.State.Snapshot()}
	d.req.Source = pipeline.SourceAddToQueue
	d.exp.Pack = b.pack.Selected
	d.exp.Row = max(b.row.SelectedIndex(), 0)
	d.exp.Prompt = strings.TrimSpace(b.prompt.Text)
	read := func(r *sweepRow, optional bool) string {
		field := strings.TrimSpace(r.field.Text)
		if optional && (field == "" || field == noSweep) {
			return ""
		}
		s, err := controller.ParseSweep(field + "=" + r.values.Text)
		if err != nil {
			return sweepErrText(err)
		}
		d.exp.Sweeps = append(d.exp.Sweeps, s)
		return ""
	}
	d.xErr = read(b.x, false)
	d.yErr = read(b.y, true)
	n, err := strconv.Atoi(strings.TrimSpace(b.seeds.Text))
	switch {
	case err != nil:
		d.seedsErr = "Seeds: give a whole number from 1 to " + strconv.Itoa(controller.MaxExperimentSeeds)
	case n < 1 || n > controller.MaxExperimentSeeds:
		d.seedsErr = fmt.Sprintf("Seeds: from 1 to %d, got %d", controller.MaxExperimentSeeds, n)
	}
	d.exp.Seeds = n
	return d
}

// sweepErrText is a sweep's error without the field it names (it shows
// beside the field).
func sweepErrText(err error) string {
	var se *controller.SweepError
	if errors.As(err, &se) {
		return se.Err.Error()
	}
	return err.Error()
}

// changed plans the form again in the background; a newer edit makes an
// older plan's result stale, and at most one plan runs at a time.
func (b *learnBuilder) changed() {
	b.gen++
	b.preview.Disable()
	b.queue.Disable()
	if b.planning {
		b.again = true
		return
	}
	b.plan()
}

func (b *learnBuilder) plan() {
	d := b.draft()
	gen := b.gen
	b.planning = true
	res := &learnPlanned{gen: gen, draft: d}
	if d.xErr == "" && d.yErr == "" && d.seedsErr == "" {
		svc, q := b.t.mw.Services, b.t.mw.Services.Queue
		b.t.h.goWork("planning the experiment", func(ctx context.Context) error {
			exp := d.exp
			exp.ID = controller.NewExperimentID()
			res.plan, res.err = svc.PlanExperiment(ctx, d.req, exp)
			if res.err == nil {
				res.draft.exp, res.known = exp, true
				for i := range res.plan.Jobs {
					e, ok := q.EstimateJob(&res.plan.Jobs[i])
					res.estimate += e
					res.known = res.known && ok
				}
			}
			return nil
		}, func(error) { b.planned(res) })
		return
	}
	b.planned(res)
}

// planned shows a plan, unless the form changed meanwhile (it plans again
// then).
func (b *learnBuilder) planned(res *learnPlanned) {
	b.planning = false
	if b.again || res.gen != b.gen {
		b.again = false
		b.plan()
		return
	}
	b.last = res
	d := res.draft
	xErr, yErr, seedsErr, status := d.xErr, d.yErr, d.seedsErr, ""
	var se *controller.SweepError
	var ce *controller.ExperimentCapError
	switch {
	case xErr != "" || yErr != "" || seedsErr != "":
		status = "Fix the marked fields to plan the experiment."
	case errors.As(res.err, &se):
		if len(d.exp.Sweeps) > 1 && se.Field == d.exp.Sweeps[1].Field {
			yErr = se.Err.Error()
		} else {
			xErr = se.Err.Error()
		}
		status = "Fix the marked fields to plan the experiment."
	case errors.As(res.err, &ce):
		seedsErr = res.err.Error()
		status = "Too many jobs: use fewer values or seeds."
	case res.err != nil:
		status = "Cannot plan: " + res.err.Error()
	}
	showMessage(b.x.err, xErr, widget.DangerImportance)
	showMessage(b.y.err, yErr, widget.DangerImportance)
	showMessage(b.seedsErr, seedsErr, widget.DangerImportance)
	if status != "" {
		b.status.Importance = widget.DangerImportance
		b.status.SetText(status)
		return
	}
	exp := d.exp
	cells := make([]string, len(exp.Sweeps))
	for i, s := range exp.Sweeps {
		cells[i] = strconv.Itoa(len(s.Values))
	}
	b.status.Importance = widget.MediumImportance
	b.status.SetText(fmt.Sprintf("%s cells × %d seeds = %s · estimated %s",
		strings.Join(cells, " × "), exp.Seeds, plural(len(res.plan.Jobs), "job", "jobs"), fmtEstimate(res.estimate, res.known)))
	b.preview.Enable()
	b.queue.Enable()
}

// ready returns the current plan when it has no errors, or nil.
func (b *learnBuilder) ready() *learnPlanned {
	if b.planning || b.last == nil || b.last.gen != b.gen || b.last.plan == nil || b.last.err != nil {
		return nil
	}
	return b.last
}

// onPreview shows the experiment's jobs in the Preview tab, where Add to
// Queue queues them as the experiment.
func (b *learnBuilder) onPreview() {
	res := b.ready()
	if res == nil {
		return
	}
	b.previewed = b.typed()
	b.t.h.preview.showExperiment(res.draft.exp)
	b.t.mw.showPreview()
}

// previewQueued notes that the Preview queued the experiment the form last
// showed there.
func (b *learnBuilder) previewQueued() { b.queued = b.previewed }

// onQueue queues the planned experiment and opens it in the grid. The
// plan's ids are taken then: the form plans again with new ones.
func (b *learnBuilder) onQueue() {
	res := b.ready()
	if res == nil {
		return
	}
	b.queue.Disable()
	exp, plan, jobs := res.draft.exp, res.plan, res.plan.Jobs
	typed := b.typed()
	svc := b.t.mw.Services
	b.t.h.goWork("queueing the experiment", func(context.Context) error {
		return svc.SubmitExperiment(exp, plan)
	}, func(err error) {
		if err != nil {
			b.t.say("Nothing queued: "+err.Error(), widget.DangerImportance)
			b.changed()
			return
		}
		b.queued = typed
		b.t.say(fmt.Sprintf("Queued experiment %s: %s. Its grid fills as the images arrive.", exp.ID,
			plural(len(jobs), "job", "jobs")), widget.SuccessImportance)
		b.t.open(exp.ID)
		b.t.reloadList()
		b.changed()
	})
}
