package packs

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"

	"stablenew/pipeline/output"
)

// RowEdit is one row of an edited pack, in its order: Orig is the index of
// the row it was loaded as (-1 for a row added in the editor); Positive and
// Negative are its text now.
type RowEdit struct {
	Orig     int
	Positive string
	Negative string
}

// EditPack returns the text of the pack file orig (path names its format
// and is used in messages) after edits, keeping all that the edits do not
// touch: comments (the "# name:" header among them), blank lines, and the
// lines and layout of every unchanged row. A changed row's lines are
// replaced by the row as FormatPack writes it (the comments inside its
// block stay, after it); a removed row's lines go, with the blank line
// after them; rows added in the editor go at the end. Edits keep the
// original rows' order (the editor adds at the end and removes). The
// result is parsed back and must read as the edited rows.
func EditPack(orig []byte, path string, edits []RowEdit) ([]byte, error) {
	ext := packExt(path)
	p, err := ParsePack(orig, path)
	if err != nil {
		return nil, err
	}
	crlf := bytes.Contains(orig, []byte("\r\n"))
	text := strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(string(bytes.TrimPrefix(orig, utf8BOM)))
	lines := strings.Split(text, "\n")
	trailingNL := strings.HasSuffix(text, "\n")
	if trailingNL {
		lines = lines[:len(lines)-1]
	}

	kept := map[int]RowEdit{}
	last := -1
	for _, e := range edits {
		if e.Orig < 0 {
			continue
		}
		if e.Orig >= len(p.Rows) || e.Orig <= last {
			return nil, fmt.Errorf("%s: edited rows out of their order (row %d after row %d)", path, e.Orig+1, last+1)
		}
		last = e.Orig
		kept[e.Orig] = e
	}

	// out[i] replaces lines[i]; nil drops the line.
	out := make([][]string, len(lines))
	for i, l := range lines {
		out[i] = []string{l}
	}
	for i, r := range p.Rows {
		start, end := rowSpan(lines, r.Line-1, ext)
		e, ok := kept[i]
		switch {
		case !ok: // removed: its lines, and the blank line after them
			for k := start; k <= end; k++ {
				out[k] = nil
			}
			if end+1 < len(lines) && strings.TrimSpace(lines[end+1]) == "" {
				out[end+1] = nil
			} else if start > 0 && strings.TrimSpace(lines[start-1]) == "" {
				out[start-1] = nil
			}
		case e.Positive == r.Positive && e.Negative == r.Negative:
			// unchanged: every line as it was
		default:
			rowText, err := FormatPack([]PromptRow{{Positive: e.Positive, Negative: e.Negative}}, ext)
			if err != nil {
				return nil, fmt.Errorf("prompt row %d: %w", i+1, trimRowPrefix(err))
			}
			repl := strings.Split(strings.TrimSuffix(string(rowText), "\n"), "\n")
			for k := start; k <= end; k++ {
				if t := strings.TrimSpace(lines[k]); t != "" && t[0] == '#' {
					repl = append(repl, lines[k]) // a comment inside the block stays
				}
				out[k] = nil
			}
			out[start] = repl
		}
	}
	var b strings.Builder
	for _, ls := range out {
		for _, l := range ls {
			b.WriteString(l)
			b.WriteByte('\n')
		}
	}
	result := b.String() // every line ends with "\n"
	var added []PromptRow
	for _, e := range edits {
		if e.Orig < 0 {
			added = append(added, PromptRow{Positive: e.Positive, Negative: e.Negative})
		}
	}
	if len(added) > 0 {
		rowsText, err := FormatPack(added, ext)
		if err != nil {
			return nil, err
		}
		if ext == extTxt && strings.TrimSpace(result) != "" && !strings.HasSuffix(result, "\n\n") {
			result += "\n"
		}
		result += string(rowsText)
	}
	if !trailingNL {
		result = strings.TrimSuffix(result, "\n")
	}
	if crlf {
		result = strings.ReplaceAll(result, "\n", "\r\n")
	}
	data := []byte(result)
	if bytes.HasPrefix(orig, utf8BOM) {
		data = append(append([]byte(nil), utf8BOM...), data...)
	}
	return data, checkEdited(data, path, edits)
}

// rowSpan returns the first and last line (0-based) of the row starting at
// line first: a .tsv row is one line; a .txt row runs to the line before
// the next blank line.
func rowSpan(lines []string, first int, ext string) (int, int) {
	end := first
	if ext == extTxt {
		for end+1 < len(lines) && strings.TrimSpace(lines[end+1]) != "" {
			end++
		}
	}
	return first, end
}

// trimRowPrefix drops FormatPack's "prompt row 1: " (EditPack names the
// real row).
func trimRowPrefix(err error) error {
	if msg, ok := strings.CutPrefix(err.Error(), "prompt row 1: "); ok {
		return fmt.Errorf("%s", msg)
	}
	return err
}

// checkEdited parses the edited text back: it must hold exactly the
// edited rows, normalised as FormatPack writes them.
func checkEdited(data []byte, path string, edits []RowEdit) error {
	got, err := ParsePack(data, path)
	if err != nil {
		return err
	}
	if len(got.Rows) != len(edits) {
		return fmt.Errorf("%s: the edited pack would read back as %d rows instead of %d", path, len(got.Rows), len(edits))
	}
	for i, e := range edits {
		want := PromptRow{Positive: strings.Join(promptLines(e.Positive), " "), Negative: strings.Join(promptLines(e.Negative), " ")}
		if g := got.Rows[i]; g.Positive != want.Positive || g.Negative != want.Negative {
			return fmt.Errorf("%s: prompt row %d would read back as %q instead of %q", path, i+1, g.Positive, want.Positive)
		}
	}
	return nil
}

// SavePackEdits writes the editor's rows as the user's pack id, keeping
// the comments, header and layout of from (the pack the rows were loaded
// from, nil for a new pack) when the file keeps its format (see EditPack);
// otherwise it writes the rows as SavePack does. The checks of SavePack
// apply (overwrite, a sample's id).
func (l *Library) SavePackEdits(id string, from *Pack, edits []RowEdit, overwrite bool) error {
	rows := make([]PromptRow, len(edits))
	for i, e := range edits {
		rows[i] = PromptRow{Index: i, Positive: e.Positive, Negative: e.Negative}
	}
	if from == nil || from.Source == nil {
		return l.SavePack(id, rows, overwrite)
	}
	if err := checkID(id); err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	base, err := l.packTarget(id, overwrite)
	if err != nil {
		return err
	}
	if packExt(base) != packExt(from.Path) {
		data, err := FormatPack(rows, packExt(base))
		if err != nil {
			return fmt.Errorf("pack %q: %w", id, err)
		}
		return output.WriteFileAtomic(filepath.Join(l.PacksDir(), base), data)
	}
	data, err := EditPack(from.Source, from.Path, edits)
	if err != nil {
		return fmt.Errorf("pack %q: %w", id, err)
	}
	return output.WriteFileAtomic(filepath.Join(l.PacksDir(), base), data)
}
