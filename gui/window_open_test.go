package gui

import (
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"

	"stablenew/app"
	"stablenew/pipeline"
)

// Open, as the app starts: the theme set before the settings are read
// takes their variant in place, the window shows its background at once,
// and the content, built and laid out on another goroutine while the
// window shows, goes into it whole: the form filled from the state, the
// packs read, the services started. The thread checker fails the test if
// the building goroutine refreshes anything already in the window, and
// -race sees it run beside Show.
func TestOpenBuildsTheContentBesideShow(t *testing.T) {
	// Each tab the window may open on: the selected one is built with the
	// rest, beside Show.
	for _, tab := range []string{tabPipeline, tabPrompt, tabLearning} {
		t.Run(tab, func(t *testing.T) { openBesideShow(t, tab) })
	}
}

// openBesideShow opens the window as the app does, on tab.
func openBesideShow(t *testing.T, tab string) {
	a, d := newThreadChecker(t)
	dataDir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dataDir, app.SettingsFile), []byte(`{"theme": "light"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	UseTheme(a)
	early := a.Settings().Theme()
	fonts := make(chan struct{})
	go func() {
		defer close(fonts)
		LoadFonts()
	}()
	svc, err := app.Open(app.OpenOptions{DataDir: dataDir, Demo: true, Logger: quietLog()})
	if err != nil {
		t.Fatal(err)
	}
	st := svc.OpenState()
	st.UpdateConfig(func(c *pipeline.PipelineConfig) { c.Txt2Img.Steps = 37 })
	st.UpdateView(func(v *app.ViewState) { v.Tab = tab })
	t.Cleanup(func() {
		d.Stop()
		_ = st.Close()
		_ = svc.Close()
	})

	mw := Open(svc, st, a, a.NewWindow("StableNew"), fonts)
	t.Cleanup(func() { forgetHub(mw) })
	t.Cleanup(mw.quit)

	if th := a.Settings().Theme(); th != early {
		t.Errorf("Open set another theme (%T); the early one should have taken the variant", th)
	}
	if got := a.Settings().Theme().(*stableTheme).variant; got != theme.VariantLight {
		t.Errorf("theme variant %v, want light as the settings say", got)
	}
	holder, ok := mw.Window.Content().(*fyne.Container)
	if !ok || len(holder.Objects) != 1 {
		t.Fatalf("window content %T, want the holder with the built content alone", mw.Window.Content())
	}
	if _, isBackground := holder.Objects[0].(*canvas.Rectangle); isBackground {
		t.Fatal("the window still shows its background, not the content")
	}
	if mw.tabs == nil || !holds(holder, mw.tabs) {
		t.Fatal("the window's tabs are not in the window")
	}
	if got := mw.tabs.Selected().Text; got != tab {
		t.Errorf("the window opened on %q, want %q", got, tab)
	}
	if _, unbuilt := mw.tabs.Selected().Content.(*unbuiltTab); unbuilt {
		t.Errorf("the %s tab the window opened on is not built", tab)
	}
	inner := defaultWindowSize.Subtract(fyne.NewSquareSize(2 * theme.Padding()))
	if got := holder.Objects[0].Size(); got != inner {
		t.Errorf("content laid out at %v, want %v (the window less its padding)", got, inner)
	}
	if got := field[*entryField[int]](t, mw, "txt2img.steps").Entry.Text; got != "37" {
		t.Errorf("steps field shows %q, want the state's 37", got)
	}
	d.RunUntil(settleTimeout, "the packs read and the WebUI ready", func() bool {
		return mw.lib.loaded && len(mw.lib.Packs) > 0 && mw.Resources() != nil
	})
}

// A theme UseTheme did not set is replaced, as the settings dialog does.
func TestApplyThemeReplacesAThemeItDidNotSet(t *testing.T) {
	a, _ := newThreadChecker(t)
	applyTheme(a, "light")
	first, ok := a.Settings().Theme().(*stableTheme)
	if !ok || first.variant != theme.VariantLight {
		t.Fatalf("theme %T %+v, want StableNew's light theme", a.Settings().Theme(), first)
	}
	applyTheme(a, "dark")
	second := a.Settings().Theme().(*stableTheme)
	if second == first || second.variant != theme.VariantDark || first.variant != theme.VariantLight {
		t.Errorf("applyTheme changed a set theme in place (%v, %v); want a new dark theme", first.variant, second.variant)
	}
}
