package gui

import (
	"regexp"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"stablenew/pipeline"
)

// stageLoad is one load of stage settings into the stage cards, from a
// dropped image or a history entry. Its dialog shows what changed, what was
// not applied and an Undo button that puts the configuration from before
// back.
type stageLoad struct {
	// Filled in by the caller.
	title      string
	notApplied []string // lines of the "Not applied" list
	notes      []string // remarks shown under the changes
	// buttons, when set, adds buttons before Close; hide closes the dialog.
	buttons func(hide func()) []fyne.CanvasObject
	// onUndo, when set, hears that the user undid the load.
	onUndo func()

	// Filled in by loadStages.
	prev    pipeline.PipelineConfig
	changes []pipeline.FieldChange
	dlg     dialog.Dialog
	undone  bool
}

// loadStages copies the stage sections (pipeline.OverrideSections) of src
// into the State's configuration, so prompts, packs, batch and output stay,
// and shows l's dialog with the changes. It runs on the UI goroutine and
// does no I/O.
func (h *panelHub) loadStages(l *stageLoad, src pipeline.PipelineConfig) {
	st := h.mw.State
	l.prev = st.Config()
	next := l.prev.Clone()
	pipeline.CopyStageSections(&next, &src)
	l.changes = pipeline.DiffConfigs(l.prev, next, pipeline.OverrideSections...)
	st.SetConfig(next)
	h.mw.Log.Info("stage settings loaded", "from", l.title, "changes", len(l.changes))
	h.showStageLoad(l)
}

// showStageLoad is the dialog after a load: changed, not applied, Undo.
func (h *panelHub) showStageLoad(l *stageLoad) {
	bold := fyne.TextStyle{Bold: true}
	changed := &widget.Label{Text: "Nothing changed: the stage cards already hold these settings.", Wrapping: fyne.TextWrapWord}
	if len(l.changes) > 0 {
		lines := make([]string, len(l.changes))
		for i, c := range l.changes {
			lines[i] = changeLine(c)
		}
		changed.Text = bullets(lines)
	}
	content := container.NewVBox(widget.NewLabelWithStyle("Changed", fyne.TextAlignLeading, bold), changed)
	if len(l.notes) > 0 {
		content.Add(&widget.Label{Text: bullets(l.notes), Wrapping: fyne.TextWrapWord, Importance: widget.WarningImportance})
	}
	notApplied := &widget.Label{Text: "Nothing.", Wrapping: fyne.TextWrapWord, Importance: widget.LowImportance}
	if len(l.notApplied) > 0 {
		notApplied.Text = bullets(l.notApplied)
	}
	note := "These settings are in the stage cards now: the fields that differ from the pack's own override it (marked in the cards)."
	if !h.mw.State.OverrideEnabled() {
		note += " Turn on \"" + labelOverride + "\" for them to apply."
	}
	content.Add(widget.NewLabelWithStyle("Not applied", fyne.TextAlignLeading, bold))
	content.Add(notApplied)
	content.Add(&widget.Label{Text: note, Wrapping: fyne.TextWrapWord, Importance: widget.LowImportance})
	scroll := container.NewVScroll(content)
	scroll.SetMinSize(fyne.NewSize(520, 320))

	dlg := dialog.NewCustomWithoutButtons(l.title, scroll, h.mw.Window)
	undo := &widget.Button{Text: "Undo", Icon: theme.ContentUndoIcon(), OnTapped: func() {
		dlg.Hide()
		h.undoStageLoad(l)
	}}
	if len(l.changes) == 0 {
		undo.Disable()
	}
	buttons := []fyne.CanvasObject{undo}
	if l.buttons != nil {
		buttons = append(buttons, l.buttons(dlg.Hide)...)
	}
	buttons = append(buttons, &widget.Button{Text: "Close", Importance: widget.HighImportance, OnTapped: dlg.Hide})
	dlg.SetButtons(buttons)
	l.dlg = dlg
	dlg.Show()
}

// undoStageLoad puts back the configuration from before the load, once.
func (h *panelHub) undoStageLoad(l *stageLoad) {
	if l.undone {
		return
	}
	l.undone = true
	h.mw.State.SetConfig(l.prev)
	h.mw.Log.Info("stage settings load undone", "from", l.title)
	if l.onUndo != nil {
		l.onUndo()
	}
}

// bullets writes lines as a bulleted list.
func bullets(lines []string) string { return "• " + strings.Join(lines, "\n• ") }

// sectionTitles name the stage sections as the stage cards do.
var sectionTitles = map[string]string{
	"txt2img": "Txt2img", "hires": "Hires fix", "refiner": "Refiner", "img2img": "Img2img",
	"adetailer": "ADetailer", "upscale": "Upscale",
}

// fieldWords are the words for YAML keys that read badly as they are.
var fieldWords = map[string]string{
	"sampler_name": "sampler", "cfg_scale": "CFG scale", "vae": "VAE", "clip_skip": "clip skip",
	"subseed": "variation seed", "subseed_strength": "variation seed strength", "switch_at": "switch at",
	"resize_x": "width", "resize_y": "height", "units": "unit", "model": "model",
	"gfpgan_visibility": "GFPGAN visibility", "codeformer_visibility": "CodeFormer visibility",
	"codeformer_weight": "CodeFormer weight",
}

var reIndex = regexp.MustCompile(`^(.*)\[([0-9]+)\]$`)

// changeLabel turns a dotted YAML path into words: "txt2img.steps" is
// "Txt2img steps", "adetailer.units[1].ad_confidence" "ADetailer unit 2
// confidence", "hires.enabled" "Hires fix".
func changeLabel(path string) string {
	parts := strings.Split(path, ".")
	if len(parts) > 1 && parts[len(parts)-1] == "enabled" {
		parts = parts[:len(parts)-1]
	}
	words := make([]string, 0, len(parts))
	for i, p := range parts {
		index := ""
		if m := reIndex.FindStringSubmatch(p); m != nil {
			p = m[1]
			n, _ := strconv.Atoi(m[2])
			index = " " + strconv.Itoa(n+1)
		}
		w, ok := "", false
		if i == 0 {
			w, ok = sectionTitles[p]
		}
		if !ok {
			p = strings.TrimPrefix(p, "ad_")
			if w, ok = fieldWords[p]; !ok {
				w = strings.ReplaceAll(p, "_", " ")
			}
		}
		words = append(words, w+index)
	}
	return strings.Join(words, " ")
}

// changeLine is one line of the Changed list: "Txt2img steps: 20 → 30".
// An on/off switch reads "Hires fix: off → on"; an empty value "(none)".
func changeLine(c pipeline.FieldChange) string {
	value := func(v string) string {
		if strings.HasSuffix(c.Path, ".enabled") {
			switch v {
			case "true":
				return "on"
			case "false":
				return "off"
			}
		}
		if v == "" {
			return "(none)"
		}
		return oneLine(v, 60)
	}
	return changeLabel(c.Path) + ": " + value(c.Old) + " → " + value(c.New)
}
