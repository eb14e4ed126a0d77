package gui

import (
	"fmt"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"stablenew/pipeline"
	"stablenew/pipeline/queue"
)

// uiProbe records the longest UI callback of the panels.
type uiProbe struct {
	max     time.Duration
	maxName string
	total   time.Duration
	calls   int
}

func (p *uiProbe) record(name string, d time.Duration) {
	p.calls++
	p.total += d
	if d > p.max {
		p.max, p.maxName = d, name
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// BenchmarkPreviewRebuild1000 edits the State of a 1,000-job draft and
// waits for the rebuilt preview. It reports the longest time the UI
// goroutine was blocked by any panel callback (target < 16 ms).
func BenchmarkPreviewRebuild1000(b *testing.B) {
	ph := newPanelHarness(b, harnessOptions{rows: 1000})
	ph.mw.State.UpdateConfig(func(c *pipeline.PipelineConfig) { c.Randomizer.MaxVariants = 5000 })
	ph.selectPack()
	if n := len(ph.h.preview.jobs()); n != 1000 {
		b.Fatalf("draft has %d jobs", n)
	}
	probe := &uiProbe{}
	ph.h.probe = probe.record
	p := ph.h.preview
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cfg := 5.0 + float64(i%10)/2
		ph.mw.State.UpdateConfig(func(c *pipeline.PipelineConfig) {
			c.Txt2Img.CFGScale = cfg
			c.Batch.BatchSize = 1 + i%2
		})
		ph.mw.Bridge.Drain() // the edit reaches the preview (debounced)
		p.invalidate(true)   // skip the typing delay: measure the rebuild itself
		ph.waitPreview()
	}
	b.StopTimer()
	b.ReportMetric(ms(probe.max), "max-ui-ms")
	b.ReportMetric(ms(probe.total)/float64(max(probe.calls, 1)), "mean-ui-ms")
	b.Logf("longest UI callback: %q %.2f ms over %d callbacks", probe.maxName, ms(probe.max), probe.calls)
}

// BenchmarkQueueScroll10000 scrolls a 10,000-job queue panel a screen at a
// time: ns/op is one update of the visible rows.
func BenchmarkQueueScroll10000(b *testing.B) {
	ph := newPanelHarness(b, harnessOptions{rows: 10000})
	ph.mw.State.UpdateConfig(func(c *pipeline.PipelineConfig) { c.Randomizer.MaxVariants = 20000 })
	ph.h.showPanel(ph.h.queue.tab)
	probe := &uiProbe{}
	ph.h.probe = probe.record
	ph.selectPack()
	start := time.Now()
	ph.mw.AddToQueue()
	ph.waitForWithin(2*time.Minute, "10,000 queued jobs", func() bool { return len(ph.h.queue.items) == 10000 })
	b.Logf("submit and first list of 10,000 jobs: %v", time.Since(start).Round(time.Millisecond))
	b.Logf("longest UI callback while planning, queueing and listing 10,000 jobs: %q %.2f ms", probe.maxName, ms(probe.max))
	ph.h.probe = nil

	q := ph.h.queue
	var snap *queueSnapshot
	t0 := time.Now()
	snap = loadSnapshot(ph.svc.Queue, true)
	load := time.Since(t0)
	t0 = time.Now()
	q.setSnapshot(snap)
	apply := time.Since(t0)

	row := q.createRow().MinSize().Height
	page := q.list.Size().Height
	if page < row {
		b.Fatalf("list is %v high", q.list.Size())
	}
	total := row * 10000
	offset := float32(0)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		offset += page
		if offset > total-page {
			offset = 0
		}
		q.list.ScrollToOffset(offset)
	}
	b.StopTimer()
	b.ReportMetric(ms(probe.max), "max-ui-ms")
	b.ReportMetric(ms(load), "list-read-ms")
	b.ReportMetric(ms(apply), "snapshot-apply-ms")
	b.ReportMetric(float64(int(page/row)), "rows/screen")
}

// BenchmarkHistory10000 builds the history panel's rows for 10,000
// finished jobs (off the UI goroutine) and shows them (on it).
func BenchmarkHistory10000(b *testing.B) {
	ph := newPanelHarness(b, harnessOptions{rows: 1})
	plan := ph.selectPack().plan
	items := make([]queue.HistoryItem, 10000)
	now := time.Now()
	for i := range items {
		spec := plan.Jobs[0]
		spec.JobID = fmt.Sprintf("job-%05d", i)
		started, finished := now.Add(-time.Duration(i+10)*time.Second), now.Add(-time.Duration(i)*time.Second)
		st := queue.StatusCompleted
		errText := ""
		if i%7 == 0 {
			st, errText = queue.StatusFailed, "webui txt2img: out of memory (HTTP 500)"
		}
		items[i] = queue.HistoryItem{JobSpec: spec, Status: st, StartedAt: &started, FinishedAt: &finished,
			Error: errText, Outputs: []string{fmt.Sprintf("/nonexistent/out_%05d.png", i)}}
	}
	h := ph.h.history
	ph.h.showPanel(h.tab)
	ph.mw.Window.Resize(fyne.NewSize(700, 1000))
	var build, show time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		rows := historyRows(items, now)
		t1 := time.Now()
		h.setRows(rows, 10000)
		build, show = build+t1.Sub(t0), show+time.Since(t1)
	}
	b.StopTimer()
	b.ReportMetric(ms(build)/float64(b.N), "rows-build-ms")
	b.ReportMetric(ms(show)/float64(b.N), "ui-apply-ms")
}
