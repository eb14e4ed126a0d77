package packs

import (
	"path/filepath"
	"strings"
	"testing"

	"stablenew/pipeline"
)

func TestLoadPackFileSidecars(t *testing.T) {
	tests := []struct {
		name     string
		files    map[string]string
		sidecar  string // expected sidecar file name, "" for none
		steps    int    // txt2img.steps after applying the sidecar to the defaults
		errParts []string
	}{
		{name: "none", files: map[string]string{}, steps: 20},
		{name: "yaml", files: map[string]string{"p.yaml": "txt2img:\n  steps: 31\n"}, sidecar: "p.yaml", steps: 31},
		{name: "yml", files: map[string]string{"p.yml": "txt2img: {steps: 32}\n"}, sidecar: "p.yml", steps: 32},
		{name: "json", files: map[string]string{"p.json": `{"txt2img": {"steps": 33}}`}, sidecar: "p.json", steps: 33},
		{name: "original StableNew json", files: map[string]string{"p.json": `{"txt2img": {"steps": 34}, "pipeline": {"upscale_enabled": true}}`}, sidecar: "p.json", steps: 34},
		{name: "other stems ignored", files: map[string]string{"q.yaml": "bad: [", "p.yaml.bak": "x"}, steps: 20},
		{name: "two sidecars", files: map[string]string{"p.yaml": "{}", "p.json": "{}"},
			errParts: []string{"has 2 sidecars", "p.yaml", "p.json", "keep one and delete or rename the others"}},
		{name: "three sidecars", files: map[string]string{"p.yaml": "{}", "p.yml": "{}", "p.json": "{}"}, errParts: []string{"has 3 sidecars"}},
		{name: "unknown key", files: map[string]string{"p.yaml": "txt2img:\n  stepz: 3\n"},
			errParts: []string{"p.yaml", "line 2: txt2img.stepz: unknown key"}},
		{name: "broken yaml", files: map[string]string{"p.yaml": "txt2img: [\n"}, errParts: []string{"p.yaml"}},
		{name: "folder named like a sidecar", files: map[string]string{"p.yaml/x": "x"}, steps: 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			packPath := writeFile(t, dir, "p.txt", "a prompt\n")
			for name, content := range tt.files {
				writeFile(t, dir, name, content)
			}
			p, err := LoadPackFile(packPath)
			if tt.errParts != nil {
				if err == nil {
					t.Fatal("no error")
				}
				for _, part := range tt.errParts {
					if !strings.Contains(err.Error(), part) {
						t.Errorf("error %q does not mention %q", err, part)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			wantPath := ""
			if tt.sidecar != "" {
				wantPath = filepath.Join(dir, tt.sidecar)
			}
			if p.SidecarPath != wantPath || (p.Sidecar == nil) != (tt.sidecar == "") {
				t.Errorf("SidecarPath %q (patch %v), want %q", p.SidecarPath, p.Sidecar, wantPath)
			}
			c, err := p.Sidecar.ApplyTo(pipeline.Defaults())
			if err != nil {
				t.Fatal(err)
			}
			if c.Txt2Img.Steps != tt.steps {
				t.Errorf("steps %d, want %d", c.Txt2Img.Steps, tt.steps)
			}
		})
	}
}

func TestLoadPackFileErrors(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "bad.txt", "neg: only\n")
	tests := []struct{ path, want string }{
		{filepath.Join(dir, "bad.txt"), filepath.Join(dir, "bad.txt") + " line 1: this block has only neg: lines"},
		{filepath.Join(dir, "missing.txt"), "reading pack " + filepath.Join(dir, "missing.txt") + ": no such file or directory"},
	}
	for _, tt := range tests {
		_, err := LoadPackFile(tt.path)
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("LoadPackFile(%s) error %v, want prefix %q", tt.path, err, tt.want)
		}
	}
}
