package random

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"stablenew/pipeline"
)

// SyntaxError is a template that cannot be parsed. Line and Column are
// 1-based and count characters (runes) of the text as the user wrote it.
type SyntaxError struct {
	Line   int
	Column int
	Msg    string
}

// Error returns "column C: message", or "line L, column C: message" past
// the first line.
func (e *SyntaxError) Error() string {
	if e.Line > 1 {
		return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Column, e.Msg)
	}
	return fmt.Sprintf("column %d: %s", e.Column, e.Msg)
}

// ctxKind says where a sequence is being parsed, which decides what ends it.
type ctxKind uint8

const (
	ctxTop     ctxKind = iota // the whole template: runs to the end
	ctxOption                 // a {…} option: ends at | or }
	ctxValue                  // a ${…} value or default: ends at }
	ctxWrapper                // the wrapper of %{…$$…}: ends at $$
	ctxInner                  // the inner part of %{…$$…}: ends at }
)

// errNotWrap aborts an attempt to read %{…} as a wrap.
var errNotWrap = errors.New("not a wrap")

// syntaxWS is the whitespace the grammar skips (pyparsing's default).
const syntaxWS = " \t\r\n"

type parser struct {
	src  string  // tab-expanded text
	orig string  // text as written
	omap []int32 // expanded byte offset -> original byte offset; nil without tabs
	pos  int
	// depth is the nesting of the sequence being parsed (1 at the top);
	// tooDeep is set once it passes the limit, so no caller retries.
	depth   int
	tooDeep error
	// notWrap remembers where a %{ was found not to start a wrap, so that
	// nested %{ are tried once each instead of in every combination.
	notWrap map[int]bool
	// hook, when set, is offered each plain top-level wildcard name; when it
	// returns ok the wildcard is replaced by the returned literal text.
	hook func(name string) (string, bool)
}

// parseRoot parses s as a whole template.
func parseRoot(s string, hook func(string) (string, bool)) (*node, error) {
	exp, omap := expandTabs(s)
	p := &parser{src: exp, orig: s, omap: omap, hook: hook}
	root, err := p.parseSeq(ctxTop)
	if err != nil {
		return nil, err
	}
	return root, nil
}

