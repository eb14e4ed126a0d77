package output

import (
	"os"
	"path/filepath"
)

// FreeBytes returns how many bytes an unprivileged user can still write on
// the disk that holds path, or false when that is unknown. path need not
// exist yet: the nearest folder above it that exists is asked.
func FreeBytes(path string) (int64, bool) {
	dir, err := filepath.Abs(path)
	if err != nil {
		return 0, false
	}
	for {
		if st, err := os.Stat(dir); err == nil && st.IsDir() {
			return freeBytes(dir)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return 0, false
		}
		dir = parent
	}
}
