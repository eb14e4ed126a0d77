package gui

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// queueOf queues the test pack's jobs (no workers run: they stay queued)
// and waits for the queue panel to list them.
func queueOf(t *testing.T, rows int) (*panelHarness, []string) {
	t.Helper()
	ph := newPanelHarness(t, harnessOptions{rows: rows})
	ph.selectPack()
	ph.h.showPanel(ph.h.queue.tab)
	ph.mw.AddToQueue()
	ph.waitFor("the queue panel", func() bool { return len(ph.h.queue.items) == rows })
	return ph, ph.panelIDs()
}

// expectOrder waits until JobService and the panel show the order.
func (ph *panelHarness) expectOrder(t *testing.T, want []string) {
	t.Helper()
	ph.waitFor("queue order "+strings.Join(short(want), ","), func() bool {
		return slices.Equal(ph.queued(), want) && slices.Equal(ph.panelIDs(), want)
	})
}

// short abbreviates ids for messages.
func short(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id[:min(8, len(id))]
	}
	return out
}

// order builds an order from the original ids by index.
func order(ids []string, idx ...int) []string {
	out := make([]string, len(idx))
	for i, k := range idx {
		out[i] = ids[k]
	}
	return out
}

func TestQueuePanelListsNumberedRows(t *testing.T) {
	ph, ids := queueOf(t, 5)
	q := ph.h.queue
	if q.title.Text != "Queue (5 jobs)" {
		t.Errorf("title = %q", q.title.Text)
	}
	if !strings.HasPrefix(q.eta.Text, "ETA ") || !strings.Contains(q.eta.Text, "done ≈") {
		t.Errorf("ETA = %q", q.eta.Text)
	}
	row := q.createRow().(*queueRow)
	q.updateRow(2, row)
	if row.num.Text != "3." || !strings.Contains(row.title.Text, "gui_test #3") {
		t.Errorf("row 3 = %q %q", row.num.Text, row.title.Text)
	}
	if ph.h.controls.status.Text != "5 job(s) pending" {
		t.Errorf("status = %q", ph.h.controls.status.Text)
	}
	_ = ids
}

// TestWindowHoldsNoQueuedJobsUntilTheQueueShows: while the Queue panel has
// not shown, the window knows how many jobs are queued (run controls,
// status bar) but holds none of them; showing the panel (its own tab, or
// the stacked Queue & History tab) lists them.
func TestWindowHoldsNoQueuedJobsUntilTheQueueShows(t *testing.T) {
	for _, stacked := range []bool{false, true} {
		t.Run(map[bool]string{false: "tabs", true: "stacked"}[stacked], func(t *testing.T) {
			ph := newPanelHarness(t, harnessOptions{rows: 4})
			ph.h.panels.setStacked(stacked)
			ph.selectPack()
			ph.mw.AddToQueue()
			ph.waitFor("4 jobs pending", func() bool { return ph.h.controls.status.Text == "4 job(s) pending" })
			if s := ph.h.snap; s == nil || s.Listed || s.Queued != nil || s.QueuedCount != 4 {
				t.Fatalf("snapshot before the queue shows: %+v; want 4 queued jobs counted, none held", s)
			}
			if len(ph.h.queue.items) != 0 {
				t.Fatalf("the hidden queue panel holds %d jobs", len(ph.h.queue.items))
			}
			ph.h.panels.tabs.Select(ph.h.panels.tabs.Items[1]) // as a click on the tab
			ph.waitFor("the queue panel", func() bool { return len(ph.h.queue.items) == 4 })
			if ph.h.queue.title.Text != "Queue (4 jobs)" || !ph.h.snap.Listed {
				t.Errorf("after the queue showed: title %q, listed %v", ph.h.queue.title.Text, ph.h.snap.Listed)
			}
			// Later snapshots keep the jobs: a new one is listed at once.
			ph.mw.AddToQueue()
			ph.waitFor("8 jobs listed", func() bool { return len(ph.h.queue.items) == 8 })
		})
	}
	// History shown, then the window grows tall enough to stack Queue and
	// History in one tab: the Queue shows without a click.
	ph := newPanelHarness(t, harnessOptions{rows: 2})
	ph.h.panels.setStacked(false)
	ph.selectPack()
	ph.mw.AddToQueue()
	ph.waitFor("2 jobs pending", func() bool { return ph.h.controls.status.Text == "2 job(s) pending" })
	ph.h.panels.tabs.Select(ph.h.panels.history)
	ph.h.panels.setStacked(true)
	ph.waitFor("the stacked queue panel", func() bool { return len(ph.h.queue.items) == 2 })
}

