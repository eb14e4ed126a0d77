package gui

import (
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"stablenew/pipeline"
	"stablenew/pipeline/queue"
)

// newLearningHarness is the panel harness with the Learning tab beside the
// run panels, over the test pack gui_test (the library read).
func newLearningHarness(t testing.TB, o harnessOptions) (*panelHarness, *learningTab) {
	t.Helper()
	ph := newPanelHarness(t, o)
	lt := newLearningTab(ph.mw)
	ph.mw.Window.SetContent(container.NewHSplit(ph.mw.Window.Content(), lt.build()))
	ph.mw.Window.Resize(fyne.NewSize(1600, 1000))
	lt.start()
	ph.mw.reloadLibrary()
	ph.waitFor("the builder's packs", func() bool { return len(lt.builder.pack.Options) > 0 && lt.builder.pack.Selected != "" })
	lt.builder.pack.SetSelected("gui_test")
	ph.waitFor("the pack's rows", func() bool { return len(lt.builder.row.Options) == 3 })
	return ph, lt
}

// waitBuilder waits until the builder planned its current form.
func waitBuilder(ph *panelHarness, b *learnBuilder) {
	ph.t.Helper()
	ph.waitFor("the builder's plan", func() bool { return !b.planning && b.last != nil && b.last.gen == b.gen })
}

// setSweep types a field and its values into a builder row.
func setSweep(r *sweepRow, field, values string) {
	r.field.SetText(field)
	r.values.SetText(values)
}

func TestLearningBuilderValidatesAsYouType(t *testing.T) {
	ph, lt := newLearningHarness(t, harnessOptions{})
	b := lt.builder
	setSweep(b.x, "txt2img.cfg_scale", "5:9:2")
	setSweep(b.y, "txt2img.steps", "2,3")
	b.seeds.SetText("2")
	waitBuilder(ph, b)
	if got := b.status.Text; !strings.Contains(got, "3 × 2 cells × 2 seeds = 12 jobs") {
		t.Errorf("status %q, want the 3 × 2 × 2 count", got)
	}
	if b.queue.Disabled() || b.preview.Disabled() {
		t.Error("the buttons are disabled for a good experiment")
	}

	// A value that is not a number: the error is beside X, the buttons
	// are off and the status says why.
	b.x.values.SetText("5:x:1")
	waitBuilder(ph, b)
	if !b.x.err.Visible() || !strings.Contains(b.x.err.Text, "not a number") {
		t.Errorf("X error %q (shown %v), want it to say not a number", b.x.err.Text, b.x.err.Visible())
	}
	if !b.queue.Disabled() || !strings.Contains(b.status.Text, "Fix the marked fields") {
		t.Errorf("queue disabled %v, status %q", b.queue.Disabled(), b.status.Text)
	}

	// A field that does not exist: the plan's error goes beside Y.
	b.x.values.SetText("5,7")
	b.y.field.SetText("txt2img.no_such_field")
	waitBuilder(ph, b)
	if !b.y.err.Visible() || b.y.err.Text == "" || b.x.err.Visible() {
		t.Errorf("Y error %q (shown %v), X error shown %v", b.y.err.Text, b.y.err.Visible(), b.x.err.Visible())
	}
	if !b.queue.Disabled() {
		t.Error("Queue experiment is enabled with an unknown field")
	}

	// Too many jobs: the count is in the error.
	setSweep(b.y, "txt2img.steps", "1:40:1")
	b.seeds.SetText("20")
	waitBuilder(ph, b)
	if !b.seedsErr.Visible() || !strings.Contains(b.seedsErr.Text, "1600 jobs") {
		t.Errorf("seeds error %q, want the 1600-job count", b.seedsErr.Text)
	}
	b.seeds.SetText("0")
	waitBuilder(ph, b)
	if !strings.Contains(b.seedsErr.Text, "from 1 to") {
		t.Errorf("seeds error %q for 0", b.seedsErr.Text)
	}

	// No Y: one setting alone.
	b.seeds.SetText("3")
	b.y.field.SetText(noSweep)
	waitBuilder(ph, b)
	if !strings.Contains(b.status.Text, "2 cells × 3 seeds = 6 jobs") || b.queue.Disabled() {
		t.Errorf("status %q with X alone", b.status.Text)
	}
}

