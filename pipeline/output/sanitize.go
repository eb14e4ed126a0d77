package output

import (
	"strings"
	"unicode/utf8"
)

// MaxComponentBytes is the longest a path component rendered from a template
// may be, in bytes. Longer components are cut on a rune boundary; the
// extension added by ResolvePath comes on top.
const MaxComponentBytes = 120

// reservedNames are the Windows device names that cannot be file names, with
// or without an extension.
var reservedNames = func() map[string]bool {
	m := map[string]bool{"CON": true, "PRN": true, "AUX": true, "NUL": true, "CONIN$": true, "CONOUT$": true}
	for _, p := range []string{"COM", "LPT"} {
		for _, d := range []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "¹", "²", "³"} {
			m[p+d] = true
		}
	}
	return m
}()

// SanitizeComponent turns any text into one portable path component, following
// the naming rules in the package documentation. The result is never empty,
// never "." or "..", and never contains a path separator.
func SanitizeComponent(s string) string {
	return finishComponent(sanitizeValue(s))
}

// sanitizeValue cleans one token value: separators, characters invalid on
// Windows, control and bidi-control characters and invalid UTF-8 become "_",
// whitespace controls become a space, runs of dots become "_", and the value is
// capped at MaxComponentBytes.
func sanitizeValue(s string) string {
	if isPlainValue(s) {
		return capBytes(s, MaxComponentBytes)
	}
	var b strings.Builder
	b.Grow(len(s))
	for i, w := 0, 0; i < len(s); i += w {
		r, size := utf8.DecodeRuneInString(s[i:])
		w = size
		switch {
		case r == utf8.RuneError && size <= 1:
			b.WriteByte('_')
		case r == '\t' || r == '\n' || r == '\r' || r == '\v' || r == '\f':
			b.WriteByte(' ')
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			b.WriteByte('_')
		case strings.ContainsRune(`/\<>:"|?*`, r), isBidiControl(r):
			b.WriteByte('_')
		default:
			b.WriteRune(r)
		}
	}
	out := b.String()
	for strings.Contains(out, "..") {
		out = strings.ReplaceAll(out, "..", "_")
	}
	return capBytes(out, MaxComponentBytes)
}

// isPlainValue reports whether s is short ASCII made of letters, digits and
// "-_ " only, which needs no cleaning (the fast path for numbers and dates).
func isPlainValue(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == ' ') {
			return false
		}
	}
	return true
}

// isBidiControl reports the Unicode bidirectional controls, which can make a
// file name display differently from what it is.
func isBidiControl(r rune) bool {
	return r == 0x200e || r == 0x200f || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
}

// finishComponent applies the whole-component rules to an already cleaned
// value: trims leading dots/spaces and trailing dots/spaces, prefixes Windows
// device names with "_", caps the length and never returns an empty string.
func finishComponent(s string) string {
	s = strings.TrimLeft(s, ". ")
	s = strings.TrimRight(s, ". ")
	if isReservedName(s) {
		s = "_" + s
	}
	s = capBytes(s, MaxComponentBytes)
	s = strings.TrimRight(s, ". ")
	if s == "" {
		return "_"
	}
	return s
}

// isReservedName reports whether s is a Windows device name, alone or followed
// by an extension ("nul", "CON.png", "com1 .txt").
func isReservedName(s string) bool {
	base := s
	if i := strings.IndexByte(base, '.'); i >= 0 {
		base = base[:i]
	}
	base = strings.TrimRight(base, " ")
	if len(base) < 3 || len(base) > 8 {
		return false
	}
	return reservedNames[strings.ToUpper(base)]
}

// capBytes cuts s to at most n bytes without splitting a rune.
func capBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}
