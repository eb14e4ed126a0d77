package random

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// applyPromptMode joins the matrix base prompt with the row's prompt.
func (x *Expander) applyPromptMode(pos string) string {
	base := strings.TrimSpace(x.cfg.Matrix.BasePrompt)
	if !x.cfg.Matrix.Enabled || base == "" {
		return pos
	}
	join := func(a, b string) string {
		a, b = strings.TrimSpace(a), strings.TrimSpace(b)
		switch {
		case a == "":
			return b
		case b == "":
			return a
		}
		return a + ", " + b
	}
	switch x.promptMode {
	case "append":
		return join(pos, base)
	case "prepend":
		return join(base, pos)
	}
	return base
}

// disabledSyntax returns randomizer syntax in s, for a disabled randomizer.
func disabledSyntax(s string) string {
	if bad := leftover(s); bad != "" {
		return bad
	}
	return findGroup(s)
}

// rowBuilder assembles one RowPlan.
type rowBuilder struct {
	x           *Expander
	p           *RowPlan
	srDims      []*dim
	tokenDims   []*dim
	tokenMarker map[string]int
	slotMarker  map[int]int // configured slot index -> marker
	markers     int
	wildcardErr error
}

func (b *rowBuilder) newMarker() int {
	m := b.markers
	b.markers++
	return m
}

func (b *rowBuilder) build(pos, neg string) error {
	x, p, row := b.x, b.p, b.p.Row
	texts := [2]string{pos, neg}
	what := [2]string{"positive prompt", "negative prompt"}
	for i, t := range texts {
		if r, bad := hasPrivateUse(t); bad {
			return rowError(row, "the %s holds the private-use character U+%04X, which StableNew reserves; remove it", what[i], r)
		}
		if x.cfg.Variants.Enabled && mayHaveSyntax(t) {
			if _, err := parseRoot(t, nil); err != nil {
				return rowError(row, "%s: %w", what[i], err)
			}
		}
	}
	// Matrix slots.
	b.slotMarker = map[int]int{}
	for i := range texts {
		refs, unclosed := findSlots(texts[i])
		if unclosed != "" {
			return rowError(row, "%q in the %s is not closed; write [[slot]]", unclosed, what[i])
		}
		var out strings.Builder
		last := 0
		for _, r := range refs {
			tok := texts[i][r.start:r.end]
			if !x.cfg.Matrix.Enabled {
				return rowError(row, "%q needs the matrix; turn on randomizer.matrix or remove %q", tok, tok)
			}
			si, ok := x.slotIndex[r.name]
			if !ok {
				return rowError(row, "%q has no matrix slot named %q; add the slot to randomizer.matrix.slots or fix the name", tok, r.name)
			}
			m, ok := b.slotMarker[si]
			if !ok {
				m = b.newMarker()
				b.slotMarker[si] = m
			}
			out.WriteString(texts[i][last:r.start])
			out.WriteString(markerRune(m))
			last = r.end
		}
		if len(refs) > 0 {
			out.WriteString(texts[i][last:])
			texts[i] = out.String()
		}
	}
	// Search/replace: a rule is a dimension when its text occurs in the row
	// outside __tokens__.
	if x.cfg.SearchReplace.Enabled {
		for ri, rule := range x.cfg.SearchReplace.Rules {
			if len(rule.Replacements) == 0 {
				continue
			}
			var replaced [2]string
			hits := 0
			m := b.markers
			for i := range texts {
				var n int
				replaced[i], n = replaceOutsideTokens(texts[i], rule.Search, markerRune(m))
				hits += n
			}
			if hits == 0 {
				continue
			}
			b.newMarker()
			texts = replaced
			d := &dim{kind: dimSR, label: "sr:" + rule.Search, hash: hashString("sr\x00" + rule.Search), marker: m,
				values: rule.Replacements, size: len(rule.Replacements), rule: ri}
			switch x.srMode {
			case modeFanout:
				d.mode = pickExhaustive
			case modeRoundRobin:
				d.mode, d.fixed = pickRow, x.srSeq[ri]%d.size
			default:
				d.mode = pickRandom
			}
			b.srDims = append(b.srDims, d)
		}
	}
	// Wildcards and inline variants.
	var plans [2]textPlan
	for i := range texts {
		tp, err := b.textPlan(texts[i], i == 1)
		if err != nil {
			return rowError(row, "%s: %w", what[i], err)
		}
		plans[i] = tp
	}
	p.pos, p.neg = plans[0], plans[1]
	if b.markers > maxMarkers {
		return rowError(row, "uses more than %d placeholders; split the row", maxMarkers)
	}
	return b.finish()
}

