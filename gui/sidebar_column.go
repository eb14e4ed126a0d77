package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"stablenew/app"
)

// sidebar is the left column: presets, packs, core settings, stage
// toggles, batch, randomizer, LoRAs, prompts and output.
type sidebar struct {
	mw      *MainWindow
	heading *widget.Label

	presets    *presetsCard
	packs      *packsCard
	core       *coreCard
	stages     *stagesCard
	batch      *batchCard
	randomizer *randomizerCard
	loras      *lorasCard
	prompts    *promptsCard
	output     *outputCard

	// sections are the foldable cards, in order.
	sections []*sidebarSection
}

func newSidebar(mw *MainWindow) *sidebar {
	s := &sidebar{mw: mw}
	s.heading = &widget.Label{TextStyle: fyne.TextStyle{Bold: true}, Truncation: fyne.TextTruncateEllipsis}
	s.presets = newPresetsCard(mw)
	s.packs = newPacksCard(mw)
	s.core = newCoreCard(mw)
	s.stages = newStagesCard(mw)
	s.batch = newBatchCard(mw)
	s.randomizer = newRandomizerCard(mw)
	s.loras = newLorasCard(mw)
	s.prompts = newPromptsCard(mw)
	s.output = newOutputCard(mw)
	mw.State.OnChange(s.onStateChange)
	return s
}

// build lays the cards out top to bottom, each foldable by its title, in
// a scroll that culls those out of view.
func (s *sidebar) build() *cullScroll {
	s.updateHeading()
	return newCullScroll(
		s.heading,
		s.section(s.presets.build()),
		s.section(s.packs.build()),
		s.section(s.core.build()),
		s.section(s.stages.build()),
		s.section(s.batch.build()),
		s.section(s.randomizer.build()),
		s.section(s.loras.build()),
		s.section(s.prompts.build()),
		s.section(s.output.build()),
	)
}

func (s *sidebar) onStateChange(what app.Change) {
	if what.Has(app.ChangePreset) {
		s.updateHeading()
	}
}

// updateHeading shows "Preset: X" or "Defaults".
func (s *sidebar) updateHeading() {
	if p := s.mw.State.Preset(); p != "" {
		s.heading.SetText("Preset: " + p)
	} else {
		s.heading.SetText("Defaults (no preset)")
	}
}
