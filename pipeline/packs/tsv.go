package packs

import "strings"

// parseTSV reads a .tsv pack: one row per line, positive<TAB>negative (the
// negative column may be left out). Blank lines and lines starting with #
// are skipped, and so is a header line "positive<TAB>negative". Fields are
// trimmed; a field wrapped in double quotes (as spreadsheets export fields
// with commas) is unquoted, "" standing for one quote. Trailing empty
// columns are ignored; more than two columns is an error, and so is an
// empty positive.
func parseTSV(text, path string) ([]PromptRow, string, error) {
	var (
		rows []PromptRow
		name string
	)
	lineNo := 0
	for len(text) > 0 || lineNo == 0 {
		lineNo++
		line, rest, _ := strings.Cut(text, "\n")
		text = rest
		line = strings.TrimRight(line, " \t")
		t := strings.TrimSpace(line)
		if t == "" {
			continue
		}
		if t[0] == '#' {
			if len(rows) == 0 && name == "" {
				name = nameComment(t)
			}
			continue
		}
		fields := strings.Split(line, "\t")
		if len(fields) > 2 {
			return nil, "", errorf(path, lineNo,
				"a .tsv row is positive<TAB>negative: remove the extra tabs, or use a .txt pack for longer prompts",
				"has %d tab-separated columns", len(fields))
		}
		pos := unquoteField(strings.TrimSpace(fields[0]))
		neg := ""
		if len(fields) == 2 {
			neg = unquoteField(strings.TrimSpace(fields[1]))
		}
		if len(rows) == 0 && isHeader(pos, neg) {
			continue
		}
		if pos == "" {
			return nil, "", errorf(path, lineNo, "put the prompt in the first column, before the tab",
				"the positive prompt (first column) is empty")
		}
		rows = append(rows, PromptRow{
			Index:    len(rows),
			Positive: rewriteLegacyLoRA(pos),
			Negative: rewriteLegacyLoRA(neg),
			Line:     lineNo,
		})
	}
	return rows, name, nil
}

// unquoteField removes spreadsheet-style double quotes around a field.
func unquoteField(s string) string {
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		return strings.TrimSpace(strings.ReplaceAll(s[1:len(s)-1], `""`, `"`))
	}
	return s
}

func isHeader(pos, neg string) bool {
	p, n := strings.ToLower(pos), strings.ToLower(neg)
	return (p == "positive" || p == "prompt") && (n == "negative" || n == "negative_prompt")
}