// errAt builds a SyntaxError at byte offset pos of the expanded source.
func (p *parser) errAt(pos int, format string, args ...any) error {
	if pos > len(p.src) {
		pos = len(p.src)
	}
	off := pos
	if p.omap != nil {
		if pos < len(p.omap) {
			off = int(p.omap[pos])
		} else {
			off = len(p.orig)
		}
	}
	line, col := 1, 1
	for _, r := range p.orig[:off] {
		if r == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return &SyntaxError{Line: line, Column: col, Msg: fmt.Sprintf(format, args...)}
}

// expandTabs expands tabs to 8-column stops (as pyparsing does before
// parsing) and returns a map from new to old byte offsets, or nil when s has
// no tab.
func expandTabs(s string) (string, []int32) {
	if strings.IndexByte(s, '\t') < 0 {
		return s, nil
	}
	var b strings.Builder
	omap := make([]int32, 0, len(s)+16)
	col := 0
	for i, r := range s {
		switch r {
		case '\t':
			n := 8 - col%8
			for k := 0; k < n; k++ {
				b.WriteByte(' ')
				omap = append(omap, int32(i))
			}
			col += n
			continue
		case '\n', '\r':
			col = 0
		default:
			col++
		}
		size := utf8.RuneLen(r)
		if size < 0 {
			size = 1
		}
		b.WriteRune(r)
		for k := 0; k < size; k++ {
			omap = append(omap, int32(i+k))
		}
	}
	return b.String(), omap
}

func (p *parser) peek(off int) byte {
	if p.pos+off < len(p.src) {
		return p.src[p.pos+off]
	}
	return 0
}

func (p *parser) skipWS() {
	for p.pos < len(p.src) && strings.IndexByte(syntaxWS, p.src[p.pos]) >= 0 {
		p.pos++
	}
}

// skipComment skips from # to the end of the line (the newline stays).
func (p *parser) skipComment() {
	if i := strings.IndexByte(p.src[p.pos:], '\n'); i >= 0 {
		p.pos += i
	} else {
		p.pos = len(p.src)
	}
}

// skipIgnorables skips comments, together with the whitespace in front of
// each, at an element boundary. Whitespace not followed by # stays.
func (p *parser) skipIgnorables() {
	for {
		i := p.pos
		for i < len(p.src) && strings.IndexByte(syntaxWS, p.src[i]) >= 0 {
			i++
		}
		if i < len(p.src) && p.src[i] == '#' {
			p.pos = i
			p.skipComment()
			continue
		}
		return
	}
}

// specials lists the bytes that end a literal run in each context.
func specials(ctx ctxKind) string {
	switch ctx {
	case ctxOption, ctxValue:
		return "{#$%_|}"
	case ctxWrapper, ctxInner:
		return "{#$%_}"
	}
	return "{#$%_"
}

// parseSeq parses a sequence of literals and elements until the context ends
// it (or the text ends).
func (p *parser) parseSeq(ctx ctxKind) (*node, error) {
	if p.tooDeep != nil {
		return nil, p.tooDeep
	}
	if p.depth > pipeline.MaxNesting {
		p.tooDeep = p.errAt(p.pos, "groups and commands are nested more than %d deep here; flatten them", pipeline.MaxNesting)
		return nil, p.tooDeep
	}
	p.depth++
	defer func() { p.depth-- }()
	seq := &node{kind: nodeSeq, pos: p.pos}
	var lit strings.Builder
	litStart := p.pos
	flush := func() {
		if lit.Len() > 0 {
			seq.parts = append(seq.parts, (&node{kind: nodeLiteral, text: lit.String(), pos: litStart}).finish())
			lit.Reset()
		}
	}
	addLit := func(s string) {
		if lit.Len() == 0 {
			litStart = p.pos
		}
		lit.WriteString(s)
	}
	stop := specials(ctx)
	p.skipIgnorables()
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		switch ctx {
		case ctxOption:
			if c == '|' || c == '}' {
				flush()
				return seq.finish(), nil
			}
		case ctxValue:
			if c == '}' {
				flush()
				return seq.finish(), nil
			}
			if c == '|' {
				return nil, p.errAt(p.pos, `"|" cannot be used inside ${…}; put the choices in braces, such as ${v={a|b}}`)
			}
		case ctxWrapper:
			if c == '}' {
				return nil, errNotWrap
			}
			if c == '$' && p.peek(1) == '$' {
				flush()
				return seq.finish(), nil
			}
		case ctxInner:
			if c == '}' {
				flush()
				return seq.finish(), nil
			}
		}
		switch c {
		case '{':
			flush()
			v, err := p.parseVariant()
			if err != nil {
				return nil, err
			}
			seq.parts = append(seq.parts, v)
			p.skipIgnorables()
			continue
		case '#':
			p.skipComment()
			p.skipIgnorables()
			continue
		case '$':
			if p.peek(1) == '{' {
				start := p.pos
				ref, asg, ok, err := p.parseVariable()
				if err != nil {
					return nil, err
				}
				if ok {
					flush()
					if asg != nil {
						if ctx == ctxValue || ctx == ctxWrapper {
							return nil, p.errAt(start, "a variable cannot be set inside ${…} or a wrapper; set it in the prompt itself")
						}
						seq.assigns = append(seq.assigns, *asg)
					} else {
						seq.parts = append(seq.parts, ref)
					}
					p.skipIgnorables()
					continue
				}
			}
			addLit("$")
			p.pos++
			continue
		case '%':
			if p.peek(1) == '{' {
				w, ok, err := p.parseWrap()
				if err != nil {
					return nil, err
				}
				if ok {
					flush()
					seq.parts = append(seq.parts, w)
					p.skipIgnorables()
					continue
				}
			}
			addLit("%")
			p.pos++
			continue
		case '_':
			if p.peek(1) == '_' {
				start := p.pos
				w, ok, err := p.parseWildcard()
				if err != nil {
					return nil, err
				}
				if ok {
					if ctx == ctxTop && p.hook != nil && w.method == samplerDefault && len(w.params) == 0 && w.plainName != "" {
						if repl, handled := p.hook(w.plainName); handled {
							p.pos, start = start, p.pos
							addLit(repl)
							p.pos = start
							p.skipIgnorables()
							continue
						}
					}
					flush()
					seq.parts = append(seq.parts, w)
					p.skipIgnorables()
					continue
				}
			}
			addLit("_")
			p.pos++
			continue
		}
		// A literal run up to the next special byte.
		end := strings.IndexAny(p.src[p.pos:], stop)
		if end < 0 {
			end = len(p.src) - p.pos
		}
		if end == 0 { // a terminator of another context: literal here
			end = 1
		}
		addLit(p.src[p.pos : p.pos+end])
		p.pos += end
	}
	flush()
	return seq.finish(), nil
}