// replaceOutsideTokens replaces each occurrence of search in s that does
// not overlap a __token__ by repl.
func replaceOutsideTokens(s, search, repl string) (string, int) {
	if !strings.Contains(s, search) {
		return s, 0
	}
	spans, _ := findTokens(s)
	var out strings.Builder
	n, last := 0, 0
	for i := 0; i <= len(s)-len(search); {
		j := strings.Index(s[i:], search)
		if j < 0 {
			break
		}
		start, end := i+j, i+j+len(search)
		inside := false
		for _, sp := range spans {
			if start < sp.end && end > sp.start {
				inside = true
				break
			}
		}
		if inside {
			i = start + 1
			continue
		}
		out.WriteString(s[last:start])
		out.WriteString(repl)
		last, i = end, end
		n++
	}
	if n == 0 {
		return s, 0
	}
	out.WriteString(s[last:])
	return out.String(), n
}

// tokenHook turns a top-level __token__ into its marker, creating the
// token's dimension on first sight.
func (b *rowBuilder) tokenHook(name string) (string, bool) {
	if !b.x.cfg.Wildcards.Enabled {
		if b.wildcardErr == nil {
			b.wildcardErr = fmt.Errorf("%q needs wildcards; turn on randomizer.wildcards or remove it", "__"+name+"__")
		}
		return "", true
	}
	if m, ok := b.tokenMarker[name]; ok {
		return markerRune(m), true
	}
	m := b.newMarker()
	b.tokenMarker[name] = m
	d := &dim{kind: dimToken, label: "__" + name + "__", hash: hashString("tok\x00" + name), marker: m, token: name, res: b.x.res}
	x := b.x
	switch x.tokenMode {
	case modeRandom:
		d.mode = pickRandom
		if err := x.checkToken(name); err != nil && b.wildcardErr == nil {
			b.wildcardErr = err
		}
	default:
		l, err := x.tokenValues(name)
		if err != nil {
			if b.wildcardErr == nil {
				b.wildcardErr = err
			}
			break
		}
		d.tokenList, d.size = l, l.count
		if x.tokenMode == modeFanout {
			d.mode = pickExhaustive
		} else {
			d.mode = pickRow
			if d.size > 0 {
				d.fixed = x.tokenSeq[name] % d.size
			}
		}
	}
	b.tokenDims = append(b.tokenDims, d)
	return markerRune(m), true
}

