package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// columnsLayout lays out the Pipeline tab's columns side by side with equal
// widths where it can: a column whose minimum is wider than an equal share
// gets its minimum and the others share the rest. Its minimum width is the
// sum of the columns' minimums (an equal grid would need the widest one
// times the number of columns).
type columnsLayout struct{}

// Layout places the columns.
func (columnsLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	widths := columnWidths(objs, size.Width-pad*float32(max(len(objs)-1, 0)))
	x := float32(0)
	for i, o := range objs {
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(widths[i], size.Height))
		x += widths[i] + pad
	}
}

// MinSize is the sum of the minimum widths and the tallest minimum height.
func (columnsLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		m := o.MinSize()
		s.Width += m.Width
		s.Height = max(s.Height, m.Height)
	}
	s.Width += theme.Padding() * float32(max(len(objs)-1, 0))
	return s
}

// columnWidths shares avail equally, giving a column at least its minimum.
// It asks each column for its minimum once (a column's MinSize walks all
// its content).
func columnWidths(objs []fyne.CanvasObject, avail float32) []float32 {
	n := len(objs)
	mins := make([]float32, n)
	for i, o := range objs {
		mins[i] = o.MinSize().Width
	}
	widths := make([]float32, n)
	fixed := make([]bool, n)
	for {
		rest, free := avail, 0
		for i := range n {
			if fixed[i] {
				rest -= mins[i]
			} else {
				free++
			}
		}
		if free == 0 {
			return mins
		}
		share := rest / float32(free)
		changed := false
		for i := range n {
			if !fixed[i] && mins[i] > share {
				fixed[i], changed = true, true
			}
		}
		if changed {
			continue
		}
		for i := range n {
			widths[i] = share
			if fixed[i] {
				widths[i] = mins[i]
			}
		}
		return widths
	}
}
