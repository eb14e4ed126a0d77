package gui

import (
	"context"
	"fmt"
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"stablenew/app"
	"stablenew/pipeline/queue"
)

// statusBar is the bottom line: what the app is doing (Idle, Running…,
// Paused, Error: msg), each WebUI's connection with Launch and Retry, and a
// summary of the queue.
type statusBar struct {
	h *panelHub

	state      *widget.Label
	summary    *widget.Label
	indicators []*backendIndicator
	// web holds the indicators; rebuildIndicators refills it when the
	// backends change.
	web *fyne.Container
	// lastErr is the last failure ("" when none); it shows while nothing
	// runs, until the next job starts.
	lastErr string
}

// backendIndicator is one WebUI in the status bar.
type backendIndicator struct {
	sb     *statusBar
	b      *app.Backend
	name   string
	dot    *canvas.Circle
	label  *widget.Label
	launch *widget.Button
	retry  *widget.Button
	state  app.ConnectionState
	err    error
	// canLaunch: a launcher command is configured (first backend only).
	canLaunch bool
	// autoLaunch: launch once when the first probe finds no WebUI
	// (Settings: start the WebUI when StableNew opens).
	autoLaunch bool
}

// NewStatusBar builds the status bar of the window.
func NewStatusBar(mw *MainWindow) fyne.CanvasObject {
	h := hubOf(mw)
	sb := &statusBar{h: h}
	h.status = sb
	sb.state = &widget.Label{Text: "Idle", TextStyle: fyne.TextStyle{Bold: true}}
	sb.summary = &widget.Label{Importance: widget.LowImportance, Truncation: fyne.TextTruncateEllipsis}
	autostart := mw.Services.CurrentSettings().LauncherAutostart
	sb.web = container.NewHBox()
	backends := mw.Services.BackendList()
	for i, b := range backends {
		ind := sb.newIndicator(b, i, len(backends))
		ind.autoLaunch = ind.canLaunch && autostart
		sb.indicators = append(sb.indicators, ind)
		sb.web.Add(ind.build())
	}
	mw.OnBackendChange(sb.onBackend)
	h.startPump()
	fw := h.failureWatch()
	fw.cell = mw.withTooltip(fw.button, "Jobs that failed since you last looked: show them in History, with why")
	fw.show()
	failed := fw.cell
	return container.NewBorder(nil, nil, container.NewHBox(sb.state, failed, widget.NewSeparator(), sb.web), nil, sb.summary)
}

func (sb *statusBar) newIndicator(b *app.Backend, i, n int) *backendIndicator {
	ind := &backendIndicator{sb: sb, b: b, state: app.StateDisconnected}
	ind.place(i, n)
	ind.state, ind.err = b.State(), b.Err()
	ind.dot = canvas.NewCircle(color.Transparent)
	ind.dot.Resize(fyne.NewSize(10, 10))
	ind.label = &widget.Label{}
	ind.launch = &widget.Button{Text: "Launch", Icon: theme.MediaPlayIcon(), Importance: widget.LowImportance, OnTapped: ind.onLaunch}
	ind.retry = &widget.Button{Text: "Retry", Icon: theme.ViewRefreshIcon(), Importance: widget.LowImportance, OnTapped: ind.onRetry}
	ind.show()
	return ind
}

// place names the indicator for its place i of n ("WebUI", or "WebUI 2"
// among several) and offers Launch on the first one when a launcher
// command is configured.
func (ind *backendIndicator) place(i, n int) {
	ind.name = "WebUI"
	if n > 1 {
		ind.name = fmt.Sprintf("WebUI %d", i+1)
	}
	ind.canLaunch = i == 0 && strings.TrimSpace(ind.sb.h.mw.Services.CurrentSettings().LauncherCommand) != ""
}

// rebuildIndicators shows one indicator per backend in use, after the
// settings changed them (UI goroutine). A kept backend keeps its indicator
// and state; a WebUI started with Launch stays with the first indicator.
func (sb *statusBar) rebuildIndicators() {
	backends := sb.h.mw.Services.BackendList()
	old := map[*app.Backend]*backendIndicator{}
	for _, ind := range sb.indicators {
		old[ind.b] = ind
	}
	sb.indicators = sb.indicators[:0]
	sb.web.RemoveAll()
	for i, b := range backends {
		ind := old[b]
		if ind == nil {
			ind = sb.newIndicator(b, i, len(backends))
		}
		ind.place(i, len(backends))
		ind.autoLaunch = false // only when StableNew opens
		ind.show()
		sb.indicators = append(sb.indicators, ind)
		sb.web.Add(ind.build())
	}
	sb.web.Refresh()
}

// build lays out one indicator: a coloured dot, the state and the buttons.
func (ind *backendIndicator) build() fyne.CanvasObject {
	dot := container.NewCenter(container.NewGridWrap(fyne.NewSize(10, 10), ind.dot))
	return container.NewHBox(dot, ind.label, ind.launch, ind.retry)
}

// onBackend hears a connection change (UI goroutine).
func (sb *statusBar) onBackend(b *app.Backend, s app.ConnectionState, err error) {
	for _, ind := range sb.indicators {
		if ind.b == b {
			ind.state, ind.err = s, err
			ind.show()
			ind.maybeAutoLaunch()
		}
	}
}

