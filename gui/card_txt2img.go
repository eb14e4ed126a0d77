package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"stablenew/pipeline/resources"
)

// Special choices of the txt2img card.
var (
	choiceSameAsBase  = specialChoice{value: "", label: "Same as base model"}
	choiceSameSampler = specialChoice{value: "", label: "Same as first pass"}
)

// txt2imgCard is the txt2img stage with its refiner and hires fix sections.
type txt2imgCard struct {
	mw      *MainWindow
	card    *appCard
	random  *appCheck
	seed    *entryField[int64]
	refiner *fyne.Container
	hires   *fyne.Container
}

func newTxt2ImgCard(mw *MainWindow) *txt2imgCard { return &txt2imgCard{mw: mw} }

func (c *txt2imgCard) build() fyne.CanvasObject {
	f := c.mw.form
	model, vae, sampler, scheduler := modelSelect(f), vaeSelect(f), samplerSelect(f), schedulerSelect(f)
	steps := f.intField("txt2img.steps", func(c *config) int { return c.Txt2Img.Steps }, func(c *config, v int) { c.Txt2Img.Steps = v })
	cfg := f.floatField("txt2img.cfg_scale", func(c *config) float64 { return c.Txt2Img.CFGScale }, func(c *config, v float64) { c.Txt2Img.CFGScale = v })
	width := f.intField("txt2img.width", func(c *config) int { return c.Txt2Img.Width }, func(c *config, v int) { c.Txt2Img.Width = v })
	height := f.intField("txt2img.height", func(c *config) int { return c.Txt2Img.Height }, func(c *config, v int) { c.Txt2Img.Height = v })
	clip := f.intField("txt2img.clip_skip", func(c *config) int { return c.Txt2Img.ClipSkip }, func(c *config, v int) { c.Txt2Img.ClipSkip = v })
	c.seed = newEntryField(f, "txt2img.seed", func(c *config) int64 { return c.Txt2Img.Seed }, func(c *config, v int64) { c.Txt2Img.Seed = v },
		parseInt64, formatInt64).short()
	c.random = newAppCheck(c.mw.keys, "Random", c.onRandom)
	f.add("txt2img", model, vae, sampler, scheduler, steps, cfg, width, height, clip, c.seed)

	r := formRows{form: f}
	r.add("Model", model.cell())
	r.add("VAE", vae.cell())
	r.add("Sampler", sampler.cell())
	r.add("Scheduler", scheduler.cell())
	r.add("Steps", steps.cell())
	r.add("CFG scale", cfg.cell())
	r.add("Width", width.cell())
	r.add("Height", height.cell())
	r.add("Clip skip", clip.cell())
	r.add("Seed", container.NewVBox(container.NewBorder(nil, nil, nil, c.random, c.seed.Entry), c.seed.note))

	refinerOn := f.checkField("SDXL refiner", "refiner.enabled", func(c *config) bool { return c.Refiner.Enabled }, func(c *config, v bool) { c.Refiner.Enabled = v })
	hiresOn := f.checkField("Hires fix", "hires.enabled", func(c *config) bool { return c.Hires.Enabled }, func(c *config, v bool) { c.Hires.Enabled = v })
	f.add("txt2img", refinerOn, hiresOn)
	c.refiner = c.buildRefiner()
	c.hires = c.buildHires()
	f.onLoad(c.onLoad)
	f.showsWhen("txt2img", func(c *config) bool { return c.Txt2Img.Enabled })
	f.showsWhen("txt2img.refiner", func(c *config) bool { return c.Txt2Img.Enabled && c.Refiner.Enabled })
	f.showsWhen("txt2img.hires", func(c *config) bool { return c.Txt2Img.Enabled && c.Hires.Enabled })

	content := container.NewVBox(f.backRow(c.mw, "txt2img", "hires", "refiner"), r.build(),
		widget.NewSeparator(), refinerOn.cell(), c.refiner,
		widget.NewSeparator(), hiresOn.cell(), c.hires)
	c.card = newCard("txt2img", "Base generation", content)
	return c.card
}

func (c *txt2imgCard) buildRefiner() *fyne.Container {
	f := c.mw.form
	ckpt := f.resourceSelect("refiner.checkpoint", resources.KindCheckpoint, (*resources.Lists).CheckpointTitles,
		func(c *config) string { return c.Refiner.Checkpoint }, func(c *config, v string) { c.Refiner.Checkpoint = v })
	at := f.floatField("refiner.switch_at", func(c *config) float64 { return c.Refiner.SwitchAt }, func(c *config, v float64) { c.Refiner.SwitchAt = v })
	f.add("txt2img.refiner", ckpt, at)
	r := formRows{form: f}
	r.add("Refiner model", ckpt.cell())
	r.add("Switch at", container.NewVBox(at.Entry, newHint("fraction of the steps before the refiner takes over, e.g. 0.8"), at.note))
	return container.NewVBox(r.build())
}

func (c *txt2imgCard) buildHires() *fyne.Container {
	f := c.mw.form
	up := f.resourceSelect("hires.upscaler", resources.KindHiresUpscaler, (*resources.Lists).HiresUpscalerNames,
		func(c *config) string { return c.Hires.Upscaler }, func(c *config, v string) { c.Hires.Upscaler = v })
	model := f.resourceSelect("hires.checkpoint", resources.KindCheckpoint, (*resources.Lists).CheckpointTitles,
		func(c *config) string { return c.Hires.Checkpoint }, func(c *config, v string) { c.Hires.Checkpoint = v },
		choiceSameAsBase)
	sampler := f.resourceSelect("hires.sampler_name", resources.KindSampler, (*resources.Lists).SamplerNames,
		func(c *config) string { return c.Hires.Sampler }, func(c *config, v string) { c.Hires.Sampler = v },
		choiceSameSampler)
	scale := f.floatField("hires.scale", func(c *config) float64 { return c.Hires.Scale }, func(c *config, v float64) { c.Hires.Scale = v })
	steps := f.intField("hires.steps", func(c *config) int { return c.Hires.Steps }, func(c *config, v int) { c.Hires.Steps = v })
	denoise := f.floatField("hires.denoise", func(c *config) float64 { return c.Hires.Denoise }, func(c *config, v float64) { c.Hires.Denoise = v })
	f.add("txt2img.hires", up, model, sampler, scale, steps, denoise)
	r := formRows{form: f}
	r.add("Upscaler", up.cell())
	r.add("Hires model", model.cell())
	r.add("Sampler", sampler.cell())
	r.add("Scale", scale.cell())
	r.add("Steps", container.NewVBox(steps.Entry, newHint("0 = same as the first pass"), steps.note))
	r.add("Denoise", denoise.cell())
	return container.NewVBox(r.build())
}

// onLoad shows the card, its sections and the seed check as the state says.
func (c *txt2imgCard) onLoad(cfg *config) {
	setVisible(c.card, cfg.Txt2Img.Enabled)
	setVisible(c.refiner, cfg.Refiner.Enabled)
	setVisible(c.hires, cfg.Hires.Enabled)
	random := cfg.Txt2Img.Seed == -1
	if c.random.Checked != random {
		c.random.SetChecked(random)
	}
	enable(c.seed.Entry, !random)
}

// onRandom switches between a random seed (-1) and a fixed, freshly drawn one.
func (c *txt2imgCard) onRandom(on bool) {
	seed := int64(-1)
	if !on {
		seed = drawSeed()
	}
	c.mw.form.edit(func(c *config) {
		if on || c.Txt2Img.Seed == -1 {
			c.Txt2Img.Seed = seed
		}
	})
}
