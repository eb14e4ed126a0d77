package gui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// refreshCounter is a label that counts its refreshes.
type refreshCounter struct {
	widget.Label
	refreshes int
}

func newRefreshCounter() *refreshCounter {
	r := &refreshCounter{Label: widget.Label{Text: "counted"}}
	r.ExtendBaseWidget(r)
	return r
}

func (r *refreshCounter) Refresh() {
	r.refreshes++
	r.Label.Refresh()
}

// Cards and tabs lay their content out without refreshing it first: Fyne's
// own refresh their content when their renderer is made, which at start-up
// walks the whole window once more (see newCard, newAppTabs).
func TestCardsAndTabsDoNotRefreshTheirContentWhenShown(t *testing.T) {
	test.NewTempApp(t)
	inCard, inTab, inOtherTab := newRefreshCounter(), newRefreshCounter(), newRefreshCounter()
	card := newCard("Title", "Subtitle", inCard)
	tabs := newAppTabs(container.NewTabItem("One", container.NewVBox(card, inTab)), container.NewTabItem("Two", inOtherTab))
	w := test.NewTempWindow(t, tabs)
	w.Resize(fyne.NewSize(400, 300))
	for name, c := range map[string]*refreshCounter{"card content": inCard, "first tab": inTab, "second tab": inOtherTab} {
		if c.refreshes != 0 {
			t.Errorf("%s refreshed %d times while the window was built and laid out, want 0", name, c.refreshes)
		}
	}
	if inCard.Size().Width == 0 || inTab.Size().Width == 0 {
		t.Fatalf("content not laid out: card content %v, tab %v", inCard.Size(), inTab.Size())
	}
	tabs.SelectIndex(1)
	if inOtherTab.Size().Width == 0 || !inOtherTab.Visible() {
		t.Fatalf("second tab not shown when selected: %v", inOtherTab.Size())
	}
}
