package controller

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stablenew/pipeline"
	"stablenew/pipeline/output"
	"stablenew/pipeline/packs"
)

// These tests plan through the PipelineController over a real pack library
// in a temporary data folder: packs, sidecars, a preset, the sidebar
// settings and the stage-card overrides, as the GUI and the CLI ask.

// newController opens a library in a temporary data folder and returns a
// controller over it with a fixed id source and clock.
func newController(t *testing.T) *PipelineController {
	t.Helper()
	lib, err := packs.Open(t.TempDir())
	require.NoError(t, err)
	pc := NewPipelineController(lib)
	pc.Builder = fixedBuilder()
	return pc
}

// writeFile writes a file under the library's data folder.
func writeFile(t *testing.T, path, text string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
}

// pack writes pack name with its rows and, when sidecar is not "", its
// YAML sidecar.
func pack(t *testing.T, pc *PipelineController, name, rows, sidecar string) {
	t.Helper()
	writeFile(t, filepath.Join(pc.Library.PacksDir(), name+".txt"), rows)
	if sidecar != "" {
		writeFile(t, filepath.Join(pc.Library.PacksDir(), name+".yaml"), sidecar)
	}
}

func patch(t *testing.T, yaml, source string) *pipeline.Patch {
	t.Helper()
	p, err := pipeline.ParsePatch([]byte(yaml), source)
	require.NoError(t, err)
	return p
}

func plan(t *testing.T, pc *PipelineController, req RunRequest) *Plan {
	t.Helper()
	p, err := pc.Plan(context.Background(), req)
	require.NoError(t, err)
	return p
}

const incrementFrom100 = `
txt2img:
  seed: 100
batch:
  seed_mode: increment
  batch_size: %d
  batch_runs: 2
`

func sidecarBatch(size int) string {
	return strings.Replace(incrementFrom100, "%d", string(rune('0'+size)), 1)
}

// No two images of a plan share a seed in increment mode, whatever packs
// the plan holds: the counter counts the images of every pack before.
func TestPlanIncrementSeedsAreUniqueAcrossPacks(t *testing.T) {
	pc := newController(t)
	pack(t, pc, "four", "a cat\n", sidecarBatch(4))
	pack(t, pc, "one", "a dog\n\nan owl\n", sidecarBatch(1))
	p := plan(t, pc, RunRequest{Packs: []string{"four", "one"}})
	var seeds []int64
	seen := map[int64]string{}
	for _, j := range p.Jobs {
		seeds = append(seeds, j.Seed)
		for i := 0; i < j.Config.Batch.BatchSize; i++ {
			s := j.Seed + int64(i) // the WebUI gives the images of a batch seed, seed+1, ...
			if other, dup := seen[s]; dup {
				t.Errorf("seed %d of %s repeats that of %s", s, j.Label(), other)
			}
			seen[s] = j.Label()
		}
	}
	assert.Equal(t, []int64{100, 104, 108, 109, 110, 111}, seeds)
	assert.Equal(t, 12, p.TotalImages())
}

// A preset layers over the defaults, a pack's sidecar over the preset, and
// the sidebar settings over both.
func TestPlanLayersPresetSidecarAndSettings(t *testing.T) {
	pc := newController(t)
	writeFile(t, filepath.Join(pc.Library.PresetsDir(), "crisp.yaml"), `
txt2img:
  steps: 33
  sampler_name: DPM++ 2M
  cfg_scale: 4.5
hires:
  enabled: true
  upscaler: Latent
  scale: 1.5
`)
	pack(t, pc, "plain", "a cat\n", "")
	pack(t, pc, "own", "a dog\n", "txt2img:\n  steps: 40\n")
	settings := patch(t, "batch:\n  batch_size: 3\n", "sidebar settings")

	p := plan(t, pc, RunRequest{Packs: []string{"plain", "own"}, Preset: "crisp", Settings: settings})
	require.Len(t, p.Jobs, 2)
	plain, own := p.Jobs[0].Config, p.Jobs[1].Config
	assert.Equal(t, 33, plain.Txt2Img.Steps, "the preset applies")
	assert.Equal(t, "DPM++ 2M", plain.Txt2Img.Sampler)
	assert.Equal(t, 4.5, plain.Txt2Img.CFGScale)
	assert.True(t, plain.Hires.Enabled)
	assert.Equal(t, 40, own.Txt2Img.Steps, "the sidecar wins over the preset")
	assert.Equal(t, "DPM++ 2M", own.Txt2Img.Sampler, "what the sidecar leaves out keeps the preset's value")
	for _, j := range p.Jobs {
		assert.Equal(t, 3, j.Config.Batch.BatchSize, "the sidebar settings apply over every pack")
	}

	without := plan(t, pc, RunRequest{Packs: []string{"plain"}})
	assert.Equal(t, pipeline.Defaults().Txt2Img.Steps, without.Jobs[0].Config.Txt2Img.Steps)
	assert.False(t, without.Jobs[0].Config.Hires.Enabled)
}

