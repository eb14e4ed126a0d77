package packs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"stablenew/pipeline"
)

// SidecarExts are the extensions a pack's sidecar may have, in the order
// they are looked for.
var SidecarExts = []string{".yaml", ".yml", ".json"}

// source is a folder that holds packs: a folder on disk or the embedded
// samples. Names inside it are slash paths relative to fsys.
type source struct {
	fsys fs.FS
	dir  string // folder of the packs inside fsys ("." or "packs")
	// display turns a file name in dir into the path shown to the user.
	display func(base string) string
}

// diskSource is a folder on disk.
func diskSource(dir string) source {
	return source{fsys: os.DirFS(dir), dir: ".", display: func(base string) string { return filepath.Join(dir, base) }}
}

// sampleSource is a folder of the samples ("packs", "presets").
func sampleSource(samples fs.FS, dir string) source {
	return source{fsys: samples, dir: dir, display: func(base string) string { return samplePrefix + dir + "/" + base }}
}

// samplePrefix marks a sample's path in Pack.Path and PackInfo.Path.
const samplePrefix = "sample:"

func (s source) name(base string) string { return path.Join(s.dir, base) }

// list returns the regular, non-hidden files in s whose extension (any
// case) is one of exts, grouped by stem. A missing folder is empty.
func (s source) list(exts ...string) (map[string][]string, error) {
	entries, err := fs.ReadDir(s.fsys, s.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("listing %s: %w", s.display(""), unwrapPath(err))
	}
	out := map[string][]string{}
	for _, e := range entries {
		base := e.Name()
		if strings.HasPrefix(base, ".") || !slices.Contains(exts, strings.ToLower(path.Ext(base))) {
			continue
		}
		if !e.Type().IsRegular() && !s.isFile(base) {
			continue
		}
		st := strings.TrimSuffix(base, path.Ext(base))
		out[st] = append(out[st], base)
	}
	return out, nil
}

// isFile reports whether base is a regular file (or a link to one) in s.
func (s source) isFile(base string) bool {
	fi, err := fs.Stat(s.fsys, s.name(base))
	return err == nil && fi.Mode().IsRegular()
}

// load reads the pack file base and its sidecar.
func (s source) load(base string) (*Pack, error) {
	display := s.display(base)
	fi, err := fs.Stat(s.fsys, s.name(base))
	if err != nil {
		return nil, fmt.Errorf("reading pack %s: %w", display, unwrapPath(err))
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("pack %s is not a regular file", display)
	}
	if fi.Size() > MaxPackSize {
		return nil, errorf(display, 0, "split it into several packs",
			"the file is %.1f MiB; a pack may be at most %d MiB", float64(fi.Size())/(1<<20), MaxPackSize>>20)
	}
	data, err := pipeline.ReadRegularFS(s.fsys, s.name(base))
	if err != nil {
		return nil, fmt.Errorf("reading pack %s: %w", display, unwrapPath(err))
	}
	p, err := ParsePack(data, display)
	if err != nil {
		return nil, err
	}
	p.Source = data
	sc, err := s.sidecar(base)
	if err != nil || sc == "" {
		return p, err
	}
	data, err = pipeline.ReadRegularFS(s.fsys, s.name(sc))
	if err != nil {
		return nil, fmt.Errorf("reading sidecar %s: %w", s.display(sc), unwrapPath(err))
	}
	p.SidecarPath = s.display(sc)
	if p.Sidecar, err = pipeline.ParsePatch(data, p.SidecarPath); err != nil {
		return nil, err
	}
	return p, nil
}

// sidecar returns the file name of the sidecar of pack file base, "" when
// there is none, or an error when there are several.
func (s source) sidecar(base string) (string, error) {
	st := strings.TrimSuffix(base, path.Ext(base))
	var found []string
	for _, ext := range SidecarExts {
		if s.isFile(st + ext) {
			found = append(found, st+ext)
		}
	}
	switch len(found) {
	case 0:
		return "", nil
	case 1:
		return found[0], nil
	}
	shown := make([]string, len(found))
	for i, f := range found {
		shown[i] = s.display(f)
	}
	return "", fmt.Errorf("pack %s has %d sidecars (%s); keep one and delete or rename the others",
		s.display(base), len(found), strings.Join(shown, ", "))
}

// unwrapPath drops the *fs.PathError wrapper, whose path is relative to the
// source and would only confuse next to the display path.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// LoadPackFile reads a .txt or .tsv pack from disk together with its
// sidecar (same stem, .yaml, .yml or .json), if any.
func LoadPackFile(file string) (*Pack, error) {
	return diskSource(filepath.Dir(file)).load(filepath.Base(file))
}

// readFileFS reads base from s without the *fs.PathError wrapper.
func readFileFS(s source, base string) ([]byte, error) {
	data, err := pipeline.ReadRegularFS(s.fsys, s.name(base))
	return data, unwrapPath(err)
}
