package gui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"stablenew/pipeline"
	"stablenew/pipeline/infotext"
	"stablenew/pipeline/packs"
	"stablenew/pipeline/resources"
)

// dropTarget is an area of the window with its own drop action.
type dropTarget struct {
	obj    fyne.CanvasObject
	onDrop func(path string)
}

// dropHandler handles images dropped on the window. Dropped on the img2img
// card, an image becomes img2img's input image; anywhere else its
// generation parameters are read (off the UI goroutine), mapped with
// infotext.ToConfig and loaded into the stage cards, with a dialog that
// lists what changed and what was not applied, and an Undo button.
type dropHandler struct {
	h       *panelHub
	targets []dropTarget

	// loaded is the last image's load into the stage cards (tests read it).
	loaded *stageLoad
}

func newDropHandler(h *panelHub) *dropHandler { return &dropHandler{h: h} }

// install makes the handler the window's drop handler.
func (d *dropHandler) install() { d.h.mw.Window.SetOnDropped(d.onDropped) }

// AddDropTarget gives an area of the window its own drop action: an image
// file dropped on obj calls onDrop with its path (UI goroutine) instead of
// loading its parameters. The latest target added wins where they overlap.
func (mw *MainWindow) AddDropTarget(obj fyne.CanvasObject, onDrop func(path string)) {
	d := hubOf(mw).drops
	if d == nil {
		d = newDropHandler(hubOf(mw))
		hubOf(mw).drops = d
	}
	d.targets = append(d.targets, dropTarget{obj: obj, onDrop: onDrop})
}

// SetImg2ImgInput makes path img2img's input image.
func (mw *MainWindow) SetImg2ImgInput(path string) {
	mw.State.UpdateConfig(func(c *pipeline.PipelineConfig) { c.Img2Img.InputImage = path })
	mw.Log.Info("img2img input image set from a dropped file", "path", path)
}

// onDropped handles a drop on the window (UI goroutine). One image loads
// its settings (or goes to the target under it); several files, or a
// folder, open the Reprocess images dialog with them.
func (d *dropHandler) onDropped(pos fyne.Position, uris []fyne.URI) {
	var paths []string
	for _, u := range uris {
		if u != nil && u.Scheme() == "file" {
			paths = append(paths, u.Path())
		}
	}
	if len(paths) == 0 {
		dialog.ShowInformation("Drop an image", "Drop a PNG, JPEG or WebP file made by a WebUI to load its settings, "+
			"or several images or a folder to reprocess them.", d.h.mw.Window)
		return
	}
	if len(paths) > 1 {
		d.reprocess(paths)
		return
	}
	path := paths[0]
	for i := len(d.targets) - 1; i >= 0; i-- {
		if t := d.targets[i]; d.contains(t.obj, pos) {
			t.onDrop(path)
			return
		}
	}
	if card := d.img2imgCard(); card != nil && d.contains(card, pos) {
		d.h.mw.SetImg2ImgInput(path)
		dialog.ShowInformation("img2img input image",
			"img2img starts from "+filepath.Base(path)+" when txt2img is off.", d.h.mw.Window)
		return
	}
	var folder bool
	d.h.goWork("looking at "+filepath.Base(path), func(context.Context) error {
		st, err := os.Stat(path)
		folder = err == nil && st.IsDir()
		return nil
	}, func(error) {
		if folder {
			d.reprocess(paths)
			return
		}
		d.loadParameters(path)
	})
}

// reprocess opens the Reprocess images dialog with dropped files or
// folders.
func (d *dropHandler) reprocess(paths []string) {
	r := d.h.mw.openReprocess()
	r.setInputs(append(slices.Clone(r.inputs), paths...))
}

// contains reports whether a visible object covers pos (window coordinates).
func (d *dropHandler) contains(obj fyne.CanvasObject, pos fyne.Position) bool {
	if obj == nil || !obj.Visible() {
		return false
	}
	at := d.h.mw.App.Driver().AbsolutePositionForObject(obj)
	size := obj.Size()
	return pos.X >= at.X && pos.Y >= at.Y && pos.X < at.X+size.Width && pos.Y < at.Y+size.Height
}

// img2imgCard finds the img2img stage card in the window, or nil.
func (d *dropHandler) img2imgCard() fyne.CanvasObject {
	var found fyne.CanvasObject
	walkVisible(d.h.mw.Window.Content(), func(o fyne.CanvasObject) bool {
		if c, ok := o.(*appCard); ok && strings.EqualFold(c.Title, "img2img") {
			found = c
			return true
		}
		return false
	})
	return found
}

