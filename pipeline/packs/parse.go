package packs

import (
	"bytes"
	"path/filepath"
	"strings"

	"stablenew/pipeline"
)

// ParsePack parses a pack file's contents. path names the file in messages
// and decides the format by its extension (.txt or .tsv, any case); the ID
// is its stem. The returned pack has no sidecar: LoadPackFile and the
// Library find and attach it.
//
// The .txt format: blocks separated by blank lines, one prompt row each.
// Lines are trimmed and tabs become spaces; lines starting with # are
// comments. Lines starting with "neg:" (any case, space after the colon
// optional) form the negative prompt and the other lines the positive, each
// joined with single spaces. The legacy {lora:name:w} tag is rewritten to
// <lora:name:w>. A block with only neg: lines is an error.
//
// The .tsv format: one row per line, positive<TAB>negative (the negative
// column may be left out). Blank lines, # comments and a header line
// "positive<TAB>negative" are skipped; fields are trimmed, and a field
// wrapped in double quotes (as spreadsheets export it) is unquoted. More
// than two columns, or an empty positive, is an error.
//
// In both formats a "# name: …" comment above the first row sets Name.
//
// The file must be UTF-8 text (a UTF-8 byte-order mark is skipped), at most
// MaxPackSize bytes, and hold at least one prompt row. Errors are
// *ParseError values naming the file and line.
func ParsePack(data []byte, path string) (*Pack, error) {
	if err := checkText(data, path); err != nil {
		return nil, err
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	if bytes.IndexByte(data, '\r') >= 0 {
		// CRLF and old Mac CR line ends become LF, so line numbers match
		// what an editor shows.
		data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
		data = bytes.ReplaceAll(data, []byte("\r"), []byte("\n"))
	}
	p := &Pack{ID: stem(path), Path: path}
	var err error
	switch packExt(path) {
	case extTxt:
		p.Rows, p.Name, err = parseTxt(string(data), path)
	case extTSV:
		p.Rows, p.Name, err = parseTSV(string(data), path)
	default:
		return nil, errorf(path, 0, "rename it to .txt (blocks of prompt lines) or .tsv (positive<TAB>negative lines)",
			"%s", notPackType(path))
	}
	if err != nil {
		return nil, err
	}
	if len(p.Rows) == 0 {
		return nil, errorf(path, 0, "add at least one prompt line (blocks are separated by blank lines; # starts a comment)",
			"the pack has no prompt rows")
	}
	if p.Name == "" {
		p.Name = p.ID
	}
	return p, nil
}

// notPackType says why a file name is not a pack's.
func notPackType(path string) string {
	if ext := strings.ToLower(filepath.Ext(path)); ext != "" {
		return ext + " files are not prompt packs"
	}
	return "a file without an extension is not a prompt pack"
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// checkText rejects files that are too big, UTF-16, binary, not UTF-8 or
// holding control characters (pipeline.CheckText).
func checkText(data []byte, path string) error {
	if len(data) > MaxPackSize {
		return errorf(path, 0, "split it into several packs",
			"the file is %.1f MiB; a pack may be at most %d MiB", float64(len(data))/(1<<20), MaxPackSize>>20)
	}
	if te := pipeline.CheckText(data); te != nil {
		return errorf(path, te.Line, te.Fix, "%s", te.Problem)
	}
	return nil
}

// lineAt returns the 1-based line of byte offset off, as ParsePack counts.
func lineAt(data []byte, off int) int { return pipeline.LineAt(data, off) }

// block collects the lines of one .txt block.
type block struct {
	line     int // first prompt or neg: line, 0 while the block is empty
	positive []string
	negative []string
}

func parseTxt(text, path string) ([]PromptRow, string, error) {
	var (
		// Blocks are separated by blank lines, so this bounds the rows.
		rows = make([]PromptRow, 0, strings.Count(text, "\n\n")+1)
		name string
		b    block
	)
	flush := func() error {
		if b.line == 0 {
			return nil
		}
		if len(b.positive) == 0 {
			return errorf(path, b.line,
				"put the prompt line(s) above the neg: lines, or remove the blank line that separates them from their prompt",
				"this block has only neg: lines and no prompt")
		}
		rows = append(rows, PromptRow{
			Index:    len(rows),
			Positive: rewriteLegacyLoRA(strings.Join(b.positive, " ")),
			Negative: rewriteLegacyLoRA(strings.Join(b.negative, " ")),
			Line:     b.line,
		})
		b = block{positive: b.positive[:0], negative: b.negative[:0]}
		return nil
	}
	lineNo := 0
	for len(text) > 0 || lineNo == 0 {
		lineNo++
		line, rest, _ := strings.Cut(text, "\n")
		text = rest
		t := strings.TrimSpace(line)
		switch {
		case t == "":
			if err := flush(); err != nil {
				return nil, "", err
			}
		case t[0] == '#':
			if len(rows) == 0 && b.line == 0 && name == "" {
				name = nameComment(t)
			}
		default:
			if strings.IndexByte(t, '\t') >= 0 {
				t = strings.ReplaceAll(t, "\t", " ")
			}
			if b.line == 0 {
				b.line = lineNo
			}
			if neg, ok := cutNeg(t); ok {
				if neg != "" {
					b.negative = append(b.negative, neg)
				}
			} else {
				b.positive = append(b.positive, t)
			}
		}
	}
	if err := flush(); err != nil {
		return nil, "", err
	}
	return rows, name, nil
}

// cutNeg reports whether a trimmed line is a neg: line and returns its text.
func cutNeg(t string) (string, bool) {
	if len(t) < 4 || !strings.EqualFold(t[:4], "neg:") {
		return "", false
	}
	return strings.TrimSpace(t[4:]), true
}

// nameComment returns the display name of a "# name: …" comment, or "".
func nameComment(t string) string {
	t = strings.TrimSpace(strings.TrimLeft(t, "#"))
	if len(t) < 5 || !strings.EqualFold(t[:5], "name:") {
		return ""
	}
	return strings.TrimSpace(t[5:])
}

// rewriteLegacyLoRA turns the original StableNew's {lora:name:w} tag into
// <lora:name:w>. The tag's body must be non-empty and hold none of { } | < >,
// so a {lora|style} variant group is left alone.
func rewriteLegacyLoRA(s string) string {
	i := indexLegacyLoRA(s, 0)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	from := 0
	for ; i >= 0; i = indexLegacyLoRA(s, from) {
		end := i + 6 + strings.IndexByte(s[i+6:], '}')
		b.WriteString(s[from:i])
		b.WriteString("<lora:")
		b.WriteString(s[i+6 : end])
		b.WriteByte('>')
		from = end + 1
	}
	b.WriteString(s[from:])
	return b.String()
}

// indexLegacyLoRA returns the index of the next complete {lora:…} tag at or
// after from, or -1.
func indexLegacyLoRA(s string, from int) int {
	for from < len(s) {
		i := strings.IndexByte(s[from:], '{')
		if i < 0 {
			return -1
		}
		i += from
		from = i + 1
		if len(s)-i < 7 || !strings.EqualFold(s[i+1:i+6], "lora:") {
			continue
		}
		body := s[i+6:]
		end := strings.IndexAny(body, "{}|<>")
		if end > 0 && body[end] == '}' {
			return i
		}
	}
	return -1
}
