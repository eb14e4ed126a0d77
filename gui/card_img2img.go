package gui

import (
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"stablenew/pipeline/resources"
)

// resizeModes are the WebUI's img2img resize modes, by number.
var resizeModes = []string{"Just resize", "Crop and resize", "Resize and fill", "Latent upscale"}

// img2imgCard refines the previous stage's images, or an input image.
type img2imgCard struct {
	mw    *MainWindow
	card  *appCard
	input *entryField[string]
}

func newImg2ImgCard(mw *MainWindow) *img2imgCard { return &img2imgCard{mw: mw} }

func (c *img2imgCard) build() fyne.CanvasObject {
	f := c.mw.form
	denoise := f.floatField("img2img.denoise", func(c *config) float64 { return c.Img2Img.Denoise }, func(c *config, v float64) { c.Img2Img.Denoise = v })
	steps := f.intField("img2img.steps", func(c *config) int { return c.Img2Img.Steps }, func(c *config, v int) { c.Img2Img.Steps = v })
	cfg := f.floatField("img2img.cfg_scale", func(c *config) float64 { return c.Img2Img.CFGScale }, func(c *config, v float64) { c.Img2Img.CFGScale = v })
	sampler := f.resourceSelect("img2img.sampler_name", resources.KindSampler, (*resources.Lists).SamplerNames,
		func(c *config) string { return c.Img2Img.Sampler }, func(c *config, v string) { c.Img2Img.Sampler = v },
		specialChoice{value: "", label: "Same as txt2img"})
	resize := f.staticSelect("img2img.resize_mode", resizeModes,
		func(c *config) string {
			if m := c.Img2Img.ResizeMode; m >= 0 && m < len(resizeModes) {
				return resizeModes[m]
			}
			return formatInt(c.Img2Img.ResizeMode)
		},
		func(c *config, v string) {
			if i := slices.Index(resizeModes, v); i >= 0 {
				c.Img2Img.ResizeMode = i
			}
		})
	width := f.intField("img2img.width", func(c *config) int { return c.Img2Img.Width }, func(c *config, v int) { c.Img2Img.Width = v })
	height := f.intField("img2img.height", func(c *config) int { return c.Img2Img.Height }, func(c *config, v int) { c.Img2Img.Height = v })
	c.input = f.textField("img2img.input_image", func(c *config) string { return c.Img2Img.InputImage }, func(c *config, v string) { c.Img2Img.InputImage = v }).
		placeholder("only when txt2img is off")
	f.add("img2img", denoise, steps, cfg, sampler, resize, width, height, c.input)
	f.onLoad(c.onLoad)
	f.showsWhen("img2img", func(c *config) bool { return c.Img2Img.Enabled })
	browse := &widget.Button{Icon: theme.FileImageIcon(), Importance: widget.LowImportance, OnTapped: c.onBrowse}

	r := formRows{form: f}
	r.add("Denoise", container.NewVBox(denoise.Entry, newHint("0 keeps the image, 1 replaces it"), denoise.note))
	r.add("Steps", container.NewVBox(steps.Entry, newHint("0 = txt2img's steps"), steps.note))
	r.add("CFG scale", container.NewVBox(cfg.Entry, newHint("0 = txt2img's CFG"), cfg.note))
	r.add("Sampler", sampler.cell())
	r.add("Resize mode", resize.cell())
	r.add("Width", container.NewVBox(width.Entry, newHint("0 = keep the input's size"), width.note))
	r.add("Height", height.cell())
	r.add("Input image", container.NewVBox(container.NewBorder(nil, nil, nil, c.mw.withTooltip(browse, "Choose the input image…"), c.input.Entry),
		c.input.note))
	c.card = newCard("img2img", "Refine the previous stage's images", container.NewVBox(f.backRow(c.mw, "img2img"), r.build()))
	return c.card
}

func (c *img2imgCard) onLoad(cfg *config) { setVisible(c.card, cfg.Img2Img.Enabled) }

// onBrowse picks the input image.
func (c *img2imgCard) onBrowse() {
	d := dialog.NewFileOpen(c.onImageChosen, c.mw.Window)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".png", ".jpg", ".jpeg", ".webp"}))
	d.Resize(fyne.NewSize(800, 560))
	d.Show()
}

func (c *img2imgCard) onImageChosen(r fyne.URIReadCloser, err error) {
	if err != nil {
		c.mw.ShowError("Could not choose the image", err)
		return
	}
	if r == nil {
		return
	}
	path := r.URI().Path()
	_ = r.Close()
	if !strings.HasPrefix(r.URI().Scheme(), "file") {
		c.mw.info("Input image", "Choose a file on this computer.")
		return
	}
	c.mw.form.edit(func(c *config) { c.Img2Img.InputImage = path })
}
