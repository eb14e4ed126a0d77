package packs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"stablenew/pipeline"
)

func TestGlobalNegative(t *testing.T) {
	tests := []struct {
		name    string
		files   map[string]string
		want    string
		wantErr string
	}{
		{"no file: built-in default", nil, pipeline.Defaults().Prompt.GlobalNegative, ""},
		{"file", map[string]string{GlobalNegativeFile: "watermark, text\n"}, "watermark, text", ""},
		{"lines joined", map[string]string{GlobalNegativeFile: "\xef\xbb\xbf watermark \r\n\r\n text\n"}, "watermark, text", ""},
		{"empty file: none", map[string]string{GlobalNegativeFile: ""}, "", ""},
		{"original location", map[string]string{"presets/" + GlobalNegativeFile: "old neg"}, "old neg", ""},
		{"new location wins", map[string]string{"presets/" + GlobalNegativeFile: "old", GlobalNegativeFile: "new"}, "new", ""},
		{"not UTF-8", map[string]string{GlobalNegativeFile: "caf\xe9"}, "", "is not UTF-8 text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newTestLibrary(t)
			for name, content := range tt.files {
				writeFile(t, l.DataDir(), name, content)
			}
			got, err := l.GlobalNegative()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestSetGlobalNegative(t *testing.T) {
	l := newTestLibrary(t)
	for _, tt := range []struct{ in, want, file string }{
		{"  blurry, text ", "blurry, text", "blurry, text\n"},
		{"a\nb\n", "a, b", "a, b\n"},
		{"", "", ""},
	} {
		if err := l.SetGlobalNegative(tt.in); err != nil {
			t.Fatal(err)
		}
		got, err := l.GlobalNegative()
		data, _ := os.ReadFile(filepath.Join(l.DataDir(), GlobalNegativeFile))
		if err != nil || got != tt.want || string(data) != tt.file {
			t.Errorf("SetGlobalNegative(%q): read back %q (%v), file %q", tt.in, got, err, data)
		}
	}
	if err := l.SetGlobalNegative("a\x00"); err == nil {
		t.Error("NUL accepted")
	}
}
