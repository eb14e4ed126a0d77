package gui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"stablenew/pipeline"
)

// stepsOf plans nothing: it applies a snapshot's overrides to the defaults
// and returns the txt2img steps the stage cards ask for.
func stepsOf(t *testing.T, mw *MainWindow) int {
	t.Helper()
	c, err := mw.State.Snapshot().Overrides.ApplyTo(pipeline.Defaults())
	if err != nil {
		t.Fatal(err)
	}
	return c.Txt2Img.Steps
}

func TestWindowBuildsWithThreeColumns(t *testing.T) {
	mw := newTestWindow(t)
	if mw.Window.Title() != "StableNew" {
		t.Errorf("title %q", mw.Window.Title())
	}
	if got := mw.Window.Canvas().Size(); got != defaultWindowSize {
		t.Errorf("size %v, want %v", got, defaultWindowSize)
	}
	if mw.tabs.Selected().Text != tabPipeline || len(mw.tabs.Items) != 3 || mw.tabs.Items[1].Text != tabPrompt ||
		mw.tabs.Items[2].Text != tabLearning {
		t.Errorf("tabs: selected %q of %d", mw.tabs.Selected().Text, len(mw.tabs.Items))
	}
	grid := mw.tabs.Items[0].Content.(*fyne.Container)
	if len(grid.Objects) != 3 {
		t.Fatalf("pipeline tab has %d columns, want 3", len(grid.Objects))
	}
	for i, col := range grid.Objects {
		if _, ok := col.(*container.Scroll); !ok && i < 2 {
			t.Errorf("column %d is a %T, want its own scroll", i, col)
		}
		if i == 2 && mw.rightSplit == nil {
			t.Errorf("the right column (%T) has no split", col)
		}
		if w := col.Size().Width; w < 280 || w < col.MinSize().Width {
			t.Errorf("column %d is %v wide at 1400 (min %v)", i, w, col.MinSize().Width)
		}
	}
	if min := mw.Window.Content().MinSize(); min.Width > minWindowSize.Width || min.Height > minWindowSize.Height {
		t.Errorf("the window needs %v; it must be usable at %v", min, minWindowSize)
	}
	// Packs and presets were read in the background.
	if !mw.lib.loaded || len(mw.lib.Packs) == 0 {
		t.Errorf("library not loaded: %+v", mw.lib)
	}
	if mw.sidebar.heading.Text != "Defaults (no preset)" {
		t.Errorf("sidebar heading %q", mw.sidebar.heading.Text)
	}
}

func TestMainWindowMarkup(t *testing.T) {
	noCulling(t) // the picture holds every section
	mw := newTestWindow(t)
	// The preview plans on a timer; wait for its first result (no pack is
	// selected, so it reports that) before taking the picture.
	waitFor(t, mw, "the preview's first plan", func() bool {
		p := mw.State.PlanInfo()
		return !p.Building && (p.Err != "" || p.Jobs > 0)
	})
	test.AssertRendersToMarkup(t, "main_window.xml", mw.Window.Canvas())
}

func TestStageTogglesShowAndHideCards(t *testing.T) {
	mw := newTestWindow(t)
	cards := mw.cards
	if !cards.txt2img.card.Visible() || cards.img2img.card.Visible() || !cards.adetailer.card.Visible() || cards.upscale.card.Visible() {
		t.Fatalf("default visibility: txt2img %v img2img %v adetailer %v upscale %v",
			cards.txt2img.card.Visible(), cards.img2img.card.Visible(), cards.adetailer.card.Visible(), cards.upscale.card.Visible())
	}
	side := mw.tabs.Items[0].Content
	test.Tap(findCheck(t, side, "img2img"))
	test.Tap(findCheck(t, side, "Upscale"))
	test.Tap(findCheck(t, side, "ADetailer"))
	settle(t, mw)
	if !cards.img2img.card.Visible() || !cards.upscale.card.Visible() || cards.adetailer.card.Visible() {
		t.Errorf("after toggling: img2img %v upscale %v adetailer %v",
			cards.img2img.card.Visible(), cards.upscale.card.Visible(), cards.adetailer.card.Visible())
	}
	c := mw.State.Config()
	if !c.Img2Img.Enabled || !c.Upscale.Enabled || c.ADetailer.Enabled {
		t.Errorf("state: img2img %v upscale %v adetailer %v", c.Img2Img.Enabled, c.Upscale.Enabled, c.ADetailer.Enabled)
	}
	// Hires and refiner sections follow their own checks.
	if cards.txt2img.hires.Visible() {
		t.Error("hires section visible while hires is off")
	}
	test.Tap(findCheck(t, cards.txt2img.card, "Hires fix"))
	settle(t, mw)
	if !cards.txt2img.hires.Visible() || !mw.State.Config().Hires.Enabled {
		t.Error("hires section hidden after turning hires on")
	}
	if got := cards.upscale.final.Text; got != "Final size: 1024×1024 → 2048×2048" {
		t.Errorf("final size %q", got)
	}
}

