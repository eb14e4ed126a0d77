// Command minwindow is the smallest Fyne app: one window titled "Minimal"
// holding one label. scripts/bench-window starts it beside StableNew as the
// reference for the time to the first window and the memory after start.
// It is a benchmark helper, not part of StableNew.
//
//	go build -o /tmp/minwindow ./scripts/tools/minwindow
package main

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"
)

func main() {
	a := app.NewWithID("io.stablenew.bench.minwindow")
	w := a.NewWindow("Minimal")
	w.SetContent(widget.NewLabel("The smallest Fyne window."))
	w.Resize(fyne.NewSize(400, 200))
	w.ShowAndRun()
}
