package random

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

func isVarStart(c byte) bool {
	return c == '_' || c == '-' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func isVarChar(c byte) bool { return isVarStart(c) || (c >= '0' && c <= '9') }

// parseVariable parses ${…} at p.pos. ok is false (and p.pos unchanged)
// when "${" is not followed by a variable name: the "$" is then literal.
func (p *parser) parseVariable() (ref *node, asg *assign, ok bool, err error) {
	start := p.pos
	p.pos += 2
	p.skipWS()
	if p.pos >= len(p.src) || !isVarStart(p.src[p.pos]) {
		p.pos = start
		return nil, nil, false, nil
	}
	ns := p.pos
	for p.pos < len(p.src) && isVarChar(p.src[p.pos]) {
		p.pos++
	}
	name := p.src[ns:p.pos]
	p.skipWS()
	unclosed := func() error {
		return p.errAt(start, `"${" is never closed; add "}" after the variable`)
	}
	if p.pos >= len(p.src) {
		return nil, nil, false, unclosed()
	}
	switch c := p.src[p.pos]; {
	case c == '}':
		p.pos++
		return (&node{kind: nodeVar, pos: start, varName: name}).finish(), nil, true, nil
	case c == ':':
		p.pos++
		p.skipWS()
		def, err := p.parseSeq(ctxValue)
		if err != nil {
			return nil, nil, false, err
		}
		if p.pos >= len(p.src) {
			return nil, nil, false, unclosed()
		}
		p.pos++
		return (&node{kind: nodeVar, pos: start, varName: name, def: collapse(def)}).finish(), nil, true, nil
	case c == '=' || (c == '?' && p.peek(1) == '='):
		a := &assign{name: name}
		if c == '?' {
			a.keep = true
			p.pos++
		}
		p.pos++
		if p.peek(0) == '!' {
			a.immediate = true
			p.pos++
		}
		p.skipWS()
		val, err := p.parseSeq(ctxValue)
		if err != nil {
			return nil, nil, false, err
		}
		if p.pos >= len(p.src) {
			return nil, nil, false, unclosed()
		}
		p.pos++
		a.value = collapse(val)
		return nil, a, true, nil
	default:
		return nil, nil, false, p.errAt(start, `after "${%s" write "}", ":default}" or "=value}"`, name)
	}
}

// parseWrap tries %{wrapper$$inner} at p.pos. ok is false (and p.pos
// unchanged) when the text is not a wrap; the "%" is then literal.
func (p *parser) parseWrap() (*node, bool, error) {
	start := p.pos
	if p.notWrap[start] {
		return nil, false, nil
	}
	p.pos += 2
	p.skipWS()
	wrapper, err := p.parseSeq(ctxWrapper)
	if p.tooDeep != nil {
		return nil, false, p.tooDeep
	}
	if err != nil || !strings.HasPrefix(p.src[p.pos:], "$$") {
		p.pos = start
		if p.notWrap == nil {
			p.notWrap = map[int]bool{}
		}
		p.notWrap[start] = true
		return nil, false, nil
	}
	p.pos += 2
	p.skipWS()
	inner, err := p.parseSeq(ctxInner)
	if err != nil {
		return nil, false, err
	}
	if p.pos >= len(p.src) {
		return nil, false, p.errAt(start, `"%%{" is never closed; add "}" after the inner text`)
	}
	p.pos++
	return (&node{kind: nodeWrap, pos: start, wrapper: collapse(wrapper), inner: collapse(inner)}).finish(), true, nil
}

// wildcardNameByte reports whether c may appear in a wildcard name.
func wildcardNameStop(r rune) bool {
	switch r {
	case '{', '}', '#', '$', '(', ')', '|':
		return true
	}
	return unicode.IsSpace(r) || unicode.IsControl(r)
}

// parseWildcard tries __name__ at p.pos. ok is false (and p.pos unchanged)
// when the text is not a wildcard; the "_" is then literal.
func (p *parser) parseWildcard() (*node, bool, error) {
	start := p.pos
	i := p.pos + 2
	w := &node{kind: nodeWildcard, pos: start}
	if i < len(p.src) {
		switch p.src[i] {
		case '~':
			w.method = samplerRandom
			i++
		case '@':
			w.method = samplerCyclical
			i++
		case '!':
			w.method = samplerCombinatorial
			i++
		}
	}
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			w.name = append(w.name, namePart{lit: lit.String()})
			lit.Reset()
		}
	}
	var paramSpec *string
	for {
		if i >= len(p.src) {
			return nil, false, nil
		}
		if strings.HasPrefix(p.src[i:], "__") && (lit.Len() > 0 || len(w.name) > 0) {
			break
		}
		c := p.src[i]
		if c == '$' && i+1 < len(p.src) && p.src[i+1] == '{' {
			j := i + 2
			for j < len(p.src) && p.src[j] == ' ' {
				j++
			}
			k := j
			for k < len(p.src) && isVarChar(p.src[k]) {
				k++
			}
			if k == j {
				return nil, false, nil
			}
			name := p.src[j:k]
			end := strings.IndexByte(p.src[k:], '}')
			if end < 0 {
				return nil, false, nil
			}
			rest := strings.TrimSpace(p.src[k : k+end])
			def := ""
			if rest != "" {
				if rest[0] != ':' {
					return nil, false, nil
				}
				def = strings.TrimSpace(rest[1:])
			}
			flush()
			w.name = append(w.name, namePart{isVar: true, varName: name, def: def})
			i = k + end + 1
			continue
		}
		if c == '(' && (lit.Len() > 0 || len(w.name) > 0) {
			end := strings.IndexByte(p.src[i:], ')')
			if end < 0 || !strings.HasPrefix(p.src[i+end+1:], "__") || end == 1 {
				return nil, false, nil
			}
			s := p.src[i+1 : i+end]
			paramSpec = &s
			i += end + 1
			break
		}
		r, size := utf8.DecodeRuneInString(p.src[i:])
		if wildcardNameStop(r) {
			return nil, false, nil
		}
		lit.WriteString(p.src[i : i+size])
		i += size
	}
	flush()
	if len(w.name) == 0 {
		return nil, false, nil
	}
	i += 2 // closing __
	if len(w.name) == 1 && !w.name[0].isVar {
		name, err := cleanWildcardName(w.name[0].lit)
		if err != nil {
			return nil, false, p.errAt(start, "%v", err)
		}
		w.name[0].lit = name
		w.plainName = name
	}
	if paramSpec != nil {
		params, err := parseParams(*paramSpec)
		if err != nil {
			return nil, false, p.errAt(start, "in the parameters of %s: %v", w.wildcardText(), err)
		}
		w.params = params
	}
	p.pos = i
	return w.finish(), true, nil
}

