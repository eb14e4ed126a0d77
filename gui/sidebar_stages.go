package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"stablenew/app"
)

// stagesCard turns the stages on and off; each check shows or hides its
// stage card.
type stagesCard struct {
	mw   *MainWindow
	note *widget.Label
}

func newStagesCard(mw *MainWindow) *stagesCard {
	c := &stagesCard{mw: mw}
	c.note = newHint("")
	mw.State.OnChange(c.onStateChange)
	return c
}

func (c *stagesCard) build() fyne.CanvasObject {
	f := c.mw.form
	t2i := f.checkField("txt2img", "txt2img.enabled", func(c *config) bool { return c.Txt2Img.Enabled }, func(c *config, on bool) { c.Txt2Img.Enabled = on })
	i2i := f.checkField("img2img", "img2img.enabled", func(c *config) bool { return c.Img2Img.Enabled }, func(c *config, on bool) { c.Img2Img.Enabled = on })
	ad := f.checkField("ADetailer", "adetailer.enabled", func(c *config) bool { return c.ADetailer.Enabled }, func(c *config, on bool) { c.ADetailer.Enabled = on })
	up := f.checkField("Upscale", "upscale.enabled", func(c *config) bool { return c.Upscale.Enabled }, func(c *config, on bool) { c.Upscale.Enabled = on })
	none := newProblemField("txt2img.enabled")
	f.add("stages", t2i, i2i, ad, up, none)
	c.showNote()
	content := container.NewVBox(
		container.NewGridWithColumns(2, t2i.Check, i2i.Check, ad.Check, up.Check),
		i2i.note, ad.note, up.note, none.note,
		c.note,
	)
	return newCard("Stages", "", container.NewVBox(newHint("They run in this order: txt2img → img2img → ADetailer → upscale."), content))
}

func (c *stagesCard) onStateChange(what app.Change) {
	if what.Has(app.ChangeOverride) {
		c.showNote()
	}
}

// showNote explains when the checks apply.
func (c *stagesCard) showNote() {
	if c.mw.State.OverrideEnabled() {
		c.note.SetText("Override is on: a stage you switch here (marked \"changed\") overrides each pack's own choice; the others follow the packs.")
	} else {
		c.note.SetText("Override is off: each pack's own config decides which stages run. Switching a stage here turns \"" + labelOverride + "\" on.")
	}
}
