package output

import (
	"path/filepath"
	"testing"
)

func TestFreeBytesAsksTheNearestExistingFolder(t *testing.T) {
	dir := t.TempDir()
	have, ok := FreeBytes(dir)
	if !ok || have <= 0 {
		t.Fatalf("FreeBytes(%s) = %d, %v: a temporary folder's disk has free space", dir, have, ok)
	}
	deep := filepath.Join(dir, "not", "made", "yet")
	got, ok := FreeBytes(deep)
	if !ok || got <= 0 {
		t.Fatalf("FreeBytes of a folder not made yet = %d, %v: want its nearest parent's disk", got, ok)
	}
}
