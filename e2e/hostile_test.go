package e2e

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stablenew/cli"
	"stablenew/pipeline"
	"stablenew/pipeline/queue"
	"stablenew/pipeline/runner"
	"stablenew/pipeline/webui"
	"stablenew/pipeline/webui/webuitest"
)

// envFull runs the hostile tests at the size issue 16 set: 60 jobs under
// every fault, and 20 SIGTERMs plus 20 SIGKILLs (scripts/hostile). Without
// it CI runs a shorter version of each.
const envFull = "STABLENEW_HOSTILE_FULL"

// envCLIChild makes the test binary run `stablenew` with these arguments
// (separated by U+001F), with the signal handling of the real binary.
const envCLIChild = "STABLENEW_E2E_CLI"

// cliChild is main.runCLI for the child: Ctrl-C, SIGTERM and SIGHUP stop a
// rendering command cleanly; a second signal ends the process.
func cliChild(args []string) int {
	interrupt := make(chan struct{})
	if cli.HandlesInterrupt(args) {
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
		go func() {
			<-sig
			close(interrupt)
			signal.Stop(sig)
		}()
	}
	return cli.Main(args, &cli.Env{Stdout: os.Stdout, Stderr: os.Stderr, Interrupt: interrupt})
}

func full() bool { return os.Getenv(envFull) != "" }

// hostileJobs are n jobs, every third with an upscale (extra-single-image)
// and every fifth with img2img, writing under out.
func hostileJobs(n int, out string) []pipeline.JobSpec {
	jobs := make([]pipeline.JobSpec, n)
	for i := range jobs {
		c := pipeline.Defaults()
		c.Txt2Img.Model = webuitest.DefaultCheckpoints[i%2]
		c.Txt2Img.Width, c.Txt2Img.Height, c.Txt2Img.Steps = 64, 64, 6
		c.ADetailer.Enabled = false
		c.Upscale.Enabled = i%3 == 0
		c.Img2Img.Enabled = i%5 == 0
		c.Prompt.Positive = fmt.Sprintf("hostile test %d", i)
		jobs[i] = pipeline.JobSpec{
			JobID: fmt.Sprintf("h-%02d", i), RunMode: pipeline.RunModeQueue, Source: pipeline.SourceCLI, PackID: "hostile",
			PromptIndex: i, Config: &c, VariantTotal: 1, BatchTotal: 1, OutputDir: out,
			FilenameTemplate: "{job_id}_{stage}_{index}", Seed: int64(1000 + i), SeedMode: pipeline.SeedIncrement,
			CreatedAt: time.Now().UTC(),
		}
	}
	return jobs
}

// checkEveryJobEnded fails unless each job is in the history exactly once,
// completed with its files on disk or failed with a reason, and nothing is
// left queued or running. It returns how many completed.
func checkEveryJobEnded(t *testing.T, db string, n int) int {
	t.Helper()
	q, err := queue.Open(db, queue.Options{Logger: slog.New(slog.DiscardHandler), ReadOnly: true})
	require.NoError(t, err)
	defer q.Close()
	pending, err := q.List()
	require.NoError(t, err)
	assert.Empty(t, pending, "nothing is left queued or running")
	hist, err := q.History(queue.HistoryFilter{Limit: 10 * n})
	require.NoError(t, err)
	seen := map[string]int{}
	completed := 0
	reasons := map[string]int{}
	for _, h := range hist {
		seen[h.JobID]++
		switch h.Status {
		case queue.StatusCompleted:
			completed++
			assert.NotEmpty(t, h.Outputs, "job %s completed without images", h.JobID)
			for _, p := range h.Outputs {
				assert.FileExists(t, p)
			}
		case queue.StatusFailed, queue.StatusCancelled:
			assert.NotEmpty(t, strings.TrimSpace(h.Error), "job %s %s without a reason", h.JobID, h.Status)
			reasons[firstWords(h.Error, 6)]++
		}
	}
	assert.Len(t, seen, n, "every job is in the history")
	for id, k := range seen {
		assert.Equal(t, 1, k, "job %s is in the history %d times", id, k)
	}
	t.Logf("%d completed, %d failed or cancelled; reasons: %v", completed, len(hist)-completed, reasons)
	return completed
}

func firstWords(s string, n int) string {
	w := strings.Fields(s)
	if len(w) > n {
		w = w[:n]
	}
	return strings.Join(w, " ")
}

