package packs

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// row is a compact expected row: positive, negative, line.
type row struct {
	pos, neg string
	line     int
}

func checkRows(t *testing.T, got []PromptRow, want []row) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d rows %v, want %d", len(got), rowTexts(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.Index != i || g.Positive != w.pos || g.Negative != w.neg || g.Line != w.line {
			t.Errorf("row %d = {%d %q %q line %d}, want {%d %q %q line %d}",
				i, g.Index, g.Positive, g.Negative, g.Line, i, w.pos, w.neg, w.line)
		}
	}
}

func TestParsePackTxt(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []row
	}{
		{"one line", "a cat", []row{{"a cat", "", 1}}},
		{"lines joined with single spaces", "a cat,\n  sitting  \n\ton a mat\n", []row{{"a cat, sitting on a mat", "", 1}}},
		{"blocks", "one\n\ntwo\nmore\n\n\n\nthree\n", []row{{"one", "", 1}, {"two more", "", 3}, {"three", "", 8}}},
		{"neg lines", "castle\nneg: blurry,\nneg: lowres\n", []row{{"castle", "blurry, lowres", 1}}},
		{"neg any case, space optional", "x\nNEG:a\nNeg:  b\nneG: c", []row{{"x", "a b c", 1}}},
		{"neg before prompt", "neg: dark\nbright room", []row{{"bright room", "dark", 1}}},
		{"empty neg line", "x\nneg:\n", []row{{"x", "", 1}}},
		{"negative word is not a neg line", "negative space art\nnegate: x", []row{{"negative space art negate: x", "", 1}}},
		{"comments skipped", "# header\n\n# about a\na\n# inside\nmore a\n\n#only comment\n\nb", []row{{"a more a", "", 4}, {"b", "", 10}}},
		{"comment does not split a block", "a\n#c\nb", []row{{"a b", "", 1}}},
		{"indented comment", "  # note\nx", []row{{"x", "", 2}}},
		{"CRLF", "one\r\nneg: n1\r\n\r\ntwo\r\n", []row{{"one", "n1", 1}, {"two", "", 4}}},
		{"lone CR", "one\r\rtwo\rthree", []row{{"one", "", 1}, {"two three", "", 3}}},
		{"BOM", "\xef\xbb\xbfone\n\ntwo", []row{{"one", "", 1}, {"two", "", 3}}},
		{"BOM then comment", "\xef\xbb\xbf# c\nx", []row{{"x", "", 2}}},
		{"tabs", "\tleading tab\nin\tside\t\ttabs\t\nneg:\tt\n", []row{{"leading tab in side  tabs", "t", 1}}},
		{"whitespace-only lines separate blocks", "a\n \t \nb", []row{{"a", "", 1}, {"b", "", 3}}},
		{"legacy lora tag", "x {lora:film_grain:0.4} {LoRA:add detail:1}\nneg: {lora:bad:0.5}",
			[]row{{"x <lora:film_grain:0.4> <lora:add detail:1>", "<lora:bad:0.5>", 1}}},
		{"variants untouched", "{red|blue} car, <lora:x:1>, {lora|loRA}", []row{{"{red|blue} car, <lora:x:1>, {lora|loRA}", "", 1}}},
		{"no trailing newline", "a\n\nb", []row{{"a", "", 1}, {"b", "", 3}}},
		{"unicode", "café — 東京\nneg: ぼかし", []row{{"café — 東京", "ぼかし", 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParsePack([]byte(tt.in), "packs/test.txt")
			if err != nil {
				t.Fatal(err)
			}
			checkRows(t, p.Rows, tt.want)
			if p.ID != "test" || p.Path != "packs/test.txt" || p.Sidecar != nil {
				t.Errorf("ID %q Path %q Sidecar %v", p.ID, p.Path, p.Sidecar)
			}
		})
	}
}

func TestParsePackName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"# name: Cozy Rooms\nx", "Cozy Rooms"},
		{"# NAME:Cozy\n# name: second\nx", "Cozy"},
		{"## Name:  Spaced  \nx", "Spaced"},
		{"# a comment\n# name: Later\nx", "Later"},
		{"x\n\n# name: too late\ny", "test"},
		{"# names: nope\nx", "test"},
		{"x", "test"},
	}
	for _, tt := range tests {
		p, err := ParsePack([]byte(tt.in), "test.txt")
		if err != nil {
			t.Fatal(err)
		}
		if p.Name != tt.want {
			t.Errorf("%q: Name %q, want %q", tt.in, p.Name, tt.want)
		}
	}
}

