package random

import (
	"fmt"
	"strings"
	"sync"

	"stablenew/pipeline"
)

// The normalised randomizer modes.
const (
	modeFanout     = "fanout"
	modeRotate     = "rotate"
	modeSequential = "sequential"
	modeRandom     = "random"
	modeRoundRobin = "round_robin"
)

// normMode maps a configured mode, with its aliases, to one of allowed.
func normMode(path, got, def string, aliases map[string]string, allowed ...string) (string, error) {
	m := strings.ToLower(strings.TrimSpace(got))
	if m == "" {
		return def, nil
	}
	if a, ok := aliases[m]; ok {
		m = a
	}
	for _, a := range allowed {
		if m == a {
			return m, nil
		}
	}
	return "", fmt.Errorf("%s: unknown mode %q; use one of %s", path, got, strings.Join(allowed, ", "))
}

// Expander turns the prompt rows of one plan into variants. It keeps the
// counters that cyclic modes advance from row to row, so PlanRow must be
// called in row order and from one goroutine; the RowPlans it returns are
// immutable and safe for concurrent use.
type Expander struct {
	cfg    pipeline.RandomizerConfig
	seed   uint64
	res    *resolver
	sweeps []*sweepList

	matrixMode, tokenMode, srMode string
	inlineRandom                  bool
	promptMode                    string
	slotIndex                     map[string]int

	tokenLists map[string]*valueList // fanout / sequential token values

	rows      int // PlanRow calls that succeeded
	rotate    int // matrix rotate: combinations used so far in the plan
	matrixSeq int // matrix sequential: rows that used the matrix
	tokenSeq  map[string]int
	srSeq     []int
}

// tokenSource is the randomizer's configured tokens as a wildcard source.
type tokenSource struct{ MapWildcards }

func (tokenSource) String() string { return "randomizer.wildcards.tokens" }

// tokenName strips the surrounding "__" of a configured token.
func tokenName(t string) string {
	t = strings.TrimSpace(t)
	if strings.HasPrefix(t, "__") && strings.HasSuffix(t, "__") && len(t) > 4 {
		return t[2 : len(t)-2]
	}
	return t
}

// NewExpander prepares the randomizer for one plan. wc supplies wildcard
// files (nil for none); cfg.Wildcards.Tokens are looked up before it and
// keep their configured order, while wildcard files are de-duplicated and
// sorted as in sd-dynamic-prompts. seed is the plan's resolved randomizer
// seed (never -1: the caller draws it). Missing wildcards are always errors.
// The caller compares the plan's total (the sum of RowPlan.Count × batch
// runs) with cfg.MaxVariants before building any variant.
func NewExpander(cfg pipeline.RandomizerConfig, wc Wildcards, seed int64) (*Expander, error) {
	if seed < 0 {
		return nil, fmt.Errorf("randomizer seed must be drawn before planning (got %d)", seed)
	}
	x := &Expander{cfg: cfg.Clone(), seed: mix64(uint64(seed)), slotIndex: map[string]int{},
		tokenLists: map[string]*valueList{}, tokenSeq: map[string]int{}, srSeq: make([]int, len(cfg.SearchReplace.Rules))}
	var err error
	if x.matrixMode, err = normMode("randomizer.matrix.mode", cfg.Matrix.Mode, modeFanout,
		map[string]string{"grid": modeFanout, "all": modeFanout, "round_robin": modeSequential, "per_prompt": modeRandom},
		modeFanout, modeRotate, modeSequential, modeRandom); err != nil {
		return nil, err
	}
	if x.promptMode, err = normMode("randomizer.matrix.prompt_mode", cfg.Matrix.PromptMode, "replace", nil,
		"replace", "append", "prepend"); err != nil {
		return nil, err
	}
	if x.tokenMode, err = normMode("randomizer.wildcards.mode", cfg.Wildcards.Mode, modeRandom,
		map[string]string{"round_robin": modeSequential}, modeFanout, modeSequential, modeRandom); err != nil {
		return nil, err
	}
	if x.srMode, err = normMode("randomizer.prompt_sr.mode", cfg.SearchReplace.Mode, modeFanout,
		map[string]string{"sequential": modeRoundRobin}, modeFanout, modeRoundRobin, modeRandom); err != nil {
		return nil, err
	}
	vm, err := normMode("randomizer.variants.mode", cfg.Variants.Mode, ModeCombinatorial, nil, ModeCombinatorial, ModeRandom)
	if err != nil {
		return nil, err
	}
	x.inlineRandom = vm == ModeRandom
	if _, err := normMode("randomizer.sweeps.mode", cfg.Sweeps.Mode, modeFanout, nil, modeFanout, modeRandom); err != nil {
		return nil, err
	}
	if cfg.Sweeps.Enabled {
		if x.sweeps, err = prepareSweeps(cfg.Sweeps); err != nil {
			return nil, err
		}
	}
	for i, s := range cfg.Matrix.Slots {
		x.slotIndex[strings.TrimSpace(s.Name)] = i
		if !cfg.Matrix.Enabled {
			continue
		}
		for j, v := range s.Values {
			if bad := insertedSyntax(v); bad != "" {
				return nil, fmt.Errorf("randomizer.matrix.slots[%d].values[%d] %q: slot values are inserted as written, so %q would reach the WebUI; put the choices in the prompt or in a wildcard", i, j, v, bad)
			}
		}
	}
	if cfg.SearchReplace.Enabled {
		for i, r := range cfg.SearchReplace.Rules {
			if r.Search == "" {
				return nil, fmt.Errorf("randomizer.prompt_sr.rules[%d].search is empty; give the text to replace", i)
			}
			for j, v := range r.Replacements {
				if bad := insertedSyntax(v); bad != "" {
					return nil, fmt.Errorf("randomizer.prompt_sr.rules[%d].replacements[%d] %q: replacements are inserted as written, so %q would reach the WebUI; put the choices in the prompt or in a wildcard", i, j, v, bad)
				}
			}
		}
	}
	tokens := MapWildcards{}
	keep := map[string]bool{}
	for i, t := range cfg.Wildcards.Tokens {
		name := tokenName(t.Token)
		if _, dup := tokens[name]; dup {
			return nil, fmt.Errorf("randomizer.wildcards.tokens[%d]: token __%s__ is defined twice; merge the values", i, name)
		}
		for j, v := range t.Values {
			if _, err := ParseTemplate(v); err != nil {
				return nil, fmt.Errorf("randomizer.wildcards.tokens[%d].values[%d] %q: %w", i, j, v, err)
			}
		}
		tokens[name] = t.Values
		keep[name] = true
	}
	var src Wildcards
	if len(tokens) > 0 {
		src = Chain(tokenSource{tokens}, wc)
	} else if wc != nil {
		src = Chain(wc)
	}
	x.res = newResolver(src)
	x.res.keepOrder = keep
	return x, nil
}

