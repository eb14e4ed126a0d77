package gui

import (
	"fmt"
	"strconv"
	"strings"

	"stablenew/pipeline"
)

// The randomizer's lists are edited as text, one item a line:
//
//	matrix slots     job: knight | archer
//	wildcard tokens  __weather__: stormy | clear
//	search/replace   person => man | woman
//	sweep lists      5, 6.5, 7   (models and samplers one a line)

// lines returns the non-blank, trimmed lines of s with their 1-based numbers.
func lines(s string) (out []string, nums []int) {
	for i, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
			nums = append(nums, i+1)
		}
	}
	return out, nums
}

// splitValues splits "a | b | c" into trimmed, non-empty values.
func splitValues(s string) []string {
	var out []string
	for _, v := range strings.Split(s, "|") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func parseSlots(s string) ([]pipeline.MatrixSlot, error) {
	ls, nums := lines(s)
	var out []pipeline.MatrixSlot
	for i, l := range ls {
		name, vals, ok := strings.Cut(l, ":")
		if !ok {
			return nil, fmt.Errorf("line %d: write a slot as name: value | value", nums[i])
		}
		name = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(name), "[["), "]]")
		out = append(out, pipeline.MatrixSlot{Name: name, Values: splitValues(vals)})
	}
	return out, nil
}

func formatSlots(slots []pipeline.MatrixSlot) string {
	var b []string
	for _, s := range slots {
		b = append(b, s.Name+": "+strings.Join(s.Values, " | "))
	}
	return strings.Join(b, "\n")
}

func parseTokens(s string) ([]pipeline.WildcardToken, error) {
	ls, nums := lines(s)
	var out []pipeline.WildcardToken
	for i, l := range ls {
		tok, vals, ok := strings.Cut(l, ":")
		if !ok {
			return nil, fmt.Errorf("line %d: write a token as __name__: value | value", nums[i])
		}
		out = append(out, pipeline.WildcardToken{Token: strings.TrimSpace(tok), Values: splitValues(vals)})
	}
	return out, nil
}

func formatTokens(toks []pipeline.WildcardToken) string {
	var b []string
	for _, t := range toks {
		b = append(b, t.Token+": "+strings.Join(t.Values, " | "))
	}
	return strings.Join(b, "\n")
}

func parseRules(s string) ([]pipeline.SRRule, error) {
	ls, nums := lines(s)
	var out []pipeline.SRRule
	for i, l := range ls {
		search, repl, ok := strings.Cut(l, "=>")
		if !ok {
			return nil, fmt.Errorf("line %d: write a rule as search => replacement | replacement", nums[i])
		}
		out = append(out, pipeline.SRRule{Search: strings.TrimSpace(search), Replacements: splitValues(repl)})
	}
	return out, nil
}

func formatRules(rules []pipeline.SRRule) string {
	var b []string
	for _, r := range rules {
		b = append(b, r.Search+" => "+strings.Join(r.Replacements, " | "))
	}
	return strings.Join(b, "\n")
}

// commaItems splits "a, b c" on commas and blanks.
func commaItems(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' || r == ';' })
}

func parseFloatList(s string) ([]float64, error) {
	var out []float64
	for _, it := range commaItems(s) {
		f, err := parseFloat(it)
		if err != nil {
			return nil, fmt.Errorf("%q: %v; list numbers like 5, 6.5, 7", it, err)
		}
		out = append(out, f)
	}
	return out, nil
}

func formatFloatList(fs []float64) string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = formatFloat(f)
	}
	return strings.Join(out, ", ")
}

func parseIntList(s string) ([]int, error) {
	var out []int
	for _, it := range commaItems(s) {
		n, err := parseInt(it)
		if err != nil {
			return nil, fmt.Errorf("%q: %v; list steps like 20, 30", it, err)
		}
		out = append(out, n)
	}
	return out, nil
}

func formatIntList(ns []int) string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = strconv.Itoa(n)
	}
	return strings.Join(out, ", ")
}

func parseWordList(s string) ([]string, error) { return commaItems(s), nil }

func formatWordList(ws []string) string { return strings.Join(ws, ", ") }

func parseLineList(s string) ([]string, error) {
	ls, _ := lines(s)
	return ls, nil
}

func formatLineList(ls []string) string { return strings.Join(ls, "\n") }
