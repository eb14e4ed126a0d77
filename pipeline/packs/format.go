package packs

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// FormatPack writes rows in the pack format named by ext (".txt" or
// ".tsv"). Prompts are normalised the way ParsePack reads them (lines
// trimmed and joined, tabs as spaces, {lora:…} as <lora:…>); the result is
// parsed back and compared, so whatever FormatPack returns, ParsePack reads
// as the same rows. A row that can't round-trip (an empty prompt, a prompt
// line that starts with # or neg:) is an error naming the row.
func FormatPack(rows []PromptRow, ext string) ([]byte, error) {
	if len(rows) == 0 {
		return nil, fmt.Errorf("a pack needs at least one prompt row")
	}
	ext = strings.ToLower(ext)
	var b strings.Builder
	want := make([]PromptRow, len(rows))
	for i, r := range rows {
		if !utf8.ValidString(r.Positive+r.Negative) || strings.ContainsRune(r.Positive+r.Negative, 0) {
			return nil, fmt.Errorf("prompt row %d: contains a NUL byte or invalid UTF-8, which a pack file can't hold", i+1)
		}
		pos, neg := promptLines(r.Positive), promptLines(r.Negative)
		if len(pos) == 0 {
			return nil, fmt.Errorf("prompt row %d: the positive prompt is empty", i+1)
		}
		want[i] = PromptRow{Positive: strings.Join(pos, " "), Negative: strings.Join(neg, " ")}
		switch ext {
		case extTxt:
			for _, line := range pos {
				if line[0] == '#' {
					return nil, fmt.Errorf("prompt row %d: the line %q starts with #, which a pack reads as a comment; reword it", i+1, line)
				}
				if _, isNeg := cutNeg(line); isNeg {
					return nil, fmt.Errorf("prompt row %d: the line %q starts with neg:, which a pack reads as a negative prompt; reword it", i+1, line)
				}
			}
			if i > 0 {
				b.WriteByte('\n')
			}
			for _, line := range pos {
				b.WriteString(line)
				b.WriteByte('\n')
			}
			for _, line := range neg {
				b.WriteString("neg: ")
				b.WriteString(line)
				b.WriteByte('\n')
			}
		case extTSV:
			if want[i].Positive[0] == '#' {
				return nil, fmt.Errorf("prompt row %d: the prompt starts with #, which a .tsv pack reads as a comment; reword it", i+1)
			}
			b.WriteString(tsvField(want[i].Positive))
			if want[i].Negative != "" {
				b.WriteByte('\t')
				b.WriteString(tsvField(want[i].Negative))
			}
			b.WriteByte('\n')
		default:
			return nil, fmt.Errorf("%q is not a pack format; use .txt or .tsv", ext)
		}
	}
	data := []byte(b.String())
	got, err := ParsePack(data, "pack"+ext)
	if err != nil {
		return nil, err
	}
	if len(got.Rows) != len(want) {
		return nil, fmt.Errorf("the rows would read back as %d rows instead of %d; check for a row that looks like a header", len(got.Rows), len(want))
	}
	for i, g := range got.Rows {
		if g.Positive != want[i].Positive || g.Negative != want[i].Negative {
			return nil, fmt.Errorf("prompt row %d can't be written so that it reads back unchanged (%q would read as %q)", i+1, want[i].Positive, g.Positive)
		}
	}
	return data, nil
}

// promptLines splits a prompt into the lines a pack would hold: trimmed,
// tabs as spaces, blank lines dropped, legacy LoRA tags rewritten.
func promptLines(s string) []string {
	s = strings.NewReplacer("\r\n", "\n", "\r", "\n", "\t", " ").Replace(rewriteLegacyLoRA(s))
	var out []string
	for _, line := range strings.Split(s, "\n") {
		if t := strings.TrimSpace(line); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// tsvField quotes a field that ParsePack would otherwise unquote.
func tsvField(s string) string {
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}
