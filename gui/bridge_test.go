package gui

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"
)

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func TestBridgeGoDeliversDoneThroughTheQueue(t *testing.T) {
	b := NewQueuedBridge(quietLog())
	defer b.Close()
	boom := errors.New("boom")
	var got []error
	b.Go("ok", func(context.Context) error { return nil }, func(err error) { got = append(got, err) })
	b.Go("fails", func(context.Context) error { return boom }, func(err error) { got = append(got, err) })
	b.Go("panics", func(context.Context) error { panic("bad") }, func(err error) { got = append(got, err) })
	if len(got) != 0 {
		t.Fatal("done ran before the test goroutine drained the queue")
	}
	if err := b.Settle(settleTimeout); err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("%d dones, want 3", len(got))
	}
	var nilErrs, boomErrs, panics int
	for _, err := range got {
		switch {
		case err == nil:
			nilErrs++
		case errors.Is(err, boom):
			boomErrs++
		default:
			panics++
		}
	}
	if nilErrs != 1 || boomErrs != 1 || panics != 1 {
		t.Errorf("errors %v", got)
	}
}

func TestBridgeSettleTimesOutOnStuckWork(t *testing.T) {
	b := NewQueuedBridge(quietLog())
	release := make(chan struct{})
	b.Go("stuck", func(context.Context) error { <-release; return nil }, nil)
	if err := b.Settle(20 * time.Millisecond); err == nil {
		t.Error("Settle returned nil with work in flight")
	}
	close(release)
	if err := b.Settle(settleTimeout); err != nil {
		t.Error(err)
	}
}

// Close cancels the work's context; its done is not called (the window is
// gone).
func TestBridgeCloseCancelsWork(t *testing.T) {
	b := NewQueuedBridge(quietLog())
	workErr := make(chan error, 1)
	called := false
	b.Go("waits", func(ctx context.Context) error {
		<-ctx.Done()
		workErr <- ctx.Err()
		return ctx.Err()
	}, func(error) { called = true })
	b.Close()
	if e := b.Settle(settleTimeout); e != nil {
		t.Fatal(e)
	}
	if err := <-workErr; !errors.Is(err, context.Canceled) {
		t.Errorf("work's context ended with %v, want canceled", err)
	}
	if called {
		t.Error("done was called after Close")
	}
}

func TestDebouncerRunsOnceAndCancelsTheOlderRun(t *testing.T) {
	started := make(chan context.Context, 4)
	release := make(chan struct{})
	var runs atomic.Int32
	d := NewDebouncer(time.Millisecond, func(ctx context.Context) {
		runs.Add(1)
		started <- ctx
		select {
		case <-ctx.Done():
		case <-release:
		}
	})
	defer d.Stop()
	for range 5 {
		d.Trigger() // a burst of edits makes one run
	}
	first := waitCtx(t, started)
	d.Trigger() // a newer edit cancels the run in progress
	select {
	case <-first.Done():
	case <-time.After(settleTimeout):
		t.Fatal("the older run was not cancelled")
	}
	second := waitCtx(t, started)
	if second.Err() != nil {
		t.Error("the newer run starts cancelled")
	}
	close(release)
	if n := runs.Load(); n != 2 {
		t.Errorf("%d runs, want 2", n)
	}
	d.Stop()
	d.mu.Lock()
	before := d.timer
	d.mu.Unlock()
	d.Trigger()
	d.mu.Lock()
	after := d.timer
	d.mu.Unlock()
	if before != after {
		t.Error("Trigger after Stop armed a timer")
	}
}

func waitCtx(t *testing.T, ch chan context.Context) context.Context {
	t.Helper()
	select {
	case ctx := <-ch:
		return ctx
	case <-time.After(settleTimeout):
		t.Fatal("the debounced function did not run")
		return nil
	}
}

// After Close nothing reaches the widgets: neither Do functions nor Go's
// done callbacks, also those already on their way.
func TestBridgeDeliversNothingAfterClose(t *testing.T) {
	b := NewQueuedBridge(quietLog())
	ran := 0
	b.Do(func() { ran++ }) // queued before Close, run after
	b.Close()
	b.Do(func() { ran++ })
	b.Go("work", func(context.Context) error { return nil }, func(error) { ran++ })
	if err := b.Settle(settleTimeout); err != nil {
		t.Fatal(err)
	}
	if ran != 0 {
		t.Fatalf("%d deliveries ran after Close, want 0", ran)
	}
}

// OnIdle waits for a whole chain of loads (work started by a done callback
// included), and runs at once when nothing is in flight.
func TestBridgeOnIdleWaitsForChainedWork(t *testing.T) {
	b := NewQueuedBridge(quietLog())
	defer b.Close()
	var second atomic.Bool
	idle := make(chan bool, 1)
	b.Go("first", func(context.Context) error { return nil }, func(error) {
		b.Go("second", func(context.Context) error { return nil }, func(error) { second.Store(true) })
	})
	b.OnIdle(func() { idle <- second.Load() })
	// The first done runs and starts the second; when the second's work is
	// quick, Drain runs its done too, and only then may OnIdle run.
	b.Drain()
	ran := false
	select {
	case ok := <-idle:
		if !ok {
			t.Fatal("OnIdle ran while the second load was in flight")
		}
		ran = true
	default:
	}
	if err := b.Settle(settleTimeout); err != nil {
		t.Fatal(err)
	}
	if !ran {
		select {
		case ok := <-idle:
			if !ok {
				t.Error("OnIdle ran before the second load's done")
			}
		case <-time.After(settleTimeout):
			t.Fatal("OnIdle never ran")
		}
	}

	now := make(chan struct{})
	b.OnIdle(func() { close(now) })
	select {
	case <-now:
	case <-time.After(settleTimeout):
		t.Fatal("OnIdle with nothing in flight never ran")
	}
}
