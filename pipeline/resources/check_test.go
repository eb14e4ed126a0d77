package resources

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"stablenew/pipeline"
)

// sdxlJob is a job as the sdxl_portraits sample plans it: plain names,
// refiner, hires, ADetailer, a LoRA and embeddings.
func sdxlJob(id string) pipeline.JobSpec {
	c := pipeline.Defaults()
	c.Txt2Img.Model = "sd_xl_base_1.0.safetensors [31e35c80fc]"
	c.Txt2Img.VAE = "sdxl_vae.safetensors"
	c.Txt2Img.Sampler, c.Txt2Img.Scheduler = "DPM++ 2M", "Karras"
	c.Hires.Enabled, c.Hires.Upscaler = true, "4x-UltraSharp"
	c.Refiner.Enabled, c.Refiner.Checkpoint = true, "sd_xl_refiner_1.0.safetensors [7440042bbd]"
	c.ADetailer.Enabled = true
	c.Prompt.Positive = "ziprealism, photo of a fisherman <lora:add-detail-xl:0.6> <lora:film_grain:0.3>"
	c.Prompt.Negative = "negativeXL_D, EasyNegative, cartoon"
	return pipeline.JobSpec{JobID: id, Config: &c, Embeddings: []string{"ziprealism", "negativeXL_D"}}
}

