package gui

import (
	"log/slog"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"stablenew/app"
)

// logRefreshDelay coalesces log lines: the panel updates at most this often.
const logRefreshDelay = 200 * time.Millisecond

// logLevels are the level filter's choices.
var logLevels = []string{"ALL", "WARN+", "ERROR"}

// logPanel shows the shared log ring, collapsed by default behind a
// "Details ▲/▼" toggle, with a level filter and auto-scroll. Collapsed, the
// toggle sits in a bar above the status bar; expanded, the panel (its
// header above the lines) is the lower side of a divider under the tabs,
// which the user can drag (its height is kept, see heightKeeper). New
// lines arrive coalesced; only the visible rows of the list are redrawn,
// and nothing is redrawn while the panel is collapsed or the log is
// unchanged.
type logPanel struct {
	h *panelHub

	toggle *widget.Button
	level  *widget.Select
	auto   *appCheck
	count  *widget.Label
	list   *widget.List
	body   fyne.CanvasObject
	// header holds the toggle, the filter, auto-scroll and the count; it
	// moves between bar (collapsed) and the top of pane (expanded).
	header    *fyne.Container
	bar, top  *fyne.Container
	pane      *fyne.Container
	onResized func() // lays the window's split out again (buildContent)

	lines     []app.LogEntry
	seq       uint64
	open      bool
	scheduled atomic.Bool
}

// logMinLines is how few lines the expanded panel can be dragged down to.
const logMinLines = 3

// logRowHeight is about a log line's height in the list. It measures the
// regular face, not the lines' monospace one: that loads (2.5 MB parsed)
// only when the log first shows.
func logRowHeight() float32 {
	return fyne.MeasureText("0", theme.TextSize(), fyne.TextStyle{}).Height + 2*theme.InnerPadding() + theme.Padding()
}

// defaultLogHeight is the expanded panel's height (header and lines) until
// the user moves its divider: about five lines.
const defaultLogHeight = 190

// NewLogPanel builds the log panel of the window: the bar that holds the
// toggle while the panel is collapsed, and the pane that goes below the
// tabs' divider while it is expanded.
func NewLogPanel(mw *MainWindow) (bar, pane fyne.CanvasObject) {
	h := hubOf(mw)
	p := &logPanel{h: h, seq: ^uint64(0)}
	h.logs = p
	p.toggle = &widget.Button{Importance: widget.LowImportance, OnTapped: p.onToggle}
	p.level = widget.NewSelect(logLevels, p.onLevel)
	p.level.Selected = logLevels[0]
	p.auto = newAppCheck(nil, "Auto-scroll", p.onAutoScroll)
	p.auto.Checked = true
	p.count = &widget.Label{Importance: widget.LowImportance}
	p.list = widget.NewList(p.length, p.createRow, p.updateRow)
	p.body = minHeight(p.list, logMinLines*logRowHeight())
	p.header = container.NewHBox(p.toggle, p.level, p.auto, p.count)
	p.bar, p.top = container.NewStack(), container.NewStack()
	p.pane = container.NewBorder(p.top, nil, nil, nil, p.body)
	p.open = mw.State.View().LogOpen
	p.showOpen()
	if mw.Logs != nil {
		mw.Logs.OnAppend(p.onAppend)
	}
	p.refresh()
	return p.bar, p.pane
}

// onAppend runs on the goroutine that logged: it only schedules a refresh.
func (p *logPanel) onAppend() {
	if p.scheduled.CompareAndSwap(false, true) {
		time.AfterFunc(logRefreshDelay, func() { p.h.do("log panel", p.refresh) })
	}
}

// refresh shows new entries (UI goroutine).
func (p *logPanel) refresh() {
	p.scheduled.Store(false)
	if !p.open || p.h.mw.Logs == nil {
		return
	}
	seq := p.h.mw.Logs.Seq()
	if seq == p.seq {
		return
	}
	p.seq = seq
	p.filter()
}

// filter keeps the entries the level filter lets through and redraws.
func (p *logPanel) filter() {
	min := slog.LevelDebug
	switch p.level.Selected {
	case "WARN+":
		min = slog.LevelWarn
	case "ERROR":
		min = slog.LevelError
	}
	all := p.h.mw.Logs.Entries()
	lines := all[:0]
	for _, e := range all {
		if e.Level >= min {
			lines = append(lines, e)
		}
	}
	p.lines = lines
	p.count.SetText(plural(len(lines), "line", "lines"))
	p.list.Refresh()
	if p.auto.Checked && len(lines) > 0 {
		p.list.ScrollToBottom()
	}
}

func (p *logPanel) length() int { return len(p.lines) }

func (p *logPanel) createRow() fyne.CanvasObject {
	return &widget.Label{Text: "line", Truncation: fyne.TextTruncateEllipsis, TextStyle: fyne.TextStyle{Monospace: true}}
}

func (p *logPanel) updateRow(id widget.ListItemID, obj fyne.CanvasObject) {
	if id < 0 || id >= len(p.lines) {
		return
	}
	e := p.lines[id]
	l := obj.(*widget.Label)
	imp := widget.MediumImportance
	switch {
	case e.Level >= slog.LevelError:
		imp = widget.DangerImportance
	case e.Level >= slog.LevelWarn:
		imp = widget.WarningImportance
	case e.Level < slog.LevelInfo:
		imp = widget.LowImportance
	}
	text := e.Time.Local().Format("15:04:05") + " " + e.Line()
	if l.Text != text || l.Importance != imp {
		l.Text, l.Importance = text, imp
		l.Refresh()
	}
}

// onToggle opens or collapses the panel and remembers the choice.
func (p *logPanel) onToggle() {
	p.open = !p.open
	p.showOpen()
	open := p.open
	p.h.mw.State.UpdateView(func(v *app.ViewState) { v.LogOpen = open })
	if open {
		p.seq = ^uint64(0)
		p.refresh()
	}
}

// showOpen shows the pane or the bar, with the header in it, for the
// current state.
func (p *logPanel) showOpen() {
	if p.open {
		p.toggle.SetText("Details ▼")
		p.bar.Objects, p.top.Objects = nil, []fyne.CanvasObject{p.header}
	} else {
		p.toggle.SetText("Details ▲")
		p.bar.Objects, p.top.Objects = []fyne.CanvasObject{p.header}, nil
	}
	setVisible(p.body, p.open)
	setVisible(p.level, p.open)
	setVisible(p.auto, p.open)
	setVisible(p.count, p.open)
	setVisible(p.bar, !p.open)
	setVisible(p.pane, p.open)
	p.bar.Refresh()
	p.top.Refresh()
	if p.onResized != nil {
		p.onResized()
	}
}

func (p *logPanel) onLevel(string) {
	if p.open && p.h.mw.Logs != nil {
		p.filter()
	}
}

func (p *logPanel) onAutoScroll(on bool) {
	if on && len(p.lines) > 0 {
		p.list.ScrollToBottom()
	}
}
