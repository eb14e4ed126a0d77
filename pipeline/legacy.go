package pipeline

import (
	"fmt"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// The original StableNew wrote pack sidecars and presets as JSON with the
// sections txt2img, img2img, upscale, adetailer, hires_fix, pipeline,
// randomization and lora_strengths, and key names of its own. legacyKeys
// maps each of its keys to this schema's key path; an empty target marks a
// key that has no equivalent here: it is read, not applied, and listed in
// the patch's notes.
var legacyKeys = map[string]string{
	"txt2img.model":                "txt2img.model",
	"txt2img.sd_model":             "txt2img.model",
	"txt2img.vae":                  "txt2img.vae",
	"txt2img.sampler_name":         "txt2img.sampler_name",
	"txt2img.scheduler":            "txt2img.scheduler",
	"txt2img.steps":                "txt2img.steps",
	"txt2img.cfg_scale":            "txt2img.cfg_scale",
	"txt2img.width":                "txt2img.width",
	"txt2img.height":               "txt2img.height",
	"txt2img.clip_skip":            "txt2img.clip_skip",
	"txt2img.seed":                 "txt2img.seed",
	"txt2img.subseed":              "txt2img.subseed",
	"txt2img.subseed_strength":     "txt2img.subseed_strength",
	"txt2img.prompt":               "prompt.positive",
	"txt2img.negative_prompt":      "prompt.negative",
	"txt2img.batch_size":           "batch.batch_size",
	"txt2img.enabled":              "txt2img.enabled",
	"txt2img.enable_hr":            "hires.enabled",
	"txt2img.hr_scale":             "hires.scale",
	"txt2img.hr_upscaler":          "hires.upscaler",
	"txt2img.hr_second_pass_steps": "hires.steps",
	"txt2img.hr_resize_x":          "hires.resize_x",
	"txt2img.hr_resize_y":          "hires.resize_y",
	"txt2img.hr_checkpoint_name":   "hires.checkpoint",
	"txt2img.hr_sampler_name":      "hires.sampler_name",
	"txt2img.denoising_strength":   "hires.denoise",
	"txt2img.refiner_enabled":      "refiner.enabled",
	"txt2img.refiner_checkpoint":   "refiner.checkpoint",
	"txt2img.refiner_model_name":   "refiner.checkpoint",
	"txt2img.refiner_switch_at":    "refiner.switch_at",
	"txt2img.n_iter":               "",
	"txt2img.styles":               "",
	"txt2img.restore_faces":        "",
	"txt2img.tiling":               "",

	"hires_fix.enabled":        "hires.enabled",
	"hires_fix.upscaler_name":  "hires.upscaler",
	"hires_fix.upscaler":       "hires.upscaler",
	"hires_fix.upscale_factor": "hires.scale",
	"hires_fix.steps":          "hires.steps",
	"hires_fix.denoise":        "hires.denoise",
	"hires_fix.use_base_model": "",

	"img2img.enabled":            "img2img.enabled",
	"img2img.sampler_name":       "img2img.sampler_name",
	"img2img.scheduler":          "img2img.scheduler",
	"img2img.steps":              "img2img.steps",
	"img2img.cfg_scale":          "img2img.cfg_scale",
	"img2img.denoising_strength": "img2img.denoise",
	"img2img.width":              "img2img.width",
	"img2img.height":             "img2img.height",
	"img2img.resize_mode":        "img2img.resize_mode",
	"img2img.input_image_path":   "img2img.input_image",
	"img2img.seed":               "",
	"img2img.mask_mode":          "",
	"img2img.negative_adjust":    "",

	"upscale.enabled":                      "upscale.enabled",
	"upscale.upscaler":                     "upscale.upscaler_1",
	"upscale.upscaler_1":                   "upscale.upscaler_1",
	"upscale.upscaler_2":                   "upscale.upscaler_2",
	"upscale.extras_upscaler_2_visibility": "upscale.upscaler_2_visibility",
	"upscale.upscaling_resize":             "upscale.factor",
	"upscale.upscaling_resize_w":           "upscale.target_width",
	"upscale.upscaling_resize_h":           "upscale.target_height",
	"upscale.gfpgan_visibility":            "upscale.gfpgan_visibility",
	"upscale.codeformer_visibility":        "upscale.codeformer_visibility",
	"upscale.codeformer_weight":            "upscale.codeformer_weight",
	"upscale.upscale_mode":                 "",
	"upscale.steps":                        "",
	"upscale.denoising_strength":           "",
	"upscale.tile_size":                    "",
	"upscale.face_restore":                 "",

	"adetailer.enabled":                   "adetailer.enabled",
	"adetailer.adetailer_enabled":         "adetailer.enabled",
	"adetailer.adetailer_model":           "adetailer.units.0.ad_model",
	"adetailer.adetailer_confidence":      "adetailer.units.0.ad_confidence",
	"adetailer.adetailer_mask_feather":    "adetailer.units.0.ad_mask_blur",
	"adetailer.mask_blur":                 "adetailer.units.0.ad_mask_blur",
	"adetailer.adetailer_denoise":         "adetailer.units.0.ad_denoising_strength",
	"adetailer.adetailer_steps":           "adetailer.units.0.ad_steps",
	"adetailer.adetailer_cfg":             "adetailer.units.0.ad_cfg_scale",
	"adetailer.adetailer_sampler":         "adetailer.units.0.ad_sampler",
	"adetailer.adetailer_scheduler":       "adetailer.units.0.ad_scheduler",
	"adetailer.adetailer_prompt":          "adetailer.units.0.ad_prompt",
	"adetailer.adetailer_negative_prompt": "adetailer.units.0.ad_negative_prompt",
	"adetailer.max_detections":            "adetailer.units.0.ad_mask_k",
	"adetailer.detector":                  "",
	"adetailer.mask_merge_mode":           "",
	"adetailer.only_faces":                "",
	"adetailer.only_hands":                "",

	"pipeline.txt2img_enabled":                 "txt2img.enabled",
	"pipeline.img2img_enabled":                 "img2img.enabled",
	"pipeline.adetailer_enabled":               "adetailer.enabled",
	"pipeline.upscale_enabled":                 "upscale.enabled",
	"pipeline.loop_count":                      "batch.batch_runs",
	"pipeline.batch_runs":                      "batch.batch_runs",
	"pipeline.batch_size":                      "batch.batch_size",
	"pipeline.apply_global_negative_txt2img":   "prompt.apply_global_negative",
	"pipeline.apply_global_negative_img2img":   "",
	"pipeline.apply_global_negative_upscale":   "",
	"pipeline.apply_global_negative_adetailer": "",
	"pipeline.run_mode":                        "",

	"randomization.enabled":            "randomizer.enabled",
	"randomization.seed":               "randomizer.seed",
	"randomization.max_variants":       "randomizer.max_variants",
	"randomization.matrix.enabled":     "randomizer.matrix.enabled",
	"randomization.matrix.mode":        "randomizer.matrix.mode",
	"randomization.matrix.prompt_mode": "randomizer.matrix.prompt_mode",
	"randomization.matrix.limit":       "randomizer.matrix.limit",
	"randomization.matrix.slots":       "randomizer.matrix.slots",
	"randomization.matrix.base_prompt": "randomizer.matrix.base_prompt",
	"randomization.matrix.raw_text":    "",
	"randomization.wildcards.enabled":  "randomizer.wildcards.enabled",
	"randomization.wildcards.mode":     "randomizer.wildcards.mode",
	"randomization.wildcards.tokens":   "randomizer.wildcards.tokens",
	"randomization.prompt_sr.enabled":  "randomizer.prompt_sr.enabled",
	"randomization.prompt_sr.mode":     "randomizer.prompt_sr.mode",
	"randomization.prompt_sr.rules":    "randomizer.prompt_sr.rules",
	"randomization.prompt_sr.raw_text": "",

	"lora_strengths":           "lora_strengths",
	"output.output_dir":        "output.root",
	"output.filename_template": "output.filename_template",
	"output.format":            "output.format",
	"output.seed_mode":         "batch.seed_mode",
	"metadata":                 "",
	"preset_name":              "",
	"pack_name":                "",
}

// legacyModeAliases maps the original's matrix mode aliases to this schema.
var legacyModeAliases = map[string]string{"grid": "fanout", "all": "fanout", "round_robin": "sequential", "per_prompt": "random"}

// isLegacy reports whether a document is in the original StableNew's format.
func isLegacy(root *yaml.Node) bool {
	for _, k := range []string{"pipeline", "randomization", "hires_fix"} {
		if mappingValue(root, k) != nil {
			return true
		}
	}
	t := mappingValue(root, "txt2img")
	for _, k := range []string{"enable_hr", "hr_scale", "refiner_switch_at", "negative_prompt", "denoising_strength"} {
		if mappingValue(t, k) != nil {
			return true
		}
	}
	return mappingValue(mappingValue(root, "upscale"), "upscaling_resize") != nil ||
		mappingValue(mappingValue(root, "adetailer"), "adetailer_model") != nil
}

// translateLegacy rewrites an original-format document into this schema.
func translateLegacy(root *yaml.Node) (*yaml.Node, []string, []string) {
	out := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: root.Line}
	var notes, problems []string
	var walk func(n *yaml.Node, path string)
	walk = func(n *yaml.Node, path string) {
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], resolveAlias(n.Content[i+1])
			kp := joinPath(path, k.Value)
			target, known := legacyKeys[kp]
			switch {
			case known && target == "":
				notes = append(notes, fmt.Sprintf("%s (line %d) is a setting of the original StableNew that has no equivalent here; not applied", kp, k.Line))
			case known:
				if strings.HasSuffix(kp, "matrix.mode") && v.Kind == yaml.ScalarNode {
					if alias, ok := legacyModeAliases[v.Value]; ok {
						v = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: alias, Line: v.Line}
					}
				}
				setPath(out, target, v)
				if strings.HasPrefix(target, "adetailer.units.0.ad_") && (strings.HasSuffix(target, "_steps") || strings.HasSuffix(target, "_cfg_scale") || strings.HasSuffix(target, "_sampler")) {
					use := "adetailer.units.0.ad_use_" + strings.TrimPrefix(target, "adetailer.units.0.ad_")
					setPath(out, use, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: "true", Line: v.Line})
				}
			case v.Kind == yaml.MappingNode && hasLegacyPrefix(kp+"."):
				walk(v, kp)
			default:
				problems = append(problems, problem(k, kp, "unknown key in an original-StableNew file; known keys here: %s", strings.Join(legacyChildren(path), ", ")))
			}
		}
	}
	walk(root, "")
	if mappingValue(root, "txt2img") != nil && mappingValue(mappingValue(root, "txt2img"), "refiner_checkpoint") != nil &&
		mappingValue(mappingValue(out, "refiner"), "enabled") == nil {
		ck := mappingValue(mappingValue(out, "refiner"), "checkpoint")
		on := ck != nil && ck.Value != "" && ck.Value != "None"
		setPath(out, "refiner.enabled", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: fmt.Sprint(on)})
	}
	return out, notes, problems
}

