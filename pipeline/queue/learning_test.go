package queue

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"stablenew/pipeline"
)

// experimentJobs makes the jobs of experiment id: cfg values × seeds, in
// plan order, as the controller would.
func experimentJobs(id string, cfgs []string, seeds []int64) []pipeline.JobSpec {
	var out []pipeline.JobSpec
	for _, c := range cfgs {
		for _, seed := range seeds {
			out = append(out, testJob(fmt.Sprintf("%s-%s-%d", id, c, seed), func(j *pipeline.JobSpec) {
				j.LearningContextID = id
				j.LearningValues = []pipeline.DimensionValue{{Dimension: "txt2img.cfg_scale", Value: c}}
				j.Seed = seed
			}))
		}
	}
	return out
}

// finish marks jobs completed (one image each) or failed, as a worker
// would have.
func finish(t *testing.T, path string, status Status, ids ...string) {
	t.Helper()
	db := rawWriteDB(t, path)
	for _, id := range ids {
		if _, err := db.Exec(`UPDATE jobs SET status = ?, finished_at = 1, outputs = ? WHERE job_id = ?`,
			string(status), `["/out/`+id+`.png"]`, id); err != nil {
			t.Fatal(err)
		}
	}
}

func TestExperimentRatingsAndReport(t *testing.T) {
	t.Parallel()
	path := testPath(t)
	s := open(t, path, Options{})
	if err := s.SubmitExperiment("xa", []byte(`{"id":"xa"}`), experimentJobs("xa", []string{"5", "7"}, []int64{10, 11})); err != nil {
		t.Fatal(err)
	}
	if err := s.SubmitExperiment("xb", []byte(`{"id":"xb"}`), experimentJobs("xb", []string{"9"}, []int64{10})); err != nil {
		t.Fatal(err)
	}
	// A job of another experiment is refused, and nothing is stored.
	bad := experimentJobs("xc", []string{"9"}, []int64{10})
	bad[0].LearningContextID = "xb"
	if err := s.SubmitExperiment("xc", []byte(`{}`), bad); err == nil {
		t.Fatal("a job of another experiment was accepted")
	}
	if _, err := s.ExperimentJobs("xc"); !errors.Is(err, ErrNoExperiment) {
		t.Fatalf("xc: %v", err)
	}
	c, err := s.Count()
	if err != nil || c.Queued != 5 {
		t.Fatalf("queued %d (%v), want 5", c.Queued, err)
	}

	finish(t, path, StatusCompleted, "xa-5-10", "xa-5-11", "xa-7-10", "xb-9-10")
	finish(t, path, StatusFailed, "xa-7-11")
	for _, tc := range []struct {
		job   string
		stars int
	}{{"xa-5-10", 0}, {"xa-5-10", 6}, {"xb-9-10", 4}, {"xa-7-11", 4}, {"nope", 3}} {
		if err := s.RateExperimentJob("xa", tc.job, tc.stars, ""); !errors.Is(err, ErrBadRating) {
			t.Errorf("rating %s with %d stars: %v, want ErrBadRating", tc.job, tc.stars, err)
		}
	}
	for _, r := range []struct {
		job   string
		stars int
	}{{"xa-5-10", 1}, {"xa-5-10", 3}, {"xa-5-11", 2}, {"xa-7-10", 4}} {
		if err := s.RateExperimentJob("xa", r.job, r.stars, "note "+r.job); err != nil {
			t.Fatal(err)
		}
	}
	// A start of an id that two jobs share is refused.
	if err := s.RateExperimentJob("xa", "xa-5-1", 5, ""); !errors.Is(err, ErrBadRating) || !strings.Contains(err.Error(), "start of 2 job ids") {
		t.Errorf("ambiguous prefix: %v", err)
	}
	s.Close()

	// Ratings survive a restart; the report counts only rated images.
	s = open(t, path, Options{})
	rep, err := s.Report("xa")
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Cells) != 2 {
		t.Fatalf("%d cells, want 2", len(rep.Cells))
	}
	c5, c7 := rep.Cells[0], rep.Cells[1]
	if c5.Values["txt2img.cfg_scale"] != "5" || c5.Images != 2 || c5.Rated != 2 || c5.MeanStars != 2.5 {
		t.Errorf("cell 5: %+v", c5)
	}
	if c7.Values["txt2img.cfg_scale"] != "7" || c7.Images != 1 || c7.Failed != 1 || c7.Rated != 1 || c7.MeanStars != 4 {
		t.Errorf("cell 7: %+v", c7)
	}
	if c5.Details[0].Note != "note xa-5-10" || c5.Details[0].Stars != 3 {
		t.Errorf("the second rating replaces the first: %+v", c5.Details[0])
	}
	if rep.Best == nil || rep.Best.Values["txt2img.cfg_scale"] != "7" || rep.Best.MeanStars != 4 {
		t.Errorf("best %+v, want cfg 7 at 4 stars", rep.Best)
	}

	// A requeued copy of the failed job stays in its cell and can be rated.
	newID, err := s.Requeue("xa-7-11")
	if err != nil {
		t.Fatal(err)
	}
	finish(t, path, StatusCompleted, newID)
	if err := s.RateExperimentJob("xa", newID, 5, ""); err != nil {
		t.Fatal(err)
	}
	if rep, err = s.Report("xa"); err != nil {
		t.Fatal(err)
	}
	if c7 = rep.Cells[1]; c7.Jobs != 3 || c7.Images != 2 || c7.Rated != 2 || c7.MeanStars != 4.5 {
		t.Errorf("cell 7 after the requeue: %+v", c7)
	}
	list, err := s.Experiments()
	if err != nil || len(list) != 2 {
		t.Fatalf("%d experiments (%v)", len(list), err)
	}
	if a := list[1]; a.ID != "xa" || a.Jobs != 5 || a.Completed != 4 || a.Failed != 1 || a.Rated != 4 || string(a.Definition) != `{"id":"xa"}` {
		t.Errorf("xa listed as %+v", a)
	}
	if rep, err = s.Report("xb"); err != nil || rep.Best != nil || rep.Cells[0].Rated != 0 {
		t.Errorf("xb: nothing rated, no best: %+v (%v)", rep, err)
	}
}

