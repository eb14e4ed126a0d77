package gui

import (
	"slices"
	"testing"

	"stablenew/app"
)

// The Prompt and Learning tabs are laid out on first view, not at start,
// and a window opening on one of them builds that one at once.
func TestHiddenTabsAreBuiltOnFirstView(t *testing.T) {
	mw := newTestWindow(t)
	for _, i := range []int{1, 2} {
		if _, lazy := mw.tabs.Items[i].Content.(*unbuiltTab); !lazy {
			t.Errorf("tab %q was built before it was shown", mw.tabs.Items[i].Text)
		}
	}
	if mw.tabs.Items[1].Content.MinSize().Width > 0 {
		t.Error("the unbuilt Prompt tab asks for room")
	}

	mw.tabs.SelectIndex(2)
	settle(t, mw)
	findCheck(t, mw.tabs.Items[2].Content, "Sort by mean rating")
	if _, lazy := mw.tabs.Items[1].Content.(*unbuiltTab); !lazy {
		t.Error("showing Learning built Prompt too")
	}
	mw.tabs.SelectIndex(1)
	settle(t, mw)
	findButton(t, mw.tabs.Items[1].Content, "Add row")
	if !slices.Contains(mw.wheelScrolls, mw.promptTab.rowsScroll) {
		t.Error("the Prompt tab's rows do not scroll under the wheel")
	}
	built := mw.tabs.Items[1].Content
	mw.tabs.SelectIndex(0)
	mw.tabs.SelectIndex(1)
	if mw.tabs.Items[1].Content != built {
		t.Error("the Prompt tab was built again on its second view")
	}

	// A window over a state that was on the Learning tab opens on it, built.
	mw.State.UpdateView(func(v *app.ViewState) { v.Tab = tabLearning })
	again := newMainWindow(mw.Services, mw.State, mw.App, NewQueuedBridge(mw.Log))
	t.Cleanup(func() { again.close() })
	if again.tabs.SelectedIndex() != 2 {
		t.Fatalf("opened on tab %d", again.tabs.SelectedIndex())
	}
	findCheck(t, again.tabs.Items[2].Content, "Sort by mean rating")
	if _, lazy := again.tabs.Items[1].Content.(*unbuiltTab); !lazy {
		t.Error("the Prompt tab was built in a window opening on Learning")
	}
}
