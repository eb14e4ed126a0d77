package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"stablenew/pipeline"
	"stablenew/pipeline/queue"
	"stablenew/pipeline/runner"
	"stablenew/pipeline/webui"
	"stablenew/pipeline/webui/webuitest"
)

// idleGapJobs are n txt2img jobs of one size×size image each, on the
// checkpoint the fake has loaded: consecutive jobs differ only in their
// prompt and seed, as a big plan's do.
func idleGapJobs(n, size int, outDir string) []pipeline.JobSpec {
	jobs := make([]pipeline.JobSpec, n)
	for i := range jobs {
		c := pipeline.Defaults()
		c.Txt2Img.Model = "sd_xl_base_1.0.safetensors [31e35c80fc]"
		c.Txt2Img.Width, c.Txt2Img.Height, c.Txt2Img.Steps = size, size, 8
		c.ADetailer.Enabled = false
		c.Prompt.Positive = fmt.Sprintf("idle gap %d, a lighthouse at dusk", i)
		jobs[i] = pipeline.JobSpec{
			JobID: fmt.Sprintf("gap-%04d", i), RunMode: pipeline.RunModeQueue, Source: pipeline.SourceAddToQueue, PackID: "gap",
			PromptIndex: i, Config: &c, VariantTotal: 1, BatchTotal: 1, OutputDir: outDir,
			FilenameTemplate: "{job_id}_{index}", Seed: int64(1000 + i), SeedMode: pipeline.SeedFixed,
			CreatedAt: time.Now().UTC(),
		}
	}
	return jobs
}

// gapsOf are the times between one span's end and the next one's start.
func gapsOf(spans []webuitest.Span) []time.Duration {
	var out []time.Duration
	for i := 1; i < len(spans); i++ {
		out = append(out, spans[i].Start.Sub(spans[i-1].End))
	}
	return out
}

// quantile of sorted durations, in milliseconds.
func quantileMS(sorted []time.Duration, q float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	return float64(sorted[int(q*float64(len(sorted)-1))]) / 1e6
}

// BenchmarkIdleGapEndToEnd measures the GPU idle gap between queued jobs
// as the WebUI sees it: from the fake WebUI's own log, the time from one
// txt2img reply written to the next txt2img request arriving, while the
// real JobService (SQLite on disk), runner (files and manifests written
// and synced) and HTTP client run 40 queued jobs of one image each:
// "photo1024" a photo-sized 1024×1024 PNG (2 MB, a 2.8 MB reply), "small"
// the fake's tiny 512×512 PNG. Beside it, in the same iteration, a client
// that does nothing between requests sends the very same requests back to
// back (reading each reply whole): the reference. Target: median within
// 8 ms of the reference, p95 under 40 ms.
func BenchmarkIdleGapEndToEnd(b *testing.B) {
	b.Run("photo1024", func(b *testing.B) { benchIdleGap(b, 1024, true) })
	b.Run("small", func(b *testing.B) { benchIdleGap(b, 512, false) })
}

func benchIdleGap(b *testing.B, size int, photo bool) {
	const jobs = 40
	srv := webuitest.New(webuitest.Options{Seed: 3, PhotoImages: photo})
	defer srv.Close()
	log := slog.New(slog.DiscardHandler)
	var gaps, refGaps []time.Duration
	round := 0
	for b.Loop() {
		round++
		dir := b.TempDir()
		q, err := queue.Open(filepath.Join(dir, "state", "stablenew.db"), queue.Options{Logger: log})
		if err != nil {
			b.Fatal(err)
		}
		if err := q.Submit(idleGapJobs(jobs, size, filepath.Join(dir, "out")), false); err != nil {
			b.Fatal(err)
		}
		c, err := webui.New(srv.URL(), webui.WithLogger(log))
		if err != nil {
			b.Fatal(err)
		}
		srv.ResetRequests()
		sum, err := q.RunUntilEmpty(b.Context(), runner.New(c, runner.Options{Logger: log}))
		if err != nil || sum.Completed != jobs {
			b.Fatalf("round %d: %+v, %v", round, sum, err)
		}
		q.Close()
		spans := srv.Spans("txt2img")
		if len(spans) != jobs {
			b.Fatalf("round %d: %d txt2img requests, want %d", round, len(spans), jobs)
		}
		gaps = append(gaps, gapsOf(spans)...)

		// The reference: the same request bodies, back to back.
		var bodies [][]byte
		for _, r := range srv.Requests("txt2img") {
			body, err := json.Marshal(r)
			if err != nil {
				b.Fatal(err)
			}
			bodies = append(bodies, body)
		}
		srv.ResetRequests()
		for _, body := range bodies {
			resp, err := http.Post(srv.URL()+"/sdapi/v1/txt2img", "application/json", bytes.NewReader(body))
			if err != nil {
				b.Fatal(err)
			}
			_, err = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if err != nil || resp.StatusCode != http.StatusOK {
				b.Fatalf("reference request: %d %v", resp.StatusCode, err)
			}
		}
		refGaps = append(refGaps, gapsOf(srv.Spans("txt2img"))...)
	}
	slices.Sort(gaps)
	slices.Sort(refGaps)
	b.ReportMetric(quantileMS(gaps, 0.5), "median-gap-ms")
	b.ReportMetric(quantileMS(gaps, 0.95), "p95-gap-ms")
	b.ReportMetric(quantileMS(refGaps, 0.5), "ref-median-gap-ms")
	b.ReportMetric(quantileMS(refGaps, 0.95), "ref-p95-gap-ms")
}