func TestLearningPreviewShowsTheExperimentAndAddToQueueQueuesIt(t *testing.T) {
	ph, lt := newLearningHarness(t, harnessOptions{})
	b := lt.builder
	setSweep(b.x, "txt2img.cfg_scale", "5,7")
	b.seeds.SetText("2")
	waitBuilder(ph, b)
	test.Tap(b.preview)
	res := ph.waitPreview()
	if res.experiment == nil || res.err != nil || len(res.plan.Jobs) != 4 {
		t.Fatalf("preview: experiment %v, err %v", res.experiment, res.err)
	}
	for _, j := range res.plan.Jobs {
		if j.LearningContextID != res.experiment.ID || len(j.LearningValues) != 1 {
			t.Fatalf("job %s: context %q values %v", j.JobID, j.LearningContextID, j.LearningValues)
		}
	}
	if !ph.h.preview.experimentBar.Visible() {
		t.Error("the preview does not say it shows an experiment draft")
	}
	ph.mw.AddToQueue()
	ph.waitFor("the experiment in the queue", func() bool { return len(ph.queued()) == 4 })
	recs, err := ph.svc.Queue.Experiments()
	if err != nil || len(recs) != 1 || recs[0].ID != res.experiment.ID || recs[0].Jobs != 4 {
		t.Fatalf("experiments %+v, %v", recs, err)
	}
	// The draft ends; the grid opens on the experiment.
	ph.waitFor("the grid of the queued experiment", func() bool {
		return lt.view != nil && lt.view.id == recs[0].ID && len(lt.view.cells) == 2
	})
	res = ph.waitPreview()
	if res.experiment != nil || ph.h.preview.experimentBar.Visible() {
		t.Error("the preview still shows the experiment after it was queued")
	}
	if b.unqueued() {
		t.Error("the experiment queued from the Preview is still at stake when closing")
	}
}

