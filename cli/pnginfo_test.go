package cli

import (
	"bytes"
	"encoding/json"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stablenew/pipeline/output"
)

// writeParamsPNG writes a small PNG with an A1111 "parameters" chunk.
func writeParamsPNG(t *testing.T, path, params string) {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, image.NewNRGBA(image.Rect(0, 0, 8, 8))))
	data, err := output.AddPNGText(buf.Bytes(), []output.TextChunk{{Keyword: "parameters", Text: params}})
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, data, 0o644))
}

const sdxlParams = `a castle on a hill, "dramatic" sky
Negative prompt: blurry
Steps: 28, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 6.5, Seed: 424242, Size: 832x1216, Model: sd_xl_base_1.0, Refiner: sd_xl_refiner_1.0, Refiner switch at: 1.5, Lora hashes: "film: abc123, grain: def456", Version: f2.0.1v1.10.1`

// pnginfo prints every parameter under its infotext name with the mapped
// config, names what was not applied, and goes on past a bad file (exit 1).
func TestPNGInfo(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "castle.png")
	writeParamsPNG(t, good, sdxlParams)
	plain := filepath.Join(dir, "plain.png")
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, image.NewNRGBA(image.Rect(0, 0, 4, 4))))
	require.NoError(t, os.WriteFile(plain, buf.Bytes(), 0o644))
	text := filepath.Join(dir, "notes.txt")
	require.NoError(t, os.WriteFile(text, []byte("hello"), 0o644))

	code, out, errOut := run(t, "pnginfo", good)
	require.Equal(t, ExitOK, code, errOut)
	for _, want := range []string{
		`Prompt: a castle on a hill, "dramatic" sky`, "Negative prompt: blurry", "Steps: 28",
		`Lora hashes: film: abc123, grain: def456`, "Not applied when loaded into the stage cards:", "Version: f2.0.1v1.10.1",
		"note: ",
	} {
		assert.Contains(t, out, want)
	}

	code, out, errOut = run(t, "pnginfo", "--json", good, plain, text)
	assert.Equal(t, ExitUsage, code, "a file that is not an image is an input error")
	assert.Contains(t, errOut, "2 of 3 files could not be read")
	var got []pngInfoResult
	require.NoError(t, json.Unmarshal([]byte(out), &got), out)
	require.Len(t, got, 3, "one object per file, in order")
	g := got[0]
	assert.Empty(t, g.Error)
	assert.Equal(t, "blurry", g.Negative)
	assert.Equal(t, "6.5", g.Parameters["CFG scale"])
	assert.Equal(t, "film: abc123, grain: def456", g.Parameters["Lora hashes"])
	require.NotNil(t, g.Config)
	assert.Equal(t, 28, g.Config.Txt2Img.Steps)
	assert.Equal(t, int64(424242), g.Config.Txt2Img.Seed)
	assert.Equal(t, [2]int{832, 1216}, [2]int{g.Config.Txt2Img.Width, g.Config.Txt2Img.Height})
	assert.True(t, g.Config.Refiner.Enabled)
	assert.NotEmpty(t, g.Notes, "the refiner switch point out of range is explained")
	assert.Contains(t, got[1].Error, "no generation parameters")
	assert.Contains(t, got[2].Error, "not a PNG, JPEG or WebP")

	code, out, _ = run(t, "pnginfo", "--json", good)
	require.Equal(t, ExitOK, code)
	var one pngInfoResult
	require.NoError(t, json.Unmarshal([]byte(out), &one), "one file gives one object, not an array")
	assert.Equal(t, good, one.File)
}

