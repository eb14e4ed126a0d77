package output

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image/jpeg"
	"strings"
	"testing"
	"unicode/utf16"
)

func TestEXIFUserCommentRoundTrip(t *testing.T) {
	for _, text := range []string{
		sampleInfotext,
		"猫 🐱 кот, \"quoted\"\nline two",
		"",
		"x",
	} {
		exif, err := EXIFUserComment(text)
		if err != nil {
			t.Fatal(err)
		}
		uc, err := ReadEXIFUserComment(exif)
		got := uc.Text
		if err != nil || got != text {
			t.Errorf("round trip of %q: got %q, %v", text, got, err)
		}
	}
}

func TestEXIFUserCommentLayoutMatchesA1111(t *testing.T) {
	exif, err := EXIFUserComment("Hi")
	if err != nil {
		t.Fatal(err)
	}
	// piexif.dump({"Exif": {UserComment: UserComment.dump("Hi", encoding="unicode")}})
	want := []byte("Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08" +
		"\x00\x01\x87\x69\x00\x04\x00\x00\x00\x01\x00\x00\x00\x1a\x00\x00\x00\x00" +
		"\x00\x01\x92\x86\x00\x07\x00\x00\x00\x0c\x00\x00\x00\x2c\x00\x00\x00\x00" +
		"UNICODE\x00\x00H\x00i")
	if !bytes.Equal(exif, want) {
		t.Errorf("EXIF block\n got %q\nwant %q", exif, want)
	}
}

func TestEXIFUserCommentSizeLimits(t *testing.T) {
	// Long ASCII falls back to the ASCII prefix.
	long := strings.Repeat("a", 40000)
	exif, err := EXIFUserComment(long)
	if err != nil || !bytes.Contains(exif, []byte("ASCII\x00\x00\x00")) {
		t.Fatalf("long ASCII: %v", err)
	}
	if uc, err := ReadEXIFUserComment(exif); err != nil || uc.Text != long {
		t.Errorf("long ASCII round trip failed: %v", err)
	}
	for _, text := range []string{strings.Repeat("a", 70000), strings.Repeat("é", 40000)} {
		if _, err := EXIFUserComment(text); !errors.Is(err, ErrEXIFTooLarge) {
			t.Errorf("%d bytes: err = %v, want ErrEXIFTooLarge", len(text), err)
		}
	}
	if _, err := EXIFUserComment("\xff"); err == nil {
		t.Error("invalid UTF-8 accepted")
	}
}

// leEXIF builds a little-endian TIFF with UserComment directly in IFD0, as
// some other writers do, holding comment.
func leEXIF(comment []byte) []byte {
	le := binary.LittleEndian
	b := []byte("II\x2a\x00\x08\x00\x00\x00")
	b = le.AppendUint16(b, 1)
	b = le.AppendUint16(b, tagUserComment)
	b = le.AppendUint16(b, typeUndefined)
	b = le.AppendUint32(b, uint32(len(comment)))
	if len(comment) <= 4 { // stored inline in the entry
		b = append(b, append(comment, make([]byte, 4-len(comment))...)...)
		return le.AppendUint32(b, 0)
	}
	b = le.AppendUint32(b, 8+2+12+4)
	b = le.AppendUint32(b, 0)
	return append(b, comment...)
}

func utf16Bytes(s string, bo binary.AppendByteOrder) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = bo.AppendUint16(b, u)
	}
	return b
}

func TestReadEXIFUserCommentEncodings(t *testing.T) {
	tests := []struct {
		name string
		exif []byte
		want string
	}{
		{"UNICODE in a little-endian TIFF", leEXIF(append([]byte("UNICODE\x00"), utf16Bytes("猫 cat", binary.LittleEndian)...)), "猫 cat"},
		{"UNICODE with a big-endian BOM in a little-endian TIFF", leEXIF(append([]byte("UNICODE\x00\xfe\xff"), utf16Bytes("bom", binary.BigEndian)...)), "bom"},
		{"ASCII with trailing NULs", leEXIF([]byte("ASCII\x00\x00\x00hello\x00\x00")), "hello"},
		{"undefined code, UTF-8", leEXIF([]byte("\x00\x00\x00\x00\x00\x00\x00\x00caf\xc3\xa9")), "café"},
		{"no code at all", leEXIF([]byte("raw text here")), "raw text here"},
		{"short, inline value", leEXIF([]byte("abc")), "abc"},
	}
	for _, tt := range tests {
		uc, err := ReadEXIFUserComment(tt.exif)
		got := uc.Text
		if err != nil || got != tt.want {
			t.Errorf("%s: got %q, %v; want %q", tt.name, got, err, tt.want)
		}
	}
	if _, err := ReadEXIFUserComment(leEXIF([]byte("JIS\x00\x00\x00\x00\x00abc"))); err == nil || !strings.Contains(err.Error(), "JIS") {
		t.Errorf("JIS: err = %v", err)
	}
}

