package gui

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"stablenew/controller"
	"stablenew/pipeline"
)

// reprocessDialog sets up a reprocess draft: stages (img2img, ADetailer,
// upscale) on images the user already has. It plans as the choices change
// to show how many jobs that makes and which files are left out; Show in
// Preview then makes it the draft, so the preview lists every job and Add
// to Queue stores exactly those, as for prompt packs.
type reprocessDialog struct {
	mw         *MainWindow
	inputs     []string
	inputList  *widget.Label
	img2img    *widget.Check
	adetailer  *widget.Check
	upscale    *widget.Check
	ownPrompt  *widget.Check
	result     *widget.Label
	previewBtn *widget.Button
	plan       *controller.Plan
	d          dialog.Dialog
}

// showReprocess opens the Reprocess images dialog.
func (mw *MainWindow) showReprocess() { mw.openReprocess() }

// openReprocess opens the Reprocess images dialog, filled in with the
// current reprocess draft when there is one.
func (mw *MainWindow) openReprocess() *reprocessDialog {
	r := &reprocessDialog{mw: mw}
	r.inputList = &widget.Label{Text: "No images chosen yet.", Wrapping: fyne.TextWrapWord}
	r.img2img = &widget.Check{Text: "img2img (refine with the img2img card's settings)", OnChanged: r.onChanged}
	r.adetailer = &widget.Check{Text: "ADetailer (fix faces and hands with the ADetailer card's units)", OnChanged: r.onChanged}
	r.upscale = &widget.Check{Text: "Upscale (with the upscale card's settings)", Checked: true, OnChanged: r.onChanged}
	r.ownPrompt = &widget.Check{Text: "Use each image's own prompt and seed when it has them", Checked: true, OnChanged: r.onChanged}
	r.result = &widget.Label{Wrapping: fyne.TextWrapWord}
	r.previewBtn = &widget.Button{Text: "Show in Preview", Icon: theme.VisibilityIcon(), Importance: widget.HighImportance, OnTapped: r.onPreview}
	r.previewBtn.Disable()
	if cur := mw.State.Reprocess(); cur != nil {
		r.img2img.Checked = slices.Contains(cur.Stages, pipeline.StageImg2Img)
		r.adetailer.Checked = slices.Contains(cur.Stages, pipeline.StageADetailer)
		r.upscale.Checked = slices.Contains(cur.Stages, pipeline.StageUpscale)
		r.ownPrompt.Checked = cur.UseImagePrompt
	}
	content := container.NewVBox(
		widget.NewLabel("Images (files, or folders whose .png, .jpg and .webp files are all taken):"),
		r.inputList,
		container.NewHBox(
			&widget.Button{Text: "Add image…", Icon: theme.FileImageIcon(), OnTapped: r.onAddFile},
			&widget.Button{Text: "Add folder…", Icon: theme.FolderOpenIcon(), OnTapped: r.onAddFolder},
			&widget.Button{Text: "Clear", Icon: theme.ContentClearIcon(), OnTapped: r.onClear},
		),
		widget.NewSeparator(),
		widget.NewLabel("Stages to run on each image, with the current stage cards:"),
		r.img2img, r.adetailer, r.upscale, r.ownPrompt,
		widget.NewSeparator(),
		r.result,
		&widget.Label{Text: "Show in Preview lists every job in the Preview tab instead of the prompt packs; " +
			"Add to Queue there queues them. \"Back to packs\" in the preview ends the reprocess draft.",
			Wrapping: fyne.TextWrapWord, Importance: widget.LowImportance},
	)
	r.d = dialog.NewCustomWithoutButtons("Reprocess images", container.NewVScroll(content), mw.Window)
	r.d.(*dialog.CustomDialog).SetButtons([]fyne.CanvasObject{
		&widget.Button{Text: "Cancel", Icon: theme.CancelIcon(), OnTapped: r.d.Hide},
		r.previewBtn,
	})
	r.d.Resize(fyne.NewSize(620, 600))
	r.d.Show()
	mw.reprocess = r
	if cur := mw.State.Reprocess(); cur != nil {
		r.setInputs(cur.Inputs)
	} else {
		r.onChanged(true)
	}
	return r
}

