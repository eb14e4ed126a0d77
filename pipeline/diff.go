package pipeline

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// FieldChange is one field whose value differs between two configurations.
type FieldChange struct {
	// Path is the field's dotted YAML key path, as in a preset or sidecar:
	// "txt2img.steps", "adetailer.units[1].ad_confidence". A list element
	// that only one side has is named by its index: "adetailer.units[2]".
	Path string
	// Old and New are the values as text: whole numbers and floats in their
	// shortest form ("30", "6.5"), true or false, strings as they are. A list
	// of plain values is one field, written "[a, b]". A list element that
	// only one side has is written as its first field (an ADetailer unit's
	// detector, a LoRA's name) on that side and "" on the other.
	Old, New string
}

// String is "txt2img.steps: 20 → 30".
func (c FieldChange) String() string { return c.Path + ": " + c.Old + " → " + c.New }

// DiffConfigs lists the fields whose values differ between a and b, in the
// order of the PipelineConfig fields. sections limits it to those top-level
// sections ("txt2img", "hires", …; pipeline.OverrideSections are the stage
// cards); with none it compares every section. Equal configurations give
// nil.
func DiffConfigs(a, b PipelineConfig, sections ...string) []FieldChange {
	keep := map[string]bool{}
	for _, s := range sections {
		keep[s] = true
	}
	var out []FieldChange
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	t := va.Type()
	for i := 0; i < t.NumField(); i++ {
		key := yamlKey(t.Field(i))
		if key == "" || (len(keep) > 0 && !keep[key]) {
			continue
		}
		diffValue(key, va.Field(i), vb.Field(i), &out)
	}
	return out
}

// diffValue appends the changes between a and b (of one type) under path.
func diffValue(path string, a, b reflect.Value, out *[]FieldChange) {
	switch a.Kind() {
	case reflect.Struct:
		t := a.Type()
		for i := 0; i < t.NumField(); i++ {
			if key := yamlKey(t.Field(i)); key != "" {
				diffValue(path+"."+key, a.Field(i), b.Field(i), out)
			}
		}
	case reflect.Slice:
		if a.Type().Elem().Kind() != reflect.Struct {
			if oa, ob := valueText(a), valueText(b); oa != ob {
				*out = append(*out, FieldChange{Path: path, Old: oa, New: ob})
			}
			return
		}
		for i := 0; i < max(a.Len(), b.Len()); i++ {
			elem := fmt.Sprintf("%s[%d]", path, i)
			switch {
			case i >= a.Len():
				*out = append(*out, FieldChange{Path: elem, New: elementName(b.Index(i))})
			case i >= b.Len():
				*out = append(*out, FieldChange{Path: elem, Old: elementName(a.Index(i))})
			default:
				diffValue(elem, a.Index(i), b.Index(i), out)
			}
		}
	default:
		if oa, ob := valueText(a), valueText(b); oa != ob {
			*out = append(*out, FieldChange{Path: path, Old: oa, New: ob})
		}
	}
}

// elementName names a list element of struct type by its first field.
func elementName(v reflect.Value) string {
	if v.NumField() == 0 {
		return ""
	}
	return valueText(v.Field(0))
}

// valueText writes a plain value, or a list of plain values, as text.
func valueText(v reflect.Value) string {
	switch v.Kind() {
	case reflect.String:
		return v.String()
	case reflect.Bool:
		return strconv.FormatBool(v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.FormatUint(v.Uint(), 10)
	case reflect.Float32, reflect.Float64:
		return strconv.FormatFloat(v.Float(), 'f', -1, 64)
	case reflect.Slice:
		parts := make([]string, v.Len())
		for i := range parts {
			parts[i] = valueText(v.Index(i))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return fmt.Sprint(v.Interface())
}

// yamlKey is a struct field's YAML key, or "" for a field without one.
func yamlKey(f reflect.StructField) string {
	key, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	if key == "-" {
		return ""
	}
	return key
}
