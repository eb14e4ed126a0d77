package gui

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"fyne.io/fyne/v2"
)

// Bridge is the one way from background work back to the widgets. The UI
// goroutine never waits: it hands work to Go and gets the result in done,
// on the UI goroutine again.
type Bridge struct {
	log *slog.Logger
	// deliver runs a function on the UI goroutine: fyne.Do, or the test
	// queue of a queued bridge.
	deliver func(func())

	ctx    context.Context
	cancel context.CancelFunc

	mu       sync.Mutex
	queued   []func() // queued bridge only
	inFlight int      // Go calls whose done has not run yet
	changed  chan struct{}
	// idle are the functions OnIdle holds until no Go call is in flight.
	idle []func()
	// closed is set by Close: nothing more reaches the widgets. Once Fyne
	// has stopped, fyne.Do runs a function at once on the caller's
	// goroutine, so a delivery after the window closed would touch widgets
	// off the UI goroutine.
	closed bool
}

// NewBridge returns a bridge that delivers with fyne.Do.
func NewBridge(log *slog.Logger) *Bridge {
	b := newBridge(log)
	b.deliver = fyne.Do
	return b
}

func newBridge(log *slog.Logger) *Bridge {
	if log == nil {
		log = slog.Default()
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Bridge{log: log, ctx: ctx, cancel: cancel, changed: make(chan struct{})}
}

// Do runs fn on the UI goroutine, later (never while the caller waits).
// After Close it does nothing.
func (b *Bridge) Do(fn func()) {
	if b.isClosed() {
		return
	}
	b.deliver(func() {
		if !b.isClosed() {
			fn()
		}
	})
}

func (b *Bridge) isClosed() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.closed
}

// Go runs work on a new goroutine, then done (may be nil) on the UI
// goroutine with work's error. A failed work is logged under name. work's
// context ends when the bridge is closed, and done is not called after.
func (b *Bridge) Go(name string, work func(ctx context.Context) error, done func(err error)) {
	b.mu.Lock()
	b.inFlight++
	b.mu.Unlock()
	go func() {
		err := runWork(b.ctx, name, work)
		if err != nil && !errors.Is(err, context.Canceled) {
			b.log.Warn(name+" failed", "err", err)
		}
		if b.isClosed() {
			b.finish()
			return
		}
		b.deliver(func() {
			defer b.finish()
			if done != nil && !b.isClosed() {
				done(err)
			}
		})
	}()
}

// runWork runs work, turning a panic into an error so one bad task can't
// take the window down.
func runWork(ctx context.Context, name string, work func(ctx context.Context) error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%s panicked: %v", name, r)
		}
	}()
	return work(ctx)
}

func (b *Bridge) finish() {
	b.mu.Lock()
	b.inFlight--
	b.signalLocked()
	var idle []func()
	if b.inFlight == 0 {
		idle, b.idle = b.idle, nil
	}
	b.mu.Unlock()
	for _, fn := range idle {
		go fn()
	}
}

// OnIdle runs fn once on a goroutine of its own as soon as no Go call is in
// flight: at once when none is, else when the last one's done has run. Work
// started by a done callback counts before that callback's Go call ends, so
// a chain of loads is waited for as a whole.
func (b *Bridge) OnIdle(fn func()) {
	b.mu.Lock()
	if b.inFlight > 0 {
		b.idle = append(b.idle, fn)
		b.mu.Unlock()
		return
	}
	b.mu.Unlock()
	go fn()
}

// signalLocked wakes Settle; b.mu is held.
func (b *Bridge) signalLocked() {
	close(b.changed)
	b.changed = make(chan struct{})
}

// Close cancels the context of all running work and stops deliveries: no
// Do function or done callback runs after it. The window closes its
// bridge when it closes, and StableNew again once Fyne has stopped, before
// the services close (their last events must not reach the widgets).
func (b *Bridge) Close() {
	b.mu.Lock()
	b.closed = true
	b.mu.Unlock()
	b.cancel()
}

// Drain runs the queued deliveries of a queued bridge on the caller's
// goroutine, including any they queue in turn, and returns how many ran.
func (b *Bridge) Drain() int {
	n := 0
	for {
		b.mu.Lock()
		q := b.queued
		b.queued = nil
		b.mu.Unlock()
		if len(q) == 0 {
			return n
		}
		for _, fn := range q {
			fn()
			n++
		}
	}
}

// Settle drains a queued bridge until no Go work is in flight and nothing
// is queued, or returns an error after timeout. Tests call it in place of
// sleeping.
func (b *Bridge) Settle(timeout time.Duration) error {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		b.Drain()
		b.mu.Lock()
		n, queued := b.inFlight, len(b.queued)
		wake := b.changed
		b.mu.Unlock()
		if n == 0 && queued == 0 {
			return nil
		}
		expired := false
		if queued > 0 {
			// Delivered between Drain and the lock: its signal came
			// before wake was read, so drain again instead of waiting.
			select {
			case <-deadline.C:
				expired = true
			default:
			}
		} else {
			select {
			case <-wake:
			case <-deadline.C:
				expired = true
			}
		}
		if expired {
			return fmt.Errorf("bridge not idle after %v: %d task(s) in flight", timeout, n)
		}
	}
}

// Debouncer runs a function on a background goroutine a moment after the
// last Trigger. The run's context is cancelled by the next Trigger (or by
// Stop), also after the run returned: a result the run handed to the UI
// goroutine checks ctx.Err() there and is dropped when a newer edit came
// in. So a newer edit always wins over an older rebuild.
type Debouncer struct {
	delay time.Duration
	fn    func(ctx context.Context)

	mu      sync.Mutex
	timer   *time.Timer
	cancel  context.CancelFunc
	stopped bool
}

// NewDebouncer returns a debouncer that calls fn d after the last Trigger.
func NewDebouncer(d time.Duration, fn func(ctx context.Context)) *Debouncer {
	return &Debouncer{delay: d, fn: fn}
}

// Trigger (re)starts the delay. It never blocks.
func (d *Debouncer) Trigger() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.stopped {
		return
	}
	if d.cancel != nil {
		d.cancel() // the run in progress is stale now
		d.cancel = nil
	}
	if d.timer != nil {
		d.timer.Stop()
	}
	d.timer = time.AfterFunc(d.delay, d.run)
}

func (d *Debouncer) run() {
	d.mu.Lock()
	if d.stopped {
		d.mu.Unlock()
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	d.cancel = cancel // ended by the next Trigger or by Stop
	d.mu.Unlock()
	d.fn(ctx)
}

// Stop cancels a pending or running call; later Triggers do nothing.
func (d *Debouncer) Stop() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.stopped = true
	if d.timer != nil {
		d.timer.Stop()
	}
	if d.cancel != nil {
		d.cancel()
	}
}
