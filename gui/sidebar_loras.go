package gui

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"stablenew/pipeline"
	"stablenew/pipeline/packs"
)

// loraGroup is the form group of the LoRA rows (rebuilt when they change).
const loraGroup = "loras"

// lorasCard sets the strength of each LoRA the prompts name, and turns
// LoRAs off without editing the packs: at plan time every <lora:name:w>
// tag is rewritten to the strength here, or removed when disabled.
type lorasCard struct {
	mw    *MainWindow
	rows  *fyne.Container
	names []string // the LoRAs the rows show, in order
	add   *appEntry
	empty *widget.Label
	built bool
}

func newLorasCard(mw *MainWindow) *lorasCard {
	c := &lorasCard{mw: mw, rows: container.NewVBox()}
	c.add = newAppEntry(mw.keys, false)
	c.add.SetPlaceHolder("LoRA name")
	c.add.OnSubmitted = c.onAddSubmitted
	c.empty = newHint("None listed: each pack's own LoRA settings apply, or the tags as written. Listed LoRAs replace the packs' settings.")
	return c
}

func (c *lorasCard) build() fyne.CanvasObject {
	c.mw.form.onLoad(c.onLoad)
	addBtn := &widget.Button{Text: "Add", Icon: theme.ContentAddIcon(), OnTapped: c.onAdd}
	fromPacks := &widget.Button{Text: "Add from selected packs", Icon: theme.SearchIcon(), Importance: widget.LowImportance, OnTapped: c.onFromPacks}
	content := container.NewVBox(c.empty, c.rows,
		container.NewBorder(nil, nil, nil, addBtn, c.add), fromPacks)
	return newCard("LoRA strengths", "", content)
}

func loraNames(ls []pipeline.LoRAStrength) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = l.Name
	}
	return out
}

// onLoad rebuilds the rows when the LoRAs themselves change.
func (c *lorasCard) onLoad(cfg *config) {
	names := loraNames(cfg.LoRAs)
	setVisible(c.empty, len(names) == 0)
	if c.built && slices.Equal(names, c.names) {
		return
	}
	c.built, c.names = true, names
	f := c.mw.form
	f.reset(loraGroup)
	var objs []fyne.CanvasObject
	for i := range names {
		objs = append(objs, c.buildRow(i, names[i]))
	}
	c.rows.Objects = objs
	c.rows.Refresh()
	prev := f.loading
	f.loading = true
	for _, fl := range f.groups[loraGroup] {
		fl.load(cfg)
	}
	f.loading = prev
}

// buildRow makes the widgets of LoRA i.
func (c *lorasCard) buildRow(i int, name string) fyne.CanvasObject {
	f := c.mw.form
	at := func(cfg *config) *pipeline.LoRAStrength {
		if i < len(cfg.LoRAs) {
			return &cfg.LoRAs[i]
		}
		return &pipeline.LoRAStrength{}
	}
	strength := f.floatField(fmt.Sprintf("lora_strengths[%d].strength", i),
		func(cfg *config) float64 { return at(cfg).Strength }, func(cfg *config, v float64) { at(cfg).Strength = v })
	slider := newSliderField(f, 0, 2, 0.05,
		func(cfg *config) float64 { return at(cfg).Strength }, func(cfg *config, v float64) { at(cfg).Strength = v })
	on := f.checkField("On", "", func(cfg *config) bool { return at(cfg).Enabled }, func(cfg *config, v bool) { at(cfg).Enabled = v })
	nameProblem := newProblemField(fmt.Sprintf("lora_strengths[%d].name", i))
	f.add(loraGroup, strength, slider, on, nameProblem)
	remove := &widget.Button{Icon: theme.DeleteIcon(), Importance: widget.LowImportance, OnTapped: func() { c.onRemove(name) }}
	strength.Entry.SetMinRowsVisible(1)
	label := &widget.Label{Text: name, Truncation: fyne.TextTruncateEllipsis, TextStyle: fyne.TextStyle{Bold: true}}
	head := container.NewBorder(nil, nil, nil, container.NewHBox(on.Check, c.mw.withTooltip(remove, "Remove this LoRA")), label)
	body := container.NewBorder(nil, nil, nil, container.New(&minSizeLayout{min: fyne.NewSize(64, 0)}, strength.Entry), slider.Slider)
	return container.NewVBox(head, body, strength.note, nameProblem.note)
}

