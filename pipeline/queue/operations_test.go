package queue

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"stablenew/pipeline"
)

func TestSubmitFrontAndBack(t *testing.T) {
	t.Parallel()
	s := newService(t, Options{})
	db := rawDB(t, s.Path())
	submit(t, s, false, "b1", "b2")
	submit(t, s, true, "f1", "f2")
	submit(t, s, false, "b3")
	submit(t, s, true, "f3")
	equalIDs(t, "queue", storedQueue(t, db), []string{"f3", "f1", "f2", "b1", "b2", "b3"})
}

// The JobSpec is stored exactly as built: Get returns an equal spec, and
// the stored JSON is the spec's own encoding.
func TestSubmitStoresSpecExactly(t *testing.T) {
	t.Parallel()
	s := newService(t, Options{})
	j := testJob("exact", func(j *pipeline.JobSpec) {
		j.RandomizerSummary = []pipeline.DimensionValue{{Dimension: "[[job]]", Value: "knight"}}
		j.Template = "a [[job]] <lora:x:0.5>"
		j.VariantIndex, j.VariantTotal, j.BatchIndex, j.BatchTotal = 2, 4, 1, 2
		j.Config.Hires.Enabled = true
		j.RunMode, j.Source = pipeline.RunModeDirect, pipeline.SourceRun
		j.LearningContextID = "cfg-sweep-7"
	})
	if err := s.Submit([]pipeline.JobSpec{j}, false); err != nil {
		t.Fatal(err)
	}
	var spec []byte
	if err := rawDB(t, s.Path()).QueryRow(`SELECT spec FROM job_data JOIN jobs USING (id) WHERE job_id = 'exact'`).Scan(&spec); err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(j)
	if !bytes.Equal(spec, want) {
		t.Fatalf("stored spec differs from the built one:\n got %s\nwant %s", spec, want)
	}
	rec, err := s.Get("exact")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(rec.JobSpec, j) {
		t.Fatalf("Get returned a different spec:\n got %+v\nwant %+v", rec.JobSpec, j)
	}
	if rec.Status != StatusQueued || rec.Position != 1 || rec.Attempts != 0 {
		t.Fatalf("record = %s pos %d attempts %d", rec.Status, rec.Position, rec.Attempts)
	}
}

func TestSubmitIsAllOrNothing(t *testing.T) {
	t.Parallel()
	s := newService(t, Options{})
	db := rawDB(t, s.Path())
	submit(t, s, false, "old")
	bad := testJob("bad")
	c := *bad.Config
	c.Txt2Img.Steps = 0
	bad.Config = &c
	noCfg := testJob("nocfg")
	noCfg.Config = nil
	list := append(jobs("n1", "n2"), bad, noCfg, testJob(""), testJob("n1"))
	err := s.Submit(list, false)
	var je *JobErrors
	if !errors.As(err, &je) || !errors.Is(err, ErrInvalidJob) {
		t.Fatalf("Submit error = %v, want *JobErrors", err)
	}
	if len(je.Jobs) != 4 {
		t.Fatalf("got %d job errors, want 4: %v", len(je.Jobs), err)
	}
	for _, want := range []string{"txt2img.steps", "no pipeline_config", "no job_id", "also used by job 1", "nothing was queued"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not mention %q:\n%v", want, err)
		}
	}
	// An id already in the store: nothing of the batch is stored either.
	err = s.Submit(jobs("n3", "old"), false)
	if !errors.As(err, &je) || !strings.Contains(err.Error(), "already in the queue or history") {
		t.Fatalf("duplicate id: err = %v", err)
	}
	equalIDs(t, "queue", storedQueue(t, db), []string{"old"})
}

