package output

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
)

func readString(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestWriteFileAtomicWritesAndReplaces(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "deeper", "m.json")
	if err := WriteFileAtomic(path, []byte("one")); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileAtomic(path, []byte("two")); err != nil {
		t.Fatal(err)
	}
	if got := readString(t, path); got != "two" {
		t.Errorf("content %q, want two", got)
	}
	if names := listDir(t, filepath.Dir(path)); len(names) != 1 {
		t.Errorf("folder holds %v, want only m.json", names)
	}
	// The file gets the mode os.WriteFile(…, 0o644) gives under the same umask
	// (os.CreateTemp would have made it 0600).
	ref := filepath.Join(dir, "ref")
	if err := os.WriteFile(ref, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(path)
	refInfo, err2 := os.Stat(ref)
	if err != nil || err2 != nil {
		t.Fatal(err, err2)
	}
	if info.Mode().Perm() != refInfo.Mode().Perm() {
		t.Errorf("mode %v, want %v", info.Mode().Perm(), refInfo.Mode().Perm())
	}
}

func TestWriteFileAtomicFailsCleanlyWhenTargetIsAFolder(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "taken")
	if err := os.MkdirAll(filepath.Join(target, "child"), 0o755); err != nil {
		t.Fatal(err)
	}
	err := WriteFileAtomic(target, []byte("data"))
	var we *WriteError
	if !errors.As(err, &we) || we.Path != target || !strings.Contains(err.Error(), target) {
		t.Fatalf("err = %v, want a WriteError naming %s", err, target)
	}
	noTempFiles(t, dir)
	if _, err := os.Stat(filepath.Join(target, "child")); err != nil {
		t.Errorf("the folder was damaged: %v", err)
	}
}

func TestWriteFileAtomicParentIsAFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "file"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := WriteFileAtomic(filepath.Join(dir, "file", "a.png"), []byte("data"))
	if err == nil || !strings.Contains(err.Error(), "create folder") || !strings.Contains(err.Error(), filepath.Join(dir, "file")) {
		t.Fatalf("err = %v", err)
	}
}

func TestWriteAtomicDiskFullLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "img.png")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	full := func(f *os.File) error {
		if _, err := f.Write([]byte("half")); err != nil {
			return err
		}
		return &fs.PathError{Op: "write", Path: f.Name(), Err: syscall.ENOSPC}
	}
	err := writeAtomic(path, full)
	if !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("err = %v, want ENOSPC", err)
	}
	msg := err.Error()
	if !strings.Contains(msg, path) || !strings.Contains(msg, "disk is full") || strings.Contains(msg, ".tmp-") {
		t.Errorf("message %q: want the target path and a disk-full hint, not the temp name", msg)
	}
	noTempFiles(t, dir)
	if got := readString(t, path); got != "old" {
		t.Errorf("old file changed to %q", got)
	}
	// The same failure through WriteFileUnique leaves nothing either.
	if _, err := writeUnique(filepath.Join(dir, "new.png"), full, os.Link); !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("writeUnique err = %v", err)
	}
	noTempFiles(t, dir)
	if names := listDir(t, dir); len(names) != 1 {
		t.Errorf("folder holds %v, want only img.png", names)
	}
}

func TestWriteErrorHints(t *testing.T) {
	tests := []struct {
		err  error
		hint string
	}{
		{syscall.ENOSPC, "disk is full"},
		{fs.ErrPermission, "not writable"},
		{syscall.EACCES, "not writable"},
		{syscall.EROFS, "read-only"},
		{errors.New("other"), ""},
	}
	for _, tt := range tests {
		msg := (&WriteError{Op: "write", Path: "/x/y.png", Err: tt.err}).Error()
		if !strings.HasPrefix(msg, "output: write /x/y.png: ") || (tt.hint != "" && !strings.Contains(msg, tt.hint)) || (tt.hint == "" && strings.Contains(msg, "(")) {
			t.Errorf("%v: message %q, want hint %q", tt.err, msg, tt.hint)
		}
	}
}

