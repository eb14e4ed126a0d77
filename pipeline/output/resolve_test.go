package output

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestResolvePath(t *testing.T) {
	root := t.TempDir()
	folder := mustParseTemplate("{date}_{pack}/{stage}")
	file := mustParseTemplate("p{prompt_index:02}_v{variant:02}_{seed}")
	got, err := ResolvePath(root, folder, file, sampleValues, "png")
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(root, "2025-03-09_Fantasy Portraits", "txt2img", "p03_v12_1234567890.png")
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	// No folder template, extension with a dot, none at all.
	if got, _ := ResolvePath(root, nil, file, sampleValues, ".jpg"); got != filepath.Join(root, "p03_v12_1234567890.jpg") {
		t.Errorf("no folder: got %q", got)
	}
	if got, _ := ResolvePath(root, nil, file, sampleValues, ""); got != filepath.Join(root, "p03_v12_1234567890") {
		t.Errorf("no extension: got %q", got)
	}
	// A device name stays harmless with its extension.
	v := sampleValues
	v.Pack = "CON"
	if got, _ := ResolvePath(root, nil, mustParseTemplate("{pack}"), v, "png"); filepath.Base(got) != "_CON.png" {
		t.Errorf("device name: got %q", got)
	}
}

func TestResolvePathRelativeRootBecomesAbsolute(t *testing.T) {
	got, err := ResolvePath("out", nil, mustParseTemplate("{seed}"), sampleValues, "png")
	if err != nil {
		t.Fatal(err)
	}
	wd, _ := os.Getwd()
	if !filepath.IsAbs(got) || got != filepath.Join(wd, "out", "1234567890.png") {
		t.Errorf("got %q", got)
	}
}

func TestResolvePathErrors(t *testing.T) {
	root := t.TempDir()
	file := mustParseTemplate("{seed}")
	tests := []struct {
		name           string
		root           string
		folder, file   *Template
		v              TokenValues
		ext, errSubstr string
	}{
		{"empty root", "", nil, file, sampleValues, "png", "output folder is empty"},
		{"no file template", root, nil, nil, sampleValues, "png", "no file name template"},
		{"file template with folder", root, nil, mustParseTemplate("a/{seed}"), sampleValues, "png", "put folders in the folder template"},
		{"bad extension", root, nil, file, sampleValues, "p/ng", "invalid file extension"},
		{"long extension", root, nil, file, sampleValues, "abcdefghijk", "invalid file extension"},
		{"missing time in folder", root, mustParseTemplate("{date}"), file, TokenValues{}, "png", "folder name"},
		{"missing time in file", root, nil, mustParseTemplate("{time}"), TokenValues{}, "png", "file name"},
	}
	for _, tt := range tests {
		_, err := ResolvePath(tt.root, tt.folder, tt.file, tt.v, tt.ext)
		if err == nil || !strings.Contains(err.Error(), tt.errSubstr) {
			t.Errorf("%s: err = %v, want it to contain %q", tt.name, err, tt.errSubstr)
		}
	}
}

// noEscapeTemplates use every token, in folders and file names.
var noEscapeTemplates = []string{
	"{pack}", "{pack}/{pack}", "{model}/{stage}/{sampler}", "..{pack}", "{pack}..", ".{pack}",
	"{prompt_words:50}", "{job_id}/{prompt_words}", "x{pack}{model}{stage}{sampler}{job_id}",
	"{date}/{time}/{datetime}/{timestamp}", "{seed:020}_{index:03}_{cfg}_{steps}_{width}x{height}",
	"{prompt_index}/{variant}/{batch}", "{{{pack}}}", "a/{pack}/b/{model}/c",
}

// TestNoTemplateEscapesRoot is a property test: for every template and every
// hostile value in every text token, the path stays strictly inside root and
// every component is portable.
func TestNoTemplateEscapesRoot(t *testing.T) {
	root := filepath.Join(t.TempDir(), "out")
	count := 0
	for _, ft := range noEscapeTemplates {
		folder := mustParseTemplate(ft)
		for _, fileSrc := range []string{"{pack}", "{prompt_words:9}_{seed}", "{model}{sampler}{stage}"} {
			file := mustParseTemplate(fileSrc)
			for _, h := range hostileValues {
				v := TokenValues{
					Time: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC), Pack: h, Model: h, Stage: h,
					Prompt: h + " " + h, JobID: h, Sampler: h, Seed: -9223372036854775808, CFG: -1e300,
				}
				p, err := ResolvePath(root, folder, file, v, "png")
				if err != nil {
					t.Fatalf("ResolvePath(%q, %q) with %q: %v", ft, fileSrc, h, err)
				}
				count++
				checkInside(t, root, p, ft+" | "+h)
			}
		}
	}
	if count < 1000 {
		t.Fatalf("only %d combinations checked", count)
	}
}

// checkInside fails unless p is strictly below root with portable components.
func checkInside(t *testing.T, root, p, context string) {
	t.Helper()
	rel, err := filepath.Rel(root, p)
	if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		t.Fatalf("%s: %q escapes %q", context, p, root)
	}
	if filepath.Clean(p) != p {
		t.Errorf("%s: %q is not clean", context, p)
	}
	for _, c := range strings.Split(rel, string(filepath.Separator)) {
		checkPortableComponent(t, c, context)
	}
}

func TestWithin(t *testing.T) {
	root := filepath.FromSlash("/a/b")
	tests := map[string]bool{"/a/b": false, "/a": false, "/a/bc/x": false, "/a/b/../c": false, "/a/b/c": true, "/a/b/c/d": true}
	for p, want := range tests {
		if got := within(root, filepath.Clean(filepath.FromSlash(p))); got != want {
			t.Errorf("within(%q, %q) = %v, want %v", root, p, got, want)
		}
	}
}
