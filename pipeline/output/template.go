package output

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// A Template is a parsed file or folder name template such as
// "{date}_{pack}/{stage}_p{prompt_index:02}_v{variant:02}_{seed}".
//
// Syntax:
//   - {name} inserts a token; the tokens are listed by Tokens.
//   - Numeric tokens take an optional zero-padding width written as a colon,
//     a zero and the width: {index:03} renders 7 as "007" and {seed:010}
//     renders -1 as "-000000001". A width without the leading zero ({index:3})
//     is an error, so there is exactly one way to ask for padding.
//   - {prompt_words:N} inserts the first N words (1..50) of the prompt;
//     {prompt_words} alone means five words.
//   - {{ and }} stand for literal braces.
//   - "/" (or "\") separates folders. It is meant for folder templates;
//     ResolvePath refuses a file name template that contains one.
//   - Literal text must already be a portable name: absolute paths, drive
//     letters, "." and ".." segments, empty segments, the characters
//     <>:"|?*, control characters, Windows device names and segments with
//     leading dots or trailing dots or spaces are refused by ParseTemplate.
//
// A Template is immutable and safe for concurrent use.
type Template struct {
	src   string
	comps [][]part // path components, each a sequence of parts
}

// part is literal text (tok == nil) or one token with its argument.
type part struct {
	lit string
	tok *tokenSpec
	arg int
}

// TemplateError describes a template that cannot be parsed.
type TemplateError struct {
	Template string // the template as given
	Column   int    // 1-based column, counted in characters, of the problem
	Token    string // the offending token or text, e.g. "{foo}" or "{"
	Msg      string // what is wrong
	// ListTokens is true for token errors; the message then lists the known tokens.
	ListTokens bool
}

// Error implements error.
func (e *TemplateError) Error() string {
	s := fmt.Sprintf("template %q, column %d: %s", e.Template, e.Column, e.Msg)
	if e.Token != "" {
		s = fmt.Sprintf("template %q, column %d: %s: %s", e.Template, e.Column, e.Token, e.Msg)
	}
	if e.ListTokens {
		s += "; known tokens: " + knownTokenList()
	}
	return s
}

// maxTemplateLen bounds the template source, in bytes.
const maxTemplateLen = 1024

// ParseTemplate parses a file or folder name template (see Template for the
// syntax). Errors are *TemplateError values naming the column and the
// offending text.
func ParseTemplate(s string) (*Template, error) {
	if s == "" {
		return nil, &TemplateError{Template: s, Column: 1, Msg: "empty template"}
	}
	if len(s) > maxTemplateLen {
		return nil, &TemplateError{Template: s, Column: 1, Msg: fmt.Sprintf("template is longer than %d bytes", maxTemplateLen)}
	}
	if !utf8.ValidString(s) {
		return nil, &TemplateError{Template: s, Column: 1, Msg: "template is not valid UTF-8"}
	}
	p := templateParser{src: s, t: &Template{src: s}}
	if err := p.parse(); err != nil {
		return nil, err
	}
	return p.t, nil
}

// String returns the template source.
func (t *Template) String() string { return t.src }

// Segments returns the number of path components the template renders to.
func (t *Template) Segments() int { return len(t.comps) }

// Render fills the template in. The result is a relative, slash-separated
// path whose every component is a portable name (see the package naming
// rules); it can never be absolute or contain "." or ".." components. Render
// fails only when a token needs a value that is missing: the time tokens need
// a non-zero TokenValues.Time.
func (t *Template) Render(v TokenValues) (string, error) {
	var out strings.Builder
	var comp strings.Builder
	for i, c := range t.comps {
		if i > 0 {
			out.WriteByte('/')
		}
		comp.Reset()
		for _, p := range c {
			if p.tok == nil {
				comp.WriteString(p.lit)
				continue
			}
			val, err := p.tok.render(&v, p.arg)
			if err != nil {
				return "", fmt.Errorf("template %q: %w", t.src, err)
			}
			comp.WriteString(sanitizeValue(val))
		}
		out.WriteString(finishComponent(comp.String()))
	}
	return out.String(), nil
}

// templateParser holds the state of one ParseTemplate call.
type templateParser struct {
	src   string
	t     *Template
	parts []part          // parts of the component being read
	lit   strings.Builder // literal text being read
	litAt int             // column where the current component started
	col   int             // column of the rune being read
	hasTk bool            // the component holds a token
}

func (p *templateParser) errAt(col int, tok, msg string, list bool) error {
	return &TemplateError{Template: p.src, Column: col, Token: tok, Msg: msg, ListTokens: list}
}

