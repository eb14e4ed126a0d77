package queue

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"

	"github.com/mattn/go-sqlite3"
)

// The queue's database goes through SQLite's C library (mattn/go-sqlite3,
// built with cgo, which the app needs for its window anyway). The pure-Go
// translation of it was 2.4 MB more program, nearly all of which the
// kernel keeps resident in a running app (docs/benchmarks.md, issue 15).

// driverName is the database/sql name go-sqlite3 registers, for tests
// and tools that open a queue database themselves.
const driverName = "sqlite3"

// SQLite result codes the store looks at (the low byte of extended codes).
const (
	sqliteBusy       = 5
	sqliteCorrupt    = 11
	sqliteNotADB     = 26
	sqliteConstraint = 19
)

// sqliteCode is the SQLite result code behind err, or 0 when err does not
// come from SQLite.
func sqliteCode(err error) int {
	var se sqlite3.Error
	if errors.As(err, &se) {
		return int(se.Code) & 0xff
	}
	return 0
}

// openDB returns a pool whose connections open dsn (a path or a file: URI
// with go-sqlite3's parameters) and then run pragmas, in order, before
// they are used.
func openDB(dsn string, pragmas ...string) *sql.DB {
	return sql.OpenDB(connector{dsn: dsn, drv: &sqlite3.SQLiteDriver{ConnectHook: func(conn *sqlite3.SQLiteConn) error {
		for _, p := range pragmas {
			if _, err := conn.Exec(p, nil); err != nil {
				return err
			}
		}
		return nil
	}}})
}

// connector opens go-sqlite3 connections with StableNew's pragmas (the
// driver's ConnectHook).
type connector struct {
	dsn string
	drv *sqlite3.SQLiteDriver
}

// Connect opens one connection and runs the pragmas on it.
func (c connector) Connect(context.Context) (driver.Conn, error) { return c.drv.Open(c.dsn) }

// Driver is go-sqlite3's driver with the hook.
func (c connector) Driver() driver.Driver { return c.drv }
