package gui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

func TestShortcutsReachTheirHandlersEvenFromAField(t *testing.T) {
	keys := newShortcuts()
	var adds, runs, pauses, refreshes int
	keys.add(shortcutAddToQueue, func() { adds++ })
	keys.add(shortcutRunNow, func() { runs++ })
	keys.add(shortcutPause, func() { pauses++ })
	keys.addKey(keyRefresh, func() { refreshes++ })

	e := newAppEntry(keys, false)
	w := test.NewTempWindow(t, e)
	w.Canvas().Focus(e)
	e.TypedShortcut(shortcutAddToQueue)
	e.TypedShortcut(shortcutRunNow)
	e.TypedShortcut(shortcutPause)
	e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyF5})
	if adds != 1 || runs != 1 || pauses != 1 || refreshes != 1 {
		t.Errorf("adds %d runs %d pauses %d refreshes %d", adds, runs, pauses, refreshes)
	}
	// Other keys and shortcuts still edit the text.
	test.Type(e, "ab")
	e.TypedShortcut(&fyne.ShortcutSelectAll{})
	e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyBackspace})
	if e.Text != "" {
		t.Errorf("text %q, want it cleared by select-all + backspace", e.Text)
	}
}

func TestWindowInstallsItsShortcuts(t *testing.T) {
	mw := newTestWindow(t)
	for _, sc := range []fyne.Shortcut{shortcutAddToQueue, shortcutAddToQueuePad, shortcutRunNow, shortcutRunNowPad, shortcutPause} {
		if _, ok := mw.keys.byName[sc.ShortcutName()]; !ok {
			t.Errorf("%s is not bound", sc.ShortcutName())
		}
	}
	if _, ok := mw.keys.keys[fyne.KeyF5]; !ok {
		t.Error("F5 is not bound")
	}
	// F5 from a focused field re-reads the library in the background.
	mw.lib = libraryView{}
	steps := field[*entryField[int]](t, mw, "txt2img.steps")
	mw.Window.Canvas().Focus(steps.Entry)
	steps.Entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyF5})
	settle(t, mw)
	if !mw.lib.loaded {
		t.Error("F5 did not reload the packs")
	}
	if steps.Entry.Text != "20" {
		t.Errorf("F5 changed the field to %q", steps.Entry.Text)
	}
}
