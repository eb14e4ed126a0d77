package infotext

// The infotext formatter and in-memory reader: the tests' inverse of the
// parser (parse → format round trips, goldens, fuzzing). The app itself
// keeps the WebUI's own text and reads files.

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Format writes p as A1111 infotext: the prompt, "Negative prompt: …" when
// there is one, and the parameter line, then the Dynamic Prompts template
// lines if any. The pairs are put in A1111's order (see CanonicalPairs);
// values holding ",", ":" or a newline (and any value that would not read
// back as written) are JSON-quoted. Parse(Format(p)) gives back the prompt,
// the negative prompt, the templates and CanonicalPairs(p).
func Format(p *Parameters) string {
	pairs := CanonicalPairs(p)
	paramLine := formatPairs(pairs)
	var lines []string
	if p.Prompt != "" {
		lines = append(lines, p.Prompt)
	}
	if p.Negative != "" {
		lines = append(lines, negativePrefix+" "+p.Negative)
	}
	// The line before the parameter line (or the last line, when there is
	// none) must not look like a parameter line when there are no pairs, or
	// when the parameter line starts with a "Template" key and would be taken
	// for the Dynamic Prompts block. An explicit empty negative prompt, or a
	// negative prompt moved to its own line, keeps it prompt text.
	if n := len(lines); n > 0 && (len(pairs) == 0 || isTemplateLine(paramLine)) && countPairs(lastLine(lines[n-1])) >= minPairs {
		switch {
		case p.Negative == "":
			lines = append(lines, negativePrefix)
		case !strings.Contains(p.Negative, "\n"):
			lines[n-1] = negativePrefix + "\n" + p.Negative
		}
	}
	if len(pairs) > 0 {
		lines = append(lines, paramLine)
	}
	if p.Template != "" {
		lines = append(lines, templatePrefix+" "+p.Template)
	}
	if p.NegativeTemplate != "" {
		lines = append(lines, negativeTemplatePrefix+" "+p.NegativeTemplate)
	}
	return strings.Join(lines, "\n")
}

func lastLine(s string) string {
	return s[strings.LastIndexByte(s, '\n')+1:]
}

// formatPairs writes "Key: value, Key: value".
func formatPairs(pairs []Pair) string {
	var b strings.Builder
	for i, kv := range pairs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(kv.Key)
		b.WriteString(": ")
		if needsQuote(kv.Value) {
			quoteJSON(&b, kv.Value)
		} else {
			b.WriteString(kv.Value)
		}
	}
	return b.String()
}

// CanonicalPairs returns the pairs of p as Format writes them:
//   - in A1111's order: the fixed keys (Steps, Sampler, Schedule type, CFG
//     scale, Seed, Size, Model hash, Model, VAE hash, VAE, Variation seed,
//     Variation seed strength, Denoising strength, Clip skip, … RNG,
//     Tiling), then the ADetailer keys, the hires keys, Lora hashes, TI
//     hashes, Refiner, Refiner switch at, then every other key in the order
//     given, then Version and User; keys of one group keep their order;
//   - float values written Python-style ("7" becomes "7.0");
//   - "Clip skip" of 1 or less dropped, as A1111 does, unless fewer than
//     three pairs would remain (the line would no longer read as parameters).
func CanonicalPairs(p *Parameters) []Pair {
	out := make([]Pair, 0, len(p.Pairs))
	drop := 0
	for _, kv := range p.Pairs {
		if isFloatKey(kv.Key) {
			if f, err := strconv.ParseFloat(kv.Value, 64); err == nil {
				kv.Value = PythonFloat(f)
			}
		}
		if isNoClipSkip(kv) {
			drop++
		}
		out = append(out, kv)
	}
	if drop > 0 && len(out)-drop >= minPairs {
		kept := out[:0]
		for _, kv := range out {
			if !isNoClipSkip(kv) {
				kept = append(kept, kv)
			}
		}
		out = kept
	}
	sort.SliceStable(out, func(a, b int) bool {
		ra, rb := rankOf(out[a].Key), rankOf(out[b].Key)
		if ra.group != rb.group {
			return ra.group < rb.group
		}
		return ra.index < rb.index
	})
	return out
}

func isNoClipSkip(kv Pair) bool {
	if kv.Key != KeyClipSkip {
		return false
	}
	n, err := strconv.ParseInt(kv.Value, 10, 64)
	return err == nil && n <= 1
}

// rankOf places a key in the A1111 order.
func rankOf(key string) keyRank {
	if r, ok := keyRanks[key]; ok {
		return r
	}
	if strings.HasPrefix(key, ADetailerPrefix) {
		return keyRank{groupADetailer, 0}
	}
	return keyRank{groupOther, 0}
}

// needsQuote reports whether a value must be written as a JSON string: A1111
// quotes values holding ",", ":" or a newline; so do we for values that
// would not read back as written otherwise (a leading quote, surrounding
// spaces, control characters).
func needsQuote(v string) bool {
	if v == "" {
		return false
	}
	if v[0] == '"' {
		return true
	}
	first, _ := utf8.DecodeRuneInString(v)
	last, _ := utf8.DecodeLastRuneInString(v)
	if unicode.IsSpace(first) || unicode.IsSpace(last) {
		return true
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; c == ',' || c == ':' || c < 0x20 || c == 0x7f {
			return true
		}
	}
	return false
}

// quoteJSON writes s as Python's json.dumps(s, ensure_ascii=False) does.
func quoteJSON(b *strings.Builder, s string) {
	const hex = "0123456789abcdef"
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		default:
			if c < 0x20 {
				b.WriteString(`\u00`)
				b.WriteByte(hex[c>>4])
				b.WriteByte(hex[c&0xf])
			} else {
				b.WriteByte(c)
			}
		}
	}
	b.WriteByte('"')
}

// ReadImage is ReadFile for image bytes held in memory, such as the images
// of a WebUI response.
func ReadImage(data []byte) (*Metadata, error) {
	var md *Metadata
	var err error
	switch sniff(data) {
	case "png":
		md, err = readPNG(bytes.NewReader(data))
	case "jpeg", "webp":
		md, err = readEXIF(data, sniff(data))
	default:
		err = ErrNotImage
	}
	if err != nil {
		return nil, fmt.Errorf("infotext: %w", err)
	}
	return md, nil
}
