package gui

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"stablenew/app"
)

// settingsDialog edits the app settings of the data folder
// (settings.json): backends, launcher, output root, theme, affinity, the
// watchdog and the names mapped to a WebUI's own. Saved settings apply at once (see applySettings), except the
// launcher's, which apply at the next start.
type settingsDialog struct {
	mw       *MainWindow
	orig     app.Settings
	dlg      *dialog.CustomDialog
	urls     *appEntry
	auth     *widget.Entry
	command  *appEntry
	dir      *appEntry
	auto     *widget.Check
	output   *appEntry
	theme    *widget.Select
	affinity *widget.Check
	watchdog *appEntry
	mappings *mappingsEditor
	problem  *widget.Label
}

// onSettings reads the settings file in the background, then opens the
// dialog. (The running services may use demo or --webui overrides; the
// dialog edits what is saved.)
func (mw *MainWindow) onSettings() {
	var s app.Settings
	dir := mw.Services.DataDir
	mw.Bridge.Go("reading the settings", func(context.Context) (err error) {
		s, err = app.LoadSettings(dir)
		return err
	}, func(err error) {
		if err != nil {
			mw.ShowError("The settings file has a problem; showing the defaults", err)
		}
		newSettingsDialog(mw, s).show()
	})
}

func newSettingsDialog(mw *MainWindow, s app.Settings) *settingsDialog {
	d := &settingsDialog{mw: mw, orig: s}
	d.urls = newAppEntry(mw.keys, true)
	d.urls.SetMinRowsVisible(2)
	d.urls.SetText(strings.Join(s.WebUIURLs, "\n"))
	d.auth = widget.NewPasswordEntry()
	d.auth.SetPlaceHolder("user:password (the WebUI's --api-auth), or empty")
	d.auth.SetText(s.APIAuth)
	d.command = newAppEntry(mw.keys, false)
	d.command.SetPlaceHolder("./webui.sh --api")
	d.command.SetText(s.LauncherCommand)
	d.dir = newAppEntry(mw.keys, false)
	d.dir.SetPlaceHolder("~/stable-diffusion-webui")
	d.dir.SetText(s.LauncherDir)
	d.auto = widget.NewCheck("Start the WebUI when StableNew opens", nil)
	d.auto.SetChecked(s.LauncherAutostart)
	d.output = newAppEntry(mw.keys, false)
	d.output.SetPlaceHolder(mw.Services.Library.OutputDir())
	d.output.SetText(s.OutputRoot)
	d.theme = widget.NewSelect([]string{"dark", "light"}, nil)
	d.theme.SetSelected(themeName(s.Theme))
	d.affinity = widget.NewCheck("Let a free GPU prefer jobs for the model it has loaded", nil)
	d.affinity.SetChecked(s.CheckpointAffinity)
	d.watchdog = newAppEntry(mw.keys, false)
	d.watchdog.SetText(strconv.Itoa(s.WatchdogSeconds))
	d.mappings = newMappingsEditor(mw, s.ResourceMappings)
	d.problem = newNote()
	return d
}

func themeName(s string) string {
	if s == "light" {
		return "light"
	}
	return "dark"
}

func (d *settingsDialog) show() {
	browseDir := &widget.Button{Icon: theme.FolderOpenIcon(), Importance: widget.LowImportance, OnTapped: d.onBrowseLauncher}
	browseOut := &widget.Button{Icon: theme.FolderOpenIcon(), Importance: widget.LowImportance, OnTapped: d.onBrowseOutput}
	var r formRows
	r.add("WebUI URLs", container.NewVBox(d.urls, newHint("one per line; each WebUI runs jobs from the one queue")))
	r.add("API auth", d.auth)
	r.add("Launcher", container.NewVBox(d.command,
		container.NewBorder(nil, nil, nil, d.mw.withTooltip(browseDir, "Choose the folder the launcher command runs in…"), d.dir), d.auto))
	r.add("Output folder", container.NewVBox(container.NewBorder(nil, nil, nil, d.mw.withTooltip(browseOut, "Choose the output folder…"), d.output),
		newHint("empty: the output folder in the data folder")))
	r.add("Data folder", container.NewVBox(&widget.Label{Text: d.mw.Services.DataDir, Selectable: true, Wrapping: fyne.TextWrapBreak},
		newHint("chosen when StableNew starts, with --data-dir")))
	r.add("Theme", d.theme)
	r.add("Queue", d.affinity)
	r.add("Watchdog", container.NewVBox(d.watchdog, newHint("seconds without progress before a generation is interrupted; 0 = off")))
	r.add("Name mappings", d.mappings.build())
	save := &widget.Button{Text: "Save", Icon: theme.DocumentSaveIcon(), Importance: widget.HighImportance, OnTapped: d.onSave}
	cancel := &widget.Button{Text: "Cancel", Icon: theme.CancelIcon(), OnTapped: d.onCancel}
	content := container.NewBorder(nil, container.NewVBox(d.problem, container.NewHBox(layout.NewSpacer(), cancel, save)), nil, nil,
		container.NewVScroll(r.build()))
	d.dlg = dialog.NewCustomWithoutButtons("Settings", withTooltipLayer(content), d.mw.Window)
	d.dlg.Resize(fyne.NewSize(640, 600))
	// While open, closing the window asks about its unsaved changes.
	d.mw.settingsOpen = d
	d.dlg.SetOnClosed(func() {
		if d.mw.settingsOpen == d {
			d.mw.settingsOpen = nil
		}
	})
	d.dlg.Show()
}