// Schema step 7 adds the experiment and rating tables to a database of
// step 6, keeping its jobs.
func TestSchema7AddsExperiments(t *testing.T) {
	t.Parallel()
	path := testPath(t)
	s := open(t, path, Options{})
	submit(t, s, false, "a")
	s.Close()
	db := rawWriteDB(t, path)
	for _, q := range []string{`DROP TABLE ratings`, `DROP TABLE experiment_jobs`, `DROP TABLE experiments`,
		`DELETE FROM schema_migrations WHERE version >= 7`, `PRAGMA user_version = 6`} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	s = open(t, path, Options{})
	if err := s.SubmitExperiment("x1", []byte(`{}`), experimentJobs("x1", []string{"5"}, []int64{1})); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get("a"); err != nil {
		t.Fatalf("the job before the step: %v", err)
	}
	var name string
	if err := db.QueryRow(`SELECT name FROM schema_migrations WHERE version = 7`).Scan(&name); err != nil || name != "learning experiments and ratings" {
		t.Fatalf("step 7 recorded as %q (%v)", name, err)
	}
	if _, err := db.Exec(`INSERT INTO ratings(job_id, stars, rated_at) VALUES('a', 6, 0)`); err == nil {
		t.Error("the database took 6 stars")
	}
}

// BenchmarkExperimentView512 reads a 512-job experiment with its jobs
// (what the Learning tab reloads as images arrive) from a queue that also
// holds 10,000 other jobs.
func BenchmarkExperimentView512(b *testing.B) {
	s, err := Open(DefaultPath(b.TempDir()), Options{Logger: quietLog})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if err := s.Submit(benchJobs("o", 10000), false); err != nil {
		b.Fatal(err)
	}
	exp := benchJobs("x", 512)
	for i := range exp {
		exp[i].LearningContextID = "xbench"
		exp[i].LearningValues = []pipeline.DimensionValue{{Dimension: "txt2img.cfg_scale", Value: strconv.Itoa(i % 16)}}
	}
	if err := s.SubmitExperiment("xbench", []byte(`{"seeds":1}`), exp); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		rec, jobs, err := s.ExperimentWithJobs("xbench")
		if err != nil || rec.Jobs != 512 || len(jobs) != 512 {
			b.Fatalf("%v: %d jobs", err, len(jobs))
		}
	}
}

// The walk over requeued copies looks jobs up by the index of schema step
// 8, not by reading every job at each step.
func TestExperimentJobsUseTheRequeuedIndex(t *testing.T) {
	t.Parallel()
	s := open(t, testPath(t), Options{})
	plan := queryPlan(t, s.st.r, experimentJobsQuery, "x")
	if !strings.Contains(strings.Join(plan, "\n"), "jobs_requeued_from") {
		t.Errorf("the query does not use jobs_requeued_from:\n%s", strings.Join(plan, "\n"))
	}
}
