package gui

import (
	"reflect"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"stablenew/pipeline"
)

func TestVariantPicksShowOnlyWhatVaries(t *testing.T) {
	job := func(dims ...string) pipeline.JobSpec {
		var j pipeline.JobSpec
		for i := 0; i+1 < len(dims); i += 2 {
			j.RandomizerSummary = append(j.RandomizerSummary, pipeline.DimensionValue{Dimension: dims[i], Value: dims[i+1]})
		}
		return j
	}
	jobs := []pipeline.JobSpec{
		job("job", "knight", "sky", "dusk", "cfg_scale", "7"),
		job("job", "archer", "sky", "dusk", "cfg_scale", "7"),
		job("job", "knight", "sky", "dusk", "cfg_scale", "9", "weather", "rain"),
		{},
	}
	got := variantPicks(jobs)
	want := []string{"job: knight · cfg_scale: 7", "job: archer · cfg_scale: 7", "job: knight · cfg_scale: 9", ""}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("picks\n%q\nwant\n%q", got, want)
	}
}

func TestPreviewRowsShowTheMatrixPicks(t *testing.T) {
	mw := newTestWindow(t)
	mw.State.SetPacks([]string{"landscapes_matrix"})
	res := waitPlanned(t, mw)
	if res.err != nil || len(res.rows) < 2 {
		t.Fatalf("plan: %v, %d rows", res.err, len(res.rows))
	}
	// Rows of one prompt row differ by their picks, and the list shows them.
	p := hubOf(mw).preview
	seen := map[string]bool{}
	for i, r := range res.rows {
		if res.plan.Jobs[i].PromptIndex != res.plan.Jobs[0].PromptIndex || r.picks == "" {
			continue
		}
		if seen[r.picks] && res.plan.Jobs[i].BatchIndex == 0 {
			t.Errorf("row %d repeats the picks %q", i+1, r.picks)
		}
		seen[r.picks] = true
		obj := p.createRow()
		p.updateRow(i, obj)
		line := obj.(*fyne.Container).Objects[1].(*widget.RichText)
		if line.Segments[0].(*widget.TextSegment).Text != r.picks+"  " {
			t.Errorf("row %d shows %q, want the picks %q", i+1, line.String(), r.picks)
		}
	}
	if len(seen) < 2 {
		t.Fatalf("the matrix pack's rows show %d distinct picks", len(seen))
	}
}
