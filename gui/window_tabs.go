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

// newAppTabs is container.NewAppTabs with its renderer made before the
// tabs' contents are in. Fyne's tabs refresh the content of every tab when
// their renderer is made, which lays the whole window out once more than
// showing it does (about a tenth of the first window's start-up). The
// renderer reads the items' contents when it lays them out, so they are
// put back as they were.
func newAppTabs(items ...*container.TabItem) *container.AppTabs {
	contents := make([]fyne.CanvasObject, len(items))
	for i, it := range items {
		contents[i], it.Content = it.Content, container.NewStack()
	}
	t := container.NewAppTabs(items...)
	t.MinSize() // makes the renderer, over the empty stand-ins
	for i, it := range items {
		it.Content = contents[i]
	}
	return t
}
