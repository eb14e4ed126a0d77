package random

import (
	"fmt"
	"strings"

	"stablenew/pipeline"
)

// choose returns the value index of a non-exhaustive dimension for variant i.
func (p *RowPlan) choose(d *dim, i int) int {
	switch d.mode {
	case pickRow:
		return d.fixed
	case pickRotate:
		return (d.base + i) % d.size
	}
	return pick(derive3(p.rowKey, uint64(i), d.hash), d.size)
}

// Variant builds variant i (0 ≤ i < Count()). The result depends only on
// the plan and i, never on which variants were built before.
func (p *RowPlan) Variant(i int) (Variant, error) {
	if i < 0 || i >= p.count {
		return Variant{}, fmt.Errorf("row %d: variant %d is out of range 0..%d", p.Row+1, i, p.count-1)
	}
	var v Variant
	var idxBuf [16]int
	idx := idxBuf[:0]
	if len(p.dims) > len(idxBuf) {
		idx = make([]int, 0, len(p.dims))
	}
	idx = idx[:len(p.dims)]
	rem := i
	for k := len(p.dims) - 1; k >= 0; k-- {
		if d := p.dims[k]; d.mode == pickExhaustive {
			idx[k] = rem % d.size
			rem /= d.size
		}
	}
	var markerBuf [16]string
	marks := markerBuf[:0]
	if p.markers > len(markerBuf) {
		marks = make([]string, 0, p.markers)
	}
	marks = marks[:p.markers]
	if p.picks > 0 {
		v.Picks = make([]pipeline.DimensionValue, 0, p.picks)
	}
	for k, d := range p.dims {
		j := idx[k]
		if d.mode != pickExhaustive && d.kind != dimInline && !(d.kind == dimToken && d.mode == pickRandom) {
			j = p.choose(d, i)
		}
		switch d.kind {
		case dimSR:
			val := d.values[j]
			marks[d.marker] = val
			v.Picks = append(v.Picks, pipeline.DimensionValue{Dimension: d.label, Value: val})
		case dimToken:
			var val string
			if d.mode == pickRandom {
				s, err := p.sampleToken(d, i)
				if err != nil {
					return Variant{}, err
				}
				val = s
			} else {
				items, err := d.tokenList.get()
				if err != nil {
					return Variant{}, fmt.Errorf("row %d: %w", p.Row+1, err)
				}
				val = items[j]
			}
			marks[d.marker] = val
			v.Picks = append(v.Picks, pipeline.DimensionValue{Dimension: d.label, Value: val})
		case dimMatrix:
			// Decode the combination, last slot fastest.
			for s := len(d.slots) - 1; s >= 0; s-- {
				sl := d.slots[s]
				n := len(sl.values)
				marks[sl.marker] = sl.values[j%n]
				j /= n
			}
			for _, sl := range d.slots {
				v.Picks = append(v.Picks, pipeline.DimensionValue{Dimension: sl.label, Value: marks[sl.marker]})
			}
		case dimInline:
			item, err := p.inlineItem(d, j, i)
			if err != nil {
				return Variant{}, err
			}
			text := substitute(item.text, marks)
			if d.inline.prefix == "{…}#" {
				v.Positive = text
			} else {
				v.Negative = text
			}
			for g, gv := range item.groups {
				v.Picks = append(v.Picks, pipeline.DimensionValue{Dimension: d.inline.labels[g], Value: substitute(gv, marks)})
			}
		case dimSweep:
			d.sweep.set(&v.Sweep, j)
			v.Picks = append(v.Picks, pipeline.DimensionValue{Dimension: d.label, Value: d.sweep.labels[j]})
		}
	}
	if p.pos.inline == nil {
		v.Positive = p.pos.build(marks)
	}
	if p.neg.inline == nil {
		v.Negative = p.neg.build(marks)
	}
	for k, s := range []string{v.Positive, v.Negative} {
		if len(s) > pipeline.MaxPromptBytes {
			return Variant{}, limitf(ErrTooLong, "row %d, variant %d: the %s prompt grows to %d bytes; a prompt may be at most %d, so shorten the values it is built from",
				p.Row+1, i+1, []string{"positive", "negative"}[k], len(s), pipeline.MaxPromptBytes)
		}
	}
	if p.check {
		for _, s := range []string{v.Positive, v.Negative} {
			if bad := leftover(s); bad != "" {
				return Variant{}, fmt.Errorf("row %d, variant %d: %q is left in the prompt after expansion; check the wildcard values and the prompt", p.Row+1, i+1, substituteLabels(bad))
			}
		}
	}
	return v, nil
}

