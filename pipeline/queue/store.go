package queue

import (
	"bytes"
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// store is the SQLite side of the service. All writes go through w, a pool
// of one connection, so they are serialised inside the process; reads use r
// and see the last committed state (WAL mode).
type store struct {
	path string
	w    *sql.DB // nil when read-only
	r    *sql.DB
}

const sqliteMagic = "SQLite format 3\x00"

func damaged(path string, err error) error {
	return fmt.Errorf("%w: database %s is damaged or is not a StableNew database (%v); nothing was changed. "+
		"Move the file aside to start with an empty queue, or restore a backup", ErrDamaged, path, err)
}

func newerSchema(path string, got int) error {
	return fmt.Errorf("%w: database %s was written by a newer StableNew (schema %d, this build knows %d); nothing was changed. "+
		"Update StableNew, or move the file aside to start with an empty queue", ErrNewerSchema, path, got, schemaVersion)
}

// openStore opens (creating when needed) the database at path, checks that
// this build can read it and migrates it. Several processes may open one
// database at once (WAL mode, a busy timeout, IMMEDIATE write
// transactions). A damaged
// file or one from a newer build is left exactly as it was.
func openStore(path string, readOnly bool) (*store, error) {
	if strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("queue database path %q must not contain '?' or '#'; choose another data folder", path)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("queue database path %q: %w", path, err)
	}
	path = abs
	exists, err := checkHeader(path)
	if err != nil {
		return nil, err
	}
	if readOnly && !exists {
		return nil, fmt.Errorf("no queue database at %s: start StableNew once to create it", path)
	}
	st := &store{path: path}
	if !readOnly {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, fmt.Errorf("create the queue folder: %w", err)
		}
	}
	if exists {
		if err := checkVersion(path, readOnly); err != nil {
			st.close()
			return nil, err
		}
	}
	if err := st.openPools(readOnly); err != nil {
		st.close()
		return nil, err
	}
	if !readOnly {
		if err := migrate(st.w, path, time.Now()); err != nil {
			st.close()
			if errors.Is(err, ErrNewerSchema) || errors.Is(err, ErrDamaged) {
				return nil, err
			}
			return nil, fmt.Errorf("upgrade queue database %s: %w", path, err)
		}
	}
	return st, nil
}

// checkHeader reports whether a non-empty file exists at path and whether
// it starts like a SQLite database.
func checkHeader(path string) (bool, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("open queue database %s: %w", path, err)
	}
	defer f.Close()
	head := make([]byte, 100)
	n, err := io.ReadFull(f, head)
	if n == 0 && (err == io.EOF || err == nil) {
		return false, nil // an empty file is a new database
	}
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return false, fmt.Errorf("read queue database %s: %w", path, err)
	}
	if n < 100 || !bytes.Equal(head[:16], []byte(sqliteMagic)) {
		return false, damaged(path, errors.New("the file does not start with a SQLite header"))
	}
	return true, nil
}

// checkVersion reads the schema version through a read-only connection, so
// a file this build must refuse is not touched (no journal-mode change, no
// checkpoint).
func checkVersion(path string, readOnly bool) error {
	db := openDB(readOnlyDSN(path))
	defer db.Close()
	db.SetMaxOpenConns(1)
	var v int
	if err := db.QueryRow("PRAGMA user_version").Scan(&v); err != nil {
		return classify(path, err)
	}
	if v > schemaVersion {
		return newerSchema(path, v)
	}
	var foreign int
	if err := db.QueryRow(`SELECT count(*) FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'`).Scan(&foreign); err != nil {
		return classify(path, err)
	}
	if v == 0 && foreign > 0 {
		return damaged(path, errors.New("it holds tables but no StableNew schema version"))
	}
	if readOnly && v < schemaVersion {
		return fmt.Errorf("database %s was written by an older StableNew (schema %d, this build knows %d): open it once in the app to upgrade it",
			path, v, schemaVersion)
	}
	return nil
}

func classify(path string, err error) error {
	switch sqliteCode(err) {
	case sqliteCorrupt, sqliteNotADB:
		return damaged(path, err)
	case sqliteBusy:
		return fmt.Errorf("%w: database %s is locked by another program; close it and try again", ErrInUse, path)
	}
	return fmt.Errorf("read queue database %s: %w", path, err)
}