// show paints the indicator for its state.
func (ind *backendIndicator) show() {
	text := ind.name + ": " + stateLabel(ind.state)
	if ind.err != nil && ind.state != app.StateReady {
		text += " (" + oneLine(ind.err.Error(), 60) + ")"
	}
	setLabel(ind.label, text)
	ind.dot.FillColor = stateColor(ind.state)
	ind.dot.Refresh()
	connected := ind.state == app.StateReady
	enable(ind.retry, !connected)
	if ind.canLaunch {
		ind.launch.Show()
	} else {
		ind.launch.Hide()
	}
	enable(ind.launch, ind.canLaunch && !connected && ind.state != app.StateConnecting &&
		!ind.sb.h.mw.Services.LauncherRunning())
}

// stateLabel is the status-bar word for a connection state.
func stateLabel(s app.ConnectionState) string {
	switch s {
	case app.StateReady:
		return "Ready"
	case app.StateConnecting:
		return "Connecting"
	case app.StateError:
		return "Error"
	case app.StateDisabled:
		return "Disabled"
	}
	return "Disconnected"
}

// stateColor is green for ready, orange for connecting or disconnected, red
// for error and grey for disabled, from the theme.
func stateColor(s app.ConnectionState) color.Color {
	switch s {
	case app.StateReady:
		return theme.Color(theme.ColorNameSuccess)
	case app.StateError:
		return theme.Color(theme.ColorNameError)
	case app.StateDisabled:
		return theme.Color(theme.ColorNameDisabled)
	}
	return theme.Color(theme.ColorNameWarning)
}

// onRetry asks the monitor to probe now.
func (ind *backendIndicator) onRetry() {
	ind.b.Retry()
	ind.state = app.StateConnecting
	ind.show()
}

// maybeAutoLaunch launches the WebUI once, when autostart is on and the
// first answer from the monitor is that nothing listens. A WebUI that is
// already up is left alone.
func (ind *backendIndicator) maybeAutoLaunch() {
	if !ind.autoLaunch {
		return
	}
	switch ind.state {
	case app.StateReady, app.StateDisabled:
		ind.autoLaunch = false
	case app.StateDisconnected, app.StateError:
		ind.autoLaunch = false
		ind.sb.h.mw.Log.Info("no WebUI answers; starting it (Settings: start the WebUI when StableNew opens)")
		ind.onLaunch()
	}
}

// onLaunch starts the configured WebUI command through the app, off the
// UI goroutine. The process stops when StableNew closes.
func (ind *backendIndicator) onLaunch() {
	svc := ind.sb.h.mw.Services
	ind.launch.Disable()
	ind.sb.h.goWork("launching the WebUI", func(context.Context) error { return svc.Launch() }, func(err error) {
		if err != nil {
			ind.sb.setError("WebUI launch failed: " + err.Error())
			ind.show()
			return
		}
		ind.state = app.StateConnecting
		ind.show()
	})
}

// apply shows the queue's state from a pump batch.
func (sb *statusBar) apply(b *uiBatch) {
	for _, e := range b.events {
		switch e.Kind {
		case queue.JobStarted, queue.JobFinished:
			sb.lastErr = ""
		case queue.JobFailed:
			sb.lastErr = e.Reason
		}
	}
	sb.refresh()
}

// setError shows an error until the next job starts.
func (sb *statusBar) setError(msg string) {
	sb.lastErr = msg
	sb.refresh()
}

// setError on the hub reaches the status bar when there is one.
func (h *panelHub) setError(msg string) {
	if h.status != nil {
		h.status.setError(msg)
	}
}

// refresh shows the state text and the queue summary.
func (sb *statusBar) refresh() {
	s := sb.h.snap
	if s == nil {
		s = &queueSnapshot{}
	}
	state := "Idle"
	imp := widget.MediumImportance
	switch {
	case s.Paused:
		state, imp = "Paused", widget.WarningImportance
	case len(s.Running) > 0:
		state, imp = "Running…", widget.HighImportance
	case sb.lastErr != "":
		state, imp = "Error: "+oneLine(sb.lastErr, 80), widget.DangerImportance
	}
	if sb.state.Text != state || sb.state.Importance != imp {
		sb.state.Text, sb.state.Importance = state, imp
		sb.state.Refresh()
	}
	setLabel(sb.summary, queueSummary(s))
}

// queueSummary is "3 queued · 1 running · ETA 4m 10s, done ≈ 21:45".
func queueSummary(s *queueSnapshot) string {
	if s.Err != nil {
		return "Queue unreadable: " + s.Err.Error()
	}
	if s.empty() {
		return "Queue empty"
	}
	parts := []string{fmt.Sprintf("%d queued", s.QueuedCount)}
	if n := len(s.Running); n > 0 {
		parts = append(parts, fmt.Sprintf("%d running", n))
	}
	parts = append(parts, fmt.Sprintf("ETA %s, done ≈ %s", fmtEstimate(s.ETA, s.Known), s.Finish.Local().Format("15:04")))
	return strings.Join(parts, " · ")
}
