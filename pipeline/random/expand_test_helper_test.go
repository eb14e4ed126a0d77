package random

import "fmt"

func (o ExpandOptions) check() error {
	switch o.Mode {
	case "", ModeCombinatorial:
		if o.Max < 0 {
			return fmt.Errorf("max must be 0 (no limit) or more, got %d", o.Max)
		}
	case ModeRandom:
		if o.Max <= 0 {
			return fmt.Errorf("random mode needs max > 0, the number of prompts to draw; got %d", o.Max)
		}
	default:
		return fmt.Errorf("unknown mode %q; use %q or %q", o.Mode, ModeCombinatorial, ModeRandom)
	}
	return nil
}

// Expand parses template and returns its prompts: every combination in
// order (combinatorial mode, at most Max when Max > 0, generated lazily so a
// huge template with a small Max is cheap) or Max seeded random draws
// (random mode). The tests use it; the CLI streams (Template.All and
// Template.Random).
func Expand(template string, opts ExpandOptions) ([]string, error) {
	if err := opts.check(); err != nil {
		return nil, err
	}
	t, err := ParseTemplate(template)
	if err != nil {
		return nil, err
	}
	if opts.Mode == ModeRandom {
		return t.Random(opts)
	}
	return t.Combinations(opts)
}
