package random

import (
	"strconv"
	"strings"
)

// sampler is a sampling method: the prefix ~ @ ! of a variant or wildcard.
type sampler uint8

const (
	samplerDefault       sampler = iota // no prefix: the generator's own method
	samplerCombinatorial                // !
	samplerRandom                       // ~
	samplerCyclical                     // @
)

// nonfinite reports whether the method draws one value per use instead of
// forming a dimension (random and cyclical).
func (s sampler) nonfinite() bool { return s == samplerRandom || s == samplerCyclical }

func (s sampler) prefix() string {
	switch s {
	case samplerCombinatorial:
		return "!"
	case samplerRandom:
		return "~"
	case samplerCyclical:
		return "@"
	}
	return ""
}

// nodeKind says what a node is.
type nodeKind uint8

const (
	nodeLiteral  nodeKind = iota // text
	nodeSeq                      // parts one after another, with hoisted variable assignments
	nodeVariant                  // {…|…}
	nodeWildcard                 // __name__
	nodeVar                      // ${name} or ${name:default}
	nodeWrap                     // %{wrapper$$inner}
)

// node is one element of a parsed template. Nodes are immutable after
// parsing, so a Template may be shared between goroutines.
type node struct {
	kind   nodeKind
	method sampler
	pos    int // byte offset in the (tab-expanded) source, for errors

	text string // literal; for a variant, the start of its source (messages)

	parts   []*node  // seq
	assigns []assign // seq

	opts   []option // variant
	lo, hi int      // variant bounds as written (hi already defaulted)
	sep    string   // variant separator
	lits   []string // distinct option texts when every option is a literal

	name      []namePart // wildcard name pieces
	plainName string     // wildcard name when it has no ${var} piece
	params    []assign   // wildcard parameters __name(a=b)__

	varName string // var
	def     *node  // var default, nil when none

	wrapper, inner *node // wrap

	// closed is true when the subtree refers to no variable and no wildcard,
	// so its expansions do not depend on the environment.
	closed bool
	// key is a canonical form: two nodes are "equal as parsed templates"
	// (the library's rule for options of a {N$$…} group) when keys match.
	key string
}

// option is one option of a variant, with its weight (1 when none).
type option struct {
	weight float64
	n      *node
}

// assign is ${name=value}, ${name=!value} or ${name?=value}.
type assign struct {
	name      string
	value     *node
	immediate bool // =!
	keep      bool // ?=
}

// namePart is a piece of a wildcard name: literal text or ${var[:default]}.
type namePart struct {
	lit     string
	isVar   bool
	varName string
	def     string
}

// finish computes the derived fields of n from its children.
func (n *node) finish() *node {
	var b strings.Builder
	n.closed = true
	child := func(c *node) {
		if c == nil {
			return
		}
		if !c.closed {
			n.closed = false
		}
	}
	switch n.kind {
	case nodeLiteral:
		b.WriteByte('L')
		b.WriteString(strconv.Quote(n.text))
	case nodeSeq:
		b.WriteString("S(")
		for _, a := range n.assigns {
			child(a.value)
			n.closed = false // assignments change the environment
			b.WriteString("A" + strconv.Quote(a.name))
			if a.immediate {
				b.WriteByte('!')
			}
			if a.keep {
				b.WriteByte('?')
			}
			b.WriteString(a.value.key)
		}
		for _, p := range n.parts {
			child(p)
			b.WriteString(p.key)
			b.WriteByte(';')
		}
		b.WriteByte(')')
	case nodeVariant:
		b.WriteString("V" + n.method.prefix() + strconv.Itoa(n.lo) + "-" + strconv.Itoa(n.hi) + strconv.Quote(n.sep) + "(")
		allLit := true
		for _, o := range n.opts {
			child(o.n)
			if o.n.kind != nodeLiteral {
				allLit = false
			}
			b.WriteString(strconv.FormatFloat(o.weight, 'g', -1, 64))
			b.WriteString("::")
			b.WriteString(o.n.key)
			b.WriteByte('|')
		}
		b.WriteByte(')')
		if allLit {
			n.lits = distinctTexts(n.opts)
		}
	case nodeWildcard:
		n.closed = false
		b.WriteString("W" + n.method.prefix())
		for _, p := range n.name {
			if p.isVar {
				b.WriteString("${" + p.varName + ":" + p.def + "}")
			} else {
				b.WriteString(p.lit)
			}
		}
		for _, a := range n.params {
			b.WriteString("P" + strconv.Quote(a.name) + a.value.key)
		}
	case nodeVar:
		n.closed = false
		b.WriteString("R" + strconv.Quote(n.varName))
		if n.def != nil {
			b.WriteString(":" + n.def.key)
		}
	case nodeWrap:
		child(n.wrapper)
		child(n.inner)
		b.WriteString("P(" + n.wrapper.key + "$$" + n.inner.key + ")")
	}
	n.key = b.String()
	return n
}

// distinctTexts returns the literal texts of opts, first occurrence kept.
func distinctTexts(opts []option) []string {
	if len(opts) > 16 {
		texts := make([]string, len(opts))
		for i, o := range opts {
			texts[i] = o.n.text
		}
		return distinctStrings(texts)
	}
	out := make([]string, 0, len(opts))
outer:
	for _, o := range opts {
		for _, t := range out {
			if t == o.n.text {
				continue outer
			}
		}
		out = append(out, o.n.text)
	}
	return out
}

// collapse returns the single part of a sequence without assignments, as the
// library does for variant options, and the sequence itself otherwise.
func collapse(n *node) *node {
	if n.kind == nodeSeq && len(n.parts) == 1 && len(n.assigns) == 0 {
		return n.parts[0]
	}
	return n
}

// isWildcardVariant reports whether v is {…$$__name__}: a variant whose only
// option is a wildcard. Its options are then the wildcard's lines.
func (n *node) isWildcardVariant() bool {
	return n.kind == nodeVariant && len(n.opts) == 1 && n.opts[0].n.kind == nodeWildcard
}

// wildcardText is the wildcard as written, such as "__~colors__".
func (n *node) wildcardText() string {
	var b strings.Builder
	b.WriteString("__")
	b.WriteString(n.method.prefix())
	for _, p := range n.name {
		if p.isVar {
			b.WriteString("${" + p.varName)
			if p.def != "" {
				b.WriteString(":" + p.def)
			}
			b.WriteString("}")
		} else {
			b.WriteString(p.lit)
		}
	}
	b.WriteString("__")
	return b.String()
}
