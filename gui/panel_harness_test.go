package gui

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"stablenew/app"
	"stablenew/pipeline"
)

// panelHarness is a window with only the run panels, the status bar and the
// log panel, over real services in a temporary data folder (demo WebUI by
// default). Its Bridge is queued: background results reach the widgets
// only when the test goroutine drains it, so -race stays clean.
type panelHarness struct {
	t   testing.TB
	mw  *MainWindow
	h   *panelHub
	svc *app.Services
	dir string
}

// harnessOptions tune newPanelHarness.
type harnessOptions struct {
	// urls replaces the demo WebUI with these backends.
	urls []string
	// start runs the services (monitors and queue workers).
	start bool
	// rows is the number of prompt rows of the test pack "gui_test".
	rows int
	// steps per job of the test pack.
	steps int
	// settings are extra settings (launcher).
	settings *app.Settings
}

// newPanelHarness builds the panels over fresh services.
func newPanelHarness(t testing.TB, o harnessOptions) *panelHarness {
	t.Helper()
	a := test.NewTempApp(t)
	dir := t.TempDir()
	if o.rows == 0 {
		o.rows = 3
	}
	if o.steps == 0 {
		o.steps = 4
	}
	writeTestPack(t, dir, "gui_test", o.rows, o.steps)
	if o.settings != nil {
		if err := app.SaveSettings(dir, *o.settings); err != nil {
			t.Fatal(err)
		}
	}
	logs := app.NewLogBuffer(0)
	log := slog.New(logs.Handler(quietHandler{slog.NewTextHandler(testWriter{t}, nil)}))
	svc, err := app.Open(app.OpenOptions{DataDir: dir, Demo: o.urls == nil, WebUIURLs: o.urls, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	bridge := NewQueuedBridge(log)
	st := app.NewState(pipeline.Defaults(), "")
	st.SetScheduler(bridge.Do)
	mw := &MainWindow{App: a, Services: svc, State: st, Bridge: bridge, Log: log, Logs: logs,
		keys: newShortcuts(), backendStates: map[*app.Backend]app.ConnectionState{}}
	mw.Window = a.NewWindow("panels")
	right := NewRightColumn(mw)
	bar, pane := NewLogPanel(mw)
	bottom := container.NewVBox(bar, NewStatusBar(mw))
	mw.Window.SetContent(container.NewBorder(nil, bottom, nil, nil, container.NewVSplit(right, pane)))
	mw.Window.Resize(fyne.NewSize(700, 1000))
	ph := &panelHarness{t: t, mw: mw, h: hubOf(mw), svc: svc, dir: dir}
	t.Cleanup(func() {
		bridge.Close()
		ph.h.preview.debounce.Stop()
		// Unsubscribe before the queue closes: JobService's unsubscribe
		// panics after Close (close of a closed channel).
		forgetHub(mw)
		_ = svc.Close()
		bridge.Drain()
	})
	if o.start {
		ph.startServices()
	}
	return ph
}

// startServices runs the monitors and workers, with connection changes
// reaching the status bar through the Bridge like in the real window.
func (ph *panelHarness) startServices() {
	mw := ph.mw
	err := ph.svc.Start(func(b *app.Backend, s app.ConnectionState, err error) {
		mw.Bridge.Do(func() {
			for _, fn := range mw.backendListeners {
				fn(b, s, err)
			}
		})
	})
	if err != nil {
		ph.t.Fatal(err)
	}
}

// quietHandler records Info and above in the log ring but prints only
// warnings and errors to the test log.
type quietHandler struct{ slog.Handler }

func (h quietHandler) Handle(ctx context.Context, r slog.Record) error {
	if r.Level < slog.LevelWarn {
		return nil
	}
	return h.Handler.Handle(ctx, r)
}

func (h quietHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return quietHandler{h.Handler.WithAttrs(as)}
}

func (h quietHandler) WithGroup(name string) slog.Handler {
	return quietHandler{h.Handler.WithGroup(name)}
}

// testWriter sends warnings of the services to the test log.
type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// writeTestPack writes a pack with rows prompt rows and a sidecar that
// makes fast jobs on the demo WebUI: txt2img only, 512², few steps.
func writeTestPack(t testing.TB, dir, id string, rows, steps int) {
	t.Helper()
	packDir := filepath.Join(dir, "packs")
	if err := os.MkdirAll(packDir, 0o755); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for i := 0; i < rows; i++ {
		fmt.Fprintf(&b, "a lighthouse number %d on a cliff, soft light\nneg: blurry %d\n\n", i+1, i+1)
	}
	if err := os.WriteFile(filepath.Join(packDir, id+".txt"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	sidecar := fmt.Sprintf(`txt2img:
  model: v1-5-pruned-emaonly.safetensors [6ce0161689]
  sampler_name: Euler a
  scheduler: Normal
  steps: %d
  width: 512
  height: 512
  seed: 100
hires:
  enabled: false
refiner:
  enabled: false
adetailer:
  enabled: false
upscale:
  enabled: false
img2img:
  enabled: false
`, steps)
	if err := os.WriteFile(filepath.Join(packDir, id+".yaml"), []byte(sidecar), 0o644); err != nil {
		t.Fatal(err)
	}
}

// settle runs queued UI work until cond holds, or fails after timeout.
func (ph *panelHarness) waitFor(what string, cond func() bool) {
	ph.t.Helper()
	ph.waitForWithin(20*time.Second, what, cond)
}

func (ph *panelHarness) waitForWithin(timeout time.Duration, what string, cond func() bool) {
	ph.t.Helper()
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for {
		ph.mw.Bridge.Drain()
		if cond() {
			return
		}
		if time.Now().After(deadline) {
			ph.t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		<-tick.C
	}
}

// selectPack selects the test pack and waits for its preview.
func (ph *panelHarness) selectPack(ids ...string) *planResult {
	ph.t.Helper()
	if len(ids) == 0 {
		ids = []string{"gui_test"}
	}
	ph.mw.State.SetPacks(ids)
	return ph.waitPreview()
}

// waitPreview waits until the preview shows a plan for the current inputs.
func (ph *panelHarness) waitPreview() *planResult {
	ph.t.Helper()
	p := ph.h.preview
	ph.waitFor("the preview", func() bool { return !p.building && p.result != nil && p.result.gen == p.gen })
	return p.result
}

// queued returns the queued job ids in order, from JobService.
func (ph *panelHarness) queued() []string {
	ph.t.Helper()
	items, err := ph.svc.Queue.List()
	if err != nil {
		ph.t.Fatal(err)
	}
	var ids []string
	for _, it := range items {
		if it.Status == "queued" {
			ids = append(ids, it.JobID)
		}
	}
	return ids
}

// panelIDs returns the job ids the queue panel lists, in order.
func (ph *panelHarness) panelIDs() []string {
	var ids []string
	for _, it := range ph.h.queue.items {
		ids = append(ids, it.JobID)
	}
	return ids
}

// tapButton taps a button found by its text in the window or its overlays.
func (ph *panelHarness) tapButton(text string) {
	ph.t.Helper()
	b := ph.findButton(text)
	if b == nil {
		ph.t.Fatalf("no button %q on screen", text)
	}
	test.Tap(b)
}

// findButton looks for a visible button with the text, overlays first.
func (ph *panelHarness) findButton(text string) *widget.Button {
	c := ph.mw.Window.Canvas()
	var roots []fyne.CanvasObject
	if top := c.Overlays().Top(); top != nil {
		roots = append(roots, top)
	}
	roots = append(roots, c.Content())
	for _, r := range roots {
		var found *widget.Button
		walkRendered(r, func(o fyne.CanvasObject) bool {
			if b, ok := o.(*widget.Button); ok && b.Text == text && b.Visible() {
				found = b
				return true
			}
			return false
		})
		if found != nil {
			return found
		}
	}
	return nil
}

// walkRendered visits o and everything rendered under it until visit
// returns true.
func walkRendered(o fyne.CanvasObject, visit func(fyne.CanvasObject) bool) bool {
	if o == nil {
		return false
	}
	if visit(o) {
		return true
	}
	var children []fyne.CanvasObject
	switch c := o.(type) {
	case *fyne.Container:
		children = c.Objects
	case fyne.Widget:
		children = test.WidgetRenderer(c).Objects()
	}
	for _, ch := range children {
		if walkRendered(ch, visit) {
			return true
		}
	}
	return false
}
