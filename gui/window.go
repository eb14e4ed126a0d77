package gui

import (
	"context"
	"log/slog"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"stablenew/app"
	"stablenew/pipeline/packs"
	"stablenew/pipeline/resources"
)

// Window sizes: the size it opens at, the smallest it must fit without
// cutting anything off (half of a 1920-wide screen, as the original), and
// the smallest size restored from the state file.
var (
	defaultWindowSize = fyne.NewSize(1400, 850)
	minWindowSize     = fyne.NewSize(1024, 700)
	minRestoredSize   = fyne.NewSize(800, 600)
)

// Tab names.
const (
	tabPipeline = "Pipeline"
	tabPrompt   = "Prompt"
)

// MainWindow is StableNew's window. The exported fields are the contract
// with the run panels (see doc.go); the rest is the window's own.
type MainWindow struct {
	// reprocess is the Reprocess images dialog opened last, if any.
	reprocess *reprocessDialog

	Window   fyne.Window
	App      fyne.App
	Services *app.Services
	State    *app.State
	Bridge   *Bridge
	Log      *slog.Logger
	Logs     *app.LogBuffer

	keys *shortcuts
	form *configForm
	// tips are the window's tooltips (see tooltips), made on first use.
	tips *tooltips

	src               resourceSource
	resourceListeners []func()
	backendStates     map[*app.Backend]app.ConnectionState
	backendListeners  []func(b *app.Backend, s app.ConnectionState, err error)

	lib          libraryView
	libListeners []func()
	closers      []func()

	tabs      *container.AppTabs
	learning  *learningTab
	sidebar   *sidebar
	cards     *stageCards
	promptTab *promptTab
	// rightSplit divides the right column's run panels from its tabs.
	rightSplit *container.Split
	// settingsOpen is the Settings dialog while it is open.
	settingsOpen *settingsDialog
	// runPanels keeps the run panels' height above that divider.
	runPanels *heightKeeper
	// logSplit divides the tabs from the expanded Details log below them;
	// logKeeper keeps the log's height.
	logSplit  *container.Split
	logKeeper *heightKeeper
	// wheelScrolls are the scrolling columns a wheel event over a field
	// scrolls (wheel.go).
	wheelScrolls []*container.Scroll
	// revealed is the text field revealInColumn last scrolled to (or found
	// in view): the same field getting the focus again is the window
	// getting it back, which must not scroll a column the user moved.
	revealed fyne.CanvasObject
	// inWindow are what whenInWindow holds until hookUp runs them.
	inWindow []func()
	started  bool
	closed   bool
	// restart is set when the window closed to restart StableNew.
	restart bool
}

// libraryView is what the window knows of the data folder: packs, presets
// and pack lists, read in the background by reloadLibrary.
type libraryView struct {
	loaded        bool
	Packs         []packs.PackInfo
	Presets       []string
	DefaultPreset string
	PackLists     map[string][]string
	PackListsErr  error
}

// New builds the main window over the services and the state, in win
// (made with a.NewWindow; nil makes one). It reads no files itself: packs
// and presets load in the background.
func New(svc *app.Services, st *app.State, a fyne.App, win fyne.Window) *MainWindow {
	return buildMainWindow(svc, st, a, win, nil)
}

