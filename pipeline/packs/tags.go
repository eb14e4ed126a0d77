package packs

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// LoRATag is one <lora:name:weight> tag found in a prompt.
type LoRATag struct {
	Name string
	// Weight is the first weight in the tag; 1 when the tag has none.
	Weight float64
	// Tag is the tag as written.
	Tag string
}

var (
	loraTag      = regexp.MustCompile(`(?i)<lora:([^:<>]+)(?::([^<>]*))?>`)
	embeddingTag = regexp.MustCompile(`(?i)<embedding:([^<>]+)>`)
)

// LoRATags returns the LoRA tags in a prompt, in order.
func LoRATags(prompt string) []LoRATag {
	var out []LoRATag
	for _, m := range loraTag.FindAllStringSubmatch(prompt, -1) {
		t := LoRATag{Name: strings.TrimSpace(m[1]), Weight: 1, Tag: m[0]}
		if m[2] != "" {
			first, _, _ := strings.Cut(m[2], ":")
			first = strings.TrimSpace(first)
			first = strings.TrimPrefix(strings.TrimPrefix(first, "te="), "unet=")
			if w, err := strconv.ParseFloat(first, 64); err == nil {
				t.Weight = w
			}
		}
		out = append(out, t)
	}
	return out
}

// EmbeddingTags returns the names in a prompt's <embedding:name> tags, in
// order.
func EmbeddingTags(prompt string) []string {
	var out []string
	for _, m := range embeddingTag.FindAllStringSubmatch(prompt, -1) {
		out = append(out, strings.TrimSpace(m[1]))
	}
	return out
}

// LoRAsInPack summarises the LoRAs of a pack's rows (positives and
// negatives) for display, each once in first-seen order with the weights it
// is used at: "add-detail-xl (w=0.6)", "film_grain (w=0.4, 0.8)".
func LoRAsInPack(rows []PromptRow) []string {
	var (
		order   []string
		weights = map[string][]string{}
	)
	for _, r := range rows {
		for _, t := range append(LoRATags(r.Positive), LoRATags(r.Negative)...) {
			ws, seen := weights[t.Name]
			if !seen {
				order = append(order, t.Name)
			}
			w := strconv.FormatFloat(t.Weight, 'g', -1, 64)
			if !slices.Contains(ws, w) {
				weights[t.Name] = append(ws, w)
			}
		}
	}
	out := make([]string, 0, len(order))
	for _, name := range order {
		out = append(out, name+" (w="+strings.Join(weights[name], ", ")+")")
	}
	return out
}

// EmbeddingsInPack lists the embeddings a pack's rows use (positives and
// negatives), each once, in first-seen order.
func EmbeddingsInPack(rows []PromptRow) []string {
	var out []string
	for _, r := range rows {
		for _, name := range append(EmbeddingTags(r.Positive), EmbeddingTags(r.Negative)...) {
			if !slices.Contains(out, name) {
				out = append(out, name)
			}
		}
	}
	return out
}
