package webui_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stablenew/pipeline/webui"
	"stablenew/pipeline/webui/webuitest"
)

func TestConnectionStateString(t *testing.T) {
	want := map[webui.ConnectionState]string{
		webui.StateDisconnected: "disconnected", webui.StateConnecting: "connecting", webui.StateReady: "ready",
		webui.StateError: "error", webui.StateDisabled: "disabled", webui.ConnectionState(99): "unknown",
	}
	for st, s := range want {
		assert.Equal(t, s, st.String())
	}
}

// transitions records OnChange calls.
type transitions struct {
	mu   sync.Mutex
	seen []webui.ConnectionState
}

func (tr *transitions) onChange(_, to webui.ConnectionState, _ error) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	tr.seen = append(tr.seen, to)
}

func (tr *transitions) get() []webui.ConnectionState {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return append([]webui.ConnectionState{}, tr.seen...)
}

func startMonitor(t *testing.T, c *webui.Client, tr *transitions) *webui.Monitor {
	t.Helper()
	m := webui.NewMonitor(c, webui.MonitorOptions{Interval: 10 * time.Millisecond, MaxBackoff: 40 * time.Millisecond, OnChange: tr.onChange})
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { m.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return m
}

// waitTransitions waits until the callback has seen want.
func waitTransitions(t *testing.T, tr *transitions, want ...webui.ConnectionState) {
	t.Helper()
	eventually(t, "transitions", func() bool { return len(tr.get()) >= len(want) })
	assert.Equal(t, want, tr.get())
}

func waitState(t *testing.T, m *webui.Monitor, want webui.ConnectionState) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	got, err := m.WaitFor(ctx, want)
	require.NoError(t, err, "waiting for %s, state is %s", want, got)
}

func TestMonitorReadyDownReady(t *testing.T) {
	srv, c, _ := newFake(t, webuitest.Options{}, webui.WithListTimeout(time.Second))
	var tr transitions
	m := startMonitor(t, c, &tr)
	waitState(t, m, webui.StateReady)
	assert.NoError(t, m.Err())

	srv.SetDown(true)
	waitState(t, m, webui.StateDisconnected)
	requireKind(t, m.Err(), webui.KindConnection)

	srv.SetDown(false)
	waitState(t, m, webui.StateReady)
	waitTransitions(t, &tr, webui.StateConnecting, webui.StateReady, webui.StateDisconnected, webui.StateReady)
}

func TestMonitorAuthFailureIsError(t *testing.T) {
	_, c, _ := newFake(t, webuitest.Options{Auth: "u:p"})
	var tr transitions
	m := startMonitor(t, c, &tr)
	waitState(t, m, webui.StateError)
	requireKind(t, m.Err(), webui.KindAuth)
}

func TestMonitorDisable(t *testing.T) {
	_, c, _ := newFake(t, webuitest.Options{})
	var tr transitions
	m := startMonitor(t, c, &tr)
	waitState(t, m, webui.StateReady)
	m.SetEnabled(false)
	waitState(t, m, webui.StateDisabled)
	m.SetEnabled(true)
	waitState(t, m, webui.StateReady)
	waitTransitions(t, &tr, webui.StateConnecting, webui.StateReady, webui.StateDisabled, webui.StateConnecting, webui.StateReady)
}