// Open is New and Show for a window the user waits for: it shows win at
// once, filled with the theme's background, and builds the window's
// content beside it on another goroutine. Making the native window and its
// GL context takes the window system about a quarter of a second on the
// UI goroutine, and building and laying out the content about as long,
// so the window appears as soon as a minimal one would and its first frame
// already holds the content. The content is built once fonts is closed
// (LoadFonts done; a theme set with UseTheme lets them load while the
// services open). Call it on the UI goroutine before a.Run, which paints
// that frame.
func Open(svc *app.Services, st *app.State, a fyne.App, win fyne.Window, fonts <-chan struct{}) *MainWindow {
	mw := prepareMainWindow(svc, st, a, win, nil)
	size := mw.initialSize()
	// The content goes into holder once built, not through SetContent:
	// SetContent on a shown window refreshes every widget, which would
	// make the renderers of the hidden tabs too.
	holder := container.NewStack(canvas.NewRectangle(theme.Color(theme.ColorNameBackground)))
	mw.Window.SetContent(holder)
	mw.Window.Resize(size)
	inner := size // the content's size: the canvas less its padding
	if mw.Window.Padded() {
		inner = size.Subtract(fyne.NewSquareSize(2 * theme.Padding()))
	}
	built := make(chan fyne.CanvasObject, 1)
	go func() {
		// Nothing else touches these widgets until they go into holder:
		// they are in no window yet, and Fyne's caches are safe for
		// concurrent use.
		<-fonts
		content := mw.buildContent()
		mw.fill()
		content.Resize(inner) // laid out here, not on the UI goroutine
		built <- content
	}()
	mw.Window.Show()
	mw.place()
	content := <-built
	holder.Objects = []fyne.CanvasObject{content}
	content.Resize(holder.Size()) // nothing to do unless the window system changed the size
	canvas.Refresh(holder)
	mw.hookUp()
	mw.start()
	return mw
}

// newMainWindow is New in a new window with a given bridge (tests pass a
// queued one).
func newMainWindow(svc *app.Services, st *app.State, a fyne.App, bridge *Bridge) *MainWindow {
	return buildMainWindow(svc, st, a, nil, bridge)
}

// buildMainWindow is New with a given bridge (nil: a new one).
func buildMainWindow(svc *app.Services, st *app.State, a fyne.App, win fyne.Window, bridge *Bridge) *MainWindow {
	mw := prepareMainWindow(svc, st, a, win, bridge)
	mw.attach(mw.buildContent())
	return mw
}

// prepareMainWindow makes the MainWindow with everything but its content:
// the theme, the state's scheduler and the stage form (UI goroutine).
func prepareMainWindow(svc *app.Services, st *app.State, a fyne.App, win fyne.Window, bridge *Bridge) *MainWindow {
	log := svc.Log
	if log == nil {
		log = slog.Default()
	}
	logs := app.LogBufferOf(log)
	if logs == nil {
		logs = app.NewLogBuffer(app.DefaultLogEntries)
		log = slog.New(logs.Handler(log.Handler()))
	}
	if bridge == nil {
		bridge = NewBridge(log)
	}
	mw := &MainWindow{
		App: a, Services: svc, State: st, Bridge: bridge, Log: log, Logs: logs,
		keys:          newShortcuts(),
		backendStates: map[*app.Backend]app.ConnectionState{},
	}
	applyTheme(a, svc.Settings.Theme)
	if win == nil {
		win = a.NewWindow("StableNew")
	}
	mw.Window = win
	mw.form = newConfigForm(st, mw.keys)
	mw.form.tip = mw.withTooltip
	mw.keys.wheel = mw.scrollColumn
	mw.keys.focused = mw.revealInColumn
	st.SetScheduler(bridge.Do)
	st.SetDefaultOutputRoot(svc.Settings.OutputRoot)
	return mw
}

// attach puts the built content in the window, sizes it, hooks the window
// up and fills the form (UI goroutine).
func (mw *MainWindow) attach(content fyne.CanvasObject) {
	mw.Window.SetContent(content)
	mw.Window.Resize(mw.initialSize())
	mw.hookUp()
	mw.fill()
}

// hookUp hooks up the window's close, its place and its shortcuts (UI
// goroutine).
func (mw *MainWindow) hookUp() {
	mw.Window.SetMaster()
	mw.Window.SetCloseIntercept(mw.onClose)
	mw.App.Lifecycle().SetOnExitedForeground(mw.rememberPlace)
	mw.installShortcuts()
	for _, fn := range mw.inWindow {
		fn()
	}
	mw.inWindow = nil
}

