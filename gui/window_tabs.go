package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
)

// Tabs other than the one the window opens on are laid out on first view.
// Fyne sizes and refreshes the content of every tab, shown or not, so a
// hidden tab built at start costs its text measuring, renderers and memory
// before the first window shows. Their state (newPromptTab, newLearningTab)
// is made at start all the same: it hears the library and the queue, and
// keeps what they said for when the tab is built.

// unbuiltTab is the placeholder content of a tab not built yet.
type unbuiltTab struct {
	*fyne.Container
	build func() fyne.CanvasObject
}

// lazyTab returns a tab item whose content build makes on first view
// (see buildTab).
func lazyTab(name string, icon fyne.Resource, build func() fyne.CanvasObject) *container.TabItem {
	return container.NewTabItemWithIcon(name, icon, &unbuiltTab{Container: container.NewStack(), build: build})
}

// buildTab builds the content of tab i if it is not built yet.
func (mw *MainWindow) buildTab(i int) {
	if i < 0 || i >= len(mw.tabs.Items) {
		return
	}
	item := mw.tabs.Items[i]
	lazy, ok := item.Content.(*unbuiltTab)
	if !ok {
		return
	}
	item.Content = lazy.build()
	mw.tabs.Refresh()
}

// buildPromptTab lays out the Prompt tab, whose rows scroll under the wheel
// over a row's field.
func (mw *MainWindow) buildPromptTab() fyne.CanvasObject {
	c := mw.promptTab.build()
	mw.wheelScrolls = append(mw.wheelScrolls, mw.promptTab.rowsScroll)
	return c
}
