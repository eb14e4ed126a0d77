package gui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// waitPlanned waits until the window's preview has planned the current
// inputs.
func waitPlanned(t *testing.T, mw *MainWindow) *planResult {
	t.Helper()
	p := hubOf(mw).preview
	waitFor(t, mw, "the preview", func() bool { return !p.building && p.result != nil && p.result.gen == p.gen })
	return p.result
}

func TestInvalidFieldDisablesQueueingWithTheReason(t *testing.T) {
	mw := newTestWindow(t)
	c := hubOf(mw).controls
	// Nothing selected: nothing to queue, and Add to Queue is not the
	// highlighted default.
	mw.State.SetPacks(nil)
	waitPlanned(t, mw)
	if !c.add.Disabled() || !c.runNow.Disabled() || c.add.Importance == widget.HighImportance ||
		!strings.Contains(c.blocked.Text, "Nothing to queue") {
		t.Errorf("with no pack: add disabled %v importance %v, reason %q", c.add.Disabled(), c.add.Importance, c.blocked.Text)
	}

	mw.State.SetPacks([]string{"landscapes_matrix"})
	waitPlanned(t, mw)
	if c.add.Disabled() || c.add.Importance != widget.HighImportance || c.blocked.Visible() {
		t.Fatalf("with a pack: add disabled %v, reason %q", c.add.Disabled(), c.blocked.Text)
	}

	// Text that does not parse blocks at once, while typing.
	steps := field[*entryField[int]](t, mw, "txt2img.steps")
	retype(steps.Entry, "abc")
	if !c.add.Disabled() || !c.runNow.Disabled() || !strings.Contains(c.blocked.Text, "txt2img.steps") ||
		c.blocked.Importance != widget.DangerImportance {
		t.Fatalf("with Steps abc: add disabled %v, reason %q", c.add.Disabled(), c.blocked.Text)
	}
	// The shortcut queues nothing either.
	mw.AddToQueue()
	settle(t, mw)
	if items, _ := mw.Services.Queue.List(); len(items) != 0 {
		t.Fatalf("Ctrl+Enter queued %d jobs with an invalid field", len(items))
	}
	if !strings.Contains(c.message.Text, "Nothing queued") {
		t.Errorf("message %q", c.message.Text)
	}

	// A value out of range (Validate) blocks too; nan in another field adds
	// to the list.
	retype(steps.Entry, "0")
	cfg := field[*entryField[float64]](t, mw, "txt2img.cfg_scale")
	retype(cfg.Entry, "nan")
	settle(t, mw)
	if !c.add.Disabled() || !strings.Contains(c.blocked.Text, "2 fields") {
		t.Fatalf("with two bad fields: reason %q", c.blocked.Text)
	}

	// Fixed: enabled again, and the preview plans (never stuck rebuilding).
	retype(steps.Entry, "25")
	retype(cfg.Entry, "6.5")
	res := waitPlanned(t, mw)
	if res.err != nil || c.add.Disabled() || c.blocked.Visible() {
		t.Fatalf("after fixing: plan err %v, add disabled %v, reason %q", res.err, c.add.Disabled(), c.blocked.Text)
	}
}

func TestEnterConfirmsTheNameDialog(t *testing.T) {
	mw := newTestWindow(t)
	got := ""
	mw.askName("Save preset", "Name", "", "Save", func(s string) { got = s })
	e := find(t, topDialog(t, mw), "name entry", func(*appEntry) bool { return true })
	e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if got != "" || mw.Window.Canvas().Overlays().Top() == nil {
		t.Fatalf("Enter on an empty name confirmed %q", got)
	}
	test.Type(e, "  my look ")
	e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if got != "my look" {
		t.Errorf("Enter gave %q, want the trimmed name", got)
	}
	if mw.Window.Canvas().Overlays().Top() != nil {
		t.Error("the dialog is still open after Enter")
	}
}