// build concatenates a static text plan with the marker values.
func (tp *textPlan) build(marks []string) string {
	switch len(tp.segs) {
	case 0:
		return ""
	case 1:
		if tp.segs[0].marker < 0 {
			return tp.segs[0].text
		}
		return marks[tp.segs[0].marker]
	}
	n := tp.size
	for _, s := range tp.segs {
		if s.marker >= 0 {
			n += len(marks[s.marker])
		}
	}
	var b strings.Builder
	b.Grow(n)
	for _, s := range tp.segs {
		if s.marker >= 0 {
			b.WriteString(marks[s.marker])
		} else {
			b.WriteString(s.text)
		}
	}
	return b.String()
}

// sampleToken draws a random token value for variant i: one line, sampled
// as a template.
func (p *RowPlan) sampleToken(d *dim, i int) (string, error) {
	h := derive3(p.rowKey, uint64(i), d.hash)
	res, err := d.res.resolve(d.token)
	if err != nil {
		return "", err
	}
	if res.size() == 0 {
		return "", nil
	}
	line := pick(h, res.size())
	t := res.tmpl(line)
	if t == nil {
		return res.texts[line], nil
	}
	g := newGen(d.res, true, mix64(h))
	g.cycleBase = i
	s, ok := g.sample(t.root, tokenEnv(d.token), samplerRandom)
	if !ok {
		return "", fmt.Errorf("row %d: __%s__: %w", p.Row+1, d.token, g.err)
	}
	return s, nil
}

// inlineItem returns the {…} expansion for variant i: item j of the
// combinatorial list, or a seeded random draw.
func (p *RowPlan) inlineItem(d *dim, j, i int) (inlineItem, error) {
	in := d.inline
	if in.random {
		g := newGen(in.res, true, derive3(p.rowKey, uint64(i), d.hash))
		g.cycleBase = i
		text, parts, ok := g.sampleParts(in.tmpl.root, nil, samplerRandom, true)
		if !ok {
			return inlineItem{}, fmt.Errorf("row %d: %w", p.Row+1, g.err)
		}
		return inlineItem{text: text, groups: pickGroups(parts, in.groups)}, nil
	}
	in.once.Do(func() {
		g := newGen(in.res, true, in.seed)
		in.items = make([]inlineItem, 0, in.count)
		g.eachSeq(in.tmpl.root, nil, func(s string, vals []string) bool {
			in.items = append(in.items, inlineItem{text: s, groups: pickGroups(vals, in.groups)})
			g.visits = 0
			return len(in.items) < in.count
		})
		if g.err != nil {
			in.err = fmt.Errorf("row %d: %w", p.Row+1, g.err)
		} else if len(in.items) != in.count {
			in.err = fmt.Errorf("row %d: expected %d expansions, made %d (this is a bug)", p.Row+1, in.count, len(in.items))
		}
	})
	if in.err != nil {
		return inlineItem{}, in.err
	}
	return in.items[j], nil
}

// pickGroups copies the values of the top-level {…} groups.
func pickGroups(vals []string, groups []int) []string {
	if len(groups) == 0 || len(vals) == 0 {
		return nil
	}
	out := make([]string, len(groups))
	for k, g := range groups {
		out[k] = vals[g]
	}
	return out
}
