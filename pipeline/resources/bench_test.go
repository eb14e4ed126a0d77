package resources

import (
	"fmt"
	"testing"
	"time"

	"stablenew/pipeline"
)

// bigLists is a large WebUI: 2,000 checkpoints in subfolders, 5,000 LoRAs
// and 300 embeddings.
func bigLists() *Lists {
	l := realWorld()
	l.Checkpoints = nil
	for i := 0; i < 2000; i++ {
		l.Checkpoints = append(l.Checkpoints, ckpt(fmt.Sprintf("folder%02d/model_%04d_v%d.safetensors", i%40, i, i%7), fmt.Sprintf("%010x", 0xa000000000+i)))
	}
	l.LoRAs = nil
	for i := 0; i < 5000; i++ {
		l.LoRAs = append(l.LoRAs, LoRA{Name: fmt.Sprintf("lora_%04d", i), Alias: fmt.Sprintf("style-%04d", i)})
	}
	l.Embeddings = nil
	for i := 0; i < 300; i++ {
		l.Embeddings = append(l.Embeddings, fmt.Sprintf("emb_%03d", i))
	}
	return l
}

// bigPlan is 10,000 jobs as a big randomized plan makes them: every
// variant its own config (its own prompt), batch runs of 2 sharing one; a
// model sweep over 20 checkpoints named plainly (the WebUI has them in
// subfolders), 50 LoRAs and two the WebUI lacks, embeddings by tag and by
// bare word.
func bigPlan() []pipeline.JobSpec {
	jobs := make([]pipeline.JobSpec, 0, 10000)
	for v := 0; v < 5000; v++ {
		c := pipeline.Defaults()
		m := v % 20 * 97
		c.Txt2Img.Model = fmt.Sprintf("model_%04d_v%d.safetensors [%010x]", m, m%7, 0xa000000000+m)
		c.Txt2Img.Sampler, c.Txt2Img.Scheduler = "DPM++ 2M", "Karras"
		c.Hires.Enabled, c.Hires.Upscaler = true, "4x-UltraSharp"
		c.ADetailer.Enabled = true
		c.Prompt.Positive = fmt.Sprintf("emb_%03d, portrait of a knight number %d in a misty forest, dramatic light, "+
			"highly detailed armor <lora:lora_%04d:0.6> <lora:missing_%d:0.3>", v%300, v, v%50*100, v%2)
		c.Prompt.Negative = "emb_001, blurry, lowres, bad anatomy, watermark"
		for b := 0; b < 2; b++ {
			jobs = append(jobs, pipeline.JobSpec{JobID: fmt.Sprintf("j%d-%d", v, b), Config: &c, Embeddings: []string{"emb_002"}})
		}
	}
	return jobs
}

// BenchmarkCheck10k is the preview's preflight of a 10,000-job plan against
// a WebUI with 2,000 checkpoints and 5,000 LoRAs (target < 20 ms). The
// lists' index is built once per read of the lists and is not counted; the
// view is new each time, so every name is resolved anew.
func BenchmarkCheck10k(b *testing.B) {
	l := bigLists()
	l.index()
	jobs := bigPlan()
	b.ReportAllocs()
	b.ResetTimer()
	cpu := processCPU()
	for b.Loop() {
		rep := Check(jobs, []Target{{WebUI: "w", View: NewView("w", l, nil)}})
		if rep.Runnable["w"] != len(jobs) {
			b.Fatalf("runnable %d of %d:\n%v", rep.Runnable["w"], len(jobs), rep.Lines()[:3])
		}
	}
	reportCPU(b, cpu)
}

// BenchmarkIndexLists is building the lookup tables of a 2,000-checkpoint,
// 5,000-LoRA WebUI, done once each time its lists are read.
func BenchmarkIndexLists(b *testing.B) {
	l := bigLists()
	b.ReportAllocs()
	for b.Loop() {
		buildIndex(l)
	}
}

// BenchmarkApply is resolving one job for a run: what the runner adds
// between two jobs.
func BenchmarkApply(b *testing.B) {
	l := bigLists()
	v := NewView("w", l, nil)
	jobs := bigPlan()
	Apply(v, &jobs[0])
	b.ReportAllocs()
	for b.Loop() {
		Apply(v, &jobs[0])
	}
}

// reportCPU adds the process CPU time per op (user + system, all threads)
// to a benchmark: unlike wall time it does not grow when other programs
// load the machine.
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(processCPU()-start)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
}
