package gui

import (
	"os"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"stablenew/app"
	"stablenew/pipeline"
	"stablenew/pipeline/queue"
	"stablenew/pipeline/webui/webuitest"
)

// runOne queues the test pack on a started demo WebUI.
func runOne(t *testing.T, rows, steps int) *panelHarness {
	t.Helper()
	ph := newPanelHarness(t, harnessOptions{rows: rows, steps: steps, start: true})
	ph.selectPack()
	ph.mw.RunNow()
	return ph
}

func TestRunningJobShowsProgressAndLandsInHistory(t *testing.T) {
	ph := runOne(t, 1, 40)
	r := ph.h.running
	ph.waitFor("the running job", func() bool { return r.job != nil })
	if !strings.Contains(r.summary.Text, "gui_test #1") || !strings.Contains(r.summary.Text, "seed 100") ||
		!strings.Contains(r.summary.Text, "v1-5-pruned-emaonly") {
		t.Errorf("summary = %q", r.summary.Text)
	}
	for _, b := range []string{labelStopAndPause, "Cancel", "Cancel & requeue", "Skip image"} {
		if ph.findButton(b).Disabled() {
			t.Errorf("%s is disabled while a job runs", b)
		}
	}
	ph.waitFor("progress from the demo WebUI", func() bool {
		return r.bar.Value > 0 && strings.Contains(r.barText(), "step ")
	})
	if !strings.HasPrefix(r.times, "Elapsed ") || !strings.HasPrefix(r.detail.Text, "Elapsed ") {
		t.Errorf("times = %q, detail %q", r.times, r.detail.Text)
	}
	ph.waitFor("the running state in the status bar", func() bool {
		return ph.h.status.state.Text == "Running…" || r.job == nil
	})

	// Done: the job is in history with its image.
	h := ph.h.history
	ph.h.showPanel(h.tab)
	ph.waitFor("the job in history", func() bool { return r.job == nil && len(h.rows) == 1 })
	rec := h.rows[0].rec
	if rec.Status != queue.StatusCompleted || len(rec.Outputs) != 1 {
		t.Fatalf("history: %s with %d outputs", rec.Status, len(rec.Outputs))
	}
	if _, err := os.Stat(rec.Outputs[0]); err != nil {
		t.Fatalf("output missing: %v", err)
	}
	if !strings.Contains(h.rows[0].detail, "completed") || !strings.Contains(h.rows[0].detail, "1 image") {
		t.Errorf("history row = %q", h.rows[0].detail)
	}
	if !strings.Contains(r.outcome.Text, "Job finished: 1 image") {
		t.Errorf("outcome = %q", r.outcome.Text)
	}
	if r.summary.Text != "No job running" || r.buttons.Visible() || r.bar.Visible() {
		t.Errorf("running card not cleared: %q (its buttons and bar still show)", r.summary.Text)
	}
	// The thumbnail is decoded off the UI goroutine, then shown.
	ph.waitFor("the thumbnail", func() bool {
		img, ok := h.thumbs.get(rec.Outputs[0])
		return ok && img != nil
	})
	ph.waitFor("the idle status", func() bool { return ph.h.status.state.Text == "Idle" })
}

func TestRunningJobCancelAndRequeue(t *testing.T) {
	ph := runOne(t, 2, 150)
	r := ph.h.running
	ph.waitFor("the running job", func() bool { return r.job != nil && r.progress != nil })
	first := r.job.JobID
	ph.tapButton("Cancel & requeue")
	ph.waitFor("the job back at the bottom", func() bool {
		ids := ph.queued()
		return len(ids) >= 1 && ids[len(ids)-1] == first
	})
	ph.waitFor("the requeue message", func() bool { return strings.Contains(r.outcome.Text, "back to the queue") })

	// Pause now: the next job goes back to the front and the queue pauses.
	ph.waitFor("the next job", func() bool { return r.job != nil && r.job.JobID != first })
	second := r.job.JobID
	ph.tapButton(labelStopAndPause)
	ph.waitFor("the paused queue", func() bool {
		ids := ph.queued()
		return ph.svc.Queue.Paused() && len(ids) == 2 && ids[0] == second && r.job == nil
	})
	ph.waitFor("the stop & pause message", func() bool {
		return strings.Contains(r.outcome.Text, "Stopped and paused") && strings.Contains(r.outcome.Text, "starts over")
	})

	// Cancel: into history as cancelled.
	ph.mw.TogglePause()
	ph.waitFor("a running job", func() bool { return r.job != nil })
	ph.tapButton("Cancel")
	ph.h.showPanel(ph.h.history.tab)
	ph.waitFor("a cancelled job in history", func() bool {
		return len(ph.h.history.rows) > 0 && ph.h.history.rows[0].rec.Status == queue.StatusCancelled
	})
}