func TestRemoveAndClearNeverTouchRunningJob(t *testing.T) {
	t.Parallel()
	s := newService(t, Options{})
	db := rawDB(t, s.Path())
	f := newFake("gpu0")
	f.setHold(true)
	submit(t, s, false, ids("j", 5)...)
	if err := s.Start(t.Context(), f); err != nil {
		t.Fatal(err)
	}
	waitFor(t, s, "j1 running", statusIs(t, db, "j1", StatusRunning))
	s.Pause() // keep the rest queued
	n, err := s.Remove([]string{"j1", "j3", "ghost"})
	if err != nil || n != 1 {
		t.Fatalf("Remove = %d, %v; want 1 removed", n, err)
	}
	equalIDs(t, "queue after remove", storedQueue(t, db), []string{"j2", "j4", "j5"})
	n, err = s.ClearPending()
	if err != nil || n != 3 {
		t.Fatalf("ClearPending = %d, %v; want 3", n, err)
	}
	if len(storedQueue(t, db)) != 0 {
		t.Fatal("queue not empty after ClearPending")
	}
	if got := stored(t, db, "j1").status; got != StatusRunning {
		t.Fatalf("running job is %s after remove/clear", got)
	}
	var specs int
	db.QueryRow(`SELECT count(*) FROM job_data`).Scan(&specs)
	if specs != 1 {
		t.Fatalf("%d specs stored for 1 job: removed jobs left their data", specs)
	}
	f.finish("j1", nil)
	waitFor(t, s, "j1 completed", statusIs(t, db, "j1", StatusCompleted))
}

func TestRetryAndRetryAllFailed(t *testing.T) {
	t.Parallel()
	s := newService(t, Options{})
	db := rawDB(t, s.Path())
	f := newFake("gpu0")
	f.failNext("j1", errors.New("CUDA out of memory"))
	f.failNext("j2", errors.New("Sampler 'Foo' not found"))
	f.failNext("j4", errors.New("boom"))
	submit(t, s, false, ids("j", 4)...)
	if _, err := s.RunUntilEmpty(t.Context(), f); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]string{"j1": "CUDA out of memory", "j2": "Sampler 'Foo' not found"} {
		j := stored(t, db, id)
		if j.status != StatusFailed || j.errText != want || j.attempts != 1 {
			t.Fatalf("%s = %+v, want failed with %q and 1 attempt", id, j, want)
		}
	}
	if _, err := s.Retry([]string{"j3"}); err == nil || !strings.Contains(err.Error(), "Requeue") {
		t.Fatalf("Retry of a completed job: err = %v, want a hint to Requeue", err)
	}
	if _, err := s.Retry([]string{"j2", "ghost"}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Retry of an unknown id: err = %v", err)
	}
	if stored(t, db, "j2").status != StatusFailed {
		t.Fatal("a failed Retry changed the store")
	}
	s.Pause()
	n, err := s.Retry([]string{"j2"})
	if err != nil || n != 1 {
		t.Fatalf("Retry = %d, %v", n, err)
	}
	j2 := stored(t, db, "j2")
	if j2.status != StatusQueued || j2.attempts != 0 || j2.errText != "" {
		t.Fatalf("retried j2 = %+v, want queued, attempts 0, no error", j2)
	}
	n, err = s.RetryAllFailed()
	if err != nil || n != 2 {
		t.Fatalf("RetryAllFailed = %d, %v; want 2", n, err)
	}
	equalIDs(t, "queue", storedQueue(t, db), []string{"j2", "j1", "j4"})
	s.Resume()
	if _, err := s.RunUntilEmpty(t.Context(), f); err != nil {
		t.Fatal(err)
	}
	if got := countStatus(t, db, StatusCompleted); got != 4 {
		t.Fatalf("%d completed, want 4", got)
	}
}

func TestRequeueMakesANewJob(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	n := 0
	s := newService(t, Options{Clock: clk, NewID: func() string { n++; return fmt.Sprintf("new-%d", n) }})
	db := rawDB(t, s.Path())
	submit(t, s, false, "j1")
	if _, err := s.Requeue("j1"); err == nil {
		t.Fatal("Requeue of a queued job succeeded")
	}
	if _, err := s.RunUntilEmpty(t.Context(), newFake("gpu0")); err != nil {
		t.Fatal(err)
	}
	s.Pause()
	id, err := s.Requeue("j1")
	if err != nil || id != "new-1" {
		t.Fatalf("Requeue = %q, %v", id, err)
	}
	old, _ := s.Get("j1")
	rec, err := s.Get(id)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Status != StatusQueued || rec.RequeuedFrom != "j1" || !rec.CreatedAt.Equal(clk.Now()) {
		t.Fatalf("requeued record = %+v", rec)
	}
	want := old.JobSpec
	want.JobID, want.CreatedAt = id, rec.CreatedAt
	if !reflect.DeepEqual(rec.JobSpec, want) {
		t.Fatalf("requeued spec differs beyond id and time:\n got %+v\nwant %+v", rec.JobSpec, want)
	}
	if stored(t, db, "j1").status != StatusCompleted {
		t.Fatal("the original job left history")
	}
	if _, err := s.Requeue("ghost"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Requeue(ghost) = %v", err)
	}
}

