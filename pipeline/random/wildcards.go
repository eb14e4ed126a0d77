package random

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
)

// Wildcards is a source of wildcard values.
//
// Lookup returns the raw values of one wildcard by its exact name (such as
// "colors" or "animals/mammals"), in the source's own order, and whether the
// source has that name. Names lists every name the source has. Globs, the
// "**/name" retry, de-duplication and sorting are done by the expander on
// top of these two methods, so a source only has to answer exact names.
//
// A source may implement fmt.Stringer to say where it looks; that text goes
// into "wildcard … not found (looked in: …)" errors.
type Wildcards interface {
	Lookup(name string) ([]string, bool, error)
	Names() []string
}

// MapWildcards is an in-memory wildcard source: name → values.
type MapWildcards map[string][]string

// Lookup returns the values of name.
func (m MapWildcards) Lookup(name string) ([]string, bool, error) {
	v, ok := m[name]
	return v, ok, nil
}

// Names returns the names, sorted.
func (m MapWildcards) Names() []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// String says what the source is, for error messages.
func (m MapWildcards) String() string {
	return fmt.Sprintf("%d in-memory wildcards", len(m))
}

// chain is the Wildcards returned by Chain.
type chain []Wildcards

// Chain combines sources: for each name the first source that has it wins.
// Nil sources are skipped.
func Chain(sources ...Wildcards) Wildcards {
	var c chain
	for _, s := range sources {
		if s == nil {
			continue
		}
		if inner, ok := s.(chain); ok {
			c = append(c, inner...)
			continue
		}
		c = append(c, s)
	}
	return c
}

func (c chain) Lookup(name string) ([]string, bool, error) {
	for _, s := range c {
		v, ok, err := s.Lookup(name)
		if err != nil {
			return nil, false, err
		}
		if ok {
			return v, true, nil
		}
	}
	return nil, false, nil
}

