package packs

import (
	"bytes"
	"errors"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParsePack checks that ParsePack never panics, that every row it
// returns has a non-empty positive, consecutive indexes and increasing line
// numbers within the file, and that every error is a *ParseError naming the
// file. It also checks the legacy {lora:…} rewrite against a regexp.
func FuzzParsePack(f *testing.F) {
	seeds := []string{
		"a cat\nneg: blurry\n\nsecond\n",
		"# name: x\n# c\n\n<embedding:e> portrait {lora:x:0.5}\n<lora:y:1>\nNEG:bad\n",
		"neg: orphan\n\nprompt",
		"\xef\xbb\xbfone\r\ntwo\r\n\r\nthree\rfour",
		"\ttabbed\t\tline\t\n \n\t\n",
		"a\tb\n#c\n\nd\te\tf",
		"positive\tnegative\nx\t\"y, z\"\n",
		"\x00", "\xff\xfe", "caf\xe9", "",
	}
	for _, s := range seeds {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	oracle := regexp.MustCompile(`(?i)\{lora:([^{}|<>]+)\}`)
	f.Fuzz(func(t *testing.T, data []byte, tsv bool) {
		if utf8.Valid(data) {
			if got, want := rewriteLegacyLoRA(string(data)), oracle.ReplaceAllString(string(data), "<lora:$1>"); got != want {
				t.Fatalf("rewriteLegacyLoRA(%q) = %q, regexp gives %q", data, got, want)
			}
		}
		name := "fuzz.txt"
		if tsv {
			name = "fuzz.tsv"
		}
		p, err := ParsePack(data, name)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Path != name || !strings.HasPrefix(err.Error(), name) {
				t.Fatalf("error %q is not a *ParseError for %s", err, name)
			}
			if pe.Line < 0 || pe.Line > countLines(data) {
				t.Fatalf("error line %d outside 1..%d", pe.Line, countLines(data))
			}
			return
		}
		if len(p.Rows) == 0 {
			t.Fatal("no error and no rows")
		}
		lines := countLines(data)
		prev := 0
		for i, r := range p.Rows {
			if r.Index != i {
				t.Fatalf("row %d has Index %d", i, r.Index)
			}
			if strings.TrimSpace(r.Positive) == "" {
				t.Fatalf("row %d has an empty positive", i)
			}
			if r.Line < 1 || r.Line > lines || r.Line <= prev {
				t.Fatalf("row %d at line %d (previous %d, file has %d lines)", i, r.Line, prev, lines)
			}
			prev = r.Line
		}
		// Whatever parses can be written back and reads as the same rows,
		// unless a row holds text the format can't express.
		if out, err := FormatPack(p.Rows, packExt(name)); err == nil {
			q, err := ParsePack(out, name)
			if err != nil || len(q.Rows) != len(p.Rows) {
				t.Fatalf("FormatPack output does not parse back: %v\n%q", err, out)
			}
		}
	})
}

// countLines counts lines the way ParsePack numbers them (LF, CRLF and CR
// each end a line).
func countLines(data []byte) int {
	data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	return bytes.Count(data, []byte("\n")) + bytes.Count(data, []byte("\r")) + 1
}