func TestOverrideCheckSetsSnapshot(t *testing.T) {
	mw := newTestWindow(t)
	if mw.State.Snapshot().OverrideEnabled {
		t.Fatal("override on by default")
	}
	test.Tap(mw.cards.override)
	settle(t, mw)
	if !mw.State.Snapshot().OverrideEnabled {
		t.Error("the check did not set OverrideEnabled")
	}
	if !strings.Contains(mw.cards.note.Text, "On:") || !strings.HasPrefix(mw.sidebar.stages.note.Text, "Override is on") {
		t.Errorf("notes did not follow: %q / %q", mw.cards.note.Text, mw.sidebar.stages.note.Text)
	}
	mw.State.SetOverrideEnabled(false)
	settle(t, mw)
	if mw.cards.override.Checked {
		t.Error("the check did not follow the state")
	}
}

func TestEditingAStageFieldChangesSnapshot(t *testing.T) {
	mw := newTestWindow(t)
	steps := field[*entryField[int]](t, mw, "txt2img.steps") // the core card's
	retype(steps.Entry, "33")
	settle(t, mw)
	if got := stepsOf(t, mw); got != 33 {
		t.Fatalf("snapshot steps = %d, want 33", got)
	}
	// The txt2img card's steps field follows.
	var others []*entryField[int]
	mw.form.each(func(fl formField) {
		if e, ok := fl.(*entryField[int]); ok && fl.path() == "txt2img.steps" && e != steps {
			others = append(others, e)
		}
	})
	if len(others) != 1 || others[0].Entry.Text != "33" {
		t.Fatalf("the txt2img card shows %v", others)
	}
	// A dropdown edit reaches the snapshot too.
	mode := field[*selectField](t, mw, "batch.seed_mode")
	mode.Select.SetSelected("fixed")
	settle(t, mw)
	c, err := mw.State.Snapshot().Settings.ApplyTo(pipeline.Defaults())
	if err != nil || c.Batch.SeedMode != pipeline.SeedFixed {
		t.Errorf("seed mode %q, %v", c.Batch.SeedMode, err)
	}
	if !strings.HasPrefix(mw.sidebar.output.seedHelp.Text, "fixed:") {
		t.Errorf("seed help %q", mw.sidebar.output.seedHelp.Text)
	}
}

func TestInvalidValueIsShownAndNotClamped(t *testing.T) {
	mw := newTestWindow(t)
	steps := field[*entryField[int]](t, mw, "txt2img.steps")
	retype(steps.Entry, "500")
	settle(t, mw)
	if got := mw.State.Config().Txt2Img.Steps; got != 500 {
		t.Errorf("state steps = %d, want 500 as typed", got)
	}
	if steps.Entry.Text != "500" || !steps.note.Visible() || !strings.Contains(steps.note.Text, "must be within 1..150, got 500") {
		t.Errorf("entry %q note %v %q", steps.Entry.Text, steps.note.Visible(), steps.note.Text)
	}
	// Not a number: the message says so and the state keeps the last number.
	retype(steps.Entry, "abc")
	settle(t, mw)
	if got := mw.State.Config().Txt2Img.Steps; got != 500 {
		t.Errorf("state steps = %d after a non-number", got)
	}
	if steps.Entry.Text != "abc" || !strings.Contains(steps.note.Text, "whole number") {
		t.Errorf("entry %q note %q", steps.Entry.Text, steps.note.Text)
	}
	retype(steps.Entry, "25")
	settle(t, mw)
	if steps.note.Visible() || mw.State.Config().Txt2Img.Steps != 25 {
		t.Errorf("note %v %q, steps %d", steps.note.Visible(), steps.note.Text, mw.State.Config().Txt2Img.Steps)
	}
	// A list element's problem shows under its list.
	sizes := field[*entryField[[]string]](t, mw, "randomizer.sweeps.sizes")
	mw.State.UpdateConfig(func(c *pipeline.PipelineConfig) { c.Randomizer.Enabled = true })
	settle(t, mw)
	retype(sizes.Entry, "832x1216, 100x7")
	settle(t, mw)
	if !strings.Contains(sizes.note.Text, "[1]") || !strings.Contains(sizes.note.Text, "multiples of 8") {
		t.Errorf("sizes note %q", sizes.note.Text)
	}
	if mw.form.summary.Visible() {
		t.Errorf("problems without a field: %q", mw.form.summary.Text)
	}
}

