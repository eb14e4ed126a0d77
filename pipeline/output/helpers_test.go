package output

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"strings"
	"testing"
)

// makePNG encodes a w×h opaque gradient with a little texture.
func makePNG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.SetNRGBA(x, y, color.NRGBA{uint8(x), uint8(y), uint8((x * y) >> 3), 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// makeNoisyPNG encodes a w×h image with enough noise to compress about as
// badly as a rendered photo (roughly 1.5 bytes per pixel).
func makeNoisyPNG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	seed := uint32(1)
	for i := 0; i < len(img.Pix); i += 4 {
		seed = seed*1664525 + 1013904223
		x, y := (i/4)%w, (i/4)/w
		n := uint8(seed>>24) & 0x0f
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = uint8(x/4)+n, uint8(y/4)+n, uint8((x+y)/8)+n, 255
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// pngWithParameters is a small PNG carrying a WebUI-style "parameters" chunk.
func pngWithParameters(t testing.TB, params string) []byte {
	t.Helper()
	out, err := AddPNGText(makePNG(t, 8, 8), []TextChunk{{Keyword: "parameters", Text: params}})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// rawChunk builds one PNG chunk with a correct CRC.
func rawChunk(typ string, body []byte) []byte {
	var b bytes.Buffer
	writeChunk(&b, typ, body)
	return b.Bytes()
}

// insertBeforeIDAT splices raw chunk bytes in front of the first IDAT.
func insertBeforeIDAT(t testing.TB, png, chunk []byte) []byte {
	t.Helper()
	idat, _, err := scanPNG(png)
	if err != nil {
		t.Fatal(err)
	}
	out := append([]byte{}, png[:idat]...)
	out = append(out, chunk...)
	return append(out, png[idat:]...)
}

// listDir returns the names in dir.
func listDir(t testing.TB, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// noTempFiles fails if dir holds a leftover temporary file.
func noTempFiles(t testing.TB, dir string) {
	t.Helper()
	for _, n := range listDir(t, dir) {
		if strings.Contains(n, ".tmp-") {
			t.Errorf("temporary file left behind: %s", n)
		}
	}
}

// onlyReader hides any Seek method of r.
type onlyReader struct{ r *bytes.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }

// mustParseTemplate is ParseTemplate for the tests' own valid templates; it
// panics on error.
func mustParseTemplate(s string) *Template {
	t, err := ParseTemplate(s)
	if err != nil {
		panic(err)
	}
	return t
}
