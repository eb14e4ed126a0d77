package pipeline

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"

	"stablenew/pipeline/output"
)

// LoadPatchFile reads a preset, sidecar or override file (.yaml, .yml or
// .json) as a Patch.
func LoadPatchFile(path string) (*Patch, error) {
	data, err := ReadRegular(path)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	return ParsePatch(data, path)
}

// MarshalConfig encodes c as YAML or JSON ("json" for JSON, anything else
// YAML), keys in schema order.
func MarshalConfig(c PipelineConfig, format string) ([]byte, error) {
	if format == "json" {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(c); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(c); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// SaveConfigFile writes c to path, as JSON for a .json name and YAML
// otherwise. The file is written to a temporary name in the same folder and
// renamed, so a crash never leaves half a file.
func SaveConfigFile(path string, c PipelineConfig) error {
	format := "yaml"
	if strings.EqualFold(filepath.Ext(path), ".json") {
		format = "json"
	}
	data, err := MarshalConfig(c, format)
	if err != nil {
		return fmt.Errorf("encoding %s: %w", path, err)
	}
	return output.WriteFileAtomic(path, data)
}
