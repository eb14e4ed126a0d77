package pipeline

import (
	"bytes"
	"fmt"
	"unicode/utf8"
)

// TextError is the first problem that keeps a file from being UTF-8 text
// of prompts. Line is 1-based (LF, CRLF and a lone CR each end a line).
type TextError struct {
	Line    int
	Problem string // what is wrong, such as "contains a NUL byte, so this looks like a binary file"
	Fix     string // what to do about it
}

func (e *TextError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %s; %s", e.Line, e.Problem, e.Fix)
	}
	return e.Problem + "; " + e.Fix
}

var (
	utf16LEBOM = []byte{0xFF, 0xFE}
	utf16BEBOM = []byte{0xFE, 0xFF}
)

// CheckText returns the first problem of data as prompt text, or nil: UTF-16
// text, a NUL byte (a binary file), invalid UTF-8, or a control character
// other than tab, CR and LF (such as ESC or DEL, which would reach the
// WebUI unseen). A UTF-8 byte-order mark is fine. It runs in linear time.
func CheckText(data []byte) *TextError {
	if bytes.HasPrefix(data, utf16LEBOM) || bytes.HasPrefix(data, utf16BEBOM) {
		return &TextError{Problem: "the file is UTF-16 text", Fix: "save it as UTF-8 (in most editors: Save As, Encoding UTF-8)"}
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return &TextError{Line: LineAt(data, i), Problem: "contains a NUL byte, so this looks like a binary file",
			Fix: "use a plain UTF-8 text file"}
	}
	for i := 0; i < len(data); {
		c := data[i]
		if c < utf8.RuneSelf {
			if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F {
				return &TextError{Line: LineAt(data, i), Problem: fmt.Sprintf("contains the control character U+%04X", c),
					Fix: "remove it (prompts are plain text)"}
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return &TextError{Line: LineAt(data, i), Problem: "the text is not valid UTF-8",
				Fix: "save the file as UTF-8 (in most editors: Save As, Encoding UTF-8)"}
		}
		if r >= 0x80 && r < 0xA0 {
			return &TextError{Line: LineAt(data, i), Problem: fmt.Sprintf("contains the control character U+%04X", r),
				Fix: "remove it (prompts are plain text)"}
		}
		i += size
	}
	return nil
}

// LineAt returns the 1-based line of byte offset off, counting LF, CRLF and
// a lone CR as one line end each.
func LineAt(data []byte, off int) int {
	line := 1
	for i := 0; i < off && i < len(data); i++ {
		switch data[i] {
		case '\n':
			line++
		case '\r':
			if i+1 >= len(data) || data[i+1] != '\n' {
				line++
			}
		}
	}
	return line
}