// TestFaultRun: 60 jobs (txt2img, img2img, upscale) against a WebUI that
// injects every fault the fake knows on every endpoint the runner uses,
// and goes down twice. Every job ends completed or failed with a reason:
// none lost, none run twice, no worker stuck (a hang is bounded by the
// watchdog, the extras timeout and the list timeout).
func TestFaultRun(t *testing.T) {
	if testing.Short() {
		t.Skip("long")
	}
	n := 24
	if full() {
		n = 60
	}
	srv := webuitest.New(webuitest.Options{StepDuration: 2 * time.Millisecond, Seed: 5})
	defer srv.Close()
	dir := t.TempDir()
	db := filepath.Join(dir, "state", "stablenew.db")
	log := slog.New(slog.DiscardHandler)
	q, err := queue.Open(db, queue.Options{Logger: log, Backoff: func(int) time.Duration { return 50 * time.Millisecond }})
	require.NoError(t, err)
	require.NoError(t, q.Submit(hostileJobs(n, filepath.Join(dir, "out")), false))
	c, err := webui.New(srv.URL(), webui.WithLogger(log), webui.WithWatchdog(400*time.Millisecond),
		webui.WithExtrasTimeout(400*time.Millisecond), webui.WithListTimeout(300*time.Millisecond),
		webui.WithOptionTimeout(2*time.Second),
		webui.WithRetry(webui.RetryPolicy{Attempts: 2, BaseDelay: 20 * time.Millisecond, MaxDelay: 50 * time.Millisecond}))
	require.NoError(t, err)
	r := runner.New(c, runner.Options{Logger: log, ProgressInterval: 20 * time.Millisecond})

	kinds := []webuitest.FaultKind{webuitest.FaultServerError, webuitest.FaultUnavailable, webuitest.FaultOutOfMemory,
		webuitest.FaultHang, webuitest.FaultDropConnection, webuitest.FaultMalformedJSON, webuitest.FaultInvalidBase64,
		webuitest.FaultEmptyImages}
	endpoints := []string{"txt2img", "img2img", "extra-single-image", "progress", "options", "/internal/ping", "sd-models"}
	injected := 0
	for _, ep := range endpoints {
		for _, k := range kinds {
			srv.InjectFault(ep, webuitest.Fault{Kind: k, Count: 1})
			injected++
		}
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := q.RunUntilEmpty(ctx, r)
		done <- err
	}()
	// Two outages while the queue runs.
	for i := 0; i < 2; i++ {
		for srv.RequestCount("/sdapi/v1/txt2img") < (i+1)*n/3 {
			select {
			case err := <-done:
				t.Fatalf("the queue ended before outage %d: %v", i+1, err)
			case <-time.After(5 * time.Millisecond): // polling the fake's counter
			}
		}
		srv.DownFor(300 * time.Millisecond)
	}
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-ctx.Done():
		t.Fatal("the fault run did not end: a worker is stuck")
	}
	require.NoError(t, q.Close())
	t.Logf("%d faults injected", injected)
	completed := checkEveryJobEnded(t, db, n)
	assert.Positive(t, completed, "jobs complete between the faults")
}

// TestSignalRun: `queue run` processes are stopped with SIGTERM (clean:
// the job goes back with its attempts unchanged) and SIGKILL (a crash: the
// next start puts the job back with one more attempt and interrupts the
// WebUI's abandoned render), alternately, mid-job, and a last one runs the
// queue to the end. Every job ends completed, or failed with the reason
// (killed too often): none lost, none run twice, none stuck.
func TestSignalRun(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	n, rounds := 12, 3
	if full() {
		n, rounds = 60, 20
	}
	srv := webuitest.New(webuitest.Options{StepDuration: 10 * time.Millisecond, Seed: 9})
	defer srv.Close()
	dir := t.TempDir()
	db := queue.DefaultPath(dir)
	q, err := queue.Open(db, queue.Options{Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	require.NoError(t, q.Submit(hostileJobs(n, filepath.Join(dir, "output", "hostile")), false))
	require.NoError(t, q.Close())

	exe, err := os.Executable()
	require.NoError(t, err)
	start := func() (*exec.Cmd, *bytes.Buffer) {
		cmd := exec.Command(exe, "-test.run=^$")
		cmd.Env = append(os.Environ(), envCLIChild+"="+strings.Join([]string{"queue", "run", "--data-dir", dir, "--webui", srv.URL()}, "\x1f"))
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		require.NoError(t, cmd.Start())
		return cmd, &out
	}
	rng := rand.New(rand.NewPCG(16, 2026))
	var stopTimes []time.Duration
	for i := 0; i < 2*rounds; i++ {
		sig := syscall.SIGTERM
		if i%2 == 1 {
			sig = syscall.SIGKILL
		}
		before := srv.RequestCount("/sdapi/v1/txt2img")
		cmd, out := start()
		deadline := time.Now().Add(30 * time.Second)
		poll := time.NewTicker(2 * time.Millisecond)
		for srv.RequestCount("/sdapi/v1/txt2img") == before {
			if time.Now().After(deadline) {
				cmd.Process.Kill()
				cmd.Wait()
				t.Fatalf("round %d: the child never rendered:\n%s", i+1, out)
			}
			<-poll.C // polling the fake's counter
		}
		poll.Stop()
		time.Sleep(time.Duration(rng.IntN(60)) * time.Millisecond) // somewhere in the render: the timing is the test
		require.NoError(t, cmd.Process.Signal(sig))
		sent := time.Now()
		waited := make(chan error, 1)
		go func() { waited <- cmd.Wait() }()
		select {
		case <-waited:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-waited
			t.Fatalf("round %d: the child did not stop within 5 s of %v:\n%s", i+1, sig, out)
		}
		if sig == syscall.SIGTERM {
			stopTimes = append(stopTimes, time.Since(sent))
			if ws := cmd.ProcessState.Sys().(syscall.WaitStatus); ws.Signaled() {
				t.Fatalf("round %d: SIGTERM killed the child instead of stopping it:\n%s", i+1, out)
			}
		}
	}
	cmd, out := start()
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	select {
	case err := <-waited:
		if err != nil {
			t.Logf("the last child: %v (a job failed):\n%s", err, lastLines(out.String(), 5))
		}
	case <-time.After(3 * time.Minute):
		cmd.Process.Kill()
		t.Fatalf("the last child did not finish the queue:\n%s", out)
	}
	sort.Slice(stopTimes, func(i, j int) bool { return stopTimes[i] < stopTimes[j] })
	t.Logf("SIGTERM to exit: median %v, max %v", stopTimes[len(stopTimes)/2], stopTimes[len(stopTimes)-1])
	assert.Less(t, stopTimes[len(stopTimes)-1], 2*time.Second, "every SIGTERM stopped the child within 2 s")
	checkEveryJobEnded(t, db, n)
	assert.GreaterOrEqual(t, srv.RequestCount("/sdapi/v1/interrupt"), 2*rounds,
		"each SIGTERM interrupted the WebUI, and each start after a SIGKILL interrupted the render left")
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