func TestExportImportRoundTrip(t *testing.T) {
	t.Parallel()
	src := newService(t, Options{})
	submit(t, src, false, "a", "b", "c")
	src.Move([]string{"c"}, MoveTop)
	var buf bytes.Buffer
	if err := src.Export(&buf); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"format":"stablenew.queue","version":1`) {
		t.Fatalf("export header: %.200s", buf.String())
	}
	dst := newService(t, Options{NewID: func() string { return "renamed-b" }})
	submit(t, dst, false, "b") // b collides
	res, err := dst.Import(bytes.NewReader(buf.Bytes()), ImportOptions{OutputRoot: testOutputRoot})
	if err != nil {
		t.Fatal(err)
	}
	equalIDs(t, "imported ids", res.IDs, []string{"c", "a", "renamed-b"})
	if res.Renamed["b"] != "renamed-b" {
		t.Fatalf("Renamed = %v", res.Renamed)
	}
	equalIDs(t, "queue", storedQueue(t, rawDB(t, dst.Path())), []string{"b", "c", "a", "renamed-b"})
	for _, id := range []string{"a", "c"} {
		a, _ := src.Get(id)
		b, _ := dst.Get(id)
		if !reflect.DeepEqual(a.JobSpec, b.JobSpec) {
			t.Fatalf("job %s changed in the round trip", id)
		}
	}
}

func TestImportIsAllOrNothing(t *testing.T) {
	t.Parallel()
	s := newService(t, Options{})
	db := rawDB(t, s.Path())
	good, _ := json.Marshal(testJob("g1"))
	bad := testJob("bad1")
	c := *bad.Config
	c.Txt2Img.Width = 513
	bad.Config = &c
	badJSON, _ := json.Marshal(bad)
	files := map[string]string{
		"invalid job": `{"format":"stablenew.queue","version":1,"jobs":[` + string(good) + `,` + string(badJSON) + `]}`,
		"undecodable": `{"format":"stablenew.queue","version":1,"jobs":[` + string(good) + `,{"job_id":5}]}`,
		"newer":       `{"format":"stablenew.queue","version":9,"jobs":[` + string(good) + `]}`,
		"not a queue": `{"format":"something","version":1,"jobs":[]}`,
		"truncated":   `{"format":"stablenew.queue","version":1,"jobs":[` + string(good[:40]),
		"bare array":  `[` + string(good) + `]`,
		"no version":  `{"format":"stablenew.queue","jobs":[` + string(good) + `]}`,
	}
	wants := map[string]string{
		"invalid job": "txt2img.width", "undecodable": "does not decode", "newer": "newer StableNew",
		"not a queue": "not a StableNew queue file", "truncated": "not valid JSON", "bare array": "not a StableNew queue file",
		"no version": "no version",
	}
	for name, body := range files {
		_, err := s.Import(strings.NewReader(body), ImportOptions{OutputRoot: testOutputRoot})
		if err == nil || !strings.Contains(err.Error(), wants[name]) {
			t.Errorf("%s: err = %v, want it to mention %q", name, err, wants[name])
		}
	}
	if n := countStatus(t, db, StatusQueued); n != 0 {
		t.Fatalf("%d jobs stored after failed imports", n)
	}
}

// TestImportChecksFilesLikeAPlannedJob: an edited queue file wrote a PNG
// and a manifest into ~/.config/autostart, and jobs with "../" in their
// templates or ids imported and failed only when run. Each is refused with
// the whole file, its first problem named.
func TestImportChecksFilesLikeAPlannedJob(t *testing.T) {
	t.Parallel()
	s := newService(t, Options{})
	db := rawDB(t, s.Path())
	root := t.TempDir()
	if err := os.Symlink(t.TempDir(), filepath.Join(root, "link")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(root, "missing"), filepath.Join(root, "nowhere")); err != nil {
		t.Fatal(err)
	}
	inRoot := func(j *pipeline.JobSpec) { j.OutputDir = filepath.Join(root, "knights") }
	for _, tc := range []struct {
		name string
		mod  func(*pipeline.JobSpec)
		want string
	}{
		{"outside", func(j *pipeline.JobSpec) { j.OutputDir = filepath.Join(os.Getenv("HOME"), ".config", "autostart") },
			"job 2 (j2): output_dir " + filepath.Join(os.Getenv("HOME"), ".config", "autostart") + " is outside the output folder " + root},
		{"dot-dot", func(j *pipeline.JobSpec) { j.OutputDir = root + "/knights/../../x" }, "is outside the output folder"},
		{"relative", func(j *pipeline.JobSpec) { j.OutputDir = "knights" }, `output_dir "knights" is not an absolute folder`},
		{"link out", func(j *pipeline.JobSpec) { j.OutputDir = filepath.Join(root, "link", "sub") }, "is outside the output folder"},
		{"link to nowhere", func(j *pipeline.JobSpec) { j.OutputDir = filepath.Join(root, "nowhere", "sub") }, "is outside the output folder"},
		{"template folder", func(j *pipeline.JobSpec) { inRoot(j); j.FilenameTemplate = "../../.config/autostart/{seed}" }, "filename_template"},
		{"template abs", func(j *pipeline.JobSpec) { inRoot(j); j.FilenameTemplate = "/tmp/{seed}" }, "filename_template"},
		{"template sub", func(j *pipeline.JobSpec) { inRoot(j); j.FilenameTemplate = "sub/{seed}" }, "holds a folder"},
		{"id", func(j *pipeline.JobSpec) { inRoot(j); j.JobID = "../../autostart/x" }, `job_id "../../autostart/x" is not a plain file name`},
		{"id dots", func(j *pipeline.JobSpec) { inRoot(j); j.JobID = "a..b" }, "is not a plain file name"},
	} {
		good, _ := json.Marshal(testJob("j1", inRoot))
		bad, _ := json.Marshal(testJob("j2", tc.mod))
		body := `{"format":"stablenew.queue","version":1,"jobs":[` + string(good) + `,` + string(bad) + `]}`
		_, err := s.Import(strings.NewReader(body), ImportOptions{OutputRoot: root})
		if !errors.Is(err, ErrInvalidJob) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v\nwant it to mention %q", tc.name, err, tc.want)
		}
	}
	if n := countStatus(t, db, StatusQueued); n != 0 {
		t.Fatalf("%d jobs stored after refused imports", n)
	}
	// Inside the folder (also through a link that stays inside) is fine.
	if err := os.Mkdir(filepath.Join(root, "knights"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(root, "knights"), filepath.Join(root, "inner")); err != nil {
		t.Fatal(err)
	}
	good, _ := json.Marshal(testJob("j1", inRoot))
	inner, _ := json.Marshal(testJob("j3", func(j *pipeline.JobSpec) { j.OutputDir = filepath.Join(root, "inner", "x") }))
	body := `{"format":"stablenew.queue","version":1,"jobs":[` + string(good) + `,` + string(inner) + `]}`
	if _, err := s.Import(strings.NewReader(body), ImportOptions{OutputRoot: root}); err != nil {
		t.Fatal(err)
	}
}

func TestHistoryFiltersAndSearch(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	s := newService(t, Options{Clock: clk})
	f := newFake("gpu0")
	var list []pipeline.JobSpec
	for i := 1; i <= 6; i++ {
		j := testJob(fmt.Sprintf("h%d", i))
		if i%2 == 0 {
			j.PackID = "dragons"
			c := *j.Config
			c.Prompt.Positive = "a RED dragon 100% fierce_look"
			j.Config = &c
		}
		list = append(list, j)
	}
	if err := s.Submit(list, false); err != nil {
		t.Fatal(err)
	}
	f.failNext("h3", errors.New("NansException"))
	f.failNext("h4", errors.New("out of memory"))
	// Finish one job per clock tick so finish times differ.
	s.SetAutoRun(false)
	s.Attach(t.Context(), f)
	db := rawDB(t, s.Path())
	for i := 1; i <= 6; i++ {
		if err := s.Start(t.Context()); err != nil {
			t.Fatal(err)
		}
		id := fmt.Sprintf("h%d", i)
		waitFor(t, s, id+" finished", func() bool { j := stored(t, db, id); return j.status.Finished() })
		s.Pause()
		clk.advance(time.Second)
		s.Resume()
	}
	check := func(f HistoryFilter, want ...string) {
		t.Helper()
		items, err := s.History(f)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, it := range items {
			got = append(got, it.JobID)
		}
		equalIDs(t, fmt.Sprintf("History(%+v)", f), got, want)
	}
	check(HistoryFilter{}, "h6", "h5", "h4", "h3", "h2", "h1")
	check(HistoryFilter{Status: StatusFailed}, "h4", "h3")
	check(HistoryFilter{PackID: "dragons"}, "h6", "h4", "h2")
	check(HistoryFilter{Search: "red DRAGON"}, "h6", "h4", "h2")
	check(HistoryFilter{Search: "100%"}, "h6", "h4", "h2")
	check(HistoryFilter{Search: "fierce_look", Status: StatusCompleted}, "h6", "h2")
	check(HistoryFilter{Search: "100_"}) // '_' is not a wildcard
	check(HistoryFilter{Search: "knight", PackID: "knights"}, "h5", "h3", "h1")
	check(HistoryFilter{Limit: 2, Offset: 1}, "h5", "h4")
	if _, err := s.History(HistoryFilter{Status: StatusQueued}); err == nil {
		t.Fatal("History accepted status queued")
	}
	items, _ := s.History(HistoryFilter{Status: StatusFailed, Limit: 1})
	if it := items[0]; it.Error != "out of memory" || it.FinishedAt == nil || it.Config == nil {
		t.Fatalf("failed item = %+v", it)
	}
	items, _ = s.History(HistoryFilter{Limit: 1})
	if it := items[0]; len(it.Outputs) != 1 || it.Outputs[0] != "h6.png" || it.Result == nil || it.Backend != "gpu0" {
		t.Fatalf("completed item = %+v", it)
	}
}

// QueueItem and JobRecord print with the JobSpec's own JSON names.
func TestJSONUsesJobSpecNames(t *testing.T) {
	t.Parallel()
	s := newService(t, Options{})
	submit(t, s, false, "j1")
	list, _ := s.List()
	data, _ := json.Marshal(list[0])
	for _, key := range []string{`"job_id":"j1"`, `"status":"queued"`, `"position":1`, `"attempts":0`, `"pack_id":"knights"`,
		`"prompt_index":0`, `"variant_total":1`, `"seed":1234`, `"created_at":`, `"queued_at":`, `"stages":["txt2img","adetailer"]`} {
		if !strings.Contains(string(data), key) {
			t.Errorf("QueueItem JSON lacks %s: %s", key, data)
		}
	}
	rec, _ := s.Get("j1")
	data, _ = json.Marshal(rec)
	for _, key := range []string{`"job_id":"j1"`, `"pipeline_config":{`, `"status":"queued"`, `"outputs":[]`, `"position":1`} {
		if !strings.Contains(string(data), key) {
			t.Errorf("JobRecord JSON lacks %s: %s", key, data)
		}
	}
}

// Retried jobs leave the history: listeners hear HistoryChanged.
func TestRetryTellsTheHistoryChanged(t *testing.T) {
	t.Parallel()
	s := newService(t, Options{})
	f := newFake("gpu0")
	f.failNext("j1", errors.New("CUDA out of memory"))
	submit(t, s, false, "j1")
	if _, err := s.RunUntilEmpty(t.Context(), f); err != nil {
		t.Fatal(err)
	}
	events, stop := s.Subscribe(64)
	defer stop()
	if n, err := s.RetryAllFailed(); err != nil || n != 1 {
		t.Fatalf("RetryAllFailed = %d, %v", n, err)
	}
	if kinds := historyEventsUntilPaused(t, s, events); len(kinds) != 1 {
		t.Fatalf("history events of a retry: %v, want one HistoryChanged", kinds)
	}
}
