package gui

// closeWhenFyneStops closes the window's Bridge when Fyne's loop ends,
// whichever way it ends: the close button, App.Quit, or Fyne's own answer
// to SIGTERM and Ctrl-C, which destroys the window without the window's
// close running. Fyne runs the hook before Run returns, so before the
// services close and report their last events (a running job put back):
// from then on fyne.Do would run those on the caller's goroutine, off the
// UI goroutine.
func (mw *MainWindow) closeWhenFyneStops() {
	mw.App.Lifecycle().SetOnStopped(mw.Bridge.Close)
}
