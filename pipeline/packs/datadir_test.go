package packs

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestDefaultDataDir(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	cfg := func() (string, error) { return "/cfg", nil }
	noCfg := func() (string, error) { return "", errors.New("no home") }
	tests := []struct {
		name    string
		goos    string
		env     map[string]string
		cfg     func() (string, error)
		want    string
		wantErr string
	}{
		{"linux XDG", "linux", map[string]string{"XDG_DATA_HOME": "/xdg", "HOME": "/home/u"}, cfg, filepath.Join("/xdg", "stablenew"), ""},
		{"linux relative XDG ignored", "linux", map[string]string{"XDG_DATA_HOME": "rel", "HOME": "/home/u"}, cfg, filepath.Join("/home/u", ".local", "share", "stablenew"), ""},
		{"linux HOME", "linux", map[string]string{"HOME": "/home/u"}, cfg, filepath.Join("/home/u", ".local", "share", "stablenew"), ""},
		{"freebsd HOME", "freebsd", map[string]string{"HOME": "/home/u"}, cfg, filepath.Join("/home/u", ".local", "share", "stablenew"), ""},
		{"linux no HOME", "linux", nil, cfg, "", "$HOME is not set; choose one with --data-dir"},
		{"darwin", "darwin", map[string]string{"HOME": "/Users/u"}, cfg, filepath.Join("/cfg", "StableNew"), ""},
		{"windows APPDATA", "windows", map[string]string{"APPDATA": "/roaming", "LOCALAPPDATA": "/local"}, cfg, filepath.Join("/roaming", "StableNew"), ""},
		{"windows fallback", "windows", nil, cfg, filepath.Join("/cfg", "StableNew"), ""},
		{"darwin no config dir", "darwin", nil, noCfg, "", "no home; choose one with --data-dir"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := defaultDataDir(tt.goos, env(tt.env), tt.cfg)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestDefaultDataDirUsesEnvironment(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("checks the Linux layout")
	}
	xdg := t.TempDir()
	t.Setenv("XDG_DATA_HOME", xdg)
	if got, err := DefaultDataDir(); err != nil || got != filepath.Join(xdg, "stablenew") {
		t.Errorf("DefaultDataDir = %q, %v; want %q", got, err, filepath.Join(xdg, "stablenew"))
	}
	t.Setenv("XDG_DATA_HOME", "")
	t.Setenv("HOME", "/home/someone")
	if got, err := ResolveDataDir(""); err != nil || got != "/home/someone/.local/share/stablenew" {
		t.Errorf("ResolveDataDir(\"\") = %q, %v", got, err)
	}
}

func TestResolveDataDir(t *testing.T) {
	got, err := ResolveDataDir("rel/dir")
	if err != nil || !filepath.IsAbs(got) || !strings.HasSuffix(got, filepath.Join("rel", "dir")) {
		t.Errorf("ResolveDataDir(rel/dir) = %q, %v", got, err)
	}
}

func TestOpenCreatesLayout(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new", "data")
	l, err := open(dir, testSamples())
	if err != nil {
		t.Fatal(err)
	}
	if l.DataDir() != dir {
		t.Errorf("DataDir %q, want %q", l.DataDir(), dir)
	}
	for _, d := range []string{l.PacksDir(), l.PresetsDir(), l.WildcardsDir(), l.OutputDir(), l.StateDir()} {
		if fi, err := os.Stat(d); err != nil || !fi.IsDir() {
			t.Errorf("%s not created: %v", d, err)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 5 {
		t.Errorf("data folder holds %d entries, want the 5 folders (no leftover write test)", len(entries))
	}
	if _, err := open(dir, testSamples()); err != nil {
		t.Errorf("reopening: %v", err)
	}
}

func TestOpenUnwritable(t *testing.T) {
	base := t.TempDir()
	fileAsDir := writeFile(t, base, "plainfile", "x")
	packsIsFile := filepath.Join(base, "data2")
	writeFile(t, packsIsFile, "packs", "x")
	tests := []struct{ name, dir string }{
		{"data folder is a file", fileAsDir},
		{"inside a file", filepath.Join(fileAsDir, "sub")},
		{"packs is a file", packsIsFile},
	}
	if os.Geteuid() != 0 {
		ro := filepath.Join(base, "readonly")
		if err := os.Mkdir(ro, 0o555); err != nil {
			t.Fatal(err)
		}
		tests = append(tests, struct{ name, dir string }{"read-only folder", ro})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := open(tt.dir, testSamples())
			if err == nil {
				t.Fatal("no error")
			}
			want := "data folder " + tt.dir + " is not writable: "
			if !strings.HasPrefix(err.Error(), want) || !strings.HasSuffix(err.Error(), "; choose another with --data-dir") {
				t.Errorf("error %q, want %q…; choose another with --data-dir", err, want)
			}
			if !errors.Is(err, ErrDataDirNotWritable) {
				t.Errorf("error does not wrap ErrDataDirNotWritable")
			}
		})
	}
}
