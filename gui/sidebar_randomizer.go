package gui

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"stablenew/app"
	"stablenew/pipeline"
)

// randomizerCard configures the randomizer: matrix slots, wildcards,
// {a|b} variants, search/replace and sweeps, plus the seed and caps. It
// shows the preview's live job count.
type randomizerCard struct {
	mw   *MainWindow
	live *widget.Label
	body *fyne.Container
	acc  *widget.Accordion
}

// randomizerSections are the accordion's sections by problem path prefix.
var randomizerSections = []string{
	"randomizer.matrix.", "randomizer.wildcards.", "randomizer.variants.", "randomizer.prompt_sr.", "randomizer.sweeps.",
}

func newRandomizerCard(mw *MainWindow) *randomizerCard {
	c := &randomizerCard{mw: mw}
	c.live = &widget.Label{TextStyle: fyne.TextStyle{Bold: true}, Wrapping: fyne.TextWrapWord}
	mw.State.OnChange(c.onStateChange)
	return c
}

func (c *randomizerCard) build() fyne.CanvasObject {
	f := c.mw.form
	enabled := f.checkField("Use these randomizer settings for every pack", "randomizer.enabled",
		func(c *config) bool { return c.Randomizer.Enabled }, func(c *config, on bool) { c.Randomizer.Enabled = on })
	seed := newEntryField(f, "randomizer.seed",
		func(c *config) int64 { return c.Randomizer.Seed }, func(c *config, v int64) { c.Randomizer.Seed = v },
		parseInt64, formatInt64).short()
	dice := &widget.Button{Icon: theme.ViewRefreshIcon(), Importance: widget.LowImportance, OnTapped: c.onDice}
	maxJobs := f.intField("randomizer.max_variants",
		func(c *config) int { return c.Randomizer.MaxVariants }, func(c *config, v int) { c.Randomizer.MaxVariants = v })
	samples := f.intField("randomizer.random_samples",
		func(c *config) int { return c.Randomizer.RandomSamples }, func(c *config, v int) { c.Randomizer.RandomSamples = v })
	f.add("randomizer", enabled, seed, maxJobs, samples)

	var r formRows
	r.add("Seed", container.NewVBox(container.NewBorder(nil, nil, nil, c.mw.withTooltip(dice, "Draw a new random seed"), seed.Entry),
		newHint("-1 draws a new seed for every plan; a number makes plans repeatable"), seed.note))
	var caps formRows
	caps.add("Max jobs", container.NewVBox(maxJobs.Entry, newHint("a bigger plan is refused, with its full count"), maxJobs.note))
	caps.add("Random samples", container.NewVBox(samples.Entry, newHint("variants per row from random choices"), samples.note))

	c.acc = widget.NewAccordion(
		widget.NewAccordionItem("Matrix [[slot]]", c.buildMatrix()),
		widget.NewAccordionItem("Wildcards __name__", c.buildWildcards()),
		widget.NewAccordionItem("Variants {a|b}", c.buildVariants()),
		widget.NewAccordionItem("Search / replace", c.buildSR()),
		widget.NewAccordionItem("Sweeps", c.buildSweeps()),
	)
	c.acc.MultiOpen = true
	c.body = container.NewVBox(caps.build(), c.acc)
	f.onLoad(c.onLoad)
	f.onValidated(c.onValidated)
	for _, g := range []string{"randomizer.matrix", "randomizer.wildcards", "randomizer.variants", "randomizer.prompt_sr", "randomizer.sweeps"} {
		f.showsWhen(g, func(c *config) bool { return c.Randomizer.Enabled })
	}
	c.showLive()
	content := container.NewVBox(enabled.cell(),
		newHint("Off: each pack uses the randomizer of its own config file (its [[slots]], wildcards and sweeps)."),
		c.live, r.build(), c.body)
	return newCard("Randomizer", "", content)
}

