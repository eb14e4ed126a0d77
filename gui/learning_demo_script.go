package gui

import (
	"context"
	"os"
	"time"

	"fyne.io/fyne/v2/widget"
)

// demoLearningScript (STABLENEW_DEMO_SCRIPT=learning, for
// scripts/screenshot-learning) opens the Learning tab once the packs are
// read, builds an experiment of 3 CFG values × 2 step counts × 2 seeds on
// the first row of STABLENEW_DEMO_PACK (default sdxl_portraits) and queues
// it; once its images are in, it rates them as a user might (higher CFG
// and more steps better), sorts the grid by mean rating and shows the
// winner's first image large.
const demoLearningScript = "learning"

// startLearningDemo runs the Learning demo when it is asked for.
func (t *learningTab) startLearningDemo() {
	if os.Getenv(envDemoScript) != demoLearningScript {
		return
	}
	pack := os.Getenv(envDemoPack)
	if pack == "" {
		pack = "sdxl_portraits"
	}
	started := false
	t.mw.onLibrary(func() {
		if started {
			return
		}
		started = true
		if t.mw.tabs != nil {
			t.mw.tabs.SelectIndex(2)
		}
		b := t.builder
		b.pack.SetSelected(pack)
		b.x.field.SetText("txt2img.cfg_scale")
		b.x.values.SetText("5:9:2")
		b.y.field.SetText("txt2img.steps")
		b.y.values.SetText("20,30")
		b.seeds.SetText("2")
		t.demoWhenReady(b.onQueue)
	})
}

// demoWhenReady calls fn once the builder has planned its form.
func (t *learningTab) demoWhenReady(fn func()) {
	if t.builder.ready() != nil {
		fn()
		t.demoRateWhenDone()
		return
	}
	time.AfterFunc(200*time.Millisecond, func() { t.h.do("learning demo", func() { t.demoWhenReady(fn) }) })
}

// demoRateWhenDone rates the experiment's images once all are in.
func (t *learningTab) demoRateWhenDone() {
	v := t.view
	if v == nil || v.jobs == 0 || v.pending > 0 {
		time.AfterFunc(time.Second, func() { t.h.do("learning demo", t.demoRateWhenDone) })
		return
	}
	svc, id := t.mw.Services, v.id
	type rating struct {
		job   string
		stars int
	}
	var ratings []rating
	for i, c := range v.cells {
		for k, s := range c.shots {
			if s.status == "completed" {
				// Cells go X (CFG) inner, Y (steps) outer: later is better.
				ratings = append(ratings, rating{s.jobID, min(5, 1+(i+k+1)*4/len(v.cells))})
			}
		}
	}
	t.h.goWork("learning demo", func(context.Context) error {
		for _, r := range ratings {
			if err := svc.RateExperimentJob(id, r.job, r.stars, ""); err != nil {
				return err
			}
		}
		return nil
	}, func(err error) {
		if err != nil {
			t.say("demo: "+err.Error(), widget.DangerImportance)
			return
		}
		t.mw.Log.Info("learning demo: rated the experiment's images", "experiment", id, "images", len(ratings))
		t.byRating.SetChecked(true)
		t.reload()
		time.AfterFunc(time.Second, func() {
			t.h.do("learning demo", func() { t.grid.table.Select(widget.TableCellID{Row: 0, Col: 0}) })
		})
	})
}
