package webuitest

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// adKey describes one ADetailer unit key (ADetailer v25.3.0).
type adKey struct {
	typ      ftype
	nullable bool
	lo, hi   float64 // inclusive range when hasRange
	hasRange bool
	loOpen   bool // lo is exclusive (int > 0)
	enum     []string
	def      any
}

func rng(t ftype, lo, hi float64, def any) adKey {
	return adKey{typ: t, lo: lo, hi: hi, hasRange: true, def: def}
}

var adKeys = map[string]adKey{
	"ad_model":                       {typ: tStr, def: "None"},
	"ad_model_classes":               {typ: tStr, def: ""},
	"ad_tab_enable":                  {typ: tBool, def: true},
	"ad_prompt":                      {typ: tStr, def: ""},
	"ad_negative_prompt":             {typ: tStr, def: ""},
	"ad_confidence":                  rng(tFloat, 0, 1, 0.3),
	"ad_mask_filter_method":          {typ: tStr, enum: []string{"Area", "Confidence"}, def: "Area"},
	"ad_mask_k":                      rng(tInt, 0, math.Inf(1), 0),
	"ad_mask_min_ratio":              rng(tFloat, 0, 1, 0.0),
	"ad_mask_max_ratio":              rng(tFloat, 0, 1, 1.0),
	"ad_dilate_erode":                {typ: tInt, def: 4},
	"ad_x_offset":                    {typ: tInt, def: 0},
	"ad_y_offset":                    {typ: tInt, def: 0},
	"ad_mask_merge_invert":           {typ: tStr, enum: []string{"None", "Merge", "Merge and Invert"}, def: "None"},
	"ad_mask_blur":                   rng(tInt, 0, math.Inf(1), 4),
	"ad_denoising_strength":          rng(tFloat, 0, 1, 0.4),
	"ad_inpaint_only_masked":         {typ: tBool, def: true},
	"ad_inpaint_only_masked_padding": rng(tInt, 0, math.Inf(1), 32),
	"ad_use_inpaint_width_height":    {typ: tBool, def: false},
	"ad_inpaint_width":               {typ: tInt, lo: 0, hi: math.Inf(1), hasRange: true, loOpen: true, def: 512},
	"ad_inpaint_height":              {typ: tInt, lo: 0, hi: math.Inf(1), hasRange: true, loOpen: true, def: 512},
	"ad_use_steps":                   {typ: tBool, def: false},
	"ad_steps":                       {typ: tInt, lo: 0, hi: math.Inf(1), hasRange: true, loOpen: true, def: 28},
	"ad_use_cfg_scale":               {typ: tBool, def: false},
	"ad_cfg_scale":                   rng(tFloat, 0, math.Inf(1), 7.0),
	"ad_use_checkpoint":              {typ: tBool, def: false},
	"ad_checkpoint":                  {typ: tStr, nullable: true},
	"ad_use_vae":                     {typ: tBool, def: false},
	"ad_vae":                         {typ: tStr, nullable: true},
	"ad_use_sampler":                 {typ: tBool, def: false},
	"ad_sampler":                     {typ: tStr, def: "DPM++ 2M Karras"},
	"ad_scheduler":                   {typ: tStr, def: "Use same scheduler"},
	"ad_use_noise_multiplier":        {typ: tBool, def: false},
	"ad_noise_multiplier":            rng(tFloat, 0.5, 1.5, 1.0),
	"ad_use_clip_skip":               {typ: tBool, def: false},
	"ad_clip_skip":                   rng(tInt, 1, 12, 1),
	"ad_restore_face":                {typ: tBool, def: false},
	"ad_controlnet_model":            {typ: tStr, def: "None"},
	"ad_controlnet_module":           {typ: tStr, def: "None"},
	"ad_controlnet_weight":           rng(tFloat, 0, 1, 1.0),
	"ad_controlnet_guidance_start":   rng(tFloat, 0, 1, 0.0),
	"ad_controlnet_guidance_end":     rng(tFloat, 0, 1, 1.0),
}

// adUnit is a validated unit with defaults filled in.
type adUnit map[string]any

// checkADetailer validates alwayson_scripts.<title>.args: two booleans, then
// units with known keys, right types and in-range values (the real extension
// silently drops a bad unit; the fake answers 422). It returns the units.
func (s *Server) checkADetailer(title string, args []any) ([]adUnit, []problem) {
	base := []any{"body", "alwayson_scripts", title, "args"}
	loc := func(extra ...any) []any { return append(slices.Clone(base), extra...) }
	var probs []problem
	if len(args) < 2 {
		return nil, []problem{{loc: loc(), kind: "value",
			msg: "ADetailer args must start with two booleans [ad_enable, skip_img2img]"}}
	}
	for i := range 2 {
		if _, ok := args[i].(bool); !ok {
			probs = append(probs, problem{loc: loc(i), kind: "value", input: args[i],
				msg: "ADetailer args must start with two booleans [ad_enable, skip_img2img]"})
		}
	}
	maxUnits := 4
	if f, ok := s.optionValue("ad_max_models").(float64); ok && f >= 1 {
		maxUnits = int(f)
	}
	if len(args)-2 > maxUnits {
		probs = append(probs, problem{loc: loc(), kind: "value",
			msg: fmt.Sprintf("%d units but ad_max_models is %d", len(args)-2, maxUnits)})
	}
	models := orDefault(s.opts.ADetailerModels, DefaultADetailerModels)
	var units []adUnit
	for i, a := range args[2:] {
		idx := i + 2
		m, ok := a.(map[string]any)
		if !ok {
			probs = append(probs, problem{loc: loc(idx), kind: "dict", input: a})
			continue
		}
		unit := adUnit{}
		for k, spec := range adKeys {
			unit[k] = spec.def
		}
		for _, k := range sortedKeys(m) {
			v := m[k]
			spec, known := adKeys[k]
			if !known {
				probs = append(probs, problem{loc: loc(idx, k), kind: "extra", input: v})
				continue
			}
			if tp := checkType(loc(idx, k), v, spec.typ, !spec.nullable); len(tp) > 0 {
				probs = append(probs, tp...)
				continue
			}
			if p, bad := checkADRange(loc(idx, k), spec, v); bad {
				probs = append(probs, p)
				continue
			}
			unit[k] = v
		}
		if model, _ := unit["ad_model"].(string); model != "None" && !slices.Contains(models, model) {
			probs = append(probs, problem{loc: loc(idx, "ad_model"), kind: "value", input: model,
				msg: fmt.Sprintf("unknown ADetailer model '%s'", model)})
		}
		units = append(units, unit)
	}
	return units, probs
}

