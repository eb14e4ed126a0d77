package output

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// ManifestSchema identifies the manifest format; ReadManifest accepts any
// "stablenew-manifest/1" document.
const ManifestSchema = "stablenew-manifest/1"

// Manifest records one job: what was asked, what the WebUI did, and which
// files each stage read and wrote. It is stored as
// <dir>/manifests/<job_id>.json and rewritten atomically as stages finish.
type Manifest struct {
	Schema        string  `json:"schema"` // ManifestSchema; filled in by WriteManifest
	JobID         string  `json:"job_id"`
	Pack          string  `json:"pack,omitempty"`
	PromptIndex   int     `json:"prompt_index"`
	Variant       int     `json:"variant"`
	Batch         int     `json:"batch"`
	SeedRequested int64   `json:"seed_requested"`         // -1 for random
	SeedsActual   []int64 `json:"seeds_actual,omitempty"` // one per image
	ConfigHash    string  `json:"config_hash,omitempty"`
	WebUIVersion  string  `json:"webui_version,omitempty"`
	ModelName     string  `json:"model_name,omitempty"`
	ModelHash     string  `json:"model_hash,omitempty"`
	// Resources are the names the job used and what the WebUI calls them.
	Resources  []ResourceUse `json:"resources,omitempty"`
	CreatedAt  time.Time     `json:"created_at"`
	FinishedAt time.Time     `json:"finished_at,omitzero"`
	Stages     []StageRecord `json:"stages"`
}

// ResourceUse is one resource a job named: the name it asked for and the
// WebUI's name it used (they differ when the WebUI keeps the model in a
// subfolder, for instance), or why it could not be used.
type ResourceUse struct {
	Kind    string `json:"kind"`
	Asked   string `json:"asked"`
	Used    string `json:"used,omitempty"`
	How     string `json:"how,omitempty"`
	Problem string `json:"problem,omitempty"`
}

// StageRecord is one stage of a job in a Manifest. Paths are best stored
// relative to the manifest's output folder, with "/" separators, so the
// folder can be moved.
type StageRecord struct {
	Name        string         `json:"name"` // txt2img, img2img, adetailer, upscale
	Inputs      []string       `json:"inputs,omitempty"`
	Outputs     []string       `json:"outputs,omitempty"`
	Request     map[string]any `json:"request,omitempty"` // request summary, without images
	StartedAt   time.Time      `json:"started_at"`
	FinishedAt  time.Time      `json:"finished_at,omitzero"`
	DurationMS  int64          `json:"duration_ms"`
	SeedsActual []int64        `json:"seeds_actual,omitempty"`
	Error       string         `json:"error,omitempty"` // set when the stage failed
}

// ManifestPath returns where WriteManifest stores the manifest of jobID.
func ManifestPath(dir, jobID string) (string, error) {
	if jobID == "" || SanitizeComponent(jobID) != jobID {
		return "", fmt.Errorf("output: job id %q cannot be a file name", jobID)
	}
	return filepath.Join(dir, "manifests", jobID+".json"), nil
}

// WriteManifest writes m as indented JSON to <dir>/manifests/<job_id>.json,
// atomically (an existing manifest of the same job is replaced whole), and
// returns the path. The job id must be a portable file name (a UUID is).
func WriteManifest(dir string, m *Manifest) (string, error) {
	if m == nil {
		return "", fmt.Errorf("output: WriteManifest: nil manifest")
	}
	path, err := ManifestPath(dir, m.JobID)
	if err != nil {
		return "", err
	}
	c := *m
	if c.Schema == "" {
		c.Schema = ManifestSchema
	}
	if c.Stages == nil {
		c.Stages = []StageRecord{}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(&c); err != nil {
		return "", fmt.Errorf("output: manifest of job %s: %w", m.JobID, err)
	}
	if err := WriteFileAtomic(path, buf.Bytes()); err != nil {
		return "", err
	}
	return path, nil
}

// ReadManifest reads a manifest written by WriteManifest. Unknown fields are
// ignored; a schema other than stablenew-manifest/1 is an error.
func ReadManifest(path string) (*Manifest, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("output: read manifest: %w", err)
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("output: manifest %s: %w", path, err)
	}
	if m.Schema != ManifestSchema && !strings.HasPrefix(m.Schema, ManifestSchema+".") {
		return nil, fmt.Errorf("output: manifest %s has schema %q; this version reads %q", path, m.Schema, ManifestSchema)
	}
	return &m, nil
}