// The stage cards apply only with the override check on; then they win over
// the pack's sidecar, and a sub-stage they switch off (enabled written in
// any of YAML's spellings) keeps none of their other fields.
func TestPlanOverridesOnAndOff(t *testing.T) {
	pc := newController(t)
	pack(t, pc, "p", "a cat\n", `
txt2img:
  steps: 40
hires:
  enabled: true
  upscaler: Latent
  scale: 2
  denoise: 0.5
`)
	cards := patch(t, `
txt2img:
  steps: 12
hires:
  enabled: true
  denoise: 0.3
`, "stage cards")
	off := plan(t, pc, RunRequest{Packs: []string{"p"}, Overrides: cards, OverrideEnabled: false}).Jobs[0].Config
	assert.Equal(t, 40, off.Txt2Img.Steps, "override check off: the sidecar is trusted")
	assert.Equal(t, 0.5, off.Hires.Denoise)

	on := plan(t, pc, RunRequest{Packs: []string{"p"}, Overrides: cards, OverrideEnabled: true}).Jobs[0].Config
	assert.Equal(t, 12, on.Txt2Img.Steps, "override check on: the cards win")
	assert.Equal(t, 0.3, on.Hires.Denoise)
	assert.Equal(t, 2.0, on.Hires.Scale, "a field the cards leave out keeps the sidecar's")

	for _, spelling := range []string{"false", "False", "FALSE"} {
		disabled := patch(t, "hires:\n  enabled: "+spelling+"\n  scale: 3\n  denoise: 0.9\n", "stage cards")
		c := plan(t, pc, RunRequest{Packs: []string{"p"}, Overrides: disabled, OverrideEnabled: true}).Jobs[0].Config
		assert.False(t, c.Hires.Enabled, spelling)
		assert.Equal(t, 2.0, c.Hires.Scale, "enabled: %s ignores the other hires fields", spelling)
		assert.Equal(t, 0.5, c.Hires.Denoise, "enabled: %s ignores the other hires fields", spelling)
	}
}

// A row that expands to an empty prompt is an input error that names its
// pack and row; nothing is planned.
func TestPlanEmptyPromptIsAnInputError(t *testing.T) {
	pc := newController(t)
	pack(t, pc, "blank", "a cat\n\n{|}\n", "randomizer:\n  enabled: true\n  max_variants: 100\n")
	p, err := pc.Plan(context.Background(), RunRequest{Packs: []string{"blank"}})
	assert.Nil(t, p)
	var ee *EmptyPromptError
	require.True(t, errors.As(err, &ee), "%v", err)
	assert.Equal(t, "blank", ee.PackID)
	assert.Equal(t, 1, ee.Row)
	assert.Contains(t, err.Error(), "pack blank, prompt 2")
	assert.Contains(t, err.Error(), "empty")

	// Extra prompt text of the Prompts card fills the row: not empty then.
	settings := patch(t, "prompt:\n  positive: masterpiece\n", "sidebar settings")
	ok := plan(t, pc, RunRequest{Packs: []string{"blank"}, Settings: settings})
	for _, j := range ok.Jobs {
		assert.NotEmpty(t, strings.TrimSpace(j.Config.Prompt.Positive))
	}
}