func TestWriteFileUniqueNeverOverwrites(t *testing.T) {
	for _, mode := range []string{"link", "no-link"} {
		t.Run(mode, func(t *testing.T) {
			link := os.Link
			if mode == "no-link" {
				link = func(string, string) error { return &os.LinkError{Op: "link", Err: syscall.EPERM} }
			}
			dir := t.TempDir()
			p := filepath.Join(dir, "img.png")
			if err := os.WriteFile(p, []byte("original"), 0o644); err != nil {
				t.Fatal(err)
			}
			got1, err := writeUnique(p, writeBytes([]byte("first")), link)
			if err != nil {
				t.Fatal(err)
			}
			got2, err := writeUnique(p, writeBytes([]byte("second")), link)
			if err != nil {
				t.Fatal(err)
			}
			if got1 != filepath.Join(dir, "img-1.png") || got2 != filepath.Join(dir, "img-2.png") {
				t.Errorf("names %q, %q", got1, got2)
			}
			for path, want := range map[string]string{p: "original", got1: "first", got2: "second"} {
				if got := readString(t, path); got != want {
					t.Errorf("%s holds %q, want %q", path, got, want)
				}
			}
			noTempFiles(t, dir)
		})
	}
}

// TestWriteFileUniqueRace has many writers race for one name: every write
// must land under its own name with its own content.
func TestWriteFileUniqueRace(t *testing.T) {
	for _, mode := range []string{"link", "no-link"} {
		t.Run(mode, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, "img.png")
			const n = 24
			var wg sync.WaitGroup
			paths := make([]string, n)
			errs := make([]error, n)
			for i := range n {
				wg.Go(func() {
					data := []byte(fmt.Sprintf("writer %d", i))
					switch mode {
					case "link":
						paths[i], errs[i] = WriteFileUnique(p, data)
					case "no-link":
						paths[i], errs[i] = writeUnique(p, writeBytes(data), func(string, string) error { return syscall.ENOTSUP })
					}
				})
			}
			wg.Wait()
			seen := map[string]bool{}
			for i := range n {
				if errs[i] != nil {
					t.Fatalf("writer %d: %v", i, errs[i])
				}
				if seen[paths[i]] {
					t.Fatalf("two writers got %s", paths[i])
				}
				seen[paths[i]] = true
				if got := readString(t, paths[i]); got != fmt.Sprintf("writer %d", i) {
					t.Errorf("%s holds %q, want writer %d", paths[i], got, i)
				}
			}
			names := listDir(t, dir)
			sort.Strings(names)
			if len(names) != n {
				t.Errorf("folder holds %d files, want %d: %v", len(names), n, names)
			}
		})
	}
}

func TestCandidate(t *testing.T) {
	tests := []struct {
		path string
		i    int
		want string
	}{
		{"/x/img.png", 0, "/x/img.png"},
		{"/x/img.png", 3, "/x/img-3.png"},
		{"/x/archive.tar.gz", 1, "/x/archive.tar-1.gz"},
		{"/x/noext", 2, "/x/noext-2"},
	}
	for _, tt := range tests {
		if got := candidate(filepath.FromSlash(tt.path), tt.i); got != filepath.FromSlash(tt.want) {
			t.Errorf("candidate(%q, %d) = %q, want %q", tt.path, tt.i, got, tt.want)
		}
	}
}

// Files written with WriteFileUniqueDeferred get unique names like
// WriteFileUnique's, and their folder is noted once for the job's one
// folder sync.
func TestWriteFileUniqueDeferredNotesEachFolderOnce(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "sub")
	var later Folders
	p1, err := WriteFileUniqueDeferred(filepath.Join(dir, "a.png"), []byte("one"), &later)
	if err != nil {
		t.Fatal(err)
	}
	p2, err := WriteFileUniqueDeferred(filepath.Join(dir, "a.png"), []byte("two"), &later)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := WriteFileUniqueDeferred(filepath.Join(sub, "b.png"), []byte("three"), &later); err != nil {
		t.Fatal(err)
	}
	if p1 != filepath.Join(dir, "a.png") || p2 != filepath.Join(dir, "a-1.png") {
		t.Fatalf("paths %s, %s: the second must not overwrite the first", p1, p2)
	}
	for p, want := range map[string]string{p1: "one", p2: "two"} {
		if got, err := os.ReadFile(p); err != nil || string(got) != want {
			t.Fatalf("%s = %q, %v; want %q", p, got, err, want)
		}
	}
	if want := []string{dir, sub}; !slices.Equal(later.dirs, want) {
		t.Fatalf("folders to sync = %v, want %v", later.dirs, want)
	}
	later.Sync()
	if len(later.dirs) != 0 {
		t.Fatalf("folders after Sync = %v, want none", later.dirs)
	}
}
