package output

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
)

// maxUnique bounds the "-N" suffixes tried by the unique-name functions.
const maxUnique = 10000

// WriteError reports a failed write with the path it concerns and, for the
// usual causes (disk full, folder not writable, read-only disk), a hint on
// what to do. It unwraps to the operating-system error, so
// errors.Is(err, syscall.ENOSPC) and errors.Is(err, fs.ErrPermission) work.
type WriteError struct {
	Op   string // what was being done: "create folder", "write", "rename", …
	Path string // the file or folder concerned
	Err  error  // the underlying error
}

// Error implements error.
func (e *WriteError) Error() string {
	inner := e.Err
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(inner, &pe):
		inner = pe.Err
	case errors.As(inner, &le):
		inner = le.Err
	}
	return fmt.Sprintf("output: %s %s: %v%s", e.Op, e.Path, inner, writeHint(e.Err))
}

// Unwrap returns the underlying error.
func (e *WriteError) Unwrap() error { return e.Err }

func writeHint(err error) string {
	switch {
	case isDiskFull(err):
		return " (the disk is full: free some space or choose another output folder)"
	case errors.Is(err, fs.ErrPermission):
		return " (the folder is not writable: check its permissions or choose another output folder)"
	case errors.Is(err, syscall.EROFS):
		return " (the disk is read-only: choose another output folder)"
	}
	return ""
}

// isDiskFull recognises ENOSPC and, on Windows, ERROR_DISK_FULL (112) and
// ERROR_HANDLE_DISK_FULL (39).
func isDiskFull(err error) bool {
	if errors.Is(err, syscall.ENOSPC) {
		return true
	}
	var errno syscall.Errno
	return runtime.GOOS == "windows" && errors.As(err, &errno) && (errno == 112 || errno == 39)
}

func wrapErr(op, path string, err error) error {
	if err == nil {
		return nil
	}
	return &WriteError{Op: op, Path: path, Err: err}
}

// WriteFileAtomic writes data to path so that readers see either the old file
// or the complete new one, never a partial file: it writes a temporary file in
// the same folder, syncs it to disk, renames it over path and syncs the
// folder. Missing parent folders are created. It replaces an existing file;
// use WriteFileUnique for images, which must never overwrite anything. On
// error no temporary file is left behind.
func WriteFileAtomic(path string, data []byte) error {
	return writeAtomic(path, writeBytes(data))
}

func writeBytes(data []byte) func(*os.File) error {
	return func(f *os.File) error {
		_, err := f.Write(data)
		return err
	}
}

// writeAtomic is WriteFileAtomic with the content written by fill.
func writeAtomic(path string, fill func(*os.File) error) error {
	tmp, err := writeTemp(path, fill)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		_ = os.Remove(tmp)
		return wrapErr("replace", path, err)
	}
	syncDir(filepath.Dir(path))
	return nil
}

// writeTemp creates the parent folder, writes a complete, synced temporary
// file next to path and returns its name. On error nothing is left behind.
func writeTemp(path string, fill func(*os.File) error) (string, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", wrapErr("create folder", dir, err)
	}
	f, err := createTemp(dir, filepath.Base(path))
	if err != nil {
		return "", wrapErr("create a file in", dir, err)
	}
	fail := func(op string, err error) (string, error) {
		_ = f.Close()
		_ = os.Remove(f.Name())
		return "", wrapErr(op, path, err)
	}
	if err := fill(f); err != nil {
		return fail("write", err)
	}
	if err := f.Sync(); err != nil {
		return fail("sync", err)
	}
	if err := f.Close(); err != nil {
		return fail("close", err)
	}
	return f.Name(), nil
}

// createTemp makes ".<base>.tmp-<random>" in dir with mode 0644 (less umask).
func createTemp(dir, base string) (*os.File, error) {
	base = capBytes(base, 120)
	var err error
	for range 100 {
		name := filepath.Join(dir, "."+base+".tmp-"+strconv.FormatUint(rand.Uint64(), 36))
		var f *os.File
		f, err = os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
		if err == nil {
			return f, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, err
		}
	}
	return nil, err
}

// syncDir flushes a folder entry after a rename; best effort, and skipped on
// Windows, where folders cannot be opened for syncing.
func syncDir(dir string) {
	if runtime.GOOS == "windows" {
		return
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}

// candidate returns path for i == 0 and "name-i.ext" otherwise.
func candidate(path string, i int) string {
	if i == 0 {
		return path
	}
	ext := filepath.Ext(path)
	return strings.TrimSuffix(path, ext) + "-" + strconv.Itoa(i) + ext
}

// WriteFileUnique writes data atomically under path or, if that name is taken,
// under "name-1.ext", "name-2.ext", …, and returns the path used. It never
// overwrites an existing file, even when several writers race: the complete,
// synced temporary file is hard-linked to the final name, which fails if the
// name exists. Where the file system has no hard links it reserves the name
// with O_EXCL and renames the temporary file over its own reservation (the
// name then exists, empty, for an instant). Missing parent folders are created.
func WriteFileUnique(path string, data []byte) (string, error) {
	written, err := writeUnique(path, writeBytes(data), os.Link)
	if err != nil {
		return "", err
	}
	syncDir(filepath.Dir(written))
	return written, nil
}

// Folders are the folders of files written with WriteFileUniqueDeferred
// whose new names are not synced yet: the files of one job share one sync
// of their folder (Sync) instead of one each. Use it from one goroutine.
type Folders struct {
	dirs []string
}

// WriteFileUniqueDeferred is WriteFileUnique except that the folder is not
// synced: the file's data is on disk when it returns, its name only once
// later.Sync has run. Call Sync before the file is recorded as done.
func WriteFileUniqueDeferred(path string, data []byte, later *Folders) (string, error) {
	written, err := writeUnique(path, writeBytes(data), os.Link)
	if err != nil {
		return "", err
	}
	dir := filepath.Dir(written)
	if !slices.Contains(later.dirs, dir) {
		later.dirs = append(later.dirs, dir)
	}
	return written, nil
}

// Sync syncs each folder written to since the last Sync, once.
func (f *Folders) Sync() {
	for _, d := range f.dirs {
		syncDir(d)
	}
	f.dirs = f.dirs[:0]
}

// writeUnique is WriteFileUnique without the folder's sync, with the
// content and the link function injectable (tests use a link function that
// fails like FAT does).
func writeUnique(path string, fill func(*os.File) error, link func(oldname, newname string) error) (string, error) {
	tmp, err := writeTemp(path, fill)
	if err != nil {
		return "", err
	}
	defer func() { _ = os.Remove(tmp) }()
	for i := range maxUnique {
		c := candidate(path, i)
		err := link(tmp, c)
		if err == nil {
			return c, nil
		}
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return reserveAndRename(tmp, path, i)
	}
	return "", fmt.Errorf("output: no free name for %s after %d tries", path, maxUnique)
}

// reserveAndRename is the no-hard-link fallback of writeUnique.
func reserveAndRename(tmp, path string, from int) (string, error) {
	for i := from; i < maxUnique; i++ {
		c := candidate(path, i)
		f, err := os.OpenFile(c, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", wrapErr("create", c, err)
		}
		_ = f.Close()
		if err := os.Rename(tmp, c); err != nil {
			_ = os.Remove(c)
			return "", wrapErr("rename into", c, err)
		}
		return c, nil
	}
	return "", fmt.Errorf("output: no free name for %s after %d tries", path, maxUnique)
}
