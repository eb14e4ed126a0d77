package gui

import (
	"context"
	"io"
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
	"stablenew/pipeline/resources"
)

// settleTimeout bounds every wait of a test.
const settleTimeout = 20 * time.Second

// newTestWindow builds the main window on a test app over a temporary data
// folder in demo mode, with a queued bridge (deliveries run on the test
// goroutine in settle), sized 1400×850, with packs and presets loaded.
func newTestWindow(t testing.TB) *MainWindow {
	t.Helper()
	return newTestWindowIn(t, t.TempDir())
}

// newTestWindowIn is newTestWindow over a given data folder.
func newTestWindowIn(t testing.TB, dataDir string) *MainWindow {
	t.Helper()
	return newTestWindowWith(t, app.OpenOptions{DataDir: dataDir, Demo: true})
}

// newTestWindowWith is newTestWindow over services opened with opts (quiet
// logs unless opts has a logger).
func newTestWindowWith(t testing.TB, opts app.OpenOptions) *MainWindow {
	t.Helper()
	a := test.NewTempApp(t)
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
		opts.Logger = log
	}
	svc, err := app.Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = svc.Close() })
	st := svc.OpenState()
	mw := newMainWindow(svc, st, a, NewQueuedBridge(log))
	mw.Window.Resize(defaultWindowSize)
	t.Cleanup(func() {
		mw.close()
		_ = mw.Bridge.Settle(settleTimeout)
	})
	settle(t, mw)
	return mw
}

// settle runs the queued deliveries until the window is idle.
func settle(t testing.TB, mw *MainWindow) {
	t.Helper()
	if err := mw.Bridge.Settle(settleTimeout); err != nil {
		t.Fatal(err)
	}
}

// waitFor settles and checks cond until it holds or the deadline passes
// (for work that runs on timers, such as the debounced counts).
func waitFor(t testing.TB, mw *MainWindow, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(settleTimeout)
	for {
		settle(t, mw)
		if cond() {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		// Let timer goroutines run; Settle returns at once when idle.
		waitTick()
	}
}

// waitTick gives timer goroutines a millisecond.
func waitTick() { <-time.After(time.Millisecond) }

// demoResources asks the demo WebUI for its lists.
func demoResources(t testing.TB, mw *MainWindow) *resources.Lists {
	t.Helper()
	res, err := mw.Services.Backends[0].Resources.Refresh(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// writeFile writes a test file, creating its folder.
func writeFile(path, content string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(content), 0o644)
}

// walk visits o and everything inside it (containers, widget renderers),
// stopping early when fn returns false.
func walk(o fyne.CanvasObject, fn func(fyne.CanvasObject) bool) bool {
	if o == nil {
		return true
	}
	if !fn(o) {
		return false
	}
	switch x := o.(type) {
	case *fyne.Container:
		for _, c := range x.Objects {
			if !walk(c, fn) {
				return false
			}
		}
	case *widget.Accordion:
		for _, it := range x.Items {
			if !walk(it.Detail, fn) {
				return false
			}
		}
	case *container.AppTabs:
		for _, it := range x.Items {
			if !walk(it.Content, fn) {
				return false
			}
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(x).Objects() {
			if !walk(c, fn) {
				return false
			}
		}
	}
	return true
}

// find returns the first object of type T under root that ok accepts.
func find[T fyne.CanvasObject](t testing.TB, root fyne.CanvasObject, what string, ok func(T) bool) T {
	t.Helper()
	var found T
	var hit bool
	walk(root, func(o fyne.CanvasObject) bool {
		if x, is := o.(T); is && ok(x) {
			found, hit = x, true
			return false
		}
		return true
	})
	if !hit {
		t.Fatalf("no %s found", what)
	}
	return found
}

func findButton(t testing.TB, root fyne.CanvasObject, text string) *widget.Button {
	t.Helper()
	return find(t, root, "button "+text, func(b *widget.Button) bool { return b.Text == text })
}

func findCheck(t testing.TB, root fyne.CanvasObject, text string) *widget.Check {
	t.Helper()
	o := find(t, root, "check "+text, func(o fyne.CanvasObject) bool {
		switch c := o.(type) {
		case *widget.Check:
			return c.Text == text
		case *appCheck: // a form field's
			return c.Text == text
		}
		return false
	})
	if c, ok := o.(*appCheck); ok {
		return &c.Check
	}
	return o.(*widget.Check)
}

// topDialog returns the topmost overlay (an open dialog).
func topDialog(t testing.TB, mw *MainWindow) fyne.CanvasObject {
	t.Helper()
	top := mw.Window.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no dialog is open")
	}
	return top
}

// dialogText returns the texts of the labels in the top dialog.
func dialogText(t testing.TB, mw *MainWindow) string {
	t.Helper()
	var b strings.Builder
	walk(topDialog(t, mw), func(o fyne.CanvasObject) bool {
		if l, ok := o.(*widget.Label); ok {
			b.WriteString(l.Text + "\n")
		}
		return true
	})
	return b.String()
}

// field returns the first form field bound to path, as type T.
func field[T formField](t testing.TB, mw *MainWindow, path string) T {
	t.Helper()
	var out T
	var hit bool
	mw.form.each(func(fl formField) {
		if x, ok := fl.(T); ok && !hit && fl.path() == path {
			out, hit = x, true
		}
	})
	if !hit {
		t.Fatalf("no field bound to %s", path)
	}
	return out
}

// retype replaces an entry's text as a user would: select all, type.
func retype(e *appEntry, text string) {
	e.TypedShortcut(&fyne.ShortcutSelectAll{})
	test.Type(e, text)
}
