//go:build linux

// Command firstframe waits until an X window shows drawn content and
// prints when: the wall clock in Unix nanoseconds. scripts/bench-window
// runs it on each app's window as soon as the window is visible, so that
// the time to the first frame with content stands beside the time to the
// visible window. It is a benchmark helper, not part of StableNew.
//
// A window counts as drawn once its top band (the first 48 rows, where
// both StableNew's header and the minimal window's label sit; every other
// pixel of every other row) holds at least -colours distinct colours: an
// undrawn window is one colour (Xvfb's black root, with -br), and a window
// filled with only its background colour is one colour too, while any
// text brings antialiased shades. Reading only the band keeps the polling
// (every 5 ms) from taking the X server's time from the app measured.
//
//	go build -o /tmp/firstframe ./scripts/tools/firstframe
//	/tmp/firstframe [-colours N] [-timeout D] WINDOW-ID
package main

/*
#cgo LDFLAGS: -lX11
#include <stdlib.h>
#include <X11/Xlib.h>
#include <X11/Xutil.h>

static int noErrors(Display *d, XErrorEvent *e) { return 0; }

// colours counts the distinct pixel values in the top band of window w,
// up to max; -1 when the window cannot be read (not mapped yet, or gone).
static int colours(Display *d, Window w, int max) {
	XWindowAttributes a;
	if (!XGetWindowAttributes(d, w, &a) || a.map_state != IsViewable || a.width < 1 || a.height < 1) {
		return -1;
	}
	int h = a.height < 48 ? a.height : 48;
	XImage *img = XGetImage(d, w, 0, 0, a.width, h, AllPlanes, ZPixmap);
	if (img == NULL) {
		return -1;
	}
	unsigned long seen[64];
	int n = 0;
	for (int y = 0; y < h && n < max && n < 64; y += 2) {
		for (int x = 0; x < a.width && n < max && n < 64; x += 2) {
			unsigned long p = XGetPixel(img, x, y);
			int known = 0;
			for (int i = 0; i < n; i++) {
				if (seen[i] == p) {
					known = 1;
					break;
				}
			}
			if (!known) {
				seen[n++] = p;
			}
		}
	}
	XDestroyImage(img);
	return n;
}

static Display *openDisplay(void) {
	XSetErrorHandler(noErrors);
	return XOpenDisplay(NULL);
}
*/
import "C"

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"time"
)

func main() {
	want := flag.Int("colours", 8, "distinct colours that count as drawn content (at most 64)")
	timeout := flag.Duration("timeout", 10*time.Second, "give up after this long")
	flag.Parse()
	if flag.NArg() != 1 || *want < 2 || *want > 64 {
		fmt.Fprintln(os.Stderr, "usage: firstframe [-colours 2..64] [-timeout D] WINDOW-ID")
		os.Exit(2)
	}
	id, err := strconv.ParseUint(flag.Arg(0), 0, 32)
	if err != nil {
		fmt.Fprintf(os.Stderr, "firstframe: %q is not a window id: %v\n", flag.Arg(0), err)
		os.Exit(2)
	}
	d := C.openDisplay()
	if d == nil {
		fmt.Fprintln(os.Stderr, "firstframe: cannot open the display (is DISPLAY set?)")
		os.Exit(1)
	}
	defer C.XCloseDisplay(d)
	deadline := time.Now().Add(*timeout)
	for time.Now().Before(deadline) {
		if int(C.colours(d, C.Window(id), C.int(*want))) >= *want {
			fmt.Println(time.Now().UnixNano())
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	fmt.Fprintf(os.Stderr, "firstframe: window %d showed no content within %v\n", id, *timeout)
	os.Exit(1)
}
