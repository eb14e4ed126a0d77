package gui

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"stablenew/controller"
	"stablenew/pipeline"
)

func TestPreviewFollowsTheState(t *testing.T) {
	ph := newPanelHarness(t, harnessOptions{rows: 3})
	// With no job to show, the details show only their title: no prompts,
	// no copy buttons, no empty table.
	for _, o := range ph.h.preview.details.body {
		if o.Visible() {
			t.Fatalf("with no job, the details show %T", o)
		}
	}
	res := ph.selectPack()
	if res.err != nil {
		t.Fatalf("plan failed: %v", res.err)
	}
	for _, o := range ph.h.preview.details.body {
		if !o.Visible() {
			t.Errorf("with a job shown, the details hide %T", o)
		}
	}
	if got := len(ph.h.preview.jobs()); got != 3 {
		t.Fatalf("preview jobs = %d, want 3", got)
	}
	if !strings.HasPrefix(ph.h.preview.header.Text, "Jobs 3 | images per job 1 | total 3 | estimated time") {
		t.Errorf("header = %q", ph.h.preview.header.Text)
	}
	disk := "| disk ≈ " + pipeline.FormatDiskBytes(res.plan.DiskBytes())
	if res.plan.DiskBytes() <= 0 || !strings.HasSuffix(ph.h.preview.header.Text, disk) {
		t.Errorf("header = %q: want the plan's disk estimate %q at the end", ph.h.preview.header.Text, disk)
	}
	if ph.h.preview.list.Length() != 3 {
		t.Errorf("list length = %d", ph.h.preview.list.Length())
	}
	first := ph.h.preview.jobs()[0]
	if ph.h.preview.details.job == nil || ph.h.preview.details.job.JobID != first.JobID {
		t.Errorf("the first job is not shown in the details")
	}
	if got := ph.h.preview.details.prompt.Text; got != first.Config.Prompt.Positive {
		t.Errorf("details prompt = %q, want %q", got, first.Config.Prompt.Positive)
	}
	if got, want := ph.h.preview.details.values["Stages"].Text, first.Config.StageSummary(); got != want || got == "" {
		t.Errorf("details Stages = %q, want %q", got, want)
	}
	if got, want := ph.h.preview.details.values["Size"].Text, fmt.Sprintf("%d × %d", first.Config.Txt2Img.Width, first.Config.Txt2Img.Height); got != want {
		t.Errorf("details Size = %q, want %q", got, want)
	}
	for _, k := range detailKeys {
		if ph.h.preview.details.values[k].Text == "" {
			t.Errorf("the details' %s row is empty", k)
		}
	}
	if got := ph.h.preview.details.values["Steps"].Text; got != "4" {
		t.Errorf("details steps = %q, want 4", got)
	}

	// Two batch runs per variant double the jobs; the preview follows.
	ph.mw.State.UpdateConfig(func(c *pipeline.PipelineConfig) { c.Batch.BatchRuns = 2 })
	ph.waitPreview()
	jobs := ph.h.preview.jobs()
	if len(jobs) != 6 {
		t.Fatalf("after batch runs 2: %d jobs, want 6", len(jobs))
	}
	if jobs[1].BatchTotal != 2 || jobs[1].BatchIndex != 1 {
		t.Errorf("job 2 batch = %d/%d, want 2/2", jobs[1].BatchIndex+1, jobs[1].BatchTotal)
	}
	if info := ph.mw.State.PlanInfo(); info.Jobs != 6 || info.Building {
		t.Errorf("published plan info = %+v", info)
	}

	// The stage cards apply with the override check.
	ph.mw.State.UpdateConfig(func(c *pipeline.PipelineConfig) { c.Txt2Img.Steps = 9 })
	ph.mw.State.SetOverrideEnabled(true)
	ph.waitPreview()
	for _, j := range ph.h.preview.jobs() {
		if j.Config.Txt2Img.Steps != 9 {
			t.Fatalf("job %s steps = %d, want 9 from the stage cards", j.JobID, j.Config.Txt2Img.Steps)
		}
	}
}

func TestPreviewShowsPlanErrors(t *testing.T) {
	ph := newPanelHarness(t, harnessOptions{rows: 3})
	res := ph.waitPreview() // no pack selected
	if res.err == nil || !ph.h.preview.errText.Visible() || !strings.Contains(ph.h.preview.errText.Text, "no prompt pack") {
		t.Fatalf("no-pack error not shown: %q", ph.h.preview.errText.Text)
	}
	ph.selectPack()
	if ph.h.preview.errText.Visible() {
		t.Errorf("error still shown: %q", ph.h.preview.errText.Text)
	}
	// Over the cap: the message states the full count.
	ph.mw.State.UpdateConfig(func(c *pipeline.PipelineConfig) { c.Randomizer.MaxVariants = 2 })
	ph.waitPreview()
	if msg := ph.h.preview.errText.Text; !strings.Contains(msg, "3 jobs") || !strings.Contains(msg, "cap of 2") {
		t.Errorf("cap error = %q", msg)
	}
	if info := ph.mw.State.PlanInfo(); info.Err == "" {
		t.Errorf("plan error not published")
	}
}

