package webui

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
)

// sanitizePythonJSON replaces the NaN, Infinity and -Infinity tokens that
// Python's json.dumps writes (outside strings) with null. changed reports
// whether anything was replaced.
func sanitizePythonJSON(b []byte) ([]byte, bool) {
	if !bytes.Contains(b, []byte("NaN")) && !bytes.Contains(b, []byte("Infinity")) {
		return b, false
	}
	var out bytes.Buffer
	out.Grow(len(b))
	inStr, esc, changed := false, false, false
	for i := 0; i < len(b); i++ {
		ch := b[i]
		if inStr {
			out.WriteByte(ch)
			switch {
			case esc:
				esc = false
			case ch == '\\':
				esc = true
			case ch == '"':
				inStr = false
			}
			continue
		}
		switch {
		case ch == '"':
			inStr = true
			out.WriteByte(ch)
		case bytes.HasPrefix(b[i:], []byte("NaN")):
			out.WriteString("null")
			i += len("NaN") - 1
			changed = true
		case bytes.HasPrefix(b[i:], []byte("-Infinity")):
			out.WriteString("null")
			i += len("-Infinity") - 1
			changed = true
		case bytes.HasPrefix(b[i:], []byte("Infinity")):
			out.WriteString("null")
			i += len("Infinity") - 1
			changed = true
		default:
			out.WriteByte(ch)
		}
	}
	return out.Bytes(), changed
}

// DecodeImage decodes a base64 image as the WebUI sends it: raw base64 or a
// "data:image/png;base64,..." URL, with or without padding.
func DecodeImage(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "data:") {
		i := strings.Index(s, ",")
		if i < 0 {
			return nil, fmt.Errorf("%w: data URL without a comma", ErrInvalidImage)
		}
		s = s[i+1:]
	}
	if s == "" {
		return nil, fmt.Errorf("%w: empty string", ErrInvalidImage)
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		var err2 error
		if b, err2 = base64.RawStdEncoding.DecodeString(strings.TrimRight(s, "=")); err2 != nil {
			return nil, fmt.Errorf("%w: %v", ErrInvalidImage, err)
		}
	}
	if len(b) == 0 {
		return nil, fmt.Errorf("%w: no data", ErrInvalidImage)
	}
	return b, nil
}

// EncodeImage encodes image bytes as the raw base64 the WebUI expects in
// init_images, mask and image.
func EncodeImage(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// The helpers below read loosely typed JSON values (decoded into any) without
// failing: the WebUI writes ints as 2.0, SD.Next rounds, forks add keys.

func asFloat(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case bool:
		if x {
			return 1
		}
	case string:
		if f, err := strconv.ParseFloat(strings.TrimSpace(x), 64); err == nil {
			return f
		}
	}
	return 0
}

func asInt(v any) int64 {
	f := asFloat(v)
	if math.IsNaN(f) || math.IsInf(f, 0) || f > math.MaxInt64 || f < math.MinInt64 {
		return 0
	}
	return int64(f)
}

func asString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case nil:
		return ""
	}
	return stringOf(v)
}

func asBool(v any) bool {
	switch x := v.(type) {
	case bool:
		return x
	case float64:
		return x != 0
	case string:
		b, _ := strconv.ParseBool(strings.TrimSpace(x))
		return b
	}
	return false
}

func asStrings(v any) []string {
	list, ok := v.([]any)
	if !ok {
		return nil
	}
	out := make([]string, 0, len(list))
	for _, x := range list {
		out = append(out, asString(x))
	}
	return out
}

func asInts(v any) []int64 {
	list, ok := v.([]any)
	if !ok {
		return nil
	}
	out := make([]int64, 0, len(list))
	for _, x := range list {
		out = append(out, asInt(x))
	}
	return out
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}
