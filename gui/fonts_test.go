package gui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
)

// monospaceShown counts the laid-out texts of the window in the monospace
// style, whose font Fyne parses the first time one is measured.
func monospaceShown(mw *MainWindow) int {
	n := 0
	for _, o := range test.LaidOutObjects(mw.Window.Content()) {
		if t, ok := o.(*canvas.Text); ok && t.TextStyle.Monospace {
			n++
		}
	}
	return n
}

// The first window draws no monospace text, queued jobs included (LoadFonts
// leaves that font out): it appears with the Details log.
func TestFirstWindowNeedsNoMonospaceFont(t *testing.T) {
	ph, _ := queueOf(t, 3)
	mw := ph.mw
	mw.Window.Resize(fyne.NewSize(1400, 1100)) // tall: Queue and History both show
	if n := monospaceShown(mw); n != 0 {
		t.Fatalf("%d monospace texts in the window, want none", n)
	}
	ph.h.logs.onToggle()
	mw.Log.Info("a line for the log")
	ph.waitFor("the Details log's lines in monospace", func() bool { return monospaceShown(mw) > 0 })
}