func (r *reprocessDialog) onAddFile() {
	d := dialog.NewFileOpen(func(f fyne.URIReadCloser, err error) {
		if err != nil || f == nil {
			return
		}
		f.Close()
		r.add(f.URI().Path())
	}, r.mw.Window)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".png", ".jpg", ".jpeg", ".webp"}))
	d.Show()
}

func (r *reprocessDialog) onAddFolder() {
	dialog.ShowFolderOpen(func(u fyne.ListableURI, err error) {
		if err != nil || u == nil {
			return
		}
		r.add(u.Path())
	}, r.mw.Window)
}

func (r *reprocessDialog) onClear() { r.setInputs(nil) }

// add adds an image file or folder to the inputs.
func (r *reprocessDialog) add(path string) { r.setInputs(append(slices.Clone(r.inputs), path)) }

// setInputs replaces the inputs, lists them and plans again.
func (r *reprocessDialog) setInputs(paths []string) {
	r.inputs = paths
	if len(paths) == 0 {
		r.inputList.SetText("No images chosen yet.")
	} else {
		names := make([]string, len(paths))
		for i, p := range paths {
			names[i] = filepath.Base(p)
		}
		r.inputList.SetText(oneLine(strings.Join(names, ", "), 600))
	}
	r.onChanged(true)
}

// source is the reprocess draft the dialog's choices make.
func (r *reprocessDialog) source() *controller.ReprocessSource {
	var stages []pipeline.StageType
	if r.img2img.Checked {
		stages = append(stages, pipeline.StageImg2Img)
	}
	if r.adetailer.Checked {
		stages = append(stages, pipeline.StageADetailer)
	}
	if r.upscale.Checked {
		stages = append(stages, pipeline.StageUpscale)
	}
	return &controller.ReprocessSource{Inputs: slices.Clone(r.inputs), Stages: stages, UseImagePrompt: r.ownPrompt.Checked}
}

// onChanged plans again, off the UI goroutine, whenever a choice changes:
// the same plan the preview will make (the State's snapshot with this
// draft), so the counts shown here are the preview's.
func (r *reprocessDialog) onChanged(bool) {
	r.plan = nil
	r.previewBtn.Disable()
	src := r.source()
	if len(src.Inputs) == 0 || len(src.Stages) == 0 {
		r.result.SetText("Choose images and at least one stage.")
		return
	}
	r.result.SetText("Planning…")
	req := r.mw.State.Snapshot()
	req.Source, req.Reprocess = pipeline.SourceReprocess, src
	var plan *controller.Plan
	r.mw.Bridge.Go("plan reprocess", func(ctx context.Context) error {
		var err error
		plan, err = r.mw.Services.Pipeline.Plan(ctx, req)
		return err
	}, func(err error) { r.planned(src, plan, err) })
}

// planned shows a finished plan, unless the choices changed meanwhile.
func (r *reprocessDialog) planned(src *controller.ReprocessSource, plan *controller.Plan, err error) {
	if !reflect.DeepEqual(src, r.source()) {
		return // a newer choice is being planned
	}
	var b strings.Builder
	if err != nil {
		fmt.Fprintf(&b, "Cannot plan: %v\n", err)
	}
	if plan != nil {
		if len(plan.Jobs) > 0 {
			fmt.Fprintf(&b, "%s: %s on each image.\n", plural(len(plan.Jobs), "job", "jobs"), plan.Jobs[0].Config.StageSummary())
		}
		for _, s := range plan.Skipped {
			fmt.Fprintf(&b, "Skipped %s\n", s.Error())
		}
	}
	r.result.SetText(strings.TrimSpace(b.String()))
	if err == nil && plan != nil && len(plan.Jobs) > 0 {
		r.plan = plan
		r.previewBtn.Enable()
	}
}

// onPreview makes the choices the draft: the preview plans them in place of
// the packs and Add to Queue queues exactly what it shows.
func (r *reprocessDialog) onPreview() {
	if r.plan == nil {
		return
	}
	r.mw.State.SetReprocess(r.source())
	r.d.Hide()
	if h := hubOf(r.mw); h.preview != nil && h.preview.tabs != nil {
		h.preview.tabs.Select(h.preview.tab)
	}
}