// textPlan builds the plan of one prompt (already holding slot and S/R
// markers).
func (b *rowBuilder) textPlan(s string, negative bool) (textPlan, error) {
	x := b.x
	if !x.cfg.Variants.Enabled {
		if g := findGroup(s); g != "" {
			return textPlan{}, fmt.Errorf("%q needs inline variants; turn on randomizer.variants or remove the braces", substituteLabels(g))
		}
		spans, names := findTokens(s)
		var out strings.Builder
		last := 0
		for i, sp := range spans {
			repl, _ := b.tokenHook(names[i])
			out.WriteString(s[last:sp.start])
			out.WriteString(repl)
			last = sp.end
		}
		if b.wildcardErr != nil {
			return textPlan{}, b.wildcardErr
		}
		if len(spans) > 0 {
			out.WriteString(s[last:])
			s = out.String()
		}
		return staticPlan(s), nil
	}
	if !mayHaveSyntax(s) && !strings.ContainsAny(s, "#\t") {
		return staticPlan(s), nil
	}
	root, err := parseRoot(s, b.tokenHook)
	if err != nil {
		return textPlan{}, err
	}
	if b.wildcardErr != nil {
		return textPlan{}, b.wildcardErr
	}
	if !x.cfg.Wildcards.Enabled {
		if w := firstWildcard(root); w != nil {
			return textPlan{}, fmt.Errorf("%q needs wildcards; turn on randomizer.wildcards or remove it", w.wildcardText())
		}
	}
	if len(root.assigns) == 0 && len(root.parts) <= 1 && (len(root.parts) == 0 || root.parts[0].kind == nodeLiteral) {
		text := ""
		if len(root.parts) == 1 {
			text = root.parts[0].text
		}
		return staticPlan(text), nil
	}
	in := &inlineDim{tmpl: &Template{src: s, root: root}, random: x.inlineRandom, prefix: "{…}#", res: x.res}
	if negative {
		in.prefix = "neg:{…}#"
	}
	in.seed = derive2(b.p.rowKey, hashString(in.prefix))
	for i, part := range root.parts {
		if part.kind == nodeVariant {
			in.groups = append(in.groups, i)
			in.labels = append(in.labels, in.prefix+strconv.Itoa(len(in.groups)))
		}
	}
	g := newGen(x.res, true, in.seed)
	if in.random {
		if !g.check(root, nil) {
			return textPlan{}, g.err
		}
	} else {
		in.count = g.count(root, nil)
		if g.err == nil && g.needEnum {
			g = newGen(x.res, true, in.seed)
			in.count = 0
			g.eachSeq(root, nil, func(string, []string) bool { in.count++; return in.count < MaxCount })
		}
		if g.err != nil {
			return textPlan{}, g.err
		}
		if in.count == 0 {
			return textPlan{}, errors.New("the {…} syntax makes no prompt at all (a {N$$…} group whose options are all equal?); fix the group")
		}
	}
	return textPlan{inline: in}, nil
}

// mayHaveSyntax reports whether s may hold a {…} group, a ${…} or %{…}
// command or a __wildcard__: text without any is a plain literal.
func mayHaveSyntax(s string) bool {
	return strings.IndexByte(s, '{') >= 0 || strings.Contains(s, "__")
}

