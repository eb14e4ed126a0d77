package queue

import (
	"bytes"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func fileHash(t *testing.T, path string) [32]byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(data)
}

func TestOpenCreatesSchema(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := DefaultPath(dir)
	if path != filepath.Join(dir, "state", "stablenew.db") {
		t.Fatalf("DefaultPath = %s", path)
	}
	s := open(t, path, Options{})
	db := rawDB(t, path)
	var v, steps int
	var mode string
	db.QueryRow(`PRAGMA user_version`).Scan(&v)
	db.QueryRow(`SELECT count(*) FROM schema_migrations`).Scan(&steps)
	db.QueryRow(`PRAGMA journal_mode`).Scan(&mode)
	if v != schemaVersion || steps != schemaVersion || mode != "wal" {
		t.Fatalf("user_version %d, %d migrations recorded, journal %s; want %d, %d, wal", v, steps, mode, schemaVersion, schemaVersion)
	}
	s.Close()
	// Reopening applies nothing twice.
	open(t, path, Options{})
	db.QueryRow(`SELECT count(*) FROM schema_migrations`).Scan(&steps)
	if steps != schemaVersion {
		t.Fatalf("%d migrations recorded after reopen", steps)
	}
}

func TestCorruptDatabaseIsLeftAlone(t *testing.T) {
	t.Parallel()
	// A real database with its pages overwritten, and a file that is not a
	// database at all.
	good := testPath(t)
	s, err := Open(good, Options{Logger: quietLog})
	if err != nil {
		t.Fatal(err)
	}
	submit(t, s, false, ids("j", 50)...)
	s.Close()
	data, _ := os.ReadFile(good)
	for i := 100; i < len(data); i++ {
		data[i] = byte(i * 7)
	}
	cases := map[string][]byte{
		"garbled pages": data,
		"not sqlite":    []byte("this is a text file, not a database\n"),
		"short header":  []byte("SQLite format 3\x00\x10"),
	}
	for name, content := range cases {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "stablenew.db")
			os.WriteFile(path, content, 0o644)
			before := fileHash(t, path)
			_, err := Open(path, Options{Logger: quietLog})
			if !errors.Is(err, ErrDamaged) {
				t.Fatalf("Open = %v, want ErrDamaged", err)
			}
			for _, want := range []string{path, "nothing was changed", "Move the file aside"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error lacks %q: %v", want, err)
				}
			}
			if fileHash(t, path) != before {
				t.Fatal("the damaged file was modified")
			}
		})
	}
}

// Damage deep inside the jobs table is found when the queue is read at
// Open, before anything is written.
func TestDamagedQueuePagesAreLeftAlone(t *testing.T) {
	t.Parallel()
	path := testPath(t)
	s, err := Open(path, Options{Logger: quietLog})
	if err != nil {
		t.Fatal(err)
	}
	submit(t, s, false, ids("j", 300)...)
	s.Close()
	crash(t, path, `UPDATE jobs SET status = 'running' WHERE job_id = 'j1'`)
	data, _ := os.ReadFile(path)
	for i := len(data) * 6 / 10; i < len(data)*9/10; i++ {
		data[i] = byte(i * 13)
	}
	os.WriteFile(path, data, 0o644)
	before := fileHash(t, path)
	_, err = Open(path, Options{Logger: quietLog})
	if !errors.Is(err, ErrDamaged) {
		t.Fatalf("Open = %v, want ErrDamaged", err)
	}
	if fileHash(t, path) != before {
		t.Fatal("the damaged database was modified")
	}
}

func TestNewerSchemaIsRefused(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "stablenew.db")
	db, err := sql.Open(driverName, path)
	if err != nil {
		t.Fatal(err)
	}
	db.Exec(`CREATE TABLE jobs(job_id TEXT, future_column TEXT)`)
	db.Exec(`INSERT INTO jobs VALUES('x', 'y')`)
	db.Exec(`PRAGMA user_version = 99`)
	db.Close()
	before := fileHash(t, path)
	_, err = Open(path, Options{Logger: quietLog})
	if !errors.Is(err, ErrNewerSchema) {
		t.Fatalf("Open = %v, want ErrNewerSchema", err)
	}
	want := fmt.Sprintf("was written by a newer StableNew (schema 99, this build knows %d); nothing was changed", schemaVersion)
	if !strings.Contains(err.Error(), want) {
		t.Fatalf("error = %v\nwant it to contain %q", err, want)
	}
	if fileHash(t, path) != before {
		t.Fatal("the newer database was modified")
	}
	for _, suffix := range []string{"-wal", "-journal"} {
		if _, err := os.Stat(path + suffix); err == nil {
			t.Errorf("%s was created", suffix)
		}
	}
}

