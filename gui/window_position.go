package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver"
)

// Fyne 2.7 can neither read nor set where a window sits on the desktop, so
// the main window's position is read and set through the platform's own
// window: X11 (window_position_x11.go) and Windows
// (window_position_windows.go). Elsewhere (Wayland, which does not let
// applications place windows, macOS, the test driver) both calls do
// nothing and the window opens where the system puts it.

// windowPosition returns the top-left corner of w on the desktop in screen
// pixels; ok is false where the platform does not say.
func windowPosition(w fyne.Window) (x, y int, ok bool) {
	nw, native := w.(driver.NativeWindow)
	if !native {
		return 0, 0, false
	}
	nw.RunNative(func(ctx any) { x, y, ok = nativePosition(ctx) })
	return x, y, ok
}

// moveWindow puts the top-left corner of w at x, y when that corner is on
// a screen of the desktop as it is now (a monitor since unplugged must not
// leave the window out of reach); it reports whether it moved the window.
func moveWindow(w fyne.Window, x, y int) (moved bool) {
	nw, native := w.(driver.NativeWindow)
	if !native {
		return false
	}
	nw.RunNative(func(ctx any) { moved = nativeMove(ctx, x, y) })
	return moved
}