func (c *randomizerCard) buildMatrix() fyne.CanvasObject {
	f := c.mw.form
	on := f.checkField("Fill [[slots]]", "randomizer.matrix.enabled",
		func(c *config) bool { return c.Randomizer.Matrix.Enabled }, func(c *config, v bool) { c.Randomizer.Matrix.Enabled = v })
	mode := f.staticSelect("randomizer.matrix.mode", []string{"fanout", "rotate", "sequential", "random"},
		func(c *config) string { return c.Randomizer.Matrix.Mode }, func(c *config, v string) { c.Randomizer.Matrix.Mode = v })
	pmode := f.staticSelect("randomizer.matrix.prompt_mode", []string{"replace", "append", "prepend"},
		func(c *config) string { return c.Randomizer.Matrix.PromptMode }, func(c *config, v string) { c.Randomizer.Matrix.PromptMode = v })
	limit := f.intField("randomizer.matrix.limit",
		func(c *config) int { return c.Randomizer.Matrix.Limit }, func(c *config, v int) { c.Randomizer.Matrix.Limit = v })
	base := f.textField("randomizer.matrix.base_prompt",
		func(c *config) string { return c.Randomizer.Matrix.BasePrompt }, func(c *config, v string) { c.Randomizer.Matrix.BasePrompt = v }).
		placeholder("optional base prompt with [[slots]]")
	slots := newEntryField(f, "randomizer.matrix.slots",
		func(c *config) []pipeline.MatrixSlot { return c.Randomizer.Matrix.Slots },
		func(c *config, v []pipeline.MatrixSlot) { c.Randomizer.Matrix.Slots = v },
		parseSlots, formatSlots).elements().multiLine(4).placeholder("job: knight | archer\nplace: a harbor | a forest")
	f.add("randomizer.matrix", on, mode, pmode, limit, base, slots)
	var r formRows
	r.add("Mode", container.NewVBox(mode.cell(), newHint("fanout: every combination · rotate: one per variant · sequential: one per row · random: seeded pick")))
	r.add("Base prompt", container.NewVBox(pmode.cell(), base.cell()))
	r.add("Limit", container.NewVBox(limit.Entry, newHint("combinations per row; 0 = no limit"), limit.note))
	r.add("Slots", slots.cell())
	return container.NewVBox(on.cell(), r.build())
}

func (c *randomizerCard) buildWildcards() fyne.CanvasObject {
	f := c.mw.form
	on := f.checkField("Fill __wildcards__", "randomizer.wildcards.enabled",
		func(c *config) bool { return c.Randomizer.Wildcards.Enabled }, func(c *config, v bool) { c.Randomizer.Wildcards.Enabled = v })
	mode := f.staticSelect("randomizer.wildcards.mode", []string{"random", "sequential", "fanout"},
		func(c *config) string { return c.Randomizer.Wildcards.Mode }, func(c *config, v string) { c.Randomizer.Wildcards.Mode = v })
	toks := newEntryField(f, "randomizer.wildcards.tokens",
		func(c *config) []pipeline.WildcardToken { return c.Randomizer.Wildcards.Tokens },
		func(c *config, v []pipeline.WildcardToken) { c.Randomizer.Wildcards.Tokens = v },
		parseTokens, formatTokens).elements().multiLine(3).placeholder("__weather__: stormy | clear")
	f.add("randomizer.wildcards", on, mode, toks)
	var r formRows
	r.add("Mode", mode.cell())
	r.add("Tokens", container.NewVBox(toks.Entry, newHint("tokens listed here win over wildcard files"), toks.note))
	return container.NewVBox(on.cell(), r.build())
}

func (c *randomizerCard) buildVariants() fyne.CanvasObject {
	f := c.mw.form
	on := f.checkField("Expand {a|b} and {2$$a|b|c}", "randomizer.variants.enabled",
		func(c *config) bool { return c.Randomizer.Variants.Enabled }, func(c *config, v bool) { c.Randomizer.Variants.Enabled = v })
	mode := f.staticSelect("randomizer.variants.mode", []string{"combinatorial", "random"},
		func(c *config) string { return c.Randomizer.Variants.Mode }, func(c *config, v string) { c.Randomizer.Variants.Mode = v })
	f.add("randomizer.variants", on, mode)
	var r formRows
	r.add("Mode", mode.cell())
	return container.NewVBox(on.cell(), r.build())
}

func (c *randomizerCard) buildSR() fyne.CanvasObject {
	f := c.mw.form
	on := f.checkField("Search and replace", "randomizer.prompt_sr.enabled",
		func(c *config) bool { return c.Randomizer.SearchReplace.Enabled }, func(c *config, v bool) { c.Randomizer.SearchReplace.Enabled = v })
	mode := f.staticSelect("randomizer.prompt_sr.mode", []string{"random", "round_robin", "fanout"},
		func(c *config) string { return c.Randomizer.SearchReplace.Mode }, func(c *config, v string) { c.Randomizer.SearchReplace.Mode = v })
	rules := newEntryField(f, "randomizer.prompt_sr.rules",
		func(c *config) []pipeline.SRRule { return c.Randomizer.SearchReplace.Rules },
		func(c *config, v []pipeline.SRRule) { c.Randomizer.SearchReplace.Rules = v },
		parseRules, formatRules).elements().multiLine(3).placeholder("person => man | woman")
	f.add("randomizer.prompt_sr", on, mode, rules)
	var r formRows
	r.add("Mode", mode.cell())
	r.add("Rules", rules.cell())
	return container.NewVBox(on.cell(), r.build())
}