func TestQueueButtonsMoveTheSelection(t *testing.T) {
	ph, ids := queueOf(t, 6)
	q := ph.h.queue
	for _, b := range []string{"Up", "Down", "Top", "Bottom", "Move to…", "Remove"} {
		if !ph.findButton(b).Disabled() {
			t.Errorf("%s is enabled without a selection", b)
		}
	}

	// Click row 3 (index 2), then Up: it becomes 2nd and stays selected.
	q.onRowTapped(2, 0)
	ph.tapButton("Up")
	ph.expectOrder(t, order(ids, 0, 2, 1, 3, 4, 5))
	if sel := q.selectedIDs(); len(sel) != 1 || sel[0] != ids[2] || q.firstSelected() != 1 {
		t.Fatalf("selection did not follow the job: %v at %d", short(sel), q.firstSelected())
	}

	ph.tapButton("Down")
	ph.expectOrder(t, ids)

	ph.tapButton("Top")
	ph.expectOrder(t, order(ids, 2, 0, 1, 3, 4, 5))

	ph.tapButton("Bottom")
	ph.expectOrder(t, order(ids, 0, 1, 3, 4, 5, 2))

	// Multi-select with the checks (rows 2 and 4), then Top keeps their order.
	q.onRowTapped(0, 0)
	q.setRowSelected(0, false)
	q.setRowSelected(1, true)
	q.setRowSelected(3, true)
	ph.tapButton("Top")
	ph.expectOrder(t, order(ids, 1, 4, 0, 3, 5, 2))
	if sel := q.selectedIDs(); !slices.Equal(sel, order(ids, 1, 4)) {
		t.Fatalf("selection after Top = %v", short(sel))
	}

	// Move to… a typed position.
	test.Type(q.pos, "4")
	ph.tapButton("Move to…")
	ph.expectOrder(t, order(ids, 0, 3, 5, 1, 4, 2))
	if q.firstSelected() != 3 {
		t.Errorf("selection at %d after Move to 4", q.firstSelected())
	}

	// Shift+click selects a range; Ctrl+click toggles.
	q.onRowTapped(0, 0)
	q.onRowTapped(2, fyne.KeyModifierShift)
	if sel := q.selectedIDs(); !slices.Equal(sel, order(ids, 0, 3, 5)) {
		t.Fatalf("shift range = %v", short(sel))
	}
	q.onRowTapped(1, fyne.KeyModifierControl)
	if sel := q.selectedIDs(); !slices.Equal(sel, order(ids, 0, 5)) {
		t.Fatalf("ctrl toggle = %v", short(sel))
	}

	ph.tapButton("Remove")
	ph.expectOrder(t, order(ids, 3, 1, 4, 2))
	if len(q.selectedIDs()) != 0 || !ph.findButton("Remove").Disabled() {
		t.Errorf("removed jobs still selected")
	}
	if q.title.Text != "Queue (4 jobs)" {
		t.Errorf("title = %q", q.title.Text)
	}
}

func TestQueueSelectAllAndRowCheck(t *testing.T) {
	ph, ids := queueOf(t, 3)
	q := ph.h.queue
	test.Tap(q.all)
	if !slices.Equal(q.selectedIDs(), ids) {
		t.Fatalf("All selected %v", short(q.selectedIDs()))
	}
	row := q.createRow().(*queueRow)
	q.updateRow(1, row)
	if !row.check.Checked {
		t.Error("a selected row's check is off")
	}
	test.Tap(row.check) // unticks row 2
	if slices.Contains(q.selectedIDs(), ids[1]) || q.all.Checked {
		t.Error("unticking a row did not unselect it")
	}
	test.Tap(row) // a plain click selects only that row
	if !slices.Equal(q.selectedIDs(), ids[1:2]) {
		t.Errorf("click selected %v", short(q.selectedIDs()))
	}
}

