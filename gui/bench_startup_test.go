package gui

import (
	"database/sql"
	"fmt"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	_ "github.com/mattn/go-sqlite3" // the driver the queue uses, for seeding history

	"stablenew/app"
	"stablenew/pipeline"
	"stablenew/pipeline/queue"
)

// BenchmarkFirstWindow10kHistory measures the time to the first window over
// a data folder whose queue holds 10,000 finished jobs: opening the
// services (demo mode), building the main window the way the tests do and
// settling the Bridge (target < 1 s). The History panel is not shown, so
// the window reads none of the history (the benchmark checks); showing it
// reads its first page (BenchmarkHistory10000 measures the panel with 10,000 rows). Each iteration
// closes everything it opened; closing is not timed. open-ms, window-ms
// and settle-ms split ns/op into app.Open, building the window and
// settling the Bridge.
func BenchmarkFirstWindow10kHistory(b *testing.B) {
	const finished = 10000
	dir := b.TempDir()
	seedHistory(b, dir, finished)
	a := test.NewTempApp(b)
	log := quietLog()
	var open, build, settle time.Duration
	for b.Loop() {
		t0 := time.Now()
		svc, err := app.Open(app.OpenOptions{DataDir: dir, Demo: true, Logger: log})
		if err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		st := svc.OpenState()
		mw := newMainWindow(svc, st, a, NewQueuedBridge(log))
		mw.Window.Resize(defaultWindowSize)
		t2 := time.Now()
		if err := mw.Bridge.Settle(settleTimeout); err != nil {
			b.Fatal(err)
		}
		t3 := time.Now()
		b.StopTimer()
		open, build, settle = open+t1.Sub(t0), build+t2.Sub(t1), settle+t3.Sub(t2)
		if h := hubOf(mw).history; h.listed || len(h.rows) != 0 {
			b.Fatalf("the first window read %d jobs of the history, which it does not show", len(h.rows))
		}
		mw.close()
		_ = mw.Bridge.Settle(settleTimeout)
		forgetHub(mw)
		if err := svc.Close(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	n := float64(b.N)
	b.ReportMetric(ms(open)/n, "open-ms")
	b.ReportMetric(ms(build)/n, "window-ms")
	b.ReportMetric(ms(settle)/n, "settle-ms")
}

// seedHistory lays out a data folder (through app.Open, so that timed opens
// find it ready) and fills its queue with n finished jobs. The queue records
// a job as finished only by running it, so, like the queue's BenchmarkMemory
// (50,000 history rows), it submits the jobs and then marks them finished in
// the database directly: every seventh failed, the rest completed.
func seedHistory(b *testing.B, dir string, n int) {
	b.Helper()
	svc, err := app.Open(app.OpenOptions{DataDir: dir, Demo: true, Logger: quietLog()})
	if err != nil {
		b.Fatal(err)
	}
	created := time.Now().Add(-24 * time.Hour)
	jobs := make([]pipeline.JobSpec, n)
	for i := range jobs {
		c := pipeline.Defaults()
		c.Txt2Img.Model = "modelA.safetensors [abc123]"
		c.Prompt.Positive = fmt.Sprintf("a knight in shining armour, variant %d, detailed, 8k <lora:armor:0.7>", i)
		c.Prompt.Negative = "blurry"
		jobs[i] = pipeline.JobSpec{JobID: fmt.Sprintf("h%05d", i), RunMode: pipeline.RunModeQueue,
			Source: pipeline.SourceAddToQueue, PackID: "knights", Config: &c, VariantIndex: i, VariantTotal: n,
			BatchTotal: 1, OutputDir: "output/knights", FilenameTemplate: c.Output.FilenameTemplate,
			Seed: 1234, SeedMode: pipeline.SeedFixed, CreatedAt: created}
	}
	err = svc.Queue.Submit(jobs, false)
	if cerr := svc.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		b.Fatal(err)
	}
	db, err := sql.Open("sqlite3", queue.DefaultPath(dir))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	// Times are Unix microseconds: job k started k seconds after it was
	// queued and took 4 seconds.
	if _, err := db.Exec(`UPDATE jobs SET
		status = CASE WHEN rowid % 7 = 0 THEN 'failed' ELSE 'completed' END,
		error = CASE WHEN rowid % 7 = 0 THEN 'webui txt2img: out of memory (HTTP 500)' ELSE '' END,
		attempts = 1, backend = 'demo',
		started_at = queued_at + rowid * 1000000,
		finished_at = queued_at + rowid * 1000000 + 4000000,
		outputs = CASE WHEN rowid % 7 = 0 THEN '[]' ELSE '["output/knights/img.png"]' END`); err != nil {
		b.Fatal(err)
	}
	var got int
	if err := db.QueryRow(`SELECT count(*) FROM jobs WHERE finished_at IS NOT NULL`).Scan(&got); err != nil || got != n {
		b.Fatalf("seeded %d finished jobs (%v), want %d", got, err, n)
	}
}