// whenInWindow runs fn on the UI goroutine once the content is in the
// window. What calls the window's own methods (SetOnDropped...) goes
// through it: Open builds the content on another goroutine, where the
// window system's calls would wait for the UI goroutine while it waits for
// the content.
func (mw *MainWindow) whenInWindow(fn func()) { mw.inWindow = append(mw.inWindow, fn) }

// fill follows the state, fills the form from it and starts reading the
// packs. It runs on the UI goroutine, or before the content is in the
// window on the goroutine that built it (Open).
func (mw *MainWindow) fill() {
	mw.State.OnChange(mw.onStateChange)
	mw.form.load()
	mw.reloadLibrary()
}

// buildContent lays out the header, the tabs and the bottom zone.
func (mw *MainWindow) buildContent() fyne.CanvasObject {
	mw.sidebar = newSidebar(mw)
	mw.cards = newStageCards(mw)
	right := NewRightColumn(mw)
	left, middle := mw.sidebar.build().object(), mw.cards.build().object()
	pipelineTab := container.New(columnsLayout{}, left, middle, right)
	mw.promptTab = newPromptTab(mw)
	mw.learning = newLearningTab(mw)
	mw.tabs = newAppTabs(
		container.NewTabItemWithIcon(tabPipeline, theme.GridIcon(), pipelineTab),
		lazyTab(tabPrompt, theme.DocumentCreateIcon(), mw.buildPromptTab),
		lazyTab(tabLearning, theme.MediaPhotoIcon(), mw.learning.build),
	)
	mw.wheelScrolls = append(mw.wheelScrolls, left, middle)
	switch mw.State.View().Tab {
	case tabPrompt:
		mw.tabs.SelectIndex(1)
	case tabLearning:
		mw.tabs.SelectIndex(2)
	}
	mw.buildTab(mw.tabs.SelectedIndex())
	mw.learning.start()
	mw.tabs.OnSelected = mw.onTabSelected
	// The expanded Details log sits below the tabs' divider and keeps its
	// height in pixels when the window is resized.
	bar, pane := NewLogPanel(mw)
	mw.logSplit = container.NewVSplit(mw.tabs, pane)
	mw.logKeeper = &heightKeeper{split: mw.logSplit, trailing: true, height: defaultLogHeight}
	if h := mw.State.View().LogHeight; h > 0 {
		mw.logKeeper.height = h
	}
	hubOf(mw).logs.onResized = mw.logSplit.Refresh
	bottom := container.NewVBox(bar, NewStatusBar(mw))
	return withTooltipLayer(container.NewBorder(mw.buildHeader(), bottom, nil, nil, container.New(mw.logKeeper, mw.logSplit)))
}

// buildHeader is the row of window-wide buttons above the tabs, with
// tooltips, and the shortcuts of the run controls for keyboard users.
func (mw *MainWindow) buildHeader() fyne.CanvasObject {
	refresh := &widget.Button{Text: "Refresh (" + labelRefresh + ")", Icon: theme.ViewRefreshIcon(),
		Importance: widget.LowImportance, OnTapped: mw.RefreshResources}
	restore := &widget.Button{Text: "Restore last run", Icon: theme.HistoryIcon(),
		Importance: widget.LowImportance, OnTapped: mw.onRestoreLastRun}
	settings := &widget.Button{Text: "Settings", Icon: theme.SettingsIcon(),
		Importance: widget.LowImportance, OnTapped: mw.onSettings}
	reprocess := &widget.Button{Text: "Reprocess images…", Icon: theme.MediaReplayIcon(),
		Importance: widget.LowImportance, OnTapped: mw.showReprocess}
	keys := &widget.Label{Text: labelAddToQueue + " add to queue · " + labelRunNow + " run now · " + labelPause + " pause/resume",
		Importance: widget.LowImportance, Truncation: fyne.TextTruncateEllipsis}
	buttons := container.NewHBox(
		mw.withTooltip(refresh, "Read the packs and presets again and ask the WebUI for its lists ("+labelRefresh+")"),
		mw.withTooltip(restore, "Bring back the stage settings, packs and preset of the last queued run"),
		mw.withTooltip(reprocess, "Run the stages on images you already have"),
		mw.withTooltip(settings, "WebUI addresses, launcher, output folder, theme and queue options"),
	)
	return container.NewBorder(nil, nil, buttons, nil, keys)
}