// RunMode and Source are what the request says, on every job; a request
// without a mode is queued.
func TestPlanRunMetadata(t *testing.T) {
	pc := newController(t)
	pack(t, pc, "p", "a cat\n\na dog\n", "")
	for _, tc := range []struct {
		mode pipeline.RunMode
		src  pipeline.RunSource
		want pipeline.RunMode
	}{
		{"", pipeline.SourceAddToQueue, pipeline.RunModeQueue},
		{pipeline.RunModeQueue, pipeline.SourceRunNow, pipeline.RunModeQueue},
		{pipeline.RunModeDirect, pipeline.SourceRun, pipeline.RunModeDirect},
	} {
		p := plan(t, pc, RunRequest{Packs: []string{"p"}, RunMode: tc.mode, Source: tc.src})
		for _, j := range p.Jobs {
			assert.Equal(t, tc.want, j.RunMode)
			assert.Equal(t, tc.src, j.Source)
			assert.Empty(t, j.LearningContextID)
		}
	}
}

// pngImage writes a small PNG, with the A1111 infotext params when not "".
func pngImage(t *testing.T, dir, name, params string) string {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 8, 8))))
	data := buf.Bytes()
	if params != "" {
		var err error
		data, err = output.AddPNGText(data, []output.TextChunk{{Keyword: "parameters", Text: params}})
		require.NoError(t, err)
	}
	path := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(path, data, 0o644))
	return path
}

// Reprocess builds one job per image through the JobBuilder: one image per
// stage, the image's own prompt and seed when it has them, the Prompts
// card's prompt (said in a note) when it has none, and every folder token
// rendered.
func TestPlanReprocess(t *testing.T) {
	pc := newController(t)
	dir := t.TempDir()
	with := pngImage(t, dir, "a.png", "a red fox in snow\nNegative prompt: lowres\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 777, Size: 8x8")
	without := pngImage(t, dir, "b.png", "")
	settings := patch(t, `
batch:
  batch_size: 4
  batch_runs: 3
prompt:
  positive: a watercolor
  negative: ugly
output:
  folder_template: "{pack}/{sampler}_s{steps}_cfg{cfg}"
`, "sidebar settings")
	cards := patch(t, "txt2img:\n  sampler_name: Euler a\n  steps: 28\n  cfg_scale: 6.5\n", "stage cards")
	p := plan(t, pc, RunRequest{
		Settings: settings, Overrides: cards, Source: pipeline.SourceAddToQueue,
		Reprocess: &ReprocessSource{Inputs: []string{dir}, Stages: []pipeline.StageType{pipeline.StageImg2Img}, UseImagePrompt: true},
	})
	require.Len(t, p.Jobs, 2)
	require.Empty(t, p.Skipped)
	own, card := p.Jobs[0], p.Jobs[1]
	for i, j := range p.Jobs {
		assert.Equal(t, "job-000"+string(rune('1'+i)), j.JobID, "ids come from the JobBuilder")
		assert.Equal(t, pipeline.SourceReprocess, j.Source)
		assert.Equal(t, pipeline.RunModeQueue, j.RunMode)
		assert.Equal(t, ReprocessPackID, j.PackID)
		assert.Equal(t, i, j.PromptIndex)
		assert.Equal(t, 1, j.Config.Batch.BatchSize, "one image per stage, whatever the batch size")
		assert.Equal(t, 1, j.Config.Batch.BatchRuns)
		assert.Equal(t, []pipeline.StageType{pipeline.StageImg2Img}, j.Stages())
		assert.True(t, strings.HasSuffix(j.OutputDir, filepath.Join("reprocess", "Euler a_s28_cfg6.5")), j.OutputDir)
		assert.Equal(t, pipeline.Defaults().Output.FilenameTemplate, j.FilenameTemplate)
	}
	assert.Equal(t, with, own.Config.Img2Img.InputImage)
	assert.Equal(t, with, own.PackPath)
	assert.Equal(t, "a red fox in snow", own.Config.Prompt.Positive)
	assert.Equal(t, "lowres", own.Config.Prompt.Negative, "the image's negative is final")
	assert.Equal(t, int64(777), own.Seed)

	assert.Equal(t, without, card.Config.Img2Img.InputImage)
	assert.Equal(t, "a watercolor", card.Config.Prompt.Positive)
	assert.Equal(t, "ugly, blurry, bad quality, distorted", card.Config.Prompt.Negative, "the card's negative and the global negative")
	assert.Equal(t, int64(-1), card.Seed)
	require.NotEmpty(t, p.Notes)
	assert.Contains(t, p.Notes[0], "b.png has no prompt in its metadata")
	assert.Contains(t, p.Notes[0], `"a watercolor"`)
}

