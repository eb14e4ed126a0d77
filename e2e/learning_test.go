package e2e

import (
	"bytes"
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stablenew/app"
	"stablenew/cli"
	"stablenew/pipeline"
	"stablenew/pipeline/queue"
	"stablenew/pipeline/webui/webuitest"
)

// stablenew runs the CLI in this process and returns its exit code, stdout
// and stderr.
func stablenew(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := cli.Main(args, &cli.Env{Stdout: &out, Stderr: &errOut, Interrupt: make(chan struct{})})
	return code, out.String(), errOut.String()
}

// Issue 14's loop from the command line: an experiment of 3 CFG values × 2
// step counts × 2 seeds is queued with `learn add` (after a preflight),
// rendered by the real queue and runner through the HTTP client against the
// fake WebUI, rated (one image through `history rate`, which rates any
// history image), and the report names the winner; `learn grid` writes a
// PNG whose chunk plans the same 12 jobs again, and `learn export` writes
// the bundle with the ratings.
func TestLearningExperimentEndToEnd(t *testing.T) {
	srv := webuitest.New(webuitest.Options{Seed: 7})
	t.Cleanup(srv.Close)
	data := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(data, "packs"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(data, "packs", "fox.txt"), []byte("a red fox in snow, golden hour\n"), 0o644))
	override := filepath.Join(data, "small.yaml")
	require.NoError(t, os.WriteFile(override, []byte("txt2img:\n  width: 64\n  height: 64\nadetailer:\n  enabled: false\n"), 0o644))
	step := func(want int, args ...string) string {
		t.Helper()
		full := append(append(append([]string{}, args[:2]...), "--data-dir", data), args[2:]...)
		code, out, errOut := stablenew(t, full...)
		require.Equal(t, want, code, "%v\n%s%s", args, out, errOut)
		return out
	}

	id := strings.TrimSpace(step(cli.ExitOK, "learn", "add", "--pack", "fox", "--override", override, "--seeds", "2",
		"--vary", "txt2img.cfg_scale=5:7:1", "--vary", "txt2img.steps=4,8", "--webui", srv.URL()))
	require.NotEmpty(t, id)
	start := time.Now()
	out := step(cli.ExitOK, "queue", "run", "--webui", srv.URL())
	assert.Contains(t, out, "12 completed, 0 failed", "rendered in %v", time.Since(start))
	assert.Len(t, srv.Requests("/sdapi/v1/txt2img"), 12)

	var rep queue.ExperimentReport
	require.NoError(t, json.Unmarshal([]byte(step(cli.ExitOK, "learn", "report", id, "--json")), &rep))
	require.Len(t, rep.Cells, 6)
	// Cells in plan order: steps (Y) outer, cfg (X) inner; the same two
	// seeds in every cell.
	seeds := []int64{rep.Cells[0].Details[0].Seed, rep.Cells[0].Details[1].Seed}
	require.NotEqual(t, seeds[0], seeds[1])
	for i, c := range rep.Cells {
		assert.Equal(t, []string{"5", "6", "7"}[i%3], c.Values["txt2img.cfg_scale"])
		assert.Equal(t, []string{"4", "8"}[i/3], c.Values["txt2img.steps"])
		require.Len(t, c.Details, 2)
		assert.Equal(t, 2, c.Images)
		for k, j := range c.Details {
			assert.Equal(t, seeds[k], j.Seed, "cell %d", i)
			assert.Equal(t, queue.StatusCompleted, j.Status)
			assert.FileExists(t, j.Outputs[0])
		}
	}

	// Ratings: cfg 6, steps 8 (cell 4) wins with 5 and 4; every other
	// cell gets 3 on one image only.
	win := rep.Cells[4]
	step(cli.ExitOK, "learn", "rate", id, "--job", win.Details[0].JobID, "--stars", "5", "--note", "sharp fur")
	step(cli.ExitOK, "history", "rate", win.Details[1].JobID[:8], "--stars", "4")
	for i, c := range rep.Cells {
		if i != 4 {
			step(cli.ExitOK, "learn", "rate", id, "--job", c.Details[0].JobID, "--stars", "3")
		}
	}
	require.NoError(t, json.Unmarshal([]byte(step(cli.ExitOK, "learn", "report", id, "--json")), &rep))
	require.NotNil(t, rep.Best)
	assert.Equal(t, map[string]string{"txt2img.cfg_scale": "6", "txt2img.steps": "8"}, rep.Best.Values)
	assert.InDelta(t, 4.5, rep.Best.MeanStars, 0)
	assert.Equal(t, 2, rep.Best.Rated)
	assert.Equal(t, 1, rep.Cells[0].Rated, "only rated images count")
	assert.Contains(t, step(cli.ExitOK, "learn", "report", id), "Best: txt2img.cfg_scale=6 txt2img.steps=8, 4.50 stars over 2 rated images")

	// The grid: a PNG of 3 columns × 4 rows of tiles whose chunk plans the
	// same jobs again.
	grid := filepath.Join(t.TempDir(), "fox-grid.png")
	step(cli.ExitOK, "learn", "grid", id, "--output", grid)
	f, err := os.Open(grid)
	require.NoError(t, err)
	cfg, err := png.DecodeConfig(f)
	f.Close()
	require.NoError(t, err)
	assert.Greater(t, cfg.Width, 3*160)
	assert.Greater(t, cfg.Height, 4*160)
	var replanned []pipeline.JobSpec
	require.NoError(t, json.Unmarshal([]byte(step(cli.ExitOK, "learn", "plan", "--from", grid, "--json")), &replanned))
	var history []queue.HistoryItem
	require.NoError(t, json.Unmarshal([]byte(step(cli.ExitOK, "history", "list", "--json", "--limit", "100")), &history))
	byID := map[string]pipeline.JobSpec{}
	for _, h := range history {
		byID[h.JobID] = h.JobSpec
		if h.JobID == win.Details[0].JobID {
			assert.Equal(t, 5, h.Stars, "history carries the rating")
			assert.Equal(t, "sharp fur", h.RatingNote)
		}
	}
	table := step(cli.ExitOK, "history", "list")
	assert.Contains(t, table, "STARS")
	for _, line := range strings.Split(table, "\n") {
		if strings.Contains(line, win.Details[1].JobID[:8]) {
			assert.Contains(t, strings.Fields(line), "4", line)
		}
	}
	var queued []pipeline.JobSpec
	for _, c := range rep.Cells {
		for _, j := range c.Details {
			queued = append(queued, byID[j.JobID])
		}
	}
	require.Len(t, replanned, len(queued))
	norm := func(j pipeline.JobSpec) string {
		j.JobID, j.LearningContextID, j.CreatedAt, j.Source = "", "", time.Time{}, ""
		b, err := json.Marshal(j)
		require.NoError(t, err)
		return string(b)
	}
	for i := range queued {
		assert.JSONEq(t, norm(queued[i]), norm(replanned[i]), "job %d", i+1)
	}
	again := strings.TrimSpace(step(cli.ExitOK, "learn", "add", "--from", grid))
	assert.NotEqual(t, id, again)

	// The export carries the ratings, notes and image paths.
	dir := t.TempDir()
	step(cli.ExitOK, "learn", "export", id, "--output", dir)
	raw, err := os.ReadFile(filepath.Join(dir, id+".json"))
	require.NoError(t, err)
	var b app.ExperimentBundle
	require.NoError(t, json.Unmarshal(raw, &b))
	assert.Equal(t, 7, b.Rated)
	assert.Equal(t, "sharp fur", b.Cells[4].Details[0].Note)
	assert.Equal(t, win.Details[0].Outputs, b.Cells[4].Details[0].Outputs)
	assert.Equal(t, rep.Best.Values, b.Best.Values)
	assert.FileExists(t, filepath.Join(dir, id+".csv"))
}