// initialSize is the saved window size, or 1400×850.
func (mw *MainWindow) initialSize() fyne.Size {
	v := mw.State.View()
	if v.WindowWidth >= minRestoredSize.Width && v.WindowHeight >= minRestoredSize.Height {
		return fyne.NewSize(v.WindowWidth, v.WindowHeight)
	}
	return defaultWindowSize
}

// Show shows the window where it was last (see moveWindow) and starts the services (connection monitors and
// queue workers) once.
func (mw *MainWindow) Show() {
	mw.Window.Show()
	mw.place()
	mw.start()
}

// place moves the shown window to where it was last, if it was placed.
func (mw *MainWindow) place() {
	if v := mw.State.View(); v.WindowPlaced {
		moveWindow(mw.Window, v.WindowX, v.WindowY)
	}
}

// start runs the services, with backend changes coming to the UI
// goroutine. They start on a goroutine of their own: the queue reads its
// jobs into memory then (see queue.Open), a tenth of a second for 10,000.
func (mw *MainWindow) start() {
	if mw.started {
		return
	}
	mw.started = true
	mw.Bridge.Go("starting the services", func(context.Context) error {
		return mw.Services.Start(mw.onBackendEvent)
	}, func(err error) {
		if err != nil {
			mw.ShowError("Could not start", err)
		}
	})
}

// onBackendEvent hears a connection change on a monitor goroutine.
func (mw *MainWindow) onBackendEvent(b *app.Backend, s app.ConnectionState, err error) {
	mw.Bridge.Do(func() { mw.backendChanged(b, s, err) })
}

// backendChanged records a connection change, refreshes the lists of a
// backend that became ready and tells the listeners.
func (mw *MainWindow) backendChanged(b *app.Backend, s app.ConnectionState, err error) {
	mw.backendStates[b] = s
	mw.updateResources() // a ready backend's lists were read before it was announced
	for _, fn := range mw.backendListeners {
		fn(b, s, err)
	}
}

// OnBackendChange adds a listener for connection changes (UI goroutine).
func (mw *MainWindow) OnBackendChange(fn func(b *app.Backend, s app.ConnectionState, err error)) {
	mw.backendListeners = append(mw.backendListeners, fn)
}

// Resources returns the lists of the first ready backend, or nil when no
// backend is ready. It does no I/O.
func (mw *MainWindow) Resources() *resources.Lists { return mw.src.lists() }

// RefreshResources re-reads the packs and presets and asks every ready
// WebUI for its lists again, in the background (F5).
func (mw *MainWindow) RefreshResources() {
	mw.reloadLibrary()
	for _, b := range mw.Services.BackendList() {
		if mw.backendStates[b] == app.StateReady {
			mw.refreshBackend(b)
		}
	}
}

// refreshBackend asks one WebUI for its lists again.
func (mw *MainWindow) refreshBackend(b *app.Backend) {
	mw.Bridge.Go("refreshing the WebUI lists of "+b.URL, func(ctx context.Context) error {
		return b.RefreshLists(ctx)
	}, func(error) { mw.updateResources() })
}

// updateResources shows the lists of the first ready backend; with none,
// the dropdowns say the WebUI is offline only once every WebUI has been
// tried (not while the first connection is still being made).
func (mw *MainWindow) updateResources() {
	var src resourceSource
	tried := 0
	list := mw.Services.BackendList()
	for _, b := range list {
		st, known := mw.backendStates[b]
		if known && st != app.StateConnecting {
			tried++
		}
		if st != app.StateReady || src.view != nil {
			continue
		}
		src.view = b.Resources.View()
	}
	src.offline = src.view == nil && tried == len(list)
	mw.setResources(src)
}

