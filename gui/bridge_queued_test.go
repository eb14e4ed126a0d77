package gui

import "log/slog"

// Test-only parts of the Bridge and the panel hub.

// NewQueuedBridge returns a bridge for tests: deliveries wait in a queue
// until the test goroutine calls Drain or Settle, so widgets are only ever
// touched from the test goroutine (the test driver would otherwise run
// fyne.Do on the worker goroutine).
func NewQueuedBridge(log *slog.Logger) *Bridge {
	b := newBridge(log)
	b.deliver = b.enqueue
	return b
}

func (b *Bridge) enqueue(fn func()) {
	b.mu.Lock()
	b.queued = append(b.queued, fn)
	b.signalLocked()
	b.mu.Unlock()
}

// forgetHub stops the event pump of a window and drops its panels (after
// the window closed).
func forgetHub(mw *MainWindow) {
	hubs.Lock()
	h := hubs.m[mw]
	delete(hubs.m, mw)
	hubs.Unlock()
	if h != nil && h.pump != nil {
		h.pump.stop()
	}
}

// stop ends the subscription (the goroutine then ends).
func (p *eventPump) stop() {
	if p.cancel != nil {
		p.cancel()
	}
}
