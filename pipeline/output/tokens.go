package output

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// TokenValues are the values a Template draws from. Numbers are rendered as
// given (the caller decides whether indexes start at 0 or 1).
type TokenValues struct {
	Time        time.Time // {date}, {time}, {datetime}, {timestamp}; must be set when used
	Pack        string    // {pack}: prompt pack name
	PromptIndex int       // {prompt_index}: row in the pack
	Variant     int       // {variant}: randomizer variant
	Batch       int       // {batch}: batch run (loop) number
	Seed        int64     // {seed}: the actual seed of the image
	Model       string    // {model}: checkpoint title, e.g. "sdxl/base.safetensors [31e35c80fc]"
	Stage       string    // {stage}: txt2img, img2img, adetailer, upscale
	Index       int       // {index}: image index within the WebUI batch
	Prompt      string    // {prompt_words:N}: the prompt sent
	JobID       string    // {job_id}: job id (rendered short)
	Sampler     string    // {sampler}
	Steps       int       // {steps}
	CFG         float64   // {cfg}
	Width       int       // {width}
	Height      int       // {height}
}

// TokenInfo describes one template token, for help texts.
type TokenInfo struct {
	Name        string // token name, e.g. "seed"
	Syntax      string // how to write it, e.g. "{seed} or {seed:010}"
	Description string
}

type argKind uint8

const (
	argNone  argKind = iota // no argument allowed
	argPad                  // optional zero-padding width {x:0N}
	argWords                // optional word count {x:N}
)

const (
	maxPadWidth        = 20
	maxPromptWords     = 50
	defaultPromptWords = 5
	jobIDShortLen      = 8
)

// ErrNoTime is returned (wrapped) by Render when a time token such as {date}
// is rendered without TokenValues.Time.
var ErrNoTime = errors.New("TokenValues.Time is not set")

type tokenSpec struct {
	name   string
	arg    argKind
	desc   string
	render func(v *TokenValues, arg int) (string, error)
}

func timeToken(layout string) func(*TokenValues, int) (string, error) {
	return func(v *TokenValues, _ int) (string, error) {
		if v.Time.IsZero() {
			return "", fmt.Errorf("token needs a time: %w", ErrNoTime)
		}
		return v.Time.Format(layout), nil
	}
}

func intToken(get func(*TokenValues) int64) func(*TokenValues, int) (string, error) {
	return func(v *TokenValues, pad int) (string, error) {
		n := get(v)
		if pad > 0 {
			return fmt.Sprintf("%0*d", pad, n), nil
		}
		return strconv.FormatInt(n, 10), nil
	}
}

func strToken(get func(*TokenValues) string) func(*TokenValues, int) (string, error) {
	return func(v *TokenValues, _ int) (string, error) { return get(v), nil }
}

var tokenSpecs = []*tokenSpec{
	{"date", argNone, "date the image was saved, YYYY-MM-DD", timeToken("2006-01-02")},
	{"time", argNone, "time the image was saved, HH-MM-SS", timeToken("15-04-05")},
	{"datetime", argNone, "YYYY-MM-DD_HH-MM-SS", timeToken("2006-01-02_15-04-05")},
	{"timestamp", argNone, "YYYYMMDD_HHMMSS, as in v2.6 run folders", timeToken("20060102_150405")},
	{"pack", argNone, "prompt pack name", strToken(func(v *TokenValues) string { return v.Pack })},
	{"prompt_index", argPad, "row of the prompt in the pack", intToken(func(v *TokenValues) int64 { return int64(v.PromptIndex) })},
	{"variant", argPad, "randomizer variant number", intToken(func(v *TokenValues) int64 { return int64(v.Variant) })},
	{"batch", argPad, "batch run number", intToken(func(v *TokenValues) int64 { return int64(v.Batch) })},
	{"seed", argPad, "actual seed of the image", intToken(func(v *TokenValues) int64 { return v.Seed })},
	{"model", argNone, "checkpoint name without folder, extension and [hash]", strToken(func(v *TokenValues) string { return ModelShortName(v.Model) })},
	{"stage", argNone, "pipeline stage (txt2img, img2img, adetailer, upscale)", strToken(func(v *TokenValues) string { return v.Stage })},
	{"index", argPad, "index of the image in the WebUI batch", intToken(func(v *TokenValues) int64 { return int64(v.Index) })},
	{"prompt_words", argWords, "first N words of the prompt (default 5), LoRA/embedding tags, weights and punctuation removed, joined with _", func(v *TokenValues, n int) (string, error) {
		return PromptWords(v.Prompt, n), nil
	}},
	{"job_id", argNone, "first 8 letters or digits of the job id", strToken(func(v *TokenValues) string { return shortJobID(v.JobID) })},
	{"sampler", argNone, "sampler name", strToken(func(v *TokenValues) string { return v.Sampler })},
	{"steps", argPad, "sampling steps", intToken(func(v *TokenValues) int64 { return int64(v.Steps) })},
	{"cfg", argNone, "CFG scale, shortest form (7, 7.5)", func(v *TokenValues, _ int) (string, error) {
		return strconv.FormatFloat(v.CFG, 'f', -1, 64), nil
	}},
	{"width", argPad, "image width in pixels", intToken(func(v *TokenValues) int64 { return int64(v.Width) })},
	{"height", argPad, "image height in pixels", intToken(func(v *TokenValues) int64 { return int64(v.Height) })},
}