// setResources gives the dropdowns new lists.
func (mw *MainWindow) setResources(src resourceSource) {
	mw.src = src
	if mw.form != nil {
		mw.form.setResources(src)
	}
	for _, fn := range mw.resourceListeners {
		fn()
	}
}

// OnResourcesChange adds a listener called (on the UI goroutine) when the
// WebUI lists or the user's mappings change.
func (mw *MainWindow) OnResourcesChange(fn func()) {
	mw.resourceListeners = append(mw.resourceListeners, fn)
}

// reloadLibrary reads packs, presets and pack lists in the background.
func (mw *MainWindow) reloadLibrary() {
	var v libraryView
	lib := mw.Services.Library
	mw.Bridge.Go("reading packs and presets", func(context.Context) error {
		v.Packs = lib.Packs()
		v.Presets = lib.Presets()
		v.DefaultPreset, _ = lib.DefaultPreset()
		v.PackLists, v.PackListsErr = lib.PackLists()
		v.loaded = true
		return nil
	}, func(error) {
		mw.lib = v
		for _, fn := range mw.libListeners {
			fn()
		}
	})
}

// onLibrary adds a listener for reloadLibrary (UI goroutine).
func (mw *MainWindow) onLibrary(fn func()) { mw.libListeners = append(mw.libListeners, fn) }

// onStateChange reloads the fields after any change of the configuration.
func (mw *MainWindow) onStateChange(what app.Change) {
	if what.Has(app.ChangeConfig) {
		mw.form.load()
	}
}

func (mw *MainWindow) onTabSelected(t *container.TabItem) {
	mw.buildTab(mw.tabs.SelectedIndex())
	name := tabPipeline
	switch t {
	case mw.tabs.Items[1]:
		name = tabPrompt // its title may carry the unsaved-changes dot
	case mw.tabs.Items[2]:
		name = tabLearning
	}
	mw.State.UpdateView(func(v *app.ViewState) { v.Tab = name })
}

// onRestoreLastRun brings back the last queued setup, after confirming.
func (mw *MainWindow) onRestoreLastRun() {
	last, ok := mw.State.LastRun()
	if !ok {
		dialog.ShowInformation("Restore last run", "Nothing has been queued yet, so there is no last run to restore.", mw.Window)
		return
	}
	msg := "Replace the current stage settings, pack selection (" + joinLimited(last.Packs, 4) +
		") and preset with the run queued " + last.Time.Local().Format("Jan 2 15:04") + "?"
	dialog.ShowConfirm("Restore last run", msg, mw.onRestoreConfirmed, mw.Window)
}

func (mw *MainWindow) onRestoreConfirmed(ok bool) {
	if ok {
		mw.State.RestoreLastRun()
	}
}

// OnClose adds a function run on the UI goroutine when the window closes,
// for panels that must stop their goroutines or timers.
func (mw *MainWindow) OnClose(fn func()) { mw.closers = append(mw.closers, fn) }

// close stops what the window started and closes it (once).
func (mw *MainWindow) close() {
	if mw.closed {
		return
	}
	mw.closed = true
	for _, fn := range mw.closers {
		fn()
	}
	if mw.promptTab != nil {
		mw.promptTab.counter.Stop()
	}
	mw.Bridge.Close()
	mw.Window.Close()
}

// ShowError shows err in a dialog on the window, titled title.
func (mw *MainWindow) ShowError(title string, err error) {
	if err == nil {
		return
	}
	msg := &widget.Label{Text: err.Error(), Wrapping: fyne.TextWrapWord, Selectable: true}
	d := dialog.NewCustom(title, "Close", msg, mw.Window)
	d.Resize(fyne.NewSize(520, 0))
	d.Show()
}
