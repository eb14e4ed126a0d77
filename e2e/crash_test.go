package e2e

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stablenew/pipeline"
	"stablenew/pipeline/queue"
	"stablenew/pipeline/runner"
	"stablenew/pipeline/webui"
	"stablenew/pipeline/webui/webuitest"
)

// The crash child: when STABLENEW_CRASH_CHILD is set, the test binary runs
// the queue in that database against that WebUI until it is empty (or it is
// killed), instead of running tests.
func TestMain(m *testing.M) {
	if db := os.Getenv("STABLENEW_CRASH_CHILD"); db != "" {
		os.Exit(crashChild(db, os.Getenv("STABLENEW_CRASH_WEBUI")))
	}
	if args := os.Getenv(envCLIChild); args != "" {
		os.Exit(cliChild(strings.Split(args, "\x1f")))
	}
	os.Exit(m.Run())
}

func crashChild(db, url string) int {
	log := slog.New(slog.DiscardHandler)
	q, err := queue.Open(db, queue.Options{Logger: log})
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		return 3
	}
	defer q.Close()
	c, err := webui.New(url, webui.WithLogger(log))
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		return 3
	}
	r := runner.New(c, runner.Options{Logger: log, ProgressInterval: 20 * time.Millisecond})
	if _, err := q.RunUntilEmpty(context.Background(), r); err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		return 4
	}
	return 0
}

func crashJobs(t *testing.T, n int, outDir string) []pipeline.JobSpec {
	t.Helper()
	jobs := make([]pipeline.JobSpec, n)
	for i := range jobs {
		c := pipeline.Defaults()
		c.Txt2Img.Model = "sd_xl_base_1.0.safetensors [31e35c80fc]"
		c.Txt2Img.Width, c.Txt2Img.Height, c.Txt2Img.Steps = 64, 64, 8
		c.ADetailer.Enabled = false
		c.Batch.BatchSize = 2
		c.Prompt.Positive = fmt.Sprintf("crash test %d", i)
		jobs[i] = pipeline.JobSpec{
			JobID: fmt.Sprintf("crash-%02d", i), RunMode: pipeline.RunModeQueue, Source: pipeline.SourceCLI, PackID: "crash",
			PromptIndex: i, Config: &c, VariantTotal: 1, BatchTotal: 1, OutputDir: outDir,
			FilenameTemplate: "{job_id}_{index}", Seed: int64(1000 + 2*i), SeedMode: pipeline.SeedIncrement,
			CreatedAt: time.Now().UTC(),
		}
	}
	return jobs
}

// TestCrashedQueueCompletesEveryJobExactlyOnce runs the queue in a child
// process, kills it with SIGKILL mid-job at several points, restarts it,
// and checks that every job completed exactly once with all its images.
func TestCrashedQueueCompletesEveryJobExactlyOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	srv := webuitest.New(webuitest.Options{StepDuration: 15 * time.Millisecond, Seed: 7})
	defer srv.Close()
	dir := t.TempDir()
	db := filepath.Join(dir, "state", "stablenew.db")
	out := filepath.Join(dir, "out")
	const n = 6
	q, err := queue.Open(db, queue.Options{Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	require.NoError(t, q.Submit(crashJobs(t, n, out), false))
	require.NoError(t, q.Close())

	exe, err := os.Executable()
	require.NoError(t, err)
	start := func() *exec.Cmd {
		cmd := exec.Command(exe, "-test.run=^$")
		cmd.Env = append(os.Environ(), "STABLENEW_CRASH_CHILD="+db, "STABLENEW_CRASH_WEBUI="+srv.URL())
		cmd.Stderr = os.Stderr
		require.NoError(t, cmd.Start())
		return cmd
	}
	// Kill points: while the 1st, 3rd and 4th generations run, counted by
	// the WebUI's txt2img requests, and once between jobs (after a job's
	// images are written, when the next request arrives).
	for _, killAfter := range []int{1, 3, 4, 6} {
		cmd := start()
		deadline := time.After(20 * time.Second)
		tick := time.NewTicker(2 * time.Millisecond) // poll the fake's counter
		for srv.RequestCount("/sdapi/v1/txt2img") < killAfter {
			select {
			case <-deadline:
				cmd.Process.Kill()
				cmd.Wait()
				t.Fatalf("the child never reached generation %d", killAfter)
			case <-tick.C:
			}
		}
		tick.Stop()
		require.NoError(t, cmd.Process.Kill())
		_ = cmd.Wait()
	}
	// Each restart told the WebUI to stop the render the killed child left,
	// before sending new work.
	interruptsBefore := srv.RequestCount("/sdapi/v1/interrupt")
	// A last child runs the queue to the end.
	cmd := start()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		require.NoError(t, err, "the last child must finish the queue")
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatal("the last child did not finish the queue in 60 s")
	}

	q, err = queue.Open(db, queue.Options{Logger: slog.New(slog.DiscardHandler), ReadOnly: true})
	require.NoError(t, err)
	defer q.Close()
	pending, err := q.List()
	require.NoError(t, err)
	assert.Empty(t, pending, "nothing is left queued or running")
	hist, err := q.History(queue.HistoryFilter{Limit: 1000})
	require.NoError(t, err)
	var ids []string
	attempts := map[string]int{}
	for _, h := range hist {
		ids = append(ids, h.JobID)
		attempts[h.JobID] = h.Attempts
		assert.Equal(t, queue.StatusCompleted, h.Status, "job %s: %s", h.JobID, h.Error)
		require.Len(t, h.Outputs, 2, "job %s keeps both images of its batch", h.JobID)
		for _, p := range h.Outputs {
			assert.FileExists(t, p)
		}
	}
	sort.Strings(ids)
	want := make([]string, n)
	for i := range want {
		want[i] = fmt.Sprintf("crash-%02d", i)
	}
	assert.Equal(t, want, ids, "every job is in the history exactly once")
	t.Logf("attempts per job: %v", attempts)
	assert.GreaterOrEqual(t, interruptsBefore, 3, "the 2nd to 4th children interrupted the render the one before left")
	assert.Greater(t, srv.RequestCount("/sdapi/v1/interrupt"), interruptsBefore, "the last child interrupted the render the 4th left")
	assert.Greater(t, attempts["crash-00"], attempts["crash-05"], "the job killed first was restarted")
}
