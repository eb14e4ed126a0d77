package queue

import (
	"database/sql"
	"strings"
	"testing"
)

// queryPlan returns the detail lines of SQLite's plan for query.
func queryPlan(t *testing.T, db *sql.DB, query string, args ...any) []string {
	t.Helper()
	rows, err := db.Query("EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	return plan
}

// A page of history reads only its own jobs' specs: SQLite walks the
// finished_at index and stops after the page, with no sort of every
// finished job (which joined every spec and result first). Filters by
// status and pack use their own indexes the same way.
func TestHistoryPageWalksAnIndex(t *testing.T) {
	t.Parallel()
	path := testPath(t)
	s, _ := Open(path, Options{Logger: quietLog})
	submit(t, s, false, "a", "b")
	s.Close()
	db := rawDB(t, path)
	for _, f := range []HistoryFilter{{Limit: 200}, {Status: StatusFailed, Limit: 200}, {PackID: "p", Limit: 200},
		{Search: "knight", Limit: 200, Offset: 200}} {
		query, args, err := historyQuery(f)
		if err != nil {
			t.Fatal(err)
		}
		text := strings.Join(queryPlan(t, db, query, args...), "; ")
		if strings.Contains(text, "TEMP B-TREE FOR ORDER BY") || !strings.Contains(text, "USING INDEX jobs_history") {
			t.Errorf("%+v: plan %q sorts every finished job instead of walking a history index", f, text)
		}
	}
}