func TestOfflineDropdownKeepsItsValue(t *testing.T) {
	mw := newTestWindow(t)
	mw.State.UpdateConfig(func(c *pipeline.PipelineConfig) { c.Txt2Img.Model = "ghost_model.safetensors" })
	settle(t, mw)
	model := field[*selectField](t, mw, "txt2img.model")
	if model.Select.Selected != "ghost_model.safetensors" {
		t.Errorf("selected %q", model.Select.Selected)
	}
	// Before any WebUI was tried, nothing claims it is offline.
	if model.status.Visible() {
		t.Errorf("a note before the first connection attempt: %q", model.status.Text)
	}
	mw.setResources(resourceSource{offline: true})
	if !model.status.Visible() || model.status.Text != "WebUI offline — showing saved value" {
		t.Errorf("status %v %q", model.status.Visible(), model.status.Text)
	}
	// Online, with the model missing: still kept, and said so with the
	// closest names.
	res := demoResources(t, mw)
	view := mw.Services.Backends[0].Resources.View()
	mw.setResources(resourceSource{view: view})
	settle(t, mw)
	if model.Select.Selected != "ghost_model.safetensors" || !strings.Contains(model.status.Text, `Missing: this WebUI has no checkpoint "ghost_model.safetensors"`) {
		t.Errorf("online: selected %q status %q", model.Select.Selected, model.status.Text)
	}
	if len(model.Select.Options) != len(res.Checkpoints)+2 {
		t.Errorf("options %v", model.Select.Options)
	}
	// A pack's plain name for a model the WebUI keeps under another title
	// says which one it uses.
	mw.State.UpdateConfig(func(c *pipeline.PipelineConfig) { c.Txt2Img.Model = "renamed.safetensors [31e35c80fc]" })
	settle(t, mw)
	if model.status.Importance != widget.LowImportance || !strings.Contains(model.status.Text, "On this WebUI: sd_xl_base_1.0.safetensors [31e35c80fc] (by hash)") {
		t.Errorf("mapped: status %q", model.status.Text)
	}
	// Picking one of the WebUI's models clears the note and reaches the state.
	model.Select.SetSelected(res.Checkpoints[0].Title)
	settle(t, mw)
	if model.status.Visible() || mw.State.Config().Txt2Img.Model != res.Checkpoints[0].Title {
		t.Errorf("after picking: status %q model %q", model.status.Text, mw.State.Config().Txt2Img.Model)
	}
	// Offline again: the value stays.
	mw.setResources(resourceSource{offline: true})
	if model.Select.Selected != res.Checkpoints[0].Title || !model.status.Visible() {
		t.Errorf("offline again: %q %q", model.Select.Selected, model.status.Text)
	}
}

