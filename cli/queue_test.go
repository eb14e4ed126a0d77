package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stablenew/pipeline"
	"stablenew/pipeline/queue"
)

// foxData is a data folder with a one-prompt pack "fox".
func foxData(t *testing.T) string {
	t.Helper()
	data := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(data, "packs"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(data, "packs", "fox.txt"), []byte("a red fox in snow\n"), 0o644))
	return data
}

// The queue commands, in the order a user meets them: add, list, pause,
// export, clear (counted first, then with --yes), import, run, history.
func TestQueueCommands(t *testing.T) {
	data := foxData(t)
	exported := filepath.Join(t.TempDir(), "queue.json")
	step := func(wantCode int, args ...string) string {
		t.Helper()
		// Flags go before file arguments: data-dir right after the command.
		full := append(append(append([]string{}, args[:2]...), "--data-dir", data), args[2:]...)
		code, out, errOut := run(t, full...)
		require.Equal(t, wantCode, code, "%v\n%s%s", args, out, errOut)
		return out
	}

	step(ExitOK, "queue", "add", "--pack", "fox", "--seed", "5")
	assert.Contains(t, step(ExitOK, "queue", "list"), "fox")
	var added []queue.QueueItem
	require.NoError(t, json.Unmarshal([]byte(step(ExitOK, "queue", "list", "--json")), &added))
	require.Len(t, added, 1)
	assert.Equal(t, pipeline.RunModeQueue, added[0].RunMode)
	assert.Equal(t, pipeline.SourceAddToQueue, added[0].Source)
	assert.Contains(t, step(ExitOK, "queue", "pause"), "Queue paused")
	assert.Contains(t, step(ExitOK, "queue", "run", "--demo"), "The queue is paused")
	step(ExitOK, "queue", "resume")

	step(ExitOK, "queue", "export", exported)
	data2, err := os.ReadFile(exported)
	require.NoError(t, err)
	assert.Contains(t, string(data2), "a red fox in snow")

	assert.Contains(t, step(ExitOK, "queue", "clear"), "1 queued job would be removed")
	var items []queue.QueueItem
	require.NoError(t, json.Unmarshal([]byte(step(ExitOK, "queue", "list", "--json")), &items))
	require.Len(t, items, 1, "clear without --yes removes nothing")
	assert.Contains(t, step(ExitOK, "queue", "clear", "--yes"), "Removed 1 queued job.")
	require.NoError(t, json.Unmarshal([]byte(step(ExitOK, "queue", "list", "--json")), &items))
	require.Empty(t, items)

	assert.Contains(t, step(ExitOK, "queue", "import", exported), "Imported 1 jobs")
	out := step(ExitOK, "queue", "run", "--demo")
	assert.Contains(t, out, "completed: 1 image")
	assert.Contains(t, out, "1 completed, 0 failed, 0 cancelled, 0 requeued")

	var hist []queue.HistoryItem
	require.NoError(t, json.Unmarshal([]byte(step(ExitOK, "history", "list", "--json")), &hist))
	require.Len(t, hist, 1)
	assert.Equal(t, queue.StatusCompleted, hist[0].Status)
	require.Len(t, hist[0].Outputs, 1)
	_, err = os.Stat(hist[0].Outputs[0])
	assert.NoError(t, err, "the image is on disk")
	assert.Contains(t, step(ExitOK, "queue", "retry-failed"), "Queued 0 failed jobs again.")
}

// `run` renders a pack now and reports every job, the last one included.
func TestRunDemo(t *testing.T) {
	data := foxData(t)
	for i := 0; i < 3; i++ {
		code, out, errOut := run(t, "run", "--demo", "--data-dir", data, "--pack", "fox")
		require.Equal(t, ExitOK, code, errOut)
		assert.Contains(t, out, "[1/1]   completed in")
		assert.Contains(t, out, "1 completed, 0 failed, 0 not run")
	}
	code, out, errOut := run(t, "history", "list", "--data-dir", data, "--json")
	require.Equal(t, ExitOK, code, errOut)
	var hist []queue.HistoryItem
	require.NoError(t, json.Unmarshal([]byte(out), &hist))
	require.Len(t, hist, 3)
	for _, h := range hist {
		assert.Equal(t, pipeline.RunModeDirect, h.RunMode, "run renders now and waits")
		assert.Equal(t, pipeline.SourceRun, h.Source)
		assert.Equal(t, pipeline.RunModeDirect, h.JobSpec.RunMode)
		assert.Equal(t, pipeline.SourceRun, h.JobSpec.Source)
	}
}

// An edited queue file whose job writes into ~/.config/autostart is
// refused whole (exit 2), naming the job and the folder; --output names
// another folder the jobs may write in.
func TestQueueImportRefusesJobsOutsideTheOutputFolder(t *testing.T) {
	data := foxData(t)
	code, _, errOut := run(t, "queue", "add", "--data-dir", data, "--pack", "fox")
	require.Equal(t, ExitOK, code, errOut)
	exported := filepath.Join(t.TempDir(), "queue.json")
	code, _, errOut = run(t, "queue", "export", "--data-dir", data, exported)
	require.Equal(t, ExitOK, code, errOut)
	body, err := os.ReadFile(exported)
	require.NoError(t, err)
	outDir := filepath.Join(data, "output")
	require.Contains(t, string(body), jsonString(t, outDir))
	autostart := filepath.Join(t.TempDir(), ".config", "autostart")
	edited := filepath.Join(t.TempDir(), "edited.json")
	require.NoError(t, os.WriteFile(edited, []byte(strings.ReplaceAll(string(body), jsonString(t, outDir), jsonString(t, autostart))), 0o644))

	other := foxData(t)
	code, out, errOut := run(t, "queue", "import", "--data-dir", other, edited)
	assert.Equal(t, ExitUsage, code, out)
	assert.Contains(t, errOut, "is outside the output folder "+filepath.Join(other, "output"))
	code, out, _ = run(t, "queue", "list", "--data-dir", other, "--json")
	require.Equal(t, ExitOK, code)
	assert.Equal(t, "[]\n", out, "nothing was imported")

	// The unedited file, into another data folder: its jobs write in the
	// first folder's output, which --output allows.
	code, _, errOut = run(t, "queue", "import", "--data-dir", other, exported)
	assert.Equal(t, ExitUsage, code)
	assert.Contains(t, errOut, "outside the output folder")
	code, out, errOut = run(t, "queue", "import", "--data-dir", other, "--output", outDir, exported)
	require.Equal(t, ExitOK, code, errOut)
	assert.Contains(t, out, "Imported 1 jobs")
}

// jsonString is s as a JSON string without its quotes.
func jsonString(t *testing.T, s string) string {
	b, err := json.Marshal(s)
	require.NoError(t, err)
	return string(b[1 : len(b)-1])
}
