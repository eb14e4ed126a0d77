package random

import "strings"

// span is a byte range [start, end) of a text.
type span struct{ start, end int }

// findTokens returns the plain __name__ tokens of s (no sampler prefix, no
// parameters, no ${var}), read with the template parser's rules, wherever
// they are (inside {…} groups too).
func findTokens(s string) (spans []span, names []string) {
	p := &parser{src: s, orig: s}
	for i := 0; i+1 < len(s); {
		j := strings.Index(s[i:], "__")
		if j < 0 {
			break
		}
		p.pos = i + j
		w, ok, err := p.parseWildcard()
		if err != nil || !ok {
			i += j + 1
			continue
		}
		if w.method == samplerDefault && len(w.params) == 0 && w.plainName != "" {
			spans = append(spans, span{i + j, p.pos})
			names = append(names, w.plainName)
		}
		i = p.pos
	}
	return spans, names
}

// slotRef is a [[name]] placeholder.
type slotRef struct {
	span
	name string
}

// findSlots returns the [[name]] placeholders of s. unclosed is the text of
// a "[[" that has no "]]" on its line, or "".
func findSlots(s string) (refs []slotRef, unclosed string) {
	for i := 0; ; {
		j := strings.Index(s[i:], "[[")
		if j < 0 {
			return refs, ""
		}
		start := i + j
		end := strings.Index(s[start+2:], "]]")
		nl := strings.IndexByte(s[start+2:], '\n')
		if end < 0 || (nl >= 0 && nl < end) {
			rest := s[start:]
			if k := strings.IndexAny(rest, " ,\n"); k > 0 {
				rest = rest[:k]
			}
			return refs, rest
		}
		name := strings.TrimSpace(s[start+2 : start+2+end])
		refs = append(refs, slotRef{span{start, start + 2 + end + 2}, name})
		i = start + 2 + end + 2
	}
}

// findGroup returns the first {…} group of s that holds a "|" (at any
// depth), or "".
func findGroup(s string) string {
	var stack []int
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '{':
			stack = append(stack, i)
		case '}':
			if len(stack) == 0 {
				continue
			}
			start := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if len(stack) == 0 && strings.IndexByte(s[start:i], '|') >= 0 {
				return s[start : i+1]
			}
		}
	}
	if len(stack) > 0 && strings.IndexByte(s[stack[0]:], '|') >= 0 {
		return s[stack[0]:]
	}
	return ""
}

// leftover returns randomizer syntax left in a final prompt: a [[slot]],
// a __name__ or a private-use marker, or "".
func leftover(s string) string {
	if refs, unclosed := findSlots(s); len(refs) > 0 {
		return s[refs[0].start:refs[0].end]
	} else if unclosed != "" {
		return unclosed
	}
	if strings.Contains(s, "__") {
		if spans, _ := findTokens(s); len(spans) > 0 {
			return s[spans[0].start:spans[0].end]
		}
	}
	return ""
}

// markerBase is the first private-use code point used as a placeholder
// marker inside a row while it is expanded.
const markerBase = 0xE000

// maxMarkers is how many markers one row may use.
const maxMarkers = 0xF8FF - markerBase

func markerRune(m int) string { return string(rune(markerBase + m)) }

// hasPrivateUse reports whether s holds a code point of the private-use
// block the markers live in.
func hasPrivateUse(s string) (rune, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == 0xEE || s[i] == 0xEF {
			for _, r := range s[i:] {
				if r >= markerBase && r <= 0xF8FF {
					return r, true
				}
			}
			return 0, false
		}
	}
	return 0, false
}

// substitute replaces each marker of s by its value.
func substitute(s string, vals []string) string {
	first := -1
	for i := 0; i < len(s); i++ {
		if s[i] == 0xEE || s[i] == 0xEF {
			first = i
			break
		}
	}
	if first < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 32)
	b.WriteString(s[:first])
	for _, r := range s[first:] {
		if r >= markerBase && int(r-markerBase) < len(vals) {
			b.WriteString(vals[r-markerBase])
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
