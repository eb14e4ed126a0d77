package gui

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// panelHub ties the run panels of one window together: the preview, the
// run controls, the queue, the running job, the history, the status bar
// and the log panel share one queue-event pump and one view of the queue.
// Everything in it is touched on the UI goroutine only, except pump, which
// runs its own goroutine and reaches the panels through do.
type panelHub struct {
	mw *MainWindow

	preview  *previewPanel
	controls *runControls
	queue    *queuePanel
	running  *runningPanel
	history  *historyPanel
	status   *statusBar
	logs     *logPanel
	drops    *dropHandler
	failures *failureWatch
	// panels holds the Preview, Queue and History tabs.
	panels *rightPanels
	// learning is the Learning tab, which hears the queue's events too.
	learning *learningTab

	pump *eventPump
	// snap is the last queue snapshot the panels were given.
	snap *queueSnapshot
	// queueListed is set once the Queue panel has shown: snapshots carry
	// the queued jobs from then on (see listQueue).
	queueListed atomic.Bool

	// probe, when set (benchmarks), hears how long each UI callback of the
	// panels took: wall time, or the time probeClock tells when it is set
	// (a test's thread CPU time, which a loaded machine does not inflate).
	probe      func(name string, d time.Duration)
	probeClock func() time.Duration
}

// hubs maps each window to its panels: MainWindow belongs to the window
// side of the package, so the panels keep their state beside it.
var hubs = struct {
	sync.Mutex
	m map[*MainWindow]*panelHub
}{m: map[*MainWindow]*panelHub{}}

// hubOf returns the panels of mw, creating the hub on first use.
func hubOf(mw *MainWindow) *panelHub {
	hubs.Lock()
	defer hubs.Unlock()
	h := hubs.m[mw]
	if h == nil {
		h = &panelHub{mw: mw}
		hubs.m[mw] = h
	}
	return h
}

// do runs fn on the UI goroutine through the window's Bridge.
func (h *panelHub) do(name string, fn func()) {
	h.mw.Bridge.Do(h.timed(name, fn))
}

// goWork runs work in the background and done on the UI goroutine, through
// the Bridge.
func (h *panelHub) goWork(name string, work func(ctx context.Context) error, done func(err error)) {
	if done == nil {
		h.mw.Bridge.Go(name, work, nil)
		return
	}
	h.mw.Bridge.Go(name, work, func(err error) { h.timed(name, func() { done(err) })() })
}

// timed wraps fn so that the probe hears its duration.
func (h *panelHub) timed(name string, fn func()) func() {
	return func() {
		if h.probe == nil {
			fn()
			return
		}
		if h.probeClock != nil {
			start := h.probeClock()
			fn()
			h.probe(name, h.probeClock()-start)
			return
		}
		start := time.Now()
		fn()
		h.probe(name, time.Since(start))
	}
}

// startPump starts the queue-event pump once, and reads the queue, once
// the window shows.
func (h *panelHub) startPump() {
	if h.pump != nil || h.mw.Services == nil || h.mw.Services.Queue == nil {
		return
	}
	h.pump = newEventPump(h)
	h.afterShow("starting the queue view", func() {
		h.pump.start()
		h.pump.reload()
	})
}

// afterShow runs fn on the UI goroutine once Fyne's event loop runs, that
// is after the window is on screen (the window is built and shown before
// the loop starts). The first loads (the queue's running jobs) wait for
// it, so that on a busy machine they do not compete with building and
// painting the first window. Nothing runs once the window has closed.
func (h *panelHub) afterShow(name string, fn func()) {
	h.mw.Bridge.Go(name, func(context.Context) error { return nil }, func(error) { fn() })
}

// NewRightColumn builds the right column: run controls and the running job
// on top, then Preview, Queue and History as tabs below a divider the user
// can move (its place is saved with the window); a tall window stacks
// Queue and History in one tab (rightPanels).
// It also starts the queue-event pump and installs the window's drop
// handler.
func NewRightColumn(mw *MainWindow) fyne.CanvasObject {
	h := hubOf(mw)
	// The panels hear the queue until Fyne stops, not after.
	mw.closeWhenFyneStops()
	h.preview = newPreviewPanel(h)
	h.controls = newRunControls(h)
	h.queue = newQueuePanel(h)
	h.running = newRunningPanel(h)
	h.history = newHistoryPanel(h)
	h.drops = newDropHandler(h)

	// The Preview scrolls as a whole only when the divider leaves it less
	// than its minimum height (a scroll lays out content that fits exactly
	// as without it): its notes must not push the run panels off a short
	// window. Queue and History keep their minimum, so that their buttons
	// always show.
	h.panels = newRightPanels(h, container.NewVScroll(h.preview.build()), h.queue.build(), h.history.build())
	tabs := h.panels.tabs
	h.preview.tab, h.queue.tab, h.history.tab = h.panels.preview, h.panels.queue, h.panels.history
	h.preview.tabs, h.queue.tabs, h.history.tabs = tabs, tabs, tabs
	tabs.OnSelected = h.onTabSelected
	h.failureWatch()
	top := container.NewVBox(
		h.controls.build(),
		widget.NewSeparator(),
		h.running.build(),
	)
	mw.whenInWindow(h.drops.install)
	h.preview.start()
	h.startPump()
	startDemoScript(h)
	// The run panels scroll on their own above a divider, so that the
	// tabs below keep the height the user gave them on a short screen; the
	// run panels keep their height when the window grows.
	split := container.NewVSplit(container.NewVScroll(top), h.panels.object())
	keep := &heightKeeper{split: split, height: defaultRunPanelsHeight}
	if v := mw.State.View(); v.RunPanelsHeight > 0 {
		keep.height = v.RunPanelsHeight
	}
	mw.rightSplit, mw.runPanels = split, keep
	return container.New(keep, split)
}

// AddToQueue queues exactly the jobs the preview shows (Ctrl+Enter). When
// the preview is still rebuilding it waits for that rebuild, without
// blocking the UI goroutine.
func (mw *MainWindow) AddToQueue() {
	if h := hubOf(mw); h.controls != nil {
		h.controls.submit(false)
	}
}

// RunNow queues the previewed jobs at the front of the queue and makes
// sure the queue runs: it resumes a paused queue and starts it when
// auto-run is off (Ctrl+Shift+Enter).
func (mw *MainWindow) RunNow() {
	if h := hubOf(mw); h.controls != nil {
		h.controls.submit(true)
	}
}

// TogglePause pauses the queue (the running job finishes) or resumes it
// (Ctrl+P).
func (mw *MainWindow) TogglePause() {
	if h := hubOf(mw); h.controls != nil {
		h.controls.onTogglePause()
	}
}

// minHeight gives obj at least height h (for lists inside scrolling or
// stacked containers, where a widget.List alone would shrink to one row).
func minHeight(obj fyne.CanvasObject, h float32) fyne.CanvasObject {
	spacer := canvas.NewRectangle(nil)
	spacer.SetMinSize(fyne.NewSize(0, h))
	return container.NewStack(spacer, obj)
}

// newMessage returns a wrapping label for a panel's last message, hidden
// while empty.
func newMessage() *widget.Label {
	l := &widget.Label{Wrapping: fyne.TextWrapWord}
	l.Hide()
	return l
}

// showMessage sets a message label's text and importance; "" hides it.
func showMessage(l *widget.Label, text string, imp widget.Importance) {
	l.Importance = imp
	setNote(l, text)
	l.Refresh()
}
