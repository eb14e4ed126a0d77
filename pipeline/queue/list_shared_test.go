package queue

import (
	"reflect"
	"testing"
)

// sharedIDs checks that ListShared lists what List lists, in its order,
// (a running job's ETA aside).
func sharedIDs(t *testing.T, s *Service) (running []QueueItem, queued []*QueueItem) {
	t.Helper()
	running, queued, err := s.ListShared()
	if err != nil {
		t.Fatal(err)
	}
	list, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	if len(running)+len(queued) != len(list) {
		t.Fatalf("ListShared: %d running + %d queued, List: %d", len(running), len(queued), len(list))
	}
	for i := range running {
		if running[i].ETA <= 0 {
			t.Errorf("running[%d] has no ETA", i)
		}
		running[i].ETA, list[i].ETA = 0, 0 // the clock ran between the two
		if !reflect.DeepEqual(running[i], list[i]) {
			t.Fatalf("running[%d] = %+v, List()[%d] = %+v", i, running[i], i, list[i])
		}
	}
	for i, it := range queued {
		want := list[len(running)+i]
		got := *it
		got.Position = want.Position // ListShared leaves it unset
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("queued[%d] = %+v, List()[%d] = %+v", i, got, len(running)+i, want)
		}
	}
	return running, queued
}

func jobIDs(items []*QueueItem) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.JobID
	}
	return out
}

// ListShared hands out the queue's own summaries without copying them, and
// a change of the queue never changes the ones already handed out.
func TestListSharedSharesAndNeverChangesItems(t *testing.T) {
	t.Parallel()
	s := newService(t, Options{})
	f := newFake("gpu0")
	f.setHold(true)
	submit(t, s, false, ids("j", 5)...)
	db := rawDB(t, s.Path())
	if err := s.Start(t.Context(), f); err != nil {
		t.Fatal(err)
	}
	waitFor(t, s, "j1 running", statusIs(t, db, "j1", StatusRunning))

	running, first := sharedIDs(t, s)
	if len(running) != 1 || running[0].JobID != "j1" {
		t.Fatalf("running: %+v", running)
	}
	equalIDs(t, "queued", jobIDs(first), []string{"j2", "j3", "j4", "j5"})
	_, again := sharedIDs(t, s)
	for i := range first {
		if again[i] != first[i] {
			t.Fatalf("queued[%d] was copied: the queue did not change", i)
		}
	}

	before := make([]QueueItem, len(first))
	for i, it := range first {
		before[i] = *it
	}
	if err := s.Move([]string{"j5"}, MoveTop); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Remove([]string{"j3"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Pause(); err != nil {
		t.Fatal(err)
	}
	_, moved := sharedIDs(t, s)
	equalIDs(t, "queued after the changes", jobIDs(moved), []string{"j5", "j2", "j4"})
	for i, it := range first {
		if !reflect.DeepEqual(*it, before[i]) {
			t.Errorf("queued[%d] handed out before the changes became %+v, was %+v", i, *it, before[i])
		}
	}
	f.finish("j1", nil)
}

// A service opened read-only lists from the database, the same jobs.
func TestListSharedReadOnly(t *testing.T) {
	t.Parallel()
	path := testPath(t)
	w := open(t, path, Options{})
	submit(t, w, false, ids("j", 3)...)
	r := open(t, path, Options{ReadOnly: true})
	_, queued := sharedIDs(t, r)
	equalIDs(t, "queued", jobIDs(queued), []string{"j1", "j2", "j3"})
}

// TestListRunningLeavesTheQueueOnDisk: ListRunning answers without reading
// the queued jobs into memory, every change made before the first List is
// in the list that List then reads, and once the queue is in memory
// ListRunning answers from it the same.
func TestListRunningLeavesTheQueueOnDisk(t *testing.T) {
	t.Parallel()
	path := testPath(t)
	s := open(t, path, Options{})
	submit(t, s, false, ids("j", 5)...)
	s.Close()

	s = open(t, path, Options{})
	f := newFake("gpu0")
	f.setHold(true)
	db := rawDB(t, s.Path())
	if err := s.Start(t.Context(), f); err != nil {
		t.Fatal(err)
	}
	waitFor(t, s, "j1 running", statusIs(t, db, "j1", StatusRunning))
	// Changes of every kind while the queue is still on disk only.
	if err := s.Move([]string{"j5"}, MoveTop); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Remove([]string{"j3"}); err != nil {
		t.Fatal(err)
	}
	submit(t, s, true, "k1")
	if err := s.Pause(); err != nil {
		t.Fatal(err)
	}
	s.QueueETA()

	check := func(step string) {
		t.Helper()
		running, queued, err := s.ListRunning()
		if err != nil {
			t.Fatalf("%s: ListRunning: %v", step, err)
		}
		if len(running) != 1 || running[0].JobID != "j1" || running[0].Status != StatusRunning || len(running[0].Stages) == 0 {
			t.Fatalf("%s: running = %+v; want j1 with its stages", step, running)
		}
		if queued != 4 {
			t.Fatalf("%s: %d queued; want 4 (k1, j5, j2, j4)", step, queued)
		}
	}
	check("on disk")
	s.mu.Lock()
	loaded := s.mirror.loaded
	s.mu.Unlock()
	if loaded {
		t.Fatal("ListRunning, QueueETA or a change read the queued jobs into memory; only List and ListShared should")
	}

	_, shared, err := s.ListShared()
	if err != nil {
		t.Fatal(err)
	}
	equalIDs(t, "queued", jobIDs(shared), []string{"k1", "j5", "j2", "j4"})
	mirrorMatchesStore(t, s, "first read")
	check("in memory")
}
