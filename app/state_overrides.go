package app

import (
	"reflect"
	"slices"
	"strings"

	"stablenew/pipeline"
)

// Stage overrides, field by field. The stage cards show the effective
// stage settings of the pack being previewed (its base: defaults ⊕ preset ⊕
// pack sidecar, set by SetStageBase); a field the user changes becomes an
// override (its pipeline.FieldKey is recorded), and only those fields
// override the packs (Snapshot's Overrides patch holds nothing else), while
// the override check is on. ResetOverrides puts fields back to the pack's
// values.

// overrideKeys returns the override keys of the stage-section fields that
// differ between a and b.
func overrideKeys(a, b *pipeline.PipelineConfig) []string {
	return pipeline.FieldKeys(pipeline.DiffConfigs(*a, *b, pipeline.OverrideSections...))
}

// addKeys returns the sorted union of keys and more.
func addKeys(keys, more []string) []string {
	out := append(slices.Clone(keys), more...)
	slices.Sort(out)
	return slices.Compact(out)
}

// markEditLocked records the stage fields an edit changed as overrides and
// turns the override check on, so that the edit is used.
func (d *stateData) markEditLocked(before, after *pipeline.PipelineConfig) Change {
	keys := overrideKeys(before, after)
	if len(keys) == 0 {
		return 0
	}
	var what Change
	if next := addKeys(d.Overridden, keys); !slices.Equal(next, d.Overridden) {
		d.Overridden, what = next, ChangeStageBase
	}
	if !d.OverrideEnabled {
		d.OverrideEnabled, what = true, what|ChangeOverride
	}
	return what
}

// Overridden returns the override keys of the stage fields the user
// changed ("txt2img.steps", "adetailer.units"), sorted.
func (s *State) Overridden() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.data.Overridden)
}

// StageBase returns the stage settings of the pack being previewed, before
// the overrides, and what they come from (a pack id, or "" for the defaults
// and preset); ok is false until SetStageBase was called.
func (s *State) StageBase() (base pipeline.PipelineConfig, from string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stageBase == nil {
		return pipeline.Defaults(), "", false
	}
	return s.stageBase.Clone(), s.stageFrom, true
}

// SetStageBase sets the configuration the stage cards start from (the
// previewed pack's defaults ⊕ preset ⊕ sidecar) and shows it in the stage
// sections, keeping the overridden fields' values.
func (s *State) SetStageBase(base pipeline.PipelineConfig, from string) {
	s.update(func(d *stateData) Change {
		var what Change
		if s.stageBase == nil || !reflect.DeepEqual(*s.stageBase, base) || s.stageFrom != from {
			b := base.Clone()
			s.stageBase, s.stageFrom, what = &b, from, ChangeStageBase
		}
		next := stagesOver(s.stageBase, &d.Config, d.Overridden)
		if !reflect.DeepEqual(next, d.Config) {
			d.Config, what = next, what|ChangeConfig
		}
		return what
	})
}

// stagesOver returns cfg with its stage sections taken from base, except
// the overridden keys, which keep cfg's values.
func stagesOver(base, cfg *pipeline.PipelineConfig, overridden []string) pipeline.PipelineConfig {
	merged := base.Clone()
	if p, err := pipeline.PatchFromFields(*cfg, "stage cards", overridden...); err == nil {
		if m, err := p.ApplyTo(*base); err == nil {
			merged = m
		}
	}
	next := cfg.Clone()
	pipeline.CopyStageSections(&next, &merged)
	return next
}

// ResetOverrides puts fields back to the pack's values and stops them
// overriding. A key names a field ("txt2img.steps") or a whole section
// ("hires"); none resets every field.
func (s *State) ResetOverrides(keys ...string) {
	s.update(func(d *stateData) Change {
		var keep, reset []string
		for _, k := range d.Overridden {
			if len(keys) == 0 || slices.ContainsFunc(keys, func(r string) bool { return k == r || strings.HasPrefix(k, r+".") }) {
				reset = append(reset, k)
			} else {
				keep = append(keep, k)
			}
		}
		if len(reset) == 0 {
			return 0
		}
		d.Overridden = keep
		base := pipeline.Defaults()
		if s.stageBase != nil {
			base = s.stageBase.Clone()
		}
		what := ChangeStageBase
		if next := stagesOver(&base, &d.Config, keep); !reflect.DeepEqual(next, d.Config) {
			d.Config, what = next, what|ChangeConfig
		}
		return what
	})
}

// loadedKeysLocked returns the overrides a loaded configuration c makes:
// the stage fields where it differs from the base (or, before a base is
// known, from the configuration it replaces).
func (s *State) loadedKeysLocked(prev, c *pipeline.PipelineConfig) []string {
	ref := prev
	if s.stageBase != nil {
		ref = s.stageBase
	}
	return overrideKeys(ref, c)
}

// migrateOverrides gives a state file from before field overrides its
// overridden fields: with the check on, every stage field that differs from
// the defaults (what the whole-card override used to impose).
func migrateOverrides(d *stateData) {
	if d.Overridden != nil || !d.OverrideEnabled {
		return
	}
	def := pipeline.Defaults()
	d.Overridden = overrideKeys(&def, &d.Config)
}