// specJSON is a job as JSON, for field-by-field comparison.
func specJSON(t *testing.T, j *pipeline.JobSpec) string {
	t.Helper()
	b, err := json.Marshal(j)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestAddToQueueStoresThePreviewedJobs(t *testing.T) {
	ph := newPanelHarness(t, harnessOptions{rows: 4})
	ph.selectPack()
	// A random randomizer seed: every plan differs, so only the previewed
	// plan can match the queue.
	previewed := append([]pipeline.JobSpec(nil), ph.h.preview.jobs()...)
	ph.mw.AddToQueue()
	ph.waitFor("the jobs in the queue", func() bool { return len(ph.queued()) == len(previewed) && !ph.h.controls.submitting })
	ids := ph.queued()
	for i := range previewed {
		if ids[i] != previewed[i].JobID {
			t.Fatalf("queue order: %v", ids)
		}
		rec, err := ph.svc.Queue.Get(ids[i])
		if err != nil {
			t.Fatal(err)
		}
		if got, want := specJSON(t, &rec.JobSpec), specJSON(t, &previewed[i]); got != want {
			t.Fatalf("stored job %d differs from the preview:\nstored  %s\npreview %s", i, got, want)
		}
	}
	if _, ok := ph.mw.State.LastRun(); !ok {
		t.Error("RecordRun was not called")
	}
	if !strings.Contains(ph.h.controls.message.Text, "Queued 4 jobs") {
		t.Errorf("message = %q", ph.h.controls.message.Text)
	}
	// The preview plans again: new job ids for the next Add to Queue.
	next := ph.waitPreview()
	if len(next.plan.Jobs) != 4 || next.plan.Jobs[0].JobID == previewed[0].JobID {
		t.Errorf("the preview did not plan again after queueing")
	}
}

// Run Now queues exactly the previewed jobs, marked as Run Now's (the
// preview plans as Add to Queue, whose jobs keep that source).
func TestRunNowStoresThePreviewedJobsAsRunNow(t *testing.T) {
	ph := newPanelHarness(t, harnessOptions{rows: 3})
	ph.selectPack()
	previewed := append([]pipeline.JobSpec(nil), ph.h.preview.jobs()...)
	for _, j := range previewed {
		if j.Source != pipeline.SourceAddToQueue || j.RunMode != pipeline.RunModeQueue {
			t.Fatalf("previewed job %s: %s/%s", j.JobID, j.RunMode, j.Source)
		}
	}
	ph.mw.RunNow()
	ph.waitFor("the jobs in the queue", func() bool { return len(ph.queued()) == len(previewed) && !ph.h.controls.submitting })
	for i, id := range ph.queued() {
		rec, err := ph.svc.Queue.Get(id)
		if err != nil {
			t.Fatal(err)
		}
		want := previewed[i]
		want.Source = pipeline.SourceRunNow
		if got, want := specJSON(t, &rec.JobSpec), specJSON(t, &want); got != want {
			t.Fatalf("stored job %d is not the previewed one as run_now:\nstored  %s\nwant    %s", i, got, want)
		}
	}
	if ph.h.preview.jobs()[0].Source != pipeline.SourceAddToQueue {
		t.Error("Run Now changed the plan it queued")
	}
}

func TestAddToQueueWaitsForAStalePreview(t *testing.T) {
	ph := newPanelHarness(t, harnessOptions{rows: 2})
	ph.selectPack()
	// Edit and queue at once: the queue must get the rebuilt plan.
	ph.mw.State.UpdateConfig(func(c *pipeline.PipelineConfig) { c.Batch.BatchRuns = 3 })
	ph.mw.Bridge.Drain() // the State's change reaches the preview
	if !ph.h.preview.building {
		t.Fatal("the preview is not rebuilding after an edit")
	}
	ph.mw.AddToQueue()
	if !ph.h.controls.add.Disabled() {
		t.Error("Add to Queue stays enabled while a submit waits")
	}
	ph.mw.AddToQueue() // a second press while waiting queues nothing more
	ph.waitFor("the submit", func() bool { return !ph.h.controls.submitting })
	ids := ph.queued()
	if len(ids) != 6 {
		t.Fatalf("queued %d jobs, want the 6 of the rebuilt plan", len(ids))
	}
	rec, err := ph.svc.Queue.Get(ids[0])
	if err != nil {
		t.Fatal(err)
	}
	if rec.BatchTotal != 3 {
		t.Errorf("stored batch total = %d, want 3", rec.BatchTotal)
	}
}

func TestAddToQueueIsBlockedByPlanErrors(t *testing.T) {
	ph := newPanelHarness(t, harnessOptions{rows: 2})
	ph.waitPreview()
	ph.mw.AddToQueue()
	ph.waitFor("the refusal", func() bool { return !ph.h.controls.submitting })
	if len(ph.queued()) != 0 {
		t.Fatal("jobs queued from a failed plan")
	}
	if msg := ph.h.controls.message.Text; !strings.Contains(msg, "plan has errors") {
		t.Errorf("message = %q", msg)
	}
	if _, ok := ph.mw.State.LastRun(); ok {
		t.Error("RecordRun after a refused submit")
	}
}

func TestClearDraftEmptiesThePreview(t *testing.T) {
	ph := newPanelHarness(t, harnessOptions{rows: 2})
	ph.selectPack()
	ph.tapButton("Clear Draft")
	ph.waitPreview()
	if len(ph.mw.State.Packs()) != 0 || len(ph.h.preview.jobs()) != 0 {
		t.Errorf("draft not cleared: packs %v, jobs %d", ph.mw.State.Packs(), len(ph.h.preview.jobs()))
	}
}

// The preview warns when the output disk has less free space than the
// plan's images need, and says nothing when there is room.
func TestPreviewWarnsWhenTheDiskIsTooFull(t *testing.T) {
	ph := newPanelHarness(t, harnessOptions{rows: 3})
	p := ph.h.preview
	var asked string
	p.freeBytes = func(dir string) (int64, bool) { asked = dir; return 1 << 40, true }
	res := ph.selectPack()
	if p.notes.Visible() && strings.Contains(p.notes.Text, "disk space") {
		t.Fatalf("a warning with 1 TB free: %q", p.notes.Text)
	}
	if asked != res.plan.Jobs[0].OutputDir {
		t.Errorf("asked about %q, want the first job's folder %q", asked, res.plan.Jobs[0].OutputDir)
	}
	p.freeBytes = func(string) (int64, bool) { return 1000, true }
	ph.mw.State.UpdateConfig(func(c *pipeline.PipelineConfig) { c.Batch.BatchRuns = 2 })
	ph.waitPreview()
	if !p.notes.Visible() || !strings.Contains(p.notes.Text, "Not enough disk space") || !strings.Contains(p.notes.Text, "1.0 KB free") {
		t.Errorf("notes %q: want the disk space warning", p.notes.Text)
	}
}

// A panic while planning (here injected through the JobBuilder's clock)
// is shown as the plan's error: the preview never stays at "Rebuilding…",
// Add to Queue refuses, and the next edit plans again.
func TestPreviewShowsAPlannerPanicAsAnError(t *testing.T) {
	ph := newPanelHarness(t, harnessOptions{rows: 2})
	ph.waitPreview()
	clock := ph.svc.Pipeline.Builder.Now
	ph.svc.Pipeline.Builder.Now = func() time.Time { panic("injected planner bug") }
	res := ph.selectPack()
	if res.err == nil || !strings.Contains(res.err.Error(), "injected planner bug") {
		t.Fatalf("plan error = %v", res.err)
	}
	p := ph.h.preview
	if got := p.errText.Text; !strings.Contains(got, "Cannot plan: planning failed on an internal error (injected planner bug)") {
		t.Errorf("error shown: %q", got)
	}
	if strings.Contains(p.state.Text, "Rebuilding") {
		t.Errorf("state still %q", p.state.Text)
	}
	if info := ph.mw.State.PlanInfo(); info.Building || info.Err == "" {
		t.Errorf("plan info %+v", info)
	}
	ph.mw.AddToQueue()
	ph.waitFor("the refusal", func() bool { return !ph.h.controls.submitting })
	if len(ph.queued()) != 0 {
		t.Fatal("jobs queued from a plan that panicked")
	}

	ph.svc.Pipeline.Builder.Now = clock
	ph.mw.State.UpdateConfig(func(c *pipeline.PipelineConfig) { c.Batch.BatchRuns = 2 })
	ph.mw.Bridge.Drain()
	if res := ph.waitPreview(); res.err != nil || len(res.plan.Jobs) != 4 {
		t.Errorf("after the fix: %v", res.err)
	}
}

// A row that comes out as an empty prompt is the plan's error, naming its
// pack and row, and nothing can be queued.
func TestPreviewShowsAnEmptyPromptAsAnError(t *testing.T) {
	ph := newPanelHarness(t, harnessOptions{rows: 1})
	packs := filepath.Join(ph.dir, "packs")
	if err := os.WriteFile(filepath.Join(packs, "blank.txt"), []byte("a dog {in the rain|}\n\n{a cat|}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(packs, "blank.yaml"), []byte("randomizer: {enabled: true}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res := ph.selectPack("blank")
	var ee *controller.EmptyPromptError
	if !errors.As(res.err, &ee) || ee.PackID != "blank" || ee.Row != 1 {
		t.Fatalf("plan error = %v", res.err)
	}
	if got := ph.h.preview.errText.Text; !strings.Contains(got, "Cannot plan: pack blank, prompt 2, variant 2: the prompt comes out empty") {
		t.Errorf("error shown: %q", got)
	}
	ph.mw.AddToQueue()
	ph.waitFor("the refusal", func() bool { return !ph.h.controls.submitting })
	if len(ph.queued()) != 0 {
		t.Fatal("jobs queued from a plan with an empty prompt")
	}
}
