package grid

import (
	"image/color"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// writeAged writes size bytes at dir/name, last modified age before now.
func writeAged(t *testing.T, dir, name string, size int, now time.Time, age time.Duration) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, make([]byte, size), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(p, now.Add(-age), now.Add(-age)); err != nil {
		t.Fatal(err)
	}
	return p
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }

func TestThumbsPruneRemovesLeastRecentlyUsedDownToThreeQuarters(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	// Ten thumbnails of 100 bytes, thumbnail i used i hours ago.
	var thumbs []string
	for i := range 10 {
		name := "00000000000000000000000" + string(rune('0'+i)) + ".png"
		thumbs = append(thumbs, writeAged(t, dir, name, 100, now, time.Duration(i)*time.Hour))
	}
	other := writeAged(t, dir, "notes.txt", 5000, now, 100*time.Hour)
	oldTemp := writeAged(t, dir, ".000000000000000000000001.png.tmp-abc", 100, now, 2*time.Hour)
	newTemp := writeAged(t, dir, ".000000000000000000000002.png.tmp-def", 100, now, time.Minute)
	th := &Thumbs{Dir: dir}

	// Under the limit: only the stale temporary file goes.
	res, err := th.Prune(1000, now)
	if err != nil {
		t.Fatal(err)
	}
	if res.Removed != 1 || res.Kept != 10 || res.Size != 1000 || exists(oldTemp) || !exists(newTemp) {
		t.Fatalf("under the limit: %+v (old temp kept %v, new temp kept %v)", res, exists(oldTemp), exists(newTemp))
	}

	// Over a limit of 800: down to 600, the four least recently used go.
	res, err = th.Prune(800, now)
	if err != nil {
		t.Fatal(err)
	}
	if res.Removed != 4 || res.Freed != 400 || res.Kept != 6 || res.Size != 600 {
		t.Errorf("over the limit: %+v, want 4 removed, 6 kept, 600 bytes", res)
	}
	for i, p := range thumbs {
		if want := i < 6; exists(p) != want {
			t.Errorf("thumbnail used %d h ago: exists %v, want %v", i, exists(p), want)
		}
	}
	if !exists(other) || !exists(newTemp) {
		t.Error("Prune removed a file that is not a thumbnail or a stale temporary file")
	}

	// A missing folder is an empty cache.
	if res, err := (&Thumbs{Dir: filepath.Join(dir, "none")}).Prune(1, now); err != nil || res != (PruneResult{}) {
		t.Errorf("missing folder: %+v, %v", res, err)
	}
}

// A cache hit renews an old thumbnail's time, so Prune keeps what grids
// still show.
func TestThumbsLoadRenewsAnOldThumbnail(t *testing.T) {
	dir := t.TempDir()
	src := writePNG(t, dir, "big.png", 600, 300, color.NRGBA{0, 0x80, 0, 0xff})
	th := &Thumbs{Dir: filepath.Join(dir, "thumbs")}
	if _, err := th.Load(src); err != nil {
		t.Fatal(err)
	}
	files, _ := os.ReadDir(th.Dir)
	if len(files) != 1 {
		t.Fatalf("%d cached files, want 1", len(files))
	}
	key := filepath.Join(th.Dir, files[0].Name())
	if !isThumbName(files[0].Name()) {
		t.Fatalf("%s is not named as Prune expects", files[0].Name())
	}
	old := time.Now().Add(-48 * time.Hour)
	if err := os.Chtimes(key, old, old); err != nil {
		t.Fatal(err)
	}
	if _, err := th.Load(src); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(key)
	if err != nil {
		t.Fatal(err)
	}
	if time.Since(st.ModTime()) > time.Hour {
		t.Errorf("the hit left the thumbnail's time at %v", st.ModTime())
	}
}
