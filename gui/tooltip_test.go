package gui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"stablenew/pipeline"
)

// setTooltipDelay sets tooltipDelay for one test.
func setTooltipDelay(t testing.TB, d time.Duration) {
	t.Helper()
	old := tooltipDelay
	tooltipDelay = d
	t.Cleanup(func() { tooltipDelay = old })
}

// tipWindow is a small test window with a tip layer, tooltips over a
// queued bridge, a button with a tooltip and a label without one.
type tipWindow struct {
	w      fyne.Window
	bridge *Bridge
	tips   *tooltips
	button *widget.Button
	other  *widget.Label
	taps   int
}

// newTipWindow builds a tipWindow whose button's tooltip is text; the
// delay is 0 unless the test sets another after.
func newTipWindow(t testing.TB, text string) *tipWindow {
	t.Helper()
	test.NewTempApp(t)
	setTooltipDelay(t, 0)
	tw := &tipWindow{bridge: NewQueuedBridge(nil)}
	tw.w = test.NewWindow(nil)
	tw.tips = newTooltips(tw.w.Canvas(), tw.bridge.Do)
	tw.button = &widget.Button{Text: "Go", Importance: widget.LowImportance, OnTapped: func() { tw.taps++ }}
	tw.other = widget.NewLabel("elsewhere")
	content := container.NewVBox(container.NewHBox(tw.tips.wrap(tw.button, text)), tw.other)
	tw.w.SetContent(withTooltipLayer(content))
	tw.w.Resize(fyne.NewSize(400, 300))
	t.Cleanup(func() {
		tw.tips.close()
		tw.bridge.Close()
		tw.bridge.Drain()
		tw.w.Close()
	})
	return tw
}

// center is the middle of o on the canvas.
func center(o fyne.CanvasObject) fyne.Position {
	p := fyne.CurrentApp().Driver().AbsolutePositionForObject(o)
	return p.Add(fyne.NewPos(o.Size().Width/2, o.Size().Height/2))
}

// layerOf returns the tip layer of a root (the window's content or a
// dialog's pop-up).
func layerOf(t testing.TB, root fyne.CanvasObject) *tipLayer {
	t.Helper()
	l := findTipLayer(root, tooltipLayerDepth)
	if l == nil {
		t.Fatal("no tip layer")
	}
	return l
}

// waitForTip drains b until layer shows a tip, and returns it.
func waitForTip(t testing.TB, b *Bridge, layer *tipLayer) *tipBox {
	t.Helper()
	deadline := time.Now().Add(settleTimeout)
	for {
		b.Drain()
		if layer.tip != nil {
			return layer.tip
		}
		if time.Now().After(deadline) {
			t.Fatal("timed out waiting for the tooltip")
		}
		waitTick()
	}
}

// queued is the number of deliveries waiting in a queued bridge.
func queued(b *Bridge) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.queued)
}

// catcherOf returns the catcher stacked on obj under root.
func catcherOf(t testing.TB, root, obj fyne.CanvasObject) *tipCatcher {
	t.Helper()
	return find(t, root, "tooltip catcher", func(c *tipCatcher) bool { return c.obj == obj })
}

// tipRect is a tip's position and size on the canvas.
func tipRect(tip *tipBox) (fyne.Position, fyne.Size) {
	return fyne.CurrentApp().Driver().AbsolutePositionForObject(tip), tip.Size()
}

// insideCanvas fails unless the tip lies inside canvas c.
func insideCanvas(t testing.TB, c fyne.Canvas, tip *tipBox) {
	t.Helper()
	p, s := tipRect(tip)
	win := c.Size()
	if p.X < 0 || p.Y < 0 || p.X+s.Width > win.Width || p.Y+s.Height > win.Height || s.Width == 0 || s.Height == 0 {
		t.Errorf("tip at %v size %v is not inside the window %v", p, s, win)
	}
}

