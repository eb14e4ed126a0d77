package gui

import (
	"os"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
)

// Clear history counts what the choice selects, deletes exactly that on
// confirmation, reloads the list and leaves the images on disk.
func TestClearHistoryDeletesRecordsNotImages(t *testing.T) {
	ph := historyOf(t, 2)
	h := ph.h.history
	images := h.rows[0].rec.Outputs
	if len(images) == 0 {
		t.Fatal("the job made no image")
	}

	ph.tapButton("Clear history…")
	d := h.pruning
	if d == nil {
		t.Fatal("the Clear history dialog did not open")
	}
	// The default (older than 30 days) matches nothing: the jobs just ran.
	ph.waitFor("the count", func() bool { return d.count.Text != "Counting…" })
	if d.matches != 0 || !d.del.Disabled() {
		t.Fatalf("%d matches (%q): jobs that just finished are not 30 days old", d.matches, d.count.Text)
	}
	// Measured from a clock a year ahead, both match.
	d.now = func() time.Time { return time.Now().Add(365 * day) }
	d.status.SetSelected(pruneStatuses[1].label) // failed and cancelled only
	ph.waitFor("the count", func() bool { return d.count.Text != "Counting…" })
	if d.matches != 0 {
		t.Fatalf("%d failed or cancelled records, want 0", d.matches)
	}
	d.status.SetSelected(pruneStatuses[0].label)
	ph.waitFor("the count", func() bool { return d.matches == 2 })
	if d.del.Disabled() || !strings.Contains(d.del.Text, "2 records") {
		t.Fatalf("the delete button must name the count: %q", d.del.Text)
	}
	test.Tap(d.del)
	ph.waitFor("the emptied history", func() bool { return len(h.rows) == 0 })
	if !strings.Contains(h.message.Text, "Deleted 2 history records") {
		t.Errorf("message %q", h.message.Text)
	}
	for _, img := range images {
		if _, err := os.Stat(img); err != nil {
			t.Errorf("an image went with its record: %v", err)
		}
	}
	if n, err := ph.svc.Queue.CountHistory(d.choice()); err != nil || n != 0 {
		t.Errorf("after the delete %d records match (%v)", n, err)
	}
}