func TestQueueClearAsksFirst(t *testing.T) {
	ph, ids := queueOf(t, 3)
	ph.tapButton("Clear…")
	if ph.h.queue.confirm == nil {
		t.Fatal("no confirmation")
	}
	ph.tapButton("Keep")
	ph.waitFor("nothing", func() bool { return true })
	if len(ph.queued()) != 3 {
		t.Fatal("Keep cleared the queue")
	}
	ph.tapButton("Clear…")
	ph.tapButton("Clear queue")
	ph.expectOrder(t, nil)
	if ph.h.queue.title.Text != "Queue (0 jobs)" || ph.h.controls.status.Text != "Queue: Idle" {
		t.Errorf("after clear: %q / %q", ph.h.queue.title.Text, ph.h.controls.status.Text)
	}
	_ = ids
}

func TestPauseResumeToggle(t *testing.T) {
	ph, _ := queueOf(t, 2)
	ph.tapButton("Pause Queue")
	ph.waitFor("the paused queue", func() bool {
		return ph.svc.Queue.Paused() && ph.h.controls.status.Text == "Paused (2 pending)"
	})
	if ph.findButton("Resume Queue") == nil {
		t.Fatal("no Resume Queue button")
	}
	ph.waitFor("the status bar", func() bool { return ph.h.status.state.Text == "Paused" })
	ph.mw.TogglePause() // the Ctrl+P shortcut
	ph.waitFor("the resumed queue", func() bool {
		return !ph.svc.Queue.Paused() && ph.h.controls.status.Text == "2 job(s) pending"
	})
	if ph.findButton("Pause Queue") == nil {
		t.Fatal("no Pause Queue button")
	}

	// Auto-run follows the check.
	test.Tap(ph.h.controls.autoRun)
	ph.waitFor("auto-run off", func() bool { return !ph.svc.Queue.AutoRun() })
	test.Tap(ph.h.controls.autoRun)
	ph.waitFor("auto-run on", func() bool { return ph.svc.Queue.AutoRun() })
}

// A batch in which no job changed (pause, resume, a backend's state) reads
// the queue's state again but keeps the list of jobs; a change of a job
// lists the queue again.
func TestPauseKeepsTheListedJobs(t *testing.T) {
	ph, ids := queueOf(t, 3)
	if err := ph.svc.Queue.Pause(); err != nil {
		t.Fatal(err)
	}
	ph.waitFor("the paused snapshot", func() bool { return ph.h.snap != nil && ph.h.snap.Paused })
	first := ph.h.snap
	if err := ph.svc.Queue.Resume(); err != nil {
		t.Fatal(err)
	}
	ph.waitFor("the resumed snapshot", func() bool { return !ph.h.snap.Paused })
	if len(ph.h.snap.Queued) != 3 || &ph.h.snap.Queued[0] != &first.Queued[0] {
		t.Errorf("resuming listed the queue again (%d jobs)", len(ph.h.snap.Queued))
	}
	if strings.Contains(ph.h.queue.eta.Text, "once resumed") || len(ph.h.queue.items) != 3 {
		t.Errorf("after resume: ETA %q, %d jobs shown", ph.h.queue.eta.Text, len(ph.h.queue.items))
	}
	resumed := ph.h.snap
	if _, err := ph.svc.Queue.Remove(ids[:1]); err != nil {
		t.Fatal(err)
	}
	ph.waitFor("the queue without the removed job", func() bool { return len(ph.h.queue.items) == 2 })
	if len(ph.h.snap.Queued) != 2 || &ph.h.snap.Queued[0] == &resumed.Queued[0] {
		t.Error("removing a job did not list the queue again")
	}
}
