package gui

import (
	"testing"
	"time"

	"stablenew/app"
	"stablenew/pipeline"
	"stablenew/pipeline/queue"
)

// Quitting while a job runs (the close dialog's Quit on the UI goroutine,
// then Fyne stops, then the services close and put the job back) touches
// no widget off the UI goroutine: once Fyne has stopped,
// fyne.Do runs on its caller, so the queue's last reports must not reach
// the panels. Fyne's own thread check (threadChecker) fails the test.
func TestQuitWhileRunningTouchesNoWidgetOffTheUIGoroutine(t *testing.T) {
	stopWhileRunning(t, func(mw *MainWindow, d *threadChecker) {
		mw.quit()
		d.Stop()
	})
}

// The same when Fyne stops on its own (it answers SIGTERM and Ctrl-C by
// destroying the window; the window's close does not run): the hook Fyne
// runs before Run returns closes the Bridge.
func TestFyneStoppingWhileRunningTouchesNoWidgetOffTheUIGoroutine(t *testing.T) {
	stopWhileRunning(t, func(mw *MainWindow, d *threadChecker) {
		d.Stop()
		stopped, ok := mw.App.Lifecycle().(interface{ OnStopped() func() })
		if !ok || stopped.OnStopped() == nil {
			t.Fatal("the window set no OnStopped hook")
		}
		stopped.OnStopped()()
	})
}

// stopWhileRunning opens the window over the demo WebUI with a long job
// running, stops as stop says, and has the queue report more (a pause,
// then the job put back as the services close) while the thread checker
// watches every canvas refresh.
func stopWhileRunning(t *testing.T, stop func(mw *MainWindow, d *threadChecker)) {
	a, d := newThreadChecker(t)
	dataDir := t.TempDir()
	svc, err := app.Open(app.OpenOptions{DataDir: dataDir, Demo: true, Logger: quietLog()})
	if err != nil {
		t.Fatal(err)
	}
	st := svc.OpenState()
	mw := New(svc, st, a, nil)
	mw.Show()
	h := hubOf(mw)
	t.Cleanup(func() { forgetHub(mw) })

	c := pipeline.Defaults()
	c.Prompt.Positive = "a lighthouse on a cliff"
	c.Txt2Img.Steps = 150 // 9 s on the demo WebUI: still running when it quits
	job := pipeline.JobSpec{JobID: "long", RunMode: pipeline.RunModeQueue, Source: pipeline.SourceRunNow,
		PackID: "test", Config: &c, VariantTotal: 1, BatchTotal: 1, OutputDir: t.TempDir(),
		FilenameTemplate: c.Output.FilenameTemplate, Seed: 1, SeedMode: pipeline.SeedFixed, CreatedAt: time.Now()}
	if err := svc.Queue.Submit([]pipeline.JobSpec{job}, true); err != nil {
		t.Fatal(err)
	}
	if err := ensureRunning(t.Context(), svc.Queue); err != nil {
		t.Fatal(err)
	}
	d.RunUntil(20*time.Second, "the running job in the panels", func() bool {
		return h.snap != nil && len(h.snap.Running) == 1
	})

	stop(mw, d)
	// The queue still reports while it closes: here a pause, then the job
	// put back.
	flushed := h.pump.flushes.Load()
	if err := svc.Queue.Pause(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for h.pump.flushes.Load() == flushed {
		if time.Now().After(deadline) {
			t.Fatal("the event pump did not hear the pause")
		}
		<-tick.C
	}
	if err := st.Close(); err != nil {
		t.Error(err)
	}
	if err := svc.Close(); err != nil {
		t.Error(err)
	}
	// The running job went back to the queue: the next start runs it.
	again, err := app.Open(app.OpenOptions{DataDir: dataDir, Demo: true, Logger: quietLog()})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	items, err := again.Queue.List()
	if err != nil || len(items) != 1 || items[0].JobID != "long" || items[0].Status != queue.StatusQueued {
		t.Errorf("after quitting, the queue holds %+v (%v); want the running job queued again", items, err)
	}
}
