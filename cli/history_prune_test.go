package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stablenew/pipeline"
	"stablenew/pipeline/queue"
	"stablenew/pipeline/runner"
)

// setClock is a queue clock the test sets to when each job finishes.
type setClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *setClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *setClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

func (c *setClock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// imageExecutor "renders" a job by writing one small file into dir; jobs
// whose id starts with "f" fail.
type imageExecutor struct{ dir string }

func (e imageExecutor) Run(_ context.Context, job *pipeline.JobSpec, _ func(runner.Progress)) (*runner.Result, error) {
	if strings.HasPrefix(job.JobID, "f") {
		return nil, errors.New("CUDA out of memory")
	}
	img := filepath.Join(e.dir, job.JobID+".png")
	if err := os.WriteFile(img, []byte("not really a png"), 0o644); err != nil {
		return nil, err
	}
	return &runner.Result{JobID: job.JobID, Outputs: []string{img}}, nil
}

func (imageExecutor) Skip(context.Context) error { return nil }
func (imageExecutor) Ping(context.Context) error { return nil }
func (imageExecutor) Name() string               { return "fake" }
func (imageExecutor) LoadedModel() string        { return "" }

func pruneTestJob(id string) pipeline.JobSpec {
	c := pipeline.Defaults()
	c.Txt2Img.Model = "modelA.safetensors"
	c.Prompt.Positive = "a lighthouse at dusk, " + id
	return pipeline.JobSpec{JobID: id, RunMode: pipeline.RunModeQueue, Source: pipeline.SourceAddToQueue,
		PackID: "coast", Config: &c, VariantTotal: 1, BatchTotal: 1, OutputDir: "output/coast",
		FilenameTemplate: c.Output.FilenameTemplate, Seed: 1, SeedMode: pipeline.SeedFixed, CreatedAt: time.Now()}
}

// historyDataDir makes a data folder whose history holds, for each age
// (40, 10 and 1 days ago), two completed jobs (c<age>a, c<age>b, each with
// an image on disk) and one failed job (f<age>), plus one queued job (q1).
// It returns the folder and the images.
func historyDataDir(t *testing.T) (string, []string) {
	t.Helper()
	dir := t.TempDir()
	images := filepath.Join(dir, "images")
	require.NoError(t, os.MkdirAll(images, 0o755))
	clk := &setClock{}
	q, err := queue.Open(queue.DefaultPath(dir), queue.Options{Clock: clk, Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	defer q.Close()
	now := time.Now()
	for _, age := range []int{40, 10, 1} {
		clk.set(now.Add(-time.Duration(age) * 24 * time.Hour))
		var list []pipeline.JobSpec
		for _, id := range []string{"c%da", "c%db", "f%d"} {
			list = append(list, pruneTestJob(fmt.Sprintf(id, age)))
		}
		require.NoError(t, q.Submit(list, false))
		sum, err := q.RunUntilEmpty(context.Background(), imageExecutor{images})
		require.NoError(t, err)
		require.Equal(t, queue.RunSummary{Completed: 2, Failed: 1}, sum)
	}
	require.NoError(t, q.SetAutoRun(false))
	require.NoError(t, q.Submit([]pipeline.JobSpec{pruneTestJob("q1")}, false))
	var files []string
	for _, age := range []int{40, 10, 1} {
		for _, s := range []string{"a", "b"} {
			files = append(files, filepath.Join(images, fmt.Sprintf("c%d%s.png", age, s)))
		}
	}
	return dir, files
}

// historyIDs is `history list --json` as job ids, and the queued jobs.
func historyIDs(t *testing.T, dir string) (history, queued []string) {
	t.Helper()
	code, out, errOut := run(t, "history", "list", "--data-dir", dir, "--json", "--limit", "1000")
	require.Equal(t, ExitOK, code, errOut)
	var items []struct {
		JobID string `json:"job_id"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &items))
	for _, it := range items {
		history = append(history, it.JobID)
	}
	code, out, errOut = run(t, "queue", "list", "--data-dir", dir, "--json")
	require.Equal(t, ExitOK, code, errOut)
	items = nil
	require.NoError(t, json.Unmarshal([]byte(out), &items))
	for _, it := range items {
		queued = append(queued, it.JobID)
	}
	return history, queued
}

// Without --yes prune only counts; with --yes it deletes the records, keeps
// the images and the queue, and a second run finds nothing.
func TestHistoryPruneDryRunThenYes(t *testing.T) {
	dir, images := historyDataDir(t)
	fixed := time.Now()
	pruneNow = func() time.Time { return fixed }
	t.Cleanup(func() { pruneNow = time.Now })
	date := fixed.Add(-30 * 24 * time.Hour).Local().Format("2006-01-02 15:04")

	code, out, errOut := run(t, "history", "prune", "--data-dir", dir, "--older-than", "30d")
	require.Equal(t, ExitOK, code, errOut)
	assert.Equal(t, "3 history records finished before "+date+
		" would be deleted (images on disk are kept). Run again with --yes to delete them.\n", out)
	hist, _ := historyIDs(t, dir)
	assert.Len(t, hist, 9, "a dry run deleted records")

	code, out, errOut = run(t, "history", "prune", "--data-dir", dir, "--older-than", "30d", "--yes")
	require.Equal(t, ExitOK, code, errOut)
	assert.Equal(t, "Deleted 3 history records finished before "+date+" (images on disk are kept).\n", out)
	hist, queued := historyIDs(t, dir)
	assert.ElementsMatch(t, []string{"c10a", "c10b", "f10", "c1a", "c1b", "f1"}, hist)
	assert.Equal(t, []string{"q1"}, queued)
	for _, img := range images {
		assert.FileExists(t, img, "pruning deleted an image")
	}

	code, out, errOut = run(t, "history", "prune", "--data-dir", dir, "--older-than", "30d")
	require.Equal(t, ExitOK, code, errOut)
	assert.Equal(t, "No history records finished before "+date+"; nothing to delete.\n", out)
}

func TestHistoryPruneSelections(t *testing.T) {
	for _, tc := range []struct {
		args []string
		out  string // the start of the dry run's line
		kept []string
	}{
		{[]string{"--older-than", "120h"}, "6 history records finished before ", []string{"c1a", "c1b", "f1"}},
		{[]string{"--older-than", "5d", "--status", "failed"}, "2 failed history records finished before ",
			[]string{"c40a", "c40b", "c10a", "c10b", "c1a", "c1b", "f1"}},
		{[]string{"--older-than", "1d12h", "--status", "failed, cancelled,failed"}, "2 failed or cancelled history records finished before ",
			[]string{"c40a", "c40b", "c10a", "c10b", "c1a", "c1b", "f1"}},
		{[]string{"--all", "--status", "completed"}, "6 completed history records would be deleted", []string{"f40", "f10", "f1"}},
		{[]string{"--all"}, "9 history records would be deleted", nil},
	} {
		name := strings.Join(tc.args, " ")
		dir, images := historyDataDir(t)
		args := append([]string{"history", "prune", "--data-dir", dir}, tc.args...)
		code, out, errOut := run(t, args...)
		require.Equal(t, ExitOK, code, "%s: %s", name, errOut)
		assert.True(t, strings.HasPrefix(out, tc.out), "%s: %q", name, out)
		assert.Contains(t, out, "(images on disk are kept). Run again with --yes to delete them.", name)

		code, out, errOut = run(t, append(args, "--yes")...)
		require.Equal(t, ExitOK, code, "%s: %s", name, errOut)
		assert.True(t, strings.HasPrefix(out, "Deleted "), "%s: %q", name, out)
		hist, queued := historyIDs(t, dir)
		assert.ElementsMatch(t, tc.kept, hist, name)
		assert.Equal(t, []string{"q1"}, queued, "%s: the queue changed", name)
		for _, img := range images {
			assert.FileExists(t, img, name)
		}
	}
}

// Pruning works while another StableNew has the queue open (it was
// refused with "the queue is open in another StableNew"), and the other
// process hears of it.
func TestHistoryPruneWhileTheQueueIsOpenElsewhere(t *testing.T) {
	dir, _ := historyDataDir(t)
	q, err := queue.Open(queue.DefaultPath(dir), queue.Options{Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	defer q.Close()
	events, stop := q.Subscribe(16)
	defer stop()
	code, out, errOut := run(t, "history", "prune", "--data-dir", dir, "--all")
	require.Equal(t, ExitOK, code, errOut)
	assert.True(t, strings.HasPrefix(out, "9 history records would be deleted"), out)

	code, out, errOut = run(t, "history", "prune", "--data-dir", dir, "--all", "--yes")
	require.Equal(t, ExitOK, code, errOut)
	assert.Contains(t, out, "9")
	n, err := q.CountHistory(queue.PruneFilter{All: true})
	require.NoError(t, err)
	assert.Zero(t, n)
	deadline := time.After(5 * time.Second)
	for heard := false; !heard; {
		select {
		case ev := <-events:
			heard = ev.Kind == queue.HistoryChanged
		case <-deadline:
			t.Fatal("the other StableNew never heard that the history changed")
		}
	}
}

func TestHistoryUsageErrorsExit2(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"history"}, "a subcommand is required"},
		{[]string{"history", "purge"}, `unknown history subcommand "purge"`},
		{[]string{"history", "prune", "--data-dir", dir}, "say which records to delete: --older-than DURATION (for example 30d) or --all"},
		{[]string{"history", "prune", "--data-dir", dir, "--yes", "--status", "failed"}, "say which records to delete"},
		{[]string{"history", "prune", "--data-dir", dir, "--all", "--older-than", "30d"}, "--older-than and --all exclude each other"},
		{[]string{"history", "prune", "--data-dir", dir, "--older-than", "30x"}, `--older-than "30x": want days such as 30d`},
		{[]string{"history", "prune", "--data-dir", dir, "--older-than", "1.5d"}, "want days such as 30d"},
		{[]string{"history", "prune", "--data-dir", dir, "--older-than", "30days"}, "want days such as 30d"},
		{[]string{"history", "prune", "--data-dir", dir, "--older-than", "0d"}, "must be more than zero"},
		{[]string{"history", "prune", "--data-dir", dir, "--older-than", "-5h"}, "must be more than zero"},
		{[]string{"history", "prune", "--data-dir", dir, "--older-than", "999999d"}, "at most 100000d"},
		{[]string{"history", "prune", "--data-dir", dir, "--all", "--status", "queued"}, `--status must be completed, failed or cancelled (several: failed,cancelled), got "queued"`},
		{[]string{"history", "prune", "--data-dir", dir, "--all", "extra"}, `unexpected argument "extra"`},
		{[]string{"history", "prune", "--bogus"}, "flag provided but not defined"},
	} {
		code, out, errOut := run(t, tc.args...)
		name := strings.Join(tc.args, " ")
		assert.Equal(t, ExitUsage, code, name)
		assert.Empty(t, out, name)
		assert.Contains(t, errOut, tc.want, name)
	}
	// No usage error created a database.
	assert.NoFileExists(t, queue.DefaultPath(dir))

	code, _, errOut := run(t, "history", "-h")
	assert.Equal(t, ExitOK, code)
	assert.Contains(t, errOut, "prune --older-than DURATION|--all")
}

func TestParseAgeAndThousands(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"30d": 30 * 24 * time.Hour, "36h": 36 * time.Hour, "1d12h": 36 * time.Hour, "90m": 90 * time.Minute,
		" 7d ": 7 * 24 * time.Hour, "0d1h": time.Hour,
	} {
		got, err := parseAge(in)
		if assert.NoError(t, err, in) {
			assert.Equal(t, want, got, in)
		}
	}
	for _, in := range []string{"", "d", "1d-2h", "+1d", "1w", "30 d"} {
		_, err := parseAge(in)
		assert.Error(t, err, in)
	}
	for n, want := range map[int]string{0: "0", 7: "7", 999: "999", 1000: "1,000", 1234: "1,234", 50000: "50,000",
		1234567: "1,234,567", -1234: "-1,234"} {
		assert.Equal(t, want, thousands(n))
	}
}

// A dry run in a data folder where nothing was ever queued says so and
// creates nothing.
func TestHistoryPruneDryRunWithoutADatabase(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := run(t, "history", "prune", "--data-dir", dir, "--all", "--status", "failed")
	require.Equal(t, ExitOK, code, errOut)
	assert.Equal(t, "No failed history records; nothing to delete.\n", out)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries)
}
