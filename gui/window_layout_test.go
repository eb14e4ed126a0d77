package gui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
)

func box(w float32) fyne.CanvasObject {
	r := canvas.NewRectangle(nil)
	r.SetMinSize(fyne.NewSize(w, 10))
	return r
}

func TestColumnWidthsShareEquallyAndKeepMinimums(t *testing.T) {
	for _, tc := range []struct {
		mins  []float32
		avail float32
		want  []float32
	}{
		{[]float32{100, 100, 100}, 900, []float32{300, 300, 300}},
		{[]float32{100, 100, 600}, 900, []float32{150, 150, 600}},
		{[]float32{400, 100, 600}, 1200, []float32{400, 200, 600}},
		{[]float32{500, 500, 500}, 900, []float32{500, 500, 500}},
	} {
		objs := make([]fyne.CanvasObject, len(tc.mins))
		for i, m := range tc.mins {
			objs[i] = box(m)
		}
		got := columnWidths(objs, tc.avail)
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("mins %v avail %v: widths %v, want %v", tc.mins, tc.avail, got, tc.want)
				break
			}
		}
	}
	min := columnsLayout{}.MinSize([]fyne.CanvasObject{box(100), box(200)})
	if want := 300 + theme.Padding(); min.Width != want {
		t.Errorf("MinSize width %v, want %v", min.Width, want)
	}
}
