package gui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"stablenew/app"
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
	test.Tap(findButton(t, dlg, "Save"))
	settle(t, mw)
	s, err := app.LoadSettings(mw.Services.DataDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.WebUIURLs) != 2 || s.Theme != "light" {
		t.Errorf("saved %+v", s)
	}
	if !strings.Contains(dialogText(t, mw), "apply when StableNew starts next") {
		t.Errorf("no note about the restart: %q", dialogText(t, mw))
	}
	if mw.Services.Settings.Theme != "light" {
		t.Error("the theme was not applied")
	}
	if mw.RestartRequested() {
		t.Fatal("a restart was requested before the user chose it")
	}
	test.Tap(findButton(t, topDialog(t, mw), "Restart now"))
	settle(t, mw)
	if !mw.RestartRequested() || !mw.closed {
		t.Error("Restart now must close the window and ask main for a restart")
	}
}
