package random

import "fmt"

// bindKind says what an env entry is.
type bindKind uint8

const (
	bindLazy      bindKind = iota // ${v=tpl}: re-expanded at each use
	bindImmediate                 // ${v=!tpl}: a fixed value
	bindGuard                     // v is being expanded: using it again is a loop
	bindWildcard                  // wildcard name being expanded (cycle guard)
)

// env is an immutable chain of variable bindings, newest first.
type env struct {
	name string
	kind bindKind
	node *node
	val  string
	next *env
}

func (e *env) with(name string, kind bindKind, n *node, val string) *env {
	return &env{name: name, kind: kind, node: n, val: val, next: e}
}

// lookup finds the newest binding of a variable.
func (e *env) lookup(name string) (*env, bool) {
	for ; e != nil; e = e.next {
		if e.kind != bindWildcard && e.name == name {
			return e, true
		}
	}
	return nil, false
}

// wildcardDepth returns how many wildcards are being expanded and whether
// name is among them, without allocating.
func (e *env) wildcardDepth(name string) (int, bool) {
	depth, found := 0, false
	for ; e != nil; e = e.next {
		if e.kind == bindWildcard {
			depth++
			found = found || e.name == name
		}
	}
	return depth, found
}

// wildcardChain returns the wildcards being expanded, outermost first, and
// whether name is among them.
func (e *env) wildcardChain(name string) ([]string, bool) {
	var chain []string
	found := false
	for ; e != nil; e = e.next {
		if e.kind == bindWildcard {
			chain = append([]string{e.name}, chain...)
			if e.name == name {
				found = true
			}
		}
	}
	return chain, found
}

func (g *gen) eachVar(n *node, e *env, yield func(string) bool) bool {
	b, ok := e.lookup(n.varName)
	if !ok {
		if n.def != nil {
			return g.each(n.def, e, yield)
		}
		return g.fail(undefinedVar(n.varName))
	}
	switch b.kind {
	case bindImmediate:
		return yield(b.val)
	case bindGuard:
		return g.fail(fmt.Errorf("variable ${%s} refers to itself; give it a value that does not use ${%s}", n.varName, n.varName))
	}
	return g.each(b.node, e.with(n.varName, bindGuard, nil, ""), yield)
}

func undefinedVar(name string) error {
	return fmt.Errorf("variable ${%s} is not set; set it first with ${%s=…} or give a default with ${%s:…}", name, name, name)
}

// bind applies a sequence's assignments in order. Immediate values take the
// first combination (combinatorial mode) or one draw (random modes).
func (g *gen) bind(as []assign, e *env, mode sampler) (*env, bool) {
	for _, a := range as {
		if a.keep {
			if _, set := e.lookup(a.name); set {
				continue
			}
		}
		if !a.immediate {
			e = e.with(a.name, bindLazy, a.value, "")
			continue
		}
		var v string
		var ok bool
		if mode.nonfinite() {
			v, ok = g.sample(a.value, e, mode)
		} else {
			v, ok = g.first(a.value, e)
		}
		if !ok {
			return nil, false
		}
		e = e.with(a.name, bindImmediate, nil, v)
	}
	return e, true
}

// first returns the first combinatorial expansion of n.
func (g *gen) first(n *node, e *env) (string, bool) {
	var out string
	got := false
	g.each(n, e, func(s string) bool {
		out, got = s, true
		return false
	})
	if g.err != nil {
		return "", false
	}
	if !got {
		return "", g.fail(fmt.Errorf("a ${…=!…} value expands to nothing; check its {N$$…} groups"))
	}
	return out, true
}

func errSelfRef(name string) error {
	return fmt.Errorf("variable ${%s} refers to itself; give it a value that does not use ${%s}", name, name)
}