func TestPresetSaveAndLoadThroughTheUI(t *testing.T) {
	mw := newTestWindow(t)
	presets := mw.sidebar.presets
	steps := field[*entryField[int]](t, mw, "txt2img.steps")
	retype(steps.Entry, "33")
	settle(t, mw)

	test.Tap(presets.saveButton)
	name := find(t, topDialog(t, mw), "name entry", func(e *appEntry) bool { return true })
	test.Type(name, "my_look")
	test.Tap(findButton(t, topDialog(t, mw), "Save"))
	settle(t, mw)
	if mw.State.Preset() != "my_look" || presets.choose.Selected != "my_look" {
		t.Fatalf("preset after save: state %q dropdown %q (status %q)", mw.State.Preset(), presets.choose.Selected, presets.status.Text)
	}
	if mw.sidebar.heading.Text != "Preset: my_look" {
		t.Errorf("heading %q", mw.sidebar.heading.Text)
	}

	// Change the stages, then load the preset back, confirming.
	retype(steps.Entry, "44")
	settle(t, mw)
	test.Tap(presets.loadButton)
	if text := dialogText(t, mw); !strings.Contains(text, `"my_look"`) || !strings.Contains(text, "overwritten") {
		t.Errorf("confirm text %q", text)
	}
	test.Tap(findButton(t, topDialog(t, mw), "Load"))
	settle(t, mw)
	if got := mw.State.Config().Txt2Img.Steps; got != 33 || steps.Entry.Text != "33" {
		t.Errorf("after load: state %d entry %q", got, steps.Entry.Text)
	}

	// Saving under the same name asks before overwriting.
	retype(steps.Entry, "50")
	settle(t, mw)
	test.Tap(presets.saveButton)
	test.Tap(findButton(t, topDialog(t, mw), "Save"))
	if text := dialogText(t, mw); !strings.Contains(text, "already exists") {
		t.Fatalf("no overwrite question: %q", text)
	}
	test.Tap(findButton(t, topDialog(t, mw), "Overwrite"))
	settle(t, mw)
	p, err := mw.Services.Library.LoadPreset("my_look")
	if err != nil {
		t.Fatal(err)
	}
	if c, _ := p.ApplyTo(pipeline.Defaults()); c.Txt2Img.Steps != 50 {
		t.Errorf("preset file steps = %d, want 50", c.Txt2Img.Steps)
	}

	// Delete, confirmed; the selection clears.
	test.Tap(presets.deleteButton)
	test.Tap(findButton(t, topDialog(t, mw), "Delete"))
	settle(t, mw)
	if mw.State.Preset() != "" || mw.sidebar.heading.Text != "Defaults (no preset)" {
		t.Errorf("after delete: preset %q heading %q", mw.State.Preset(), mw.sidebar.heading.Text)
	}
	for _, n := range mw.lib.Presets {
		if n == "my_look" {
			t.Error("deleted preset still listed")
		}
	}
}

func TestPackSelectionAndPreview(t *testing.T) {
	mw := newTestWindow(t)
	pc := mw.sidebar.packs
	if len(pc.visible) == 0 {
		t.Fatal("no packs listed")
	}
	first := pc.visible[0].ID
	test.TapAt(pc.rows[0].check, fyne.NewPos(10, pc.rows[0].check.Size().Height/2))
	settle(t, mw)
	if got := mw.State.Snapshot().Packs; len(got) != 1 || got[0] != first {
		t.Fatalf("packs %v, want [%s]", got, first)
	}
	if !strings.Contains(pc.selected.Text, first) {
		t.Errorf("selection label %q", pc.selected.Text)
	}
	test.Tap(pc.rows[0].preview)
	settle(t, mw)
	if pc.preview.Text == "" || pc.preview.Text == "Loading…" || !strings.Contains(pc.summary.Text, "LoRAs:") {
		t.Errorf("preview %q summary %q", pc.preview.Text, pc.summary.Text)
	}
	// The filter narrows the list and is remembered.
	test.Type(pc.filter, "zzz-no-such-pack")
	settle(t, mw)
	if len(pc.visible) != 0 || mw.State.View().PackFilter != "zzz-no-such-pack" {
		t.Errorf("filter: %d visible, saved %q", len(pc.visible), mw.State.View().PackFilter)
	}
}

func TestBrokenPackShowsItsErrorInRed(t *testing.T) {
	dir := t.TempDir()
	mw := newTestWindowIn(t, dir)
	if err := writeFile(mw.Services.Library.PacksDir()+"/broken.txt", "neg: only a negative\n"); err != nil {
		t.Fatal(err)
	}
	mw.RefreshResources()
	settle(t, mw)
	pc := mw.sidebar.packs
	if !pc.errors.Visible() || !strings.Contains(pc.errors.Text, "broken") || pc.errors.Importance != widget.DangerImportance {
		t.Errorf("errors label %v %q", pc.errors.Visible(), pc.errors.Text)
	}
	for i, p := range pc.visible {
		if p.ID != "broken" {
			continue
		}
		row := pc.rows[i]
		if row.info.Importance != widget.DangerImportance || !strings.HasPrefix(row.info.Text, "error:") {
			t.Errorf("row info %q", row.info.Text)
		}
		return
	}
	t.Error("the broken pack is not listed")
}

