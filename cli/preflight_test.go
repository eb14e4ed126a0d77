package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stablenew/pipeline/webui/webuitest"
)

// `plan --webui` checks the jobs against WebUIs read now: each missing
// resource on a line of its own with how many jobs need it, which WebUI and
// the closest names; exit 1 when some job can run on none of them.
func TestPlanWebUIPreflight(t *testing.T) {
	sub := webuitest.New(webuitest.Options{Checkpoints: webuitest.SubfolderCheckpoints})
	t.Cleanup(sub.Close)
	bare := webuitest.New(webuitest.Options{Checkpoints: []string{"juggernautXL_v9.safetensors [1234567890]"}})
	t.Cleanup(bare.Close)
	data := t.TempDir()

	code, out, errOut := run(t, "plan", "--data-dir", data, "--pack", "sdxl_portraits", "--webui", sub.URL())
	require.Equal(t, ExitOK, code, errOut)
	for _, want := range []string{
		"Preflight against " + sub.URL(),
		`mapped: ` + sub.URL() + `: checkpoint "sd_xl_base_1.0.safetensors [31e35c80fc]" → "SDXL/sd_xl_base_1.0.safetensors [31e35c80fc]" (by hash, 6 jobs)`,
		`warning: ` + sub.URL() + ` has no LoRA "xl_more_art-full_v1" (`,
		sub.URL() + " can run 6 of the 6 jobs",
	} {
		assert.Contains(t, out, want)
	}

	code, out, errOut = run(t, "plan", "--data-dir", data, "--pack", "sdxl_portraits", "--json", "--webui", bare.URL())
	assert.Equal(t, 1, code, "no job can run on a WebUI without the pack's checkpoints")
	assert.True(t, strings.HasPrefix(out, "["), "--json keeps stdout to the JobSpecs")
	for _, want := range []string{
		`error: ` + bare.URL() + ` has no checkpoint "sd_xl_base_1.0.safetensors [31e35c80fc]" (6 jobs)`,
		`error: ` + bare.URL() + ` has no checkpoint "sd_xl_refiner_1.0.safetensors [7440042bbd]" (6 jobs)`,
		"6 jobs can run on none of the WebUIs",
	} {
		assert.Contains(t, errOut, want)
	}

	// Together the two can run every job: the one lacking the models says
	// where the jobs go instead.
	code, out, errOut = run(t, "plan", "--data-dir", data, "--pack", "sdxl_portraits", "--webui", sub.URL(), "--webui", bare.URL())
	require.Equal(t, ExitOK, code, errOut)
	assert.Contains(t, out, `error: `+bare.URL()+` has no checkpoint "sd_xl_base_1.0.safetensors [31e35c80fc]" (6 jobs; they run on another WebUI)`)
	assert.Contains(t, out, bare.URL()+" can run 0 of the 6 jobs")

	code, out, _ = run(t, "plan", "--data-dir", data, "--pack", "sdxl_portraits", "--webui", "http://127.0.0.1:9")
	assert.Equal(t, ExitOK, code, "a WebUI that cannot be checked does not fail the plan")
	assert.Contains(t, out, "could not check http://127.0.0.1:9: ")
}

// `run` refuses before starting any job when a job can run nowhere.
func TestRunRefusesJobsThatCanRunNowhere(t *testing.T) {
	srv := webuitest.New(webuitest.Options{Checkpoints: []string{"juggernautXL_v9.safetensors [1234567890]"}})
	t.Cleanup(srv.Close)
	data := foxData(t)
	require.NoError(t, os.WriteFile(filepath.Join(data, "packs", "fox.yaml"),
		[]byte("txt2img: {model: \"sd_xl_base_1.0.safetensors [31e35c80fc]\"}\n"), 0o644))
	code, out, errOut := run(t, "run", "--data-dir", data, "--pack", "fox", "--webui", srv.URL())
	assert.Equal(t, ExitUsage, code, out)
	assert.Contains(t, errOut, `has no checkpoint "sd_xl_base_1.0.safetensors [31e35c80fc]"`)
	assert.Contains(t, errOut, "nothing was started")
	assert.Empty(t, srv.Requests("/sdapi/v1/txt2img"))
	code, out, _ = run(t, "queue", "list", "--data-dir", data)
	assert.Equal(t, ExitOK, code)
	assert.NotContains(t, out, "fox", "nothing was queued")
}
