package infotext

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxInfotextSize is the longest infotext Parse accepts, in bytes (the PNG
// chunk limit of pipeline/output).
const MaxInfotextSize = 8 << 20

const (
	negativePrefix         = "Negative prompt:"
	templatePrefix         = "Template:"
	negativeTemplatePrefix = "Negative Template:"
	// minPairs is how many "Key: value" pairs make the last line the
	// parameter line, as in A1111.
	minPairs = 3
)

// Parse reads an infotext the way A1111's parse_generation_parameters does:
//   - the text is trimmed and split into lines; the last line is the
//     parameter line only if it holds at least three "Key: value" pairs;
//   - the lines before it are the prompt, up to a line starting with
//     "Negative prompt:", which starts the negative prompt (it runs to the
//     parameter line and may span lines); every line is trimmed;
//   - values written as JSON strings are unquoted; a value with broken
//     quoting is kept as written, with a warning;
//   - Dynamic Prompts' "Template:" and "Negative Template:" lines after the
//     parameter line fill Template and NegativeTemplate.
//
// Parse fails only for text longer than MaxInfotextSize. Anything else it
// has to tolerate (invalid UTF-8, replaced by U+FFFD; ignored text; values of
// the wrong type) is listed in Warnings.
func Parse(text string) (*Parameters, error) {
	if len(text) > MaxInfotextSize {
		return nil, fmt.Errorf("infotext: %d bytes is more than the %d accepted", len(text), MaxInfotextSize)
	}
	p := &Parameters{}
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, "\uFFFD")
		p.warn("the infotext is not valid UTF-8; invalid bytes were replaced with U+FFFD")
	}
	if strings.IndexByte(text, '\r') >= 0 {
		text = strings.ReplaceAll(text, "\r\n", "\n")
	}
	text = strings.TrimSpace(text)
	if text == "" {
		return p, nil
	}
	lines := strings.Split(text, "\n")

	// Dynamic Prompts appends its template lines after the parameter line.
	for i := 1; i < len(lines); i++ {
		if isTemplateLine(lines[i]) && countPairs(lines[i-1]) >= minPairs {
			p.Template, p.NegativeTemplate = parseTemplateBlock(lines[i:])
			lines = lines[:i]
			break
		}
	}

	if last := lines[len(lines)-1]; countPairs(last) >= minPairs {
		p.Pairs = p.scanPairs(last)
		lines = lines[:len(lines)-1]
	}

	var prompt, negative strings.Builder
	done := false
	for _, line := range lines {
		line = strings.TrimSpace(line)
		if rest, ok := strings.CutPrefix(line, negativePrefix); ok {
			done = true
			line = strings.TrimSpace(rest)
		}
		b := &prompt
		if done {
			b = &negative
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(line)
	}
	p.Prompt = strings.TrimRightFunc(prompt.String(), unicode.IsSpace)
	p.Negative = strings.TrimRightFunc(negative.String(), unicode.IsSpace)
	p.checkValues()
	return p, nil
}

// maxWarnings bounds Parameters.Warnings; a hostile infotext could
// otherwise produce one warning per pair.
const maxWarnings = 50

func (p *Parameters) warn(format string, args ...any) {
	switch {
	case len(p.Warnings) < maxWarnings:
		p.Warnings = append(p.Warnings, fmt.Sprintf(format, args...))
	case len(p.Warnings) == maxWarnings:
		p.Warnings = append(p.Warnings, "more warnings were omitted")
	}
}

func isTemplateLine(line string) bool {
	line = strings.TrimLeftFunc(line, unicode.IsSpace)
	return strings.HasPrefix(line, templatePrefix) || strings.HasPrefix(line, negativeTemplatePrefix)
}

// parseTemplateBlock splits the Dynamic Prompts lines into the template and
// the negative template; each may span lines.
func parseTemplateBlock(block []string) (tmpl, neg string) {
	var pos, negl []string
	cur := &pos
	for i, line := range block {
		trimmed := strings.TrimLeftFunc(line, unicode.IsSpace)
		switch {
		case cur == &pos && strings.HasPrefix(trimmed, negativeTemplatePrefix):
			cur, line = &negl, strings.TrimPrefix(trimmed, negativeTemplatePrefix)
		case i == 0:
			line = strings.TrimPrefix(trimmed, templatePrefix)
		}
		*cur = append(*cur, line)
	}
	return strings.TrimSpace(strings.Join(pos, "\n")), strings.TrimSpace(strings.Join(negl, "\n"))
}

// pairMatch is one match of A1111's re_param:
// \s*(\w[\w \-/]+):\s*("(?:\\.|[^\\"])+"|[^,]*)(?:,|$)
type pairMatch struct {
	key, value string
	quoted     bool // the value matched the quoted alternative
	next       int  // where the next match starts
}

