package packs

import (
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxNameLen bounds pack and preset names, in bytes.
const maxNameLen = 100

// SanitizeName turns a name typed by the user into one that is safe as a
// file stem on every platform: surrounding spaces and leading dots go,
// characters a file name can't hold (/ \ : * ? " < > | and control
// characters) become "_", trailing dots and spaces go. It fails when
// nothing usable is left or the name is too long. SavePreset applies it;
// a GUI can call it to show the name a preset will get.
func SanitizeName(name string) (string, error) {
	s := strings.TrimSpace(name)
	s = strings.TrimLeft(s, ".")
	s = strings.Map(func(r rune) rune {
		if r == utf8.RuneError || unicode.IsControl(r) || strings.ContainsRune(`/\:*?"<>|`, r) {
			return '_'
		}
		return r
	}, s)
	s = strings.TrimRight(s, ". ")
	if strings.Trim(s, "_ ") == "" {
		return "", fmt.Errorf("name %q has no usable characters; use letters, digits, spaces, - or _", name)
	}
	if len(s) > maxNameLen {
		return "", fmt.Errorf("name %q is %d bytes long; use at most %d", name, len(s), maxNameLen)
	}
	return s, nil
}

// checkID reports whether id is usable as a pack id as it is.
func checkID(id string) error {
	clean, err := SanitizeName(id)
	if err != nil {
		return fmt.Errorf("pack id: %w", err)
	}
	if clean != id {
		return fmt.Errorf("pack id %q has characters a file name can't hold; use %q", id, clean)
	}
	return nil
}

// closeMatches returns up to three candidates that look like query: equal
// ignoring case, containing it or contained in it, or within a small edit
// distance; closest first.
func closeMatches(query string, candidates []string) []string {
	q := strings.ToLower(query)
	type scored struct {
		name  string
		score int
	}
	var hits []scored
	for _, c := range candidates {
		lc := strings.ToLower(c)
		d := editDistance(q, lc)
		switch {
		case q == "":
			continue
		case strings.Contains(lc, q) || strings.Contains(q, lc):
			d = min(d, 1)
		case d > max(2, utf8.RuneCountInString(q)/3):
			continue
		}
		hits = append(hits, scored{c, d})
	}
	sort.SliceStable(hits, func(i, j int) bool {
		if hits[i].score != hits[j].score {
			return hits[i].score < hits[j].score
		}
		return hits[i].name < hits[j].name
	})
	var out []string
	for i := 0; i < len(hits) && i < 3; i++ {
		out = append(out, hits[i].name)
	}
	return out
}

// editDistance is the Levenshtein distance between a and b, in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// notFound builds the error for an unknown pack or preset name.
func notFound(kind, name, where string, known []string) error {
	msg := fmt.Sprintf("no %s named %q in %s", kind, name, where)
	if m := closeMatches(name, known); len(m) > 0 {
		return fmt.Errorf("%s; did you mean %s?", msg, quoteList(m))
	}
	if len(known) == 0 {
		return fmt.Errorf("%s; there are none yet", msg)
	}
	shown := known
	if len(shown) > 10 {
		shown = shown[:10]
	}
	more := ""
	if len(known) > len(shown) {
		more = fmt.Sprintf(" (+%d more)", len(known)-len(shown))
	}
	return fmt.Errorf("%s; available: %s%s", msg, strings.Join(shown, ", "), more)
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	switch len(q) {
	case 1:
		return q[0]
	case 2:
		return q[0] + " or " + q[1]
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}
