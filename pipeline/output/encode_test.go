package output

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"

	"golang.org/x/image/webp"
)

func TestEncodePNGPassesThrough(t *testing.T) {
	in := pngWithParameters(t, sampleInfotext)
	for _, f := range []string{"png", "PNG", ".png"} {
		out, err := Encode(in, f, 0, "ignored")
		if err != nil || !bytes.Equal(out, in) {
			t.Errorf("format %q: changed the PNG (%v)", f, err)
		}
	}
}

func TestEncodeJPEG(t *testing.T) {
	in := makePNG(t, 32, 32)
	lo, err := Encode(in, "jpg", 10, "")
	if err != nil {
		t.Fatal(err)
	}
	hi, err := Encode(in, "jpg", 100, "")
	if err != nil {
		t.Fatal(err)
	}
	def, err := Encode(in, "jpg", 0, "")
	if err != nil {
		t.Fatal(err)
	}
	if !(len(lo) < len(def) && len(def) < len(hi)) {
		t.Errorf("sizes at quality 10/default/100: %d/%d/%d, want increasing", len(lo), len(def), len(hi))
	}
	if _, err := ReadEXIFUserComment(def); !errors.Is(err, ErrNoUserComment) {
		t.Errorf("empty infotext wrote EXIF: %v", err)
	}
	// A JPEG passes through when JPEG is asked for.
	if out, err := Encode(def, "jpeg", 50, "x"); err != nil || !bytes.Equal(out, def) {
		t.Errorf("JPEG input was re-encoded: %v", err)
	}
}

func TestEncodeFlattensTransparencyOntoWhite(t *testing.T) {
	img := image.NewNRGBA(image.Rect(0, 0, 16, 16))
	for i := range img.Pix {
		img.Pix[i] = 0 // fully transparent black
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	jpg, err := Encode(buf.Bytes(), "jpg", 95, "")
	if err != nil {
		t.Fatal(err)
	}
	out, err := jpeg.Decode(bytes.NewReader(jpg))
	if err != nil {
		t.Fatal(err)
	}
	if c := color.RGBAModel.Convert(out.At(8, 8)).(color.RGBA); c.R < 250 || c.G < 250 || c.B < 250 {
		t.Errorf("transparent pixel became %v, want white", c)
	}
}

func TestEncodeErrors(t *testing.T) {
	in := makePNG(t, 8, 8)
	tests := []struct {
		name, format string
		data         []byte
		quality      int
		is           error
		substr       string
	}{
		{"unknown format", "gif", in, 80, nil, "use png, jpg or webp"},
		{"quality too high", "jpg", in, 101, nil, "1 to 100"},
		{"negative quality", "jpg", in, -5, nil, "1 to 100"},
		{"not an image", "jpg", []byte("hello"), 80, ErrNotPNG, "input must be PNG"},
		{"broken PNG", "jpg", append([]byte(pngSignature), "garbage"...), 80, nil, "decode PNG"},
		{"infotext too long", "jpg", in, 80, ErrEXIFTooLarge, "use PNG"},
	}
	for _, tt := range tests {
		info := ""
		if tt.name == "infotext too long" {
			info = strings.Repeat("猫", 40000)
		}
		_, err := Encode(tt.data, tt.format, tt.quality, info)
		if err == nil || (tt.is != nil && !errors.Is(err, tt.is)) || !strings.Contains(err.Error(), tt.substr) {
			t.Errorf("%s: err = %v, want %v containing %q", tt.name, err, tt.is, tt.substr)
		}
	}
}

func TestFormatExtension(t *testing.T) {
	for in, want := range map[string]string{"png": "png", "JPG": "jpg", "jpeg": "jpg", ".webp": "webp"} {
		if got, err := FormatExtension(in); err != nil || got != want {
			t.Errorf("FormatExtension(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := FormatExtension("bmp"); err == nil {
		t.Error("bmp accepted")
	}
}

func TestEncodeWebPKeepsInfotextInEXIF(t *testing.T) {
	in := makeNoisyPNG(t, 96, 64)
	out, err := Encode(in, "webp", 80, "a cat\nSteps: 20, Sampler: Euler a, Seed: 1")
	if err != nil {
		t.Fatal(err)
	}
	if sniffFormat(out) != "webp" {
		t.Fatalf("not a WebP file: % x", out[:16])
	}
	if got := binary.LittleEndian.Uint32(out[4:8]); int(got) != len(out)-8 {
		t.Fatalf("RIFF size %d, file %d", got, len(out))
	}
	uc, err := ReadEXIFUserComment(out)
	text := uc.Text
	if err != nil {
		t.Fatal(err)
	}
	if text != "a cat\nSteps: 20, Sampler: Euler a, Seed: 1" {
		t.Fatalf("infotext %q", text)
	}
	cfg, err := webp.DecodeConfig(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Width != 96 || cfg.Height != 64 {
		t.Fatalf("decoded size %dx%d", cfg.Width, cfg.Height)
	}
}

// TestEncodeWebPKeepsStraightAlpha: a half-transparent PNG keeps its
// colours in WebP as an opaque one does, within what lossy WebP's YUV 4:2:0
// moves them (up to about 12). libwebp takes straight alpha: premultiplied
// pixels would come back at half brightness.
func TestEncodeWebPKeepsStraightAlpha(t *testing.T) {
	for _, c := range []color.NRGBA{{200, 100, 50, 128}, {200, 100, 50, 255}} {
		img := image.NewNRGBA(image.Rect(0, 0, 64, 48))
		draw.Draw(img, img.Rect, image.NewUniform(c), image.Point{}, draw.Src)
		var in bytes.Buffer
		if err := png.Encode(&in, img); err != nil {
			t.Fatal(err)
		}
		out, err := Encode(in.Bytes(), "webp", 90, "")
		if err != nil {
			t.Fatal(err)
		}
		got, err := webp.Decode(bytes.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		if b := got.Bounds(); b.Dx() != 64 || b.Dy() != 48 {
			t.Fatalf("decoded size %v", b)
		}
		g := color.NRGBAModel.Convert(got.At(32, 24)).(color.NRGBA)
		near := func(a, b uint8) bool { return int(a)-int(b) <= 16 && int(b)-int(a) <= 16 }
		if !near(g.R, c.R) || !near(g.G, c.G) || !near(g.B, c.B) || !near(g.A, c.A) {
			t.Errorf("%v came back as %v", c, g)
		}
	}
}
