package packs

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestPackLists(t *testing.T) {
	l := newTestLibrary(t)
	got, err := l.PackLists()
	if err != nil || len(got) != 0 || got == nil {
		t.Fatalf("no file: %v, %v (want an empty, non-nil map)", got, err)
	}
	in := map[string][]string{
		" Portraits ": {"sdxl_portraits", " alpha.txt ", "alpha", "", "beta.TSV"},
		"Empty":       nil,
	}
	if err := l.SavePackLists(in); err != nil {
		t.Fatal(err)
	}
	got, err = l.PackLists()
	want := map[string][]string{"Portraits": {"sdxl_portraits", "alpha", "beta"}, "Empty": {}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("round trip: %v, %v; want %v", got, err, want)
	}
	data, _ := os.ReadFile(filepath.Join(l.DataDir(), PackListsFile))
	if !strings.HasPrefix(string(data), "{\n  \"Empty\": [],\n  \"Portraits\": [\n") {
		t.Errorf("file:\n%s", data)
	}
	if err := l.SavePackLists(map[string][]string{"  ": {"a"}}); err == nil {
		t.Error("unnamed list accepted")
	}
	if err := l.SavePackLists(map[string][]string{"a": nil, " a": nil}); err == nil {
		t.Error("two lists with the same trimmed name accepted")
	}
}

func TestPackListsFiles(t *testing.T) {
	tests := []struct {
		name    string
		files   map[string]string
		want    map[string][]string
		wantErr string
	}{
		{"original StableNew file", map[string]string{legacyPackListsFile: `{"Faves": ["a.txt", "b.tsv", "c"]}`},
			map[string][]string{"Faves": {"a", "b", "c"}}, ""},
		{"new file wins", map[string]string{legacyPackListsFile: `{"Old": []}`, PackListsFile: `{"New": ["x"]}`},
			map[string][]string{"New": {"x"}}, ""},
		{"empty file", map[string]string{PackListsFile: " \n"}, map[string][]string{}, ""},
		{"BOM", map[string]string{PackListsFile: "\xef\xbb\xbf{\"A\": [\"x\"]}"}, map[string][]string{"A": {"x"}}, ""},
		{"syntax error", map[string]string{PackListsFile: "{\n  \"A\": [\"x\",]\n}"}, nil, PackListsFile + " line 2: invalid character ']'"},
		{"wrong type", map[string]string{PackListsFile: "{\n\"A\": [\"x\"],\n\"B\": \"y\"\n}"}, nil,
			PackListsFile + " line 3: found a JSON string where a list of pack ids belongs; it must map list names to lists of pack ids"},
		{"not an object", map[string]string{PackListsFile: `["a"]`}, nil, "found a JSON array where a mapping of list names to lists belongs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newTestLibrary(t)
			for name, content := range tt.files {
				writeFile(t, l.DataDir(), name, content)
			}
			got, err := l.PackLists()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}
