package gui

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"stablenew/pipeline"
)

// detailKeys are the rows of the settings table, in order.
var detailKeys = []string{
	"Job", "Pack", "Stages", "Model", "VAE", "Sampler", "Scheduler", "Steps", "CFG", "Size", "Clip skip", "Seed",
	"Batch size", "Hires fix", "Refiner", "img2img", "ADetailer", "Upscale", "LoRAs", "Randomizer",
	"Output folder", "File names",
}

// jobDetails shows one JobSpec in full: both prompts (selectable, with
// copy buttons) and a settings table.
type jobDetails struct {
	h        *panelHub
	title    *widget.Label
	prompt   *widget.Label
	negative *widget.Label
	values   map[string]*widget.Label
	// body is everything below the title: the prompts with their copy
	// buttons and the table, hidden while no job is selected.
	body []fyne.CanvasObject
	job  *pipeline.JobSpec
}

func newJobDetails(h *panelHub) *jobDetails {
	d := &jobDetails{h: h, values: map[string]*widget.Label{}}
	d.title = &widget.Label{Text: "Select a job to see its settings.", TextStyle: fyne.TextStyle{Bold: true}}
	d.prompt = &widget.Label{Wrapping: fyne.TextWrapWord, Selectable: true}
	d.negative = &widget.Label{Wrapping: fyne.TextWrapWord, Selectable: true}
	return d
}

// build lays out the prompts above the settings table, in a scroll that
// culls what is out of view (the table, below a short preview).
func (d *jobDetails) build() *cullScroll {
	copyPrompt := &widget.Button{Text: "Copy", Icon: theme.ContentCopyIcon(), Importance: widget.LowImportance, OnTapped: d.onCopyPrompt}
	copyNeg := &widget.Button{Text: "Copy", Icon: theme.ContentCopyIcon(), Importance: widget.LowImportance, OnTapped: d.onCopyNegative}
	var rows []fyne.CanvasObject
	for _, k := range detailKeys {
		v := &widget.Label{Wrapping: fyne.TextWrapWord, Selectable: true}
		d.values[k] = v
		rows = append(rows, &widget.Label{Text: k, TextStyle: fyne.TextStyle{Bold: true}}, v)
	}
	d.body = []fyne.CanvasObject{
		container.NewBorder(nil, nil, widget.NewLabelWithStyle("Prompt", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), copyPrompt),
		d.prompt,
		container.NewBorder(nil, nil, widget.NewLabelWithStyle("Negative", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), copyNeg),
		d.negative,
		container.New(layout.NewFormLayout(), rows...),
	}
	d.showBody(d.job != nil)
	return newCullScroll(append([]fyne.CanvasObject{d.title}, d.body...)...)
}

// showBody shows or hides the prompts and the table: with no job
// selected there is nothing to copy or read.
func (d *jobDetails) showBody(on bool) {
	for _, o := range d.body {
		setVisible(o, on)
	}
}

// show fills the view with a job (nil clears it).
func (d *jobDetails) show(j *pipeline.JobSpec) {
	d.job = j
	d.showBody(j != nil)
	if j == nil {
		d.title.SetText("Select a job to see its settings.")
		d.prompt.SetText("")
		d.negative.SetText("")
		for _, v := range d.values {
			v.SetText("")
		}
		return
	}
	d.title.SetText(j.Label())
	d.prompt.SetText(j.Config.Prompt.Positive)
	d.negative.SetText(j.Config.Prompt.Negative)
	for k, v := range jobSettings(j) {
		if l := d.values[k]; l != nil {
			l.SetText(v)
		}
	}
}

func (d *jobDetails) onCopyPrompt() {
	if d.job != nil {
		d.h.mw.App.Clipboard().SetContent(d.job.Config.Prompt.Positive)
	}
}

func (d *jobDetails) onCopyNegative() {
	if d.job != nil {
		d.h.mw.App.Clipboard().SetContent(d.job.Config.Prompt.Negative)
	}
}

// jobSettings is the settings table of a job, by detailKeys.
func jobSettings(j *pipeline.JobSpec) map[string]string {
	c := j.Config
	t := c.Txt2Img
	m := map[string]string{
		"Job":           j.JobID,
		"Pack":          fmt.Sprintf("%s, prompt %d %s", j.PackID, j.PromptIndex+1, variantTags(j.VariantIndex, j.VariantTotal, j.BatchIndex, j.BatchTotal)),
		"Stages":        c.StageSummary(),
		"Model":         orText(t.Model, "whatever the WebUI has loaded"),
		"VAE":           orText(t.VAE, "model default"),
		"Sampler":       t.Sampler,
		"Scheduler":     orText(t.Scheduler, "automatic"),
		"Steps":         strconv.Itoa(t.Steps),
		"CFG":           formatFloat(t.CFGScale),
		"Size":          sizeText(c),
		"Clip skip":     strconv.Itoa(t.ClipSkip),
		"Seed":          seedText(j),
		"Batch size":    strconv.Itoa(c.Batch.BatchSize),
		"Hires fix":     hiresText(c),
		"Refiner":       refinerText(c),
		"img2img":       img2imgText(c),
		"ADetailer":     adetailerText(c),
		"Upscale":       upscaleText(c),
		"LoRAs":         loraText(c.LoRAs),
		"Randomizer":    randomizerText(j),
		"Output folder": j.OutputDir,
		"File names":    j.FilenameTemplate,
	}
	return m
}

