package grid

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// ThumbCacheLimit is how large the thumbnail cache may grow before Prune
// removes its least recently used thumbnails: about 14,000 thumbnails of
// 75 KB, every tile of 35 experiments of 400 images.
const ThumbCacheLimit int64 = 1 << 30

// staleTemp is how old a temporary file left in the cache (by a crash
// while a thumbnail was written) must be before Prune removes it: older
// than any write in progress.
const staleTemp = time.Hour

// touchAfter is how old a thumbnail's time must be before a cache hit
// renews it: Prune keeps the most recently used ones, and renewing once an
// hour is precise enough for that without a write on every hit.
const touchAfter = time.Hour

// PruneResult says what Prune removed and what the cache holds after.
type PruneResult struct {
	Removed int   // thumbnails and stale temporary files removed
	Freed   int64 // their bytes
	Kept    int   // thumbnails left
	Size    int64 // their bytes
}

// Prune keeps the cache under limit bytes: when it holds more, the least
// recently used thumbnails go until it is under three quarters of limit
// (so it is not pruned again at the next one). Temporary files a crash
// left behind go too. Other files in the folder are never touched. A
// missing folder is an empty cache.
func (t *Thumbs) Prune(limit int64, now time.Time) (PruneResult, error) {
	var res PruneResult
	entries, err := os.ReadDir(t.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return res, nil
	}
	if err != nil {
		return res, err
	}
	type thumb struct {
		path string
		size int64
		used time.Time
	}
	var thumbs []thumb
	remove := func(path string, size int64) {
		if os.Remove(path) == nil {
			res.Removed++
			res.Freed += size
		}
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue // removed meanwhile
		}
		name, path := e.Name(), filepath.Join(t.Dir, e.Name())
		switch {
		case strings.HasPrefix(name, ".") && strings.Contains(name, ".png.tmp-"):
			if now.Sub(info.ModTime()) > staleTemp {
				remove(path, info.Size())
			}
		case isThumbName(name):
			thumbs = append(thumbs, thumb{path, info.Size(), info.ModTime()})
			res.Size += info.Size()
		}
	}
	if res.Size > limit {
		slices.SortFunc(thumbs, func(a, b thumb) int { return a.used.Compare(b.used) })
		target := limit / 4 * 3
		for len(thumbs) > 0 && res.Size > target {
			before := res.Freed
			remove(thumbs[0].path, thumbs[0].size)
			if res.Freed > before {
				res.Size -= thumbs[0].size
			}
			thumbs = thumbs[1:]
		}
	}
	res.Kept = len(thumbs)
	return res, nil
}

// isThumbName says whether name is a thumbnail's: 24 hex digits and .png,
// as key makes them.
func isThumbName(name string) bool {
	hex, ok := strings.CutSuffix(name, ".png")
	if !ok || len(hex) != 24 {
		return false
	}
	for _, c := range hex {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// touch marks the thumbnail at key as just used (for Prune), at most once
// per touchAfter.
func touch(key string, st os.FileInfo, now time.Time) {
	if now.Sub(st.ModTime()) > touchAfter {
		_ = os.Chtimes(key, now, now)
	}
}