func checkADRange(loc []any, spec adKey, v any) (problem, bool) {
	if v == nil {
		return problem{}, false
	}
	if len(spec.enum) > 0 {
		s, _ := v.(string)
		if !slices.Contains(spec.enum, s) {
			return problem{loc: loc, kind: "value", input: v,
				msg: fmt.Sprintf("unexpected value; permitted: %s", strings.Join(quoteAll(spec.enum), ", "))}, true
		}
	}
	if !spec.hasRange {
		return problem{}, false
	}
	f, _ := v.(float64)
	switch {
	case spec.loOpen && f <= spec.lo:
		return problem{loc: loc, kind: "value", input: v, msg: fmt.Sprintf("ensure this value is greater than %s", formatValue(spec.lo))}, true
	case !spec.loOpen && f < spec.lo:
		return problem{loc: loc, kind: "value", input: v, msg: fmt.Sprintf("ensure this value is greater than or equal to %s", formatValue(spec.lo))}, true
	case f > spec.hi:
		return problem{loc: loc, kind: "value", input: v, msg: fmt.Sprintf("ensure this value is less than or equal to %s", formatValue(spec.hi))}, true
	}
	return problem{}, false
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = "'" + s + "'"
	}
	return out
}

// adetailerInfotext returns the infotext pairs of the enabled units.
func adetailerInfotext(units []adUnit) []kv {
	var out []kv
	n := 0
	for _, u := range units {
		model, _ := u["ad_model"].(string)
		if model == "None" || u["ad_tab_enable"] != true {
			continue
		}
		suffix := []string{"", " 2nd", " 3rd", " 4th", " 5th", " 6th", " 7th", " 8th", " 9th", " 10th"}[min(n, 9)]
		n++
		out = append(out,
			kv{"ADetailer model" + suffix, model},
			kv{"ADetailer confidence" + suffix, u["ad_confidence"]},
			kv{"ADetailer dilate erode" + suffix, intish(u["ad_dilate_erode"])},
			kv{"ADetailer mask blur" + suffix, intish(u["ad_mask_blur"])},
			kv{"ADetailer denoising strength" + suffix, u["ad_denoising_strength"]},
			kv{"ADetailer inpaint only masked" + suffix, u["ad_inpaint_only_masked"]},
			kv{"ADetailer inpaint padding" + suffix, intish(u["ad_inpaint_only_masked_padding"])},
		)
		if p, _ := u["ad_prompt"].(string); p != "" {
			out = append(out, kv{"ADetailer prompt" + suffix, p})
		}
		if p, _ := u["ad_negative_prompt"].(string); p != "" {
			out = append(out, kv{"ADetailer negative prompt" + suffix, p})
		}
	}
	if n > 0 {
		out = append(out, kv{"ADetailer version", ADetailerVersion})
	}
	return out
}

// intish turns whole floats into ints for the infotext.
func intish(v any) any {
	switch x := v.(type) {
	case float64:
		return int64(x)
	case int:
		return int64(x)
	}
	return v
}

// adetailerSchema is a JSON Schema of a unit, as /adetailer/v1/schema gives.
func adetailerSchema() map[string]any {
	props := map[string]any{}
	for k, spec := range adKeys {
		p := map[string]any{"title": strings.ReplaceAll(strings.TrimPrefix(k, "ad_"), "_", " ")}
		switch spec.typ {
		case tInt:
			p["type"] = "integer"
		case tFloat:
			p["type"] = "number"
		case tBool:
			p["type"] = "boolean"
		default:
			p["type"] = "string"
		}
		if spec.def != nil {
			p["default"] = spec.def
		}
		if len(spec.enum) > 0 {
			p["enum"] = spec.enum
		}
		if spec.hasRange {
			if spec.loOpen {
				p["exclusiveMinimum"] = spec.lo
			} else {
				p["minimum"] = spec.lo
			}
			if !math.IsInf(spec.hi, 1) {
				p["maximum"] = spec.hi
			}
		}
		props[k] = p
	}
	props["is_api"] = map[string]any{"title": "Is Api", "type": "boolean", "default": true}
	return map[string]any{"title": "ADetailerArgs", "type": "object", "properties": props, "additionalProperties": false}
}
