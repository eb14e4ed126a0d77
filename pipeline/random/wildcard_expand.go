package random

import (
	"fmt"
	"strings"

	"stablenew/pipeline"
)

// lookupWildcard resolves the wildcard of node w in env e. It returns the
// resolved values and the name used; a missing wildcard is an error only in
// strict mode.
func (g *gen) lookupWildcard(w *node, e *env) (*resolved, string, bool) {
	name := w.plainName
	if name == "" {
		var b strings.Builder
		for _, p := range w.name {
			if !p.isVar {
				b.WriteString(p.lit)
				continue
			}
			v, ok := g.nameVar(p, e)
			if !ok {
				return nil, "", false
			}
			b.WriteString(v)
		}
		clean, err := cleanWildcardName(b.String())
		if err != nil {
			return nil, "", g.fail(fmt.Errorf("%s: %w", w.wildcardText(), err))
		}
		name = clean
	}
	res, err := g.res.resolve(name)
	if err != nil {
		return nil, "", g.fail(err)
	}
	if !res.found && g.strict {
		return nil, "", g.fail(&WildcardNotFoundError{Name: name, LookedIn: describeSource(g.res.src)})
	}
	return res, name, true
}

// nameVar gives the text of ${v} inside a wildcard name: a fixed value as
// it is, a ${v=tpl} template by its first expansion, else the default, else
// the variable's name (as the library does).
func (g *gen) nameVar(p namePart, e *env) (string, bool) {
	b, ok := e.lookup(p.varName)
	if !ok || b.kind == bindGuard {
		if p.def != "" {
			return p.def, true
		}
		return p.varName, true
	}
	if b.kind == bindImmediate {
		return b.val, true
	}
	return g.first(b.node, e)
}

// enterWildcard pushes the wildcard guard and the parameters.
func (g *gen) enterWildcard(w *node, name string, e *env) (*env, bool) {
	depth, loop := e.wildcardDepth(name)
	if loop {
		chain, _ := e.wildcardChain(name)
		for i := range chain {
			chain[i] = "__" + chain[i] + "__"
		}
		return nil, g.fail(fmt.Errorf("wildcard __%s__ refers to itself (%s → __%s__); remove the loop",
			name, strings.Join(chain, " → "), name))
	}
	if depth >= pipeline.MaxNesting {
		return nil, g.fail(fmt.Errorf("wildcards nested more than %d deep at __%s__; use fewer wildcards inside wildcards", pipeline.MaxNesting, name))
	}
	if !g.visit() {
		return nil, false
	}
	e = e.with(name, bindWildcard, nil, "")
	for _, a := range w.params {
		e = e.with(a.name, bindLazy, a.value, "")
	}
	return e, true
}

func (g *gen) eachWildcard(n *node, e *env, yield func(string) bool) bool {
	res, name, ok := g.lookupWildcard(n, e)
	if !ok {
		return false
	}
	if !res.found {
		return yield("__" + name + "__")
	}
	e, ok = g.enterWildcard(n, name, e)
	if !ok {
		return false
	}
	for i := range res.size() {
		if !g.eachLine(res, i, e, yield) {
			return false
		}
	}
	return true
}

// eachLine yields every expansion of line i of a wildcard, in env e.
func (g *gen) eachLine(res *resolved, i int, e *env, yield func(string) bool) bool {
	if t := res.tmpl(i); t != nil {
		return g.eachSeq(t.root, e, func(s string, _ []string) bool { return yield(s) })
	}
	return yield(res.texts[i])
}
