package gui

import (
	"testing"

	"fyne.io/fyne/v2/test"

	"stablenew/app"
)

// BenchmarkNewMainWindow measures building the whole window (three columns,
// Prompt tab, header and bottom zone) on a test app, up to the point where
// the packs and presets read in the background are shown. The services are
// opened once; each iteration gets a fresh State and window.
func BenchmarkNewMainWindow(b *testing.B) {
	a := test.NewTempApp(b)
	svc, err := app.Open(app.OpenOptions{DataDir: b.TempDir(), Demo: true, Logger: quietLog()})
	if err != nil {
		b.Fatal(err)
	}
	defer svc.Close()
	cfg, preset := svc.FreshConfig()
	for b.Loop() {
		st := app.NewState(cfg, preset)
		mw := newMainWindow(svc, st, a, NewQueuedBridge(quietLog()))
		mw.Window.Resize(defaultWindowSize)
		if err := mw.Bridge.Settle(settleTimeout); err != nil {
			b.Fatal(err)
		}
		mw.close()
		_ = mw.Bridge.Settle(settleTimeout)
	}
}

// BenchmarkFormLoad measures what every edit costs on the UI goroutine:
// reloading every bound field of the sidebar and the stage cards from the
// State and validating the configuration.
func BenchmarkFormLoad(b *testing.B) {
	mw := newTestWindow(b)
	steps := 20
	for b.Loop() {
		steps = 20 + (steps+1)%100
		mw.State.UpdateConfig(func(c *config) { c.Txt2Img.Steps = steps })
		mw.form.load()
	}
}