func (p *templateParser) parse() error {
	if p.src[0] == '/' || p.src[0] == '\\' {
		return p.errAt(1, "", "absolute paths are not allowed: templates are relative to the output folder", false)
	}
	if len(p.src) >= 2 && p.src[1] == ':' && isASCIILetter(p.src[0]) {
		return p.errAt(1, p.src[:2], "drive letters are not allowed: templates are relative to the output folder", false)
	}
	p.litAt = 1
	runes := []rune(p.src)
	for i := 0; i < len(runes); i++ {
		r := runes[i]
		p.col = i + 1
		switch {
		case r == '{' && i+1 < len(runes) && runes[i+1] == '{':
			p.lit.WriteRune('{')
			i++
		case r == '}' && i+1 < len(runes) && runes[i+1] == '}':
			p.lit.WriteRune('}')
			i++
		case r == '}':
			return p.errAt(p.col, "}", "unbalanced '}' (write }} for a literal brace)", true)
		case r == '{':
			end := -1
			for j := i + 1; j < len(runes); j++ {
				if runes[j] == '}' {
					end = j
					break
				}
				if runes[j] == '{' || runes[j] == '/' || runes[j] == '\\' {
					break
				}
			}
			if end < 0 {
				return p.errAt(p.col, "{", "unbalanced '{': the token is not closed with '}' (write {{ for a literal brace)", true)
			}
			if err := p.token(string(runes[i+1:end]), p.col); err != nil {
				return err
			}
			i = end
		case r == '/' || r == '\\':
			if err := p.endComponent(); err != nil {
				return err
			}
			p.litAt = p.col + 1
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || isBidiControl(r):
			return p.errAt(p.col, fmt.Sprintf("%q", r), "control characters are not allowed in file names", false)
		case strings.ContainsRune(`<>:"|?*`, r):
			return p.errAt(p.col, string(r), `the characters <>:"|?* are not allowed in file names`, false)
		default:
			p.lit.WriteRune(r)
		}
	}
	p.col = len(runes) + 1
	return p.endComponent()
}

// token validates one {name[:arg]} and appends it.
func (p *templateParser) token(body string, col int) error {
	text := "{" + body + "}"
	name, arg, hasArg := strings.Cut(body, ":")
	spec := tokenByName[name]
	if spec == nil {
		return p.errAt(col, text, "unknown token", true)
	}
	n := 0
	switch {
	case !hasArg && spec.arg == argWords:
		n = defaultPromptWords
	case !hasArg:
	case spec.arg == argNone:
		return p.errAt(col, text, fmt.Sprintf("token {%s} takes no argument", name), true)
	case spec.arg == argPad:
		w, err := strconv.Atoi(arg)
		if len(arg) < 2 || arg[0] != '0' || err != nil || w < 1 || w > maxPadWidth {
			return p.errAt(col, text, fmt.Sprintf("zero padding is written {%s:0N} with a width N from 1 to %d, e.g. {%s:03}", name, maxPadWidth, name), true)
		}
		n = w
	case spec.arg == argWords:
		w, err := strconv.Atoi(arg)
		if err != nil || w < 1 || w > maxPromptWords || arg[0] == '+' {
			return p.errAt(col, text, fmt.Sprintf("the word count must be a number from 1 to %d, e.g. {%s:5}", maxPromptWords, name), true)
		}
		n = w
	}
	p.flushLiteral()
	p.parts = append(p.parts, part{tok: spec, arg: n})
	p.hasTk = true
	return nil
}

func (p *templateParser) flushLiteral() {
	if p.lit.Len() > 0 {
		p.parts = append(p.parts, part{lit: p.lit.String()})
		p.lit.Reset()
	}
}

// endComponent closes the current path component and validates it.
func (p *templateParser) endComponent() error {
	p.flushLiteral()
	if len(p.parts) == 0 {
		return p.errAt(p.litAt, "", "empty path segment (a doubled or trailing '/')", false)
	}
	if !p.hasTk {
		text := p.parts[0].lit
		switch {
		case text == "." || text == "..":
			return p.errAt(p.litAt, text, "'.' and '..' segments are not allowed: templates stay inside the output folder", false)
		case isReservedName(text):
			return p.errAt(p.litAt, text, "a Windows device name cannot be a file or folder name", false)
		case finishComponent(text) != text:
			return p.errAt(p.litAt, text, fmt.Sprintf("not a portable name (no leading dots, no leading or trailing spaces or dots, at most %d bytes)", MaxComponentBytes), false)
		}
	}
	p.t.comps = append(p.t.comps, p.parts)
	p.parts, p.hasTk = nil, false
	return nil
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// Uses reports whether the template contains any of the named tokens (for
// example "seed" or "batch"), so a caller can render once for all values
// that differ only in tokens the template does not use.
func (t *Template) Uses(names ...string) bool {
	for _, c := range t.comps {
		for _, p := range c {
			if p.tok == nil {
				continue
			}
			for _, n := range names {
				if p.tok.name == n {
					return true
				}
			}
		}
	}
	return false
}