// substituteLabels shows markers in a message as "…".
func substituteLabels(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= markerBase && r <= 0xF8FF {
			b.WriteString("…")
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// firstWildcard returns the first wildcard node of a tree, or nil.
func firstWildcard(n *node) *node {
	if n == nil {
		return nil
	}
	switch n.kind {
	case nodeWildcard:
		return n
	case nodeSeq:
		for _, a := range n.assigns {
			if w := firstWildcard(a.value); w != nil {
				return w
			}
		}
		for _, c := range n.parts {
			if w := firstWildcard(c); w != nil {
				return w
			}
		}
	case nodeVariant:
		for _, o := range n.opts {
			if w := firstWildcard(o.n); w != nil {
				return w
			}
		}
	case nodeVar:
		return firstWildcard(n.def)
	case nodeWrap:
		if w := firstWildcard(n.wrapper); w != nil {
			return w
		}
		return firstWildcard(n.inner)
	}
	return nil
}

// staticPlan splits a text without {…} syntax at its markers.
func staticPlan(s string) textPlan {
	tp := textPlan{}
	last := 0
	for i := 0; i < len(s); {
		if s[i] != 0xEE && s[i] != 0xEF {
			i++
			continue
		}
		r := []rune(s[i:min(i+3, len(s))])
		if len(r) == 0 || r[0] < markerBase || r[0] > 0xF8FF {
			i++
			continue
		}
		if i > last {
			tp.segs = append(tp.segs, segment{text: s[last:i], marker: -1})
			tp.size += i - last
		}
		tp.segs = append(tp.segs, segment{marker: int(r[0] - markerBase)})
		i += 3
		last = i
	}
	if last < len(s) {
		tp.segs = append(tp.segs, segment{text: s[last:], marker: -1})
		tp.size += len(s) - last
	}
	return tp
}

// finish orders the dimensions, computes the count and advances the
// Expander's cross-row counters.
func (b *rowBuilder) finish() error {
	x, p, row := b.x, b.p, b.p.Row
	p.dims = append(p.dims, b.srDims...)
	p.dims = append(p.dims, b.tokenDims...)
	var matrix *dim
	total := 1
	if len(b.slotMarker) > 0 {
		matrix = &dim{kind: dimMatrix, label: "[[matrix]]", hash: hashString("matrix")}
		for si, s := range x.cfg.Matrix.Slots {
			m, used := b.slotMarker[si]
			if !used {
				continue
			}
			name := strings.TrimSpace(s.Name)
			matrix.slots = append(matrix.slots, matrixSlot{name: name, label: "[[" + name + "]]", values: s.Values, marker: m})
			if len(s.Values) == 0 {
				return rowError(row, "matrix slot %q has no values; add values to randomizer.matrix.slots", s.Name)
			}
			total = satMul(total, len(s.Values))
		}
		matrix.size = total
		switch x.matrixMode {
		case modeFanout:
			matrix.mode = pickExhaustive
			if lim := x.cfg.Matrix.Limit; lim > 0 && total > lim {
				matrix.size = lim
				p.Limited = true
				p.Notes = append(p.Notes, fmt.Sprintf("matrix limited to the first %d of %d combinations (randomizer.matrix.limit)", lim, total))
			}
		case modeRotate:
			matrix.mode, matrix.base = pickRotate, x.rotate
		case modeSequential:
			matrix.mode, matrix.fixed = pickRow, x.matrixSeq%total
		default:
			matrix.mode = pickRandom
		}
		p.dims = append(p.dims, matrix)
	}
	for _, tp := range []textPlan{p.pos, p.neg} {
		if tp.inline == nil {
			continue
		}
		d := &dim{kind: dimInline, inline: tp.inline, hash: hashString(tp.inline.prefix), size: tp.inline.count, label: tp.inline.prefix}
		d.mode = pickExhaustive
		if tp.inline.random {
			d.mode = pickRandom
		}
		p.dims = append(p.dims, d)
		p.check = true
	}
	sweepRandom := strings.EqualFold(strings.TrimSpace(x.cfg.Sweeps.Mode), modeRandom)
	for _, l := range x.sweeps {
		d := &dim{kind: dimSweep, sweep: l, label: l.label, hash: hashString("sweep\x00" + l.label), size: l.len(), mode: pickExhaustive}
		if sweepRandom {
			d.mode = pickRandom
		}
		p.dims = append(p.dims, d)
	}
	count, uncapped, perVariant := 1, 1, false
	for _, d := range p.dims {
		switch d.mode {
		case pickExhaustive:
			if d.size == 0 {
				return rowError(row, "%s has no values, so the row makes no variant; give it values", d.label)
			}
			count = satMul(count, d.size)
			if d == matrix {
				uncapped = satMul(uncapped, total)
			} else {
				uncapped = satMul(uncapped, d.size)
			}
		case pickRandom, pickRotate:
			perVariant = true
		case pickRow:
			if d.size == 0 {
				return rowError(row, "%s has no values; give it values", d.label)
			}
		}
		if d.kind == dimToken {
			p.check = true
		}
	}
	if count == 1 && perVariant {
		n := max(1, x.cfg.RandomSamples)
		count, uncapped = n, n
	}
	if count >= MaxCount {
		return limitf(ErrTooMany, "row %d: makes %s variants, more than %d; lower randomizer.matrix.limit or switch some dimensions to random", row+1, FormatCount(count), MaxCount-1)
	}
	p.count, p.UncappedCount = count, uncapped
	p.markers = b.markers
	for _, d := range p.dims {
		switch d.kind {
		case dimMatrix:
			p.picks += len(d.slots)
		case dimInline:
			p.picks += len(d.inline.groups)
		default:
			p.picks++
		}
	}
	// Advance the cross-row counters.
	for _, d := range b.srDims {
		if d.mode == pickRow {
			x.srSeq[d.rule]++
		}
	}
	for _, d := range b.tokenDims {
		if d.mode == pickRow {
			x.tokenSeq[d.token]++
		}
	}
	if matrix != nil {
		switch matrix.mode {
		case pickRow:
			x.matrixSeq++
		case pickRotate:
			x.rotate = (x.rotate + count) % total
		}
	}
	return nil
}