// pnginfo reads back what the runner wrote: the seed it used, the job's
// prompt and its stage settings.
func TestPNGInfoOnRunnerOutput(t *testing.T) {
	data := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(data, "packs"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(data, "packs", "fox.txt"), []byte("a red fox in snow\nneg: blurry\n"), 0o644))
	code, _, errOut := run(t, "run", "--demo", "--data-dir", data, "--pack", "fox", "--seed", "3")
	require.Equal(t, ExitOK, code, errOut)
	images, err := filepath.Glob(filepath.Join(data, "output", "*", "*.png"))
	require.NoError(t, err)
	require.NotEmpty(t, images)

	code, out, errOut := run(t, "pnginfo", "--json", images[0])
	require.Equal(t, ExitOK, code, errOut)
	var r struct {
		pngInfoResult
		StableNew struct {
			Seed   int64  `json:"seed_actual"`
			Prompt string `json:"prompt"`
			Pack   string `json:"pack"`
		} `json:"stablenew"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &r), out)
	assert.Equal(t, "fox", r.StableNew.Pack)
	assert.Equal(t, r.StableNew.Prompt, r.Prompt, "the infotext prompt is the job's prompt")
	assert.Contains(t, r.Prompt, "a red fox in snow")
	require.NotNil(t, r.Config)
	assert.Equal(t, r.StableNew.Seed, r.Config.Txt2Img.Seed, "the seed the WebUI used")
}

// A folder stands for its images, in name order; a folder without any is an
// error of its own.
func TestPNGInfoOfAFolder(t *testing.T) {
	dir := t.TempDir()
	writeParamsPNG(t, filepath.Join(dir, "b.png"), "second\nSteps: 20, Seed: 2, Size: 64x64")
	writeParamsPNG(t, filepath.Join(dir, "a.png"), "first\nSteps: 20, Seed: 1, Size: 64x64")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x"), 0o644))
	empty := t.TempDir()

	code, out, errOut := run(t, "pnginfo", "--json", dir, empty)
	assert.Equal(t, ExitUsage, code, "a folder without images is an input error")
	assert.Contains(t, errOut, "1 of 3 files could not be read")
	var got []pngInfoResult
	require.NoError(t, json.Unmarshal([]byte(out), &got), out)
	require.Len(t, got, 3)
	assert.Equal(t, "first", got[0].Prompt, "the arguments' order, a folder's images by name")
	assert.Equal(t, "second", got[1].Prompt)
	assert.Equal(t, empty, got[2].File)
	assert.Contains(t, got[2].Error, "no .png, .jpg or .webp image")
}

// Images of a folder without parameters are listed, and fail the command
// only when no image has parameters.
func TestPNGInfoFolderWithImagesWithoutParameters(t *testing.T) {
	dir := t.TempDir()
	writeParamsPNG(t, filepath.Join(dir, "a.png"), "first\nSteps: 20, Seed: 1, Size: 64x64")
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, image.NewNRGBA(image.Rect(0, 0, 4, 4))))
	plain := filepath.Join(dir, "b.png")
	require.NoError(t, os.WriteFile(plain, buf.Bytes(), 0o644))
	broken := filepath.Join(dir, "c.jpg")
	require.NoError(t, os.WriteFile(broken, []byte("not a jpeg"), 0o644))

	code, out, errOut := run(t, "pnginfo", dir)
	assert.Equal(t, ExitOK, code, "one image has parameters: "+errOut)
	assert.Contains(t, out, "Prompt: first")
	assert.Contains(t, out, "== "+plain+"\nerror: ")
	assert.Contains(t, errOut, "2 of 3 images hold no generation parameters StableNew can read: "+plain+", "+broken)

	code, out, _ = run(t, "pnginfo", "--json", dir)
	assert.Equal(t, ExitOK, code)
	var got []pngInfoResult
	require.NoError(t, json.Unmarshal([]byte(out), &got), out)
	require.Len(t, got, 3)
	assert.Empty(t, got[0].Error)
	assert.Contains(t, got[1].Error, "no generation parameters")
	assert.Contains(t, got[2].Error, "not a PNG, JPEG or WebP")

	none := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(none, "b.png"), buf.Bytes(), 0o644))
	code, _, errOut = run(t, "pnginfo", none)
	assert.Equal(t, ExitFailed, code, "no image has parameters")
	assert.Contains(t, errOut, "1 of 1 files could not be read")

	// A named file without parameters still fails the command.
	code, _, _ = run(t, "pnginfo", filepath.Join(dir, "a.png"), plain)
	assert.Equal(t, ExitFailed, code)
}

// Files that are not images at all are input errors (exit 2), where an
// image without parameters fails the command (exit 1); a named pipe with an
// image's name is refused at once instead of blocking.
func TestPNGInfoExitCodes(t *testing.T) {
	dir := t.TempDir()
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, image.NewNRGBA(image.Rect(0, 0, 4, 4))))
	plain := filepath.Join(dir, "plain.png")
	require.NoError(t, os.WriteFile(plain, buf.Bytes(), 0o644))
	corrupt := filepath.Join(dir, "corrupt.png")
	require.NoError(t, os.WriteFile(corrupt, append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0xff}, 64)...), 0o644))
	notImage := filepath.Join(dir, "x.png")
	require.NoError(t, os.WriteFile(notImage, []byte("hello"), 0o644))

	code, _, errOut := run(t, "pnginfo", plain)
	assert.Equal(t, ExitFailed, code, errOut)
	for _, f := range []string{corrupt, notImage, filepath.Join(dir, "missing.png")} {
		code, _, errOut := run(t, "pnginfo", f)
		assert.Equal(t, ExitUsage, code, f+": "+errOut)
	}
	fifo := filepath.Join(dir, "pipe.png")
	if err := mkfifo(fifo); err != nil {
		t.Skip("no named pipes:", err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		code, out, _ := run(t, "pnginfo", fifo)
		assert.Equal(t, ExitUsage, code)
		assert.Contains(t, out, fifo+" is a named pipe (FIFO), not a regular file")
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("pnginfo blocked on a named pipe")
	}
}
