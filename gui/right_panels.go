package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
)

// rightPanels lays out the Preview, Queue and History panels below the run
// panels. Where the space allows both whole (a tall window, about 980 px
// or more with the run panels' default height), Queue and History are
// stacked in one "Queue & History" tab with a divider between them, as
// the original app stacked its queue and history; on a shorter window
// they are tabs of their own, so that neither is cut off. Its minimum is
// that of the tabs, so the stacked form never makes the window bigger.
type rightPanels struct {
	h    *panelHub
	tabs *container.AppTabs
	// preview, queue and history are the three panels' own tabs;
	// both is the stacked tab, holding split.
	preview, queue, history, both *container.TabItem
	split                         *container.Split
	stacked                       bool
	// last is the Queue's or the History's tab, whichever was shown last:
	// the stacked tab becomes it again when they are unstacked.
	last *container.TabItem
	// bar is the tab bar's height (with its padding), measured while the
	// panels were tabs.
	bar float32
}

// newRightPanels builds the tabs of the three panels; they start as tabs
// and are stacked at the first layout that has room.
func newRightPanels(h *panelHub, preview, queue, history fyne.CanvasObject) *rightPanels {
	r := &rightPanels{h: h}
	r.preview = container.NewTabItemWithIcon("Preview", theme.VisibilityIcon(), preview)
	r.queue = container.NewTabItemWithIcon("Queue", theme.ListIcon(), queue)
	r.last = r.queue
	r.history = container.NewTabItemWithIcon("History", theme.HistoryIcon(), history)
	r.tabs = newAppTabs(r.preview, r.queue, r.history)
	r.split = container.NewVSplit(queue, history)
	r.split.Offset = defaultQueueHistoryDivider
	if o := h.mw.State.View().QueueHistoryDivider; o > 0 && o < 1 {
		r.split.Offset = o
	}
	r.both = container.NewTabItemWithIcon("Queue & History", theme.ListIcon(), r.split)
	return r
}

// defaultQueueHistoryDivider is the Queue's share of the stacked tab.
const defaultQueueHistoryDivider = 0.45

// object is what the right column holds: the tabs under this layout.
func (r *rightPanels) object() fyne.CanvasObject { return container.New(r, r.tabs) }

// Layout stacks or unstacks the panels for size, then gives the tabs all
// of it.
func (r *rightPanels) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	if want := size.Height >= r.stackedMinHeight(); want != r.stacked {
		r.setStacked(want)
	}
	for _, o := range objs {
		o.Move(fyne.Position{})
		o.Resize(size)
	}
}

// MinSize is the minimum of the panels as tabs, in either form.
func (r *rightPanels) MinSize([]fyne.CanvasObject) fyne.Size {
	if !r.stacked {
		return r.tabs.MinSize()
	}
	content := r.contentMin()
	return fyne.NewSize(max(r.tabs.MinSize().Width, content.Width), r.barHeight()+content.Height)
}

// contentMin is the largest minimum of the three panels.
func (r *rightPanels) contentMin() fyne.Size {
	var s fyne.Size
	for _, o := range []fyne.CanvasObject{r.preview.Content, r.queue.Content, r.history.Content} {
		s = s.Max(o.MinSize())
	}
	return s
}

// barHeight is the height the tab bar takes above a panel.
func (r *rightPanels) barHeight() float32 {
	if r.bar == 0 && !r.stacked {
		r.bar = r.tabs.MinSize().Height - r.contentMin().Height
	}
	return r.bar
}

// stackedMinHeight is the height the stacked form needs: Queue and History
// each at their minimum, and the Preview at its own.
func (r *rightPanels) stackedMinHeight() float32 {
	// Not the split's own minimum: it leaves out a hidden side, and the
	// tabs hide the panels they do not show.
	both := r.queue.Content.MinSize().Height + splitDivider() + r.history.Content.MinSize().Height
	return r.barHeight() + max(r.preview.Content.MinSize().Height, both)
}

// setStacked switches between the stacked form and three tabs, keeping
// what is shown: Queue or History selected becomes the stacked tab, and
// the stacked tab becomes whichever of them was shown last.
func (r *rightPanels) setStacked(stacked bool) {
	sel := r.tabs.Selected()
	r.barHeight() // measured while still tabs
	r.stacked = stacked
	if stacked {
		// Content leaving a tab may have been hidden by it.
		r.queue.Content.Show()
		r.history.Content.Show()
		r.split.Leading, r.split.Trailing = r.queue.Content, r.history.Content
		r.tabs.SetItems([]*container.TabItem{r.preview, r.both})
		if sel != r.preview {
			r.tabs.Select(r.both)
		}
		r.split.Refresh()
	} else {
		r.tabs.SetItems([]*container.TabItem{r.preview, r.queue, r.history})
		if sel == r.both {
			r.tabs.Select(r.last)
		}
	}
	if r.h.failures != nil {
		r.h.failures.show()
	}
}

// show brings a panel's tab to the front: item is the preview's, the
// queue's or the history's own tab, which is the stacked tab for the last
// two when they are stacked.
func (r *rightPanels) show(item *container.TabItem) {
	r.selected(item)
	if r.stacked && (item == r.queue || item == r.history) {
		item = r.both
	}
	r.tabs.Select(item)
}

// selected notes a tab the user or the app brought to the front.
func (r *rightPanels) selected(item *container.TabItem) {
	if item == r.queue || item == r.history {
		r.last = item
	}
}

// showsQueue reports whether item, a selected tab, shows the Queue.
func (r *rightPanels) showsQueue(item *container.TabItem) bool {
	return item == r.queue || (r.stacked && item == r.both)
}

// showsHistory reports whether item, a selected tab, shows the History.
func (r *rightPanels) showsHistory(item *container.TabItem) bool {
	return item == r.history || (r.stacked && item == r.both)
}

// setTitles puts suffix (the unseen failures) on the tab titles that show
// the Queue or History. Refreshing the tabs lays out every panel again
// (about 20 ms with the window's first content), so titles that did not
// change (the status bar shows no failures at start) are left alone.
func (r *rightPanels) setTitles(suffix string) {
	if r.queue.Text == "Queue"+suffix && r.history.Text == "History"+suffix && r.both.Text == "Queue & History"+suffix {
		return
	}
	r.queue.Text, r.history.Text, r.both.Text = "Queue"+suffix, "History"+suffix, "Queue & History"+suffix
	r.tabs.Refresh()
}

// defaultRunPanelsHeight is the run panels' height until the user moves
// the divider: the run controls with a running job's title, detail and
// progress (45% of the right column at 1024×700).
const defaultRunPanelsHeight = 236