// TestLearningExperimentRunsFillsRatesSortsAndAppliesBest is the Learning
// tab end to end on the demo WebUI: 3 CFG values × 2 step counts × 2 seeds
// queued from the builder, the grid filling as the jobs finish, ratings by
// key and by mouse, the sort by mean rating and Apply best.
func TestLearningExperimentRunsFillsRatesSortsAndAppliesBest(t *testing.T) {
	ph, lt := newLearningHarness(t, harnessOptions{})
	b := lt.builder
	setSweep(b.x, "txt2img.cfg_scale", "5:9:2")
	setSweep(b.y, "txt2img.steps", "2,3")
	b.seeds.SetText("2")
	waitBuilder(ph, b)
	if !b.unqueued() {
		t.Error("a typed experiment not queued yet is not at stake when closing")
	}
	test.Tap(b.queue)
	ph.waitFor("the queued experiment's grid", func() bool { return lt.view != nil && len(lt.view.cells) == 6 })
	if n := len(ph.queued()); n != 12 {
		t.Fatalf("%d jobs queued, want 12", n)
	}
	if b.unqueued() {
		t.Error("the queued experiment is still at stake when closing")
	}
	if lt.view.completed != 0 || lt.view.pending != 12 {
		t.Fatalf("before running: %s", lt.view.summary())
	}
	rows, cols := lt.grid.length()
	if rows != 6 || cols != 2 {
		t.Fatalf("grid %d×%d, want 6 cells × 2 seeds", rows, cols)
	}

	// The jobs run; the grid fills from the queue's events.
	ph.startServices()
	ph.waitForWithin(60*time.Second, "every image in the grid", func() bool {
		return lt.view.completed == 12
	})
	for _, c := range lt.view.cells {
		for _, s := range c.shots {
			if s.image == "" || s.status != queue.StatusCompleted {
				t.Fatalf("cell %s seed %d: %+v", c.label(), s.seed, s)
			}
		}
	}
	ph.waitFor("the thumbnails", func() bool { return len(lt.grid.thumbs.entries) >= 2 })
	if !strings.Contains(lt.summary.Text, "12 of 12 images done") {
		t.Errorf("summary %q", lt.summary.Text)
	}

	// Rate by key: select the last cell's first image, type 5; then its
	// second image by mouse, 4 stars with a note.
	last := len(lt.grid.rows) - 1
	winner := lt.grid.rows[last]
	lt.grid.table.Select(widget.TableCellID{Row: last, Col: 0})
	if _, s := lt.grid.current(); s == nil || s.jobID != winner.shots[0].jobID {
		t.Fatal("selecting a grid place did not select its image")
	}
	lt.grid.table.TypedRune('5')
	lt.grid.table.Select(widget.TableCellID{Row: last, Col: 1})
	lt.detail.note.SetText("crisp")
	test.Tap(lt.detail.rates[3])
	// A poor first cell, by click and key as a user does it: the click
	// selects the image and gives the grid the keyboard.
	header := newGridHeader().MinSize()
	lt.grid.table.ScrollToTop()
	lt.grid.table.ScrollToLeading()
	test.TapAt(lt.grid.table, fyne.NewPos(gridHeaderWidth+20, header.Height+20))
	if _, s := lt.grid.current(); s == nil || s.jobID != lt.grid.rows[0].shots[0].jobID {
		t.Fatal("clicking the first image did not select it")
	}
	// Keys go where the window's focus is, as the driver sends them.
	focused := ph.mw.Window.Canvas().Focused()
	if focused != fyne.Focusable(lt.grid.table) {
		t.Fatalf("after the click the keys go to %T, not the grid", focused)
	}
	for _, r := range "19" { // 9 is not a rating: ignored
		focused.TypedRune(r)
	}
	ph.waitFor("the ratings read back", func() bool {
		return lt.view.best == winner.index && lt.view.cells[winner.index].rated == 2
	})
	jobs, err := ph.svc.Queue.ExperimentJobs(lt.view.id)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]queue.ExperimentJob{}
	for _, j := range jobs {
		got[j.JobID] = j
	}
	if j := got[winner.shots[0].jobID]; j.Stars != 5 {
		t.Errorf("key 5 stored %d stars", j.Stars)
	}
	if j := got[winner.shots[1].jobID]; j.Stars != 4 || j.Note != "crisp" {
		t.Errorf("the 4★ button stored %d stars, note %q", j.Stars, j.Note)
	}
	if c := lt.view.cells[winner.index]; c.mean != 4.5 {
		t.Errorf("winner's mean %v, want 4.5", c.mean)
	}

	// Sort by mean rating: the winner first, the 1★ cell after it, the
	// unrated cells last in plan order.
	lt.byRating.SetChecked(true)
	if lt.grid.rows[0].index != winner.index || lt.grid.rows[1].index != 0 {
		t.Errorf("sorted rows start %d, %d; want %d, 0", lt.grid.rows[0].index, lt.grid.rows[1].index, winner.index)
	}
	lt.byRating.SetChecked(false)
	if lt.grid.rows[0].index != 0 {
		t.Error("unsorting did not restore plan order")
	}

	// Apply best: the winner's CFG and steps go into the stage cards,
	// where they override the packs.
	if lt.applyBest.Disabled() {
		t.Fatal("Apply best is disabled with a rated winner")
	}
	test.Tap(lt.applyBest)
	cfg := ph.mw.State.Config()
	if cfg.Txt2Img.CFGScale != 9 || cfg.Txt2Img.Steps != 3 {
		t.Errorf("cards have cfg %v steps %d; the winner is cfg 9, steps 3", cfg.Txt2Img.CFGScale, cfg.Txt2Img.Steps)
	}
	over := ph.mw.State.Overridden()
	if !slices.Contains(over, "txt2img.cfg_scale") || !slices.Contains(over, "txt2img.steps") {
		t.Errorf("overridden fields %v lack the applied ones", over)
	}

	// Best as preset: the experiment's settings with the winner's values.
	test.Tap(lt.saveBest)
	ph.tapButton("Save")
	preset := "learned-" + lt.view.id
	ph.waitFor("the preset", func() bool { return slices.Contains(ph.svc.Library.Presets(), preset) })
	// The message comes after the file is written; wait for it, or it
	// could overwrite the grid's message below.
	ph.waitFor("the preset message", func() bool { return strings.HasPrefix(lt.message.Text, "Saved preset") })
	if patch, err := ph.svc.Library.LoadPreset(preset); err != nil {
		t.Errorf("preset %s: %v", preset, err)
	} else if pc, err := patch.ApplyTo(pipeline.Defaults()); err != nil || pc.Txt2Img.CFGScale != 9 || pc.Txt2Img.Steps != 3 {
		t.Errorf("preset %s has cfg %v steps %d; the winner is cfg 9, steps 3", preset, pc.Txt2Img.CFGScale, pc.Txt2Img.Steps)
	}

	// The grid PNG and the export land in the chosen folder.
	dir := t.TempDir()
	id := lt.view.id
	lt.saveGridTo(dir)
	ph.waitFor("the grid", func() bool {
		return strings.HasPrefix(lt.message.Text, "Wrote") || strings.HasPrefix(lt.message.Text, "The grid was not")
	})
	if !strings.HasPrefix(lt.message.Text, "Wrote") {
		t.Errorf("grid: %q", lt.message.Text)
	}
	lt.exportTo(dir)
	ph.waitFor("the export", func() bool {
		return strings.HasPrefix(lt.message.Text, "Exported") || strings.HasPrefix(lt.message.Text, "Nothing exported")
	})
	if !strings.HasPrefix(lt.message.Text, "Exported") {
		t.Errorf("export: %q", lt.message.Text)
	}
	for _, name := range []string{id + "-grid.png", id + ".json", id + ".csv"} {
		if st, err := os.Stat(filepath.Join(dir, name)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", name, err)
		}
	}
	if f, err := os.Open(filepath.Join(dir, id+"-grid.png")); err == nil {
		if _, err := png.DecodeConfig(f); err != nil {
			t.Errorf("the grid is not a PNG: %v", err)
		}
		f.Close()
	}

	// The experiment is in the list; reopening it after a restart reads
	// the same ratings from the database.
	ph.waitFor("the experiment list", func() bool { return len(lt.items) == 1 })
	lt2 := newLearningTab(ph.mw)
	lt2.build()
	lt2.reloadList()
	ph.waitFor("the list of a new tab", func() bool { return len(lt2.items) == 1 })
	lt2.list.Select(0)
	ph.waitFor("the reopened grid", func() bool { return lt2.view != nil && len(lt2.view.cells) == 6 })
	if lt2.view.best != winner.index || lt2.view.cells[winner.index].mean != 4.5 {
		t.Errorf("reopened: best %d mean %v", lt2.view.best, lt2.view.cells[winner.index].mean)
	}
}

// TestLearningTabFits1024x700: at the smallest window the builder's
// buttons, the grid and the rating buttons are on screen.
func TestLearningTabFits1024x700(t *testing.T) {
	mw := newTestWindow(t)
	mw.Window.Resize(minWindowSize)
	mw.tabs.SelectIndex(2)
	settle(t, mw)
	if mw.State.View().Tab != tabLearning {
		t.Errorf("the view remembers tab %q", mw.State.View().Tab)
	}
	lt := mw.learning
	mw.Window.Content().Refresh()
	settle(t, mw)
	for name, o := range map[string]fyne.CanvasObject{
		"Queue experiment": lt.builder.queue, "Preview": lt.builder.preview, "the grid": lt.grid.table,
		"Apply best": lt.applyBest, "the 5★ button": lt.detail.rates[4],
	} {
		if !onScreen(mw, o) {
			t.Errorf("%s (%v at %v) is cut off at 1024×700", name, o.Size(),
				fyne.CurrentApp().Driver().AbsolutePositionForObject(o))
		}
	}
}
