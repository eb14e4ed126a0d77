// Package gui is StableNew's Fyne window: three columns (sidebar, stage
// cards, and the run panels), a Prompt tab, a status bar and a log panel.
// It never imports Fyne's app package; gui_main.go creates the fyne.App and
// hands it to New, so fyne.io/fyne/v2/test can drive everything here.
//
// # Contract between the two GUI engineers
//
// Two people build this package at the same time. One side ("window") owns
// window.go, theme.go, bridge.go, shortcuts.go, widgets.go, sidebar_*.go,
// card_*.go, prompt_tab.go and settings_dialog.go; the other ("panels")
// owns panel_*.go, statusbar.go, logpanel.go and dnd.go. This is what each
// side may rely on. Change it only together.
//
// The window side provides:
//
//	type MainWindow struct {
//	    Window   fyne.Window     // the main window (a field, not a method)
//	    App      fyne.App
//	    Services *app.Services   // Library, Pipeline, Queue, Backends, Settings, DataDir
//	    State    *app.State      // what the user edits; Snapshot() is the RunRequest
//	    Bridge   *Bridge         // the only way back to the UI goroutine
//	    Log      *slog.Logger    // logs that also land in Logs
//	    Logs     *app.LogBuffer  // in-memory ring of the last 500 log entries
//	}
//	func New(svc *app.Services, st *app.State, a fyne.App) *MainWindow
//	func (mw *MainWindow) Show()                 // shows the window and starts the services
//	func Open(svc, st, a, win, fonts) *MainWindow // New and Show, the content built while the window shows (the app's start)
//	func (mw *MainWindow) Quit()                 // closes at once, remembering size and position (signals)
//	func (mw *MainWindow) RefreshResources()     // F5: WebUI lists and packs, in the background
//	func (mw *MainWindow) Resources() *resources.Lists // first ready backend's lists, or nil; no I/O
//	func (mw *MainWindow) OnBackendChange(fn func(b *app.Backend, s app.ConnectionState, err error))
//	func (mw *MainWindow) ShowError(title string, err error) // error dialog on the window
//	func (mw *MainWindow) OnClose(fn func())     // stop your goroutines/timers when the window closes
//	func (mw *MainWindow) withTooltip(obj fyne.CanvasObject, text string) fyne.CanvasObject // obj with a hover tip (tooltip.go)
//
// OnBackendChange listeners run on the UI goroutine, once per connection
// change of any backend (register them while building, in New's callees).
//
// The panels side provides (until it does, right_stub.go holds
// placeholders; delete that file when adding the real ones):
//
//	func NewRightColumn(mw *MainWindow) fyne.CanvasObject // preview, run controls, queue, running job, history
//	func NewStatusBar(mw *MainWindow) fyne.CanvasObject
//	func NewLogPanel(mw *MainWindow) fyne.CanvasObject   // collapsible; reads mw.Logs
//	func (mw *MainWindow) AddToQueue()   // Ctrl+Enter
//	func (mw *MainWindow) RunNow()       // Ctrl+Shift+Enter
//	func (mw *MainWindow) TogglePause()  // Ctrl+P
//
// New calls NewRightColumn, NewStatusBar and NewLogPanel exactly once, after
// the MainWindow fields are set and before the window is shown. Open calls
// them on a goroutine of its own while the window shows its background, so
// they build widgets, register listeners and start background work (Bridge)
// but touch nothing already in a window. The shortcuts call AddToQueue,
// RunNow and TogglePause on the UI goroutine.
//
// # State (app.State)
//
//	st.Snapshot() controller.RunRequest   // plain data; safe from any goroutine
//	st.OnChange(func(what app.Change)) (cancel func())
//	st.RecordRun()                        // call after Add to Queue / Run Now succeeds
//	st.SetPlanInfo(app.PlanInfo{...})     // the preview publishes its live count here
//	st.PlanInfo() app.PlanInfo            // the sidebar's randomizer card shows it
//
// Listeners run on the UI goroutine (the window sets st's scheduler to
// Bridge.Do) and are coalesced: several edits in one callback arrive as one
// call with the bits or-ed together. what&app.PlanInputs != 0 means the plan
// must be rebuilt: feed a Debouncer, whose run takes st.Snapshot() and calls
// Services.Pipeline.Plan off the UI goroutine.
//
// With the randomizer seed at -1 every Plan call draws a fresh seed, so
// queue the Jobs of the plan the preview shows (or pass its RandomizerSeed
// back in the RunRequest): Preview = Queue = Executor.
//
// # Threads (bridge.go)
//
//	mw.Bridge.Do(fn)                             // fyne.Do
//	mw.Bridge.Go(name, work func(ctx) error, done func(err error))
//	d := NewDebouncer(300*time.Millisecond, func(ctx context.Context) {...}); d.Trigger(); d.Stop()
//
// Go runs work on its own goroutine and then done on the UI goroutine; a
// failed work is also logged under name. A Debouncer runs fn on a background
// goroutine after the last Trigger; the next Trigger cancels that run's ctx,
// even after fn returned, so a result handed over with Bridge.Do checks
// ctx.Err() on the UI goroutine and drops itself when a newer edit came in.
// Nothing else starts goroutines that touch widgets, and no callback does
// network, database or file work.
//
// # Logs (app/logbuffer.go)
//
//	mw.Logs.Entries() []app.LogEntry  // oldest first; Repeat counts collapsed repeats
//	mw.Logs.Seq() uint64              // grows with every entry; skip a refresh when unchanged
//	mw.Logs.OnAppend(func())          // called on the logging goroutine: only Bridge.Do from it
//
// # Shared helpers (widgets.go)
//
//	newAppEntry(mw.keys, multiLine)   // an Entry that lets Ctrl+Enter, Ctrl+P and F5 through
//	newNote() / setNote(l, msg)       // a red problem label, hidden while empty
//	newHint(text), newStatus() / showStatus(l, text)
//	mw.confirm(title, msg, yes, fn), mw.askName(...), mw.info(title, msg)
//
// Every entry should be an appEntry: Fyne hands shortcuts to the focused
// widget only, so a plain Entry swallows the window's shortcuts.
//
// # Tests
//
// Tests build the window with newTestWindow(t) (window_test.go): a test app,
// a temporary data folder in demo mode, and a queued Bridge whose deliveries
// run on the test goroutine when the test calls settle(t, mw), so -race
// stays clean without sleeps. Theme colours, sizes and icons come from the
// theme; never hard-code them.
package gui
