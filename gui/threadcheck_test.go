package gui

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
)

// threadChecker brings Fyne's own thread check into tests. The desktop
// driver checks, on every canvas refresh, that it runs on the goroutine
// that runs the app, and logs "Error in Fyne call thread, this should have
// been called in fyne.Do[AndWait]" when not (internal/async.EnsureMain,
// called from Canvas.Refresh); the test driver has no such check, and runs
// fyne.Do at once on the caller. A threadChecker wraps the test app's
// driver so that:
//
//   - every canvas refresh is checked, the same way (goroutine ids), against
//     the goroutine that created the checker, which plays the UI goroutine,
//     and a refresh from any other goroutine fails the test;
//   - fyne.Do works as the desktop driver's: queued for the UI goroutine
//     (which runs the queue in RunUntil) while the app runs, and run at once on
//     the caller's goroutine after Stop, as the desktop driver does once it
//     has stopped and drained its queue.
type threadChecker struct {
	fyne.Driver
	t  testing.TB
	ui uint64

	mu      sync.Mutex
	queue   []func()
	stopped bool
	wake    chan struct{}
}

// checkedApp is the test app with a threadChecker for its driver.
type checkedApp struct {
	fyne.App
	d *threadChecker
}

func (a *checkedApp) Driver() fyne.Driver { return a.d }

// NewWindow makes a window whose methods check their goroutine as the
// desktop driver's do.
func (a *checkedApp) NewWindow(title string) fyne.Window {
	return &checkedWindow{Window: a.App.NewWindow(title), d: a.d}
}

// checkedWindow is a window whose methods fail the test off the UI
// goroutine: the desktop driver runs them through internal/async.EnsureMain,
// which logs the error and then waits for the UI goroutine (a deadlock
// while the UI goroutine waits for the caller, as Open does for its
// content) or, in an app migrated to fyne.Do, runs them on the wrong
// goroutine.
type checkedWindow struct {
	fyne.Window
	d *threadChecker
}

func (w *checkedWindow) check(method string) {
	w.d.checkUI("fyne.Window." + method)
}

func (w *checkedWindow) Show()                   { w.check("Show"); w.Window.Show() }
func (w *checkedWindow) Hide()                   { w.check("Hide"); w.Window.Hide() }
func (w *checkedWindow) Close()                  { w.check("Close"); w.Window.Close() }
func (w *checkedWindow) SetTitle(t string)       { w.check("SetTitle"); w.Window.SetTitle(t) }
func (w *checkedWindow) Resize(s fyne.Size)      { w.check("Resize"); w.Window.Resize(s) }
func (w *checkedWindow) SetFixedSize(f bool)     { w.check("SetFixedSize"); w.Window.SetFixedSize(f) }
func (w *checkedWindow) SetPadded(p bool)        { w.check("SetPadded"); w.Window.SetPadded(p) }
func (w *checkedWindow) CenterOnScreen()         { w.check("CenterOnScreen"); w.Window.CenterOnScreen() }
func (w *checkedWindow) RequestFocus()           { w.check("RequestFocus"); w.Window.RequestFocus() }
func (w *checkedWindow) SetIcon(r fyne.Resource) { w.check("SetIcon"); w.Window.SetIcon(r) }
func (w *checkedWindow) SetFullScreen(f bool)    { w.check("SetFullScreen"); w.Window.SetFullScreen(f) }

func (w *checkedWindow) SetContent(c fyne.CanvasObject) {
	w.check("SetContent")
	w.Window.SetContent(c)
}

func (w *checkedWindow) SetMainMenu(m *fyne.MainMenu) {
	w.check("SetMainMenu")
	w.Window.SetMainMenu(m)
}

func (w *checkedWindow) SetOnDropped(fn func(fyne.Position, []fyne.URI)) {
	w.check("SetOnDropped")
	w.Window.SetOnDropped(fn)
}

