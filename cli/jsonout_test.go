package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stablenew/controller"
	"stablenew/pipeline"
	"stablenew/pipeline/queue"
)

// bigPlanRuns are the batch runs of the big pack: 10,000 jobs, or 1,000
// under the race detector (ten times slower; the same code runs).
var bigPlanRuns = 10 / slowdown

// write10kPack writes a pack of 10 rows × a 4×5 matrix × 5 CFG values ×
// runs batch runs (10 runs: 10,000 jobs) into dir/packs and returns its
// name.
func write10kPack(t testing.TB, dir string, runs int) string {
	t.Helper()
	var rows strings.Builder
	rows.WriteString("# name: Heroes 10k\n")
	for i := range 10 {
		fmt.Fprintf(&rows, "\nportrait %d of a [[job]] in [[place]], <lora:film:0.5>\nneg: lowres\n", i)
	}
	sidecar := `txt2img:
  model: sd_xl_base_1.0.safetensors [31e35c80fc]
batch:
  batch_runs: ` + fmt.Sprint(runs) + `
randomizer:
  enabled: true
  max_variants: 20000
  matrix:
    enabled: true
    mode: fanout
    prompt_mode: replace
    limit: 0
    slots:
      - name: job
        values: [knight, archer, mage, thief]
      - name: place
        values: [a harbor, a forest, a desert, a castle, a city]
  sweeps:
    enabled: true
    mode: fanout
    cfg_scales: [4, 5, 6, 7, 8]
`
	packs := filepath.Join(dir, "packs")
	require.NoError(t, os.MkdirAll(packs, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(packs, "heroes.txt"), []byte(rows.String()), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(packs, "heroes.yaml"), []byte(sidecar), 0o644))
	return "heroes"
}

// discardCounter counts the bytes and write calls that reach it and keeps
// nothing.
type discardCounter struct{ n, writes int }

func (w *discardCounter) Write(p []byte) (int, error) {
	w.writes++
	w.n += len(p)
	return len(p), nil
}

// countingWriter counts the write calls that reach it (each would be one
// system call on a terminal or pipe).
type countingWriter struct {
	bytes.Buffer
	writes int
}

func (w *countingWriter) Write(p []byte) (int, error) {
	w.writes++
	return w.Buffer.Write(p)
}

// referenceJSON is how plan --json wrote its array before it streamed:
// one Encode of the whole slice.
func referenceJSON(t testing.TB, v any) string {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	require.NoError(t, enc.Encode(v))
	return buf.String()
}

// plan --json of 10,000 jobs streams them one by one: the bytes are those
// of encoding the whole array at once, and they leave in a few large
// writes.
func TestPlanJSON10kStreamsTheSameBytes(t *testing.T) {
	fixBuilder(t)
	data := t.TempDir()
	pack := write10kPack(t, data, bigPlanRuns)
	out := &countingWriter{}
	code := Main([]string{"plan", "--data-dir", data, "--pack", pack, "--seed", "7", "--output", "/out", "--json"},
		&Env{Stdout: out, Stderr: io.Discard, Interrupt: make(chan struct{})})
	require.Equal(t, ExitOK, code)
	var jobs []pipeline.JobSpec
	require.NoError(t, json.Unmarshal(out.Bytes(), &jobs))
	require.Len(t, jobs, 1000*bigPlanRuns)

	// The same plan again, encoded whole as before.
	fixBuilder(t)
	pf := planFlags{dataDir: data, packs: stringList{pack}, seed: 7, output: "/out"}
	lib, req, err := pf.request(pipeline.SourceCLI)
	require.NoError(t, err)
	pc := controller.NewPipelineController(lib)
	pc.Builder = jobBuilder
	plan, err := pc.Plan(t.Context(), req)
	require.NoError(t, err)
	want := referenceJSON(t, plan.Jobs)
	require.Equal(t, len(want), out.Len())
	require.True(t, want == out.String(), "plan --json differs from the whole-array encoding")
	assert.Less(t, out.writes, out.Len()/(32<<10)+10, "the JSON goes out in large writes")

	// Into a pipe, the command allocates far less than its 60 MB of JSON:
	// the array is never held whole. (The race detector empties sync.Pools
	// at random, so encoders are made anew: the count means nothing there.)
	if slowdown > 1 {
		return
	}
	fixBuilder(t)
	sink := &discardCounter{}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	code = Main([]string{"plan", "--data-dir", data, "--pack", pack, "--seed", "7", "--output", "/out", "--json"},
		&Env{Stdout: sink, Stderr: io.Discard, Interrupt: make(chan struct{})})
	runtime.ReadMemStats(&after)
	require.Equal(t, ExitOK, code)
	require.Equal(t, len(want), sink.n)
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(sink.n/2), "bytes allocated while printing %d bytes of JSON", sink.n)
}

