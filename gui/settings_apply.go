package gui

import (
	"context"
	"slices"

	"stablenew/app"
)

// applySettings makes the saved settings s live without a restart (UI
// goroutine): Services.ApplySettings runs in the background (it may wait
// for a running job to go back to the queue), then the status bar shows
// the backends now in use, the states of removed backends are dropped and
// the WebUI lists are read again. orig is what the dialog opened with: the
// WebUI URLs and API auth the user left alone keep what the app runs with
// now (--webui and --api-auth stay in force). The next Launch uses a new
// launcher command; a WebUI launched with the old one keeps running until
// a restart (offerRestart); otherwise the user hears that all applied.
func (mw *MainWindow) applySettings(orig, s app.Settings) {
	svc := mw.Services
	cur := svc.CurrentSettings()
	next := s
	if slices.Equal(orig.WebUIURLs, s.WebUIURLs) {
		next.WebUIURLs = cur.WebUIURLs
	}
	if orig.APIAuth == s.APIAuth {
		next.APIAuth = cur.APIAuth
	}
	webChanged := !slices.Equal(orig.WebUIURLs, s.WebUIURLs) || orig.APIAuth != s.APIAuth
	launcher := orig.LauncherCommand != s.LauncherCommand || orig.LauncherDir != s.LauncherDir ||
		orig.LauncherAutostart != s.LauncherAutostart
	mw.Bridge.Go("applying the settings", func(context.Context) error {
		return svc.ApplySettings(next)
	}, func(err error) {
		mw.backendsApplied()
		switch {
		case err != nil:
			mw.ShowError("Settings saved, but not all of them could be applied; restarting StableNew applies them", err)
		case launcher && svc.LauncherRunning():
			mw.offerRestart()
		case svc.Demo != nil && webChanged:
			mw.info("Settings saved", "Settings saved and applied. Demo mode keeps its built-in WebUI: "+
				"the WebUI URLs and API auth apply when StableNew starts without --demo.")
		default:
			mw.info("Settings saved", "Settings saved and applied.")
		}
	})
}

// backendsApplied shows the backends in use after ApplySettings (UI
// goroutine): it rebuilds the status bar's WebUI indicators, forgets the
// connection states of removed backends and reads the WebUI lists again.
func (mw *MainWindow) backendsApplied() {
	live := map[*app.Backend]bool{}
	for _, b := range mw.Services.BackendList() {
		live[b] = true
	}
	for b := range mw.backendStates {
		if !live[b] {
			delete(mw.backendStates, b)
		}
	}
	if sb := hubOf(mw).status; sb != nil {
		sb.rebuildIndicators()
	}
	mw.updateResources()
	mw.RefreshResources()
}
