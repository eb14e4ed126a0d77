package controller

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stablenew/pipeline"
	"stablenew/pipeline/random"
)

// fixedBuilder makes ids job-0001, job-0002, ... and a fixed clock.
func fixedBuilder() JobBuilder {
	n := 0
	return JobBuilder{
		NewID: func() string { n++; return fmt.Sprintf("job-%04d", n) },
		Now:   func() time.Time { return time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC) },
	}
}

func matrixConfig(runs int) pipeline.PipelineConfig {
	c := pipeline.Defaults()
	c.Txt2Img.Model = "sd_xl_base_1.0.safetensors [31e35c80fc]"
	c.Batch.BatchRuns = runs
	c.Randomizer.Enabled = true
	c.Randomizer.Seed = 42
	c.Randomizer.MaxVariants = 20000
	c.Randomizer.Matrix = pipeline.MatrixConfig{Enabled: true, Mode: "fanout", PromptMode: "replace", Slots: []pipeline.MatrixSlot{
		{Name: "job", Values: []string{"knight", "archer", "mage", "thief"}},
		{Name: "place", Values: []string{"a harbor", "a forest", "a desert", "a castle", "a city"}},
	}}
	c.Randomizer.Sweeps = pipeline.SweepConfig{Enabled: true, Mode: "fanout", CFGScales: []float64{4, 5, 6, 7, 8}}
	return c
}

func matrixRows(n int) []PromptRow {
	rows := make([]PromptRow, n)
	for i := range rows {
		rows[i] = PromptRow{Index: i, Positive: fmt.Sprintf("portrait %d of a [[job]] in [[place]], <lora:film:0.5>", i), Negative: "lowres"}
	}
	return rows
}

func build(t testing.TB, cfg pipeline.PipelineConfig, rows []PromptRow) []pipeline.JobSpec {
	t.Helper()
	jobs, _, err := fixedBuilder().Build(context.Background(), []PackInput{{PackID: "heroes", Rows: rows, Config: cfg}},
		BuildOptions{RunMode: pipeline.RunModeQueue, Source: pipeline.SourceAddToQueue, RandomizerSeed: 42, OutputRoot: "/out", Wildcards: random.Chain()})
	require.NoError(t, err)
	return jobs
}

func TestBuildVariantsTimesBatchRuns(t *testing.T) {
	jobs := build(t, matrixConfig(3), matrixRows(2))
	require.Len(t, jobs, 2*4*5*5*3)
	first := jobs[0]
	assert.Equal(t, "job-0001", first.JobID)
	assert.Equal(t, 100, first.VariantTotal)
	assert.Equal(t, 3, first.BatchTotal)
	assert.Equal(t, "heroes", first.PackID)
	assert.Equal(t, pipeline.SourceAddToQueue, first.Source)
	assert.Equal(t, "/out/2026-11-25_heroes", first.OutputDir)
	assert.Equal(t, "portrait 0 of a knight in a harbor, <lora:film:0.5>", first.Config.Prompt.Positive)
	assert.Equal(t, "lowres, blurry, bad quality, distorted", first.Config.Prompt.Negative, "row negative then the global negative")
	assert.NotEmpty(t, first.RandomizerSummary)
	// Batch runs of one variant share one configuration; variants do not.
	assert.Same(t, jobs[0].Config, jobs[1].Config)
	assert.NotSame(t, jobs[0].Config, jobs[3].Config)
	for i, j := range jobs {
		assert.Equal(t, i%3, j.BatchIndex)
		require.NoError(t, j.Config.Validate())
	}
	cfgs := map[float64]int{}
	for _, j := range jobs[:300] {
		cfgs[j.Config.Txt2Img.CFGScale]++
	}
	assert.Len(t, cfgs, 5, "the CFG sweep reaches every job's configuration")
}

