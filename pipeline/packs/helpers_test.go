package packs

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
)

// writeFile writes content to dir/name, creating folders.
func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// testSamples is a small stand-in for the shipped samples, so library
// tests don't depend on their exact contents.
func testSamples() fstest.MapFS {
	return fstest.MapFS{
		"packs/alpha.txt":       {Data: []byte("alpha prompt\nneg: alpha neg\n")},
		"packs/alpha.yaml":      {Data: []byte("txt2img:\n  steps: 25\n")},
		"packs/beta.tsv":        {Data: []byte("beta one\tneg one\nbeta two\n")},
		"presets/fast.yaml":     {Data: []byte("txt2img:\n  steps: 12\n")},
		"wildcards/color.txt":   {Data: []byte("red\nblue\n")},
		"wildcards/sub/pet.txt": {Data: []byte("cat\n")},
	}
}

// newTestLibrary opens a library on a fresh temp folder with testSamples.
func newTestLibrary(t *testing.T) *Library {
	t.Helper()
	l, err := open(t.TempDir(), testSamples())
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func rowTexts(rows []PromptRow) [][3]any {
	out := make([][3]any, len(rows))
	for i, r := range rows {
		out[i] = [3]any{r.Positive, r.Negative, r.Line}
	}
	return out
}

func fsReadFile(fsys fs.FS, name string) ([]byte, error) { return fs.ReadFile(fsys, name) }
