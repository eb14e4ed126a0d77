package queue

import (
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

const day = 24 * time.Hour

// finishedAgo is how long before the fixture's now each generation of
// finished jobs (c1, f1, x1 ... c3, f3, x3) finished.
var finishedAgo = map[byte]time.Duration{'1': 40 * day, '2': 10 * day, '3': day}

// staleAgo is the finished_at the fixture gives its queued and running job:
// older than every cutoff the tests use, so only their status keeps them.
const staleAgo = 200 * day

var (
	fixtureFinished = []string{"c1", "c2", "c3", "f1", "f2", "f3", "x1", "x2", "x3"}
	fixtureAll      = append(slices.Clone(fixtureFinished), "q1", "r1")
)

// historyFixture is a queue whose history holds nine jobs: completed
// (c1..c3), failed (f1..f3) and cancelled (x1..x3), finished 40, 10 and 1
// days before the fake clock's now (1 the oldest). Beside them r1 is
// running on a held executor and q1 is queued; both carry a stale
// finished_at staleAgo old. The completed jobs taught the ETA model, so
// eta_rates has rows.
type historyFixture struct {
	s   *Service
	db  *sql.DB // read-only view of the file
	clk *fakeClock
	run *fakeExecutor // holds r1
}

func newHistoryFixture(t *testing.T) *historyFixture {
	t.Helper()
	path := testPath(t)
	clk := newFakeClock()
	s, err := Open(path, Options{Clock: clk, Logger: quietLog})
	if err != nil {
		t.Fatal(err)
	}
	f := newFake("gpu0")
	f.stages = true // completed jobs teach the ETA model
	for _, id := range []string{"f1", "f2", "f3"} {
		f.failNext(id, errors.New("CUDA out of memory"))
	}
	submit(t, s, false, fixtureFinished...)
	if sum, err := s.RunUntilEmpty(t.Context(), f); err != nil || sum.Completed != 6 || sum.Failed != 3 {
		t.Fatalf("RunUntilEmpty = %+v, %v", sum, err)
	}
	s.Close()

	// Age the history and cancel the x jobs, as if weeks had passed.
	w := rawWriteDB(t, path)
	now := clk.Now()
	for _, id := range fixtureFinished {
		if _, err := w.Exec(`UPDATE jobs SET finished_at = ? WHERE job_id = ?`, dbTime(now.Add(-finishedAgo[id[1]])), id); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.Exec(`UPDATE jobs SET status = 'cancelled', error = 'cancelled by the user', outputs = '[]'
		WHERE job_id LIKE 'x%'`); err != nil {
		t.Fatal(err)
	}

	s = open(t, path, Options{Clock: clk})
	db := rawDB(t, path)
	run := newFake("gpu1")
	run.setHold(true)
	submit(t, s, false, "r1", "q1")
	if err := s.Start(t.Context(), run); err != nil {
		t.Fatal(err)
	}
	waitFor(t, s, "r1 running", statusIs(t, db, "r1", StatusRunning))
	events, stop := s.Subscribe(16)
	if _, err := w.Exec(`UPDATE jobs SET finished_at = ? WHERE job_id IN ('q1', 'r1')`, dbTime(now.Add(-staleAgo))); err != nil {
		t.Fatal(err)
	}
	// The service sees the change like one by another process: let it pass.
	for ev := range events {
		if ev.Kind == HistoryChanged {
			break
		}
	}
	stop()
	if n := len(etaRows(t, db)); n == 0 {
		t.Fatal("the fixture learned no step times")
	}
	return &historyFixture{s: s, db: db, clk: clk, run: run}
}

// rawWriteDB opens the database file for writing behind the service's
// back, for setting up states that take weeks to reach.
func rawWriteDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open(driverName, path+"?_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// storedIDs is every job id in the store, sorted.
func storedIDs(t *testing.T, db *sql.DB) []string {
	t.Helper()
	return queryIDs(t, db, `SELECT job_id FROM jobs ORDER BY job_id`)
}

// etaRows is the eta_rates table, one string per row.
func etaRows(t *testing.T, db *sql.DB) []string {
	t.Helper()
	rows, err := db.Query(`SELECT model, bucket, stage, sec_per_unit, samples, updated_at FROM eta_rates ORDER BY 1, 2, 3`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var model, bucket, stage string
		var rate float64
		var samples, updated int64
		if err := rows.Scan(&model, &bucket, &stage, &rate, &samples, &updated); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprint(model, bucket, stage, rate, samples, updated))
	}
	return out
}

// historyEventsUntilPaused pauses the queue and returns the HistoryChanged
// events received before Paused: what an earlier call published. (Other
// events may come from the fixture's worker, whose JobStarted can reach a
// subscriber made after r1 was seen running.)
func historyEventsUntilPaused(t *testing.T, s *Service, events <-chan Event) []EventKind {
	t.Helper()
	if err := s.Pause(); err != nil {
		t.Fatal(err)
	}
	var kinds []EventKind
	deadline := time.After(10 * time.Second)
	for {
		select {
		case e := <-events:
			switch e.Kind {
			case Paused:
				return kinds
			case HistoryChanged:
				kinds = append(kinds, e.Kind)
			}
		case <-deadline:
			t.Fatalf("no Paused event; got %v", kinds)
		}
	}
}

func TestPruneHistory(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		filter  func(now time.Time) PruneFilter
		deleted []string
	}{
		{"older than 30 days", func(now time.Time) PruneFilter { return PruneFilter{Before: now.Add(-30 * day)} },
			[]string{"c1", "f1", "x1"}},
		{"older than 5 days", func(now time.Time) PruneFilter { return PruneFilter{Before: now.Add(-5 * day)} },
			[]string{"c1", "c2", "f1", "f2", "x1", "x2"}},
		{"a job that finished at the cutoff stays", func(now time.Time) PruneFilter { return PruneFilter{Before: now.Add(-10 * day)} },
			[]string{"c1", "f1", "x1"}},
		{"failed only", func(now time.Time) PruneFilter {
			return PruneFilter{Before: now.Add(-5 * day), Statuses: []Status{StatusFailed}}
		}, []string{"f1", "f2"}},
		{"failed and cancelled", func(now time.Time) PruneFilter {
			return PruneFilter{Before: now.Add(-30 * day), Statuses: []Status{StatusFailed, StatusCancelled, StatusFailed}}
		}, []string{"f1", "x1"}},
		{"cancelled only, any age", func(time.Time) PruneFilter {
			return PruneFilter{All: true, Statuses: []Status{StatusCancelled}}
		}, []string{"x1", "x2", "x3"}},
		{"all completed", func(time.Time) PruneFilter {
			return PruneFilter{All: true, Statuses: []Status{StatusCompleted}}
		}, []string{"c1", "c2", "c3"}},
		{"all", func(time.Time) PruneFilter { return PruneFilter{All: true} }, fixtureFinished},
		{"cutoff in the future", func(now time.Time) PruneFilter { return PruneFilter{Before: now.Add(time.Hour)} }, fixtureFinished},
		{"nothing that old", func(now time.Time) PruneFilter { return PruneFilter{Before: now.Add(-365 * day)} }, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fx := newHistoryFixture(t)
			s, db := fx.s, fx.db
			f := tc.filter(fx.clk.Now())
			eta := etaRows(t, db)

			n, err := s.CountHistory(f)
			if err != nil || n != len(tc.deleted) {
				t.Fatalf("CountHistory = %d, %v; want %d", n, err, len(tc.deleted))
			}
			if got := storedIDs(t, db); len(got) != len(fixtureAll) {
				t.Fatalf("CountHistory changed the store: %v", got)
			}

			events, stop := s.Subscribe(64)
			defer stop()
			n, err = s.PruneHistory(f)
			if err != nil || n != len(tc.deleted) {
				t.Fatalf("PruneHistory = %d, %v; want %d", n, err, len(tc.deleted))
			}

			var kept []string
			for _, id := range fixtureAll {
				if !slices.Contains(tc.deleted, id) {
					kept = append(kept, id)
				}
			}
			slices.Sort(kept)
			equalIDs(t, "jobs left in the store", storedIDs(t, db), kept)
			var specs, orphans int
			if err := db.QueryRow(`SELECT count(*), count(*) FILTER (WHERE id NOT IN (SELECT id FROM jobs)) FROM job_data`).
				Scan(&specs, &orphans); err != nil {
				t.Fatal(err)
			}
			if specs != len(kept) || orphans != 0 {
				t.Fatalf("job_data holds %d rows (%d orphans) for %d jobs", specs, orphans, len(kept))
			}
			equalIDs(t, "eta_rates", etaRows(t, db), eta)

			// The queue itself is untouched, in the store and in memory.
			if j := stored(t, db, "r1"); j.status != StatusRunning {
				t.Fatalf("r1 = %+v after a prune, want running", j)
			}
			if j := stored(t, db, "q1"); j.status != StatusQueued {
				t.Fatalf("q1 = %+v after a prune, want queued", j)
			}
			list, err := s.List()
			if err != nil {
				t.Fatal(err)
			}
			var listed []string
			for _, it := range list {
				listed = append(listed, it.JobID)
			}
			equalIDs(t, "List after a prune", listed, []string{"r1", "q1"})

			hist, err := s.History(HistoryFilter{Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			if len(hist) != len(fixtureFinished)-len(tc.deleted) {
				t.Fatalf("History has %d items after deleting %d of %d", len(hist), len(tc.deleted), len(fixtureFinished))
			}
			for _, it := range hist {
				if slices.Contains(tc.deleted, it.JobID) {
					t.Fatalf("History still lists %s", it.JobID)
				}
			}

			kinds := historyEventsUntilPaused(t, s, events)
			want := []EventKind{HistoryChanged}
			if len(tc.deleted) == 0 {
				want = nil // nothing changed, nothing to tell
			}
			if fmt.Sprint(kinds) != fmt.Sprint(want) {
				t.Fatalf("events of the prune = %v, want %v", kinds, want)
			}
			if n, err := s.CountHistory(f); err != nil || n != 0 {
				t.Fatalf("CountHistory after the prune = %d, %v; want 0", n, err)
			}
		})
	}
}

func TestPruneHistoryRefusesBadFilters(t *testing.T) {
	t.Parallel()
	fx := newHistoryFixture(t)
	now := fx.clk.Now()
	for _, tc := range []struct {
		name   string
		filter PruneFilter
		want   string
	}{
		{"the zero filter", PruneFilter{}, "a cutoff time or all"},
		{"statuses but no cutoff", PruneFilter{Statuses: []Status{StatusFailed}}, "a cutoff time or all"},
		{"a cutoff and all", PruneFilter{Before: now, All: true}, "exclude each other"},
		{"queued", PruneFilter{All: true, Statuses: []Status{StatusQueued}}, `status "queued" is not a finished state`},
		{"running", PruneFilter{All: true, Statuses: []Status{StatusFailed, StatusRunning}}, `status "running" is not a finished state`},
		{"a made-up status", PruneFilter{All: true, Statuses: []Status{"done"}}, `status "done"`},
	} {
		if _, err := fx.s.CountHistory(tc.filter); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: CountHistory err = %v, want %q", tc.name, err, tc.want)
		}
		if n, err := fx.s.PruneHistory(tc.filter); err == nil || n != 0 || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: PruneHistory = %d, %v; want an error with %q", tc.name, n, err, tc.want)
		}
	}
	if _, err := fx.s.PruneHistory(PruneFilter{}); !errors.Is(err, ErrNoCutoff) {
		t.Errorf("the zero filter: err = %v, want ErrNoCutoff", err)
	}
	equalIDs(t, "jobs after refused prunes", storedIDs(t, fx.db), slices.Sorted(slices.Values(fixtureAll)))
}

