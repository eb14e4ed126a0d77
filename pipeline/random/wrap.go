package random

import "strings"

// wrapMarkers are the placeholders of a %{wrapper$$inner} wrapper.
var wrapMarkers = []string{"\u1801", "\u2026", "\u22ee", "\u22ef", "\u22f0", "\u22f1", "\ufe19"}

// splitWrapper splits a wrapper at its first placeholder: a run of three or
// more dots or of ellipsis characters. Without one, the inner text is
// appended.
func splitWrapper(w string) (string, string) {
	best, end := -1, -1
	if i := strings.Index(w, "..."); i >= 0 {
		j := i
		for j < len(w) && w[j] == '.' {
			j++
		}
		best, end = i, j
	}
	for _, m := range wrapMarkers {
		if i := strings.Index(w, m); i >= 0 && (best < 0 || i < best) {
			j := i
			for {
				matched := false
				for _, m2 := range wrapMarkers {
					if strings.HasPrefix(w[j:], m2) {
						j += len(m2)
						matched = true
						break
					}
				}
				if !matched {
					break
				}
			}
			best, end = i, j
		}
	}
	if best < 0 {
		return w, ""
	}
	return w[:best], w[end:]
}
