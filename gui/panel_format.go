package gui

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"stablenew/pipeline"
	"stablenew/pipeline/output"
)

// fmtDuration formats a duration the way the panels show it: "45s",
// "3m 12s", "1h 5m"; under a second is "<1s".
func fmtDuration(d time.Duration) string {
	if d < time.Second {
		if d <= 0 {
			return "0s"
		}
		return "<1s"
	}
	d = d.Round(time.Second)
	h, m, s := int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60
	switch {
	case h > 0:
		return fmt.Sprintf("%dh %dm", h, m)
	case m > 0:
		return fmt.Sprintf("%dm %02ds", m, s)
	}
	return fmt.Sprintf("%ds", s)
}

// fmtSeconds formats a duration as "12.3s" (history durations).
func fmtSeconds(d time.Duration) string {
	if d >= time.Minute {
		return fmtDuration(d)
	}
	return fmt.Sprintf("%.1fs", d.Seconds())
}

// fmtEstimate is an estimate with "≈" when it rests on built-in figures
// rather than this machine's history.
func fmtEstimate(d time.Duration, known bool) string {
	if known {
		return fmtDuration(d)
	}
	return "≈" + fmtDuration(d)
}

// fmtClock formats a time of day, with the date when it is not today.
func fmtClock(t, now time.Time) string {
	t = t.Local()
	now = now.Local()
	if t.Year() == now.Year() && t.YearDay() == now.YearDay() {
		return t.Format("15:04:05")
	}
	return t.Format("Jan 2 15:04")
}

// plural is "1 job" or "3 jobs".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// rowTextMax is the longest text a list row shows: about a row's width.
// Longer text costs shaping time on every scroll for nothing.
const rowTextMax = 100

// oneLine folds a prompt onto one line and cuts it to max runes.
func oneLine(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max-1]) + "…"
}

// variantTags is "[v1/3] [b2/5]", leaving out the parts of a single run.
func variantTags(vi, vt, bi, bt int) string {
	var parts []string
	if vt > 1 {
		parts = append(parts, fmt.Sprintf("[v%d/%d]", vi+1, vt))
	}
	if bt > 1 {
		parts = append(parts, fmt.Sprintf("[b%d/%d]", bi+1, bt))
	}
	return strings.Join(parts, " ")
}

// modelName shortens a checkpoint title ("sd_xl_base_1.0.safetensors
// [31e35c80fc]") to its name ("sd_xl_base_1.0"); "" is "WebUI's model".
func modelName(title string) string {
	if title == "" {
		return "current model"
	}
	return output.ModelShortName(title)
}

// stageList is "txt2img → adetailer" for a list of stages.
func stageList(stages []pipeline.StageType) string {
	if len(stages) == 0 {
		return "no stages"
	}
	parts := make([]string, len(stages))
	for i, s := range stages {
		parts[i] = string(s)
	}
	return strings.Join(parts, " → ")
}

// jobTitle is the one-line description of a job used by the lists:
// "sdxl_portraits #2 [v1/3] · seed 1234 · sd_xl_base_1.0", or for a job
// that starts from an image file (input, "" for none) "reprocess #2 · from
// cat.png · seed 1234 · sd_xl_base_1.0".
func jobTitle(pack, input string, row, vi, vt, bi, bt int, seed int64, model string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s #%d", pack, row+1)
	if tags := variantTags(vi, vt, bi, bt); tags != "" {
		b.WriteString(" " + tags)
	}
	if input != "" {
		b.WriteString(" · from " + filepath.Base(input))
	}
	b.WriteString(" · " + shortSeed(seed) + " · " + modelName(model))
	return b.String()
}

// inputImage is the image file a job without txt2img starts from, or "".
func inputImage(c *pipeline.PipelineConfig) string {
	if c == nil || c.Txt2Img.Enabled {
		return ""
	}
	return c.Img2Img.InputImage
}

// shortSeed is "seed N", or "random seed" for -1.
func shortSeed(seed int64) string {
	if seed == -1 {
		return "random seed"
	}
	return fmt.Sprintf("seed %d", seed)
}
