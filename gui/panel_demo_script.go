package gui

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"stablenew/pipeline/packs"
)

// Scripted demos, for scripts/screenshot. STABLENEW_DEMO_SCRIPT=queue-sample
// selects sample packs (STABLENEW_DEMO_PACK, comma-separated, default
// sdxl_portraits) once the window is up and runs them now, as if the user
// had clicked Run Now. STABLENEW_DEMO_SCRIPT=tour does the same with
// sdxl_portraits and landscapes_matrix by default, then shows the Queue tab
// after tourQueueAt, the History tab with the log panel open after
// tourHistoryAt, the Reprocess images dialog on the newest job's images
// after tourReprocessAt and that reprocess draft in the preview after
// tourDraftAt, and the stage settings of the newest job loaded from history
// (what changed, with Undo) after tourLoadAt, so that timed screenshots
// catch every panel.
const (
	envDemoScript   = "STABLENEW_DEMO_SCRIPT"
	envDemoPack     = "STABLENEW_DEMO_PACK"
	demoQueueScript = "queue-sample"
	demoTourScript  = "tour"
	tourQueueAt     = 8 * time.Second
	tourHistoryAt   = 16 * time.Second
	tourReprocessAt = 22 * time.Second
	tourDraftAt     = 30 * time.Second
	tourLoadAt      = 36 * time.Second
)

// startDemoScript starts the scripted demo named by STABLENEW_DEMO_SCRIPT.
func startDemoScript(h *panelHub) {
	script := os.Getenv(envDemoScript)
	if script == "" {
		return
	}
	want := "sdxl_portraits"
	switch script {
	case demoQueueScript:
	case demoLearningScript:
		return // the Learning tab runs it (learning_demo_script.go)
	case demoTourScript:
		want = "sdxl_portraits,landscapes_matrix"
		time.AfterFunc(tourQueueAt, func() { h.do("demo tour", func() { h.showPanel(h.queue.tab) }) })
		time.AfterFunc(tourHistoryAt, func() { h.do("demo tour", h.tourHistory) })
		time.AfterFunc(tourReprocessAt, func() { h.do("demo tour", h.tourReprocess) })
		time.AfterFunc(tourDraftAt, func() { h.do("demo tour", h.tourDraft) })
		time.AfterFunc(tourLoadAt, func() { h.do("demo tour", h.tourLoad) })
	default:
		h.mw.Log.Warn("unknown demo script; known: "+demoQueueScript+", "+demoTourScript, "script", script)
		return
	}
	if v := os.Getenv(envDemoPack); v != "" {
		want = v
	}
	lib := h.mw.Services.Library
	var picks []string
	h.goWork("demo script", func(context.Context) error {
		picks = demoPacks(lib.Packs(), strings.Split(want, ","))
		if len(picks) == 0 {
			return fmt.Errorf("demo script: no pack to queue")
		}
		return nil
	}, func(err error) {
		if err != nil {
			return
		}
		h.mw.Log.Info("demo script: queueing sample packs", "packs", picks)
		h.mw.State.SetPacks(picks)
		// After the State's change reaches the preview (queued before this).
		h.do("demo script", h.mw.RunNow)
	})
}

// demoPacks returns the wanted packs that load, in order, or the first pack
// that loads when none of them does.
func demoPacks(all []packs.PackInfo, want []string) []string {
	var out []string
	for _, w := range want {
		for _, p := range all {
			if p.ID == strings.TrimSpace(w) && p.Err == nil {
				out = append(out, p.ID)
			}
		}
	}
	if len(out) == 0 {
		for _, p := range all {
			if p.Err == nil {
				return []string{p.ID}
			}
		}
	}
	return out
}

// tourHistory shows the History tab, selects the newest job and opens the
// log panel (demo tour).
func (h *panelHub) tourHistory() {
	if !h.history.listed {
		h.history.selectFirst = true // by the first read, which showing starts
	}
	h.showPanel(h.history.tab)
	if len(h.history.rows) > 0 {
		h.history.list.Select(0)
	}
	if h.logs != nil && !h.logs.open {
		h.logs.onToggle()
	}
}

// tourReprocess opens the Reprocess images dialog on the selected history
// job's images, with ADetailer and upscale chosen (demo tour).
func (h *panelHub) tourReprocess() {
	if h.logs != nil && h.logs.open {
		h.logs.onToggle()
	}
	h.history.onReprocess()
	if d := h.mw.reprocess; d != nil {
		d.adetailer.SetChecked(true)
	}
}

// tourDraft shows the dialog's choices as the draft in the preview (demo
// tour).
func (h *panelHub) tourDraft() {
	if d := h.mw.reprocess; d != nil {
		d.onPreview()
	}
}

// tourLoad loads the selected history job's stage settings into the stage
// cards, which shows what changed (demo tour).
func (h *panelHub) tourLoad() {
	h.showPanel(h.history.tab)
	h.history.onLoadSettings()
}