// The text plan of 10,000 jobs is written through a buffer: a few large
// writes, not one per table cell (it was 200,025).
func TestPlanTable10kIsBuffered(t *testing.T) {
	data := t.TempDir()
	pack := write10kPack(t, data, bigPlanRuns)
	out := &countingWriter{}
	code := Main([]string{"plan", "--data-dir", data, "--pack", pack, "--seed", "7", "--output", "/out"},
		&Env{Stdout: out, Stderr: io.Discard, Interrupt: make(chan struct{})})
	require.Equal(t, ExitOK, code)
	n := 1000 * bigPlanRuns
	assert.Equal(t, n+3, strings.Count(out.String(), "\n"), "header, a row per job, a blank line and the totals")
	assert.Contains(t, out.String(), fmt.Sprintf("\nJobs %d | images per job 1 | total %d | randomizer seed 7", n, n))
	assert.Less(t, out.writes, out.Len()/(32<<10)+10)
}

// The text plan of every sample pack is byte for byte what it was before
// the table was buffered (the golden files were written then).
func TestPlanTableGolden(t *testing.T) {
	for _, pack := range []string{"sdxl_portraits", "landscapes_matrix", "anime_wildcards"} {
		t.Run(pack, func(t *testing.T) {
			code, out, errOut := run(t, "plan", "--data-dir", t.TempDir(), "--pack", pack, "--seed", "7", "--output", "/out")
			require.Equal(t, ExitOK, code, errOut)
			golden := filepath.Join("testdata", "plan_"+pack+".txt")
			if *update {
				require.NoError(t, os.WriteFile(golden, []byte(out), 0o644))
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err)
			assert.Equal(t, string(want), out)
		})
	}
}

// writeJSONList writes what writeJSON writes for nil, empty and one-item
// lists, and for items with characters JSON may escape.
func TestWriteJSONListMatchesWriteJSON(t *testing.T) {
	cases := map[string][]queue.QueueItem{
		"nil":   nil,
		"empty": {},
		"one":   {{JobID: "a", Prompt: "<lora:x:1> & \"quoted\"\nnew line"}},
		"two":   {{JobID: "a", PackID: "p"}, {JobID: "b", Seed: -1, Prompt: "ünïcode ✓"}},
	}
	for name, items := range cases {
		t.Run(name, func(t *testing.T) {
			var got bytes.Buffer
			require.NoError(t, writeJSONList(&got, items))
			assert.Equal(t, referenceJSON(t, items), got.String())
		})
	}
}

// BenchmarkPlanJSON10k is `plan --json` of a 10,000-job pack into memory:
// B/op is what the command allocates (it was the whole array's JSON at
// once, about 310 MB of peak memory in the process; measure the process
// with /usr/bin/time -v).
func BenchmarkPlanJSON10k(b *testing.B) {
	data := b.TempDir()
	pack := write10kPack(b, data, 10)
	b.ReportAllocs()
	for b.Loop() {
		out := &discardCounter{}
		code := Main([]string{"plan", "--data-dir", data, "--pack", pack, "--seed", "7", "--output", "/out", "--json"},
			&Env{Stdout: out, Stderr: io.Discard, Interrupt: make(chan struct{})})
		if code != ExitOK {
			b.Fatalf("exit %d", code)
		}
		b.ReportMetric(float64(out.writes), "writes/op")
	}
}
