package webui

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"
)

// ConnectionState is the WebUI connection shown in the status bar.
type ConnectionState int

// Connection states (WebUIConnectionState in the original app).
const (
	StateDisconnected ConnectionState = iota
	StateConnecting
	StateReady
	StateError
	StateDisabled
)

// String returns "disconnected", "connecting", "ready", "error" or "disabled".
func (s ConnectionState) String() string {
	switch s {
	case StateDisconnected:
		return "disconnected"
	case StateConnecting:
		return "connecting"
	case StateReady:
		return "ready"
	case StateError:
		return "error"
	case StateDisabled:
		return "disabled"
	}
	return "unknown"
}

// MonitorOptions configures a Monitor.
type MonitorOptions struct {
	// Interval between probes while ready (default 5s). While not ready the
	// wait doubles after each failure, from Interval up to MaxBackoff.
	Interval time.Duration
	// MaxBackoff caps the wait between failing probes (default 30s).
	MaxBackoff time.Duration
	// OnChange is called on every state change, from the Run goroutine, in
	// order. err is the probe error that caused the change (nil for ready).
	OnChange func(from, to ConnectionState, err error)
	// Logger (default: the discard logger).
	Logger *slog.Logger
}

// Monitor probes the WebUI (Client.Ready) on an interval and tracks the
// ConnectionState. It is safe for concurrent use; Run drives it.
type Monitor struct {
	client *Client
	opts   MonitorOptions

	mu       sync.Mutex
	state    ConnectionState
	lastErr  error
	disabled bool
	changed  chan struct{} // closed and replaced on every change
	kick     chan struct{}
}

// NewMonitor creates a Monitor in state disconnected.
func NewMonitor(c *Client, opts MonitorOptions) *Monitor {
	if opts.Interval <= 0 {
		opts.Interval = 5 * time.Second
	}
	if opts.MaxBackoff < opts.Interval {
		opts.MaxBackoff = max(30*time.Second, opts.Interval)
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &Monitor{client: c, opts: opts, changed: make(chan struct{}), kick: make(chan struct{}, 1)}
}

// State returns the current state.
func (m *Monitor) State() ConnectionState {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.state
}

// Err returns the error of the last failed probe (nil when ready).
func (m *Monitor) Err() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.lastErr
}

// Retry asks Run to probe now instead of waiting out its backoff.
func (m *Monitor) Retry() {
	select {
	case m.kick <- struct{}{}:
	default:
	}
}

// SetEnabled turns probing on or off. While off the state is disabled.
func (m *Monitor) SetEnabled(on bool) {
	m.mu.Lock()
	m.disabled = !on
	m.mu.Unlock()
	m.Retry()
}

// WaitFor blocks until the state is one of want or ctx ends.
func (m *Monitor) WaitFor(ctx context.Context, want ...ConnectionState) (ConnectionState, error) {
	for {
		m.mu.Lock()
		st, ch := m.state, m.changed
		m.mu.Unlock()
		for _, w := range want {
			if st == w {
				return st, nil
			}
		}
		select {
		case <-ctx.Done():
			return st, ctx.Err()
		case <-ch:
		}
	}
}

// Run probes until ctx ends. Call it once, in its own goroutine.
func (m *Monitor) Run(ctx context.Context) {
	failures := 0
	first := true
	for {
		m.mu.Lock()
		disabled := m.disabled
		m.mu.Unlock()
		var wait time.Duration
		if disabled {
			m.set(StateDisabled, nil)
			failures, first = 0, true
			wait = -1 // until Retry/SetEnabled
		} else {
			if first || m.State() == StateDisabled {
				m.set(StateConnecting, nil)
				first = false
			}
			err := m.client.Ready(ctx)
			if ctx.Err() != nil {
				return
			}
			if err == nil {
				failures = 0
				m.set(StateReady, nil)
				wait = m.opts.Interval
			} else {
				failures++
				m.set(stateForError(err), err)
				wait = m.opts.Interval
				for i := 1; i < failures && wait < m.opts.MaxBackoff; i++ {
					wait *= 2
				}
				wait = min(wait, m.opts.MaxBackoff)
			}
		}
		if !m.pause(ctx, wait) {
			return
		}
	}
}

// pause waits for d (forever when negative), a Retry, or the end of ctx,
// and reports whether Run should go on.
func (m *Monitor) pause(ctx context.Context, d time.Duration) bool {
	var timer <-chan time.Time
	if d >= 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		timer = t.C
	}
	select {
	case <-ctx.Done():
		return false
	case <-m.kick:
	case <-timer:
	}
	return true
}

// stateForError maps a probe error to a state: unreachable is disconnected,
// anything else (auth, API disabled, server error) is error.
func stateForError(err error) ConnectionState {
	switch KindOf(err) {
	case KindConnection, KindTimeout:
		return StateDisconnected
	}
	if errors.Is(err, context.Canceled) {
		return StateDisconnected
	}
	return StateError
}

// set changes the state and calls OnChange when it differs.
func (m *Monitor) set(st ConnectionState, err error) {
	m.mu.Lock()
	from := m.state
	m.lastErr = err
	if from == st {
		m.mu.Unlock()
		return
	}
	m.state = st
	close(m.changed)
	m.changed = make(chan struct{})
	m.mu.Unlock()
	if err != nil {
		m.opts.Logger.Info("webui connection", "from", from.String(), "to", st.String(), "err", err)
	} else {
		m.opts.Logger.Info("webui connection", "from", from.String(), "to", st.String())
	}
	if m.opts.OnChange != nil {
		m.opts.OnChange(from, st, err)
	}
}
