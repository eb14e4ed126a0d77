// Command minwindow is the smallest Fyne app: one window titled "Minimal"
// holding one label. scripts/bench-window starts it beside StableNew as the
// reference for the time to the first window and the memory after start.
// It is a benchmark helper, not part of StableNew.
//
//	go build -o /tmp/minwindow ./scripts/tools/minwindow
//	/tmp/minwindow [-size WIDTHxHEIGHT]   (default 400x200)
package main

import (
	"flag"
	"fmt"
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"
)

func main() {
	size := flag.String("size", "400x200", "window size, WIDTHxHEIGHT (StableNew opens at 1400x850)")
	flag.Parse()
	var w, h float32
	if _, err := fmt.Sscanf(*size, "%gx%g", &w, &h); err != nil || w < 1 || h < 1 {
		fmt.Fprintf(os.Stderr, "minwindow: -size takes WIDTHxHEIGHT, such as 1400x850, not %q\n", *size)
		os.Exit(2)
	}
	a := app.NewWithID("io.stablenew.bench.minwindow")
	win := a.NewWindow("Minimal")
	win.SetContent(widget.NewLabel("The smallest Fyne window."))
	win.Resize(fyne.NewSize(w, h))
	win.ShowAndRun()
}
