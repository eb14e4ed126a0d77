package random

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"

	"stablenew/pipeline"
)

// DirWildcards is a wildcard folder: each .txt file is a wildcard named by
// its path relative to the folder without ".txt" ("animals/mammals" for
// animals/mammals.txt), one value per line. YAML (.yaml, .yml) and JSON
// files hold trees: nested keys become name parts under the file's folder,
// and a top-level list is a wildcard named after the file. Hidden folders
// are skipped. Text files are read on first use and cached; DirWildcards is
// safe for concurrent use.
type DirWildcards struct {
	fsys  fs.FS
	dir   string
	label string
	files map[string][]string // name -> .txt files (a name may also come from a tree)
	trees map[string][]string // name -> values from YAML/JSON files

	mu    sync.Mutex
	cache map[string][]string
}

// LoadWildcardDir indexes the wildcard folder dir. YAML and JSON files are
// parsed now; .txt files when first looked up. An unreadable or malformed
// file is an error naming the file.
func LoadWildcardDir(dir string) (*DirWildcards, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("wildcard folder: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("wildcard folder %s is a file; choose the folder that holds the .txt files", dir)
	}
	return loadWildcards(os.DirFS(dir), dir, "wildcard folder "+dir)
}

// LoadWildcardFS indexes a wildcard tree in a file system, such as the
// samples embedded in the app. label names it in messages ("sample
// wildcards").
func LoadWildcardFS(fsys fs.FS, label string) (*DirWildcards, error) {
	return loadWildcards(fsys, label, label)
}