// sizeText is the size the job generates at: txt2img's, img2img's own, or
// that of the input image a job without txt2img starts from.
func sizeText(c *pipeline.PipelineConfig) string {
	in := inputImage(c)
	if in == "" {
		return fmt.Sprintf("%d × %d", c.Txt2Img.Width, c.Txt2Img.Height)
	}
	if i := c.Img2Img; i.Enabled && i.Width > 0 && i.Height > 0 {
		return fmt.Sprintf("%d × %d (img2img, from %s)", i.Width, i.Height, filepath.Base(in))
	}
	return "that of " + in
}

func orText(s, empty string) string {
	if s == "" {
		return empty
	}
	return s
}

func seedText(j *pipeline.JobSpec) string {
	if j.Seed == -1 {
		return fmt.Sprintf("random (drawn by the WebUI) · mode %s", j.SeedMode)
	}
	return fmt.Sprintf("%d · mode %s", j.Seed, j.SeedMode)
}

func hiresText(c *pipeline.PipelineConfig) string {
	h := c.Hires
	if !h.Enabled {
		return "off"
	}
	size := "×" + formatFloat(h.Scale)
	if h.ResizeX > 0 || h.ResizeY > 0 {
		size = fmt.Sprintf("to %d × %d", h.ResizeX, h.ResizeY)
	}
	steps := "same steps"
	if h.Steps > 0 {
		steps = fmt.Sprintf("%d steps", h.Steps)
	}
	s := fmt.Sprintf("%s with %s, %s, denoise %s", size, h.Upscaler, steps, formatFloat(h.Denoise))
	if h.Checkpoint != "" {
		s += ", model " + modelName(h.Checkpoint)
	}
	return s
}

func refinerText(c *pipeline.PipelineConfig) string {
	r := c.Refiner
	if !r.Enabled {
		return "off"
	}
	return fmt.Sprintf("%s from %d%% of the steps", modelName(r.Checkpoint), int(r.SwitchAt*100+0.5))
}

func img2imgText(c *pipeline.PipelineConfig) string {
	i := c.Img2Img
	if !i.Enabled {
		return "off"
	}
	s := fmt.Sprintf("denoise %s", formatFloat(i.Denoise))
	if i.Steps > 0 {
		s += fmt.Sprintf(", %d steps", i.Steps)
	}
	if i.InputImage != "" && !c.Txt2Img.Enabled {
		s += ", from " + i.InputImage
	}
	return s
}

func adetailerText(c *pipeline.PipelineConfig) string {
	a := c.ADetailer
	if !a.Enabled {
		return "off"
	}
	var models []string
	for _, u := range a.Units {
		models = append(models, fmt.Sprintf("%s (conf %s, denoise %s)", u.Model, formatFloat(u.Confidence), formatFloat(u.DenoisingStrength)))
	}
	if len(models) == 0 {
		return "on, no units"
	}
	return strings.Join(models, "; ")
}

func upscaleText(c *pipeline.PipelineConfig) string {
	u := c.Upscale
	if !u.Enabled {
		return "off"
	}
	if u.TargetWidth > 0 && u.TargetHeight > 0 {
		return fmt.Sprintf("%s to %d × %d", u.Upscaler1, u.TargetWidth, u.TargetHeight)
	}
	return fmt.Sprintf("%s ×%s", u.Upscaler1, formatFloat(u.Factor))
}

func loraText(ls []pipeline.LoRAStrength) string {
	var parts []string
	for _, l := range ls {
		if l.Enabled {
			parts = append(parts, fmt.Sprintf("%s (%s)", l.Name, formatFloat(l.Strength)))
		} else {
			parts = append(parts, l.Name+" (off)")
		}
	}
	return orText(strings.Join(parts, ", "), "none")
}

func randomizerText(j *pipeline.JobSpec) string {
	if len(j.RandomizerSummary) == 0 {
		return "no picks"
	}
	parts := make([]string, len(j.RandomizerSummary))
	for i, d := range j.RandomizerSummary {
		parts[i] = d.Dimension + " = " + d.Value
	}
	return strings.Join(parts, "; ") + fmt.Sprintf(" (seed %d)", j.RandomizerSeed)
}
