package output

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
)

// ErrOutsideRoot is returned by ResolvePath when a path would leave the output
// root. Templates and sanitised values cannot produce such a path; seeing this
// error means a bug, and the file is not written.
var ErrOutsideRoot = errors.New("path is outside the output folder")

// ResolvePath renders folderTmpl (nil for none) and fileTmpl with v and joins
// them under root, adding ext (e.g. "png" or ".png"; "" for none). The result
// is absolute, cleaned and always strictly inside root. The file name
// template must be a single path component. The check is lexical: a symbolic
// link placed inside root by the user is followed like any folder.
func ResolvePath(root string, folderTmpl, fileTmpl *Template, v TokenValues, ext string) (string, error) {
	if root == "" {
		return "", errors.New("output: ResolvePath: the output folder is empty")
	}
	if fileTmpl == nil {
		return "", errors.New("output: ResolvePath: no file name template")
	}
	if fileTmpl.Segments() != 1 {
		return "", fmt.Errorf("output: file name template %q contains a '/': put folders in the folder template", fileTmpl.String())
	}
	ext = strings.TrimPrefix(ext, ".")
	if !validExt(ext) {
		return "", fmt.Errorf("output: invalid file extension %q: use 1 to 10 letters or digits", ext)
	}
	absRoot, err := filepath.Abs(root)
	if err != nil {
		return "", fmt.Errorf("output: output folder %q: %w", root, err)
	}
	rel := ""
	if folderTmpl != nil {
		if rel, err = folderTmpl.Render(v); err != nil {
			return "", fmt.Errorf("output: folder name: %w", err)
		}
	}
	name, err := fileTmpl.Render(v)
	if err != nil {
		return "", fmt.Errorf("output: file name: %w", err)
	}
	if ext != "" {
		name += "." + ext
	}
	p := filepath.Join(absRoot, filepath.FromSlash(rel), name)
	if !within(absRoot, p) {
		return "", fmt.Errorf("output: %q: %w %q", p, ErrOutsideRoot, absRoot)
	}
	return p, nil
}

// within reports whether p is strictly below root (both absolute and clean).
func within(root, p string) bool {
	r, err := filepath.Rel(root, p)
	if err != nil || r == "." || filepath.IsAbs(r) {
		return false
	}
	return r != ".." && !strings.HasPrefix(r, ".."+string(filepath.Separator))
}

func validExt(ext string) bool {
	if len(ext) > 10 {
		return false
	}
	for i := 0; i < len(ext); i++ {
		c := ext[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}
