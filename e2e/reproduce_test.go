package e2e

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"stablenew/pipeline"
	"stablenew/pipeline/infotext"
	"stablenew/pipeline/runner"
	"stablenew/pipeline/webui"
	"stablenew/pipeline/webui/webuitest"
)

// reproduceCorpus holds real-world-style infotexts of A1111 1.5–1.10, Forge
// and SD.Next (shared with pipeline/infotext's fuzz seeds).
const reproduceCorpus = "../pipeline/infotext/testdata/reproduce"

// reproduceDivergences are the fields where StableNew knowingly differs
// from A1111 for a corpus file, and why; docs/infotext.md says the same.
// "enable_hr" covers the hires fields that apply on one side only.
var reproduceDivergences = map[string]map[string]string{
	"a1111-1.10-hires-prompt.txt": {
		"hr_prompt": "hires prompts are not applied: StableNew's hires pass uses the job's prompts",
	},
	"a1111-1.10-seed-resize.txt": {
		"seed_resize_from": "StableNew has no seed-resize setting (listed under not applied)",
	},
	"a1111-1.10-img2img.txt": {
		"enable_hr": "an img2img image's Denoising strength turns A1111's hires fix on when pasted into txt2img; StableNew leaves it off",
	},
}

// reproduceRefused are corpus files whose job StableNew refuses to send to
// an A1111 WebUI, with what the error names: A1111 would silently render
// something else.
var reproduceRefused = map[string]string{
	"sdnext-flux-sampler.txt": `sampler "Euler FlowMatch"`,
}

// reLoraTag finds the LoRA names of a prompt.
var reLoraTag = regexp.MustCompile(`<lora:([^:>]+)`)

// fakeFor is a fake A1111 that has every checkpoint, VAE, upscaler and
// LoRA the corpus names, so that no job fails for a missing resource.
func fakeFor(t *testing.T, texts map[string]string) (*webuitest.Server, a1111Checkpoints) {
	t.Helper()
	ckpts := slices.Clone(webuitest.DefaultCheckpoints)
	hashes := map[string]bool{}
	for _, c := range ckpts {
		_, h, _ := strings.Cut(c, " [")
		hashes[strings.TrimSuffix(h, "]")] = true
	}
	addCkpt := func(name, hash string) {
		if name == "" || hash == "" || hashes[hash] {
			return
		}
		hashes[hash] = true
		ckpts = append(ckpts, name+".safetensors ["+hash+"]")
	}
	vaes, ups, loras := slices.Clone(webuitest.DefaultVAEs), slices.Clone(webuitest.DefaultUpscalers), slices.Clone(webuitest.DefaultLoras)
	for _, text := range texts {
		p, err := infotext.Parse(text)
		require.NoError(t, err)
		addCkpt(p.Model(), p.ModelHash())
		for _, k := range []string{infotext.KeyRefiner, infotext.KeyHiresCheckpoint} {
			v, _ := p.Get(k)
			if name, hash, ok := strings.Cut(v, " ["); ok {
				addCkpt(name, strings.TrimSuffix(hash, "]"))
			}
		}
		if v := p.VAE(); v != "" && !slices.Contains(vaes, v) {
			vaes = append(vaes, v)
		}
		if h, ok := p.Hires(); ok && h.Upscaler != "" && !strings.HasPrefix(h.Upscaler, "Latent") && !slices.Contains(ups, h.Upscaler) {
			ups = append(ups, h.Upscaler)
		}
		for _, m := range reLoraTag.FindAllStringSubmatch(p.Prompt, -1) {
			if !slices.Contains(loras, m[1]) {
				loras = append(loras, m[1])
			}
		}
	}
	srv := webuitest.New(webuitest.Options{Seed: 5, Checkpoints: ckpts, VAEs: vaes, Upscalers: ups, Loras: loras})
	t.Cleanup(srv.Close)
	return srv, a1111Checkpoints(ckpts)
}

