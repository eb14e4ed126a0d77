package main

import (
	"flag"
	"fmt"
	stdlog "log"
	"log/slog"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"stablenew/app"
	"stablenew/gui"
)

// stateAutosave is how soon after an edit the GUI state is written.
const stateAutosave = 2 * time.Second

// freeAfterPaint is how long after the first loads StableNew gives the
// garbage of the frames that showed them back to the system: a frame is
// drawn within a few hundredths of a second, even on a busy machine.
const freeAfterPaint = time.Second

// urlList collects --webui values (repeatable, or comma-separated).
type urlList []string

func (u *urlList) String() string { return strings.Join(*u, ",") }

func (u *urlList) Set(s string) error {
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			*u = append(*u, p)
		}
	}
	return nil
}

// runGUI opens the main window and returns the exit code when it closes.
func runGUI(args []string) int {
	fs := flag.NewFlagSet("stablenew", flag.ContinueOnError)
	dataDir := fs.String("data-dir", "", "data folder (default: the per-user data folder)")
	demo := fs.Bool("demo", false, "run against the built-in demo WebUI (placeholder images, no GPU needed)")
	var webuis urlList
	fs.Var(&webuis, "webui", "WebUI URL, such as http://127.0.0.1:7860 (repeat for several; replaces the settings' URLs)")
	if err := fs.Parse(args); err != nil {
		return 2
	}

	logs := app.NewLogBuffer(app.DefaultLogEntries)
	log := slog.New(logs.Handler(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo})))
	slog.SetDefault(log)

	opts := app.OpenOptions{DataDir: *dataDir, Demo: *demo, Logger: log}
	if len(webuis) > 0 {
		opts.WebUIURLs = webuis
	}
	if displayMissing(runtime.GOOS, os.Getenv) {
		fmt.Fprintln(os.Stderr, noDisplayMessage)
		return 1
	}
	signals := hearQuitSignals(log)
	defer signals.stop()
	if path, err := fynePreferencesPath(runtime.GOOS, appID, os.UserHomeDir, os.UserConfigDir); err == nil {
		if moved, err := repairPreferences(path); err != nil {
			log.Warn("could not repair the window preferences", "file", path, "err", err)
		} else if moved != "" {
			log.Info("window preferences were damaged (a save cut short); starting with fresh ones", "file", moved)
		}
	}
	// Fyne logs through the standard logger, which slog.SetDefault sent to
	// the log panel; drop its harmless empty-preferences read at quit there
	// (prefsEOFFilter says why it cannot be avoided).
	stdlog.SetOutput(&prefsEOFFilter{w: stdlog.Writer()})
	a := fyneapp.NewWithID(appID)
	// Fyne's fonts load and the services open (the queue's database) on
	// goroutines of their own while this one starts the window system:
	// GLFW must run on the main goroutine, and its start-up is a tenth of a
	// second that nothing else needs. gui.Open then shows the window while
	// its content is built.
	gui.UseTheme(a)
	fonts, opened := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(fonts)
		gui.LoadFonts()
	}()
	var svc *app.Services
	var err error
	go func() {
		defer close(opened)
		svc, err = app.Open(opts)
	}()
	win := a.NewWindow("StableNew")
	<-opened
	if err != nil {
		fmt.Fprintln(os.Stderr, "stablenew:", err)
		signals.onQuit(func() { fyne.Do(a.Quit) })
		showStartupError(a, win, err)
		return 1
	}
	st := svc.OpenState()
	st.EnableAutosave(stateAutosave)

	mw := gui.Open(svc, st, a, win, fonts)
	// Opening the queue and the first loads after the window shows (the
	// queue list, the history page, the packs) peak well above what stays
	// in use, and Go hands freed pages back to the system only slowly:
	// give them back at once when those loads are done, and again once the
	// frames that show them are drawn (Fyne draws every text into an image
	// of its own before it uploads it: about 3 MB of garbage).
	mw.Bridge.OnIdle(func() {
		debug.FreeOSMemory()
		time.AfterFunc(freeAfterPaint, debug.FreeOSMemory)
	})
	signals.onQuit(func() { fyne.Do(mw.Quit) })
	a.Run()
	signals.stop()

	code := 0
	if err := st.Close(); err != nil {
		log.Error("saving the GUI state failed", "err", err)
		code = 1
	}
	if err := svc.Close(); err != nil {
		log.Error("closing the services failed", "err", err)
		code = 1
	}
	if code == 0 && mw.RestartRequested() {
		// Everything is saved and the queue database is closed.
		if err := restart(); err != nil {
			log.Error("restarting failed; start StableNew again", "err", err)
			return 1
		}
	}
	return code
}

// showStartupError shows why StableNew could not start, for a user who
// double-clicked it and sees no terminal.
func showStartupError(a fyne.App, w fyne.Window, err error) {
	w.SetTitle("StableNew could not start")
	msg := &widget.Label{Text: err.Error() + "\n\nFix the problem (or start with --data-dir to use another data folder) and open StableNew again.",
		Wrapping: fyne.TextWrapWord, Selectable: true}
	quit := widget.NewButton("Quit", a.Quit)
	w.SetContent(container.NewBorder(nil, container.NewHBox(quit), nil, nil, msg))
	w.Resize(fyne.NewSize(560, 240))
	w.ShowAndRun()
}
