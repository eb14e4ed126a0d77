package gui

import (
	"context"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"stablenew/pipeline/infotext"
)

// inspectorImageSize is the longest side the inspector decodes images to.
const inspectorImageSize = 768

// imageInspector is a dialog that shows an output image beside its
// generation parameters, read from the file (infotext.ReadFile) off the UI
// goroutine.
type imageInspector struct {
	h *panelHub

	image  *canvas.Image
	title  *widget.Label
	prompt *widget.Label
	neg    *widget.Label
	params *fyne.Container
	pick   *widget.Select
	status *widget.Label
	dlg    dialog.Dialog
	paths  []string
	seq    int
}

func newImageInspector(h *panelHub) *imageInspector {
	return &imageInspector{h: h}
}

// inspected is what loading one image found.
type inspected struct {
	img  image.Image
	meta *infotext.Metadata
	err  error
}

// show opens the dialog on the first of paths (a chooser picks the others).
func (in *imageInspector) show(paths []string) {
	in.paths = paths
	in.image = &canvas.Image{FillMode: canvas.ImageFillContain}
	in.image.SetMinSize(fyne.NewSize(420, 420))
	in.title = &widget.Label{TextStyle: fyne.TextStyle{Bold: true}, Wrapping: fyne.TextWrapBreak}
	in.prompt = &widget.Label{Wrapping: fyne.TextWrapWord, Selectable: true}
	in.neg = &widget.Label{Wrapping: fyne.TextWrapWord, Selectable: true}
	in.params = container.New(layout.NewFormLayout())
	in.status = &widget.Label{Text: "Reading the image…", Importance: widget.LowImportance}
	names := make([]string, len(paths))
	for i, p := range paths {
		names[i] = fmt.Sprintf("%d. %s", i+1, filepath.Base(p))
	}
	in.pick = widget.NewSelect(names, in.onPick)
	if len(paths) < 2 {
		in.pick.Hide()
	}
	info := container.NewVBox(in.title, in.pick, in.status,
		widget.NewLabelWithStyle("Prompt", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), in.prompt,
		widget.NewLabelWithStyle("Negative prompt", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), in.neg,
		in.params)
	right := container.NewVScroll(info)
	right.SetMinSize(fyne.NewSize(380, 420))
	content := container.NewBorder(nil, nil, in.image, nil, right)
	in.dlg = dialog.NewCustom("Image inspector", "Close", content, in.h.mw.Window)
	in.dlg.Resize(fyne.NewSize(900, 560))
	in.dlg.Show()
	in.pick.SetSelectedIndex(0)
}

func (in *imageInspector) onPick(string) {
	i := in.pick.SelectedIndex()
	if i < 0 || i >= len(in.paths) {
		return
	}
	in.load(in.paths[i])
}

// load reads one image and its parameters in the background.
func (in *imageInspector) load(path string) {
	in.seq++
	seq := in.seq
	in.title.SetText(path)
	in.status.SetText("Reading the image…")
	var res inspected
	in.h.goWork("inspecting "+path, func(context.Context) error {
		res = inspectFile(path)
		return nil
	}, func(error) {
		if seq == in.seq {
			in.showResult(&res)
		}
	})
}

// inspectFile decodes an image (shrunk for display) and reads its
// parameters. It reads the file: never on the UI goroutine.
func inspectFile(path string) inspected {
	var res inspected
	if f, err := os.Open(path); err == nil {
		if src, _, err := image.Decode(f); err == nil {
			res.img = shrink(src, inspectorImageSize)
		}
		f.Close()
	}
	res.meta, res.err = infotext.ReadFile(path)
	return res
}

// showResult fills the dialog.
func (in *imageInspector) showResult(res *inspected) {
	in.image.Image = res.img
	in.image.Refresh()
	in.params.RemoveAll()
	if res.err != nil {
		in.status.SetText("No parameters: " + res.err.Error())
		in.prompt.SetText("")
		in.neg.SetText("")
		return
	}
	p := res.meta.Params
	in.status.SetText("Parameters from " + res.meta.Source)
	in.prompt.SetText(p.Prompt)
	in.neg.SetText(p.Negative)
	for _, kv := range p.Pairs {
		in.params.Add(&widget.Label{Text: kv.Key, TextStyle: fyne.TextStyle{Bold: true}})
		in.params.Add(&widget.Label{Text: kv.Value, Wrapping: fyne.TextWrapWord, Selectable: true})
	}
	if sn := res.meta.StableNew; sn != nil {
		in.params.Add(&widget.Label{Text: "StableNew", TextStyle: fyne.TextStyle{Bold: true}})
		in.params.Add(&widget.Label{Text: stableNewText(res.meta), Wrapping: fyne.TextWrapWord, Selectable: true})
	}
	if len(p.Warnings) > 0 {
		in.params.Add(&widget.Label{Text: "Warnings", TextStyle: fyne.TextStyle{Bold: true}})
		in.params.Add(&widget.Label{Text: strings.Join(p.Warnings, "\n"), Wrapping: fyne.TextWrapWord, Importance: widget.WarningImportance})
	}
	in.params.Refresh()
}

// stableNewText summarises the StableNew chunk of an image: job, stage,
// seeds, template and randomizer picks.
func stableNewText(m *infotext.Metadata) string {
	c := m.StableNew
	lines := []string{
		fmt.Sprintf("job %s · %s #%d · stage %s", c.JobID, c.Pack, c.PromptIndex+1, c.Stage),
		fmt.Sprintf("seed requested %d, actual %d", c.SeedRequested, c.SeedActual),
	}
	if c.Template != "" {
		lines = append(lines, "template: "+c.Template)
	}
	keys := make([]string, 0, len(c.Picks))
	for k := range c.Picks {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		lines = append(lines, k+" = "+c.Picks[k])
	}
	return strings.Join(lines, "\n")
}
