package gui

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"stablenew/pipeline/output"
)

// infotextPNG writes a small PNG with an A1111 "parameters" chunk.
func infotextPNG(t *testing.T, dir, params string) string {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 8, 8))
	img.Set(1, 1, color.White)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	data, err := output.AddPNGText(buf.Bytes(), []output.TextChunk{{Keyword: "parameters", Text: params}})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "dropped.png")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

const droppedParams = `a castle on a hill, dramatic sky
Negative prompt: blurry, lowres
Steps: 28, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 6.5, Seed: 424242, Size: 832x1216, Model hash: 31e35c80fc, Model: sd_xl_base_1.0, Denoising strength: 0.35, Clip skip: 2, Hires upscale: 1.5, Hires steps: 12, Hires upscaler: 4x-UltraSharp, Refiner: sd_xl_refiner_1.0 [7440042bbd], Refiner switch at: 0.75, Lora hashes: "film: abc123", Version: v1.10.1`

func TestDropLoadsParametersWithUndo(t *testing.T) {
	ph := newPanelHarness(t, harnessOptions{})
	path := infotextPNG(t, t.TempDir(), droppedParams)
	before := ph.mw.State.Config()
	d := ph.h.drops
	d.onDropped(fyne.NewPos(5, 5), []fyne.URI{storage.NewFileURI(path)})
	ph.waitFor("the parameters", func() bool { return d.report != nil })
	c := ph.mw.State.Config()
	tx := c.Txt2Img
	if tx.Steps != 28 || tx.Sampler != "DPM++ 2M" || tx.Scheduler != "Karras" || tx.CFGScale != 6.5 ||
		tx.Seed != 424242 || tx.Width != 832 || tx.Height != 1216 || tx.ClipSkip != 2 {
		t.Errorf("txt2img = %+v", tx)
	}
	if tx.Model != "sd_xl_base_1.0" {
		t.Errorf("model = %q (offline: the name as written)", tx.Model)
	}
	if !c.Hires.Enabled || c.Hires.Scale != 1.5 || c.Hires.Steps != 12 || c.Hires.Upscaler != "4x-UltraSharp" || c.Hires.Denoise != 0.35 {
		t.Errorf("hires = %+v", c.Hires)
	}
	if !c.Refiner.Enabled || c.Refiner.SwitchAt != 0.75 || !strings.HasPrefix(c.Refiner.Checkpoint, "sd_xl_refiner_1.0") {
		t.Errorf("refiner = %+v", c.Refiner)
	}
	if c.Batch != before.Batch || c.Prompt != before.Prompt {
		t.Error("a drop changed more than the stage settings")
	}
	skipped := strings.Join(d.report.Skipped, "\n")
	for _, want := range []string{"Prompt:", "Lora hashes"} {
		if !strings.Contains(skipped, want) {
			t.Errorf("not-applied list lacks %q:\n%s", want, skipped)
		}
	}
	if strings.Contains(skipped, "Steps") || strings.Contains(skipped, "Version") {
		t.Errorf("applied keys listed as not applied:\n%s", skipped)
	}
	ph.tapButton("Undo")
	if got := ph.mw.State.Config(); got.Txt2Img != before.Txt2Img || got.Hires != before.Hires || got.Refiner != before.Refiner {
		t.Error("Undo did not restore the settings")
	}
}

func TestDropOnTheImg2ImgCardSetsTheInputImage(t *testing.T) {
	ph := newPanelHarness(t, harnessOptions{})
	path := infotextPNG(t, t.TempDir(), droppedParams)
	card := widget.NewCard("img2img", "", widget.NewLabel("input"))
	ph.mw.Window.SetContent(card)
	ph.mw.Window.Resize(fyne.NewSize(400, 300))
	d := ph.h.drops
	d.onDropped(fyne.NewPos(50, 50), []fyne.URI{storage.NewFileURI(path)})
	if got := ph.mw.State.Config().Img2Img.InputImage; got != path {
		t.Fatalf("input image = %q, want %q", got, path)
	}
	if d.report != nil {
		t.Error("a drop on the card also loaded the parameters")
	}

	// A registered target wins.
	var got string
	ph.mw.AddDropTarget(card, func(p string) { got = p })
	d.onDropped(fyne.NewPos(50, 50), []fyne.URI{storage.NewFileURI(path)})
	if got != path {
		t.Errorf("the drop target got %q", got)
	}
}