func TestRunningJobShowsTheWebUIError(t *testing.T) {
	ph := newPanelHarness(t, harnessOptions{rows: 1, steps: 4, start: true})
	ph.svc.Demo.InjectFault("txt2img", webuitest.Fault{Kind: webuitest.FaultOutOfMemory, Count: 1})
	ph.selectPack()
	ph.mw.RunNow()
	r := ph.h.running
	ph.waitFor("the failure", func() bool { return strings.Contains(r.outcome.Text, "Job failed") })
	if !strings.Contains(r.outcome.Text, "out of memory") {
		t.Errorf("outcome = %q, want the WebUI's message", r.outcome.Text)
	}
	ph.waitFor("the error in the status bar", func() bool { return strings.HasPrefix(ph.h.status.state.Text, "Error: ") })
	h := ph.h.history
	ph.h.showPanel(h.tab)
	ph.waitFor("the failed job in history", func() bool { return len(h.rows) == 1 })
	if !h.rows[0].failed || !strings.Contains(h.rows[0].third, "out of memory") || h.rows[0].rec.Status != queue.StatusFailed {
		t.Errorf("history row: %s %q", h.rows[0].rec.Status, h.rows[0].third)
	}
}

func TestOfflineWebUIShowsInTheStatusBar(t *testing.T) {
	ph := newPanelHarness(t, harnessOptions{urls: []string{"http://127.0.0.1:9"}, start: true})
	sb := ph.h.status
	ph.waitFor("the disconnected WebUI", func() bool {
		return len(sb.indicators) == 1 && sb.indicators[0].state == app.StateDisconnected &&
			strings.HasPrefix(sb.indicators[0].label.Text, "WebUI: Disconnected")
	})
	ind := sb.indicators[0]
	if ind.retry.Disabled() {
		t.Error("Retry is disabled while disconnected")
	}
	if ind.launch.Visible() {
		t.Error("Launch shows without a launch command")
	}
	if ind.dot.FillColor != stateColor(app.StateDisconnected) {
		t.Error("the dot is not the disconnected colour")
	}
	ind.onRetry()
	if !strings.HasPrefix(ind.label.Text, "WebUI: Connecting") {
		t.Errorf("after Retry: %q", ind.label.Text)
	}
	// A job waits for the WebUI; the running card says so.
	ph.selectPack()
	ph.mw.RunNow()
	ph.waitForWithin(30*time.Second, "the waiting message", func() bool {
		return strings.Contains(ph.h.running.waiting.Text, "Waiting for WebUI")
	})
}

func TestLaunchStartsTheConfiguredWebUI(t *testing.T) {
	s := app.DefaultSettings()
	s.LauncherCommand = "true --api"
	ph := newPanelHarness(t, harnessOptions{urls: []string{"http://127.0.0.1:9"}, start: true, settings: &s})
	ind := ph.h.status.indicators[0]
	if !ind.launch.Visible() || ind.launch.Disabled() {
		t.Fatal("Launch is not offered with a launch command")
	}
	test.Tap(ind.launch)
	ph.waitFor("the launch in the log", ph.launched)
}

