//go:build unix

package pipeline

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestReadRegularRefusesWhatIsNotAFile: a named pipe with a file's name
// blocked every reader forever; devices and folders are refused too, and a
// link to a regular file is read.
func TestReadRegularRefusesWhatIsNotAFile(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "x.yaml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skip("mkfifo:", err)
	}
	file := filepath.Join(dir, "real.yaml")
	if err := os.WriteFile(file, []byte("txt2img: {steps: 9}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.yaml")
	if err := os.Symlink(file, link); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for path, want := range map[string]string{
			fifo:        "is a named pipe (FIFO), not a regular file",
			"/dev/null": "is a character device, not a regular file",
			dir:         "is a folder, not a regular file",
		} {
			_, err := ReadRegular(path)
			var nr *NotRegularError
			if !errors.As(err, &nr) || !strings.Contains(err.Error(), path+" "+want) {
				t.Errorf("ReadRegular(%s) = %v", path, err)
			}
			if _, err := ReadRegularFS(os.DirFS(filepath.Dir(path)), filepath.Base(path)); !errors.As(err, &nr) {
				t.Errorf("ReadRegularFS(%s) = %v", path, err)
			}
		}
		if _, err := LoadPatchFile(fifo); err == nil || !strings.Contains(err.Error(), "named pipe") {
			t.Errorf("LoadPatchFile(fifo) = %v", err)
		}
		if data, err := ReadRegular(link); err != nil || !strings.Contains(string(data), "steps") {
			t.Errorf("a link to a file: %q, %v", data, err)
		}
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("a reader blocked on a named pipe")
	}
}