// parseVariant parses {…} at p.pos.
func (p *parser) parseVariant() (*node, error) {
	start := p.pos
	p.pos++
	p.skipWS()
	v := &node{kind: nodeVariant, pos: start, lo: 1, hi: 1, sep: ","}
	switch p.peek(0) {
	case '~':
		v.method = samplerRandom
		p.pos++
	case '@':
		v.method = samplerCyclical
		p.pos++
	case '!':
		v.method = samplerCombinatorial
		p.pos++
	}
	hiOmitted := false
	if lo, hi, loOK, hiOK, sep, ok := p.parseBound(); ok {
		v.lo, v.hi = 1, 0
		if loOK {
			v.lo = lo
		}
		if hiOK {
			v.hi = hi
		} else {
			hiOmitted = true
		}
		if sep != nil {
			v.sep = *sep
		}
	}
	p.skipWS()
	for {
		p.skipWS()
		w := 1.0
		if wt, ok := p.parseWeight(); ok {
			w = wt
		}
		opt, err := p.parseSeq(ctxOption)
		if err != nil {
			return nil, err
		}
		if p.pos >= len(p.src) {
			return nil, p.errAt(start, `"{" is never closed; add "}" or remove it`)
		}
		v.opts = append(v.opts, option{weight: w, n: collapse(opt)})
		if p.src[p.pos] == '|' {
			p.pos++
			continue
		}
		p.pos++ // '}'
		break
	}
	if hiOmitted {
		v.hi = len(v.opts)
	}
	v.text = p.src[start:p.pos] // for messages; a variant has no literal text
	if len(v.text) > 40 {
		v.text = v.text[:37] + "…"
	}
	return v.finish(), nil
}

// parseBound reads L-H$$, -H$$, L-$$ or N$$ and an optional sep$$ at p.pos.
// It leaves p.pos unchanged when there is no bound.
func (p *parser) parseBound() (lo, hi int, loOK, hiOK bool, sep *string, ok bool) {
	i := p.pos
	readInt := func() (int, bool) {
		j := i
		n := 0
		for i < len(p.src) && p.src[i] >= '0' && p.src[i] <= '9' {
			if n < 1<<40 {
				n = n*10 + int(p.src[i]-'0')
			}
			i++
		}
		return n, i > j
	}
	if a, got := readInt(); got {
		if i < len(p.src) && p.src[i] == '-' {
			i++
			if b, got := readInt(); got {
				lo, hi, loOK, hiOK = a, b, true, true
			} else {
				lo, loOK = a, true
			}
		} else {
			lo, hi, loOK, hiOK = a, a, true, true
		}
	} else if i+1 < len(p.src) && p.src[i] == '-' && p.src[i+1] >= '0' && p.src[i+1] <= '9' {
		i++
		hi, _ = readInt()
		hiOK = true
	} else {
		return 0, 0, false, false, nil, false
	}
	if !strings.HasPrefix(p.src[i:], "$$") {
		return 0, 0, false, false, nil, false
	}
	i += 2
	j := i
	for j < len(p.src) {
		r, size := utf8.DecodeRuneInString(p.src[j:])
		if r == '$' || r == '{' || r == '}' || (r != ' ' && !unicode.IsPrint(r)) {
			break
		}
		j += size
	}
	if j > i && strings.HasPrefix(p.src[j:], "$$") {
		s := p.src[i:j]
		sep = &s
		i = j + 2
	}
	p.pos = i
	return lo, hi, loOK, hiOK, sep, true
}

// parseWeight reads a weight such as 0.5:: at p.pos.
func (p *parser) parseWeight() (float64, bool) {
	i := p.pos
	if i < len(p.src) && (p.src[i] == '+' || p.src[i] == '-') {
		i++
	}
	digits := func() int {
		j := i
		for i < len(p.src) && p.src[i] >= '0' && p.src[i] <= '9' {
			i++
		}
		return i - j
	}
	d1 := digits()
	dot := false
	if i < len(p.src) && p.src[i] == '.' {
		dot = true
		i++
	}
	d2 := 0
	if dot {
		d2 = digits()
	}
	signed := p.pos < len(p.src) && (p.src[p.pos] == '+' || p.src[p.pos] == '-')
	if d1+d2 == 0 || (signed && !dot) || !strings.HasPrefix(p.src[i:], "::") {
		return 0, false
	}
	w, err := strconv.ParseFloat(p.src[p.pos:i], 64)
	if err != nil {
		return 0, false
	}
	p.pos = i + 2
	if w < 0 {
		w = 0
	}
	return w, true
}