func TestForeignDatabaseIsRefused(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "other.db")
	db, _ := sql.Open(driverName, path)
	db.Exec(`CREATE TABLE photos(id INTEGER)`)
	db.Close()
	before := fileHash(t, path)
	if _, err := Open(path, Options{Logger: quietLog}); !errors.Is(err, ErrDamaged) {
		t.Fatalf("Open = %v, want ErrDamaged", err)
	}
	if fileHash(t, path) != before {
		t.Fatal("the foreign database was modified")
	}
}

// Several services (processes) may open one database; a read-only one
// lists and exports but cannot change anything.
func TestSharedAndReadOnlyOpens(t *testing.T) {
	t.Parallel()
	path := testPath(t)
	s := open(t, path, Options{})
	submit(t, s, false, "j1")
	other := open(t, path, Options{})
	submit(t, other, false, "j2")
	ro := open(t, path, Options{ReadOnly: true})
	list, err := ro.List()
	if err != nil || len(list) != 2 || list[0].JobID != "j1" {
		t.Fatalf("read-only List = %v, %v", list, err)
	}
	if err := ro.Submit(jobs("j3"), false); !errors.Is(err, ErrReadOnly) {
		t.Fatalf("read-only Submit = %v", err)
	}
	if err := ro.Pause(); !errors.Is(err, ErrReadOnly) {
		t.Fatalf("read-only Pause = %v", err)
	}
	var buf bytes.Buffer
	if err := ro.Export(&buf); err != nil || !strings.Contains(buf.String(), `"j1"`) || !strings.Contains(buf.String(), `"j2"`) {
		t.Fatalf("read-only Export = %v", err)
	}
}

// The app died with a job running: at the next Open it is queued again at
// the front with one more attempt, not lost and not duplicated.
func TestRestartRecoversRunningJob(t *testing.T) {
	t.Parallel()
	path := testPath(t)
	s, err := Open(path, Options{Logger: quietLog})
	if err != nil {
		t.Fatal(err)
	}
	submit(t, s, false, "j1", "j2", "j3", "j4")
	s.Close()
	// Simulate a crash: j3 and j4 were running when the process died.
	crash(t, path, `UPDATE jobs SET status = 'running', started_at = 1, backend = 'gpu0' WHERE job_id IN ('j3', 'j4')`)

	s = open(t, path, Options{})
	db := rawDB(t, path)
	equalIDs(t, "queue", storedQueue(t, db), []string{"j3", "j4", "j1", "j2"})
	for _, id := range []string{"j3", "j4"} {
		if j := stored(t, db, id); j.attempts != 1 || j.backend != "" {
			t.Fatalf("%s = %+v, want attempts 1", id, j)
		}
	}
	var n int
	db.QueryRow(`SELECT count(*) FROM jobs`).Scan(&n)
	if n != 4 {
		t.Fatalf("%d jobs stored, want 4", n)
	}
	// And they run from there.
	if _, err := s.RunUntilEmpty(t.Context(), newFake("gpu0")); err != nil {
		t.Fatal(err)
	}
	if c := countStatus(t, db, StatusCompleted); c != 4 {
		t.Fatalf("%d completed", c)
	}
}

// The app died after the user asked to interrupt jobs but before the
// WebUI answered: the request was committed first, so it is honoured.
func TestRestartHonoursInterruptRequests(t *testing.T) {
	t.Parallel()
	path := testPath(t)
	s, _ := Open(path, Options{Logger: quietLog})
	submit(t, s, false, "c", "r", "p", "q1", "q2")
	s.Close()
	crash(t, path, `UPDATE jobs SET status = 'running', stop_reason = CASE job_id
		WHEN 'c' THEN 'cancel' WHEN 'r' THEN 'requeue' ELSE 'pause' END WHERE job_id IN ('c', 'r', 'p')`)
	open(t, path, Options{})
	db := rawDB(t, path)
	if j := stored(t, db, "c"); j.status != StatusCancelled || j.errText != "cancelled by the user" {
		t.Fatalf("c = %+v, want cancelled", j)
	}
	equalIDs(t, "queue", storedQueue(t, db), []string{"p", "q1", "q2", "r"})
	for _, id := range []string{"r", "p"} {
		if j := stored(t, db, id); j.attempts != 0 {
			t.Fatalf("%s attempts = %d, want 0", id, j.attempts)
		}
	}
}

// A job that was running at each of MaxAttempts crashes is failed rather
// than run again.
func TestRestartFailsJobThatKeepsCrashing(t *testing.T) {
	t.Parallel()
	path := testPath(t)
	s, _ := Open(path, Options{Logger: quietLog})
	submit(t, s, false, "poison", "ok")
	s.Close()
	crash(t, path, `UPDATE jobs SET status = 'running', attempts = 2 WHERE job_id = 'poison'`)
	open(t, path, Options{MaxAttempts: 3})
	j := stored(t, rawDB(t, path), "poison")
	if j.status != StatusFailed || j.attempts != 3 || !strings.Contains(j.errText, "stopped while this job was running 3 times") {
		t.Fatalf("poison = %+v", j)
	}
}