func TestNeedsFollowWhatIsSent(t *testing.T) {
	j := sdxlJob("a")
	got := Needs(&j, KnownEmbeddings(realWorld()))
	var lines []string
	for _, n := range got {
		lines = append(lines, fmt.Sprintf("%s|%s|%s", n.Kind, n.Name, n.Field))
	}
	want := []string{
		"checkpoint|sd_xl_base_1.0.safetensors [31e35c80fc]|txt2img.model",
		"VAE|sdxl_vae.safetensors|txt2img.vae",
		"sampler|DPM++ 2M|txt2img.sampler_name",
		"scheduler|Karras|txt2img.scheduler",
		"hires upscaler|4x-UltraSharp|hires.upscaler",
		"checkpoint|sd_xl_refiner_1.0.safetensors [7440042bbd]|refiner.checkpoint",
		"ADetailer extension|ADetailer|adetailer.enabled",
		"ADetailer model|face_yolov8n.pt|adetailer.units[0].ad_model",
		"LoRA|add-detail-xl|prompt",
		"LoRA|film_grain|prompt",
		"embedding|ziprealism|prompt",
		"embedding|negativeXL_D|prompt",
		"embedding|EasyNegative|prompt",
	}
	if !slices.Equal(lines, want) {
		t.Errorf("needs:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}

	// What is not sent is not needed: a disabled refiner or hires fix with
	// names set, upscalers of a disabled upscale stage, "Use same" values.
	c := *j.Config
	c.Refiner.Enabled, c.Hires.Enabled, c.ADetailer.Enabled = false, false, false
	c.Hires.Checkpoint = "Use same checkpoint"
	c.Upscale.Enabled, c.Upscale.Upscaler1 = false, "LDSR"
	c.Txt2Img.Scheduler = "Automatic"
	j2 := pipeline.JobSpec{JobID: "b", Config: &c}
	for _, n := range Needs(&j2, nil) {
		switch n.Field {
		case "refiner.checkpoint", "hires.upscaler", "hires.checkpoint", "upscale.upscaler_1", "adetailer.enabled", "txt2img.scheduler":
			t.Errorf("need %+v of a disabled or unset field", n)
		}
	}
}

func TestApplyGivesTheWebUIsNames(t *testing.T) {
	j := sdxlJob("a")
	before := *j.Config
	a := Apply(NewView("w", realWorld(), nil), &j)
	c := a.Config
	if c.Txt2Img.Model != "SDXL/sd_xl_base_1.0.safetensors [31e35c80fc]" || c.Refiner.Checkpoint != "SDXL/sd_xl_refiner_1.0.safetensors [7440042bbd]" {
		t.Errorf("applied model %q, refiner %q: want the WebUI's titles", c.Txt2Img.Model, c.Refiner.Checkpoint)
	}
	if !strings.Contains(c.Prompt.Positive, "<lora:film_grain_v2:0.3>") || !strings.Contains(c.Prompt.Positive, "<lora:add-detail-xl:0.6>") {
		t.Errorf("applied prompt %q: want the LoRA alias film_grain as the name film_grain_v2", c.Prompt.Positive)
	}
	if j.Config.Txt2Img.Model != before.Txt2Img.Model || j.Config.Prompt.Positive != before.Prompt.Positive {
		t.Error("Apply changed the job's own configuration")
	}
	var mapped []string
	for _, r := range a.Mapped() {
		mapped = append(mapped, r.Name+"→"+r.Used)
	}
	want := []string{"sd_xl_base_1.0.safetensors [31e35c80fc]→SDXL/sd_xl_base_1.0.safetensors [31e35c80fc]",
		"sd_xl_refiner_1.0.safetensors [7440042bbd]→SDXL/sd_xl_refiner_1.0.safetensors [7440042bbd]", "film_grain→film_grain_v2"}
	if !slices.Equal(mapped, want) {
		t.Errorf("mapped %q, want %q", mapped, want)
	}
	if p := a.Problems(); len(p) != 1 || p[0].Name != "EasyNegative" || len(a.Blocking()) != 0 {
		t.Errorf("problems %+v, want only the skipped embedding, not blocking", p)
	}
}

func TestCheckTwoWebUIs(t *testing.T) {
	a := realWorld()
	b := realWorld()
	b.Checkpoints = []Checkpoint{ckpt("juggernautXL_v9.safetensors", "1234567890")}
	b.LoRAs = nil
	jobs := []pipeline.JobSpec{sdxlJob("1"), sdxlJob("2")}
	jug := sdxlJob("3")
	jug.Config.Txt2Img.Model = "juggernautXL_v9.safetensors"
	jug.Config.Refiner.Enabled = false
	jobs = append(jobs, jug)
	ghost := sdxlJob("4")
	ghost.Config.Txt2Img.Model = "ghost.safetensors"
	jobs = append(jobs, ghost)

	rep := Check(jobs, []Target{
		{WebUI: "http://a:7860", View: NewView("http://a:7860", a, nil)},
		{WebUI: "http://b:7860", View: NewView("http://b:7860", b, nil)},
		{WebUI: "http://c:7860", Err: fmt.Errorf("connection refused")},
	})
	if rep.Runnable["http://a:7860"] != 2 || rep.Runnable["http://b:7860"] != 1 {
		t.Errorf("runnable %v, want a: 2, b: 1", rep.Runnable)
	}
	if rep.Nowhere != 0 {
		t.Errorf("nowhere %d while c is unchecked, want 0", rep.Nowhere)
	}
	lines := strings.Join(rep.Lines(), "\n")
	for _, want := range []string{
		`error: http://a:7860 has no checkpoint "ghost.safetensors" (1 job)`,
		`error: http://a:7860 has no checkpoint "juggernautXL_v9.safetensors" (1 job; they run on another WebUI)`,
		`error: http://b:7860 has no checkpoint "sd_xl_base_1.0.safetensors [31e35c80fc]" (2 jobs; they run on another WebUI)`,
		`warning: http://a:7860 did not load embedding "EasyNegative": it does not fit the loaded model (4 jobs)`,
		`warning: http://b:7860 has no LoRA "add-detail-xl" (4 jobs)`,
		`mapped: http://a:7860: checkpoint "sd_xl_base_1.0.safetensors [31e35c80fc]" → "SDXL/sd_xl_base_1.0.safetensors [31e35c80fc]" (by hash, 2 jobs)`,
		`mapped: http://a:7860: LoRA "film_grain" → "film_grain_v2" (by alias, 4 jobs)`,
		"could not check http://c:7860: connection refused",
	} {
		if !strings.Contains(lines, want) {
			t.Errorf("report lacks %q:\n%s", want, lines)
		}
	}
	if first := rep.Problems[0]; !first.Error {
		t.Errorf("errors come first: %+v", first)
	}

	rep = Check(jobs, []Target{
		{WebUI: "http://a:7860", View: NewView("http://a:7860", a, nil)},
		{WebUI: "http://b:7860", View: NewView("http://b:7860", b, nil)},
	})
	if rep.Nowhere != 1 {
		t.Errorf("nowhere %d, want 1 (the ghost job)", rep.Nowhere)
	}
}

func TestRequiredKeyRoundTrip(t *testing.T) {
	j := sdxlJob("a")
	k := RequiredKey(Needs(&j, nil))
	if strings.Contains(k, "LoRA") || strings.Contains(k, "embedding") {
		t.Errorf("required key %q holds warnings-only kinds", k)
	}
	back := RequiredKey(parseRequiredKey(k))
	if back != k {
		t.Errorf("round trip %q → %q", k, back)
	}
}
