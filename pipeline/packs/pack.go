// Package packs reads and writes StableNew's prompt packs and the rest of the
// user's data folder: presets, the global negative, custom pack lists and
// wildcard folders, with the shipped samples (package assets) always
// available underneath.
//
// A pack is a .txt file of blank-line-separated blocks, one prompt row each,
// or a .tsv file of positive<TAB>negative lines. A same-stem .yaml, .yml or
// .json file beside it is the pack's sidecar: a partial PipelineConfig
// layered over the defaults (and a preset) whenever the pack runs.
package packs

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"stablenew/pipeline"
)

// MaxPackSize is the largest pack file ParsePack accepts, in bytes.
const MaxPackSize = 8 << 20

// Pack is one prompt pack: its rows and, if it has one, its sidecar.
type Pack struct {
	// ID is the file stem ("sdxl_portraits" for sdxl_portraits.txt). Pack
	// lists, JobSpecs and the CLI name packs by ID.
	ID string
	// Name is for display: the text of a "# name: …" comment above the
	// first row, or the ID.
	Name string
	// Path is the file the pack was read from; for a shipped sample it is
	// "sample:packs/<file>".
	Path string
	Rows []PromptRow
	// Sidecar is the pack's configuration, nil when it has none.
	Sidecar *pipeline.Patch
	// SidecarPath is the sidecar's file, empty when there is none.
	SidecarPath string
	// Source is the pack file's bytes as read (nil for a pack made in
	// memory): the editor keeps its comments and layout (EditPack).
	Source []byte
}

// PromptRow is one prompt of a pack.
type PromptRow struct {
	// Index is the row's position in the pack, from 0 (a JobSpec's
	// PromptIndex).
	Index    int
	Positive string
	Negative string
	// Line is the 1-based line where the row starts in the file.
	Line int
}

// ParseError is a problem in a pack file. Its message names the file and
// line, says what is wrong and what to do:
//
//	packs/portraits.txt line 12: this block has only neg: lines; …
type ParseError struct {
	Path string
	// Line is 1-based; 0 when the problem concerns the whole file.
	Line int
	// Msg says what is wrong, Hint what to do about it.
	Msg  string
	Hint string
}

func (e *ParseError) Error() string {
	var b strings.Builder
	b.WriteString(e.Path)
	if e.Line > 0 {
		b.WriteString(" line ")
		b.WriteString(strconv.Itoa(e.Line))
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	if e.Hint != "" {
		b.WriteString("; ")
		b.WriteString(e.Hint)
	}
	return b.String()
}

// Pack file extensions.
const (
	extTxt = ".txt"
	extTSV = ".tsv"
)

// packExt returns the lower-case extension of a pack file name, or "" when
// the name is not a .txt or .tsv file.
func packExt(name string) string {
	ext := strings.ToLower(filepath.Ext(name))
	if ext == extTxt || ext == extTSV {
		return ext
	}
	return ""
}

// stem returns a file name without its folders and extension.
func stem(p string) string {
	base := filepath.Base(p)
	return strings.TrimSuffix(base, filepath.Ext(base))
}

func errorf(path string, line int, hint, format string, args ...any) *ParseError {
	return &ParseError{Path: path, Line: line, Msg: fmt.Sprintf(format, args...), Hint: hint}
}