func TestTooltipShowsBelowAfterTheDelayAndHidesOnMouseOut(t *testing.T) {
	tw := newTipWindow(t, "Do it now (Ctrl+G)")
	c := tw.w.Canvas()
	layer := layerOf(t, c.Content())

	test.MoveMouse(c, center(tw.button))
	tip := waitForTip(t, tw.bridge, layer)
	if tip.text != "Do it now (Ctrl+G)" {
		t.Errorf("tip says %q", tip.text)
	}
	// Just below the button, from its left edge (kept a padding away from
	// the window's), inside the window.
	p, _ := tipRect(tip)
	b := fyne.CurrentApp().Driver().AbsolutePositionForObject(tw.button)
	if below := b.Y + tw.button.Size().Height; p.Y < below || p.Y > below+2*theme.Padding() || p.X != max(b.X, theme.Padding()) {
		t.Errorf("tip at %v; the button is at %v, %v high", p, b, tw.button.Size().Height)
	}
	insideCanvas(t, c, tip)

	test.MoveMouse(c, center(tw.other))
	if layer.tip != nil {
		t.Error("the tip stayed after the pointer left")
	}
	if len(tw.tips.active) != 0 {
		t.Errorf("%d tooltips still active", len(tw.tips.active))
	}
}

func TestTooltipWaitsForTheDelayAndStopsItsTimer(t *testing.T) {
	tw := newTipWindow(t, "later")
	setTooltipDelay(t, time.Hour)
	c := tw.w.Canvas()
	catcher := catcherOf(t, c.Content(), tw.button)

	test.MoveMouse(c, center(tw.button))
	tw.bridge.Drain()
	if layerOf(t, c.Content()).tip != nil {
		t.Fatal("the tip showed before the delay")
	}
	if catcher.timer == nil || len(tw.tips.active) != 1 {
		t.Fatalf("no timer running: %v, %d active", catcher.timer, len(tw.tips.active))
	}
	test.MoveMouse(c, center(tw.other))
	if catcher.timer != nil || len(tw.tips.active) != 0 {
		t.Errorf("MouseOut left the timer running: %v, %d active", catcher.timer, len(tw.tips.active))
	}

	// Closing the window's tooltips stops a pending timer, and later
	// hovers start none.
	test.MoveMouse(c, center(tw.button))
	tw.tips.close()
	if catcher.timer != nil || len(tw.tips.active) != 0 {
		t.Errorf("close left the timer running: %v, %d active", catcher.timer, len(tw.tips.active))
	}
	test.MoveMouse(c, center(tw.other))
	test.MoveMouse(c, center(tw.button))
	if catcher.timer != nil {
		t.Error("a hover after close started a timer")
	}
}

func TestTooltipOfAnOldHoverIsDropped(t *testing.T) {
	tw := newTipWindow(t, "stale")
	c := tw.w.Canvas()
	test.MoveMouse(c, center(tw.button))
	// The timer has fired and handed its show to the bridge; the pointer
	// leaves before the UI goroutine runs it.
	deadline := time.Now().Add(settleTimeout)
	for queued(tw.bridge) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the timer did not fire")
		}
		waitTick()
	}
	test.MoveMouse(c, center(tw.other))
	if n := tw.bridge.Drain(); n != 1 {
		t.Errorf("%d deliveries ran, want 1", n)
	}
	if layerOf(t, c.Content()).tip != nil {
		t.Error("the old hover's tip showed")
	}
}

func TestTooltipLetsTapsFocusAndKeysThrough(t *testing.T) {
	tw := newTipWindow(t, "tap me")
	c := tw.w.Canvas()
	layer := layerOf(t, c.Content())
	catcher := catcherOf(t, c.Content(), tw.button)
	var o fyne.CanvasObject = catcher
	if _, ok := o.(fyne.Tappable); ok {
		t.Error("the catcher is tappable")
	}
	if _, ok := o.(fyne.SecondaryTappable); ok {
		t.Error("the catcher is secondary-tappable")
	}
	if _, ok := o.(fyne.Focusable); ok {
		t.Error("the catcher is focusable")
	}
	if _, ok := o.(desktop.Mouseable); ok {
		t.Error("the catcher is mouseable")
	}

	test.MoveMouse(c, center(tw.button))
	waitForTip(t, tw.bridge, layer)
	// A tap on the canvas goes to the topmost tappable: the button.
	test.TapCanvas(c, center(tw.button))
	if tw.taps != 1 {
		t.Fatalf("the tap through the catcher fired OnTapped %d times", tw.taps)
	}
	if layer.tip != nil {
		t.Error("the tip stayed after the tap")
	}
	// It does not come back while the pointer stays.
	test.MoveMouse(c, center(tw.button).Add(fyne.NewPos(1, 0)))
	tw.bridge.Drain()
	if layer.tip != nil || catcher.timer != nil {
		t.Error("the tip came back after the tap without the pointer leaving")
	}

	// Focus and keys reach the button too.
	c.FocusNext()
	if c.Focused() != tw.button {
		t.Fatalf("focus went to %T, want the button", c.Focused())
	}
	tw.button.TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
	if tw.taps != 2 {
		t.Errorf("space on the focused button: %d taps, want 2", tw.taps)
	}
}

