package pipeline

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Patch is a partial PipelineConfig document: the keys a preset, pack
// sidecar or override file sets, and nothing else. Applying it to a base
// configuration changes exactly those keys; every other field keeps the base
// value. A Patch is checked against the schema when it is parsed, so an
// unknown key or a value of the wrong type is an error naming its key path
// and line, never silently dropped.
//
// Lists are replaced as a whole, each new element starting from its default
// (a LoRA from DefaultLoRAStrength, and so on), except adetailer.units, which
// merges unit by unit so that an override can change one field of the first
// unit. A null value leaves the base value as it is.
type Patch struct {
	// Source names the file (or "stage cards") in messages.
	Source string
	// Notes lists keys of an original-StableNew file that were read but have
	// no equivalent here, so the user can see what was not applied.
	Notes []string
	root  *yaml.Node
}

// PatchError lists every problem found in one file.
type PatchError struct {
	Source   string
	Problems []string
}

func (e *PatchError) Error() string {
	if len(e.Problems) == 1 {
		return e.Source + ": " + e.Problems[0]
	}
	return fmt.Sprintf("%s: %d problems:\n  %s", e.Source, len(e.Problems), strings.Join(e.Problems, "\n  "))
}

// ParsePatch reads a YAML or JSON document (JSON when it starts with "{"),
// checks every key and value against the PipelineConfig schema and returns
// the patch. Files written by the original StableNew (with top-level keys
// such as "pipeline" or "randomization") are translated to this schema.
func ParsePatch(data []byte, source string) (*Patch, error) {
	root, err := parseDocument(data, source)
	if err != nil {
		return nil, err
	}
	p := &Patch{Source: source, root: root}
	if root == nil {
		return p, nil
	}
	if isLegacy(root) {
		translated, notes, problems := translateLegacy(root)
		if len(problems) > 0 {
			return nil, &PatchError{Source: source, Problems: problems}
		}
		p.root, p.Notes = translated, notes
	}
	var problems []string
	checkNode(p.root, reflect.TypeOf(PipelineConfig{}), "", &problems)
	if len(problems) > 0 {
		return nil, &PatchError{Source: source, Problems: problems}
	}
	return p, nil
}

// PatchFromConfig returns a patch that sets every field of the named
// top-level sections of c ("txt2img", "hires", ...). With no sections it sets
// every field. It is how the stage cards become overrides.
func PatchFromConfig(c PipelineConfig, source string, sections ...string) *Patch {
	var doc yaml.Node
	if err := doc.Encode(c); err != nil {
		// Encoding a plain struct of strings, numbers and slices cannot fail.
		panic(fmt.Sprintf("pipeline: encoding PipelineConfig: %v", err))
	}
	if len(sections) > 0 {
		keep := map[string]bool{}
		for _, s := range sections {
			keep[s] = true
		}
		var content []*yaml.Node
		for i := 0; i+1 < len(doc.Content); i += 2 {
			if keep[doc.Content[i].Value] {
				content = append(content, doc.Content[i], doc.Content[i+1])
			}
		}
		doc.Content = content
	}
	return &Patch{Source: source, root: &doc}
}

// Empty reports whether the patch sets nothing.
func (p *Patch) Empty() bool {
	return p == nil || p.root == nil || len(p.root.Content) == 0
}

// Has reports whether the patch sets the key at path ("hires.enabled").
func (p *Patch) Has(path string) bool { return p.lookup(path) != nil }

func (p *Patch) lookup(path string) *yaml.Node {
	if p.Empty() {
		return nil
	}
	n := p.root
	for _, key := range strings.Split(path, ".") {
		n = mappingValue(n, key)
		if n == nil {
			return nil
		}
	}
	return n
}

// Keys lists the top-level sections the patch sets.
func (p *Patch) Keys() []string {
	if p.Empty() {
		return nil
	}
	var keys []string
	for i := 0; i+1 < len(p.root.Content); i += 2 {
		keys = append(keys, p.root.Content[i].Value)
	}
	return keys
}

// ApplyTo returns base with the patch's keys set. base is not changed.
func (p *Patch) ApplyTo(base PipelineConfig) (PipelineConfig, error) {
	out := base.Clone()
	if p.Empty() {
		return out, nil
	}
	var problems []string
	overlay(p.root, reflect.ValueOf(&out).Elem(), "", &problems)
	if len(problems) > 0 {
		return base, &PatchError{Source: p.Source, Problems: problems}
	}
	return out, nil
}

// without returns a copy of the patch with the given top-level section
// replaced by only its "enabled" key (used by the merger for enabled=false).
func (p *Patch) without(section string) *Patch {
	if p.Empty() {
		return p
	}
	root := *p.root
	root.Content = append([]*yaml.Node(nil), p.root.Content...)
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value != section {
			continue
		}
		sec := *root.Content[i+1]
		sec.Content = nil
		for j := 0; j+1 < len(root.Content[i+1].Content); j += 2 {
			if root.Content[i+1].Content[j].Value == "enabled" {
				sec.Content = append(sec.Content, root.Content[i+1].Content[j], root.Content[i+1].Content[j+1])
			}
		}
		root.Content[i+1] = &sec
	}
	return &Patch{Source: p.Source, Notes: p.Notes, root: &root}
}

func mappingValue(n *yaml.Node, key string) *yaml.Node {
	n = resolveAlias(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return resolveAlias(n.Content[i+1])
		}
	}
	return nil
}

