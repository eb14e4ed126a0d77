package gui

import (
	"fmt"

	"fyne.io/fyne/v2/widget"

	"stablenew/app"
)

// stageCards is the middle column: the override check and the stage cards
// txt2img, img2img, ADetailer and upscale, each shown while its stage is on.
type stageCards struct {
	mw       *MainWindow
	override *appCheck
	note     *widget.Label

	// baseSeq numbers the reads of the stage base (only the newest counts);
	// baseErr is why the last one failed.
	baseSeq uint64
	baseErr string

	txt2img   *txt2imgCard
	img2img   *img2imgCard
	adetailer *adetailerCard
	upscale   *upscaleCard
}

func newStageCards(mw *MainWindow) *stageCards {
	s := &stageCards{mw: mw}
	s.override = newAppCheck(mw.keys, labelOverride, s.onOverride)
	s.override.Checked = mw.State.OverrideEnabled()
	s.note = newHint("")
	s.txt2img = newTxt2ImgCard(mw)
	s.img2img = newImg2ImgCard(mw)
	s.adetailer = newADetailerCard(mw)
	s.upscale = newUpscaleCard(mw)
	mw.State.OnChange(s.onStateChange)
	mw.State.OnChange(s.onBaseInputs)
	mw.onLibrary(s.refreshStageBase)
	return s
}

// labelOverride is the override check: it governs the fields the user
// changed, never the untouched ones.
const labelOverride = "Override packs with my changed fields"

// build lays out the override check, its note, the form's summary and the
// stage cards, in a scroll that culls those out of view.
func (s *stageCards) build() *cullScroll {
	s.showNote()
	return newCullScroll(
		s.override,
		s.note,
		s.mw.form.summary,
		s.txt2img.build(),
		s.img2img.build(),
		s.adetailer.build(),
		s.upscale.build(),
	)
}

func (s *stageCards) onOverride(on bool) { s.mw.State.SetOverrideEnabled(on) }

func (s *stageCards) onStateChange(what app.Change) {
	if what.Has(app.ChangeOverride) {
		on := s.mw.State.OverrideEnabled()
		if s.override.Checked != on {
			s.override.SetChecked(on)
		}
	}
	if what.Has(app.ChangeOverride | app.ChangeStageBase) {
		s.mw.form.showOverrides()
		s.showNote()
	}
}

// showNote says whose settings the cards show and what the changed fields
// do.
func (s *stageCards) showNote() {
	_, from, known := s.mw.State.StageBase()
	shown := "The cards show the defaults and the preset (no pack selected)."
	switch {
	case s.mw.State.Reprocess() != nil:
		shown = "The cards show the defaults and the preset, under the reprocess draft."
	case from != "":
		shown = "The cards show the settings of pack " + from + " (defaults, preset and its config file)."
		if n := len(s.mw.State.Packs()); n > 1 {
			shown = fmt.Sprintf("The cards show the settings of pack %s, the first of the %d selected.", from, n)
		}
	case !known:
		shown = "Reading the settings of the selected pack…"
	}
	n := len(s.mw.State.Overridden())
	var what string
	switch {
	case n == 0 && s.override.Checked:
		what = "On: no field changed yet. A field you change overrides it in every selected pack; the others stay each pack's own."
	case n == 0:
		what = "Off: each pack runs with its own settings. Changing a field turns this on, for that field only."
	case s.override.Checked:
		what = fmt.Sprintf("On: the %s you changed (marked) override every selected pack; the other fields stay each pack's own.", plural(n, "field", "fields"))
	default:
		what = fmt.Sprintf("Off: the %s you changed %s kept but not used; each pack runs with its own settings.",
			plural(n, "field", "fields"), map[bool]string{true: "is", false: "are"}[n == 1])
	}
	text := shown + " " + what
	if s.baseErr != "" {
		text = s.baseErr + " " + what
	}
	s.note.SetText(text)
}
