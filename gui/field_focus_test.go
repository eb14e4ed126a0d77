package gui

import (
	"image/color"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
)

// clearCircles counts the transparent circles the window would draw
// (visible, with everything above them visible).
func clearCircles(mw *MainWindow) int {
	n := 0
	walkClipped(mw.Window.Content(), mw.Window.Canvas().Size(), func(o fyne.CanvasObject, _, _ fyne.Position, _ fyne.Size) bool {
		if c, ok := o.(*canvas.Circle); ok && c.FillColor == color.Transparent && (c.StrokeColor == nil || c.StrokeWidth == 0) {
			n++
		}
		return false
	})
	return n
}

// A check's focus circle shows only while the check is hovered or
// focused; the rest of the time it is hidden, not drawn transparent.
func TestCheckDrawsItsFocusCircleOnlyWhenItShows(t *testing.T) {
	test.NewTempApp(t)
	c := newAppCheck(nil, "Auto-run queue", nil)
	w := test.NewTempWindow(t, c)
	w.Resize(fyne.NewSize(200, 40))
	var dot *canvas.Circle
	for _, o := range test.WidgetRenderer(c).Objects() {
		if d, ok := o.(*canvas.Circle); ok {
			dot = d
		}
	}
	if dot == nil {
		t.Fatal("the check's renderer has no focus circle")
	}
	if dot.Visible() {
		t.Fatalf("focus circle visible (fill %v) on a check neither hovered nor focused", dot.FillColor)
	}
	c.MouseIn(&desktop.MouseEvent{})
	if !dot.Visible() || dot.FillColor == color.Transparent {
		t.Fatalf("hovered: circle visible %v, fill %v; want a visible hover colour", dot.Visible(), dot.FillColor)
	}
	c.MouseOut()
	if dot.Visible() {
		t.Fatal("circle still visible after the mouse left")
	}
	w.Canvas().Focus(c)
	if !dot.Visible() || dot.FillColor == color.Transparent {
		t.Fatalf("focused: circle visible %v, fill %v; want a visible focus colour", dot.Visible(), dot.FillColor)
	}
	w.Canvas().Unfocus()
	if dot.Visible() {
		t.Fatal("circle still visible after the check lost the focus")
	}
}

// The main window draws no transparent circle: every check in it hides
// its focus circle while it is clear.
func TestMainWindowDrawsNoClearCircle(t *testing.T) {
	mw := newTestWindow(t)
	if n := clearCircles(mw); n != 0 {
		t.Fatalf("the main window would draw %d transparent circles", n)
	}
}
