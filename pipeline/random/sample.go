package random

import "fmt"

// maxCycle bounds the pick tuples a cyclical {@…} group may cycle through.
const maxCycle = 1 << 16

// effective returns the method a node is sampled with inside mode: its own
// random or cyclical prefix, else the surrounding nonfinite mode (a finite
// "!" inside a random or cyclical context follows the context, as in the
// library).
func effective(n *node, mode sampler) sampler {
	if n.method.nonfinite() {
		return n.method
	}
	return mode
}

// sample draws one expansion of n. mode is samplerRandom or samplerCyclical.
func (g *gen) sample(n *node, e *env, mode sampler) (string, bool) {
	s, _, ok := g.sampleParts(n, e, mode, false)
	return s, ok
}

// sampleParts draws one expansion of n; for a sequence with wantParts it
// also returns the value of each part.
func (g *gen) sampleParts(n *node, e *env, mode sampler, wantParts bool) (string, []string, bool) {
	mode = effective(n, mode)
	switch n.kind {
	case nodeLiteral:
		return n.text, nil, true
	case nodeSeq:
		e, ok := g.bind(n.assigns, e, mode)
		if !ok {
			return "", nil, false
		}
		if len(n.parts) == 1 && !wantParts {
			return g.sampleParts(n.parts[0], e, mode, false)
		}
		vals := make([]string, len(n.parts))
		for i, p := range n.parts {
			s, ok := g.sample(p, e, mode)
			if !ok {
				return "", nil, false
			}
			vals[i] = s
		}
		s := concat(vals)
		if g.long(s, e) {
			return "", nil, false
		}
		return s, vals, true
	case nodeVariant:
		if mode == samplerCyclical {
			s, ok := g.cycleVariant(n, e)
			return s, nil, ok
		}
		s, ok := g.randomVariant(n, e)
		return s, nil, ok
	case nodeWildcard:
		s, ok := g.sampleWildcard(n, e, mode)
		return s, nil, ok
	case nodeVar:
		b, ok := e.lookup(n.varName)
		if !ok {
			if n.def != nil {
				s, ok := g.sample(n.def, e, mode)
				return s, nil, ok
			}
			return "", nil, g.fail(undefinedVar(n.varName))
		}
		switch b.kind {
		case bindImmediate:
			return b.val, nil, true
		case bindGuard:
			return "", nil, g.fail(fmt.Errorf("variable ${%s} refers to itself; give it a value that does not use ${%s}", n.varName, n.varName))
		}
		s, ok := g.sample(b.node, e.with(n.varName, bindGuard, nil, ""), mode)
		return s, nil, ok
	case nodeWrap:
		w, ok := g.sample(n.wrapper, e, mode)
		if !ok {
			return "", nil, false
		}
		in, ok := g.sample(n.inner, e, mode)
		if !ok {
			return "", nil, false
		}
		pre, suf := splitWrapper(w)
		s := pre + in + suf
		if g.long(s, e) {
			return "", nil, false
		}
		return s, nil, true
	}
	return "", nil, true
}

// randomVariant draws k uniformly from the clamped range, then k distinct
// options without replacement, weighted, and samples each. A group with a
// single option ignores its count.
func (g *gen) randomVariant(n *node, e *env) (string, bool) {
	gr, ok := g.variantOptions(n, e)
	if !ok {
		return "", false
	}
	opts, lo, hi, e := gr.options(), gr.lo, gr.hi, gr.env
	g.draws++
	switch len(opts) {
	case 0:
		return "", true
	case 1:
		return g.sample(opts[0].n, e, samplerRandom)
	}
	k := lo
	if hi > lo {
		k = lo + g.rng.intN(hi-lo+1)
	}
	if k == 0 {
		return "", true
	}
	chosen := g.chooseWeighted(opts, k)
	parts := make([]string, len(chosen))
	for i, c := range chosen {
		s, ok := g.sample(opts[c].n, e, samplerRandom)
		if !ok {
			return "", false
		}
		parts[i] = s
	}
	s := joinParts(parts, n.sep)
	if g.long(s, e) {
		return "", false
	}
	return s, true
}

// chooseWeighted picks k distinct option indices, each draw weighted by the
// remaining options' weights (uniform when they are all zero).
func (g *gen) chooseWeighted(opts []option, k int) []int {
	left := make([]int, len(opts))
	for i := range left {
		left[i] = i
	}
	out := make([]int, 0, k)
	for len(out) < k && len(left) > 0 {
		total := 0.0
		for _, i := range left {
			total += opts[i].weight
		}
		j := len(left) - 1
		if total <= 0 {
			j = g.rng.intN(len(left))
		} else {
			r := g.rng.float64() * total
			for x, i := range left {
				r -= opts[i].weight
				if r < 0 {
					j = x
					break
				}
			}
		}
		out = append(out, left[j])
		left = append(left[:j], left[j+1:]...)
	}
	return out
}

