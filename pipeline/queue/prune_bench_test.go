package queue

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkPruneHistory50k deletes 50,000 finished jobs (with their specs)
// in one PruneHistory call, from a database that also holds 1,000 queued
// jobs, which stay. Each round works on a fresh copy of the same file.
func BenchmarkPruneHistory50k(b *testing.B) {
	const history, queued = 50000, 1000
	tmpl := DefaultPath(b.TempDir())
	s, err := Open(tmpl, Options{Logger: quietLog})
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < history/10000; i++ {
		if err := s.Submit(benchJobs(fmt.Sprintf("p%d-", i), 10000), false); err != nil {
			b.Fatal(err)
		}
	}
	if err := s.Submit(benchJobs("q-", queued), false); err != nil {
		b.Fatal(err)
	}
	s.Close()
	crashDB(b, tmpl, `UPDATE jobs SET status = 'completed', finished_at = queued_at + rowid,
		outputs = '["output/knights/img.png"]' WHERE job_id LIKE 'p%'`)
	cutoff := time.Now().Add(time.Hour)

	work := filepath.Join(b.TempDir(), "state")
	var cpu time.Duration
	var walMB float64
	for b.Loop() {
		b.StopTimer()
		if err := os.RemoveAll(work); err != nil {
			b.Fatal(err)
		}
		path := filepath.Join(work, filepath.Base(tmpl))
		copyFile(b, tmpl, path)
		s, err := Open(path, Options{Logger: quietLog})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		c0 := processCPU()
		n, err := s.PruneHistory(PruneFilter{Before: cutoff})
		cpu += processCPU() - c0
		b.StopTimer()
		if err != nil || n != history {
			b.Fatalf("PruneHistory = %d, %v; want %d", n, err, history)
		}
		if c, err := s.Count(); err != nil || c.Queued != queued {
			b.Fatalf("Count = %+v, %v; want %d queued", c, err, queued)
		}
		if fi, err := os.Stat(path + "-wal"); err == nil {
			walMB = float64(fi.Size()) / (1 << 20)
		}
		s.Close()
		b.StartTimer()
	}
	if cpu > 0 {
		b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/op")
	}
	if fi, err := os.Stat(tmpl); err == nil {
		b.ReportMetric(float64(fi.Size())/(1<<20), "db-MB")
	}
	b.ReportMetric(walMB, "wal-MB")
}

func copyFile(b *testing.B, from, to string) {
	b.Helper()
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		b.Fatal(err)
	}
	src, err := os.Open(from)
	if err != nil {
		b.Fatal(err)
	}
	defer src.Close()
	dst, err := os.Create(to)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		b.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		b.Fatal(err)
	}
}