// A stored spec this build cannot run is failed with the reason when it
// reaches the front (Open reads no spec: with 10,000 queued that took a
// second); the rest of the queue keeps working.
func TestInvalidStoredSpecFailsAtClaim(t *testing.T) {
	t.Parallel()
	path := testPath(t)
	s, _ := Open(path, Options{Logger: quietLog})
	submit(t, s, false, "j1", "broken", "invalid", "j2")
	s.Close()
	crash(t, path, `UPDATE job_data SET spec = '{"job_id": "broken", "pipeline_config": 42' WHERE id = (SELECT id FROM jobs WHERE job_id = 'broken')`)
	crash(t, path, `UPDATE job_data SET spec = json_set(spec, '$.pipeline_config.txt2img.steps', 0) WHERE id = (SELECT id FROM jobs WHERE job_id = 'invalid')`)
	s = open(t, path, Options{})
	db := rawDB(t, path)
	if c := countStatus(t, db, StatusQueued); c != 4 {
		t.Fatalf("%d queued after Open, want 4 (Open does not read specs)", c)
	}
	if _, err := s.RunUntilEmpty(t.Context(), newFake("gpu0")); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]string{"broken": "does not decode", "invalid": "txt2img.steps"} {
		j := stored(t, db, id)
		if j.status != StatusFailed || !strings.Contains(j.errText, want) || !strings.Contains(j.errText, "build it again") {
			t.Fatalf("%s = %+v, want failed mentioning %q", id, j, want)
		}
	}
	if c := countStatus(t, db, StatusCompleted); c != 2 {
		t.Fatalf("%d completed, want 2", c)
	}
	// History still shows the broken job, built from its columns.
	items, err := s.History(HistoryFilter{Status: StatusFailed})
	if err != nil || len(items) != 2 {
		t.Fatalf("History = %v, %v", items, err)
	}
}

// crash edits the database behind the service's back, as a crashed
// process or an older build would have left it.
func crash(t *testing.T, path, stmt string) { crashDB(t, path, stmt) }

func crashDB(t testing.TB, path, stmt string) {
	t.Helper()
	db, err := sql.Open(driverName, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(stmt); err != nil {
		t.Fatal(err)
	}
}

// The claim's transaction commits without an fsync (synchronous=NORMAL)
// and every write after it is synced again (FULL), on the one writer
// connection.
func TestUnsyncedWriteIsOnlyThatTransaction(t *testing.T) {
	s := newService(t, Options{})
	mode := func(q interface {
		QueryRow(string, ...any) *sql.Row
	}) int {
		var m int
		if err := q.QueryRow("PRAGMA synchronous").Scan(&m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	const normal, full = 1, 2
	if m := mode(s.st.w); m != full {
		t.Fatalf("synchronous = %d before, want FULL", m)
	}
	var inside int
	if err := s.st.writeUnsynced(func(tx *sql.Tx) error { inside = mode(tx); return nil }); err != nil {
		t.Fatal(err)
	}
	if inside != normal {
		t.Fatalf("synchronous = %d inside the unsynced write, want NORMAL", inside)
	}
	if m := mode(s.st.w); m != full {
		t.Fatalf("synchronous = %d after, want FULL", m)
	}
	if err := s.st.writeUnsynced(func(*sql.Tx) error { return errors.New("refused") }); err == nil {
		t.Fatal("an error of the transaction is returned")
	}
	if m := mode(s.st.w); m != full {
		t.Fatalf("synchronous = %d after a failed unsynced write, want FULL", m)
	}
}

// The reading connections keep small page caches and no memory map; the
// writer keeps SQLite's default cache (see readerCache). A new database
// has 16 KiB pages, and every connection checks foreign keys (see
// writerPragmas).
func TestReadersKeepSmallPageCaches(t *testing.T) {
	s := newService(t, Options{})
	pragma := func(db *sql.DB, name string) int64 {
		t.Helper()
		var v int64
		if err := db.QueryRow(`PRAGMA ` + name).Scan(&v); err != nil {
			t.Fatalf("PRAGMA %s: %v", name, err)
		}
		return v
	}
	if got := pragma(s.st.r, "cache_size"); got != -256 {
		t.Errorf("reader cache_size = %d, want -256 (KiB)", got)
	}
	if got := pragma(s.st.w, "cache_size"); got != -2000 {
		t.Errorf("writer cache_size = %d, want SQLite's default -2000", got)
	}
	if got := pragma(s.st.w, "page_size"); got != 16384 {
		t.Errorf("page_size = %d, want 16384", got)
	}
	for name, db := range map[string]*sql.DB{"reader": s.st.r, "writer": s.st.w} {
		if got := pragma(db, "mmap_size"); got != 0 {
			t.Errorf("%s mmap_size = %d, want 0", name, got)
		}
		if got := pragma(db, "foreign_keys"); got != 1 {
			t.Errorf("%s foreign_keys = %d, want 1", name, got)
		}
	}
}