func loadWildcards(fsys fs.FS, dir, label string) (*DirWildcards, error) {
	d := &DirWildcards{fsys: fsys, dir: dir, label: label, files: map[string][]string{}, trees: map[string][]string{}, cache: map[string][]string{}}
	err := fs.WalkDir(fsys, ".", func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("reading %s: %w", label, err)
		}
		if e.IsDir() {
			if p != "." && strings.HasPrefix(e.Name(), ".") {
				return fs.SkipDir
			}
			return nil
		}
		ext := strings.ToLower(path.Ext(p))
		switch ext {
		case ".txt":
			name := strings.TrimSuffix(p, p[len(p)-len(ext):])
			d.files[name] = append(d.files[name], p)
		case ".yaml", ".yml", ".json":
			if err := d.loadTree(p, ext); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// String says which folder this is, for error messages.
func (d *DirWildcards) String() string { return d.label }

// filePath names a file of the tree in messages.
func (d *DirWildcards) filePath(rel string) string {
	if d.dir == d.label {
		return d.label + ": " + rel
	}
	return filepath.Join(d.dir, filepath.FromSlash(rel))
}

// Dir returns the folder.
func (d *DirWildcards) Dir() string { return d.dir }

// Names returns every wildcard name, sorted.
func (d *DirWildcards) Names() []string {
	out := make([]string, 0, len(d.files)+len(d.trees))
	for n := range d.files {
		out = append(out, n)
	}
	for n := range d.trees {
		if _, dup := d.files[n]; !dup {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// Lookup returns the values of name: the lines of its .txt file (stripped;
// blank lines and lines starting with # skipped) followed by any values a
// YAML or JSON tree gives the same name. A file that is not UTF-8 text of
// prompts, or that gives no value at all, is an error naming the file (and
// the line).
func (d *DirWildcards) Lookup(name string) ([]string, bool, error) {
	files, inFiles := d.files[name]
	tree, inTree := d.trees[name]
	if !inFiles && !inTree {
		return nil, false, nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if v, ok := d.cache[name]; ok {
		return v, true, nil
	}
	var out []string
	for _, f := range files {
		lines, err := d.readWildcardFile(f)
		if err != nil {
			return nil, false, err
		}
		out = append(out, lines...)
	}
	out = append(out, tree...)
	if len(out) == 0 {
		return nil, false, &EmptyWildcardError{Name: name, File: d.filePath(files[0])}
	}
	d.cache[name] = out
	return out, true, nil
}

// EmptyWildcardError is a wildcard file that exists but gives no value.
type EmptyWildcardError struct {
	Name string // the wildcard name, without the underscores
	File string // the file, as shown to the user
}

// Error names the file and says what to put in it.
func (e *EmptyWildcardError) Error() string {
	return fmt.Sprintf("wildcard __%s__: %s is empty (blank lines and # comments are not values); add one value per line or delete the file",
		e.Name, e.File)
}

// readWildcardFile reads the values of one .txt wildcard file: UTF-8 text
// without control characters, each line at most pipeline.MaxPromptBytes
// long. It takes linear time, however many lines the file has.
func (d *DirWildcards) readWildcardFile(p string) ([]string, error) {
	data, err := pipeline.ReadRegularFS(d.fsys, p)
	if err != nil {
		return nil, fmt.Errorf("reading wildcard file %s: %w", d.filePath(p), err)
	}
	if te := pipeline.CheckText(data); te != nil {
		return nil, fmt.Errorf("wildcard file %s: %w", d.filePath(p), te)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	text := string(data)
	out := make([]string, 0, strings.Count(text, "\n")+1)
	lineNo := 0
	for len(text) > 0 {
		var line string
		line, text, _ = strings.Cut(text, "\n")
		lineNo++
		if len(line) > pipeline.MaxPromptBytes {
			return nil, fmt.Errorf("wildcard file %s: line %d is %d bytes; a value may be at most %d, split it", d.filePath(p), lineNo, len(line), pipeline.MaxPromptBytes)
		}
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		out = append(out, line)
	}
	return out, nil
}

// loadTree reads a YAML or JSON wildcard tree.
func (d *DirWildcards) loadTree(rel, ext string) error {
	p := d.filePath(rel)
	data, err := pipeline.ReadRegularFS(d.fsys, rel)
	if err != nil {
		return fmt.Errorf("reading wildcard file %s: %w", p, err)
	}
	var doc any
	if ext == ".json" {
		err = json.Unmarshal(data, &doc)
	} else {
		err = yaml.Unmarshal(data, &doc)
	}
	if err != nil {
		return fmt.Errorf("wildcard file %s: %w; fix the file or move it out of the wildcard folder", p, err)
	}
	prefix := path.Dir(rel)
	if prefix == "." {
		prefix = ""
	} else {
		prefix += "/"
	}
	switch v := doc.(type) {
	case map[string]any:
		d.addTree(prefix, v)
	case []any:
		stem := strings.TrimSuffix(path.Base(rel), path.Ext(rel))
		if vals := treeList(v); len(vals) > 0 {
			d.trees[prefix+stem] = append(d.trees[prefix+stem], vals...)
		}
	}
	return nil
}

func (d *DirWildcards) addTree(prefix string, m map[string]any) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		switch v := m[k].(type) {
		case []any:
			d.trees[prefix+k] = append(d.trees[prefix+k], treeList(v)...)
		case map[string]any:
			d.addTree(prefix+k+"/", v)
		}
	}
}

// treeList reads the values of a list in a wildcard tree. Items may be
// strings, "2::text" strings or {text|content, weight} maps; weights are
// dropped (wildcard values are picked uniformly).
func treeList(items []any) []string {
	var out []string
	for _, it := range items {
		switch v := it.(type) {
		case string:
			if v == "" {
				continue
			}
			if v[0] >= '0' && v[0] <= '9' {
				if i := strings.LastIndex(v, "::"); i >= 0 {
					if _, err := strconv.ParseFloat(v[:i], 64); err == nil {
						v = v[i+2:]
					}
				}
			}
			out = append(out, v)
		case map[string]any:
			for _, key := range []string{"text", "content"} {
				if s, ok := v[key].(string); ok && s != "" {
					out = append(out, s)
					break
				}
			}
		case int, float64, bool:
			out = append(out, fmt.Sprint(v))
		}
	}
	return out
}