func TestTooltipKeepsTheButtonHoverHighlight(t *testing.T) {
	tw := newTipWindow(t, "hover")
	c := tw.w.Canvas()
	bg := find(t, tw.button, "the button's background", func(*canvas.Rectangle) bool { return true })
	before := bg.FillColor
	test.MoveMouse(c, center(tw.button))
	if bg.FillColor == before {
		t.Fatalf("the button did not get MouseIn: background still %v", bg.FillColor)
	}
	test.MoveMouse(c, center(tw.other))
	if bg.FillColor != before {
		t.Errorf("the button did not get MouseOut: background %v, want %v", bg.FillColor, before)
	}
}

// hoverSpy is a hoverable object that counts the events it gets.
type hoverSpy struct {
	widget.Label
	in, moved, out int
}

func (s *hoverSpy) MouseIn(*desktop.MouseEvent)    { s.in++ }
func (s *hoverSpy) MouseMoved(*desktop.MouseEvent) { s.moved++ }
func (s *hoverSpy) MouseOut()                      { s.out++ }

func TestTooltipForwardsHoverEvents(t *testing.T) {
	tw := newTipWindow(t, "unused")
	spy := &hoverSpy{Label: widget.Label{Text: "spy"}}
	spy.ExtendBaseWidget(spy)
	tw.w.SetContent(withTooltipLayer(container.NewVBox(tw.tips.wrap(spy, "a label"), tw.other)))
	c := tw.w.Canvas()
	test.MoveMouse(c, center(spy))
	test.MoveMouse(c, center(spy).Add(fyne.NewPos(1, 0)))
	test.MoveMouse(c, center(tw.other))
	if spy.in != 1 || spy.moved != 1 || spy.out != 1 {
		t.Errorf("in %d, moved %d, out %d; want 1 each", spy.in, spy.moved, spy.out)
	}
}

func TestTooltipStaysInsideTheWindow(t *testing.T) {
	tw := newTipWindow(t, "unused")
	// A button at the bottom right corner: its tip goes above it and moves
	// left to stay inside the window.
	corner := &widget.Button{Text: "x"}
	tip := "a tooltip much wider than the little button it explains"
	bottom := container.NewHBox(layout.NewSpacer(), tw.tips.wrap(corner, tip))
	tw.w.SetContent(withTooltipLayer(container.NewBorder(nil, bottom, nil, nil, tw.other)))
	c := tw.w.Canvas()
	test.MoveMouse(c, center(corner))
	shown := waitForTip(t, tw.bridge, layerOf(t, c.Content()))
	insideCanvas(t, c, shown)
	p, s := tipRect(shown)
	b := fyne.CurrentApp().Driver().AbsolutePositionForObject(corner)
	if p.Y+s.Height > b.Y || p.X >= b.X {
		t.Errorf("tip at %v size %v is not above and left of the button at %v", p, s, b)
	}
}

func TestTooltipNeedsALayer(t *testing.T) {
	tw := newTipWindow(t, "nowhere")
	tw.w.SetContent(container.NewVBox(tw.tips.wrap(&widget.Button{Text: "bare"}, "no layer"), tw.other))
	c := tw.w.Canvas()
	bare := findButton(t, c.Content(), "bare")
	test.MoveMouse(c, center(bare))
	deadline := time.Now().Add(settleTimeout)
	for tw.bridge.Drain() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the timer did not fire")
		}
		waitTick()
	}
	if len(tw.tips.active) != 0 {
		t.Error("a tooltip with nowhere to show stayed active")
	}
}