// changed names the settings whose fields differ from the saved ones, in
// the dialog's order (nil when nothing changed).
func (d *settingsDialog) changed() []string {
	s, _ := d.settings()
	o := d.orig
	var names []string
	add := func(name string, differs bool) {
		if differs {
			names = append(names, name)
		}
	}
	add("WebUI URLs", !slices.Equal(s.WebUIURLs, o.WebUIURLs))
	add("API auth", s.APIAuth != o.APIAuth)
	add("Launcher", s.LauncherCommand != o.LauncherCommand || s.LauncherDir != o.LauncherDir || s.LauncherAutostart != o.LauncherAutostart)
	add("Output folder", s.OutputRoot != o.OutputRoot)
	add("Theme", s.Theme != themeName(o.Theme))
	add("Queue", s.CheckpointAffinity != o.CheckpointAffinity)
	add("Watchdog", strings.TrimSpace(d.watchdog.Text) != strconv.Itoa(o.WatchdogSeconds))
	add("Name mappings", !reflect.DeepEqual(s.ResourceMappings, o.ResourceMappings) &&
		!(len(s.ResourceMappings) == 0 && len(o.ResourceMappings) == 0))
	return names
}

// saveThen saves the dialog's settings and, once they are on disk, closes
// the dialog and runs then (the close dialog's Save and quit: the next
// start applies them). Invalid fields keep the dialog open with the reason,
// and then does not run.
func (d *settingsDialog) saveThen(then func()) {
	d.save(func(app.Settings) { then() })
}

// save checks the dialog's fields and writes them in the background; once
// they are on disk it closes the dialog and hands them to done. A problem
// (an invalid field, a failed write) shows in the dialog, which stays open.
func (d *settingsDialog) save(done func(app.Settings)) {
	s, err := d.settings()
	if err != nil {
		setNote(d.problem, err.Error())
		return
	}
	setNote(d.problem, "")
	dir := d.mw.Services.DataDir
	d.mw.Bridge.Go("saving the settings", func(context.Context) error {
		return app.SaveSettings(dir, s)
	}, func(err error) {
		if err != nil {
			setNote(d.problem, err.Error())
			return
		}
		d.dlg.Hide()
		done(s)
	})
}

// settings reads the dialog's fields.
func (d *settingsDialog) settings() (app.Settings, error) {
	s := d.orig
	s.WebUIURLs = nil
	for _, l := range strings.Split(d.urls.Text, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			s.WebUIURLs = append(s.WebUIURLs, l)
		}
	}
	s.APIAuth = strings.TrimSpace(d.auth.Text)
	s.LauncherCommand = strings.TrimSpace(d.command.Text)
	s.LauncherDir = strings.TrimSpace(d.dir.Text)
	s.LauncherAutostart = d.auto.Checked
	s.OutputRoot = strings.TrimSpace(d.output.Text)
	s.Theme = d.theme.Selected
	s.CheckpointAffinity = d.affinity.Checked
	w, err := strconv.Atoi(strings.TrimSpace(d.watchdog.Text))
	if err != nil {
		return s, fmt.Errorf("watchdog: enter whole seconds, such as 90 (0 turns it off)")
	}
	s.WatchdogSeconds = w
	s.ResourceMappings = d.mappings.mappings()
	return s, s.Validate()
}

// onSave is the dialog's Save: the settings are written, then applied.
func (d *settingsDialog) onSave() { d.save(d.apply) }

// apply uses the saved settings s: theme and output folder at once, the
// rest through applySettings in the background; then it says what waits
// for a restart.
func (d *settingsDialog) apply(s app.Settings) {
	mw := d.mw
	mw.App.Settings().SetTheme(newTheme(s.Theme))
	mw.State.SetDefaultOutputRoot(s.OutputRoot)
	mw.Log.Info("settings saved", "file", app.SettingsFile)
	mw.applySettings(d.orig, s)
}

// offerRestart says that the WebUI StableNew launched keeps its old
// command until a restart and offers to restart now. The queue is durable: a running job goes back to
// the queue and runs again after the restart.
func (mw *MainWindow) offerRestart() {
	msg := "Settings saved and applied. The WebUI StableNew launched keeps running with the old command " +
		"until StableNew starts next."
	if s := hubOf(mw).snap; s != nil && len(s.Running) > 0 {
		msg += " Restarting now stops the running job; it goes back to the queue and runs again after the restart."
	}
	mw.confirm("Settings saved", msg, "Restart now", mw.restartApp)
}

// restartApp closes the window and asks main to start StableNew again once
// everything is saved and closed (RestartRequested).
func (mw *MainWindow) restartApp() {
	mw.restart = true
	mw.Log.Info("restarting to apply the settings")
	mw.quit()
}

// RestartRequested reports whether the user asked for a restart (to apply
// settings) when the window closed: main then starts StableNew again.
func (mw *MainWindow) RestartRequested() bool { return mw.restart }

func (d *settingsDialog) onCancel() { d.dlg.Hide() }

func (d *settingsDialog) onBrowseLauncher() { d.browse(d.dir) }
func (d *settingsDialog) onBrowseOutput()   { d.browse(d.output) }

// browse fills an entry with a chosen folder.
func (d *settingsDialog) browse(into *appEntry) {
	fd := dialog.NewFolderOpen(func(dir fyne.ListableURI, err error) {
		if err != nil {
			d.mw.ShowError("Could not choose the folder", err)
			return
		}
		if dir != nil {
			into.SetText(dir.Path())
		}
	}, d.mw.Window)
	fd.Resize(fyne.NewSize(800, 560))
	fd.Show()
}