var tokenByName = func() map[string]*tokenSpec {
	m := make(map[string]*tokenSpec, len(tokenSpecs))
	for _, s := range tokenSpecs {
		m[s.name] = s
	}
	return m
}()

// Tokens lists the template tokens in a stable order.
func Tokens() []TokenInfo {
	out := make([]TokenInfo, 0, len(tokenSpecs))
	for _, s := range tokenSpecs {
		syntax := "{" + s.name + "}"
		switch s.arg {
		case argPad:
			syntax += " or {" + s.name + ":03}"
		case argWords:
			syntax = "{" + s.name + "} or {" + s.name + ":N}"
		}
		out = append(out, TokenInfo{Name: s.name, Syntax: syntax, Description: s.desc})
	}
	return out
}

// knownTokenList is the sorted list used in error messages.
func knownTokenList() string {
	names := make([]string, 0, len(tokenSpecs))
	for _, s := range tokenSpecs {
		names = append(names, "{"+s.name+"}")
	}
	sort.Strings(names)
	return strings.Join(names, " ")
}

var (
	reModelHash   = regexp.MustCompile(`\s*\[[0-9A-Fa-f]{8,64}\]\s*$`)
	reModelExt    = regexp.MustCompile(`(?i)\.(safetensors|ckpt|pt|pth|bin|gguf|sft)$`)
	rePromptTag   = regexp.MustCompile(`<[^<>]*>`)
	rePromptWeigh = regexp.MustCompile(`:\s*-?[0-9]*\.?[0-9]+\s*([)\]])`)
)

// ModelShortName reduces a checkpoint title such as
// "SDXL\juggernautXL_v9.safetensors [c9e3e68f89]" to "juggernautXL_v9": the
// " [hash]" suffix, folders and the model file extension are removed.
func ModelShortName(title string) string {
	s := StripModelHash(title)
	if i := strings.LastIndexAny(s, `/\`); i >= 0 {
		s = s[i+1:]
	}
	return reModelExt.ReplaceAllString(s, "")
}

// StripModelHash drops the " [hash]" the WebUI appends to a checkpoint
// title: "sub/model.safetensors [6ce0161689]" gives "sub/model.safetensors".
func StripModelHash(title string) string {
	return reModelHash.ReplaceAllString(strings.TrimSpace(title), "")
}

// PromptWords returns the first n words of a prompt joined with "_": LoRA,
// hypernetwork and embedding tags (<...>), attention weights (":1.2"), the
// BREAK keyword and punctuation are removed; a word is a run of letters and
// digits.
func PromptWords(prompt string, n int) string {
	if n <= 0 {
		return ""
	}
	s := rePromptTag.ReplaceAllString(prompt, " ")
	s = rePromptWeigh.ReplaceAllString(s, "$1")
	words := make([]string, 0, n)
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if w == "BREAK" {
			continue
		}
		words = append(words, w)
		if len(words) == n {
			break
		}
	}
	return strings.Join(words, "_")
}

// shortJobID keeps the first eight letters or digits of a job id
// ("3f2a9c1e-77b0-…" becomes "3f2a9c1e").
func shortJobID(id string) string {
	var b strings.Builder
	count := 0
	for _, r := range id {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
			count++
			if count == jobIDShortLen {
				break
			}
		}
	}
	return b.String()
}
