package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"stablenew/app"
)

// stageCards is the middle column: the override check and the stage cards
// txt2img, img2img, ADetailer and upscale, each shown while its stage is on.
type stageCards struct {
	mw       *MainWindow
	override *widget.Check
	note     *widget.Label

	txt2img   *txt2imgCard
	img2img   *img2imgCard
	adetailer *adetailerCard
	upscale   *upscaleCard
}

func newStageCards(mw *MainWindow) *stageCards {
	s := &stageCards{mw: mw}
	s.override = widget.NewCheck("Override pack configs with current stages", s.onOverride)
	s.override.Checked = mw.State.OverrideEnabled()
	s.note = newHint("")
	s.txt2img = newTxt2ImgCard(mw)
	s.img2img = newImg2ImgCard(mw)
	s.adetailer = newADetailerCard(mw)
	s.upscale = newUpscaleCard(mw)
	mw.State.OnChange(s.onStateChange)
	return s
}

func (s *stageCards) build() fyne.CanvasObject {
	s.showNote()
	return container.NewVBox(
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
		s.showNote()
	}
}

func (s *stageCards) showNote() {
	if s.override.Checked {
		s.note.SetText("On: the stage cards and core settings replace the packs' own stage settings in every plan (the pack files stay as they are).")
	} else {
		s.note.SetText("Off: each pack runs with its own config file (or the preset and defaults); the stage cards and core settings are not used. Turn this on to run with them.")
	}
}
