package gui

import (
	"strings"
	"testing"
)

func TestLogPanelFiltersAndCollapses(t *testing.T) {
	ph := newPanelHarness(t, harnessOptions{})
	p := ph.h.logs
	if p.open || p.body.Visible() || p.toggle.Text != "Details ▲" {
		t.Fatalf("the log panel is not collapsed at start")
	}
	ph.mw.Log.Info("hello from the test")
	ph.mw.Log.Warn("a warning")
	ph.mw.Log.Error("an error")
	ph.tapButton("Details ▲")
	if !p.open || !p.body.Visible() || p.toggle.Text != "Details ▼" || !ph.mw.State.View().LogOpen {
		t.Fatal("the log panel did not open")
	}
	has := func(text string) bool {
		for _, e := range p.lines {
			if strings.Contains(e.Message, text) {
				return true
			}
		}
		return false
	}
	ph.waitFor("the lines", func() bool { return has("hello from the test") && has("an error") })

	p.level.SetSelected("WARN+")
	if has("hello from the test") || !has("a warning") || !has("an error") {
		t.Errorf("WARN+ shows %d lines", len(p.lines))
	}
	p.level.SetSelected("ERROR")
	if has("a warning") || !has("an error") {
		t.Errorf("ERROR shows %d lines", len(p.lines))
	}

	// Nothing is redrawn while the log is unchanged.
	seq := p.seq
	p.refresh()
	if p.seq != seq {
		t.Error("an unchanged log was redrawn")
	}
	// New lines arrive, coalesced, and the list follows them.
	for i := 0; i < 50; i++ {
		ph.mw.Log.Error("burst", "i", i)
	}
	ph.waitFor("the burst", func() bool { return has("burst") && p.seq == ph.mw.Logs.Seq() })
	if last := p.lines[len(p.lines)-1]; !strings.Contains(last.Line(), "i=49") {
		t.Errorf("last line = %q", last.Line())
	}

	ph.tapButton("Details ▼")
	if p.open || p.body.Visible() {
		t.Error("the log panel did not collapse")
	}
	ph.mw.Log.Error("while collapsed")
	ph.waitFor("nothing", func() bool { return !p.scheduled.Load() })
	if has("while collapsed") {
		t.Error("a collapsed panel was redrawn")
	}
}