// launched reports whether the app started a WebUI process (its log says so).
func (ph *panelHarness) launched() bool {
	for _, e := range ph.mw.Logs.Entries() {
		if e.Message == "webui process started" {
			return true
		}
	}
	return false
}

// With autostart on, the launcher runs by itself once the first probe finds
// no WebUI.
func TestLauncherAutostartLaunchesWhenNoWebUIAnswers(t *testing.T) {
	s := app.DefaultSettings()
	s.LauncherCommand = "true --api"
	s.LauncherAutostart = true
	ph := newPanelHarness(t, harnessOptions{urls: []string{"http://127.0.0.1:9"}, start: true, settings: &s})
	ind := ph.h.status.indicators[0]
	ph.waitFor("the launched process", ph.launched)
	if ind.autoLaunch {
		t.Error("autostart must launch once only")
	}
}

// Without autostart nothing is launched by itself.
func TestLauncherWithoutAutostartWaitsForTheUser(t *testing.T) {
	s := app.DefaultSettings()
	s.LauncherCommand = "true --api"
	ph := newPanelHarness(t, harnessOptions{urls: []string{"http://127.0.0.1:9"}, start: true, settings: &s})
	ind := ph.h.status.indicators[0]
	ph.waitFor("the first probe", func() bool {
		return ind.state == app.StateDisconnected || ind.state == app.StateError
	})
	ph.mw.Bridge.Drain()
	if ph.launched() {
		t.Error("the WebUI was launched without autostart")
	}
}

func TestRunNowStartsAQueueWithoutAutoRun(t *testing.T) {
	ph := newPanelHarness(t, harnessOptions{rows: 1, steps: 4, start: true})
	if err := ph.svc.Queue.SetAutoRun(false); err != nil {
		t.Fatal(err)
	}
	if err := ph.svc.Queue.Pause(); err != nil {
		t.Fatal(err)
	}
	ph.selectPack()
	ph.mw.RunNow()
	ph.h.showPanel(ph.h.history.tab)
	ph.waitFor("the job in history", func() bool { return len(ph.h.history.rows) == 1 })
	if ph.svc.Queue.Paused() {
		t.Error("Run Now left the queue paused")
	}
}

func TestEventPumpCoalescesProgress(t *testing.T) {
	ph := newPanelHarness(t, harnessOptions{rows: 1, steps: 60, start: true})
	calls := 0
	var first, last time.Time
	ph.h.probe = func(name string, _ time.Duration) {
		if name != "queue events" {
			return
		}
		calls++
		if first.IsZero() {
			first = time.Now()
		}
		last = time.Now()
	}
	ph.selectPack()
	ph.mw.RunNow()
	ph.h.showPanel(ph.h.history.tab)
	ph.waitFor("the job in history", func() bool { return len(ph.h.history.rows) == 1 })
	span := last.Sub(first).Seconds()
	if span < 1 {
		t.Fatalf("the job ran only %.2fs", span)
	}
	if rate := float64(calls-1) / span; rate > 11 {
		t.Errorf("%d UI updates in %.1fs: %.1f/s, want at most ~10/s", calls, span, rate)
	}
}

func TestStageProgressNamesADetailerInsideTxt2Img(t *testing.T) {
	stages := []pipeline.StageType{pipeline.StageTxt2Img, pipeline.StageADetailer}
	one := &queue.ProgressInfo{Stage: pipeline.StageTxt2Img, StageIndex: 0, StageTotal: 1}
	if got := stageProgress(one, stages); got != "txt2img + ADetailer" {
		t.Errorf("txt2img with ADetailer in one request: %q", got)
	}
	two := &queue.ProgressInfo{Stage: pipeline.StageUpscale, StageIndex: 1, StageTotal: 2}
	if got := stageProgress(two, []pipeline.StageType{pipeline.StageTxt2Img, pipeline.StageUpscale}); got != "upscale (stage 2 of 2)" {
		t.Errorf("two requests: %q", got)
	}
	if got := stageProgress(one, stages[:1]); got != "txt2img" {
		t.Errorf("txt2img alone: %q", got)
	}
}
