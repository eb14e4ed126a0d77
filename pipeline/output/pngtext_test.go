package output

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"image/png"
	"io"
	"strings"
	"testing"
)

const sampleInfotext = "a portrait, detailed\nNegative prompt: blurry\nSteps: 20, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 7.0, Seed: 12345, Size: 512x768, Version: v1.10.1"

func TestPNGTextRoundTrip(t *testing.T) {
	base := pngWithParameters(t, sampleInfotext)
	chunks := []TextChunk{
		{Keyword: "stablenew", Text: `{"schema":"stablenew/1"}`},
		{Keyword: "latin", Text: "café crème, naïve"},
		{Keyword: "zipped", Text: strings.Repeat("compress me ", 100), Compressed: true},
		{Keyword: "unicode", Text: "猫 🐱 кот\nsecond line"},
		{Keyword: "unicode zipped", Text: strings.Repeat("猫", 300), Compressed: true},
		{Keyword: "forced itxt", Text: "plain", Type: "iTXt"},
		{Keyword: "empty", Text: ""},
		{Keyword: "Comment ÿ", Text: "Latin-1 keyword"},
	}
	out, err := AddPNGText(base, chunks)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ReadPNGTextChunks(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	wantTypes := map[string]string{
		"parameters": "tEXt", "stablenew": "tEXt", "latin": "tEXt", "zipped": "zTXt",
		"unicode": "iTXt", "unicode zipped": "iTXt", "forced itxt": "iTXt", "empty": "tEXt", "Comment ÿ": "tEXt",
	}
	if len(got) != len(wantTypes) {
		t.Fatalf("read %d chunks, want %d: %+v", len(got), len(wantTypes), got)
	}
	want := map[string]TextChunk{"parameters": {Keyword: "parameters", Text: sampleInfotext}}
	for _, c := range chunks {
		want[c.Keyword] = c
	}
	for _, c := range got {
		w := want[c.Keyword]
		if c.Text != w.Text || c.Type != wantTypes[c.Keyword] || c.Compressed != w.Compressed {
			t.Errorf("chunk %q: got type %s compressed %v text %.40q; want type %s compressed %v text %.40q",
				c.Keyword, c.Type, c.Compressed, c.Text, wantTypes[c.Keyword], w.Compressed, w.Text)
		}
	}
	// The file is still a valid PNG: the standard decoder checks every CRC.
	if _, err := png.Decode(bytes.NewReader(out)); err != nil {
		t.Errorf("png.Decode after AddPNGText: %v", err)
	}
	// The WebUI's chunk is kept byte for byte, and in front of ours.
	orig := rawChunk("tEXt", append([]byte("parameters\x00"), sampleInfotext...))
	if i := bytes.Index(out, orig); i < 0 || i > bytes.Index(out, []byte("stablenew")) {
		t.Error("the parameters chunk was changed or moved")
	}
	// Our chunks come before the first IDAT.
	if bytes.Index(out, []byte("unicode zipped")) > bytes.Index(out, []byte("IDAT")) {
		t.Error("text chunks were not inserted before IDAT")
	}
	m, err := ReadPNGText(onlyReader{bytes.NewReader(out)})
	if err != nil || m["parameters"] != sampleInfotext || m["unicode"] != "猫 🐱 кот\nsecond line" {
		t.Errorf("ReadPNGText without Seek: %v %q", err, m["parameters"])
	}
}

func TestReadPNGTextFirstDuplicateWins(t *testing.T) {
	p := pngWithParameters(t, "first")
	p = insertBeforeIDAT(t, p, rawChunk("tEXt", []byte("parameters\x00second")))
	m, err := ReadPNGText(bytes.NewReader(p))
	if err != nil || m["parameters"] != "first" {
		t.Errorf("got %q, %v", m["parameters"], err)
	}
}

func TestReadPNGTextAfterIDAT(t *testing.T) {
	p := makePNG(t, 4, 4)
	iend := bytes.LastIndex(p, []byte("IEND")) - 4
	late := append(append(append([]byte{}, p[:iend]...), rawChunk("tEXt", []byte("late\x00after data"))...), p[iend:]...)
	m, err := ReadPNGText(bytes.NewReader(late))
	if err != nil || m["late"] != "after data" {
		t.Errorf("got %v, %v", m, err)
	}
}

func TestAddPNGTextRefusals(t *testing.T) {
	base := pngWithParameters(t, sampleInfotext)
	tests := []struct {
		name   string
		png    []byte
		chunks []TextChunk
		is     error
		substr string
	}{
		{"duplicate of the WebUI chunk", base, []TextChunk{{Keyword: "parameters", Text: "x"}}, ErrDuplicateKeyword, `"parameters"`},
		{"duplicate within the call", base, []TextChunk{{Keyword: "a", Text: "1"}, {Keyword: "a", Text: "2"}}, ErrDuplicateKeyword, `"a"`},
		{"not a PNG", []byte("GIF89a..."), nil, ErrNotPNG, "signature"},
		{"JPEG", []byte{0xff, 0xd8, 0xff, 0xe0}, nil, ErrNotPNG, "signature"},
		{"truncated", base[:len(base)-20], nil, ErrTruncatedPNG, "runs past the end"},
		{"empty keyword", base, []TextChunk{{Keyword: "", Text: "x"}}, nil, "invalid PNG text keyword"},
		{"long keyword", base, []TextChunk{{Keyword: strings.Repeat("k", 80), Text: "x"}}, nil, "invalid PNG text keyword"},
		{"keyword with space at end", base, []TextChunk{{Keyword: "a ", Text: "x"}}, nil, "spaces"},
		{"keyword with NUL", base, []TextChunk{{Keyword: "a\x00b", Text: "x"}}, nil, "control character"},
		{"non-Latin-1 keyword", base, []TextChunk{{Keyword: "猫", Text: "x"}}, nil, "Latin-1"},
		{"NUL in text", base, []TextChunk{{Keyword: "k", Text: "a\x00b"}}, nil, "NUL"},
		{"forced tEXt with unicode", base, []TextChunk{{Keyword: "k", Text: "猫", Type: "tEXt"}}, nil, "not Latin-1"},
		{"unknown type", base, []TextChunk{{Keyword: "k", Text: "x", Type: "abcd"}}, nil, "unknown PNG text chunk type"},
		{"too large", base, []TextChunk{{Keyword: "k", Text: strings.Repeat("x", MaxTextChunkSize+1)}}, ErrTextTooLarge, "limit"},
		{"invalid UTF-8", base, []TextChunk{{Keyword: "k", Text: "\xff"}}, nil, "UTF-8"},
	}
	for _, tt := range tests {
		_, err := AddPNGText(tt.png, tt.chunks)
		if err == nil || (tt.is != nil && !errors.Is(err, tt.is)) || !strings.Contains(err.Error(), tt.substr) {
			t.Errorf("%s: err = %v, want %v containing %q", tt.name, err, tt.is, tt.substr)
		}
	}
}

func TestAddPNGTextNeedsIDAT(t *testing.T) {
	p := makePNG(t, 2, 2)
	// Drop every IDAT chunk.
	var out bytes.Buffer
	out.Write(p[:8])
	for off := 8; off < len(p); {
		n := int(binary.BigEndian.Uint32(p[off:]))
		if string(p[off+4:off+8]) != "IDAT" {
			out.Write(p[off : off+12+n])
		}
		off += 12 + n
	}
	if _, err := AddPNGText(out.Bytes(), nil); !errors.Is(err, ErrCorruptPNG) || !strings.Contains(err.Error(), "no IDAT") {
		t.Errorf("err = %v", err)
	}
}

// zlibOf compresses data.
func zlibOf(data []byte) []byte {
	var b bytes.Buffer
	zw := zlib.NewWriter(&b)
	_, _ = zw.Write(data)
	_ = zw.Close()
	return b.Bytes()
}

func TestReadPNGTextZipBombRefused(t *testing.T) {
	bomb := zlibOf(bytes.Repeat([]byte{'a'}, 10<<20)) // 10 MiB of text, ~10 KiB compressed
	if len(bomb) > 64<<10 {
		t.Fatalf("bomb is %d bytes, expected a small compressed chunk", len(bomb))
	}
	for _, c := range [][]byte{
		rawChunk("zTXt", append([]byte("parameters\x00\x00"), bomb...)),
		rawChunk("iTXt", append([]byte("parameters\x00\x01\x00\x00\x00"), bomb...)),
	} {
		p := insertBeforeIDAT(t, makePNG(t, 4, 4), c)
		_, err := ReadPNGText(bytes.NewReader(p))
		if !errors.Is(err, ErrTextTooLarge) || !strings.Contains(err.Error(), "zip bomb") || !strings.Contains(err.Error(), `"parameters"`) {
			t.Errorf("err = %v, want ErrTextTooLarge naming the keyword", err)
		}
	}
	// Exactly at the limit is accepted.
	ok := insertBeforeIDAT(t, makePNG(t, 4, 4), rawChunk("zTXt", append([]byte("k\x00\x00"), zlibOf(bytes.Repeat([]byte{'b'}, MaxTextChunkSize))...)))
	if m, err := ReadPNGText(bytes.NewReader(ok)); err != nil || len(m["k"]) != MaxTextChunkSize {
		t.Errorf("text at the limit: %v, %d bytes", err, len(m["k"]))
	}
}

func TestReadPNGTextRefusesHugeRawChunkWithoutReadingIt(t *testing.T) {
	p := makePNG(t, 4, 4)
	hdr := make([]byte, 8)
	binary.BigEndian.PutUint32(hdr, 0x7fff0000)
	copy(hdr[4:], "tEXt")
	idat, _, _ := scanPNG(p)
	bad := append(append(append([]byte{}, p[:idat]...), hdr...), "short"...)
	_, err := ReadPNGText(bytes.NewReader(bad))
	if !errors.Is(err, ErrTextTooLarge) {
		t.Errorf("err = %v", err)
	}
}

func TestReadPNGTextCorruption(t *testing.T) {
	good := pngWithParameters(t, sampleInfotext)
	textAt := bytes.Index(good, []byte("parameters"))

	flipped := append([]byte{}, good...)
	flipped[textAt+20] ^= 0x01 // a byte of the infotext

	badZlib := insertBeforeIDAT(t, makePNG(t, 4, 4), rawChunk("zTXt", []byte("parameters\x00\x00not zlib data")))
	cutZlib := insertBeforeIDAT(t, makePNG(t, 4, 4), rawChunk("zTXt", append([]byte("parameters\x00\x00"), zlibOf([]byte(sampleInfotext))[:20]...)))
	badMethod := insertBeforeIDAT(t, makePNG(t, 4, 4), rawChunk("zTXt", []byte("parameters\x00\x07x")))
	noKeyword := insertBeforeIDAT(t, makePNG(t, 4, 4), rawChunk("tEXt", []byte("no separator")))
	badITXt := insertBeforeIDAT(t, makePNG(t, 4, 4), rawChunk("iTXt", []byte("k\x00\x05\x00\x00\x00x")))
	badType := append([]byte{}, good...)
	copy(badType[textAt-4:], "t3Xt")
	notIHDR := append([]byte(pngSignature), rawChunk("tEXt", []byte("a\x00b"))...)

	tests := []struct {
		name   string
		data   []byte
		is     error
		substr string
	}{
		{"CRC mismatch", flipped, ErrCorruptPNG, "CRC mismatch"},
		{"not zlib", badZlib, ErrCorruptPNG, "cannot inflate"},
		{"zlib cut short", cutZlib, ErrCorruptPNG, "cannot inflate"},
		{"unknown compression", badMethod, ErrCorruptPNG, "compression method"},
		{"no keyword separator", noKeyword, ErrCorruptPNG, "keyword"},
		{"bad iTXt flag", badITXt, ErrCorruptPNG, "iTXt header"},
		{"bad chunk type", badType, ErrCorruptPNG, "bad chunk header"},
		{"first chunk not IHDR", notIHDR, ErrNotPNG, "IHDR"},
		{"not a PNG", []byte("hello world"), ErrNotPNG, "signature"},
		{"empty", nil, ErrNotPNG, "signature"},
	}
	for _, tt := range tests {
		_, err := ReadPNGText(bytes.NewReader(tt.data))
		if !errors.Is(err, tt.is) || !strings.Contains(err.Error(), tt.substr) {
			t.Errorf("%s: err = %v, want %v containing %q", tt.name, err, tt.is, tt.substr)
		}
	}
}

func TestReadPNGTextTruncated(t *testing.T) {
	good := pngWithParameters(t, sampleInfotext)
	textEnd := bytes.Index(good, []byte("parameters")) + len("parameters") + len(sampleInfotext) + 4
	for _, cut := range []int{9, 20, 40, textEnd - 3, textEnd + 10, len(good) - 12, len(good) - 1} {
		for _, mk := range []func([]byte) io.Reader{
			func(b []byte) io.Reader { return bytes.NewReader(b) },
			func(b []byte) io.Reader { return onlyReader{bytes.NewReader(b)} },
		} {
			_, err := ReadPNGText(mk(good[:cut]))
			if !errors.Is(err, ErrTruncatedPNG) {
				t.Errorf("cut at %d of %d: err = %v, want ErrTruncatedPNG", cut, len(good), err)
			}
		}
	}
	// Cut inside the image data: the text read so far comes back with the error.
	m, err := ReadPNGText(bytes.NewReader(good[:len(good)-30]))
	if !errors.Is(err, ErrTruncatedPNG) || m["parameters"] != sampleInfotext {
		t.Errorf("partial read: %v, %q", err, m["parameters"])
	}
}

// TestReadPNGMetadataEXIFAndDamage reads the eXIf chunk, and keeps what
// came before damage further on, naming the damage, by seeking and by
// streaming alike.
func TestReadPNGMetadataEXIFAndDamage(t *testing.T) {
	exif := beEXIF(unicodeComment("a cat\nSteps: 5, Seed: 1, Size: 8x8", binary.BigEndian))
	p := insertBeforeIDAT(t, pngWithParameters(t, sampleInfotext), rawChunk("eXIf", exif))
	md, err := ReadPNGMetadata(bytes.NewReader(p))
	if err != nil || !bytes.Equal(md.EXIF, exif) || len(md.Text) != 1 {
		t.Fatalf("eXIf %q, %d text chunks, %v", md.EXIF, len(md.Text), err)
	}
	if uc, err := ReadEXIFUserComment(md.EXIF); err != nil || !strings.HasPrefix(uc.Text, "a cat\n") {
		t.Errorf("UserComment %q, %v", uc.Text, err)
	}

	idat, _, _ := scanPNG(p)
	cut := p[:idat+10]
	for name, r := range map[string]io.Reader{"seek": bytes.NewReader(cut), "stream": onlyReader{bytes.NewReader(cut)}} {
		md, err := ReadPNGMetadata(r)
		if !errors.Is(err, ErrTruncatedPNG) || !strings.Contains(err.Error(), "IDAT chunk") || !strings.Contains(err.Error(), "image data") {
			t.Errorf("%s: err = %v, want ErrTruncatedPNG naming the IDAT chunk", name, err)
		}
		if len(md.Text) != 1 || md.Text[0].Text != sampleInfotext || !bytes.Equal(md.EXIF, exif) {
			t.Errorf("%s: the chunks before the damage were lost: %d text, eXIf %d bytes", name, len(md.Text), len(md.EXIF))
		}
	}

	bad := append([]byte{}, p...)
	at := bytes.Index(bad, []byte("eXIf"))
	bad[at+6] ^= 0xff
	if _, err := ReadPNGMetadata(bytes.NewReader(bad)); !errors.Is(err, ErrCorruptPNG) || !strings.Contains(err.Error(), "eXIf") {
		t.Errorf("damaged eXIf: err = %v", err)
	}
}
