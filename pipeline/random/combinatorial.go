package random

import (
	"fmt"
	"strconv"
	"strings"
)

// cacheKey identifies the expansion of a node in an environment.
type cacheKey struct {
	n *node
	e *env
}

// maxWork bounds the pick tuples the groups of one expansion may try. It
// is a variable so that tests can lower it.
var maxWork = 2 * MaxCount

// gen expands templates. A gen is used by one goroutine at a time.
type gen struct {
	res       *resolver
	strict    bool
	rng       rng
	cycles    map[*node]int
	cycleBase int
	draws     int // nonfinite draws so far: tells whether a result was pure
	cache     map[cacheKey][]string
	combos    map[cacheKey][][]int
	needEnum  bool // count: the arithmetic is not exact, enumerate instead
	work      int
	kept      int // bytes of materialised values (see keep)
	visits    int // wildcards entered (see visit)
	checked   map[string]bool
	err       error
}

func newGen(res *resolver, strict bool, seed uint64) *gen {
	return &gen{res: res, strict: strict, rng: newRNG(seed)}
}

// fail records the first error and returns false so callers stop.
func (g *gen) fail(err error) bool {
	if g.err == nil {
		g.err = err
	}
	return false
}

// each yields every combinatorial expansion of n, in order. It returns
// false when the caller stopped or an error occurred (see g.err).
func (g *gen) each(n *node, e *env, yield func(string) bool) bool {
	if n.method.nonfinite() {
		s, ok := g.sample(n, e, n.method)
		if !ok {
			return false
		}
		return yield(s)
	}
	switch n.kind {
	case nodeLiteral:
		return yield(n.text)
	case nodeSeq:
		return g.eachSeq(n, e, func(s string, _ []string) bool { return yield(s) })
	case nodeVariant:
		return g.eachVariant(n, e, yield)
	case nodeWildcard:
		return g.eachWildcard(n, e, yield)
	case nodeVar:
		return g.eachVar(n, e, yield)
	case nodeWrap:
		return g.each(n.wrapper, e, func(w string) bool {
			pre, suf := splitWrapper(w)
			return g.each(n.inner, e, func(s string) bool {
				s = pre + s + suf
				return !g.long(s, e) && yield(s)
			})
		})
	}
	return true
}

// eachSeq yields each expansion of a sequence with the value of each part.
func (g *gen) eachSeq(n *node, e *env, yield func(string, []string) bool) bool {
	e, ok := g.bind(n.assigns, e, samplerCombinatorial)
	if !ok {
		return false
	}
	if len(n.parts) == 1 && n.parts[0].kind == nodeLiteral {
		vals := []string{n.parts[0].text}
		return yield(vals[0], vals)
	}
	return g.product(n.parts, e, func(vals []string) bool {
		s := concat(vals)
		return !g.long(s, e) && yield(s, vals)
	})
}

// product walks the cartesian product of parts, leftmost slowest. Literal
// parts are fixed; nonfinite parts are drawn afresh for each combination.
func (g *gen) product(parts []*node, e *env, leaf func(vals []string) bool) bool {
	vals := make([]string, len(parts))
	var rec func(i int) bool
	rec = func(i int) bool {
		for i < len(parts) && (parts[i].kind == nodeLiteral || parts[i].method.nonfinite()) {
			if parts[i].kind == nodeLiteral {
				vals[i] = parts[i].text
			}
			i++
		}
		if i == len(parts) {
			for j, p := range parts {
				if p.method.nonfinite() {
					s, ok := g.sample(p, e, p.method)
					if !ok {
						return false
					}
					vals[j] = s
				}
			}
			return leaf(vals)
		}
		return g.each(parts[i], e, func(s string) bool {
			vals[i] = s
			return rec(i + 1)
		})
	}
	return rec(0)
}

func concat(vals []string) string {
	switch len(vals) {
	case 0:
		return ""
	case 1:
		return vals[0]
	case 2:
		return vals[0] + vals[1]
	}
	return strings.Join(vals, "")
}

