package gui

import (
	"fmt"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"stablenew/pipeline"
	"stablenew/pipeline/resources"
)

// sizePresets are the sizes offered by the size dropdown.
var sizePresets = []string{"512x512", "640x640", "768x768", "832x1216", "896x1152", "1024x1024", "1152x896"}

// Special dropdown choices shared by the sidebar and the cards.
var (
	choiceCurrentModel = specialChoice{value: "", label: "(the WebUI's current model)"}
	choiceNoVAE        = specialChoice{value: "", label: "No VAE (model default)"}
	choiceAutomatic    = specialChoice{value: pipeline.SchedulerAutomatic, label: pipeline.SchedulerAutomatic}
)

// coreCard holds the settings most runs change: model, VAE, sampler,
// scheduler, steps, CFG and size. They are the txt2img card's fields too.
type coreCard struct {
	mw    *MainWindow
	sizes *appSelect
	ratio *widget.Label
}

func newCoreCard(mw *MainWindow) *coreCard { return &coreCard{mw: mw} }

// modelSelect, vaeSelect, samplerSelect and schedulerSelect are the txt2img
// dropdowns, built the same way by the sidebar and the txt2img card.
func modelSelect(f *configForm) *selectField {
	return f.resourceSelect("txt2img.model", resources.KindCheckpoint, (*resources.Lists).CheckpointTitles,
		func(c *config) string { return c.Txt2Img.Model }, func(c *config, v string) { c.Txt2Img.Model = v },
		choiceCurrentModel)
}

func vaeSelect(f *configForm) *selectField {
	return f.resourceSelect("txt2img.vae", resources.KindVAE, (*resources.Lists).VAENames,
		func(c *config) string { return c.Txt2Img.VAE }, func(c *config, v string) { c.Txt2Img.VAE = v },
		choiceNoVAE)
}

func samplerSelect(f *configForm) *selectField {
	return f.resourceSelect("txt2img.sampler_name", resources.KindSampler, (*resources.Lists).SamplerNames,
		func(c *config) string { return c.Txt2Img.Sampler }, func(c *config, v string) { c.Txt2Img.Sampler = v })
}

// schedulerSelect always offers Automatic (the sampler's own schedule, the
// default), also on WebUIs that list no schedulers (A1111 before 1.9,
// SD.Next) or while offline.
func schedulerSelect(f *configForm) *selectField {
	return f.resourceSelect("txt2img.scheduler", resources.KindScheduler, schedulerLabels,
		func(c *config) string { return c.Txt2Img.Scheduler }, func(c *config, v string) { c.Txt2Img.Scheduler = v },
		choiceAutomatic)
}

// schedulerLabels are the WebUI's schedule types without Automatic, which
// the dropdown shows first in any case.
func schedulerLabels(res *resources.Lists) []string {
	return slices.DeleteFunc(res.SchedulerLabels(), func(l string) bool { return l == pipeline.SchedulerAutomatic })
}

func (c *coreCard) build() fyne.CanvasObject {
	f := c.mw.form
	model, vae, sampler, scheduler := modelSelect(f), vaeSelect(f), samplerSelect(f), schedulerSelect(f)
	steps := f.intField("txt2img.steps", func(c *config) int { return c.Txt2Img.Steps }, func(c *config, v int) { c.Txt2Img.Steps = v })
	cfg := f.floatField("txt2img.cfg_scale", func(c *config) float64 { return c.Txt2Img.CFGScale }, func(c *config, v float64) { c.Txt2Img.CFGScale = v })
	width := f.intField("txt2img.width", func(c *config) int { return c.Txt2Img.Width }, func(c *config, v int) { c.Txt2Img.Width = v })
	height := f.intField("txt2img.height", func(c *config) int { return c.Txt2Img.Height }, func(c *config, v int) { c.Txt2Img.Height = v })
	f.add("core", model, vae, sampler, scheduler, steps, cfg, width, height)

	c.sizes = newAppSelect(c.mw.keys, c.onSizePreset)
	c.sizes.Options = sizePresets
	c.sizes.PlaceHolder = "Size preset"
	c.ratio = &widget.Label{Importance: widget.LowImportance}
	f.onLoad(c.onLoad)

	r := formRows{form: f}
	r.add("Model", model.cell())
	r.add("VAE", vae.cell())
	r.add("Sampler", sampler.cell())
	r.add("Scheduler", scheduler.cell())
	r.add("Steps", steps.cell())
	r.add("CFG scale", cfg.cell())
	r.add("Width", width.cell())
	r.add("Height", height.cell())
	r.add("Size", container.NewBorder(nil, nil, nil, c.ratio, c.sizes))
	return newCard("Core settings", "", r.build())
}

// onLoad shows the size preset and ratio of the current size.
func (c *coreCard) onLoad(cfg *config) {
	w, h := cfg.Txt2Img.Width, cfg.Txt2Img.Height
	c.ratio.SetText(ratioText(w, h))
	s := fmt.Sprintf("%dx%d", w, h)
	if s == c.sizes.Selected {
		return
	}
	found := false
	for _, p := range sizePresets {
		if p == s {
			found = true
		}
	}
	if found {
		c.sizes.SetSelected(s)
	} else {
		c.sizes.ClearSelected()
	}
}

func (c *coreCard) onSizePreset(s string) {
	var w, h int
	if _, err := fmt.Sscanf(s, "%dx%d", &w, &h); err != nil {
		return
	}
	c.mw.form.edit(func(c *config) { c.Txt2Img.Width, c.Txt2Img.Height = w, h })
}

// ratioText is "Ratio 2:3" style, with the decimal for odd ratios.
func ratioText(w, h int) string {
	if w <= 0 || h <= 0 {
		return "Ratio —"
	}
	g := gcd(w, h)
	rw, rh := w/g, h/g
	if rw <= 21 && rh <= 21 {
		return fmt.Sprintf("Ratio %d:%d", rw, rh)
	}
	return fmt.Sprintf("Ratio %.2f", float64(w)/float64(h))
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}