func resolveAlias(n *yaml.Node) *yaml.Node {
	for depth := 0; n != nil && n.Kind == yaml.AliasNode && depth < 32; depth++ {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

// fieldsByKey maps the yaml keys of a struct type to field indexes.
func fieldsByKey(t reflect.Type) (map[string]int, []string) {
	m := make(map[string]int, t.NumField())
	keys := make([]string, 0, t.NumField())
	for i := 0; i < t.NumField(); i++ {
		key := yamlKey(t.Field(i))
		if key == "" {
			continue
		}
		m[key] = i
		keys = append(keys, key)
	}
	return m, keys
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func problem(n *yaml.Node, path, format string, args ...any) string {
	msg := fmt.Sprintf(format, args...)
	if n != nil && n.Line > 0 {
		return fmt.Sprintf("line %d: %s: %s", n.Line, path, msg)
	}
	return path + ": " + msg
}

// checkNode validates a document against a Go type without setting anything.
func checkNode(n *yaml.Node, t reflect.Type, path string, problems *[]string) {
	overlay(n, reflect.New(t).Elem(), path, problems)
}

// overlay sets v from n: struct fields from mapping keys (unknown keys are
// problems), lists wholesale, scalars with strict type checks. Problems are
// collected rather than stopping at the first.
func overlay(n *yaml.Node, v reflect.Value, path string, problems *[]string) {
	n = resolveAlias(n)
	if n == nil || isNull(n) {
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			*problems = append(*problems, problem(n, pathOrRoot(path), "must be a mapping of keys to values, got %s", describe(n)))
			return
		}
		fields, keys := fieldsByKey(v.Type())
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			kp := joinPath(path, k.Value)
			idx, ok := fields[k.Value]
			if !ok {
				*problems = append(*problems, problem(k, kp, "unknown key; known keys here: %s", strings.Join(sortedCopy(keys), ", ")))
				continue
			}
			if seen[k.Value] {
				*problems = append(*problems, problem(k, kp, "key appears twice"))
				continue
			}
			seen[k.Value] = true
			overlay(val, v.Field(idx), kp, problems)
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			*problems = append(*problems, problem(n, path, "must be a list, got %s", describe(n)))
			return
		}
		if len(n.Content) == 0 {
			v.Set(reflect.Zero(v.Type())) // an empty list reads as nil, as it was written
			return
		}
		byIndex := path == "adetailer.units"
		out := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, item := range n.Content {
			elem := out.Index(i)
			if byIndex && i < v.Len() {
				elem.Set(v.Index(i))
			} else {
				elem.Set(defaultElem(v.Type().Elem()))
			}
			overlay(item, elem, fmt.Sprintf("%s[%d]", path, i), problems)
		}
		v.Set(out)
	default:
		if n.Kind != yaml.ScalarNode {
			*problems = append(*problems, problem(n, path, "must be a single value, got %s", describe(n)))
			return
		}
		if msg := setScalar(n, v); msg != "" {
			*problems = append(*problems, problem(n, path, "%s", msg))
		}
	}
}

func pathOrRoot(path string) string {
	if path == "" {
		return "document"
	}
	return path
}

func sortedCopy(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	default:
		return strconv.Quote(n.Value)
	}
}

// defaultElem returns the value a new list element starts from.
func defaultElem(t reflect.Type) reflect.Value {
	switch t {
	case reflect.TypeOf(ADetailerUnit{}):
		return reflect.ValueOf(DefaultADetailerUnit())
	case reflect.TypeOf(LoRAStrength{}):
		return reflect.ValueOf(DefaultLoRAStrength())
	}
	return reflect.New(t).Elem()
}

// parseFinite reads a finite number, or says why s is none: not a number,
// too large for a float64, or NaN or ±Inf in any spelling (Go's NaN, Inf,
// YAML's .nan, .inf), which no field of a configuration can take.
func parseFinite(s string) (float64, string) {
	switch strings.ToLower(strings.TrimLeft(s, "+-")) {
	case ".nan", ".inf":
		return 0, fmt.Sprintf("must be a finite number, got %q", s)
	}
	f, err := strconv.ParseFloat(s, 64)
	switch {
	case errors.Is(err, strconv.ErrRange):
		return 0, fmt.Sprintf("number %s is too large", s)
	case err != nil:
		return 0, fmt.Sprintf("must be a number, got %q", s)
	case math.IsNaN(f) || math.IsInf(f, 0):
		return 0, fmt.Sprintf("must be a finite number, got %q", s)
	}
	return f, ""
}

// scalarBool reads a YAML boolean: true, True, TRUE, false, False or FALSE,
// unquoted. ok is false for anything else (and for a nil node).
func scalarBool(n *yaml.Node) (value, ok bool) {
	if n == nil || n.Kind != yaml.ScalarNode || n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
		return false, false
	}
	switch n.Value {
	case "true", "True", "TRUE":
		return true, true
	case "false", "False", "FALSE":
		return false, true
	}
	return false, false
}

// setScalar converts a scalar node into v, returning a message on failure.
func setScalar(n *yaml.Node, v reflect.Value) string {
	s := n.Value
	quoted := n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Bool:
		b, ok := scalarBool(n)
		if !ok {
			return fmt.Sprintf("must be true or false, got %q", s)
		}
		v.SetBool(b)
	case reflect.Int, reflect.Int64:
		i, err := strconv.ParseInt(s, 10, 64)
		if errors.Is(err, strconv.ErrRange) && !quoted {
			return fmt.Sprintf("number %s is too large", s)
		}
		if err != nil || quoted {
			return fmt.Sprintf("must be a whole number, got %q", s)
		}
		if v.OverflowInt(i) {
			return fmt.Sprintf("number %s is too large", s)
		}
		v.SetInt(i)
	case reflect.Float64:
		f, msg := parseFinite(s)
		if quoted && msg == "" {
			msg = fmt.Sprintf("must be a number, got %q", s)
		}
		if msg != "" {
			return msg
		}
		v.SetFloat(f)
	default:
		return fmt.Sprintf("cannot be set from a file (type %s)", v.Type())
	}
	return ""
}
