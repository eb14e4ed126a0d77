package queue

import (
	"testing"
)

func TestMoveKeepsSelectionOrder(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		sel  []string
		move MoveKind
		want []string
	}{
		{"up one", []string{"j3"}, MoveUp, []string{"j1", "j3", "j2", "j4", "j5", "j6"}},
		{"up multi", []string{"j2", "j4", "j5"}, MoveUp, []string{"j2", "j1", "j4", "j5", "j3", "j6"}},
		{"up blocked at top", []string{"j1", "j2", "j4"}, MoveUp, []string{"j1", "j2", "j4", "j3", "j5", "j6"}},
		{"down multi", []string{"j1", "j3", "j4"}, MoveDown, []string{"j2", "j1", "j5", "j3", "j4", "j6"}},
		{"down blocked at bottom", []string{"j2", "j5", "j6"}, MoveDown, []string{"j1", "j3", "j2", "j4", "j5", "j6"}},
		{"top", []string{"j5", "j2", "j6"}, MoveTop, []string{"j2", "j5", "j6", "j1", "j3", "j4"}},
		{"bottom", []string{"j4", "j1"}, MoveBottom, []string{"j2", "j3", "j5", "j6", "j1", "j4"}},
		{"top already", []string{"j1", "j2"}, MoveTop, []string{"j1", "j2", "j3", "j4", "j5", "j6"}},
		{"unknown ids ignored", []string{"nope", "j6"}, MoveTop, []string{"j6", "j1", "j2", "j3", "j4", "j5"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newService(t, Options{})
			submit(t, s, false, ids("j", 6)...)
			if err := s.Move(c.sel, c.move); err != nil {
				t.Fatal(err)
			}
			equalIDs(t, "stored order", storedQueue(t, rawDB(t, s.Path())), c.want)
			list, err := s.List()
			if err != nil {
				t.Fatal(err)
			}
			for i, it := range list {
				if it.JobID != c.want[i] || it.Position != i+1 {
					t.Fatalf("List()[%d] = %s at %d, want %s at %d", i, it.JobID, it.Position, c.want[i], i+1)
				}
			}
		})
	}
}

func TestMoveTo(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		sel  []string
		pos  int
		want []string
	}{
		{"to 1", []string{"j4", "j2"}, 1, []string{"j2", "j4", "j1", "j3", "j5", "j6"}},
		{"to 3", []string{"j6", "j1"}, 3, []string{"j2", "j3", "j1", "j6", "j4", "j5"}},
		{"past end", []string{"j1"}, 99, []string{"j2", "j3", "j4", "j5", "j6", "j1"}},
		{"below 1", []string{"j5"}, -4, []string{"j5", "j1", "j2", "j3", "j4", "j6"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newService(t, Options{})
			submit(t, s, false, ids("j", 6)...)
			if err := s.MoveTo(c.sel, c.pos); err != nil {
				t.Fatal(err)
			}
			equalIDs(t, "stored order", storedQueue(t, rawDB(t, s.Path())), c.want)
		})
	}
}

// Repeated moves into the same gap exhaust float64 precision; the queue is
// then renumbered and the order stays right.
func TestManyMovesRenumber(t *testing.T) {
	t.Parallel()
	s := newService(t, Options{})
	submit(t, s, false, ids("j", 4)...)
	db := rawDB(t, s.Path())
	renumbered := false
	for i := 0; i < 70; i++ {
		// j4 in between j1 and j2, then j3 in between j1 and j4, ...
		last := storedQueue(t, db)[3]
		if err := s.MoveTo([]string{last}, 2); err != nil {
			t.Fatal(err)
		}
		got := storedQueue(t, db)
		if got[1] != last || len(got) != 4 {
			t.Fatalf("move %d: got %v, want %s second", i, got, last)
		}
		var second float64
		db.QueryRow(`SELECT position FROM jobs WHERE job_id = ?`, last).Scan(&second)
		if i > 0 && second == 2 {
			renumbered = true
		}
	}
	if !renumbered {
		t.Fatal("the positions were never renumbered")
	}
}

func TestMoveNeverTouchesRunningJob(t *testing.T) {
	t.Parallel()
	s := newService(t, Options{})
	f := newFake("gpu0")
	f.setHold(true)
	submit(t, s, false, ids("j", 4)...)
	db := rawDB(t, s.Path())
	if err := s.Start(t.Context(), f); err != nil {
		t.Fatal(err)
	}
	waitFor(t, s, "j1 running", statusIs(t, db, "j1", StatusRunning))
	if err := s.Move([]string{"j4", "j1"}, MoveTop); err != nil {
		t.Fatal(err)
	}
	equalIDs(t, "queue", storedQueue(t, db), []string{"j4", "j2", "j3"})
	if got := stored(t, db, "j1").status; got != StatusRunning {
		t.Fatalf("j1 is %s, want running", got)
	}
	list, _ := s.List()
	if list[0].JobID != "j1" || list[0].Status != StatusRunning || list[0].Position != 0 {
		t.Fatalf("List()[0] = %+v, want the running j1 at position 0", list[0])
	}
	f.finish("j1", nil)
}
