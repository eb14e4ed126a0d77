package gui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"stablenew/pipeline"
	"stablenew/pipeline/resources"
)

// adetailerGroup is the form group of the unit fields (rebuilt when the
// number of units changes).
const adetailerGroup = "adetailer.units"

// adetailerCard edits the ADetailer units: detector model, confidence,
// mask and inpaint settings, prompts and optional step/CFG/sampler.
type adetailerCard struct {
	mw    *MainWindow
	card  *appCard
	units *fyne.Container
	views []adetailerUnitView
	count int
	built bool
	none  *problemField
}

// adetailerUnitView holds the widgets a unit's "own …" checks enable.
type adetailerUnitView struct {
	steps   *appEntry
	cfg     *appEntry
	sampler *selectField
}

func newADetailerCard(mw *MainWindow) *adetailerCard {
	return &adetailerCard{mw: mw, units: container.NewVBox(), none: newProblemField("adetailer.units")}
}

func (c *adetailerCard) build() fyne.CanvasObject {
	c.mw.form.add("adetailer", c.none)
	c.mw.form.onLoad(c.onLoad)
	on := func(c *config) bool { return c.ADetailer.Enabled }
	c.mw.form.showsWhen("adetailer", on)
	c.mw.form.showsWhen(adetailerGroup, on)
	add := &widget.Button{Text: "Add unit", Icon: theme.ContentAddIcon(), Importance: widget.LowImportance, OnTapped: c.onAddUnit}
	content := container.NewVBox(c.mw.form.backRow(c.mw, "adetailer"), c.units, c.none.note, add)
	c.card = newCard("ADetailer", "Fix faces, hands or bodies after generation", content)
	return c.card
}

// onLoad shows the card and rebuilds the units when their number changes.
func (c *adetailerCard) onLoad(cfg *config) {
	setVisible(c.card, cfg.ADetailer.Enabled)
	defer c.enableOwn(cfg)
	n := len(cfg.ADetailer.Units)
	if c.built && n == c.count {
		return
	}
	c.built, c.count = true, n
	f := c.mw.form
	f.reset(adetailerGroup)
	objs := make([]fyne.CanvasObject, n)
	c.views = make([]adetailerUnitView, n)
	for i := range n {
		objs[i] = c.buildUnit(i)
	}
	c.units.Objects = objs
	c.units.Refresh()
	for _, fl := range f.groups[adetailerGroup] {
		fl.load(cfg)
	}
}

