package gui

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"stablenew/pipeline"
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
	ph.mw.State.SetOverrideEnabled(false)
	ph.mw.State.UpdateConfig(func(c *pipeline.PipelineConfig) {
		c.Batch.SeedMode, c.Txt2Img.Steps, c.Hires.Enabled = pipeline.SeedRandom, 20, false
	})
	before := ph.mw.State.Config()
	d := ph.h.drops
	d.onDropped(fyne.NewPos(5, 5), []fyne.URI{storage.NewFileURI(path)})
	ph.waitFor("the parameters", func() bool { return d.loaded != nil })
	c := ph.mw.State.Config()
	tx := c.Txt2Img
	if tx.Steps != 28 || tx.Sampler != "DPM++ 2M" || tx.Scheduler != "Automatic" || tx.CFGScale != 6.5 ||
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
	if d := pipeline.DiffConfigs(before, c, "prompt", "lora_strengths", "batch", "output", "randomizer"); len(d) > 0 {
		t.Errorf("a drop changed more than the stage settings: %v", d)
	}

	// The dialog: what changed, the notes, what was not applied.
	text := dialogText(t, ph.mw)
	for _, want := range []string{
		"Changed", "Txt2img steps: 20 → 28", "Txt2img sampler: " + before.Txt2Img.Sampler + " → DPM++ 2M", "Hires fix: off → on",
		"Txt2img seed: " + strconv.FormatInt(before.Txt2Img.Seed, 10) + " → 424242", "seed mode is random",
		"Not applied", "Prompt: prompts come from the prompt packs", "Lora hashes", "Version: v1.10.1",
		"override it (marked in the cards)",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the dialog lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "• Steps:") || strings.Contains(text, "• Sampler:") {
		t.Errorf("applied keys listed as not applied:\n%s", text)
	}
	if len(d.loaded.changes) == 0 || d.loaded.changes[0].Path != "txt2img.model" {
		t.Errorf("changes = %v", d.loaded.changes)
	}
	if ph.findButton("Copy prompt").Disabled() || ph.findButton("New pack from prompt").Disabled() {
		t.Error("the prompt buttons are off for an image with a prompt")
	}

	ph.tapButton("Undo")
	if got := ph.mw.State.Config(); !reflect.DeepEqual(got, before) {
		t.Errorf("Undo did not restore the configuration: %v", pipeline.DiffConfigs(before, got))
	}
	if ph.mw.Window.Canvas().Overlays().Top() != nil {
		t.Error("the dialog stayed open after Undo")
	}
}

// A second drop of the same image changes nothing, and says so.
func TestDropOfTheSameSettingsSaysNothingChanged(t *testing.T) {
	ph := newPanelHarness(t, harnessOptions{})
	path := infotextPNG(t, t.TempDir(), droppedParams)
	d := ph.h.drops
	d.onDropped(fyne.NewPos(5, 5), []fyne.URI{storage.NewFileURI(path)})
	ph.waitFor("the first load", func() bool { return d.loaded != nil })
	first := d.loaded
	ph.tapButton("Close")
	loaded := ph.mw.State.Config()
	d.onDropped(fyne.NewPos(5, 5), []fyne.URI{storage.NewFileURI(path)})
	ph.waitFor("the second load", func() bool { return d.loaded != first })
	if len(d.loaded.changes) != 0 {
		t.Errorf("changes = %v", d.loaded.changes)
	}
	if text := dialogText(t, ph.mw); !strings.Contains(text, "Nothing changed") {
		t.Errorf("the dialog does not say nothing changed:\n%s", text)
	}
	if !ph.findButton("Undo").Disabled() {
		t.Error("Undo is on with nothing to undo")
	}
	if got := ph.mw.State.Config(); !reflect.DeepEqual(got, loaded) {
		t.Errorf("the second drop changed %v", pipeline.DiffConfigs(loaded, got))
	}
}

func TestDropOnTheImg2ImgCardSetsTheInputImage(t *testing.T) {
	ph := newPanelHarness(t, harnessOptions{})
	path := infotextPNG(t, t.TempDir(), droppedParams)
	card := newCard("img2img", "", widget.NewLabel("input"))
	ph.mw.Window.SetContent(card)
	ph.mw.Window.Resize(fyne.NewSize(400, 300))
	d := ph.h.drops
	d.onDropped(fyne.NewPos(50, 50), []fyne.URI{storage.NewFileURI(path)})
	if got := ph.mw.State.Config().Img2Img.InputImage; got != path {
		t.Fatalf("input image = %q, want %q", got, path)
	}
	if d.loaded != nil {
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

// Several files, or a folder, dropped on the window open the Reprocess
// images dialog with them instead of loading settings.
func TestDropOfSeveralImagesOrAFolderOpensReprocess(t *testing.T) {
	ph := newPanelHarness(t, harnessOptions{})
	dir := t.TempDir()
	a := infotextPNG(t, dir, droppedParams)
	b := filepath.Join(dir, "second.png")
	data, err := os.ReadFile(a)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(b, data, 0o644); err != nil {
		t.Fatal(err)
	}
	d := ph.h.drops
	d.onDropped(fyne.NewPos(5, 5), []fyne.URI{storage.NewFileURI(a), storage.NewFileURI(b)})
	r := ph.mw.reprocess
	if r == nil || !reflect.DeepEqual(r.inputs, []string{a, b}) {
		t.Fatalf("two dropped images must open the reprocess dialog with both: %+v", r)
	}
	ph.waitFor("the reprocess plan", func() bool { return r.plan != nil })
	if len(r.plan.Jobs) != 2 {
		t.Fatalf("%d jobs planned, want 2", len(r.plan.Jobs))
	}
	r.d.Hide()
	ph.mw.reprocess = nil

	d.onDropped(fyne.NewPos(5, 5), []fyne.URI{storage.NewFileURI(dir)})
	ph.waitFor("the dialog for the folder", func() bool { return ph.mw.reprocess != nil })
	r = ph.mw.reprocess
	if !reflect.DeepEqual(r.inputs, []string{dir}) {
		t.Fatalf("inputs %v, want the folder", r.inputs)
	}
	ph.waitFor("the folder's plan", func() bool { return r.plan != nil && len(r.plan.Jobs) == 2 })
	if d.loaded != nil {
		t.Error("a drop of several images or a folder must not load settings")
	}
	if ph.mw.State.Reprocess() != nil {
		t.Error("the dialog alone must not change the draft")
	}
}

// A PNG cut short in its image data still loads its settings, and the
// dialog says what was damaged and that the rest was read.
func TestDropOfATruncatedPNGWarns(t *testing.T) {
	ph := newPanelHarness(t, harnessOptions{})
	path := infotextPNG(t, t.TempDir(), droppedParams)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cut := bytes.Index(data, []byte("IDAT")) + 6
	if err := os.WriteFile(path, data[:cut], 0o644); err != nil {
		t.Fatal(err)
	}
	d := ph.h.drops
	d.onDropped(fyne.NewPos(5, 5), []fyne.URI{storage.NewFileURI(path)})
	ph.waitFor("the parameters", func() bool { return d.loaded != nil })
	if got := ph.mw.State.Config().Txt2Img.Steps; got != 28 {
		t.Errorf("steps = %d, want the image's 28", got)
	}
	text := dialogText(t, ph.mw)
	for _, want := range []string{"Warning: the file is damaged", "IDAT chunk", "the parameters were read from the chunks before the damage"} {
		if !strings.Contains(text, want) {
			t.Errorf("the dialog lacks %q:\n%s", want, text)
		}
	}
}
