package assets

import (
	"bytes"
	"image/png"
	"io/fs"
	"reflect"
	"testing"
)

func TestIcon(t *testing.T) {
	img, err := png.Decode(bytes.NewReader(Icon))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 256 || b.Dy() != 256 {
		t.Errorf("icon is %dx%d, want 256x256", b.Dx(), b.Dy())
	}
	// Dark background in the middle of the left edge, transparent corner.
	if _, _, _, a := img.At(0, 0).RGBA(); a != 0 {
		t.Errorf("corner alpha %d, want transparent", a)
	}
	r, g, b, a := img.At(8, 128).RGBA()
	if a != 0xffff || r > 0x3000 || g > 0x3000 || b > 0x3000 {
		t.Errorf("background at (8,128) = %x %x %x %x, want opaque and dark", r, g, b, a)
	}
}

func TestSamplesLayout(t *testing.T) {
	entries, err := fs.ReadDir(Samples, ".")
	if err != nil {
		t.Fatal(err)
	}
	var top []string
	for _, e := range entries {
		if !e.IsDir() {
			t.Errorf("%s at the top of Samples is not a folder", e.Name())
		}
		top = append(top, e.Name())
	}
	if want := []string{"packs", "presets", "wildcards"}; !reflect.DeepEqual(top, want) {
		t.Errorf("top folders %v, want %v", top, want)
	}
}
