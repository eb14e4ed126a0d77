//go:build linux && cgo && !ci && !wayland

package gui

/*
#cgo LDFLAGS: -lX11
#include <X11/Xlib.h>

// sn_display is StableNew's own connection to the X server, opened on
// first use: Xlib lets any client read and move any window.
static Display *sn_display;

static Display *sn_open(void) {
	if (!sn_display) sn_display = XOpenDisplay(NULL);
	return sn_display;
}

// sn_position stores the top-left corner of the window's client area in
// root coordinates, as GLFW's glfwGetWindowPos does.
static int sn_position(unsigned long win, int *x, int *y) {
	Display *d = sn_open();
	Window child;
	if (!d) return 0;
	if (!XTranslateCoordinates(d, (Window)win, DefaultRootWindow(d), 0, 0, x, y, &child)) return 0;
	return 1;
}

// sn_move moves the window's client area to x, y (GLFW gives its windows
// StaticGravity, so the window manager puts the client area, not the
// frame, there), when that point lies on the root window.
static int sn_move(unsigned long win, int x, int y) {
	Display *d = sn_open();
	if (!d) return 0;
	int w = DisplayWidth(d, DefaultScreen(d)), h = DisplayHeight(d, DefaultScreen(d));
	if (x < 0 || y < 0 || x + 64 > w || y + 32 > h) return 0;
	XMoveWindow(d, (Window)win, x, y);
	XFlush(d);
	return 1;
}
*/
import "C"

import "fyne.io/fyne/v2/driver"

// nativePosition reads an X11 window's position.
func nativePosition(ctx any) (x, y int, ok bool) {
	c, isX11 := ctx.(driver.X11WindowContext)
	if !isX11 || c.WindowHandle == 0 {
		return 0, 0, false
	}
	var cx, cy C.int
	if C.sn_position(C.ulong(c.WindowHandle), &cx, &cy) == 0 {
		return 0, 0, false
	}
	return int(cx), int(cy), true
}

// nativeMove moves an X11 window when the point is on the screen.
func nativeMove(ctx any, x, y int) bool {
	c, isX11 := ctx.(driver.X11WindowContext)
	if !isX11 || c.WindowHandle == 0 {
		return false
	}
	return C.sn_move(C.ulong(c.WindowHandle), C.int(x), C.int(y)) != 0
}
