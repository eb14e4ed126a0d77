package webuitest

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
)

// kv is one "Key: value" pair of an infotext.
type kv struct {
	key string
	val any // string, int, int64, float64 or bool
}

// infotext builds A1111's "parameters" text: the prompt, an optional
// "Negative prompt:" line and one "Key: value, ..." line.
func infotext(prompt, negative string, pairs []kv) string {
	var b strings.Builder
	b.WriteString(prompt)
	if negative != "" {
		b.WriteString("\nNegative prompt: ")
		b.WriteString(negative)
	}
	parts := make([]string, 0, len(pairs))
	for _, p := range pairs {
		if p.val == nil {
			continue
		}
		parts = append(parts, p.key+": "+quoteValue(formatValue(p.val)))
	}
	b.WriteString("\n")
	b.WriteString(strings.Join(parts, ", "))
	return b.String()
}

// formatValue renders a value like Python's str(): floats keep ".0".
func formatValue(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return pyFloat(x)
	case bool:
		if x {
			return "True"
		}
		return "False"
	}
	return stringify(v)
}

// pyFloat formats a float like Python's repr (7 → "7.0").
func pyFloat(f float64) string {
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.ContainsAny(s, ".eEn") {
		s += ".0"
	}
	return s
}

// quoteValue JSON-quotes a value containing ',', ':' or a newline.
func quoteValue(s string) string {
	if !strings.ContainsAny(s, ",:\n") {
		return s
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSuffix(buf.String(), "\n")
}

// reParam is A1111's infotext parameter pattern.
var reParam = regexp.MustCompile(`\s*([\w ]+):\s*("(?:\\.|[^\\"])+"|[^,]*)(?:,|$)`)

// ParseInfotext parses an infotext like A1111's png-info "parameters": the
// prompt, "Negative prompt", every key as a string, Size-1/Size-2, and the
// defaults Clip skip "1", Schedule type "Automatic", RNG "GPU".
func ParseInfotext(text string) map[string]any {
	out := map[string]any{}
	lines := strings.Split(strings.TrimSpace(text), "\n")
	last := ""
	if len(lines) > 0 && len(reParam.FindAllString(lines[len(lines)-1], -1)) >= 3 {
		last = lines[len(lines)-1]
		lines = lines[:len(lines)-1]
	}
	var prompt, negative []string
	inNeg := false
	for _, l := range lines {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(l), "Negative prompt:"); ok {
			inNeg = true
			l = strings.TrimSpace(rest)
		}
		if inNeg {
			negative = append(negative, l)
		} else {
			prompt = append(prompt, l)
		}
	}
	out["Prompt"] = strings.Join(prompt, "\n")
	out["Negative prompt"] = strings.Join(negative, "\n")
	for _, m := range reParam.FindAllStringSubmatch(last, -1) {
		key, val := strings.TrimSpace(m[1]), strings.TrimSpace(m[2])
		if strings.HasPrefix(val, `"`) && strings.HasSuffix(val, `"`) {
			var s string
			if json.Unmarshal([]byte(val), &s) == nil {
				val = s
			}
		}
		out[key] = val
		if key == "Size" {
			if w, h, ok := strings.Cut(val, "x"); ok {
				out["Size-1"], out["Size-2"] = w, h
			}
		}
	}
	for k, v := range map[string]string{"Clip skip": "1", "Schedule type": "Automatic", "RNG": "GPU"} {
		if _, ok := out[k]; !ok {
			out[k] = v
		}
	}
	return out
}
