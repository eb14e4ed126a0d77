package queue

import (
	"math"
	"testing"
	"time"

	"stablenew/pipeline"
)

func near(t *testing.T, what string, got, want time.Duration) {
	t.Helper()
	if math.Abs(float64(got-want)) > float64(want)/100+float64(time.Millisecond) {
		t.Fatalf("%s = %v, want %v", what, got, want)
	}
}

func txt2imgOnly(j *pipeline.JobSpec) { j.Config.ADetailer.Enabled = false }

// Before any history: 0.1 s per step at 512², scaled by pixels; hires adds
// its second pass; ADetailer about 40% of the base pass; upscale a few
// seconds.
func TestDefaultEstimates(t *testing.T) {
	t.Parallel()
	s := newService(t, Options{})
	cases := []struct {
		name string
		mod  func(*pipeline.JobSpec)
		want time.Duration
	}{
		{"txt2img 512² 20 steps", txt2imgOnly, 2 * time.Second},
		{"txt2img 1024² 20 steps", func(j *pipeline.JobSpec) {
			txt2imgOnly(j)
			j.Config.Txt2Img.Width, j.Config.Txt2Img.Height = 1024, 1024
		}, 8 * time.Second},
		{"+ adetailer", func(j *pipeline.JobSpec) {}, 2800 * time.Millisecond},
		{"+ hires 2×", func(j *pipeline.JobSpec) { txt2imgOnly(j); j.Config.Hires.Enabled = true }, 10 * time.Second},
		{"+ upscale 2×", func(j *pipeline.JobSpec) { txt2imgOnly(j); j.Config.Upscale.Enabled = true },
			2*time.Second + time.Duration(2.5*1.048576*float64(time.Second))},
		{"batch of 2", func(j *pipeline.JobSpec) { txt2imgOnly(j); j.Config.Batch.BatchSize = 2 }, 4 * time.Second},
	}
	for _, c := range cases {
		j := testJob("x", func(j *pipeline.JobSpec) {
			cfg := *j.Config
			j.Config = &cfg
		}, c.mod)
		got, known := s.EstimateJob(&j)
		if known {
			t.Errorf("%s: known with no history", c.name)
		}
		near(t, c.name, got, c.want)
	}
}

func TestQueueETASharesWorkAcrossWorkers(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	s := newService(t, Options{Clock: clk})
	var list []pipeline.JobSpec
	for _, id := range ids("j", 4) {
		list = append(list, testJob(id, func(j *pipeline.JobSpec) { c := *j.Config; j.Config = &c }, txt2imgOnly))
	}
	s.Submit(list, false)
	total, finish, known := s.QueueETA()
	near(t, "total", total, 8*time.Second)
	near(t, "finish with one worker", finish.Sub(clk.Now()), 8*time.Second)
	if known {
		t.Fatal("known without history")
	}
	// Two attached workers (paused so they stay idle) halve the makespan.
	s.Pause()
	s.Attach(t.Context(), newFake("gpu0"), newFake("gpu1"))
	waitFor(t, s, "two workers", func() bool { return len(s.Backends()) == 2 })
	total, finish, _ = s.QueueETA()
	near(t, "total", total, 8*time.Second)
	near(t, "finish with two workers", finish.Sub(clk.Now()), 4*time.Second)
}

// Finished jobs teach the model this machine's speed per checkpoint,
// resolution and stage; the figures survive a restart.
func TestETALearnsFromHistory(t *testing.T) {
	t.Parallel()
	path := testPath(t)
	clk := newFakeClock()
	s, err := Open(path, Options{Clock: clk, Logger: quietLog})
	if err != nil {
		t.Fatal(err)
	}
	f := newFake("gpu0")
	f.stages = true // every stage takes 2 s
	submit(t, s, false, "learn1", "learn2")
	if _, err := s.RunUntilEmpty(t.Context(), f); err != nil {
		t.Fatal(err)
	}
	s.Pause()
	submit(t, s, false, "q1", "q2", "q3")
	// txt2img + adetailer at 2 s each.
	total, _, known := s.QueueETA()
	near(t, "learned total", total, 12*time.Second)
	if !known {
		t.Fatal("not known after learning")
	}
	// Another checkpoint borrows the figures of this resolution but is not "known".
	other := testJob("other", withModel("modelZ"))
	d, known := s.EstimateJob(&other)
	near(t, "other checkpoint", d, 4*time.Second)
	if known {
		t.Fatal("another checkpoint's estimate is marked known")
	}
	s.Close()

	s = open(t, path, Options{Clock: clk})
	total, _, known = s.QueueETA()
	near(t, "total after restart", total, 12*time.Second)
	if !known {
		t.Fatal("learned figures lost on restart")
	}
	var rows int
	rawDB(t, path).QueryRow(`SELECT count(*) FROM eta_rates`).Scan(&rows)
	if rows != 2 {
		t.Fatalf("%d learned rows, want 2 (txt2img and adetailer)", rows)
	}
}

// A running job's ETA comes from the WebUI's estimate for the current
// request plus the predicted later stages.
func TestRunningJobETA(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	s := newService(t, Options{Clock: clk})
	f := newFake("gpu0")
	f.setHold(true)
	f.progress = 1 // one progress: step 1, ETA 1 ms
	submit(t, s, false, "j1")
	s.Start(t.Context(), f)
	db := rawDB(t, s.Path())
	waitFor(t, s, "j1 running", statusIs(t, db, "j1", StatusRunning))
	waitFor(t, s, "progress", func() bool { d, ok := s.JobETA("j1"); return ok && d < 2*time.Second })
	d, _ := s.JobETA("j1")
	// 1 ms left of txt2img + 0.8 s of ADetailer.
	near(t, "job ETA", d, 801*time.Millisecond)
	total, _, _ := s.QueueETA()
	near(t, "queue ETA", total, 801*time.Millisecond)
	list, _ := s.List()
	if list[0].Progress <= 0 || list[0].ETA <= 0 {
		t.Fatalf("List shows no progress: %+v", list[0])
	}
	f.finish("j1", nil)
	waitFor(t, s, "j1 completed", statusIs(t, db, "j1", StatusCompleted))
}

func TestResolutionBucketsAndModelKeys(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		w, h int
		want string
	}{{512, 512, "512px"}, {448, 576, "512px"}, {832, 1216, "1024px"}, {1024, 1024, "1024px"}, {64, 64, "128px"}} {
		if got := resolutionBucket(c.w, c.h); got != c.want {
			t.Errorf("bucket(%d×%d) = %s, want %s", c.w, c.h, got, c.want)
		}
	}
	for in, want := range map[string]string{
		"v1-5-pruned-emaonly.safetensors [6ce0161689]": "v1-5-pruned-emaonly",
		"SDXL/juggernaut.safetensors":                  "juggernaut",
		`SDXL\juggernaut.ckpt [abc]`:                   "juggernaut",
		"juggernaut":                                   "juggernaut",
		"":                                             "",
	} {
		if got := modelKey(in); got != want {
			t.Errorf("modelKey(%q) = %q, want %q", in, got, want)
		}
	}
}