// newThreadChecker makes a test app whose driver checks threads, and makes
// it the current app. Call it on the test goroutine.
func newThreadChecker(t testing.TB) (fyne.App, *threadChecker) {
	a := test.NewTempApp(t)
	d := &threadChecker{Driver: a.Driver(), t: t, ui: goroutineID(), wake: make(chan struct{}, 1)}
	ca := &checkedApp{App: a, d: d}
	fyne.SetCurrentApp(ca)
	return ca, d
}

// CanvasForObject returns the object's canvas with its Refresh checked.
// The test driver gives every object the last window's canvas; the desktop
// driver gives none to an object in no window, and so does this one while
// the window shows only Open's background: what Open builds beside it is
// in no window until it goes in whole.
func (d *threadChecker) CanvasForObject(obj fyne.CanvasObject) fyne.Canvas {
	c := d.Driver.CanvasForObject(obj)
	if c == nil {
		return nil
	}
	if holder, ok := c.Content().(*fyne.Container); ok && len(holder.Objects) == 1 {
		if bg, ok := holder.Objects[0].(*canvas.Rectangle); ok && obj != bg && obj != holder {
			return nil
		}
	}
	return checkedCanvas{Canvas: c, d: d}
}

// DoFromGoroutine is fyne.Do and fyne.DoAndWait.
func (d *threadChecker) DoFromGoroutine(fn func(), wait bool) {
	d.mu.Lock()
	if d.stopped || goroutineID() == d.ui {
		d.mu.Unlock()
		fn()
		return
	}
	var done chan struct{}
	if wait {
		done = make(chan struct{})
		f := fn
		fn = func() { f(); close(done) }
	}
	d.queue = append(d.queue, fn)
	d.mu.Unlock()
	select {
	case d.wake <- struct{}{}:
	default:
	}
	if done != nil {
		<-done
	}
}

// RunUntil runs queued functions on the UI goroutine until cond holds, failing
// the test after timeout.
func (d *threadChecker) RunUntil(timeout time.Duration, what string, cond func() bool) {
	d.t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		d.mu.Lock()
		q := d.queue
		d.queue = nil
		d.mu.Unlock()
		for _, fn := range q {
			fn()
		}
		if cond() {
			return
		}
		select {
		case <-d.wake:
		case <-tick.C:
		case <-deadline.C:
			d.t.Fatalf("%s: not after %v", what, timeout)
		}
	}
}

// Stop is the app's Run returning: later fyne.Do calls run at once on
// their caller's goroutine.
func (d *threadChecker) Stop() {
	d.mu.Lock()
	d.stopped = true
	d.mu.Unlock()
}

// checkedCanvas is a canvas whose Refresh fails the test off the UI
// goroutine.
type checkedCanvas struct {
	fyne.Canvas
	d *threadChecker
}

func (c checkedCanvas) Refresh(obj fyne.CanvasObject) {
	c.d.checkUI(fmt.Sprintf("%T refreshed", obj))
	c.Canvas.Refresh(obj)
}

// checkUI fails the test when called off the UI goroutine; what says what
// was done.
func (d *threadChecker) checkUI(what string) {
	if id := goroutineID(); id != d.ui {
		buf := make([]byte, 8192)
		buf = buf[:runtime.Stack(buf, false)]
		d.t.Errorf("*** Error in Fyne call thread, this should have been called in fyne.Do[AndWait] ***\n"+
			"%s on goroutine %d, not the UI goroutine %d:\n%s", what, id, d.ui, buf)
	}
}

// goroutineID is the current goroutine's id, read as Fyne reads it.
func goroutineID() uint64 {
	var buf [64]byte
	s := string(buf[:runtime.Stack(buf[:], false)])
	var id uint64
	if _, err := fmt.Sscanf(strings.TrimPrefix(s, "goroutine "), "%d", &id); err != nil {
		panic("cannot read the goroutine id from " + s)
	}
	return id
}