// An image without a prompt of its own is skipped with the reason when
// img2img or ADetailer would need one and the Prompts card has none; an
// upscale needs no prompt.
func TestPlanReprocessWithoutAnyPrompt(t *testing.T) {
	pc := newController(t)
	dir := t.TempDir()
	bare := pngImage(t, dir, "bare.png", "")
	req := RunRequest{Reprocess: &ReprocessSource{Inputs: []string{bare}, Stages: []pipeline.StageType{pipeline.StageImg2Img}, UseImagePrompt: true}}
	p, err := pc.Plan(context.Background(), req)
	require.Error(t, err)
	require.NotNil(t, p)
	require.Len(t, p.Skipped, 1)
	assert.Contains(t, p.Skipped[0].Error(), "bare.png: no prompt")
	assert.Contains(t, p.Skipped[0].Error(), "Prompts card")

	req.Reprocess.Stages = []pipeline.StageType{pipeline.StageUpscale}
	up := plan(t, pc, req)
	require.Len(t, up.Jobs, 1)
	assert.Empty(t, up.Notes, "no prompt is needed, so none is taken from the card")
}

// JobsFor gives the plan's jobs as another button submits them: only the
// source differs (reprocess jobs keep theirs), and the plan is unchanged.
func TestPlanJobsFor(t *testing.T) {
	pc := newController(t)
	pack(t, pc, "p", "a cat\n\na dog\n", "")
	p := plan(t, pc, RunRequest{Packs: []string{"p"}, Source: pipeline.SourceAddToQueue})
	assert.Equal(t, p.Jobs, p.JobsFor(pipeline.SourceAddToQueue))
	now := p.JobsFor(pipeline.SourceRunNow)
	require.Len(t, now, 2)
	for i, j := range now {
		assert.Equal(t, pipeline.SourceRunNow, j.Source)
		assert.Equal(t, pipeline.SourceAddToQueue, p.Jobs[i].Source, "the plan is not changed")
		j.Source = p.Jobs[i].Source
		assert.Equal(t, p.Jobs[i], j, "nothing else differs")
	}
	re := &Plan{Jobs: []pipeline.JobSpec{{JobID: "r", Source: pipeline.SourceReprocess}}}
	assert.Equal(t, pipeline.SourceReprocess, re.JobsFor(pipeline.SourceRunNow)[0].Source)
}

func TestCardPromptNoteListsAFewImages(t *testing.T) {
	assert.Equal(t, `5 images have no prompt in their metadata (a.png, b.png, c.png and 2 more): they run with the extra prompt (prompt.positive, the Prompts card) "fox"`,
		cardPromptNote([]string{"a.png", "b.png", "c.png", "d.png", "e.png"}, "fox"))
}

// TestPlanUsesAPackDraft: a pack with unsaved text in the request is planned
// from that text, with its file's sidecar, and a note says so.
func TestPlanUsesAPackDraft(t *testing.T) {
	pc := newController(t)
	req := RunRequest{Packs: []string{"sdxl_portraits"}, PackDrafts: map[string][]byte{
		"sdxl_portraits": []byte("# name: draft\nan unsaved prompt\n\nanother one\n"),
	}}
	plan, err := pc.Plan(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Jobs) != 2 || plan.Jobs[0].Config.Prompt.Positive == "" ||
		!strings.Contains(plan.Jobs[0].Config.Prompt.Positive, "an unsaved prompt") {
		t.Fatalf("jobs %d, first prompt %q", len(plan.Jobs), plan.Jobs[0].Config.Prompt.Positive)
	}
	saved, _ := pc.Plan(context.Background(), RunRequest{Packs: []string{"sdxl_portraits"}})
	if plan.Jobs[0].Config.Txt2Img.Width != saved.Jobs[0].Config.Txt2Img.Width {
		t.Errorf("the draft lost the sidecar: width %d, file's %d", plan.Jobs[0].Config.Txt2Img.Width, saved.Jobs[0].Config.Txt2Img.Width)
	}
	if !strings.Contains(strings.Join(plan.Notes, "\n"), "unsaved edits") {
		t.Errorf("notes %q", plan.Notes)
	}
	req.PackDrafts["sdxl_portraits"] = []byte("neg: only a negative\n")
	if _, err := pc.Plan(context.Background(), req); err == nil || !strings.Contains(err.Error(), "unsaved edits") {
		t.Errorf("a broken draft: %v", err)
	}
}