// matchPair tries re_param at pos. On failure it returns the position from
// which trying again can succeed (every start before it fails the same way),
// which keeps scanning linear.
func matchPair(line string, pos int) (m pairMatch, ok bool, retry int) {
	i := skipSpace(line, pos)
	r, w := utf8.DecodeRuneInString(line[i:])
	if i >= len(line) || !isWordRune(r) {
		if i >= len(line) {
			return m, false, len(line)
		}
		return m, false, i + w
	}
	j := i + w
	for j < len(line) {
		r, w := utf8.DecodeRuneInString(line[j:])
		if !isWordRune(r) && r != ' ' && r != '-' && r != '/' {
			break
		}
		j += w
	}
	if j == i+w || j >= len(line) || line[j] != ':' {
		return m, false, max(j, i+w)
	}
	m.key = line[i:j]
	v := skipSpace(line, j+1)
	if v < len(line) && line[v] == '"' {
		if end := quotedEnd(line, v); end > 0 && (end == len(line) || line[end] == ',') {
			m.value, m.quoted, m.next = line[v:end], true, min(end+1, len(line))
			return m, true, 0
		}
	}
	if c := strings.IndexByte(line[v:], ','); c >= 0 {
		m.value, m.next = line[v:v+c], v+c+1
	} else {
		m.value, m.next = line[v:], len(line)
	}
	return m, true, 0
}

// quotedEnd returns the index just past the closing quote of
// "(?:\\.|[^\\"])+" starting at v, or -1.
func quotedEnd(line string, v int) int {
	q := v + 1
	for q < len(line) {
		switch line[q] {
		case '\\':
			if q+1 >= len(line) || line[q+1] == '\n' {
				return -1
			}
			q += 2
		case '"':
			if q == v+1 {
				return -1 // the + needs at least one character
			}
			return q + 1
		default:
			q++
		}
	}
	return -1
}

func skipSpace(s string, i int) int {
	for i < len(s) {
		if c := s[i]; c < utf8.RuneSelf {
			if c != ' ' && (c < '\t' || c > '\r') && (c < 0x1c || c > 0x1f) {
				return i
			}
			i++
			continue
		}
		r, w := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsSpace(r) {
			return i
		}
		i += w
	}
	return i
}

// isWordRune is Python's \w for str patterns.
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
	}
	return unicode.IsLetter(r) || unicode.IsNumber(r)
}

// countPairs counts the re_param matches in line.
func countPairs(line string) int {
	n := 0
	for pos := 0; pos < len(line); {
		m, ok, retry := matchPair(line, pos)
		if !ok {
			pos = retry
			continue
		}
		n++
		pos = m.next
	}
	return n
}

// scanPairs extracts the pairs of the parameter line, unquoting values and
// warning about broken quoting and ignored text.
func (p *Parameters) scanPairs(line string) []Pair {
	pairs := make([]Pair, 0, 24)
	skipFrom := -1
	for pos := 0; pos < len(line); {
		m, ok, retry := matchPair(line, pos)
		if !ok {
			if skipFrom < 0 {
				skipFrom = pos
			}
			pos = retry
			continue
		}
		if skipFrom >= 0 {
			p.warnIgnored(line[skipFrom:pos])
			skipFrom = -1
		}
		pairs = append(pairs, Pair{m.key, p.unquoteValue(m)})
		pos = m.next
	}
	if skipFrom >= 0 {
		p.warnIgnored(line[skipFrom:])
	}
	return pairs
}

func (p *Parameters) warnIgnored(s string) {
	if strings.TrimFunc(s, func(r rune) bool { return r == ',' || unicode.IsSpace(r) }) == "" {
		return
	}
	if len(s) > 60 {
		s = s[:57] + "..."
	}
	p.warn("parameter line: ignored text %q", strings.ToValidUTF8(s, "\uFFFD"))
}

// unquoteValue returns the value of a match, JSON-unquoted when it is
// quoted; broken quoting keeps the text as written.
func (p *Parameters) unquoteValue(m pairMatch) string {
	v := m.value
	if !m.quoted {
		v = strings.TrimRightFunc(v, unicode.IsSpace)
	}
	if v == "" || v[0] != '"' {
		return v
	}
	if len(v) >= 2 && v[len(v)-1] == '"' {
		if s, ok := unquoteJSON(v); ok {
			return s
		}
	}
	p.warn("%s: broken quoting, value kept as written: %s", m.key, abbreviate(v))
	return v
}

func abbreviate(s string) string {
	if len(s) > 60 {
		cut := 57
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		return s[:cut] + "..."
	}
	return s
}

// checkValues warns about known keys whose values do not have their type.
func (p *Parameters) checkValues() {
	for _, kv := range p.Pairs {
		k, v := kv.Key, kv.Value
		switch {
		case intKeys[k]:
			if _, err := strconv.ParseInt(v, 10, 64); err != nil {
				p.warn("%s: %q is not a whole number", k, abbreviate(v))
			}
		case isFloatKey(k):
			if _, err := strconv.ParseFloat(v, 64); err != nil {
				p.warn("%s: %q is not a number", k, abbreviate(v))
			}
		case sizeKeys[k]:
			if _, _, ok := parseSize(v); !ok {
				p.warn("%s: %q is not a WIDTHxHEIGHT size", k, abbreviate(v))
			}
		case k == KeyLoraHashes || k == KeyTIHashes:
			if _, ok := parseHashList(v); !ok {
				p.warn("%s: %q is not a list of \"name: hash\"", k, abbreviate(v))
			}
		}
	}
}
