package packs

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"stablenew/pipeline"
	"stablenew/pipeline/output"
)

// GlobalNegative returns the global negative prompt from
// global_negative.txt in the data folder (the original StableNew's
// presets/global_negative.txt is read when that is missing). Its lines are
// trimmed and joined with ", ". With neither file, it returns the built-in
// default, pipeline.Defaults().Prompt.GlobalNegative; an empty file means
// no global negative.
func (l *Library) GlobalNegative() (string, error) {
	p := filepath.Join(l.dir, GlobalNegativeFile)
	data, err := pipeline.ReadRegular(p)
	if isNotExist(err) {
		p = filepath.Join(l.PresetsDir(), GlobalNegativeFile)
		data, err = pipeline.ReadRegular(p)
		if isNotExist(err) {
			return pipeline.Defaults().Prompt.GlobalNegative, nil
		}
	}
	if err != nil {
		return "", fmt.Errorf("reading the global negative: %w", err)
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	if !utf8.Valid(data) || bytes.IndexByte(data, 0) >= 0 {
		return "", fmt.Errorf("%s is not UTF-8 text; save it as UTF-8 or set the global negative again", p)
	}
	return joinLines(string(data)), nil
}

// SetGlobalNegative stores the global negative prompt (lines joined with
// ", "). An empty text stores "no global negative".
func (l *Library) SetGlobalNegative(text string) error {
	if !utf8.ValidString(text) || strings.ContainsRune(text, 0) {
		return fmt.Errorf("the global negative contains a NUL byte or invalid UTF-8")
	}
	text = joinLines(text)
	if text != "" {
		text += "\n"
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return output.WriteFileAtomic(filepath.Join(l.dir, GlobalNegativeFile), []byte(text))
}

// joinLines trims every line, drops blank ones and joins the rest with ", ".
func joinLines(s string) string {
	var parts []string
	for _, line := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' }) {
		if t := strings.TrimSpace(line); t != "" {
			parts = append(parts, t)
		}
	}
	return strings.Join(parts, ", ")
}