// cleanWildcardName normalises a wildcard name the way the library does and
// rejects names that would leave the wildcard folder.
func cleanWildcardName(name string) (string, error) {
	name = strings.ReplaceAll(name, `\`, "/")
	name = strings.TrimRight(name, "/")
	if strings.HasPrefix(name, "/") {
		return "", fmt.Errorf("wildcard name %q must not start with \"/\"; write it relative to the wildcard folder", name)
	}
	if strings.Contains(name, "..") {
		return "", fmt.Errorf("wildcard name %q contains \"..\"; wildcard names must stay inside the wildcard folder", name)
	}
	if name == "" {
		return "", fmt.Errorf("wildcard name is empty; write __name__")
	}
	return name, nil
}

// parseParams reads "a=b, c={x|y}" from __name(a=b, c={x|y})__.
func parseParams(spec string) ([]assign, error) {
	var out []assign
	for _, pair := range strings.Split(spec, ",") {
		key, value, _ := strings.Cut(pair, "=")
		key = strings.TrimSpace(key)
		value = strings.TrimSpace(value)
		if key == "" {
			return nil, fmt.Errorf("%q has no variable name; write name=value", strings.TrimSpace(pair))
		}
		var n *node
		if isAlnum(value) {
			n = (&node{kind: nodeLiteral, text: value}).finish()
		} else {
			root, err := parseRoot(value, nil)
			if err != nil {
				return nil, err
			}
			n = collapse(root)
		}
		out = append(out, assign{name: key, value: n})
	}
	return out, nil
}

func isAlnum(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}
