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

	// Add a row, then save under a new id, in the tab (built on first view).
	mw.tabs.SelectIndex(1)
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
	// The sample's header and comments stay; the edited row is replaced in
	// place, the other rows keep their lines.
	if err != nil || !strings.HasPrefix(string(data), "# name: Landscapes (matrix)\n# Landscape studies") ||
		!strings.Contains(string(data), "\n\na blue house\nneg: ") ||
		!strings.Contains(string(data), "of [[place]] at [[time]], winding river, long shadows, atmospheric haze,\ndrone photography") {
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

// TestPromptTabMarksUnsavedEditsAndThePreviewPlansThem: an edit puts a dot
// on the tab and, while the pack is selected, the preview plans the edited
// rows; saving clears both.
func TestPromptTabMarksUnsavedEditsAndThePreviewPlansThem(t *testing.T) {
	mw := newTestWindow(t)
	pt := mw.promptTab
	pt.packs.SetSelected("sdxl_portraits")
	settle(t, mw)
	pt.saveAs("mine")
	settle(t, mw)
	mw.State.SetPacks([]string{"mine"})
	before := waitPlanned(t, mw)
	if before.err != nil {
		t.Fatal(before.err)
	}
	if mw.tabs.Items[1].Text != tabPrompt {
		t.Fatalf("tab title %q before any edit", mw.tabs.Items[1].Text)
	}

	pt.rows[0].positive.SetText("an unsaved castle in the clouds")
	if mw.tabs.Items[1].Text != tabPrompt+" ●" || !strings.Contains(pt.status.Text, "Unsaved changes to mine") {
		t.Errorf("no unsaved mark: tab %q, status %q", mw.tabs.Items[1].Text, pt.status.Text)
	}
	waitFor(t, mw, "the preview of the unsaved rows", func() bool {
		p := hubOf(mw).preview
		r := p.result
		return !p.building && r != nil && r.gen == p.gen && r.err == nil &&
			strings.Contains(r.plan.Jobs[0].Config.Prompt.Positive, "an unsaved castle")
	})
	// Selecting the tab still records it by name.
	mw.tabs.SelectIndex(1)
	if mw.State.View().Tab != tabPrompt {
		t.Errorf("saved tab %q", mw.State.View().Tab)
	}

	// Unchecking the preview check plans the saved file again.
	test.Tap(pt.draft)
	waitFor(t, mw, "the preview of the saved file", func() bool {
		p := hubOf(mw).preview
		r := p.result
		return !p.building && r != nil && r.gen == p.gen && r.err == nil &&
			!strings.Contains(r.plan.Jobs[0].Config.Prompt.Positive, "an unsaved castle")
	})
	test.Tap(pt.draft)
	pt.save("mine")
	settle(t, mw)
	if mw.tabs.Items[1].Text != tabPrompt || pt.dirty {
		t.Errorf("after saving: tab %q dirty %v", mw.tabs.Items[1].Text, pt.dirty)
	}
	if _, ok := mw.State.PackDraft("mine"); ok {
		t.Error("the draft outlived the save")
	}
}