func (c chain) Names() []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range c {
		for _, n := range s.Names() {
			if !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	sort.Strings(out)
	return out
}

func (c chain) String() string {
	parts := make([]string, 0, len(c))
	for _, s := range c {
		parts = append(parts, describeSource(s))
	}
	return strings.Join(parts, ", ")
}

// describeSource says where a source looks, for error messages.
func describeSource(s Wildcards) string {
	if s == nil {
		return "no wildcard source"
	}
	if st, ok := s.(fmt.Stringer); ok {
		if d := st.String(); d != "" {
			return d
		}
	}
	return fmt.Sprintf("%T", s)
}

// WildcardNotFoundError is a wildcard that no source has (in strict mode).
type WildcardNotFoundError struct {
	Name     string // as written in the template, without the underscores
	LookedIn string
}

// Error names the wildcard, where it was looked for and how to fix it.
func (e *WildcardNotFoundError) Error() string {
	return fmt.Sprintf("wildcard __%s__ not found (looked in: %s); add a %s.txt file or a token with that name, or fix the name",
		e.Name, e.LookedIn, e.Name)
}

// resolved is one wildcard name resolved against a source: its values
// de-duplicated and sorted by raw line, each parsed as a template. A line
// that is plain text is kept as its text alone, so a wildcard file of a
// million plain lines costs little more than its text.
type resolved struct {
	name  string
	found bool
	// texts holds each line's text: the literal a plain line stands for,
	// or the raw line when tmpls holds its template.
	texts []string
	// tmpls holds the template of each line that is not plain text (nil
	// entries for plain lines); nil when every line is plain.
	tmpls []*Template
	lits  []string // the distinct texts when every line is plain, else nil

	optsOnce sync.Once
	opts     []option // line roots as variant options (weight 1), built on first use
}

// size is the number of lines.
func (r *resolved) size() int { return len(r.texts) }

// tmpl returns the template of line i, or nil when the line is plain text.
func (r *resolved) tmpl(i int) *Template {
	if r.tmpls == nil {
		return nil
	}
	return r.tmpls[i]
}

// root returns line i as a node (a fresh literal node for a plain line).
func (r *resolved) root(i int) *node {
	if t := r.tmpl(i); t != nil {
		return t.root
	}
	return (&node{kind: nodeLiteral, text: r.texts[i]}).finish()
}

// options returns the lines as the options of a {N$$__name__} group.
func (r *resolved) options() []option {
	r.optsOnce.Do(func() {
		r.opts = make([]option, len(r.texts))
		for i := range r.texts {
			n := r.root(i)
			if t := r.tmpl(i); t != nil {
				n = collapse(t.root)
			}
			r.opts[i] = option{weight: 1, n: n}
		}
	})
	return r.opts
}

// resolver resolves wildcard names against a source and caches the result.
// It is safe for concurrent use.
type resolver struct {
	src Wildcards
	mu  sync.Mutex
	by  map[string]*resolved
	// keepOrder names wildcards whose values keep their given order instead
	// of being de-duplicated and sorted (the randomizer's configured tokens).
	keepOrder map[string]bool
}

func newResolver(src Wildcards) *resolver {
	return &resolver{src: src, by: map[string]*resolved{}}
}

// resolve returns the values of a wildcard name or glob.
func (r *resolver) resolve(name string) (*resolved, error) {
	r.mu.Lock()
	if res, ok := r.by[name]; ok {
		r.mu.Unlock()
		return res, nil
	}
	r.mu.Unlock()
	res, err := r.load(name)
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	if prev, ok := r.by[name]; ok {
		res = prev
	} else {
		r.by[name] = res
	}
	r.mu.Unlock()
	return res, nil
}

func (r *resolver) load(name string) (*resolved, error) {
	res := &resolved{name: name}
	if r.src == nil {
		return res, nil
	}
	values, err := lookupPattern(r.src, name)
	if err != nil {
		return nil, err
	}
	if len(values) == 0 && !strings.HasPrefix(name, "**") {
		if values, err = lookupPattern(r.src, "**/"+name); err != nil {
			return nil, err
		}
	}
	if len(values) == 0 {
		return res, nil
	}
	res.found = true
	sorted := !r.keepOrder[name]
	if sorted {
		values = sortedUnique(values)
	}
	res.texts = make([]string, 0, len(values))
	allLit, allRaw := true, true
	for _, v := range values {
		if v == "" { // an empty template makes no prompt
			continue
		}
		if plainText(v) {
			res.texts = append(res.texts, v)
			if res.tmpls != nil {
				res.tmpls = append(res.tmpls, nil)
			}
			continue
		}
		t, err := ParseTemplate(v)
		if err != nil {
			return nil, fmt.Errorf("wildcard __%s__, value %q: %w", name, v, err)
		}
		if o := collapse(t.root); o.kind == nodeLiteral {
			res.texts = append(res.texts, o.text)
			allRaw = allRaw && o.text == v
			if res.tmpls != nil {
				res.tmpls = append(res.tmpls, nil)
			}
			continue
		}
		allLit = false
		if res.tmpls == nil {
			res.tmpls = make([]*Template, len(res.texts), cap(res.texts))
		}
		res.texts = append(res.texts, v)
		res.tmpls = append(res.tmpls, t)
	}
	switch {
	case !allLit:
	case sorted && allRaw: // sortedUnique left them distinct
		res.lits = res.texts
	default:
		res.lits = distinctStrings(res.texts)
	}
	return res, nil
}

// plainText reports whether a wildcard line holds no template syntax, so
// that it stands for itself: ParseTemplate would return it as one literal.
func plainText(s string) bool {
	return !strings.ContainsAny(s, "{#$%_\t")
}

// distinctStrings returns ss without repeats, first occurrence kept, in
// linear time.
func distinctStrings(ss []string) []string {
	seen := make(map[string]struct{}, len(ss))
	out := make([]string, 0, len(ss))
	for _, s := range ss {
		if _, dup := seen[s]; !dup {
			seen[s] = struct{}{}
			out = append(out, s)
		}
	}
	return out
}

// lookupPattern returns the values of every name matching pattern (exact
// names go straight to Lookup).
func lookupPattern(src Wildcards, pattern string) ([]string, error) {
	if !strings.ContainsAny(pattern, "*?[") {
		v, _, err := src.Lookup(pattern)
		return v, err
	}
	var out []string
	for _, n := range src.Names() {
		if fnmatch(n, pattern) {
			v, _, err := src.Lookup(n)
			var empty *EmptyWildcardError
			if errors.As(err, &empty) {
				continue // a glob takes the files that have values
			}
			if err != nil {
				return nil, err
			}
			out = append(out, v...)
		}
	}
	return out, nil
}

// sortedUnique de-duplicates and sorts values by code point (Python's
// default string order).
func sortedUnique(values []string) []string {
	out := append([]string(nil), values...)
	slices.Sort(out)
	w := 0
	for i, v := range out {
		if i == 0 || v != out[w-1] {
			out[w] = v
			w++
		}
	}
	return out[:w]
}

// fnmatch matches name against a shell pattern like Python's fnmatch on
// POSIX: * matches any run (including "/"), ? one character, [seq] and
// [!seq] a character class. Matching is case-sensitive.
func fnmatch(name, pattern string) bool {
	n := []rune(name)
	p := []rune(pattern)
	// Iterative matcher with backtracking on the last *.
	ni, pi := 0, 0
	starP, starN := -1, 0
	for ni < len(n) {
		if pi < len(p) {
			switch p[pi] {
			case '*':
				starP, starN = pi, ni
				pi++
				continue
			case '?':
				ni++
				pi++
				continue
			case '[':
				if ok, next, valid := matchClass(p, pi, n[ni]); valid {
					if ok {
						ni++
						pi = next
						continue
					}
				} else if n[ni] == '[' {
					ni++
					pi++
					continue
				}
			default:
				if p[pi] == n[ni] {
					ni++
					pi++
					continue
				}
			}
		}
		if starP >= 0 {
			starN++
			ni, pi = starN, starP+1
			continue
		}
		return false
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// matchClass matches c against the class starting at p[i] == '['. valid is
// false when the class is not closed (then "[" is literal).
func matchClass(p []rune, i int, c rune) (ok bool, next int, valid bool) {
	j := i + 1
	neg := false
	if j < len(p) && p[j] == '!' {
		neg = true
		j++
	}
	if j < len(p) && p[j] == ']' {
		j++
	}
	for j < len(p) && p[j] != ']' {
		j++
	}
	if j >= len(p) {
		return false, 0, false
	}
	body := p[i+1 : j]
	if neg {
		body = body[1:]
	}
	match := false
	for k := 0; k < len(body); k++ {
		if k+2 < len(body) && body[k+1] == '-' {
			if body[k] <= c && c <= body[k+2] {
				match = true
			}
			k += 2
			continue
		}
		if body[k] == c {
			match = true
		}
	}
	return match != neg, j + 1, true
}
