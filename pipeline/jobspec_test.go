package pipeline

import "testing"

func TestJobSpecLabel(t *testing.T) {
	c := Defaults()
	j := JobSpec{PackID: "portraits", PromptIndex: 2, VariantIndex: 1, VariantTotal: 4, BatchTotal: 2, Seed: 1234, Config: &c}
	if got, want := j.Label(), "portraits #3 v2/4 b1/2 seed 1234"; got != want {
		t.Errorf("Label() = %q, want %q", got, want)
	}
	r := Defaults()
	r.Img2Img.InputImage = "/pics/2026/cat.png"
	j = JobSpec{PackID: "reprocess", Source: SourceReprocess, Seed: -1, VariantTotal: 1, BatchTotal: 1, Config: &r}
	if got, want := j.Label(), "reprocess of cat.png seed -1"; got != want {
		t.Errorf("Label() = %q, want %q", got, want)
	}
}
