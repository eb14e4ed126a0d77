package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
)

// heightKeeper lays out a vertical Split so that one of its sides keeps
// the same height in pixels when the window is resized (a Split keeps a
// share): the run panels above the right column's divider, the Details log
// below the tabs. A taller window gives its room to the other side.
// Moving the divider sets the height kept.
type heightKeeper struct {
	split *container.Split
	// trailing is whether the kept side is the split's trailing (lower)
	// one.
	trailing bool
	// height is the kept side's height; offset is the split's offset this
	// layout last set, and last the size it was set for.
	height float32
	offset float64
	last   fyne.Size
}

// Layout converts the height kept into the split's offset for size.
func (k *heightKeeper) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	k.height = k.current()
	if size != k.last {
		if avail := size.Height - splitDivider(); avail > 0 {
			share := min(max(k.height/avail, 0), 1)
			if k.trailing {
				share = 1 - share
			}
			k.offset = float64(share)
			k.split.Offset = k.offset
		}
		k.last = size
	}
	for _, o := range objs {
		o.Move(fyne.Position{})
		o.Resize(size)
	}
}

// MinSize is the split's.
func (k *heightKeeper) MinSize([]fyne.CanvasObject) fyne.Size { return k.split.MinSize() }

// current is the kept side's height now: the one kept, or, when the user
// moved the divider since the last layout, the height the split gave the
// side (the split keeps the offset dragged to but gives no side less than
// its minimum).
func (k *heightKeeper) current() float32 {
	side := k.split.Leading
	if k.trailing {
		side = k.split.Trailing
	}
	if k.last.Height > 0 && k.split.Offset != k.offset && side.Visible() {
		return side.Size().Height
	}
	return k.height
}

// splitDivider is the thickness of a Split's divider (Fyne's: twice the
// padding).
func splitDivider() float32 { return theme.Padding() * 2 }
