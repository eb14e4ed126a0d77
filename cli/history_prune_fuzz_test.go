package cli

import (
	"strings"
	"testing"
)

// FuzzParseAge: --older-than never panics, and what it accepts is a
// positive age with no negative part.
func FuzzParseAge(f *testing.F) {
	for _, s := range []string{"30d", "36h", "1d12h", "0d", "-1d48h", "d", "1.5d", "9999999d", "1d-1h", " 7d ", "+1d", "1h1d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := parseAge(s)
		if err != nil {
			return
		}
		if d <= 0 {
			t.Fatalf("parseAge(%q) = %v: accepted a non-positive age", s, d)
		}
		if strings.Contains(s, "-") {
			t.Fatalf("parseAge(%q) = %v: accepted a negative part", s, d)
		}
	})
}