// joinParts joins the parts of one pick the library's way: with a single
// part nothing is added or removed; otherwise one leading and one trailing
// separator are removed after joining.
func joinParts(parts []string, sep string) string {
	if len(parts) == 1 {
		return parts[0]
	}
	s := strings.Join(parts, sep)
	if sep != "" {
		s = strings.TrimPrefix(s, sep)
		s = strings.TrimSuffix(s, sep)
	}
	return s
}

// clampBounds applies the library's range rules for n options.
func clampBounds(lo, hi, n int) (int, int) {
	if lo > hi {
		lo, hi = hi, lo
	}
	if lo < 0 {
		lo = 0
	}
	if hi > n {
		hi = n
	}
	if lo > hi {
		lo = hi
	}
	return lo, hi
}

// group is a variant's options as the generator sees them.
type group struct {
	opts   []option  // the written options (nil for {N$$__name__})
	res    *resolved // the wildcard of {N$$__name__}: its lines are the options
	lits   []string  // the distinct literal texts when every option is a literal, else nil
	lo, hi int       // the clamped bounds
	env    *env      // where the options expand (inside the wildcard for {N$$__name__})
}

// size is the number of options.
func (gr *group) size() int {
	if gr.res != nil {
		return gr.res.size()
	}
	return len(gr.opts)
}

// options returns the options as nodes (a wildcard's lines are made nodes
// on first use, so a huge plain wildcard costs nodes only when drawn from
// with weights or cycled through).
func (gr *group) options() []option {
	if gr.res != nil {
		return gr.res.options()
	}
	return gr.opts
}

// variantOptions returns the options of a variant (a wildcard's lines for
// {N$$__name__}) with the clamped bounds and the environment to expand the
// options in (inside the wildcard, with its parameters, for {N$$__name__}).
func (g *gen) variantOptions(n *node, e *env) (group, bool) {
	gr := group{opts: n.opts, lits: n.lits, env: e}
	if n.isWildcardVariant() {
		w := n.opts[0].n
		res, name, ok := g.lookupWildcard(w, e)
		if !ok {
			return group{}, false
		}
		if !res.found {
			lit := []string{"__" + name + "__"}
			gr.opts = []option{{weight: 1, n: (&node{kind: nodeLiteral, text: lit[0]}).finish()}}
			gr.lits = lit
		} else {
			if gr.env, ok = g.enterWildcard(w, name, e); !ok {
				return group{}, false
			}
			gr.opts, gr.res, gr.lits = nil, res, res.lits
		}
	}
	gr.lo, gr.hi = clampBounds(n.lo, n.hi, gr.size())
	return gr, true
}

func (g *gen) eachVariant(n *node, e *env, yield func(string) bool) bool {
	gr, ok := g.variantOptions(n, e)
	if !ok {
		return false
	}
	if gr.size() == 0 {
		return true
	}
	if gr.lits != nil {
		return eachLiteralPick(gr.lits, gr.lo, gr.hi, n.sep, func(s string) bool { return !g.long(s, gr.env) && yield(s) })
	}
	list, ok := g.materialize(n, e, gr.env, gr.options(), gr.lo, gr.hi)
	if !ok {
		return false
	}
	for _, s := range list {
		if !yield(s) {
			return false
		}
	}
	return true
}

// eachLiteralPick yields the picks of a group whose options are the
// distinct literal texts lits: for k = lo..hi, the k-permutations in
// lexicographic order of option index, joined with sep. With literal
// options no pick collapses and no tuple repeats, so nothing is dropped.
func eachLiteralPick(lits []string, lo, hi int, sep string, yield func(string) bool) bool {
	d := len(lits)
	for k := lo; k <= hi; k++ {
		switch {
		case k == 0:
			if !yield("") {
				return false
			}
		case k > d:
		case k == 1:
			for _, s := range lits {
				if !yield(s) {
					return false
				}
			}
		default:
			idx := make([]int, k)
			used := make([]bool, d)
			parts := make([]string, k)
			var rec func(depth int) bool
			rec = func(depth int) bool {
				if depth == k {
					for i, j := range idx {
						parts[i] = lits[j]
					}
					return yield(joinParts(parts, sep))
				}
				for j := 0; j < d; j++ {
					if used[j] {
						continue
					}
					used[j] = true
					idx[depth] = j
					if !rec(depth + 1) {
						return false
					}
					used[j] = false
				}
				return true
			}
			if !rec(0) {
				return false
			}
		}
	}
	return true
}