// withoutTemplate is the infotext without Dynamic Prompts' Template lines,
// which hide the parameter line from A1111 (it reads none at all).
func withoutTemplate(text string) string {
	lines := strings.Split(text, "\n")
	for i := 1; i < len(lines); i++ {
		if strings.HasPrefix(lines[i], "Template:") || strings.HasPrefix(lines[i], "Negative Template:") {
			return strings.Join(lines[:i], "\n")
		}
	}
	return text
}

// TestReproduceA1111Requests maps every infotext of the corpus to a
// configuration (infotext.ToConfig), runs it through the real runner and
// client against the fake WebUI, and compares the txt2img request the fake
// received, field by field, with what A1111 1.10 sends when the same text
// is pasted into its txt2img tab and Generate is pressed (both read as
// A1111's processing object holds them when sampling starts).
func TestReproduceA1111Requests(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(reproduceCorpus, "*.txt"))
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(files), 30, "the corpus has at least 30 infotexts")
	texts := map[string]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		texts[filepath.Base(f)] = string(b)
	}
	srv, ckpts := fakeFor(t, texts)
	log := slog.New(slog.DiscardHandler)
	client, err := webui.New(srv.URL(), webui.WithLogger(log))
	require.NoError(t, err)
	exec := runner.New(client, runner.Options{Logger: log, ProgressInterval: 10 * time.Millisecond})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	compared, sent := 0, 0
	for i, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			text := texts[name]
			p, err := infotext.Parse(text)
			require.NoError(t, err)
			m := infotext.ToConfig(p, pipeline.Defaults(), infotext.Options{})
			cfg := m.Config
			require.NoError(t, cfg.ValidateStages(), "the mapped configuration is valid")
			spec := &pipeline.JobSpec{
				JobID: fmt.Sprintf("repro-%02d", i), PackID: "reproduce", Config: &cfg, VariantTotal: 1, BatchTotal: 1,
				OutputDir: t.TempDir(), FilenameTemplate: cfg.Output.FilenameTemplate, Seed: cfg.Txt2Img.Seed,
				SeedMode: pipeline.SeedFixed, CreatedAt: time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC),
			}
			before := srv.RequestCount("txt2img")
			_, err = exec.Run(ctx, spec, nil)
			if want, refused := reproduceRefused[name]; refused {
				require.Error(t, err)
				require.Contains(t, err.Error(), want)
				require.Equal(t, before, srv.RequestCount("txt2img"), "nothing was sent")
				return
			}
			require.NoError(t, err)
			reqs := srv.Requests("txt2img")
			require.Len(t, reqs, before+1)
			sent++

			got := a1111ReadRequest(reqs[len(reqs)-1], ckpts)
			ref := text
			if p.Template != "" || p.NegativeTemplate != "" {
				ref = withoutTemplate(text)
			}
			want := a1111PasteAndGenerate(ref, ckpts)
			declared := reproduceDivergences[name]
			wf, gf := want.fields(), got.fields()
			var diffs []string
			for k, w := range wf {
				g := gf[k]
				if w.skip && g.skip {
					continue
				}
				compared++
				differs := w.value != g.value || w.skip != g.skip
				why, isDeclared := declared[w.name]
				if _, hr := declared["enable_hr"]; hr && !isDeclared && w.skip != g.skip &&
					(strings.HasPrefix(w.name, "hr_") || w.name == "denoising_strength") {
					isDeclared = true
				}
				switch {
				case differs && !isDeclared:
					diffs = append(diffs, fmt.Sprintf("%s: A1111 %s, StableNew %s", w.name, show(w), show(g)))
				case !differs && why != "":
					diffs = append(diffs, fmt.Sprintf("%s: declared to differ (%s) but is the same: %s", w.name, why, show(w)))
				}
			}
			if len(diffs) > 0 {
				t.Errorf("the request differs from A1111's:\n  %s", strings.Join(diffs, "\n  "))
			}
		})
	}
	t.Logf("%d infotexts, %d requests sent, %d fields compared", len(files), sent, compared)
}

func show(f a1111Field) string {
	if f.skip {
		return "(not used)"
	}
	return fmt.Sprintf("%q", f.value)
}
