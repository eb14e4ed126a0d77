package gui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"stablenew/app"
	"stablenew/pipeline/resources"
	"stablenew/pipeline/webui/webuitest"
)

func TestSettingsDialogValidatesAndSaves(t *testing.T) {
	mw := newTestWindow(t)
	mw.onSettings()
	settle(t, mw)
	dlg := topDialog(t, mw)
	urls := find(t, dlg, "URL entry", func(e *appEntry) bool { return e.MultiLine })
	if urls.Text != app.DefaultWebUIURL {
		t.Errorf("URLs %q: the dialog must show the saved settings, not the demo backend", urls.Text)
	}
	if !strings.Contains(dialogText(t, mw), mw.Services.DataDir) {
		t.Error("the data folder is not shown")
	}
	urls.SetText("not a url")
	test.Tap(findButton(t, dlg, "Save"))
	settle(t, mw)
	problem := find(t, dlg, "problem label", func(l *widget.Label) bool {
		return l.Importance == widget.DangerImportance && l.Visible() && l.Text != ""
	})
	if !strings.Contains(problem.Text, `WebUI URL "not a url"`) {
		t.Errorf("problem %q", problem.Text)
	}
	if mw.Window.Canvas().Overlays().Top() != dlg {
		t.Fatal("the dialog closed on invalid input")
	}

	urls.SetText("http://127.0.0.1:7860\nhttp://gpu2:7861")
	sel := find(t, dlg, "theme select", func(s *widget.Select) bool { return len(s.Options) == 2 && s.Options[0] == "dark" })
	sel.SetSelected("light")
	launcher := find(t, dlg, "launcher entry", func(e *appEntry) bool { return e.PlaceHolder == "./webui.sh --api" })
	launcher.SetText("./webui.sh --api --listen")
	test.Tap(findButton(t, dlg, "Save"))
	settle(t, mw)
	s, err := app.LoadSettings(mw.Services.DataDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.WebUIURLs) != 2 || s.Theme != "light" || s.LauncherCommand != "./webui.sh --api --listen" {
		t.Errorf("saved %+v", s)
	}
	// No WebUI was launched, so the new command simply applies to the next
	// Launch: nothing waits for a restart.
	if txt := dialogText(t, mw); !strings.Contains(txt, "Settings saved and applied") || strings.Contains(txt, "Restart") {
		t.Errorf("after a launcher change with no WebUI launched: %q", txt)
	}
	cur := mw.Services.CurrentSettings()
	if cur.Theme != "light" {
		t.Error("the theme was not applied")
	}
	// Demo mode keeps its one built-in WebUI.
	if list := mw.Services.BackendList(); len(list) != 1 || list[0].URL != mw.Services.Demo.URL() {
		t.Errorf("demo mode changed its backend: %d backends", len(list))
	}
	if n := len(hubOf(mw).status.indicators); n != 1 {
		t.Errorf("%d WebUI indicators in demo mode, want 1", n)
	}
	if mw.RestartRequested() {
		t.Fatal("a restart was requested before the user chose it")
	}
	// With a launched WebUI running, the old command keeps running until a
	// restart, which the app offers.
	mw.offerRestart()
	settle(t, mw)
	if !strings.Contains(dialogText(t, mw), "keeps running with the old command") {
		t.Errorf("restart offer: %q", dialogText(t, mw))
	}
	test.Tap(findButton(t, topDialog(t, mw), "Restart now"))
	settle(t, mw)
	if !mw.RestartRequested() || !mw.closed {
		t.Error("Restart now must close the window and ask main for a restart")
	}
}

