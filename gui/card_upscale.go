package gui

import (
	"fmt"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"stablenew/pipeline/resources"
)

// Upscale size modes.
const (
	upscaleByFactor = "By factor"
	upscaleToSize   = "To size"
)

// upscaleCard upscales the final images through the WebUI's extras, with
// optional face restoration, and shows the size that comes out.
type upscaleCard struct {
	mw     *MainWindow
	card   *appCard
	mode   *widget.RadioGroup
	factor *fyne.Container
	target *fyne.Container
	final  *widget.Label
}

func newUpscaleCard(mw *MainWindow) *upscaleCard { return &upscaleCard{mw: mw} }

func (c *upscaleCard) build() fyne.CanvasObject {
	f := c.mw.form
	up1 := f.resourceSelect("upscale.upscaler_1", resources.KindUpscaler, (*resources.Lists).UpscalerNames,
		func(c *config) string { return c.Upscale.Upscaler1 }, func(c *config, v string) { c.Upscale.Upscaler1 = v })
	up2 := f.resourceSelect("upscale.upscaler_2", resources.KindUpscaler, (*resources.Lists).UpscalerNames,
		func(c *config) string { return c.Upscale.Upscaler2 }, func(c *config, v string) { c.Upscale.Upscaler2 = v })
	vis2 := f.floatField("upscale.upscaler_2_visibility", func(c *config) float64 { return c.Upscale.Upscaler2Visibility }, func(c *config, v float64) { c.Upscale.Upscaler2Visibility = v })
	factor := f.floatField("upscale.factor", func(c *config) float64 { return c.Upscale.Factor }, func(c *config, v float64) { c.Upscale.Factor = v })
	tw := f.intField("upscale.target_width", func(c *config) int { return c.Upscale.TargetWidth }, func(c *config, v int) { c.Upscale.TargetWidth = v })
	th := f.intField("upscale.target_height", func(c *config) int { return c.Upscale.TargetHeight }, func(c *config, v int) { c.Upscale.TargetHeight = v })
	gfp := f.floatField("upscale.gfpgan_visibility", func(c *config) float64 { return c.Upscale.GFPGANVisibility }, func(c *config, v float64) { c.Upscale.GFPGANVisibility = v })
	cfv := f.floatField("upscale.codeformer_visibility", func(c *config) float64 { return c.Upscale.CodeFormerVisibility }, func(c *config, v float64) { c.Upscale.CodeFormerVisibility = v })
	cfw := f.floatField("upscale.codeformer_weight", func(c *config) float64 { return c.Upscale.CodeFormerWeight }, func(c *config, v float64) { c.Upscale.CodeFormerWeight = v })
	f.add("upscale", up1, up2, vis2, factor, tw, th, gfp, cfv, cfw)
	f.onLoad(c.onLoad)
	f.showsWhen("upscale", func(c *config) bool { return c.Upscale.Enabled })

	c.mode = widget.NewRadioGroup([]string{upscaleByFactor, upscaleToSize}, c.onMode)
	c.mode.Horizontal = true
	c.mode.Required = true
	fr := formRows{form: f}
	fr.add("Factor", factor.cell())
	c.factor = fr.build()
	tr := formRows{form: f}
	tr.add("Width", tw.cell())
	tr.add("Height", th.cell())
	c.target = tr.build()
	c.final = &widget.Label{TextStyle: fyne.TextStyle{Bold: true}}

	r := formRows{form: f}
	r.add("Upscaler 1", up1.cell())
	r.add("Upscaler 2", up2.cell())
	r.add("Upscaler 2 mix", container.NewVBox(vis2.Entry, newHint("0–1: how much of upscaler 2 shows"), vis2.note))
	r.add("GFPGAN", container.NewVBox(gfp.Entry, newHint("face restore strength 0–1; 0 = off"), gfp.note))
	r.add("CodeFormer", container.NewVBox(cfv.Entry, newHint("face restore strength 0–1; 0 = off"), cfv.note))
	r.add("CodeFormer weight", container.NewVBox(cfw.Entry, newHint("0 = strongest effect, 1 = weakest"), cfw.note))
	content := container.NewVBox(f.backRow(c.mw, "upscale"), r.build(), c.mode, c.factor, c.target, c.final)
	c.card = newCard("Upscale", "Enlarge the final images", content)
	return c.card
}

// onLoad shows the card, the size mode and the final size.
func (c *upscaleCard) onLoad(cfg *config) {
	setVisible(c.card, cfg.Upscale.Enabled)
	bySize := cfg.Upscale.TargetWidth != 0 || cfg.Upscale.TargetHeight != 0
	mode := upscaleByFactor
	if bySize {
		mode = upscaleToSize
	}
	if c.mode.Selected != mode {
		c.mode.SetSelected(mode)
	}
	setVisible(c.factor, !bySize)
	setVisible(c.target, bySize)
	c.final.SetText(finalSizeText(cfg))
}

// onMode switches between scaling by a factor and to a target size.
func (c *upscaleCard) onMode(mode string) {
	c.mw.form.edit(func(cfg *config) {
		if mode == upscaleByFactor {
			cfg.Upscale.TargetWidth, cfg.Upscale.TargetHeight = 0, 0
			return
		}
		if cfg.Upscale.TargetWidth == 0 && cfg.Upscale.TargetHeight == 0 {
			w, h := upscaleInput(cfg)
			cfg.Upscale.TargetWidth, cfg.Upscale.TargetHeight = scaled(w, cfg.Upscale.Factor), scaled(h, cfg.Upscale.Factor)
		}
	})
}

// upscaleInput is the size of the images reaching the upscaler: txt2img's
// size after hires fix, or img2img's size when it sets one.
func upscaleInput(cfg *config) (w, h int) {
	w, h = cfg.Txt2Img.Width, cfg.Txt2Img.Height
	if hr := cfg.Hires; cfg.Txt2Img.Enabled && hr.Enabled {
		switch {
		case hr.ResizeX > 0 && hr.ResizeY > 0:
			w, h = hr.ResizeX, hr.ResizeY
		case hr.ResizeX > 0:
			w, h = hr.ResizeX, int(math.Round(float64(h)*float64(hr.ResizeX)/float64(w)))
		case hr.ResizeY > 0:
			w, h = int(math.Round(float64(w)*float64(hr.ResizeY)/float64(h))), hr.ResizeY
		default:
			w, h = scaled(w, hr.Scale), scaled(h, hr.Scale)
		}
	}
	if i := cfg.Img2Img; i.Enabled && i.Width > 0 && i.Height > 0 {
		w, h = i.Width, i.Height
	}
	return w, h
}

func scaled(n int, f float64) int { return int(math.Round(float64(n) * f)) }

// finalSizeText is "Final size: 1024×1024 → 2048×2048".
func finalSizeText(cfg *config) string {
	w, h := upscaleInput(cfg)
	if w <= 0 || h <= 0 {
		return "Final size: — × —"
	}
	u := cfg.Upscale
	ow, oh := scaled(w, u.Factor), scaled(h, u.Factor)
	if u.TargetWidth > 0 && u.TargetHeight > 0 {
		ow, oh = u.TargetWidth, u.TargetHeight
	}
	return fmt.Sprintf("Final size: %d×%d → %d×%d", w, h, ow, oh)
}
