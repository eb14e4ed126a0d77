package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stablenew/pipeline/queue"
	"stablenew/pipeline/webui/webuitest"
)

// `learn plan --webui` checks the experiment's jobs as `plan --webui` does
// (exit 1 when some can run nowhere); `learn add --webui` then queues
// nothing (exit 2).
func TestLearnWebUIPreflight(t *testing.T) {
	srv := webuitest.New(webuitest.Options{})
	t.Cleanup(srv.Close)
	data := learnData(t)
	vary := []string{"--vary", "txt2img.model=" + webuitest.DefaultCheckpoints[0] + ",missing-model.safetensors", "--seeds", "1"}

	code, out, errOut := run(t, append([]string{"learn", "plan", "--data-dir", data, "--pack", "fox", "--webui", srv.URL()}, vary...)...)
	assert.Equal(t, 1, code, out+errOut)
	assert.Contains(t, out, "Preflight against "+srv.URL())
	assert.Contains(t, out, `has no checkpoint "missing-model.safetensors"`)

	code, out, errOut = run(t, append([]string{"learn", "add", "--data-dir", data, "--pack", "fox", "--webui", srv.URL()}, vary...)...)
	assert.Equal(t, ExitUsage, code, out+errOut)
	assert.Contains(t, errOut, "nothing was queued")
	assert.Empty(t, out, "no experiment id")
	_, err := os.Stat(filepath.Join(data, "state", "stablenew.db"))
	assert.True(t, os.IsNotExist(err), "the queue was not even opened: %v", err)

	code, out, errOut = run(t, "learn", "add", "--data-dir", data, "--pack", "fox", "--webui", srv.URL(),
		"--vary", "txt2img.cfg_scale=5,6", "--seeds", "1")
	require.Equal(t, ExitOK, code, errOut)
	assert.NotEmpty(t, out)
	assert.Contains(t, errOut, srv.URL()+" can run 2 of the 2 jobs")
}

// Bad input to grid, export, --from and history rate exits 2 with the
// reason, and writes nothing.
func TestLearnGridExportRateBadInput(t *testing.T) {
	data := learnData(t)
	code, out, errOut := run(t, "learn", "add", "--data-dir", data, "--pack", "fox", "--vary", "txt2img.steps=10,12", "--seeds", "1")
	require.Equal(t, ExitOK, code, errOut)
	id := out[:len(out)-1]
	notGrid := filepath.Join(t.TempDir(), "photo.png")
	require.NoError(t, os.WriteFile(notGrid, []byte("\x89PNG\r\n\x1a\nnot really"), 0o644))
	file := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(file, nil, 0o644))
	out2 := t.TempDir()
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"learn", "grid", id}, "--output FILE.png is required"},
		{[]string{"learn", "grid", id, "--output", filepath.Join(out2, "g.jpg")}, "give a name ending in .png"},
		{[]string{"learn", "grid", "xnope", "--output", filepath.Join(out2, "g.png")}, "experiment not found"},
		{[]string{"learn", "grid", "--output", filepath.Join(out2, "g.png")}, "the experiment id is required"},
		{[]string{"learn", "export", id}, "--output DIR is required"},
		{[]string{"learn", "export", id, "--output", file}, "is a file; give a folder"},
		{[]string{"learn", "export", "xnope", "--output", out2}, "experiment not found"},
		{[]string{"learn", "plan", "--from", notGrid}, "--from " + notGrid},
		{[]string{"learn", "add", "--from", filepath.Join(out2, "none.png")}, "no such file"},
		{[]string{"learn", "add", "--from", notGrid, "--vary", "txt2img.steps=1,2"}, "--from and --vary exclude each other"},
		{[]string{"learn", "plan", "--from", notGrid, "--seeds", "3"}, "--from and --seeds exclude each other"},
		{[]string{"history", "rate", "--stars", "3"}, "the job id is required"},
		{[]string{"history", "rate", "nope", "--stars", "3"}, "job not found"},
		{[]string{"history", "rate", "nope", "--stars", "0"}, "--stars must be from 1 to 5, got 0"},
	} {
		args := append(append([]string{}, tc.args[:2]...), append([]string{"--data-dir", data}, tc.args[2:]...)...)
		code, out, errOut := run(t, args...)
		assert.Equal(t, ExitUsage, code, "%v\n%s%s", tc.args, out, errOut)
		assert.Contains(t, errOut, tc.msg, "%v", tc.args)
	}
	entries, err := os.ReadDir(out2)
	require.NoError(t, err)
	assert.Empty(t, entries, "nothing written")

	// A queued job has no image to rate yet.
	var rep queue.ExperimentReport
	code, out, errOut = run(t, "learn", "report", id, "--data-dir", data, "--json")
	require.Equal(t, ExitOK, code, errOut)
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	code, _, errOut = run(t, "history", "rate", rep.Cells[0].Details[0].JobID, "--data-dir", data, "--stars", "4")
	assert.Equal(t, ExitUsage, code)
	assert.Contains(t, errOut, "is queued; only a completed job's images can be rated")
}
