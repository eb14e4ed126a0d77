package gui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/stretchr/testify/assert"
)

func TestPromptTabEditsCountsAndSaves(t *testing.T) {
	mw := newTestWindow(t)
	pt := mw.promptTab
	if len(pt.packs.Options) == 0 {
		t.Fatal("no packs to open")
	}
	pt.packs.SetSelected("landscapes_matrix")
	settle(t, mw)
	if pt.current != "landscapes_matrix" || len(pt.rows) == 0 {
		t.Fatalf("opened %q with %d rows", pt.current, len(pt.rows))
	}
	if mw.State.View().PromptPack != "landscapes_matrix" {
		t.Errorf("the open pack is not remembered")
	}
	waitFor(t, mw, "row counts", func() bool { return strings.Contains(pt.rows[0].count.Text, "variant") })

	// Editing a row recounts it (off the UI goroutine).
	row := pt.rows[0]
	row.positive.SetText("a {red|green|blue} house, {day|night}")
	waitFor(t, mw, "the count of the edited row", func() bool { return row.count.Text == "6 variant(s)" })
	row.positive.SetText("a {red|green house")
	waitFor(t, mw, "a syntax error", func() bool { return row.count.Importance == widget.DangerImportance })
	row.positive.SetText("a {red|green} house")
	if !pt.dirty {
		t.Error("not dirty after editing")
	}

	// Add a row, then save under a new id.
	test.Tap(findButton(t, mw.tabs.Items[1].Content, "Add row"))
	last := pt.rows[len(pt.rows)-1]
	test.Type(last.positive, "lighthouse at dusk, __weather__ sky")
	test.Type(last.negative, "blurry")
	n := len(pt.rows)
	test.Tap(findButton(t, mw.tabs.Items[1].Content, "Save as…"))
	name := find(t, topDialog(t, mw), "id entry", func(e *appEntry) bool { return true })
	retype(name, "my_landscapes")
	test.Tap(findButton(t, topDialog(t, mw), "Save"))
	settle(t, mw)
	if pt.current != "my_landscapes" || pt.dirty {
		t.Fatalf("after save: current %q dirty %v", pt.current, pt.dirty)
	}
	p, err := mw.Services.Library.LoadPack("my_landscapes")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Rows) != n || p.Rows[0].Positive != "a {red|green} house" || p.Rows[n-1].Negative != "blurry" {
		t.Errorf("saved rows %+v", p.Rows)
	}

	// Save on an existing pack confirms the overwrite.
	pt.rows[0].positive.SetText("a blue house")
	test.Tap(findButton(t, mw.tabs.Items[1].Content, "Save"))
	if text := dialogText(t, mw); !strings.Contains(text, "Overwrite the file of pack my_landscapes") {
		t.Fatalf("confirm text %q", text)
	}
	test.Tap(findButton(t, topDialog(t, mw), "Save"))
	settle(t, mw)
	data, err := os.ReadFile(filepath.Join(mw.Services.Library.PacksDir(), "my_landscapes.txt"))
	if err != nil || !strings.HasPrefix(string(data), "a blue house") {
		t.Errorf("pack file %q, %v", data, err)
	}

	// Switching packs with unsaved edits asks first, and Cancel keeps them.
	pt.rows[0].positive.SetText("unsaved")
	pt.packs.SetSelected("sdxl_portraits")
	if text := dialogText(t, mw); !strings.Contains(text, "Discard the unsaved changes to my_landscapes") {
		t.Fatalf("no discard question: %q", text)
	}
	test.Tap(findButton(t, topDialog(t, mw), "Cancel"))
	settle(t, mw)
	if pt.current != "my_landscapes" || pt.packs.Selected != "my_landscapes" || pt.rows[0].positive.Text != "unsaved" {
		t.Errorf("cancel lost the edits: %q %q %q", pt.current, pt.packs.Selected, pt.rows[0].positive.Text)
	}
}

// TestCountRowOverTheCap: a row past the combination cap says so, with its
// exact count, in the danger colour.
func TestCountRowOverTheCap(t *testing.T) {
	got := countRow(strings.Repeat("{a|b}", 40), nil)
	assert.Equal(t, "1099511627776 variants: more than a plan may make (100000)", got.text)
	assert.Equal(t, widget.DangerImportance, got.importance)
	got = countRow(strings.Repeat("{", 70)+strings.Repeat("}", 70), nil)
	assert.Contains(t, got.text, "nested more than 64 deep")
}
