package resources

import (
	"sort"
	"strings"
	"unicode"
)

// simpleName is a name and its simplify form.
type simpleName struct{ name, simple string }

func simplifyAll(names []string) []simpleName {
	out := make([]simpleName, 0, len(names))
	for _, n := range names {
		if s := simplify(n); s != "" {
			out = append(out, simpleName{n, s})
		}
	}
	return out
}

// closestAmong returns up to n of names nearest to name, best first: names
// that contain it (or that it contains) before names a few edits away.
// Folders, extensions, hashes, case and punctuation are ignored (names come
// simplified, see simplifyAll). Names too far away are left out, so the
// result may be empty.
func closestAmong(name string, names []simpleName, n int) []string {
	want := simplify(name)
	if want == "" || n <= 0 {
		return nil
	}
	type cand struct {
		name  string
		score int // lower is closer
	}
	var cs []cand
	var buf []int
	for _, c := range names {
		s := c.simple
		var score int
		switch {
		case s == want:
			score = 0
		case strings.Contains(s, want) || strings.Contains(want, s):
			score = 1 + abs(len(s)-len(want))/4
		default:
			limit := max(3, max(len(want), len(s))/2)
			if abs(len(s)-len(want)) > limit {
				continue
			}
			var d int
			d, buf = editDistance(want, s, limit, buf)
			if d > limit {
				continue
			}
			score = 2 + d
		}
		cs = append(cs, cand{c.name, score})
	}
	sort.SliceStable(cs, func(i, j int) bool {
		if cs[i].score != cs[j].score {
			return cs[i].score < cs[j].score
		}
		return cs[i].name < cs[j].name
	})
	out := make([]string, 0, min(n, len(cs)))
	for i := 0; i < len(cs) && i < n; i++ {
		out = append(out, cs[i].name)
	}
	return out
}

// simplify keeps the letters and digits of a name's stem, in lower case:
// "SDXL/Juggernaut_XL-v9.safetensors [abc]" gives "juggernautxlv9".
func simplify(name string) string {
	file, _ := splitHash(name)
	s := stem(file)
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// editDistance is the Levenshtein distance of a and b (bytes), or limit+1
// once it is sure to exceed limit. buf is scratch space, returned for reuse.
func editDistance(a, b string, limit int, buf []int) (int, []int) {
	if abs(len(a)-len(b)) > limit {
		return limit + 1, buf
	}
	if cap(buf) < 2*(len(b)+1) {
		buf = make([]int, 2*(len(b)+1))
	}
	prev, cur := buf[:len(b)+1], buf[len(b)+1:2*(len(b)+1)]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			best = min(best, cur[j])
		}
		if best > limit {
			return limit + 1, buf
		}
		prev, cur = cur, prev
	}
	return prev[len(b)], buf
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