func hasLegacyPrefix(prefix string) bool {
	for k := range legacyKeys {
		if strings.HasPrefix(k, prefix) {
			return true
		}
	}
	return false
}

func legacyChildren(path string) []string {
	seen := map[string]bool{}
	prefix := path + "."
	if path == "" {
		prefix = ""
	}
	var out []string
	for k := range legacyKeys {
		if rest, ok := strings.CutPrefix(k, prefix); ok {
			first, _, _ := strings.Cut(rest, ".")
			if !seen[first] {
				seen[first] = true
				out = append(out, first)
			}
		}
	}
	sort.Strings(out)
	return out
}

// setPath sets a dotted path in a mapping tree, creating mappings on the way;
// a numeric segment addresses a list element (created as needed).
func setPath(root *yaml.Node, path string, v *yaml.Node) {
	parts := strings.Split(path, ".")
	n := root
	for i, part := range parts {
		last := i == len(parts)-1
		if n.Kind == yaml.SequenceNode {
			idx := 0
			fmt.Sscanf(part, "%d", &idx)
			for len(n.Content) <= idx {
				n.Content = append(n.Content, &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"})
			}
			n = n.Content[idx]
			continue
		}
		child := mappingValue(n, part)
		if last {
			if child != nil {
				*child = *v
			} else {
				n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: part, Line: v.Line}, v)
			}
			return
		}
		if child == nil {
			kind, tag := yaml.MappingNode, "!!map"
			if parts[i+1] >= "0" && parts[i+1] <= "9" {
				kind, tag = yaml.SequenceNode, "!!seq"
			}
			child = &yaml.Node{Kind: kind, Tag: tag}
			n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: part}, child)
		}
		n = child
	}
}