func (c *randomizerCard) buildSweeps() fyne.CanvasObject {
	f := c.mw.form
	sw := func(c *config) *pipeline.SweepConfig { return &c.Randomizer.Sweeps }
	on := f.checkField("Sweep settings", "randomizer.sweeps.enabled",
		func(c *config) bool { return sw(c).Enabled }, func(c *config, v bool) { sw(c).Enabled = v })
	mode := f.staticSelect("randomizer.sweeps.mode", []string{"fanout", "random"},
		func(c *config) string { return sw(c).Mode }, func(c *config, v string) { sw(c).Mode = v })
	cfgs := newEntryField(f, "randomizer.sweeps.cfg_scales",
		func(c *config) []float64 { return sw(c).CFGScales }, func(c *config, v []float64) { sw(c).CFGScales = v },
		parseFloatList, formatFloatList).elements().placeholder("5, 6.5, 8")
	steps := newEntryField(f, "randomizer.sweeps.steps",
		func(c *config) []int { return sw(c).Steps }, func(c *config, v []int) { sw(c).Steps = v },
		parseIntList, formatIntList).elements().placeholder("20, 30")
	sizes := newEntryField(f, "randomizer.sweeps.sizes",
		func(c *config) []string { return sw(c).Sizes }, func(c *config, v []string) { sw(c).Sizes = v },
		parseWordList, formatWordList).elements().placeholder("832x1216, 1024x1024")
	models := newEntryField(f, "randomizer.sweeps.models",
		func(c *config) []string { return sw(c).Models }, func(c *config, v []string) { sw(c).Models = v },
		parseLineList, formatLineList).multiLine(2).placeholder("one checkpoint a line")
	samplers := newEntryField(f, "randomizer.sweeps.samplers",
		func(c *config) []string { return sw(c).Samplers }, func(c *config, v []string) { sw(c).Samplers = v },
		parseLineList, formatLineList).multiLine(2).placeholder("one sampler a line")
	f.add("randomizer.sweeps", on, mode, cfgs, steps, sizes, models, samplers)
	var r formRows
	r.add("Mode", mode.cell())
	r.add("CFG scales", cfgs.cell())
	r.add("Steps", steps.cell())
	r.add("Sizes", sizes.cell())
	r.add("Models", models.cell())
	r.add("Samplers", samplers.cell())
	return container.NewVBox(on.cell(), r.build())
}

func (c *randomizerCard) onLoad(cfg *config) { setVisible(c.body, cfg.Randomizer.Enabled) }

// onValidated opens every section that has a problem, so it is seen.
func (c *randomizerCard) onValidated(problems map[string]string) {
	for p := range problems {
		for i, prefix := range randomizerSections {
			if strings.HasPrefix(p, prefix) && !c.acc.Items[i].Open {
				c.acc.Open(i)
			}
		}
	}
}

func (c *randomizerCard) onStateChange(what app.Change) {
	if what.Has(app.ChangePlan) {
		c.showLive()
	}
}

// showLive shows the preview's job count.
func (c *randomizerCard) showLive() {
	p := c.mw.State.PlanInfo()
	switch {
	case p.Building:
		c.live.Importance = widget.MediumImportance
		c.live.SetText("Counting jobs…")
	case p.Err != "":
		c.live.Importance = widget.DangerImportance
		c.live.SetText("Plan: " + firstLine(p.Err))
	case p.Jobs == 0:
		c.live.Importance = widget.LowImportance
		c.live.SetText("No plan yet: select a pack.")
	default:
		c.live.Importance = widget.SuccessImportance
		c.live.SetText(fmt.Sprintf("Plan: %d job(s) · %d image(s) · randomizer seed %d", p.Jobs, p.Images, p.RandomizerSeed))
	}
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

// onDice draws a new randomizer seed.
func (c *randomizerCard) onDice() {
	seed := drawSeed()
	c.mw.form.edit(func(c *config) { c.Randomizer.Seed = seed })
}

// drawSeed returns a random seed in 0..2^31-1 (easy to read and type).
func drawSeed() int64 {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return 0
	}
	return int64(binary.LittleEndian.Uint64(b[:]) % (1 << 31))
}
