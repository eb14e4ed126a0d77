package pipeline

import (
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// FieldKey is the key a field path overrides as one: the path itself for a
// plain value ("txt2img.steps"), the whole list for anything inside a list
// ("adetailer.units[1].ad_confidence" → "adetailer.units"; lists are
// replaced as a whole by a Patch, and ADetailer units are merged by index,
// so a partial list would drop the units after it).
func FieldKey(path string) string {
	if i := strings.IndexByte(path, '['); i >= 0 {
		return path[:i]
	}
	return path
}

// FieldKeys returns the sorted, distinct FieldKeys of the changes.
func FieldKeys(changes []FieldChange) []string {
	var keys []string
	for _, c := range changes {
		keys = append(keys, FieldKey(c.Path))
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}

// PatchFromFields returns a patch that sets only the named fields of c, by
// their dotted YAML keys ("txt2img.steps", "hires.enabled",
// "adetailer.units"): applied to a base configuration it changes those
// fields and nothing else. It is how the stage fields the user changed
// override a pack (ConfigMerger). A key that names no field is an error.
func PatchFromFields(c PipelineConfig, source string, keys ...string) (*Patch, error) {
	var doc yaml.Node
	if err := doc.Encode(c); err != nil {
		// Encoding a plain struct of strings, numbers and slices cannot fail.
		panic(fmt.Sprintf("pipeline: encoding PipelineConfig: %v", err))
	}
	out := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for _, key := range keys {
		parts := strings.Split(key, ".")
		src, dst := &doc, out
		for i, part := range parts {
			src = mappingValue(src, part)
			if src == nil {
				return nil, fmt.Errorf("%s: no field %q", source, key)
			}
			if i == len(parts)-1 {
				setMapping(dst, part, src)
				break
			}
			next := mappingValue(dst, part)
			if next == nil {
				next = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
				setMapping(dst, part, next)
			}
			dst = next
		}
	}
	return &Patch{Source: source, root: out}, nil
}

// setMapping sets key to val in the mapping node m.
func setMapping(m *yaml.Node, key string, val *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content[i+1] = val
			return
		}
	}
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, val)
}

// CopyStageSections copies the stage sections (OverrideSections) of src
// into dst, sharing nothing with src; the other sections of dst stay.
func CopyStageSections(dst, src *PipelineConfig) {
	dst.Txt2Img = src.Txt2Img
	dst.Hires = src.Hires
	dst.Refiner = src.Refiner
	dst.Img2Img = src.Img2Img
	dst.ADetailer = src.ADetailer
	dst.ADetailer.Units = slices.Clone(src.ADetailer.Units)
	dst.Upscale = src.Upscale
}