func TestSeedModes(t *testing.T) {
	for _, tc := range []struct {
		mode  pipeline.SeedMode
		seed  int64
		batch int
		want  []int64
	}{
		{pipeline.SeedFixed, 100, 1, []int64{100, 100, 100, 100}},
		{pipeline.SeedIncrement, 100, 2, []int64{100, 102, 104, 106}},
		{pipeline.SeedRandom, 100, 1, []int64{-1, -1, -1, -1}},
	} {
		t.Run(string(tc.mode), func(t *testing.T) {
			c := pipeline.Defaults()
			c.Txt2Img.Seed = tc.seed
			c.Batch.SeedMode = tc.mode
			c.Batch.BatchSize = tc.batch
			c.Batch.BatchRuns = 2
			jobs := build(t, c, []PromptRow{{Index: 0, Positive: "a"}, {Index: 1, Positive: "b"}})
			var got []int64
			for _, j := range jobs {
				got = append(got, j.Seed)
				assert.Equal(t, tc.mode, j.SeedMode)
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestSeedMinusOneIsDrawnFromTheRandomizerSeed(t *testing.T) {
	c := pipeline.Defaults()
	c.Batch.SeedMode = pipeline.SeedFixed
	a := build(t, c, []PromptRow{{Positive: "a"}, {Index: 1, Positive: "b"}})
	b := build(t, c, []PromptRow{{Positive: "a"}, {Index: 1, Positive: "b"}})
	assert.GreaterOrEqual(t, a[0].Seed, int64(0))
	assert.Equal(t, a[0].Seed, a[1].Seed, "fixed: every job shares the drawn seed")
	assert.Equal(t, a[0].Seed, b[0].Seed, "the same randomizer seed draws the same seed")
}

func TestSameSeedSameJobs(t *testing.T) {
	c := matrixConfig(1)
	c.Randomizer.Matrix.Mode = "random"
	c.Randomizer.RandomSamples = 3
	c.Randomizer.Sweeps.Mode = "random"
	a := build(t, c, matrixRows(3))
	b := build(t, c, matrixRows(3))
	require.Equal(t, len(a), len(b))
	for i := range a {
		assert.Equal(t, a[i].Config.Prompt, b[i].Config.Prompt)
		assert.Equal(t, a[i].RandomizerSummary, b[i].RandomizerSummary)
		assert.Equal(t, a[i].Seed, b[i].Seed)
	}
}

func TestCapIsAnErrorThatStatesTheFullCount(t *testing.T) {
	c := matrixConfig(10)
	c.Randomizer.MaxVariants = 512
	_, _, err := fixedBuilder().Build(context.Background(), []PackInput{{PackID: "heroes", Rows: matrixRows(10), Config: c}},
		BuildOptions{RandomizerSeed: 1, OutputRoot: "/out", Wildcards: random.Chain()})
	var ce *CapError
	require.True(t, errors.As(err, &ce), "%v", err)
	assert.Equal(t, 10000, ce.Jobs)
	assert.Equal(t, 1000, ce.Variants)
	assert.Contains(t, err.Error(), "10000 jobs (1000 variants × 10 batch runs), over the cap of 512")
}

func TestBuildIsCancellable(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, err := fixedBuilder().Build(ctx, []PackInput{{PackID: "heroes", Rows: matrixRows(10), Config: matrixConfig(1)}},
		BuildOptions{RandomizerSeed: 1, OutputRoot: "/out", Wildcards: random.Chain()})
	assert.ErrorIs(t, err, context.Canceled)
}

func TestLoRAStrengthsAndEmbeddingsRewriteTags(t *testing.T) {
	c := pipeline.Defaults()
	c.LoRAs = []pipeline.LoRAStrength{{Name: "film", Strength: 0.8, Enabled: true}, {Name: "grain", Strength: 1, Enabled: false}}
	jobs := build(t, c, []PromptRow{{Positive: "<embedding:sharp> a cat <lora:film:0.5> <lora:grain:0.4> <lora:other:0.3>", Negative: "<embedding:bad_hands>"}})
	assert.Equal(t, "sharp a cat <lora:film:0.8> <lora:other:0.3>", jobs[0].Config.Prompt.Positive)
	assert.True(t, strings.HasPrefix(jobs[0].Config.Prompt.Negative, "bad_hands, "))
}

func TestBadFilenameTemplateIsAnError(t *testing.T) {
	c := pipeline.Defaults()
	c.Output.FolderTemplate = "{date}/{nope}"
	_, _, err := fixedBuilder().Build(context.Background(), []PackInput{{PackID: "p", Rows: []PromptRow{{Positive: "a"}}, Config: c}},
		BuildOptions{RandomizerSeed: 1, OutputRoot: "/out", Wildcards: random.Chain()})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "output.folder_template")
	assert.Contains(t, err.Error(), "{nope}")
}

func TestFolderTemplateCannotLeaveTheOutputRoot(t *testing.T) {
	c := pipeline.Defaults()
	c.Output.FolderTemplate = "{pack}/{prompt_words:3}"
	jobs, _, err := fixedBuilder().Build(context.Background(), []PackInput{{PackID: "../../etc", Rows: []PromptRow{{Positive: "../../ passwd /etc"}}, Config: c}},
		BuildOptions{RandomizerSeed: 1, OutputRoot: "/out", Wildcards: random.Chain()})
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(jobs[0].OutputDir, "/out/"), jobs[0].OutputDir)
	assert.NotContains(t, jobs[0].OutputDir, "..")
}

// BenchmarkPlan10k builds 10 prompts × a 4×5 matrix × 5 CFG values × 10
// batch runs = 10,000 JobSpecs.
func BenchmarkPlan10k(b *testing.B) {
	cfg := matrixConfig(10)
	rows := matrixRows(10)
	opts := BuildOptions{RunMode: pipeline.RunModeQueue, Source: pipeline.SourceAddToQueue, RandomizerSeed: 42, OutputRoot: "/out", Wildcards: random.Chain()}
	builder := JobBuilder{}
	b.ReportAllocs()
	for b.Loop() {
		jobs, _, err := builder.Build(context.Background(), []PackInput{{PackID: "heroes", Rows: rows, Config: cfg}}, opts)
		if err != nil || len(jobs) != 10000 {
			b.Fatalf("got %d jobs, %v", len(jobs), err)
		}
	}
}

// appLiveHeap is about the live heap of the running GUI with a large queue
// and history (docs/benchmarks.md: 11.8 MB with 10,000 queued jobs and
// 50,000 history rows), rounded up.
const appLiveHeap = 16 << 20

// BenchmarkPlan10kInApp is BenchmarkPlan10k inside a process whose live
// heap is the app's. In the bare benchmark the heap is almost only the
// plan, so the collector runs on every plan and the pages it returns to the
// OS fault back in on the next one; in the app the same plan runs with a
// larger live heap, as here.
func BenchmarkPlan10kInApp(b *testing.B) {
	ballast := make([]byte, appLiveHeap)
	BenchmarkPlan10k(b)
	runtime.KeepAlive(ballast)
}

func TestDefaultJobIDsAreUniqueUUIDs(t *testing.T) {
	jobs, _, err := JobBuilder{}.Build(context.Background(), []PackInput{{PackID: "heroes", Rows: matrixRows(2), Config: matrixConfig(2)}},
		BuildOptions{RandomizerSeed: 1, OutputRoot: "/out", Wildcards: random.Chain()})
	require.NoError(t, err)
	seen := map[string]bool{}
	for _, j := range jobs {
		id, err := uuid.Parse(j.JobID)
		require.NoError(t, err, j.JobID)
		assert.Equal(t, uuid.Version(4), id.Version())
		assert.Equal(t, uuid.RFC4122, id.Variant())
		assert.False(t, seen[j.JobID], "duplicate id %s", j.JobID)
		seen[j.JobID] = true
	}
	assert.Len(t, seen, 400)
}

// The ids of one plan differ in their first 8 characters, which lists show.
func TestJobIDsOfAPlanHaveDistinctShortForms(t *testing.T) {
	next := newIDSource().block(100000)
	short := map[string]string{}
	for i := 0; i < 100000; i++ {
		id := next()
		if other, ok := short[id[:8]]; ok {
			t.Fatalf("ids %s and %s share their first 8 characters", other, id)
		}
		short[id[:8]] = id
	}
}

func TestPlanDiskWarning(t *testing.T) {
	c := pipeline.Defaults()
	plan := &Plan{Jobs: []pipeline.JobSpec{{OutputDir: "/out/a", Config: &c}}}
	need := plan.DiskBytes()
	if need <= 0 {
		t.Fatalf("DiskBytes = %d", need)
	}
	var asked string
	free := func(have int64, ok bool) func(string) (int64, bool) {
		return func(dir string) (int64, bool) { asked = dir; return have, ok }
	}
	if w := plan.DiskWarning(need, free(need, true)); w != "" {
		t.Errorf("just enough room: %q", w)
	}
	if asked != "/out/a" {
		t.Errorf("asked about %q, want the first job's folder", asked)
	}
	if w := plan.DiskWarning(need, free(0, false)); w != "" {
		t.Errorf("unknown free space: %q", w)
	}
	w := plan.DiskWarning(need, free(1000, true))
	if !strings.Contains(w, "Not enough disk space") || !strings.Contains(w, "1.0 KB free") || !strings.Contains(w, "/out/a") {
		t.Errorf("warning %q", w)
	}
	if w := (&Plan{}).DiskWarning(0, free(0, true)); w != "" {
		t.Errorf("empty plan: %q", w)
	}
}
