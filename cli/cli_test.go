package cli

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stablenew/controller"
	"stablenew/pipeline"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// run runs the CLI and returns its exit code and outputs.
func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Main(args, &Env{Stdout: &out, Stderr: &errOut, Interrupt: make(chan struct{})})
	return code, out.String(), errOut.String()
}

// fixBuilder makes plan's ids and clock deterministic for the test.
func fixBuilder(t *testing.T) {
	n := 0
	jobBuilder = controller.JobBuilder{
		NewID: func() string { n++; return fmt.Sprintf("00000000-0000-4000-8000-%012d", n) },
		Now:   func() time.Time { return time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC) },
	}
	t.Cleanup(func() { jobBuilder = controller.JobBuilder{} })
}

// TestPlanJSONGolden pins `plan --json` on every sample pack.
func TestPlanJSONGolden(t *testing.T) {
	for _, pack := range []string{"sdxl_portraits", "landscapes_matrix", "anime_wildcards"} {
		t.Run(pack, func(t *testing.T) {
			fixBuilder(t)
			data := t.TempDir()
			code, out, errOut := run(t, "plan", "--data-dir", data, "--pack", pack, "--seed", "7", "--output", "/out", "--json")
			require.Equal(t, ExitOK, code, errOut)
			var jobs []pipeline.JobSpec
			require.NoError(t, json.Unmarshal([]byte(out), &jobs))
			require.NotEmpty(t, jobs)
			for _, j := range jobs {
				require.NoError(t, j.Config.Validate(), "job %s", j.JobID)
				assert.Equal(t, int64(7), j.RandomizerSeed)
			}
			golden := filepath.Join("testdata", "plan_"+pack+".json")
			if *update {
				require.NoError(t, os.WriteFile(golden, []byte(out), 0o644))
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err, "run go test ./cli -run Golden -update to create it")
			assert.Equal(t, string(want), out)
		})
	}
}

func TestPlanTable(t *testing.T) {
	code, out, errOut := run(t, "plan", "--data-dir", t.TempDir(), "--pack", "sdxl_portraits", "--seed", "1")
	require.Equal(t, ExitOK, code, errOut)
	assert.Contains(t, out, "sdxl_portraits")
	assert.Contains(t, out, "Jobs 6 | images per job 1 | total 6 | randomizer seed 1")
}

func TestUsageAndInputErrorsExit2(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.txt")
	require.NoError(t, os.WriteFile(bad, []byte("neg: only a negative\n"), 0o644))
	over := filepath.Join(dir, "over.yaml")
	require.NoError(t, os.WriteFile(over, []byte("hires:\n  denoize: 0.5\n"), 0o644))
	blank := filepath.Join(dir, "blank.txt")
	require.NoError(t, os.WriteFile(blank, []byte("a cat\n\n{a dog|}\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "blank.yaml"), []byte("randomizer: {enabled: true}\n"), 0o644))
	nan := filepath.Join(dir, "nan.yaml")
	require.NoError(t, os.WriteFile(nan, []byte("hires:\n  resize_x: 1024\n  scale: NaN\n"), 0o644))
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"nope"}, `unknown command "nope"`},
		{[]string{"plan"}, "--pack is required"},
		{[]string{"plan", "--data-dir", dir, "--pack", "no_such_pack"}, "no_such_pack"},
		{[]string{"plan", "--data-dir", dir, "--pack", bad}, "bad.txt line 1"},
		{[]string{"plan", "--data-dir", dir, "--pack", "sdxl_portraits", "--override", over}, "hires.denoize: unknown key"},
		{[]string{"plan", "--data-dir", dir, "--pack", "sdxl_portraits", "--seed", "-5"}, "--seed must be"},
		{[]string{"plan", "--bogus"}, "flag provided but not defined"},
		{[]string{"plan", "--data-dir", dir, "--pack", blank}, "pack blank, prompt 2, variant 2: the prompt comes out empty"},
		{[]string{"queue", "add", "--data-dir", dir, "--pack", blank}, "pack blank, prompt 2"},
		{[]string{"run", "--demo", "--data-dir", dir, "--pack", blank}, "pack blank, prompt 2"},
		{[]string{"plan", "--data-dir", dir, "--pack", "sdxl_portraits", "--override", nan}, "line 3: hires.scale: must be a finite number"},
		{[]string{"expand", "--json", "--", "a {b"}, `"{" is never closed`},
		{[]string{"expand", "--mode", "random", "--", "a"}, "needs --max"},
		{[]string{"expand", "--json"}, "exactly one template"},
		{[]string{"expand", "--json", "--", "__missing__"}, "__missing__"},
	} {
		code, _, errOut := run(t, tc.args...)
		assert.Equal(t, ExitUsage, code, strings.Join(tc.args, " "))
		assert.Contains(t, errOut, tc.want, strings.Join(tc.args, " "))
	}
}

func TestPlanOverTheCapStatesTheFullCount(t *testing.T) {
	dir := t.TempDir()
	over := filepath.Join(dir, "over.yaml")
	require.NoError(t, os.WriteFile(over, []byte("batch: {batch_runs: 20}\nrandomizer: {max_variants: 100}\n"), 0o644))
	// The override file sets run settings, which are not stage sections; it
	// still applies (an --override file overrides what it names).
	code, _, errOut := run(t, "plan", "--data-dir", dir, "--pack", "landscapes_matrix", "--override", over)
	assert.Equal(t, ExitUsage, code)
	assert.Contains(t, errOut, "would make 960 jobs (48 variants × 20 batch runs), over the cap of 100")
}

func TestExpandJSON(t *testing.T) {
	code, out, errOut := run(t, "expand", "--json", "--", "a {red|green} {square|circle}")
	require.Equal(t, ExitOK, code, errOut)
	var got []string
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	assert.Equal(t, []string{"a red square", "a red circle", "a green square", "a green circle"}, got)

	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "color.txt"), []byte("red\n# comment\nblue\n"), 0o644))
	code, out, errOut = run(t, "expand", "--wildcards", dir, "--mode", "random", "--max", "5", "--seed", "3", "--json", "--", "__color__ {2$$a|b|c}")
	require.Equal(t, ExitOK, code, errOut)
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	assert.Len(t, got, 5)
	for _, p := range got {
		assert.Regexp(t, `^(red|blue) [abc],[abc]$`, p)
	}
	code, out2, _ := run(t, "expand", "--wildcards", dir, "--mode", "random", "--max", "5", "--seed", "3", "--json", "--", "__color__ {2$$a|b|c}")
	require.Equal(t, ExitOK, code)
	assert.Equal(t, out, out2, "the same seed gives the same prompts")
}