// walkVisible visits the visible objects under o through containers,
// scrolls, splits, the selected tab and the parts of StableNew's own
// widgets (partsHolder: cards, pack rows), until visit returns true.
func walkVisible(o fyne.CanvasObject, visit func(fyne.CanvasObject) bool) bool {
	if o == nil || !o.Visible() {
		return false
	}
	if visit(o) {
		return true
	}
	switch c := o.(type) {
	case *fyne.Container:
		for _, child := range c.Objects {
			if walkVisible(child, visit) {
				return true
			}
		}
	case *container.Scroll:
		return walkVisible(c.Content, visit)
	case *container.Split:
		return walkVisible(c.Leading, visit) || walkVisible(c.Trailing, visit)
	case *container.AppTabs:
		if sel := c.Selected(); sel != nil {
			return walkVisible(sel.Content, visit)
		}
	case partsHolder:
		for _, part := range c.parts() {
			if walkVisible(part, visit) {
				return true
			}
		}
	}
	return false
}

// loadParameters reads an image's parameters in the background and loads
// them into the stage cards.
func (d *dropHandler) loadParameters(path string) {
	var meta *infotext.Metadata
	d.h.goWork("reading "+filepath.Base(path), func(context.Context) (err error) {
		meta, err = infotext.ReadFile(path)
		return err
	}, func(err error) {
		if err != nil {
			d.h.mw.ShowError("No settings loaded", fmt.Errorf("%s holds no generation parameters StableNew can read: %w", filepath.Base(path), err))
			return
		}
		d.apply(path, meta.Params)
	})
}

// apply maps the parameters onto the current configuration with the one
// infotext mapping and loads its stage sections into the State: prompts
// stay with the packs. The dialog shows what changed, what was not applied,
// Undo, and buttons to use the image's prompt.
func (d *dropHandler) apply(path string, p *infotext.Parameters) {
	m := infotext.ToConfig(p, d.h.mw.State.Config(), infotext.Options{Checkpoint: resources.CheckpointResolver(d.h.mw.Resources())})
	var notApplied []string
	if p.Prompt != "" {
		notApplied = append(notApplied, "Prompt: prompts come from the prompt packs (use Copy prompt or New pack from prompt)")
	}
	if p.Negative != "" {
		notApplied = append(notApplied, "Negative prompt: comes from the packs and the Prompts card")
	}
	for _, na := range m.NotApplied {
		notApplied = append(notApplied, oneLine(na, 100))
	}
	// What reading the file had to tolerate (damage, garbled text) comes
	// first: it says what the rest was read from.
	notes := make([]string, 0, len(p.Warnings)+len(m.Notes))
	for _, w := range p.Warnings {
		notes = append(notes, "Warning: "+w)
	}
	l := &stageLoad{
		title:      "Settings from " + filepath.Base(path),
		notApplied: notApplied,
		notes:      append(notes, m.Notes...),
		buttons: func(hide func()) []fyne.CanvasObject {
			copyPrompt := &widget.Button{Text: "Copy prompt", Icon: theme.ContentCopyIcon(), OnTapped: func() {
				d.h.mw.App.Clipboard().SetContent(p.Prompt)
			}}
			asPack := &widget.Button{Text: "New pack from prompt", Icon: theme.DocumentCreateIcon(), OnTapped: func() {
				hide()
				d.onPromptAsPack(path, p)
			}}
			if p.Prompt == "" {
				copyPrompt.Disable()
				asPack.Disable()
			}
			return []fyne.CanvasObject{copyPrompt, asPack}
		},
	}
	d.loaded = l
	d.h.loadStages(l, m.Config)
}

// onPromptAsPack saves the image's prompt as a new one-row pack, selects it
// alone and turns the stage override on, so the next run reproduces the
// image.
func (d *dropHandler) onPromptAsPack(path string, p *infotext.Parameters) {
	lib := d.h.mw.Services.Library
	stem := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	base, err := packs.SanitizeName("image_" + stem)
	if err != nil {
		base = "image_prompt"
	}
	var id string
	d.h.goWork("saving the prompt as a pack", func(context.Context) error {
		rows := []packs.PromptRow{{Positive: p.Prompt, Negative: p.Negative}}
		var err error
		for i := 1; i < 100; i++ {
			id = base
			if i > 1 {
				id = fmt.Sprintf("%s_%d", base, i)
			}
			if err = lib.SavePack(id, rows, false); err == nil || !strings.Contains(err.Error(), "already exists") {
				return err
			}
		}
		return err
	}, func(err error) {
		if err != nil {
			d.h.mw.ShowError("Could not save the prompt as a pack", err)
			return
		}
		d.h.mw.State.SetPacks([]string{id})
		d.h.mw.State.SetOverrideEnabled(true)
		d.h.mw.RefreshResources()
		dialog.ShowInformation("New pack", "Saved the prompt as pack "+id+" and selected it, with the stage cards overriding its settings.", d.h.mw.Window)
	})
}
