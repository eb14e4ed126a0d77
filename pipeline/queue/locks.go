package queue

import (
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// errLockBusy: another process (or another connection of this one) holds
// the lock.
var errLockBusy = errors.New("held by another StableNew")

// fileLock is an exclusive lock on a small SQLite file, held through an
// open connection in exclusive locking mode. The operating system drops it
// when the process dies, so a crash never leaves a stale lock, and it works
// the same on every system SQLite runs on.
type fileLock struct{ db *sql.DB }

// tryLock takes the lock at path without waiting: errLockBusy when it is
// held.
func tryLock(path string) (*fileLock, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	db := openDB(path + "?_busy_timeout=0&_locking_mode=EXCLUSIVE")
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	_, err := db.Exec(`CREATE TABLE IF NOT EXISTS owner(pid INTEGER NOT NULL, since TEXT NOT NULL)`)
	if err == nil {
		_, err = db.Exec(`DELETE FROM owner`)
	}
	if err == nil {
		_, err = db.Exec(`INSERT INTO owner VALUES(?, ?)`, os.Getpid(), time.Now().UTC().Format(time.RFC3339))
	}
	if err != nil {
		db.Close()
		if sqliteCode(err) == sqliteBusy {
			return nil, errLockBusy
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return &fileLock{db: db}, nil
}

// release drops the lock.
func (l *fileLock) release() {
	if l != nil {
		l.db.Close()
	}
}

// backendLockPath is the lock a process holds while one of its workers
// works the WebUI named backend: only one process at a time sends a queue's
// jobs to a WebUI, and a job left running on a WebUI whose lock is free
// was abandoned by a process that is gone.
func backendLockPath(dbPath, backend string) string {
	sum := sha256.Sum256([]byte(backend))
	return filepath.Join(filepath.Dir(dbPath), "locks", "webui-"+hex.EncodeToString(sum[:8])+".lock")
}