// buildUnit makes the widgets of unit i.
func (c *adetailerCard) buildUnit(i int) fyne.CanvasObject {
	f := c.mw.form
	u := func(cfg *config) *pipeline.ADetailerUnit {
		if i < len(cfg.ADetailer.Units) {
			return &cfg.ADetailer.Units[i]
		}
		return &pipeline.ADetailerUnit{}
	}
	p := func(key string) string { return fmt.Sprintf("adetailer.units[%d].%s", i, key) }
	model := f.resourceSelect(p("ad_model"), resources.KindADetailerModel, adetailerModels,
		func(c *config) string { return u(c).Model }, func(c *config, v string) { u(c).Model = v })
	conf := f.floatField(p("ad_confidence"), func(c *config) float64 { return u(c).Confidence }, func(c *config, v float64) { u(c).Confidence = v })
	blur := f.intField(p("ad_mask_blur"), func(c *config) int { return u(c).MaskBlur }, func(c *config, v int) { u(c).MaskBlur = v })
	denoise := f.floatField(p("ad_denoising_strength"), func(c *config) float64 { return u(c).DenoisingStrength }, func(c *config, v float64) { u(c).DenoisingStrength = v })
	pad := f.intField(p("ad_inpaint_only_masked_padding"), func(c *config) int { return u(c).InpaintOnlyMaskedPadding }, func(c *config, v int) { u(c).InpaintOnlyMaskedPadding = v })
	prompt := f.textField(p("ad_prompt"), func(c *config) string { return u(c).Prompt }, func(c *config, v string) { u(c).Prompt = v }).
		multiLine(2).placeholder("empty: the job's prompt")
	neg := f.textField(p("ad_negative_prompt"), func(c *config) string { return u(c).NegativePrompt }, func(c *config, v string) { u(c).NegativePrompt = v }).
		multiLine(2).placeholder("empty: the job's negative")
	useSteps := f.checkField("Own", p("ad_use_steps"), func(c *config) bool { return u(c).UseSteps }, func(c *config, v bool) { u(c).UseSteps = v })
	steps := f.intField(p("ad_steps"), func(c *config) int { return u(c).Steps }, func(c *config, v int) { u(c).Steps = v })
	useCFG := f.checkField("Own", p("ad_use_cfg_scale"), func(c *config) bool { return u(c).UseCFGScale }, func(c *config, v bool) { u(c).UseCFGScale = v })
	cfgScale := f.floatField(p("ad_cfg_scale"), func(c *config) float64 { return u(c).CFGScale }, func(c *config, v float64) { u(c).CFGScale = v })
	useSampler := f.checkField("Own", p("ad_use_sampler"), func(c *config) bool { return u(c).UseSampler }, func(c *config, v bool) { u(c).UseSampler = v })
	sampler := f.resourceSelect(p("ad_sampler"), resources.KindSampler, (*resources.Lists).SamplerNames,
		func(c *config) string { return u(c).Sampler }, func(c *config, v string) { u(c).Sampler = v })
	f.add(adetailerGroup, model, conf, blur, denoise, pad, prompt, neg, useSteps, steps, useCFG, cfgScale, useSampler, sampler)

	r := formRows{form: f}
	r.add("Model", model.cell())
	r.add("Confidence", conf.cell())
	r.add("Mask blur", blur.cell())
	r.add("Denoise", denoise.cell())
	r.add("Padding", container.NewVBox(pad.Entry, newHint("pixels around the mask to inpaint"), pad.note))
	r.add("Prompt", prompt.cell())
	r.add("Negative", neg.cell())
	r.add("Steps", container.NewVBox(container.NewBorder(nil, nil, useSteps.Check, nil, steps.Entry), useSteps.note, steps.note))
	r.add("CFG scale", container.NewVBox(container.NewBorder(nil, nil, useCFG.Check, nil, cfgScale.Entry), useCFG.note, cfgScale.note))
	r.add("Sampler", container.NewVBox(container.NewBorder(nil, nil, useSampler.Check, nil, sampler.Select), sampler.status, useSampler.note, sampler.note))
	c.views[i] = adetailerUnitView{steps: steps.Entry, cfg: cfgScale.Entry, sampler: sampler}
	remove := &widget.Button{Text: "Remove", Icon: theme.DeleteIcon(), Importance: widget.LowImportance, OnTapped: func() { c.onRemoveUnit(i) }}
	head := container.NewBorder(nil, nil, &widget.Label{Text: fmt.Sprintf("Unit %d", i+1), TextStyle: fyne.TextStyle{Bold: true}}, remove)
	return container.NewVBox(head, r.build(), widget.NewSeparator())
}

// enableOwn enables each unit's steps, CFG and sampler while its "Own"
// check is on (off: the job's own values apply).
func (c *adetailerCard) enableOwn(cfg *config) {
	for i, v := range c.views {
		if i >= len(cfg.ADetailer.Units) {
			return
		}
		u := cfg.ADetailer.Units[i]
		enable(v.steps, u.UseSteps)
		enable(v.cfg, u.UseCFGScale)
		v.sampler.setActive(u.UseSampler)
	}
}

// adetailerModels is the WebUI's ADetailer models (nil when ADetailer is
// not installed, which the field reports).
func adetailerModels(r *resources.Lists) []string { return r.ADetailerModels }

func (c *adetailerCard) onAddUnit() {
	c.mw.form.edit(func(c *config) { c.ADetailer.Units = append(c.ADetailer.Units, pipeline.DefaultADetailerUnit()) })
}

func (c *adetailerCard) onRemoveUnit(i int) {
	c.mw.form.edit(func(c *config) {
		if i < len(c.ADetailer.Units) {
			c.ADetailer.Units = append(c.ADetailer.Units[:i:i], c.ADetailer.Units[i+1:]...)
		}
		if len(c.ADetailer.Units) == 0 {
			c.ADetailer.Units = nil
		}
	})
}
