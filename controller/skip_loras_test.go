package controller

import (
	"context"
	"strings"
	"testing"

	"stablenew/pipeline/packs"
)

// The preview's remedy for a LoRA a WebUI lacks: its tags leave every
// prompt of the plan, the other LoRAs keep theirs, and a note says so.
func TestPlanSkipLoRAsRemovesOnlyTheirTags(t *testing.T) {
	lib, err := packs.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	pc := NewPipelineController(lib)
	seed := int64(3)
	plan, err := pc.Plan(context.Background(), RunRequest{Packs: []string{"sdxl_portraits"}, RandomizerSeed: &seed,
		SkipLoRAs: []string{"xl_more_art-full_v1"}})
	if err != nil {
		t.Fatal(err)
	}
	kept := 0
	for _, j := range plan.Jobs {
		p := j.Config.Prompt.Positive
		if strings.Contains(p, "xl_more_art-full_v1") {
			t.Errorf("job %s still names the removed LoRA: %q", j.JobID, p)
		}
		if strings.Contains(p, "<lora:add-detail-xl:") {
			kept++
		}
	}
	if kept == 0 {
		t.Error("the other LoRA was removed too")
	}
	if !strings.Contains(strings.Join(plan.Notes, "\n"), "LoRA xl_more_art-full_v1 is removed from the prompts") {
		t.Errorf("notes %q", plan.Notes)
	}
}