// cycleVariant returns the next pick of a cyclical group: its picks in
// combinatorial order (k = lo..hi), one per use, wrapping around.
func (g *gen) cycleVariant(n *node, e *env) (string, bool) {
	key := cacheKey{n: n, e: e}
	if !n.isWildcardVariant() {
		key.e = nil
	}
	gr, ok := g.variantOptions(n, e)
	if !ok {
		return "", false
	}
	opts, lo, hi, e := gr.options(), gr.lo, gr.hi, gr.env
	g.draws++
	combos, have := g.combos[key]
	if !have {
		class := optionClasses(opts)
		for k := lo; k <= hi; k++ {
			eachPerm(class, k, func(p []int) bool {
				combos = append(combos, append([]int(nil), p...))
				return len(combos) <= maxCycle
			})
		}
		if len(combos) > maxCycle {
			return "", g.fail(fmt.Errorf("the cyclical group %s has more than %d picks; use fewer options: %w", g.where(n), maxCycle, ErrTooMany))
		}
		if g.combos == nil {
			g.combos = map[cacheKey][][]int{}
		}
		g.combos[key] = combos
	}
	if len(combos) == 0 {
		return "", true
	}
	c := combos[g.nextCycle(n, len(combos))]
	parts := make([]string, len(c))
	for i, o := range c {
		s, ok := g.sample(opts[o].n, e, samplerCyclical)
		if !ok {
			return "", false
		}
		parts[i] = s
	}
	s := joinParts(parts, n.sep)
	if g.long(s, e) {
		return "", false
	}
	return s, true
}

// sampleWildcard draws one line (uniformly, or the next one for a cyclical
// wildcard) and samples it as a template.
func (g *gen) sampleWildcard(n *node, e *env, mode sampler) (string, bool) {
	res, name, ok := g.lookupWildcard(n, e)
	if !ok {
		return "", false
	}
	if !res.found {
		return "__" + name + "__", true
	}
	if res.size() == 0 {
		return "", true
	}
	g.draws++
	var i int
	if mode == samplerCyclical {
		i = g.nextCycle(n, res.size())
	} else {
		i = g.rng.intN(res.size())
	}
	e, ok = g.enterWildcard(n, name, e)
	if !ok {
		return "", false
	}
	if t := res.tmpl(i); t != nil {
		return g.sample(t.root, e, mode)
	}
	return res.texts[i], true
}

// check resolves, in strict mode, every wildcard that a nonfinite subtree
// could draw, so that Count reports a missing wildcard up front.
func (g *gen) check(n *node, e *env) bool {
	switch n.kind {
	case nodeSeq:
		for _, a := range n.assigns {
			if !g.check(a.value, e) {
				return false
			}
		}
		for _, p := range n.parts {
			if !g.check(p, e) {
				return false
			}
		}
	case nodeVariant:
		if n.isWildcardVariant() {
			return g.check(n.opts[0].n, e)
		}
		for _, o := range n.opts {
			if !g.check(o.n, e) {
				return false
			}
		}
	case nodeWildcard:
		if n.plainName == "" {
			return true // depends on variables: checked when drawn
		}
		res, name, ok := g.lookupWildcard(n, e)
		if !ok || !res.found || g.checked[name] {
			return ok
		}
		if _, loop := e.wildcardDepth(name); loop {
			return true // the generator reports loops with the full chain
		}
		if !g.visit() {
			return false
		}
		e2 := e.with(name, bindWildcard, nil, "")
		for _, t := range res.tmpls {
			if t != nil && !g.check(t.root, e2) {
				return false
			}
		}
		// What a plain name draws does not depend on where it is used.
		if g.checked == nil {
			g.checked = map[string]bool{}
		}
		g.checked[name] = true
	case nodeVar:
		if n.def != nil {
			return g.check(n.def, e)
		}
	case nodeWrap:
		return g.check(n.wrapper, e) && g.check(n.inner, e)
	}
	return true
}

// nextCycle returns the next position of a cyclical node among n values:
// the node's uses so far plus the cycle base, wrapping around.
func (g *gen) nextCycle(nd *node, n int) int {
	if g.cycles == nil {
		g.cycles = map[*node]int{}
	}
	i := (g.cycleBase + g.cycles[nd]) % n
	g.cycles[nd]++
	return i
}
