package packs

import (
	"strings"
	"testing"
)

func TestParsePackTSV(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []row
	}{
		{"basic", "a cat\tblurry\na dog\tlowres\n", []row{{"a cat", "blurry", 1}, {"a dog", "lowres", 2}}},
		{"positive only", "just positive\n", []row{{"just positive", "", 1}}},
		{"comments and blank lines", "# c\n\na\tn\n   \n# d\nb\n", []row{{"a", "n", 3}, {"b", "", 6}}},
		{"CRLF", "a\tn\r\nb\tm\r\n", []row{{"a", "n", 1}, {"b", "m", 2}}},
		{"BOM", "\xef\xbb\xbfa\tn", []row{{"a", "n", 1}}},
		{"fields trimmed", "  a, b  \t  n  \n", []row{{"a, b", "n", 1}}},
		{"trailing tabs ignored", "a\tn\t\t\nb\t\n", []row{{"a", "n", 1}, {"b", "", 2}}},
		{"header skipped", "positive\tnegative\na\tn", []row{{"a", "n", 2}}},
		{"header any case after comment", "# x\nPrompt\tNegative_Prompt\na", []row{{"a", "", 3}}},
		{"header only at the top", "a\npositive\tnegative", []row{{"a", "", 1}, {"positive", "negative", 2}}},
		{"quoted fields", "\"a, \"\"quoted\"\" b\"\t\"x, y\"", []row{{`a, "quoted" b`, "x, y", 1}}},
		{"legacy lora", "x {lora:a:0.5}\t{lora:b:1}", []row{{"x <lora:a:0.5>", "<lora:b:1>", 1}}},
		{"neg: is literal in tsv", "neg: x\ty", []row{{"neg: x", "y", 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParsePack([]byte(tt.in), "packs/t.tsv")
			if err != nil {
				t.Fatal(err)
			}
			checkRows(t, p.Rows, tt.want)
		})
	}
}

func TestParsePackTSVErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"three columns", "a\tb\n# c\n\nx\ty\tz\n",
			"packs/t.tsv line 4: has 3 tab-separated columns; a .tsv row is positive<TAB>negative: remove the extra tabs, or use a .txt pack for longer prompts"},
		{"three columns CRLF", "a\r\nb\tc\td\te\r\n", "packs/t.tsv line 2: has 4 tab-separated columns"},
		{"empty positive", "a\n\tonly negative\n", "packs/t.tsv line 2: the positive prompt (first column) is empty; put the prompt in the first column, before the tab"},
		{"empty quoted positive", "\"\"\tn", "packs/t.tsv line 1: the positive prompt (first column) is empty"},
		{"header only", "positive\tnegative\n", "packs/t.tsv: the pack has no prompt rows"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParsePack([]byte(tt.in), "packs/t.tsv")
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error\n  %v\nwant prefix\n  %s", err, tt.want)
			}
		})
	}
}
