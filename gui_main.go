package main

import (
	"flag"
	"fmt"
	"os"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"
)

// runGUI opens the main window and returns the exit code when it closes.
func runGUI(args []string) int {
	fs := flag.NewFlagSet("stablenew", flag.ContinueOnError)
	dataDir := fs.String("data-dir", "", "data folder (default: ~/.local/share/stablenew)")
	demo := fs.Bool("demo", false, "run against the built-in demo WebUI (placeholder images, no GPU needed)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	_ = dataDir
	_ = demo
	a := fyneapp.NewWithID("io.stablenew.app")
	w := a.NewWindow("StableNew")
	w.SetContent(widget.NewLabel("StableNew"))
	w.Resize(fyne.NewSize(1400, 850))
	w.ShowAndRun()
	fmt.Fprint(os.Stderr)
	return 0
}