// Changing the WebUI URLs applies at once: the running services switch
// backends and the status bar shows one indicator per new backend.
func TestSettingsDialogAppliesURLsLive(t *testing.T) {
	a, b := webuitest.New(webuitest.Options{Seed: 1}), webuitest.New(webuitest.Options{Seed: 2})
	t.Cleanup(a.Close)
	t.Cleanup(b.Close)
	mw := newTestWindowWith(t, app.OpenOptions{DataDir: t.TempDir(), WebUIURLs: []string{a.URL()}})
	mw.start()
	sb := hubOf(mw).status
	ready := func(n int) func() bool {
		return func() bool {
			if len(sb.indicators) != n {
				return false
			}
			for _, ind := range sb.indicators {
				if ind.state != app.StateReady {
					return false
				}
			}
			return true
		}
	}
	waitFor(t, mw, "WebUI A ready", ready(1))
	first := sb.indicators[0]

	save := func(urls string) {
		t.Helper()
		mw.onSettings()
		settle(t, mw)
		dlg := topDialog(t, mw)
		find(t, dlg, "URL entry", func(e *appEntry) bool { return e.MultiLine }).SetText(urls)
		test.Tap(findButton(t, dlg, "Save"))
		settle(t, mw)
		if text := dialogText(t, mw); !strings.Contains(text, "Settings saved and applied.") || strings.Contains(text, "Restart") {
			t.Fatalf("after saving %q the window says %q", urls, text)
		}
		test.Tap(findButton(t, topDialog(t, mw), "OK"))
		settle(t, mw)
	}

	save(a.URL() + "\n" + b.URL())
	if n := len(sb.indicators); n != 2 {
		t.Fatalf("%d WebUI indicators after entering two URLs, want 2", n)
	}
	if sb.indicators[0] != first || sb.indicators[0].name != "WebUI 1" || sb.indicators[1].name != "WebUI 2" {
		t.Errorf("indicators %q, %q: A must keep its indicator", sb.indicators[0].name, sb.indicators[1].name)
	}
	if got := len(sb.web.Objects); got != 2 {
		t.Errorf("the status bar shows %d indicators, want 2", got)
	}
	waitFor(t, mw, "both WebUIs ready", ready(2))
	if n := len(mw.Services.Queue.Backends()); n != 2 {
		t.Errorf("%d queue workers, want 2", n)
	}

	save(b.URL())
	waitFor(t, mw, "WebUI B ready alone", ready(1))
	if ind := sb.indicators[0]; ind.b.URL != b.URL() || ind.name != "WebUI" {
		t.Errorf("indicator %q for %s, want WebUI for B", ind.name, ind.b.URL)
	}
	for bk := range mw.backendStates {
		if bk.URL == a.URL() {
			t.Error("the removed WebUI A still has a connection state")
		}
	}
	if n := len(mw.Services.Queue.Backends()); n != 1 {
		t.Errorf("%d queue workers, want 1", n)
	}
}

// The names mapped to a WebUI's own are listed in Settings: one can be
// edited, another removed, and the saved settings hold exactly that.
func TestSettingsDialogEditsNameMappings(t *testing.T) {
	mw := newTestWindow(t)
	s := app.DefaultSettings()
	s.ResourceMappings = []resources.Alias{
		{WebUI: "http://127.0.0.1:7860", Kind: resources.KindCheckpoint, Name: "sd_xl_base_1.0", Use: "SDXL/sd_xl_base_1.0.safetensors [31e35c80fc]"},
		{WebUI: "http://127.0.0.1:7860", Kind: resources.KindUpscaler, Name: "4x_NMKD", Use: "4x-UltraSharp"},
	}
	if err := app.SaveSettings(mw.Services.DataDir, s); err != nil {
		t.Fatal(err)
	}
	mw.onSettings()
	settle(t, mw)
	dlg := topDialog(t, mw)
	if !strings.Contains(dialogText(t, mw), `checkpoint "sd_xl_base_1.0" on http://127.0.0.1:7860 →`) {
		t.Fatalf("the mapping is not listed: %q", dialogText(t, mw))
	}
	use := find(t, dlg, "the upscaler's entry", func(e *appEntry) bool { return e.Text == "4x-UltraSharp" })
	use.SetText("R-ESRGAN 4x+")
	remove := find(t, dlg, "a remove button", func(b *widget.Button) bool { return b.Icon == theme.DeleteIcon() })
	test.Tap(remove)
	test.Tap(findButton(t, dlg, "Save"))
	settle(t, mw)
	got, err := app.LoadSettings(mw.Services.DataDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.ResourceMappings) != 1 || got.ResourceMappings[0].Kind != resources.KindUpscaler || got.ResourceMappings[0].Use != "R-ESRGAN 4x+" {
		t.Errorf("saved mappings %+v", got.ResourceMappings)
	}
}
