package random

import "errors"

// Count returns the number of prompts the combinatorial mode makes, without
// materialising them when it can: literals count 1, a sequence multiplies
// its parts, a wildcard adds up its lines, a variable counts its value, a
// random or cyclical part counts 1, and a {…} group whose options are all
// literals counts Σ P(d, k) over its range, where d is the number of
// distinct options.
//
// The library's de-duplication (equal parts of one pick collapse, repeated
// picks are dropped, so {a|a|b} makes 2) has no closed form when options
// are templates themselves, so such a group is expanded on its own and its
// distinct values counted; that is exact and cheap for groups of normal
// size. When a random or cyclical draw feeds such a group, or an immediate
// ${v=!…}, the result depends on the draws: Count then enumerates the whole
// template with the same seed as Template.All, stopping at MaxCount.
//
// Counts saturate: a result of MaxCount means "MaxCount or more" (when an
// enumeration stopped there), and the arithmetic stops at 2^62; below that
// a count above MaxCount is exact, so a refusal can name it (FormatCount).
// opts.Mode and opts.Max are ignored.
func (t *Template) Count(opts ExpandOptions) (int, error) {
	if t.empty {
		return 0, nil
	}
	res := newResolver(opts.Wildcards)
	g := newGen(res, opts.Strict, uint64(opts.Seed))
	n := g.count(t.root, nil)
	if errors.Is(g.err, ErrTooMany) {
		return MaxCount, nil
	}
	if g.err != nil {
		return 0, g.err
	}
	if !g.needEnum {
		return n, nil
	}
	g = newGen(res, opts.Strict, uint64(opts.Seed))
	n = 0
	g.eachSeq(t.root, nil, func(string, []string) bool {
		n++
		return n < MaxCount
	})
	if g.err != nil {
		return 0, g.err
	}
	return n, nil
}

// satMul multiplies counts, saturating at countCap.
func satMul(a, b int) int {
	if a == 0 || b == 0 {
		return 0
	}
	if a >= countCap || b >= countCap || a > countCap/b {
		return countCap
	}
	return a * b
}

// satAdd adds counts (each at most countCap), saturating at countCap.
func satAdd(a, b int) int {
	if b >= countCap-a {
		return countCap
	}
	return a + b
}

// permCount returns P(d, k) = d!/(d-k)!, saturating.
func permCount(d, k int) int {
	if k > d {
		return 0
	}
	p := 1
	for i := 0; i < k; i++ {
		p = satMul(p, d-i)
	}
	return p
}

// count returns the combinatorial count of n, saturating at MaxCount. It
// sets g.needEnum when only an enumeration can be exact.
func (g *gen) count(n *node, e *env) int {
	if g.err != nil {
		return 0
	}
	if n.method.nonfinite() {
		g.check(n, e)
		return 1
	}
	switch n.kind {
	case nodeLiteral:
		return 1
	case nodeSeq:
		before := g.draws
		e, ok := g.bind(n.assigns, e, samplerCombinatorial)
		if !ok {
			return 0
		}
		if g.draws != before {
			g.needEnum = true
		}
		c := 1
		for _, p := range n.parts {
			c = satMul(c, g.count(p, e))
			if g.err != nil {
				return 0
			}
		}
		return c
	case nodeVariant:
		gr, ok := g.variantOptions(n, e)
		if !ok || gr.size() == 0 {
			return 0
		}
		if gr.lits != nil {
			c := 0
			for k := gr.lo; k <= gr.hi; k++ {
				c = satAdd(c, permCount(len(gr.lits), k))
			}
			return c
		}
		before := g.draws
		list, ok := g.materialize(n, e, gr.env, gr.options(), gr.lo, gr.hi)
		if !ok {
			return 0
		}
		if g.draws != before {
			g.needEnum = true
		}
		return len(list)
	case nodeWildcard:
		res, name, ok := g.lookupWildcard(n, e)
		if !ok {
			return 0
		}
		if !res.found {
			return 1
		}
		e, ok = g.enterWildcard(n, name, e)
		if !ok {
			return 0
		}
		c := 0
		for i := range res.size() {
			if t := res.tmpl(i); t != nil {
				c = satAdd(c, g.count(t.root, e))
			} else {
				c = satAdd(c, 1)
			}
		}
		return c
	case nodeVar:
		b, ok := e.lookup(n.varName)
		if !ok {
			if n.def != nil {
				return g.count(n.def, e)
			}
			g.fail(undefinedVar(n.varName))
			return 0
		}
		switch b.kind {
		case bindImmediate:
			return 1
		case bindGuard:
			g.fail(errSelfRef(n.varName))
			return 0
		}
		return g.count(b.node, e.with(n.varName, bindGuard, nil, ""))
	case nodeWrap:
		return satMul(g.count(n.wrapper, e), g.count(n.inner, e))
	}
	return 1
}
