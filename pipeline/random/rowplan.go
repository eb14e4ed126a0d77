package random

import (
	"fmt"
	"sync"

	"stablenew/pipeline"
)

// Variant is one expansion of a prompt row.
type Variant struct {
	Positive string
	Negative string
	// Picks records the value each dimension took, in the order the
	// dimensions are applied: search/replace, wildcards, matrix slots,
	// inline {…} groups, sweeps.
	Picks []pipeline.DimensionValue
	// Sweep holds the swept txt2img settings; apply them with Sweep.Apply.
	Sweep SweepValues
}

// dimKind says what a dimension varies.
type dimKind uint8

const (
	dimSR dimKind = iota
	dimToken
	dimMatrix
	dimInline
	dimSweep
)

// dimMode says how a dimension picks its value for variant i.
type dimMode uint8

const (
	pickExhaustive dimMode = iota // every value: multiplies the variants
	pickRow                       // one value for the whole row (cyclic across rows)
	pickRotate                    // one value per variant, cycling across the plan
	pickRandom                    // a seeded pick per variant
)

// dim is one dimension of a row.
type dim struct {
	kind   dimKind
	mode   dimMode
	label  string
	hash   uint64
	size   int // values (exhaustive, row, rotate and random over a list)
	fixed  int // pickRow: the row's value
	base   int // pickRotate: position of the row's first variant
	marker int // the marker this dimension fills (SR, token)

	values []string // SR replacements
	rule   int      // SR rule index

	token     string     // token name
	res       *resolver  // where random tokens are drawn from
	tokenList *valueList // fanout / sequential / rotate tokens

	slots []matrixSlot // matrix: the slots the row uses, in configured order

	inline *inlineDim
	sweep  *sweepList
}

// matrixSlot is one [[slot]] a row uses.
type matrixSlot struct {
	name   string
	label  string // "[[name]]"
	values []string
	marker int
}

// inlineDim is the {…} expansion of the positive or the negative prompt.
type inlineDim struct {
	tmpl   *Template
	random bool
	count  int
	groups []int    // positions of the top-level {…} groups among the root's parts
	prefix string   // pick label prefix: "{…}#" or "neg:{…}#"
	labels []string // pick label of each group
	res    *resolver
	seed   uint64

	once  sync.Once
	items []inlineItem
	err   error
}

type inlineItem struct {
	text   string
	groups []string
}

// textPlan builds the positive or negative prompt of a variant.
type textPlan struct {
	segs   []segment  // when static: literal text and markers
	inline *inlineDim // when the text has {…} syntax
	size   int        // bytes of the literal segments
}

type segment struct {
	text   string
	marker int // -1 for text
}

// RowPlan is the expansion plan of one prompt row: its variant count is
// known up front and each variant is built on demand. A RowPlan is
// immutable and safe for concurrent use.
//
// Variants are not de-duplicated: two variants may have the same text (a
// token used only inside an unchosen {…} option still multiplies), because
// the count must be exact before anything is built.
type RowPlan struct {
	// Row is the row index given to PlanRow.
	Row int
	// Limited is true when randomizer.matrix.limit cut the fanout
	// combinations; UncappedCount is the count the row would have without
	// that limit (equal to Count() otherwise).
	Limited       bool
	UncappedCount int
	// Notes explains choices a user should know about, such as the limit.
	Notes []string

	count   int
	rowKey  uint64
	dims    []*dim
	pos     textPlan
	neg     textPlan
	markers int
	picks   int
	check   bool // final prompts may hold leftover syntax: check each
}

// Count is the number of variants of the row.
func (p *RowPlan) Count() int { return p.count }

// rowError prefixes an error with the row.
func rowError(row int, format string, args ...any) error {
	return fmt.Errorf("row %d: "+format, append([]any{row + 1}, args...)...)
}

// PlanRow plans prompt row rowIndex (0-based; messages count from 1). Rows
// must be planned in order: sequential and rotating dimensions advance
// across rows.
//
// Each row goes through, in order: the matrix prompt_mode (replace, append
// or prepend base_prompt), search/replace, wildcards, the matrix, inline
// {…} variants and sweeps. The negative prompt goes through the same steps
// (except prompt_mode) and shares the picks of every rule, token and slot it
// has in common with the positive prompt; its own {…} groups form a
// separate dimension.
//
// Matrix slot values and S/R replacements are inserted as written. Wildcard
// values are templates, expanded within their own dimension. A __token__
// outside {…} is a randomizer dimension (randomizer.wildcards.mode); inside
// a {…} option it belongs to that option and expands with it, by the
// sd-dynamic-prompts rules. With inline variants on, the whole row is a
// template, so "#" starts a comment there as in sd-dynamic-prompts.
func (x *Expander) PlanRow(rowIndex int, positive, negative string) (*RowPlan, error) {
	p := &RowPlan{Row: rowIndex, rowKey: derive3(x.seed, uint64(x.rows), uint64(int64(rowIndex)))}
	for i, t := range []string{positive, negative} {
		if len(t) > pipeline.MaxPromptBytes {
			return nil, limitf(ErrTooLong, "row %d: the %s prompt is %d bytes; a prompt may be at most %d, shorten it",
				rowIndex+1, []string{"positive", "negative"}[i], len(t), pipeline.MaxPromptBytes)
		}
	}
	if !x.cfg.Enabled {
		for _, t := range []string{positive, negative} {
			if bad := disabledSyntax(t); bad != "" {
				return nil, rowError(rowIndex, "%q is randomizer syntax but the randomizer is off; turn on the randomizer or remove %q", bad, bad)
			}
		}
		p.count, p.UncappedCount = 1, 1
		p.pos = textPlan{segs: []segment{{text: positive, marker: -1}}, size: len(positive)}
		p.neg = textPlan{segs: []segment{{text: negative, marker: -1}}, size: len(negative)}
		return p, nil
	}
	b := &rowBuilder{x: x, p: p, tokenMarker: map[string]int{}}
	if err := b.build(x.applyPromptMode(positive), negative); err != nil {
		return nil, err
	}
	x.rows++
	return p, nil
}