func readOnlyDSN(path string) string {
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(path), RawQuery: "mode=ro&_busy_timeout=5000"}
	if !strings.HasPrefix(u.Path, "/") {
		u.Path = "/" + u.Path // Windows: file:///C:/...
	}
	return u.String()
}

// readerCache is each reading connection's page cache (SQLite's default
// is 2 MB, held for good by each of the four): reads walk an index once
// (a page of history, the queue's list, a count), so a small cache reads
// as fast, the rest coming from the system's file cache, and the app
// keeps 2–3 MB less (ExperimentView512 and PruneHistory50k measured the
// same). SQLite's memory map stays off (its default): through a map (it
// was 256 MB once), every page a query had touched stayed mapped into
// the app, counted in its resident memory (13 MB after opening a queue
// of 10,000 jobs).
const readerCache = "&_cache_size=-256"

// writerPragmas run on the writing connection when it opens, before
// anything else touches the file. 16 KiB pages hold several 3 KB job specs
// each (fewer pages and WAL frames per submit); measured against 4, 8 and
// 32 KiB and larger caches, which cost more in fresh page allocations
// than they save. The page size only applies to a new database, so it is
// set before WAL mode, which writes the file's first page.
// Writes are synchronous=FULL unless a transaction says otherwise
// (withTx).
var writerPragmas = []string{"PRAGMA page_size=16384", "PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL"}

func (st *store) openPools(readOnly bool) error {
	if !readOnly {
		st.w = openDB(st.path+"?_busy_timeout=10000&_foreign_keys=1&_txlock=immediate", writerPragmas...)
		st.w.SetMaxOpenConns(1)
		st.w.SetMaxIdleConns(1)
		st.w.SetConnMaxLifetime(0)
		st.w.SetConnMaxIdleTime(0)
		if err := st.w.Ping(); err != nil {
			return classify(st.path, err)
		}
		st.r = openDB(st.path + "?_busy_timeout=10000&_foreign_keys=1&_query_only=1" + readerCache)
	} else {
		st.r = openDB(readOnlyDSN(st.path))
	}
	st.r.SetMaxOpenConns(4)
	st.r.SetMaxIdleConns(4)
	return nil
}

func (st *store) close() error {
	var errs []error
	for _, db := range []*sql.DB{st.r, st.w} {
		if db != nil {
			errs = append(errs, db.Close())
		}
	}
	return errors.Join(errs...)
}

// write runs fn in one IMMEDIATE transaction and commits it.
func (st *store) write(fn func(tx *sql.Tx) error) error {
	if st.w == nil {
		return ErrReadOnly
	}
	tx, err := st.w.BeginTx(context.Background(), nil)
	if err != nil {
		return err
	}
	return commitWith(tx, fn)
}

// commitWith runs fn in tx and commits, or rolls back when fn fails.
func commitWith(tx *sql.Tx, fn func(tx *sql.Tx) error) error {
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// writeUnsynced is write for a transaction that a power cut may undo
// without harm: its commit goes to the write-ahead log, where every
// process sees it and a crash of this one keeps it, but is not synced to
// disk (synchronous=NORMAL for this transaction only); the next synced
// commit carries it to disk. The queue's claim of its next job is one: a
// lost claim leaves the job queued, which is what recovery makes of a job
// running in a process that is gone. It keeps an fsync off the path
// between one generation and the next.
func (st *store) writeUnsynced(fn func(tx *sql.Tx) error) (err error) {
	if st.w == nil {
		return ErrReadOnly
	}
	ctx := context.Background()
	conn, err := st.w.Conn(ctx)
	if err != nil {
		return err
	}
	defer func() {
		// Back to synced commits for everything else; a connection that
		// cannot be set back is dropped, never reused unsynced.
		if _, rerr := conn.ExecContext(ctx, "PRAGMA synchronous=FULL"); rerr != nil {
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
			err = errors.Join(err, rerr)
		}
		conn.Close()
	}()
	if _, err := conn.ExecContext(ctx, "PRAGMA synchronous=NORMAL"); err != nil {
		return err
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	return commitWith(tx, fn)
}

// Times are stored as Unix microseconds (UTC); NULL means unset.

func dbTime(t time.Time) int64 { return t.UnixMicro() }

func fromDB(us int64) time.Time { return time.UnixMicro(us).UTC() }

func fromDBNull(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromDB(v.Int64)
	return &t
}