func TestParsePackErrors(t *testing.T) {
	tests := []struct {
		name string
		path string
		in   []byte
		want string // the whole error message
		line int
	}{
		{"neg-only block", "packs/portraits.txt", []byte("a\n\n# c\nneg: x\nneg: y\n\nb"),
			"packs/portraits.txt line 4: this block has only neg: lines and no prompt; put the prompt line(s) above the neg: lines, or remove the blank line that separates them from their prompt", 4},
		{"neg-only block CRLF", "p.txt", []byte("a\r\n\r\n\r\nneg: x\r\n"), "p.txt line 4: this block has only neg: lines", 4},
		{"neg-only first block", "p.txt", []byte("neg: x\n\nprompt"), "p.txt line 1: this block has only neg: lines", 1},
		{"empty", "p.txt", nil, "p.txt: the pack has no prompt rows; add at least one prompt line", 0},
		{"comments only", "p.txt", []byte("# a\n\n  # b\n"), "p.txt: the pack has no prompt rows", 0},
		{"BOM only", "p.txt", []byte("\xef\xbb\xbf\n"), "p.txt: the pack has no prompt rows", 0},
		{"NUL", "p.txt", []byte("a\nb\nc\x00d"), "p.txt line 3: contains a NUL byte, so this looks like a binary file; use a plain UTF-8 text file", 3},
		{"NUL after CRLF", "p.txt", []byte("a\r\nb\r\n\x00"), "p.txt line 3: contains a NUL byte", 3},
		{"invalid UTF-8", "p.txt", []byte("ok\nok\n\nbad \xff here"), "p.txt line 4: the text is not valid UTF-8; save the file as UTF-8", 4},
		{"ESC", "p.txt", []byte("a\n\nred \x1b[31m"), "p.txt line 3: contains the control character U+001B; remove it (prompts are plain text)", 3},
		{"DEL", "p.tsv", []byte("a\tb\nc\x7f\td"), "p.tsv line 2: contains the control character U+007F", 2},
		{"C1 control", "p.txt", []byte("a \u0085 b"), "p.txt line 1: contains the control character U+0085", 1},
		{"Latin-1", "p.tsv", []byte("caf\xe9\tx"), "p.tsv line 1: the text is not valid UTF-8", 1},
		{"UTF-16", "p.txt", []byte("\xff\xfea\x00"), "p.txt: the file is UTF-16 text; save it as UTF-8", 0},
		{"too big", "p.txt", bytes.Repeat([]byte("a"), MaxPackSize+1), "p.txt: the file is 8.0 MiB; a pack may be at most 8 MiB; split it into several packs", 0},
		{"bad extension", "p.csv", []byte("a"), `p.csv: .csv files are not prompt packs; rename it to .txt`, 0},
		{"no extension", "pack", []byte("a"), `pack: a file without an extension is not a prompt pack`, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParsePack(tt.in, tt.path)
			if err == nil {
				t.Fatalf("no error; rows %v", rowTexts(p.Rows))
			}
			if !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error\n  %s\nwant prefix\n  %s", err, tt.want)
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error is %T, want *ParseError", err)
			}
			if pe.Line != tt.line || pe.Path != tt.path {
				t.Errorf("ParseError Line %d Path %q, want %d %q", pe.Line, pe.Path, tt.line, tt.path)
			}
		})
	}
}

func TestParsePackExtensionCase(t *testing.T) {
	for _, path := range []string{"A.TXT", "b.Tsv", "dir/c.txt", `sample:packs/d.tsv`} {
		p, err := ParsePack([]byte("x"), path)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if want := stem(path); p.ID != want || want == "" {
			t.Errorf("%s: ID %q, want %q", path, p.ID, want)
		}
	}
}

func TestParsePackDoesNotModifyInput(t *testing.T) {
	in := []byte("\xef\xbb\xbfa\r\nneg: b\r\n")
	orig := append([]byte(nil), in...)
	if _, err := ParsePack(in, "x.txt"); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in, orig) {
		t.Errorf("input changed: %q", in)
	}
}
