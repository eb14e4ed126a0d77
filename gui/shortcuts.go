package gui

import (
	"runtime"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
)

// The window's shortcuts. Ctrl is Cmd on macOS (KeyModifierShortcutDefault).
var (
	shortcutAddToQueue = &desktop.CustomShortcut{KeyName: fyne.KeyReturn, Modifier: fyne.KeyModifierShortcutDefault}
	shortcutRunNow     = &desktop.CustomShortcut{KeyName: fyne.KeyReturn, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}
	shortcutPause      = &desktop.CustomShortcut{KeyName: fyne.KeyP, Modifier: fyne.KeyModifierShortcutDefault}
	// The keypad's Enter works like Return.
	shortcutAddToQueuePad = &desktop.CustomShortcut{KeyName: fyne.KeyEnter, Modifier: fyne.KeyModifierShortcutDefault}
	shortcutRunNowPad     = &desktop.CustomShortcut{KeyName: fyne.KeyEnter, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}
	keyRefresh            = fyne.KeyF5
)

// Shortcut labels for buttons and tooltips.
var (
	labelAddToQueue = modLabel() + "+Enter"
	labelRunNow     = modLabel() + "+Shift+Enter"
	labelPause      = modLabel() + "+P"
	labelRefresh    = "F5"
)

func modLabel() string {
	if runtime.GOOS == "darwin" {
		return "Cmd"
	}
	return "Ctrl"
}

// shortcuts maps the window's shortcuts and keys to their handlers. The
// canvas uses it when no widget has focus, and every appEntry when it has.
type shortcuts struct {
	byName map[string]func()
	keys   map[fyne.KeyName]func()
	// wheel passes a wheel event over a field on to its column (wheel.go).
	wheel func(obj fyne.CanvasObject, ev *fyne.ScrollEvent)
	// focused scrolls a field that got the focus into its column's view
	// (wheel.go): Fyne does not, so Tab would move into fields out of view.
	focused func(obj fyne.CanvasObject)
}

func newShortcuts() *shortcuts {
	return &shortcuts{byName: map[string]func(){}, keys: map[fyne.KeyName]func(){}}
}

func (s *shortcuts) add(sc fyne.Shortcut, fn func()) { s.byName[sc.ShortcutName()] = fn }

func (s *shortcuts) addKey(k fyne.KeyName, fn func()) { s.keys[k] = fn }

// handleShortcut runs the handler of sc and reports whether there was one.
func (s *shortcuts) handleShortcut(sc fyne.Shortcut) bool {
	fn, ok := s.byName[sc.ShortcutName()]
	if ok {
		fn()
	}
	return ok
}

// handleKey runs the handler of a plain key and reports whether there was one.
func (s *shortcuts) handleKey(k fyne.KeyName) bool {
	fn, ok := s.keys[k]
	if ok {
		fn()
	}
	return ok
}

// installShortcuts binds Ctrl+Enter (Add to Queue), Ctrl+Shift+Enter (Run
// Now), Ctrl+P (Pause/Resume) and F5 (Refresh) on the window. The handlers
// are the run panels' (AddToQueue, RunNow, TogglePause) and RefreshResources.
func (mw *MainWindow) installShortcuts() {
	k := mw.keys
	k.add(shortcutAddToQueue, mw.AddToQueue)
	k.add(shortcutAddToQueuePad, mw.AddToQueue)
	k.add(shortcutRunNow, mw.RunNow)
	k.add(shortcutRunNowPad, mw.RunNow)
	k.add(shortcutPause, mw.TogglePause)
	k.addKey(keyRefresh, mw.RefreshResources)
	c := mw.Window.Canvas()
	for _, sc := range []fyne.Shortcut{shortcutAddToQueue, shortcutAddToQueuePad, shortcutRunNow, shortcutRunNowPad, shortcutPause} {
		c.AddShortcut(sc, mw.onShortcut)
	}
	c.SetOnTypedKey(mw.onTypedKey)
}

// onShortcut runs a window shortcut typed with no widget focused.
func (mw *MainWindow) onShortcut(sc fyne.Shortcut) { mw.keys.handleShortcut(sc) }

// onTypedKey runs F5 typed with no widget focused.
func (mw *MainWindow) onTypedKey(ev *fyne.KeyEvent) { mw.keys.handleKey(ev.Name) }