// insertedSyntax returns randomizer or variant syntax in a value that is
// inserted as written, or "".
func insertedSyntax(v string) string {
	if bad := leftover(v); bad != "" {
		return bad
	}
	return findGroup(v)
}

// valueList is the expansions of a token's lines, in order, materialised
// on first use.
type valueList struct {
	name  string
	count int
	lines *resolved
	seed  uint64
	res   *resolver
	once  sync.Once
	items []string
	err   error
}

func (l *valueList) get() ([]string, error) {
	l.once.Do(func() {
		g := newGen(l.res, true, l.seed)
		l.items = make([]string, 0, l.count)
		for i := range l.lines.size() {
			g.eachLine(l.lines, i, tokenEnv(l.name), func(s string) bool {
				l.items = append(l.items, s)
				g.visits = 0
				return g.keep(s)
			})
			if g.err != nil {
				l.err = fmt.Errorf("__%s__: %w", l.name, g.err)
				return
			}
		}
		if len(l.items) != l.count {
			l.err = fmt.Errorf("__%s__: expected %d values, made %d (this is a bug)", l.name, l.count, len(l.items))
		}
	})
	return l.items, l.err
}

// tokenEnv is the environment a token's lines expand in: inside the token
// itself, so a line that refers back to it is reported as a loop.
func tokenEnv(name string) *env { return (*env)(nil).with(name, bindWildcard, nil, "") }

// tokenValues returns the value list of a top-level token (for fanout and
// sequential modes), counting it on first use.
func (x *Expander) tokenValues(name string) (*valueList, error) {
	if l, ok := x.tokenLists[name]; ok {
		return l, nil
	}
	res, err := x.res.resolve(name)
	if err != nil {
		return nil, err
	}
	if !res.found {
		return nil, &WildcardNotFoundError{Name: name, LookedIn: describeSource(x.res.src)}
	}
	l := &valueList{name: name, lines: res, seed: derive2(x.seed, hashString("__"+name+"__")), res: x.res}
	g := newGen(x.res, true, l.seed)
	e := tokenEnv(name)
	for i := range res.size() {
		if t := res.tmpl(i); t != nil {
			l.count = satAdd(l.count, g.count(t.root, e))
		} else {
			l.count = satAdd(l.count, 1)
		}
		if g.err != nil {
			return nil, fmt.Errorf("__%s__: %w", name, g.err)
		}
	}
	if g.needEnum {
		g = newGen(x.res, true, l.seed)
		l.count = 0
		for i := 0; i < res.size() && l.count < MaxCount; i++ {
			g.eachLine(res, i, e, func(string) bool { l.count++; return l.count < MaxCount })
		}
		if g.err != nil {
			return nil, fmt.Errorf("__%s__: %w", name, g.err)
		}
	}
	if l.count >= MaxCount {
		return nil, limitf(ErrTooMany, "__%s__ makes %s values, more than a token may (%d); switch randomizer.wildcards.mode to random or use fewer values",
			name, FormatCount(l.count), MaxCount-1)
	}
	x.tokenLists[name] = l
	return l, nil
}

// checkToken reports a missing or broken token used in random mode.
func (x *Expander) checkToken(name string) error {
	res, err := x.res.resolve(name)
	if err != nil {
		return err
	}
	if !res.found {
		return &WildcardNotFoundError{Name: name, LookedIn: describeSource(x.res.src)}
	}
	g := newGen(x.res, true, 0)
	e := tokenEnv(name)
	for _, t := range res.tmpls {
		if t != nil && !g.check(t.root, e) {
			return fmt.Errorf("__%s__: %w", name, g.err)
		}
	}
	return nil
}