// eachPerm walks the library's ordered k-picks of option indices: at each
// step every option is tried in written order, and the options equal to it
// (as parsed templates) are left out for the rest of the pick. Equal
// options therefore produce repeated tuples, which the caller drops. class
// gives each option the index of its equality class.
func eachPerm(class []int, k int, fn func([]int) bool) bool {
	used := make([]bool, len(class))
	cur := make([]int, 0, k)
	var rec func() bool
	rec = func() bool {
		if len(cur) == k {
			return fn(cur)
		}
		for v, c := range class {
			if used[c] {
				continue
			}
			used[c] = true
			cur = append(cur, v)
			ok := rec()
			cur = cur[:len(cur)-1]
			used[c] = false
			if !ok {
				return false
			}
		}
		return true
	}
	return rec()
}

// optionClasses numbers the equality classes of options (equal keys).
func optionClasses(opts []option) []int {
	class := make([]int, len(opts))
	for i := range opts {
		class[i] = i
		for j := 0; j < i; j++ {
			if opts[j].n.key == opts[i].n.key {
				class[i] = class[j]
				break
			}
		}
	}
	return class
}

// materialize expands a group whose options are not all literals, with the
// library's de-duplication: parts of one pick with equal text collapse, a
// pick left with fewer than k parts is dropped, and a pick tuple already
// produced is dropped. The list is cached when it drew nothing at random.
//
// e is the environment of the group (the cache key); oe the one its options
// expand in.
func (g *gen) materialize(n *node, e, oe *env, opts []option, lo, hi int) ([]string, bool) {
	key := cacheKey{n: n, e: e}
	if n.closed {
		key.e = nil
	}
	if list, ok := g.cache[key]; ok {
		return list, true
	}
	before := g.draws
	var list []string
	seen := map[string]struct{}{}
	class := optionClasses(opts)
	var tk strings.Builder
	nodes := make([]*node, 0, hi)
	parts := make([]string, 0, hi)
	for k := lo; k <= hi; k++ {
		ok := eachPerm(class, k, func(perm []int) bool {
			nodes = nodes[:0]
			for _, i := range perm {
				nodes = append(nodes, opts[i].n)
			}
			return g.product(nodes, oe, func(vals []string) bool {
				g.work++
				if g.work > maxWork {
					return g.fail(fmt.Errorf("the group %s is too large to expand; split it or use fewer options: %w", g.where(n), ErrTooMany))
				}
				parts = dedupeTexts(parts[:0], vals)
				if len(parts) != k {
					return true
				}
				tk.Reset()
				for _, p := range parts {
					tk.WriteString(strconv.Itoa(len(p)))
					tk.WriteByte(':')
					tk.WriteString(p)
				}
				if _, dup := seen[tk.String()]; dup {
					return true
				}
				seen[tk.String()] = struct{}{}
				s := joinParts(parts, n.sep)
				if g.long(s, oe) || !g.keep(s) {
					return false
				}
				list = append(list, s)
				if len(list) > MaxCount {
					return g.fail(fmt.Errorf("the group %s makes more than %d values: %w", g.where(n), MaxCount, ErrTooMany))
				}
				return true
			})
		})
		if !ok {
			return nil, false
		}
	}
	if g.draws == before {
		if g.cache == nil {
			g.cache = map[cacheKey][]string{}
		}
		g.cache[key] = list
	}
	return list, true
}

// where shows the start of a group for messages.
func (g *gen) where(n *node) string { return fmt.Sprintf("%q", n.text) }

// dedupeTexts appends vals to out, keeping the first of equal strings.
func dedupeTexts(out, vals []string) []string {
outer:
	for _, v := range vals {
		for _, o := range out {
			if o == v {
				continue outer
			}
		}
		out = append(out, v)
	}
	return out
}