// webpWithEXIF wraps an EXIF payload in a minimal RIFF/WebP container.
func webpWithEXIF(exif []byte) []byte {
	chunk := func(id string, data []byte) []byte {
		b := append([]byte(id), binary.LittleEndian.AppendUint32(nil, uint32(len(data)))...)
		b = append(b, data...)
		if len(data)%2 == 1 {
			b = append(b, 0)
		}
		return b
	}
	body := append([]byte("WEBP"), chunk("VP8X", make([]byte, 10))...)
	body = append(body, chunk("VP8L", []byte{0x2f, 1, 2, 3, 4})...) // odd size: padded
	body = append(body, chunk("EXIF", exif)...)
	return append(append([]byte("RIFF"), binary.LittleEndian.AppendUint32(nil, uint32(len(body)))...), body...)
}

func TestReadEXIFUserCommentWebP(t *testing.T) {
	exif, _ := EXIFUserComment(sampleInfotext)
	for name, payload := range map[string][]byte{"with Exif header": exif, "bare TIFF": exif[6:]} {
		uc, err := ReadEXIFUserComment(webpWithEXIF(payload))
		got := uc.Text
		if err != nil || got != sampleInfotext {
			t.Errorf("%s: got %q, %v", name, got, err)
		}
	}
	noEXIF := webpWithEXIF(nil)
	noEXIF = noEXIF[:len(noEXIF)-8] // drop the (empty) EXIF chunk
	if _, err := ReadEXIFUserComment(noEXIF); !errors.Is(err, ErrNoUserComment) {
		t.Errorf("WebP without EXIF: err = %v", err)
	}
}

func TestReadEXIFUserCommentErrors(t *testing.T) {
	plain, err := Encode(makePNG(t, 16, 16), "jpg", 90, "")
	if err != nil {
		t.Fatal(err)
	}
	good, _ := EXIFUserComment("hello")
	badOffset := append([]byte{}, good...)
	binary.BigEndian.PutUint32(badOffset[6+8+2+8:], 0xfffffff0) // Exif IFD pointer
	badCount := append([]byte{}, good...)
	binary.BigEndian.PutUint32(badCount[6+26+2+4:], 0x7fffffff) // UserComment count
	noComment := append([]byte{}, good...)
	binary.BigEndian.PutUint16(noComment[6+26+2:], 0x1234) // retag UserComment
	tests := []struct {
		name string
		data []byte
		is   error
	}{
		{"JPEG without EXIF", plain, ErrNoUserComment},
		{"bad IFD offset", badOffset, ErrCorruptEXIF},
		{"bad count", badCount, ErrCorruptEXIF},
		{"no UserComment tag", noComment, ErrNoUserComment},
		{"bad TIFF header", []byte("Exif\x00\x00XX\x00\x2a\x00\x00\x00\x08"), ErrCorruptEXIF},
		{"cut JPEG segment", []byte{0xff, 0xd8, 0xff, 0xe1, 0x10, 0x00, 'E'}, ErrCorruptEXIF},
		{"JPEG ends early", []byte{0xff, 0xd8}, ErrNoUserComment},
		{"WebP chunk past end", append([]byte("RIFF\x00\x00\x00\x00WEBPEXIF"), 0xff, 0xff, 0, 0), ErrCorruptEXIF},
	}
	for _, tt := range tests {
		if _, err := ReadEXIFUserComment(tt.data); !errors.Is(err, tt.is) {
			t.Errorf("%s: err = %v, want %v", tt.name, err, tt.is)
		}
	}
	if _, err := ReadEXIFUserComment([]byte("GIF89a")); err == nil || !strings.Contains(err.Error(), "not a JPEG or WebP") {
		t.Errorf("GIF: err = %v", err)
	}
}

func TestJPEGEXIFRoundTrip(t *testing.T) {
	text := "猫 portrait, \"quoted\"\nNegative prompt: blurry\nSteps: 20, Seed: 1"
	jpg, err := Encode(makePNG(t, 64, 48), "jpeg", 90, text)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(jpg, []byte{0xff, 0xd8, 0xff, 0xe1}) {
		t.Errorf("APP1 is not right after SOI: % x", jpg[:4])
	}
	uc, err := ReadEXIFUserComment(jpg)
	got := uc.Text
	if err != nil || got != text {
		t.Errorf("got %q, %v", got, err)
	}
	img, err := jpeg.Decode(bytes.NewReader(jpg))
	if err != nil || img.Bounds().Dx() != 64 || img.Bounds().Dy() != 48 {
		t.Errorf("decode: %v", err)
	}
}
