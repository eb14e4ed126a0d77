package cli

import (
	"bytes"
	"encoding/json"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stablenew/pipeline"
	"stablenew/pipeline/queue"
)

// reprocess queues one job per image of a folder with the chosen stages,
// skips what is not an image with its reason (exit 2, the rest queued),
// and --now renders them.
func TestReprocess(t *testing.T) {
	data := t.TempDir()
	pics := t.TempDir()
	writeParamsPNG(t, filepath.Join(pics, "a.png"), "a cat\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 11, Size: 64x64")
	writeParamsPNG(t, filepath.Join(pics, "b.png"), "a dog\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 12, Size: 64x64")
	notes := filepath.Join(pics, "notes.txt")
	require.NoError(t, os.WriteFile(notes, []byte("x"), 0o644))
	over := filepath.Join(t.TempDir(), "up.yaml")
	require.NoError(t, os.WriteFile(over, []byte("upscale: {factor: 3}\n"), 0o644))

	code, out, errOut := run(t, "reprocess", "--data-dir", data, "--stages", "adetailer,upscale", "--override", over, pics, notes)
	assert.Equal(t, ExitUsage, code, "a skipped input is an input error, after the others are queued")
	assert.Contains(t, out, "Added 2 reprocess jobs to the queue.")
	assert.Contains(t, errOut, "skipped: "+notes+": not a .png, .jpg or .webp image")

	code, out, errOut = run(t, "queue", "list", "--data-dir", data, "--json")
	require.Equal(t, ExitOK, code, errOut)
	var items []queue.QueueItem
	require.NoError(t, json.Unmarshal([]byte(out), &items))
	require.Len(t, items, 2)
	for i, name := range []string{"a.png", "b.png"} {
		it := items[i]
		assert.Equal(t, pipeline.SourceReprocess, it.Source)
		assert.Equal(t, pipeline.RunModeQueue, it.RunMode)
		assert.Equal(t, name, filepath.Base(it.InputImage))
		assert.Equal(t, []pipeline.StageType{pipeline.StageADetailer, pipeline.StageUpscale}, it.Stages)
	}
	assert.Equal(t, "a cat", items[0].Prompt, "each image's own prompt")
	assert.Equal(t, int64(11), items[0].Seed, "and its own seed")

	// --now renders on the demo WebUI; the stage cards' upscale factor
	// applies (64 px × 3).
	data2 := t.TempDir()
	code, out, errOut = run(t, "reprocess", "--data-dir", data2, "--stages", "upscale", "--override", over, "--now", "--demo",
		filepath.Join(pics, "a.png"))
	require.Equal(t, ExitOK, code, errOut)
	assert.Contains(t, out, "1 completed, 0 failed")
	code, out, errOut = run(t, "history", "list", "--data-dir", data2, "--json")
	require.Equal(t, ExitOK, code, errOut)
	var hist []queue.HistoryItem
	require.NoError(t, json.Unmarshal([]byte(out), &hist))
	require.Len(t, hist, 1)
	assert.Equal(t, pipeline.RunModeDirect, hist[0].RunMode, "--now renders now and waits")
	assert.Equal(t, pipeline.SourceReprocess, hist[0].Source)
	outs, err := filepath.Glob(filepath.Join(data2, "output", "*", "upscale_*.png"))
	require.NoError(t, err)
	require.Len(t, outs, 1, out)
	code, info, _ := run(t, "pnginfo", "--json", outs[0])
	require.Equal(t, ExitOK, code)
	assert.True(t, strings.Contains(info, `"prompt": "a cat"`), info)
}

func TestReprocessUsageErrors(t *testing.T) {
	data := t.TempDir()
	pic := filepath.Join(t.TempDir(), "a.png")
	writeParamsPNG(t, pic, "a cat\nSteps: 20, Seed: 1, Size: 64x64")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"reprocess", "--data-dir", data, pic}, "--stages is required"},
		{[]string{"reprocess", "--data-dir", data, "--stages", "upscale"}, "give the image files or folders"},
		{[]string{"reprocess", "--data-dir", data, "--stages", "txt2img", pic}, `stage "txt2img" cannot run on an existing image`},
		{[]string{"reprocess", "--data-dir", data, "--stages", "upscale", "--demo", pic}, "--demo and --webui go with --now"},
		{[]string{"reprocess", "--data-dir", data, "--stages", "upscale", filepath.Join(data, "missing.png")}, "no image to reprocess"},
	} {
		code, _, errOut := run(t, tc.args...)
		assert.Equal(t, ExitUsage, code, strings.Join(tc.args, " "))
		assert.Contains(t, errOut, tc.want, strings.Join(tc.args, " "))
	}
}

// A named pipe with an image's name, given or in a folder, is skipped with
// its reason (exit 2) instead of blocking the planner or a worker.
func TestReprocessSkipsNamedPipes(t *testing.T) {
	data := t.TempDir()
	pics := t.TempDir()
	writeParamsPNG(t, filepath.Join(pics, "a.png"), "a cat\nSteps: 20, Seed: 1, Size: 64x64")
	given := filepath.Join(t.TempDir(), "given.png")
	if err := mkfifo(given); err != nil {
		t.Skip("no named pipes:", err)
	}
	require.NoError(t, mkfifo(filepath.Join(pics, "b.png")))
	done := make(chan struct{})
	go func() {
		defer close(done)
		code, out, errOut := run(t, "reprocess", "--data-dir", data, "--stages", "upscale", "--now", "--demo", pics, given)
		assert.Equal(t, ExitUsage, code, errOut)
		assert.Contains(t, out, "1 completed, 0 failed", "only a.png: the pipe in the folder is no image")
		assert.Contains(t, errOut, "skipped: "+given+": "+given+" is a named pipe (FIFO), not a regular file")
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("reprocess blocked on a named pipe")
	}
}

// An image without a prompt in its metadata takes the prompt of the stage
// settings, with a note; with none there either, img2img has no prompt and
// the image is not planned (exit 2 when nothing is left).
func TestReprocessImageWithoutPrompt(t *testing.T) {
	data := t.TempDir()
	pics := t.TempDir()
	bare := filepath.Join(pics, "bare.png")
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, image.NewNRGBA(image.Rect(0, 0, 8, 8))))
	require.NoError(t, os.WriteFile(bare, buf.Bytes(), 0o644))

	code, out, errOut := run(t, "reprocess", "--data-dir", data, "--stages", "img2img", bare)
	assert.Equal(t, ExitUsage, code, out)
	assert.Contains(t, errOut, "skipped: "+bare+": no prompt: the image has none in its metadata")

	over := filepath.Join(t.TempDir(), "prompt.yaml")
	require.NoError(t, os.WriteFile(over, []byte("prompt: {positive: a lighthouse}\n"), 0o644))
	code, out, errOut = run(t, "reprocess", "--data-dir", data, "--stages", "img2img", "--override", over, bare)
	require.Equal(t, ExitOK, code, errOut)
	assert.Contains(t, out, "Added 1 reprocess jobs to the queue.")
	assert.Contains(t, errOut, `note: bare.png has no prompt in its metadata: it runs with the extra prompt (prompt.positive, the Prompts card) "a lighthouse"`)
	assert.NotContains(t, errOut, "skipped")
}
