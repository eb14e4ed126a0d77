package random

import (
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"testing"
)

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestLoadWildcardDir(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"colors.txt":           "\ufeffred\n\n  blue  \n# a comment\n   # indented comment\ngreen # warm\nred\n",
		"colors_warm.txt":      "orange\n",
		"animals/mammals.txt":  "cat\ndog\n",
		"animals/birds.txt":    "owl\n__mammals__ friend\n",
		"deep/a/b/c.txt":       "x\n",
		".hidden/secret.txt":   "no\n",
		"trees.yaml":           "plants:\n  trees: [oak, '2::pine', {text: birch, weight: 3}]\n  flowers:\n    red: [rose]\n",
		"sub/list.json":        `["one", "two", 3]`,
		"sub/map.json":         `{"moods": ["happy", "sad"]}`,
		"notes.md":             "ignored",
		"animals/mammals.yaml": "animals/mammals: [cow]\n",
		"weird name/thing.txt": "w\n",
	})
	d, err := LoadWildcardDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	wantNames := []string{"animals/birds", "animals/mammals", "animals/animals/mammals", "colors", "colors_warm", "deep/a/b/c",
		"plants/flowers/red", "plants/trees", "sub/list", "sub/moods", "weird name/thing"}
	got := map[string]bool{}
	for _, n := range d.Names() {
		got[n] = true
	}
	for _, n := range wantNames {
		if !got[n] {
			t.Errorf("Names() lacks %q: %v", n, d.Names())
		}
	}
	if got["hidden/secret"] || got[".hidden/secret"] {
		t.Error("hidden folders must be skipped")
	}
	v, ok, err := d.Lookup("colors")
	if err != nil || !ok || !reflect.DeepEqual(v, []string{"red", "blue", "green # warm", "red"}) {
		t.Fatalf("Lookup(colors) = %q %v %v", v, ok, err)
	}
	if v, _, _ := d.Lookup("plants/trees"); !reflect.DeepEqual(v, []string{"oak", "pine", "birch"}) {
		t.Fatalf("yaml tree values = %q", v)
	}
	if v, _, _ := d.Lookup("sub/list"); !reflect.DeepEqual(v, []string{"one", "two", "3"}) {
		t.Fatalf("json list values = %q", v)
	}
	if _, ok, _ := d.Lookup("nope"); ok {
		t.Fatal("Lookup(nope) found something")
	}
	tests := []struct {
		template string
		want     []string
	}{
		{"__colors__", []string{"blue", "green ", "red"}}, // sorted, deduplicated, "# warm" is a comment
		{"__colors*__", []string{"blue", "green ", "orange", "red"}},
		// The union of animals/birds, animals/mammals and animals/animals/mammals, sorted
		// by raw line ("__mammals__ friend" sorts first), each line expanded.
		{"__animals/*__", []string{"cat friend", "cow friend", "dog friend", "cat", "cow", "dog", "owl"}},
		{"__mammals__", []string{"cat", "dog"}}, // retried as **/mammals: animals/mammals (and animals/animals/mammals)
		{"__deep/**__", []string{"x"}},
		{`__deep\a\b\c__`, []string{"x"}},
		{"__plants/flowers/red__", []string{"rose"}},
	}
	for _, tt := range tests {
		got, err := Expand(tt.template, ExpandOptions{Wildcards: d, Strict: true})
		if err != nil {
			t.Fatalf("%s: %v", tt.template, err)
		}
		if tt.template == "__mammals__" {
			tt.want = []string{"cat", "cow", "dog"}
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s = %q, want %q", tt.template, got, tt.want)
		}
	}
	_, err = Expand("__colours__", ExpandOptions{Wildcards: d, Strict: true})
	if err == nil || !contains(err.Error(), "wildcard __colours__ not found (looked in: wildcard folder "+dir+")") {
		t.Fatalf("missing wildcard error = %v", err)
	}
}

func TestLoadWildcardDirErrors(t *testing.T) {
	if _, err := LoadWildcardDir(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Fatal("a missing folder must be an error")
	}
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"bad.yaml": "a: [unclosed\n"})
	_, err := LoadWildcardDir(dir)
	if err == nil || !contains(err.Error(), filepath.Join(dir, "bad.yaml")) {
		t.Fatalf("a malformed tree must be an error naming the file, got %v", err)
	}
	if runtime.GOOS == "windows" || os.Geteuid() == 0 {
		// root reads any file; simulate an unreadable one by removing it.
		dir = t.TempDir()
		writeFiles(t, dir, map[string]string{"gone.txt": "x\n"})
		d, err := LoadWildcardDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		os.Remove(filepath.Join(dir, "gone.txt"))
		_, _, err = d.Lookup("gone")
		if err == nil || !contains(err.Error(), filepath.Join(dir, "gone.txt")) {
			t.Fatalf("an unreadable file must be an error naming it, got %v", err)
		}
		return
	}
	dir = t.TempDir()
	writeFiles(t, dir, map[string]string{"locked.txt": "x\n"})
	p := filepath.Join(dir, "locked.txt")
	if err := os.Chmod(p, 0); err != nil {
		t.Fatal(err)
	}
	d, err := LoadWildcardDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Expand("__locked__", ExpandOptions{Wildcards: d, Strict: true})
	if err == nil || !contains(err.Error(), p) {
		t.Fatalf("an unreadable file must be an error naming it, got %v", err)
	}
}

func TestChain(t *testing.T) {
	a := MapWildcards{"x": {"from a"}, "only_a": {"1"}}
	b := MapWildcards{"x": {"from b"}, "only_b": {"2"}}
	c := Chain(a, nil, b)
	if v, ok, _ := c.Lookup("x"); !ok || v[0] != "from a" {
		t.Fatalf("first source must win, got %q", v)
	}
	if v, ok, _ := c.Lookup("only_b"); !ok || v[0] != "2" {
		t.Fatalf("later sources are searched, got %q", v)
	}
	if got := c.Names(); !reflect.DeepEqual(got, []string{"only_a", "only_b", "x"}) {
		t.Fatalf("Names() = %q", got)
	}
	if _, ok, _ := Chain().Lookup("x"); ok {
		t.Fatal("an empty chain has nothing")
	}
	got, err := Expand("__only*__", ExpandOptions{Wildcards: c, Strict: true})
	if err != nil || !reflect.DeepEqual(got, []string{"1", "2"}) {
		t.Fatalf("glob over a chain = %q %v", got, err)
	}
	if s := describeSource(c); s != "2 in-memory wildcards, 2 in-memory wildcards" {
		t.Fatalf("describeSource = %q", s)
	}
}

func TestWildcardValueSyntaxError(t *testing.T) {
	_, err := Expand("__bad__", ExpandOptions{Wildcards: MapWildcards{"bad": {"a {b"}}, Strict: true})
	if err == nil || !contains(err.Error(), `wildcard __bad__, value "a {b": column 3: "{" is never closed`) {
		t.Fatalf("got %v", err)
	}
}