func (c *lorasCard) onAddSubmitted(string) { c.onAdd() }

// onAdd adds the typed LoRA with strength 1.
func (c *lorasCard) onAdd() {
	name := strings.TrimSpace(c.add.Text)
	if name == "" {
		return
	}
	c.add.SetText("")
	c.addNames([]string{name})
}

// addNames appends LoRAs not yet listed.
func (c *lorasCard) addNames(names []string) {
	c.mw.form.edit(func(cfg *config) {
		for _, n := range names {
			if !slices.Contains(loraNames(cfg.LoRAs), n) {
				l := pipeline.DefaultLoRAStrength()
				l.Name = n
				cfg.LoRAs = append(cfg.LoRAs, l)
			}
		}
	})
}

func (c *lorasCard) onRemove(name string) {
	c.mw.form.edit(func(cfg *config) {
		cfg.LoRAs = slices.DeleteFunc(cfg.LoRAs, func(l pipeline.LoRAStrength) bool { return l.Name == name })
		if len(cfg.LoRAs) == 0 {
			cfg.LoRAs = nil
		}
	})
}

// onFromPacks adds every LoRA the selected packs name, read in the background.
func (c *lorasCard) onFromPacks() {
	ids := c.mw.State.Packs()
	if len(ids) == 0 {
		c.mw.info("Add LoRAs from packs", "Select the packs whose LoRA tags should be listed.")
		return
	}
	lib := c.mw.Services.Library
	var found []string
	c.mw.Bridge.Go("reading LoRA tags", func(context.Context) error {
		for _, id := range ids {
			p, err := lib.LoadPack(id)
			if err != nil {
				return err
			}
			for _, r := range p.Rows {
				for _, t := range append(packs.LoRATags(r.Positive), packs.LoRATags(r.Negative)...) {
					if !slices.Contains(found, t.Name) {
						found = append(found, t.Name)
					}
				}
			}
		}
		return nil
	}, func(err error) {
		if err != nil {
			c.mw.ShowError("Could not read the packs", err)
			return
		}
		if len(found) == 0 {
			c.mw.info("Add LoRAs from packs", "The selected packs name no LoRAs.")
			return
		}
		c.addNames(found)
	})
}

// sliderField binds a slider to a number; values outside the slider's range
// stay as they are in the State (the slider just shows its end).
type sliderField struct {
	Slider *widget.Slider
	form   *configForm
	get    func(*config) float64
	set    func(*config, float64)
}

func newSliderField(f *configForm, lo, hi, step float64, get func(*config) float64, set func(*config, float64)) *sliderField {
	fl := &sliderField{form: f, get: get, set: set}
	fl.Slider = widget.NewSlider(lo, hi)
	fl.Slider.Step = step
	fl.Slider.OnChanged = fl.onChanged
	return fl
}

func (fl *sliderField) path() string      { return "" }
func (fl *sliderField) setProblem(string) {}

func (fl *sliderField) load(c *config) {
	v := math.Max(fl.Slider.Min, math.Min(fl.Slider.Max, fl.get(c)))
	if v != fl.Slider.Value {
		fl.Slider.SetValue(v)
	}
}

func (fl *sliderField) onChanged(v float64) {
	v = math.Round(v/fl.Slider.Step) * fl.Slider.Step
	v = math.Round(v*1000) / 1000
	fl.form.edit(func(c *config) { fl.set(c, v) })
}
