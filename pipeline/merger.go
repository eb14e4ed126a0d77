package pipeline

// OverrideSections are the sections the "Override pack configs with current
// stages" check governs: the stage cards.
var OverrideSections = []string{"txt2img", "hires", "refiner", "img2img", "adetailer", "upscale"}

// subStages are the sections whose enabled=false override switches the
// sub-stage off and ignores the override's other fields.
var subStages = []string{"refiner", "hires", "adetailer"}

// ConfigMerger layers stage overrides on a base configuration. It is pure:
// it never changes its inputs and returns a new configuration.
type ConfigMerger struct{}

// Merge implements the override rules of the design plan (§3.2):
//
//   - overrideEnabled false: the base (defaults ⊕ preset ⊕ pack sidecar) is
//     trusted as it is; the overrides are ignored.
//   - overrideEnabled true: every field the overrides set wins and every
//     field they leave unset keeps the base value. For refiner, hires and
//     adetailer, enabled=false switches the sub-stage off and ignores its
//     other override fields; enabled=true merges field by field.
func (ConfigMerger) Merge(base PipelineConfig, overrides *Patch, overrideEnabled bool) (PipelineConfig, error) {
	if !overrideEnabled || overrides.Empty() {
		return base.Clone(), nil
	}
	p := overrides
	for _, s := range subStages {
		if on, ok := scalarBool(p.lookup(s + ".enabled")); ok && !on {
			p = p.without(s)
		}
	}
	return p.ApplyTo(base)
}
