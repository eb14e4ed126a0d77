package queue

import (
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"unsafe"

	"stablenew/pipeline"
)

// mirrorMatchesStore compares the in-memory queue with the database,
// holding the service's lock so no change is half applied.
func mirrorMatchesStore(t *testing.T, s *Service, step string) {
	t.Helper()
	s.lockListed()
	fromDB, err := s.listFromDB()
	mem := s.mirror.snapshot()
	s.mu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	if len(fromDB) == 0 && len(mem) == 0 {
		return
	}
	if !reflect.DeepEqual(mem, fromDB) {
		for i := range max(len(mem), len(fromDB)) {
			var a, b QueueItem
			if i < len(mem) {
				a = mem[i]
			}
			if i < len(fromDB) {
				b = fromDB[i]
			}
			if !reflect.DeepEqual(a, b) {
				t.Fatalf("%s: item %d differs:\nmemory   %+v\ndatabase %+v", step, i, a, b)
			}
		}
	}
}

// Random operations, with a worker running and failing jobs meanwhile: the
// queue in memory always equals the queue in the database.
func TestMirrorFollowsEveryChange(t *testing.T) {
	t.Parallel()
	s := newService(t, Options{})
	f := newFake("gpu0")
	rng := rand.New(rand.NewPCG(1, 2))
	next := 0
	newIDs := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			next++
			out[i] = fmt.Sprintf("r%04d", next)
			if rng.IntN(4) == 0 {
				f.failNext(out[i], errors.New("random failure"))
			}
		}
		return out
	}
	pick := func() []string {
		list, _ := s.List()
		var out []string
		for _, it := range list {
			if rng.IntN(3) == 0 {
				out = append(out, it.JobID)
			}
		}
		return out
	}
	s.Pause()
	if err := s.Start(t.Context(), f); err != nil {
		t.Fatal(err)
	}
	for step := 0; step < 300; step++ {
		var what string
		switch op := rng.IntN(12); op {
		case 0, 1:
			what = "submit"
			submit(t, s, rng.IntN(2) == 0, newIDs(1+rng.IntN(5))...)
		case 2:
			what = "move"
			s.Move(pick(), MoveKind(rng.IntN(4)))
		case 3:
			what = "move to"
			s.MoveTo(pick(), 1+rng.IntN(10))
		case 4:
			what = "remove"
			s.Remove(pick())
		case 5:
			what = "resume"
			s.Resume()
		case 6:
			what = "pause"
			s.Pause()
		case 7:
			what = "retry failed"
			s.RetryAllFailed()
		case 8:
			what = "requeue"
			if h, _ := s.History(HistoryFilter{Limit: 1}); len(h) == 1 {
				s.Requeue(h[0].JobID)
			}
		case 9:
			what = "cancel and requeue"
			s.CancelAndRequeue()
		case 10:
			what = "pause now"
			s.PauseNow()
		case 11:
			if rng.IntN(10) == 0 {
				what = "clear"
				s.ClearPending()
			}
		}
		mirrorMatchesStore(t, s, fmt.Sprintf("step %d (%s)", step, what))
	}
	s.Resume()
	waitFor(t, s, "queue empty", func() bool { c, _ := s.Count(); return c.Queued == 0 && c.Running == 0 })
	mirrorMatchesStore(t, s, "end")
	// And after a restart with jobs queued.
	s.Pause()
	submit(t, s, false, newIDs(20)...)
	s.Move(pick(), MoveTop)
	s.Close()
	s = open(t, s.Path(), Options{})
	mirrorMatchesStore(t, s, "reopened")
	if list, _ := s.List(); len(list) != 20 {
		t.Fatalf("reopened queue has %d jobs, want 20", len(list))
	}
}

// Open leaves reading the queue into memory to the first call that needs
// it; a failed read is List's error, and the next call reads it again.
func TestOpenReadsTheQueueOnFirstUse(t *testing.T) {
	path := testPath(t)
	s := open(t, path, Options{})
	s.Pause()
	submit(t, s, false, ids("r", 3)...)
	s.Close()

	s = open(t, path, Options{})
	s.mu.Lock()
	listed := s.mirror.loaded
	s.mu.Unlock()
	if listed {
		t.Fatal("Open read the queue into memory; the first call that needs it should")
	}
	// Another connection hides the table: the first read fails.
	db, err := sql.Open(driverName, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`ALTER TABLE jobs RENAME TO jobs_hidden`); err != nil {
		t.Fatal(err)
	}
	if list, err := s.List(); err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("List with the table gone = %d jobs, %v; want an error naming %s", len(list), err, path)
	}
	if _, _, err := s.ListShared(); err == nil {
		t.Fatal("ListShared with the table gone: no error")
	}
	if _, err := db.Exec(`ALTER TABLE jobs_hidden RENAME TO jobs`); err != nil {
		t.Fatal(err)
	}
	list, err := s.List()
	if err != nil || len(list) != 3 {
		t.Fatalf("List once the table is back = %d jobs, %v; want 3", len(list), err)
	}
	mirrorMatchesStore(t, s, "after the retry")
}

// TestLoadedQueueSharesRepeatedStrings: the jobs of a queue read from the
// database hold one copy of what they repeat (10,000 jobs of one prompt
// hold it once), and List still hands out stages of each job's own.
func TestLoadedQueueSharesRepeatedStrings(t *testing.T) {
	path := testPath(t)
	s := open(t, path, Options{})
	s.Pause()
	var batch []pipeline.JobSpec
	for _, id := range ids("r", 3) {
		batch = append(batch, testJob(id, func(j *pipeline.JobSpec) {
			c := *j.Config
			c.Prompt.Positive = "a knight in shining armour"
			j.Config = &c
		}))
	}
	if err := s.Submit(batch, false); err != nil {
		t.Fatal(err)
	}
	s.Close()

	s = open(t, path, Options{})
	_, queued, err := s.ListShared()
	if err != nil || len(queued) != 3 {
		t.Fatalf("ListShared = %d jobs, %v; want 3", len(queued), err)
	}
	a, b := queued[0], queued[2]
	if a.Prompt == "" || a.Prompt != b.Prompt || len(a.Stages) == 0 {
		t.Fatalf("jobs differ: %q %v, %q %v; the test wants one prompt", a.Prompt, a.Stages, b.Prompt, b.Stages)
	}
	for name, pair := range map[string][2]string{
		"prompt": {a.Prompt, b.Prompt}, "model": {a.Model, b.Model}, "pack": {a.PackID, b.PackID},
		"status": {string(a.Status), string(b.Status)},
	} {
		if unsafe.StringData(pair[0]) != unsafe.StringData(pair[1]) {
			t.Errorf("the loaded jobs hold two copies of their %s %q", name, pair[0])
		}
	}
	if &a.Stages[0] != &b.Stages[0] {
		t.Error("the loaded jobs hold two copies of their stages")
	}

	list, err := s.List()
	if err != nil || len(list) != 3 {
		t.Fatalf("List = %d jobs, %v", len(list), err)
	}
	want := list[1].Stages[0]
	list[0].Stages[0] = "changed by the caller"
	if list[1].Stages[0] != want || queued[1].Stages[0] != want {
		t.Fatalf("changing one listed job's stages changed another's: %v, %v", list[1].Stages, queued[1].Stages)
	}
}