// Only the owner prunes: a read-only service (another process's view)
// counts but refuses to delete, and a closed service refuses.
func TestPruneHistoryNeedsTheOwner(t *testing.T) {
	t.Parallel()
	fx := newHistoryFixture(t)
	path := fx.s.Path()
	ro := open(t, path, Options{ReadOnly: true})
	all := PruneFilter{All: true}
	if n, err := ro.CountHistory(all); err != nil || n != len(fixtureFinished) {
		t.Fatalf("read-only CountHistory = %d, %v", n, err)
	}
	if n, err := ro.PruneHistory(all); !errors.Is(err, ErrReadOnly) || n != 0 {
		t.Fatalf("read-only PruneHistory = %d, %v; want ErrReadOnly", n, err)
	}
	equalIDs(t, "jobs after refused prunes", storedIDs(t, fx.db), slices.Sorted(slices.Values(fixtureAll)))

	fx.s.Close()
	if _, err := fx.s.PruneHistory(all); !errors.Is(err, ErrClosed) {
		t.Fatalf("PruneHistory after Close: err = %v, want ErrClosed", err)
	}
}

// A job running during a prune is left alone and enters the (now empty)
// history when it finishes.
func TestPruneHistoryThenRunningJobFinishes(t *testing.T) {
	t.Parallel()
	fx := newHistoryFixture(t)
	s := fx.s
	if n, err := s.PruneHistory(PruneFilter{All: true}); err != nil || n != len(fixtureFinished) {
		t.Fatalf("PruneHistory = %d, %v", n, err)
	}
	s.Pause() // q1 stays queued
	fx.run.finish("r1", nil)
	waitFor(t, s, "r1 completed", statusIs(t, fx.db, "r1", StatusCompleted))
	hist, err := s.History(HistoryFilter{})
	if err != nil || len(hist) != 1 || hist[0].JobID != "r1" || hist[0].Result == nil {
		t.Fatalf("History = %+v, %v; want r1 alone, with its result", hist, err)
	}
	if n, err := s.CountHistory(PruneFilter{All: true}); err != nil || n != 1 {
		t.Fatalf("CountHistory = %d, %v; want 1", n, err)
	}
	equalIDs(t, "queue", storedQueue(t, fx.db), []string{"q1"})
}

// HistoryChanged is coalesced like QueueChanged: a subscriber that lags
// holds one for many prunes, after the transitions before it.
func TestHistoryChangedIsCoalesced(t *testing.T) {
	t.Parallel()
	sub := &subscriber{latest: map[string]int{}, notify: make(chan struct{}, 1)}
	for _, k := range []EventKind{HistoryChanged, JobFinished, HistoryChanged, QueueChanged, HistoryChanged} {
		sub.push(Event{Kind: k, JobID: "j1"})
	}
	var kinds []EventKind
	for {
		e, ok := sub.pop()
		if !ok {
			break
		}
		kinds = append(kinds, e.Kind)
	}
	want := []EventKind{JobFinished, QueueChanged, HistoryChanged}
	if fmt.Sprint(kinds) != fmt.Sprint(want) {
		t.Fatalf("delivered %v, want %v", kinds, want)
	}
	if HistoryChanged.String() != "history_changed" {
		t.Fatalf("HistoryChanged.String() = %q", HistoryChanged.String())
	}
}
