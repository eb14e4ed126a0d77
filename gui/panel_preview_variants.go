package gui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"stablenew/pipeline"
)

// variantPicks says, for each job, what sets it apart from the plan's other
// jobs: its matrix, wildcard and sweep picks ("job: knight · cfg_scale:
// 7"), only the dimensions whose value is not the same in every job that
// has them. Jobs without picks get "".
func variantPicks(jobs []pipeline.JobSpec) []string {
	first := map[string]string{}
	varies := map[string]bool{}
	for i := range jobs {
		for _, d := range jobs[i].RandomizerSummary {
			if v, ok := first[d.Dimension]; !ok {
				first[d.Dimension] = d.Value
			} else if v != d.Value {
				varies[d.Dimension] = true
			}
		}
	}
	out := make([]string, len(jobs))
	for i := range jobs {
		var parts []string
		for _, d := range jobs[i].RandomizerSummary {
			if varies[d.Dimension] {
				parts = append(parts, d.Dimension+": "+oneLine(d.Value, 40))
			}
		}
		out[i] = strings.Join(parts, " · ")
	}
	return out
}

// newVariantLine returns the second line of a preview row: the job's picks
// in the accent colour, then its prompt.
func newVariantLine() *widget.RichText {
	picks := &widget.TextSegment{Style: widget.RichTextStyle{Inline: true, ColorName: theme.ColorNamePrimary,
		TextStyle: fyne.TextStyle{Bold: true}}}
	prompt := &widget.TextSegment{Style: widget.RichTextStyleInline, Text: "prompt"}
	rt := widget.NewRichText(picks, prompt)
	rt.Truncation = fyne.TextTruncateEllipsis
	return rt
}

// setVariantLine shows picks (may be "") and the prompt in a row's line.
func setVariantLine(rt *widget.RichText, picks, prompt string) {
	p, t := rt.Segments[0].(*widget.TextSegment), rt.Segments[1].(*widget.TextSegment)
	if picks != "" {
		picks += "  "
	}
	if p.Text == picks && t.Text == prompt {
		return
	}
	p.Text, t.Text = picks, prompt
	rt.Refresh()
}