func TestRestoreLastRunFromTheHeader(t *testing.T) {
	mw := newTestWindow(t)
	mw.State.SetPacks([]string{"a"})
	mw.State.UpdateConfig(func(c *pipeline.PipelineConfig) { c.Txt2Img.Steps = 31 })
	mw.State.RecordRun()
	mw.State.UpdateConfig(func(c *pipeline.PipelineConfig) { c.Txt2Img.Steps = 12 })
	settle(t, mw)
	test.Tap(findButton(t, mw.Window.Content(), "Restore last run"))
	test.Tap(findButton(t, topDialog(t, mw), "Yes"))
	settle(t, mw)
	if got := mw.State.Config().Txt2Img.Steps; got != 31 {
		t.Errorf("steps %d after restore", got)
	}
	if got := field[*entryField[int]](t, mw, "txt2img.steps").Entry.Text; got != "31" {
		t.Errorf("entry %q after restore", got)
	}
}

func TestClosingRemembersTheWindowSize(t *testing.T) {
	mw := newTestWindow(t)
	mw.Window.Resize(fyne.NewSize(1300, 820))
	mw.onClose()
	settle(t, mw)
	if v := mw.State.View(); v.WindowWidth != 1300 || v.WindowHeight != 820 {
		t.Errorf("saved size %v×%v", v.WindowWidth, v.WindowHeight)
	}
}

func TestProblemsOfHiddenCardsGoToTheSummary(t *testing.T) {
	mw := newTestWindow(t)
	mw.State.UpdateConfig(func(c *pipeline.PipelineConfig) {
		c.Hires.Enabled = true
		c.Hires.Denoise = 2
	})
	settle(t, mw)
	hires := field[*entryField[float64]](t, mw, "hires.denoise")
	if !strings.Contains(hires.note.Text, "must be within 0..1, got 2") || mw.form.summary.Visible() {
		t.Errorf("visible card: note %q, summary %q", hires.note.Text, mw.form.summary.Text)
	}
	// With txt2img off its card is hidden: the problems move to the summary
	// above the cards.
	mw.State.UpdateConfig(func(c *pipeline.PipelineConfig) { c.Txt2Img.Enabled = false })
	settle(t, mw)
	if hires.note.Visible() {
		t.Errorf("a hidden field shows %q", hires.note.Text)
	}
	sum := mw.form.summary.Text
	if !mw.form.summary.Visible() || !strings.Contains(sum, "hires.denoise: must be within 0..1") || !strings.Contains(sum, "hires.enabled: hires fix runs inside txt2img") {
		t.Errorf("summary %q", sum)
	}
}

// Number fields refuse NaN, infinities and numbers too large, with the
// reason under the field; the State keeps its last good value.
func TestNumberFieldsRefuseNaNInfAndOverflow(t *testing.T) {
	mw := newTestWindow(t)
	cfg := field[*entryField[float64]](t, mw, "txt2img.cfg_scale")
	steps := field[*entryField[int]](t, mw, "txt2img.steps")
	seed := field[*entryField[int64]](t, mw, "txt2img.seed")
	before := mw.State.Config().Txt2Img
	for _, tc := range []struct {
		e    *appEntry
		text string
		want string
	}{
		{cfg.Entry, "NaN", "enter a finite number"},
		{cfg.Entry, "inf", "enter a finite number"},
		{cfg.Entry, "-Infinity", "enter a finite number"},
		{cfg.Entry, "1e999", "1e999 is too large a number"},
		{steps.Entry, "99999999999999999999", "is too large a number"},
		{seed.Entry, "-99999999999999999999", "is too large a number"},
	} {
		tc.e.SetText(tc.text) // as pasted: the whole text at once
		settle(t, mw)
		note := cfg.note.Text + steps.note.Text + seed.note.Text
		if !strings.Contains(note, tc.want) {
			t.Errorf("%q: notes %q, want %q", tc.text, note, tc.want)
		}
		if got := mw.State.Config().Txt2Img; got != before {
			t.Errorf("%q reached the State: %+v", tc.text, got)
		}
		tc.e.SetText(map[*appEntry]string{cfg.Entry: "7", steps.Entry: "20", seed.Entry: "-1"}[tc.e])
		settle(t, mw)
	}
	if _, err := parseFloatList("5, NaN"); err == nil || !strings.Contains(err.Error(), "finite") {
		t.Errorf("sweep list with NaN: %v", err)
	}
	if _, err := parseIntList("20, 99999999999999999999"); err == nil || !strings.Contains(err.Error(), "too large") {
		t.Errorf("steps list with an overflow: %v", err)
	}
}