func TestMainWindowTooltips(t *testing.T) {
	setTooltipDelay(t, 0)
	mw := newTestWindow(t)
	c := mw.Window.Canvas()
	layer := layerOf(t, c.Content())
	cases := []struct{ button, want string }{
		{"Add to Queue", "(" + labelAddToQueue + ")"},
		{"Run Now", "(" + labelRunNow + ")"},
		{"Pause Queue", "(" + labelPause + ")"},
		{"Refresh (" + labelRefresh + ")", "(" + labelRefresh + ")"},
		{"Restore last run", "last queued run"},
		{"Reprocess images…", "images you already have"},
		{"Settings", "output folder"},
	}
	for _, tc := range cases {
		b := findButton(t, c.Content(), tc.button)
		test.MoveMouse(c, center(b))
		waitFor(t, mw, "the tooltip of "+tc.button, func() bool { return layer.tip != nil })
		if !strings.Contains(layer.tip.text, tc.want) {
			t.Errorf("%s: tip %q, want %q in it", tc.button, layer.tip.text, tc.want)
		}
		insideCanvas(t, c, layer.tip)
		test.MoveMouse(c, fyne.NewPos(c.Size().Width/2, c.Size().Height-2))
		if layer.tip != nil {
			t.Errorf("%s: the tip stayed after the pointer left", tc.button)
		}
	}

	// Every icon-only button has a tooltip, also those of prompt rows and
	// LoRAs added later (the Prompt tab's rows once it is built, on first view).
	mw.tabs.SelectIndex(1)
	mw.promptTab.onAddRow()
	mw.State.UpdateConfig(func(c *pipeline.PipelineConfig) {
		c.LoRAs = append(c.LoRAs, pipeline.LoRAStrength{Name: "detail", Strength: 1, Enabled: true})
	})
	settle(t, mw)
	tipped := map[fyne.CanvasObject]string{}
	walk(c.Content(), func(o fyne.CanvasObject) bool {
		if x, ok := o.(*tipCatcher); ok {
			tipped[x.obj] = x.text
		}
		return true
	})
	texts := map[string]bool{}
	walk(c.Content(), func(o fyne.CanvasObject) bool {
		if b, ok := o.(*widget.Button); ok && b.Text == "" && b.Icon != nil {
			if tipped[b] == "" {
				t.Errorf("an icon-only button (icon %s) has no tooltip", b.Icon.Name())
			}
			texts[tipped[b]] = true
		}
		return true
	})
	for _, want := range []string{"Choose the input image…", "Reload the history", "Delete this row", "Remove this LoRA",
		"Choose the output folder…", "Show this pack's prompts", "Draw a new random seed"} {
		if !texts[want] {
			t.Errorf("no icon-only button says %q; they say %v", want, texts)
		}
	}

	// Closing the window stops a pending timer.
	setTooltipDelay(t, time.Hour)
	test.MoveMouse(c, center(findButton(t, c.Content(), "Run Now")))
	if len(mw.tips.active) != 1 {
		t.Fatalf("%d tooltips active while hovering", len(mw.tips.active))
	}
	mw.close()
	if len(mw.tips.active) != 0 || !mw.tips.closed {
		t.Errorf("after close: %d active, closed %v", len(mw.tips.active), mw.tips.closed)
	}
}

func TestSettingsDialogTooltips(t *testing.T) {
	setTooltipDelay(t, 0)
	mw := newTestWindow(t)
	mw.onSettings()
	settle(t, mw)
	c := mw.Window.Canvas()
	dlg := topDialog(t, mw)
	layer := layerOf(t, dlg)
	var folders []*widget.Button
	walk(dlg, func(o fyne.CanvasObject) bool {
		if b, ok := o.(*widget.Button); ok && b.Icon != nil && b.Icon.Name() == theme.FolderOpenIcon().Name() {
			folders = append(folders, b)
		}
		return true
	})
	if len(folders) != 2 {
		t.Fatalf("%d folder buttons in the settings dialog, want 2", len(folders))
	}
	for _, b := range folders {
		test.MoveMouse(c, center(b))
		waitFor(t, mw, "a folder button's tooltip", func() bool { return layer.tip != nil })
		if !strings.HasPrefix(layer.tip.text, "Choose the ") {
			t.Errorf("tip %q", layer.tip.text)
		}
		insideCanvas(t, c, layer.tip)
		if layerOf(t, c.Content()).tip != nil {
			t.Error("the tip showed in the window's layer, under the dialog")
		}
		test.MoveMouse(c, fyne.NewPos(1, 1))
	}
}
