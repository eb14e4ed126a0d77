package gui

import (
	"context"
	"fmt"
	"path/filepath"
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

// reprocessDialog queues stages (img2img, ADetailer, upscale) on images the
// user already has. It plans first and shows the result; Add to Queue then
// stores exactly the planned JobSpecs.
type reprocessDialog struct {
	mw        *MainWindow
	inputs    []string
	inputList *widget.Label
	img2img   *widget.Check
	adetailer *widget.Check
	upscale   *widget.Check
	ownPrompt *widget.Check
	result    *widget.Label
	queueBtn  *widget.Button
	plan      *controller.ReprocessPlan
	d         dialog.Dialog
}

// showReprocess opens the Reprocess images dialog.
func (mw *MainWindow) showReprocess() { mw.openReprocess() }

func (mw *MainWindow) openReprocess() *reprocessDialog {
	r := &reprocessDialog{mw: mw}
	r.inputList = &widget.Label{Text: "No images chosen yet.", Wrapping: fyne.TextWrapWord}
	r.img2img = &widget.Check{Text: "img2img (refine with the img2img card's settings)", OnChanged: r.onChanged}
	r.adetailer = &widget.Check{Text: "ADetailer (fix faces and hands with the ADetailer card's units)", OnChanged: r.onChanged}
	r.upscale = &widget.Check{Text: "Upscale (with the upscale card's settings)", Checked: true, OnChanged: r.onChanged}
	r.ownPrompt = &widget.Check{Text: "Use each image's own prompt and seed when it has them", Checked: true, OnChanged: r.onChanged}
	r.result = &widget.Label{Wrapping: fyne.TextWrapWord}
	r.queueBtn = &widget.Button{Text: "Add to Queue", Icon: theme.ContentAddIcon(), Importance: widget.HighImportance, OnTapped: r.onQueue}
	r.queueBtn.Disable()
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
	)
	r.d = dialog.NewCustomWithoutButtons("Reprocess images", container.NewVScroll(content), mw.Window)
	r.d.(*dialog.CustomDialog).SetButtons([]fyne.CanvasObject{
		&widget.Button{Text: "Close", Icon: theme.CancelIcon(), OnTapped: r.d.Hide},
		r.queueBtn,
	})
	r.d.Resize(fyne.NewSize(620, 560))
	r.d.Show()
	mw.reprocess = r
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

func (r *reprocessDialog) onClear() {
	r.inputs = nil
	r.inputList.SetText("No images chosen yet.")
	r.onChanged(true)
}

func (r *reprocessDialog) add(path string) {
	r.inputs = append(r.inputs, path)
	names := make([]string, len(r.inputs))
	for i, p := range r.inputs {
		names[i] = filepath.Base(p)
	}
	r.inputList.SetText(strings.Join(names, ", "))
	r.onChanged(true)
}

func (r *reprocessDialog) stages() []pipeline.StageType {
	var out []pipeline.StageType
	if r.img2img.Checked {
		out = append(out, pipeline.StageImg2Img)
	}
	if r.adetailer.Checked {
		out = append(out, pipeline.StageADetailer)
	}
	if r.upscale.Checked {
		out = append(out, pipeline.StageUpscale)
	}
	return out
}

// onChanged plans again, off the UI goroutine, whenever a choice changes.
func (r *reprocessDialog) onChanged(bool) {
	r.plan = nil
	r.queueBtn.Disable()
	if len(r.inputs) == 0 || len(r.stages()) == 0 {
		r.result.SetText("Choose images and at least one stage.")
		return
	}
	r.result.SetText("Planning…")
	req := controller.ReprocessRequest{Inputs: append([]string(nil), r.inputs...), Stages: r.stages(),
		Config: r.mw.State.Config(), UseImagePrompt: r.ownPrompt.Checked}
	var plan *controller.ReprocessPlan
	r.mw.Bridge.Go("plan reprocess", func(ctx context.Context) error {
		var err error
		plan, err = r.mw.Services.Pipeline.PlanReprocess(ctx, req)
		return err
	}, func(err error) { r.planned(req, plan, err) })
}

func (r *reprocessDialog) planned(req controller.ReprocessRequest, plan *controller.ReprocessPlan, err error) {
	if len(req.Inputs) != len(r.inputs) || fmt.Sprint(req.Stages) != fmt.Sprint(r.stages()) || req.UseImagePrompt != r.ownPrompt.Checked {
		return // a newer choice is being planned
	}
	var b strings.Builder
	if err != nil {
		fmt.Fprintf(&b, "Cannot plan: %v\n", err)
	}
	if plan != nil {
		if len(plan.Jobs) > 0 {
			fmt.Fprintf(&b, "%d jobs: %s on each image.\n", len(plan.Jobs), plan.Jobs[0].Config.StageSummary())
		}
		for _, s := range plan.Skipped {
			fmt.Fprintf(&b, "Skipped %s\n", s.Error())
		}
	}
	r.result.SetText(strings.TrimSpace(b.String()))
	if err == nil && plan != nil && len(plan.Jobs) > 0 {
		r.plan = plan
		r.queueBtn.Enable()
	}
}

// onQueue stores exactly the planned jobs.
func (r *reprocessDialog) onQueue() {
	plan := r.plan
	if plan == nil {
		return
	}
	r.queueBtn.Disable()
	r.mw.Bridge.Go("queue reprocess", func(context.Context) error {
		return r.mw.Services.Queue.Submit(plan.Jobs, false)
	}, func(err error) {
		if err != nil {
			r.result.SetText("Could not add the jobs to the queue: " + err.Error())
			r.queueBtn.Enable()
			return
		}
		r.result.SetText(fmt.Sprintf("Added %d jobs to the queue.", len(plan.Jobs)))
		r.plan = nil
	})
}
