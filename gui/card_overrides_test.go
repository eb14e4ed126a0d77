package gui

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// writeSDXLPack writes a pack whose config is nothing like the defaults.
func writeSDXLPack(t *testing.T, mw *MainWindow) {
	t.Helper()
	dir := mw.Services.Library.PacksDir()
	if err := writeFile(filepath.Join(dir, "xl.txt"), "a castle on a hill\n"); err != nil {
		t.Fatal(err)
	}
	sidecar := "txt2img:\n  width: 896\n  height: 1152\n  steps: 24\nhires:\n  enabled: true\n  scale: 1.5\n"
	if err := writeFile(filepath.Join(dir, "xl.yaml"), sidecar); err != nil {
		t.Fatal(err)
	}
	mw.reloadLibrary()
	settle(t, mw)
}

// markerOf returns the label marker of a stage field's key.
func markerOf(t *testing.T, mw *MainWindow, key string) *overrideMarker {
	t.Helper()
	for _, m := range mw.form.markers {
		if m.key == key && m.label != nil {
			return m
		}
	}
	t.Fatalf("no marked label for %s", key)
	return nil
}

func TestStageCardsShowThePackAndOverrideOnlyChangedFields(t *testing.T) {
	mw := newTestWindow(t)
	writeSDXLPack(t, mw)
	mw.State.SetPacks([]string{"xl"})
	width := field[*entryField[int]](t, mw, "txt2img.width")
	waitFor(t, mw, "the cards to show the pack", func() bool { return width.Entry.Text == "896" })
	if _, from, _ := mw.State.StageBase(); from != "xl" || !strings.Contains(mw.cards.note.Text, "settings of pack xl") {
		t.Errorf("base from %q, note %q", from, mw.cards.note.Text)
	}
	if mw.cards.override.Checked || len(mw.State.Overridden()) != 0 {
		t.Fatal("showing the pack made overrides")
	}
	hires := field[*checkField](t, mw, "hires.enabled")
	if !hires.Check.Checked {
		t.Error("the hires check does not show the pack's hires")
	}

	// One field changed: only it overrides, and it is marked.
	steps := field[*entryField[int]](t, mw, "txt2img.steps")
	retype(steps.Entry, "33")
	settle(t, mw)
	if got := mw.State.Overridden(); !reflect.DeepEqual(got, []string{"txt2img.steps"}) || !mw.cards.override.Checked {
		t.Fatalf("overridden %v, check %v", got, mw.cards.override.Checked)
	}
	m := markerOf(t, mw, "txt2img.steps")
	if m.label.Importance != widget.HighImportance || !m.reset.Visible() {
		t.Error("the changed field is not marked")
	}
	if w := markerOf(t, mw, "txt2img.width"); w.label.Importance == widget.HighImportance || w.reset.Visible() {
		t.Error("an untouched field is marked")
	}
	back := mw.form.backs[0]
	if !back.row.Visible() || back.count.Text != "1 field overrides the pack" {
		t.Errorf("card back row %v %q", back.row.Visible(), back.count.Text)
	}
	res := waitPlanned(t, mw)
	if res.err != nil || len(res.plan.Jobs) == 0 {
		t.Fatalf("plan: %v", res.err)
	}
	job := res.plan.Jobs[0].Config
	if job.Txt2Img.Steps != 33 || job.Txt2Img.Width != 896 || job.Txt2Img.Height != 1152 || !job.Hires.Enabled || job.Hires.Scale != 1.5 {
		t.Errorf("the job: steps %d, %d×%d, hires %v ×%v; want the pack's setup with 33 steps",
			job.Txt2Img.Steps, job.Txt2Img.Width, job.Txt2Img.Height, job.Hires.Enabled, job.Hires.Scale)
	}

	// The field's own "back to pack".
	btn := find(t, m.reset, "reset button", func(*widget.Button) bool { return true })
	test.Tap(btn)
	settle(t, mw)
	if steps.Entry.Text != "24" || len(mw.State.Overridden()) != 0 || m.reset.Visible() {
		t.Errorf("after back to pack: steps %q, overridden %v", steps.Entry.Text, mw.State.Overridden())
	}

	// The card's "Back to pack" resets every field of the card.
	retype(field[*entryField[float64]](t, mw, "hires.scale").Entry, "2")
	test.Tap(hires.Check) // hires off
	settle(t, mw)
	if got := mw.State.Overridden(); !reflect.DeepEqual(got, []string{"hires.enabled", "hires.scale"}) {
		t.Fatalf("overridden %v", got)
	}
	if !strings.Contains(hires.Check.Text, "(changed)") {
		t.Errorf("the hires check says %q", hires.Check.Text)
	}
	test.Tap(findButton(t, back.row, "Back to pack"))
	settle(t, mw)
	if c := mw.State.Config(); len(mw.State.Overridden()) != 0 || !c.Hires.Enabled || c.Hires.Scale != 1.5 || back.row.Visible() {
		t.Errorf("after the card's back to pack: %v, hires %v ×%v", mw.State.Overridden(), c.Hires.Enabled, c.Hires.Scale)
	}
}
