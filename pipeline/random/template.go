package random

import (
	"errors"
	"fmt"
	"iter"

	"stablenew/pipeline"
)

// The generation modes of ExpandOptions.Mode.
const (
	ModeCombinatorial = "combinatorial"
	ModeRandom        = "random"
)

// MaxCount is the most prompts an enumeration counts or a group
// materialises. It is far above any plan StableNew accepts
// (pipeline.HardMaxVariants), so a caller can refuse any count at or above
// it. Count gives larger counts when its arithmetic is exact, and MaxCount
// when only an enumeration could tell (see FormatCount).
const MaxCount = 1 << 20

// ErrTooMany reports an expansion too large to count or materialise.
var ErrTooMany = errors.New("too many prompts")

// Template is a parsed sd-dynamic-prompts template. It is immutable and safe
// for concurrent use.
type Template struct {
	src   string
	root  *node // always a sequence
	empty bool
}

// ParseTemplate parses s. Errors are *SyntaxError values that give the
// column and say how to fix the text.
//
// Differences from sd-dynamic-prompts 0.31.0, all more lenient: a "$" or "%"
// that does not start ${…} or %{…$$…} is literal text ("costs $10",
// "50% off"); a "__" that does not form __name__ is literal; wildcard names
// cannot hold whitespace ("a__b c__d" stays text); ${v=…} may also appear
// inside {…} options.
//
// A template is at most pipeline.MaxPromptBytes long and nests {…} groups
// and ${…} or %{…} commands at most pipeline.MaxNesting deep.
func ParseTemplate(s string) (*Template, error) {
	if s == "" {
		return &Template{empty: true, root: (&node{kind: nodeSeq}).finish()}, nil
	}
	if len(s) > pipeline.MaxPromptBytes {
		return nil, limitf(ErrTooLong, "the template is %d bytes; a prompt may be at most %d: shorten it", len(s), pipeline.MaxPromptBytes)
	}
	root, err := parseRoot(s, nil)
	if err != nil {
		return nil, err
	}
	return &Template{src: s, root: root}, nil
}

// String returns the template as written.
func (t *Template) String() string { return t.src }

// ExpandOptions configures Expand, Template.All, Template.Random and
// Template.Count.
type ExpandOptions struct {
	// Wildcards is where __name__ values come from; nil means none.
	Wildcards Wildcards
	// Mode is "combinatorial" (the default when empty) or "random".
	Mode string
	// Max caps the prompts: 0 means no limit in combinatorial mode; random
	// mode needs Max > 0 (the number of prompts).
	Max int
	// Seed drives every random choice; the same seed gives the same output.
	Seed int64
	// Strict makes an unknown wildcard an error. When off, the text
	// __name__ is left in the prompt (once, not repeated without end).
	Strict bool
}

// Combinations returns the combinatorial prompts, at most opts.Max when
// opts.Max > 0. opts.Mode is ignored. With opts.Max == 0 the caller should
// check Count first: a template can make billions of prompts.
func (t *Template) Combinations(opts ExpandOptions) ([]string, error) {
	var out []string
	for s, err := range t.All(opts) {
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// All yields the combinatorial prompts lazily, leftmost part slowest, and
// stops after opts.Max when opts.Max > 0. An error is yielded once, last.
func (t *Template) All(opts ExpandOptions) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		if t.empty {
			return
		}
		g := newGen(newResolver(opts.Wildcards), opts.Strict, uint64(opts.Seed))
		n := 0
		stopped := false
		g.eachSeq(t.root, nil, func(s string, _ []string) bool {
			g.visits = 0
			if !yield(s, nil) {
				stopped = true
				return false
			}
			n++
			return opts.Max <= 0 || n < opts.Max
		})
		if g.err != nil && !stopped {
			yield("", g.err)
		}
	}
}

// Random returns opts.Max prompts drawn at random (duplicates allowed).
// Prompt i depends only on the seed and i, so a longer run extends a shorter
// one. Cyclical {@…} groups advance once per use across the run. It holds
// every prompt in memory: for many, range over Draws instead.
func (t *Template) Random(opts ExpandOptions) ([]string, error) {
	if opts.Max <= 0 {
		return nil, fmt.Errorf("random mode needs max > 0, the number of prompts to draw; got %d", opts.Max)
	}
	out := make([]string, 0, min(opts.Max, 1<<16))
	for s, err := range t.Draws(opts) {
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// Draws yields the prompts of Random one at a time, so any number of them
// takes constant memory. An error is yielded once, last.
func (t *Template) Draws(opts ExpandOptions) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		if opts.Max <= 0 {
			yield("", fmt.Errorf("random mode needs max > 0, the number of prompts to draw; got %d", opts.Max))
			return
		}
		if t.empty {
			return
		}
		g := newGen(newResolver(opts.Wildcards), opts.Strict, 0)
		for i := 0; i < opts.Max; i++ {
			g.rng = newRNG(derive2(uint64(opts.Seed), uint64(i)))
			g.visits = 0
			s, ok := g.sample(t.root, nil, samplerRandom)
			if !ok {
				yield("", g.err)
				return
			}
			if !yield(s, nil) {
				return
			}
		}
	}
}
