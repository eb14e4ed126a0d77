package output

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func sampleManifest() *Manifest {
	t0 := time.Date(2025, 3, 9, 14, 5, 7, 0, time.UTC)
	return &Manifest{
		JobID: "3f2a9c1e-77b0-4c1e-9d2a-0b1c2d3e4f50", Pack: "Fantasy Portraits", PromptIndex: 3, Variant: 1, Batch: 2,
		SeedRequested: -1, SeedsActual: []int64{1234, 1235}, ConfigHash: "sha256:abcd", WebUIVersion: "v1.10.1",
		ModelName: "juggernautXL_v9", ModelHash: "c9e3e68f89", CreatedAt: t0, FinishedAt: t0.Add(42 * time.Second),
		Stages: []StageRecord{
			{
				Name: "txt2img", Outputs: []string{"2025-03-09/txt2img_p03.png", "2025-03-09/txt2img_p03-1.png"},
				Request:   map[string]any{"steps": 30.0, "sampler_name": "DPM++ 2M", "enable_hr": true, "prompt": "猫 <lora:x:0.5>"},
				StartedAt: t0, FinishedAt: t0.Add(20 * time.Second), DurationMS: 20000, SeedsActual: []int64{1234, 1235},
			},
			{
				Name: "adetailer", Inputs: []string{"2025-03-09/txt2img_p03.png"}, StartedAt: t0.Add(20 * time.Second),
				Error: "WebUI returned 500",
			},
		},
	}
}

func TestManifestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	m := sampleManifest()
	path, err := WriteManifest(dir, m)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "manifests", m.JobID+".json"); path != want {
		t.Errorf("path %q, want %q", path, want)
	}
	got, err := ReadManifest(path)
	if err != nil {
		t.Fatal(err)
	}
	want := *m
	want.Schema = ManifestSchema
	if !reflect.DeepEqual(got, &want) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, &want)
	}
	if m.Schema != "" {
		t.Error("WriteManifest changed the caller's manifest")
	}
	raw, _ := os.ReadFile(path)
	if !strings.Contains(string(raw), `"prompt": "猫 <lora:x:0.5>"`) || strings.Contains(string(raw), `"finished_at": "0001`) {
		t.Errorf("manifest JSON escapes HTML or writes zero times:\n%s", raw)
	}
	// Rewriting replaces the file whole, with no temporary file left.
	m.Stages = m.Stages[:1]
	if _, err := WriteManifest(dir, m); err != nil {
		t.Fatal(err)
	}
	if got, _ := ReadManifest(path); len(got.Stages) != 1 {
		t.Errorf("rewrite kept %d stages", len(got.Stages))
	}
	noTempFiles(t, filepath.Join(dir, "manifests"))
}

func TestManifestErrors(t *testing.T) {
	dir := t.TempDir()
	for _, id := range []string{"", "../escape", "a/b", "CON", "x."} {
		m := sampleManifest()
		m.JobID = id
		if _, err := WriteManifest(dir, m); err == nil || !strings.Contains(err.Error(), "cannot be a file name") {
			t.Errorf("job id %q: err = %v", id, err)
		}
	}
	if _, err := WriteManifest(dir, nil); err == nil {
		t.Error("nil manifest accepted")
	}
	bad := filepath.Join(dir, "bad.json")
	for content, substr := range map[string]string{
		`{"schema":"stablenew-manifest/2","job_id":"x"}`: "schema",
		`{"job_id":"x"}`: "schema",
		`{not json`:      "invalid character",
	} {
		if err := os.WriteFile(bad, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := ReadManifest(bad); err == nil || !strings.Contains(err.Error(), substr) {
			t.Errorf("%s: err = %v", content, err)
		}
	}
	if _, err := ReadManifest(filepath.Join(dir, "missing.json")); err == nil {
		t.Error("missing file accepted")
	}
}
