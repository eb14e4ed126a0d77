package infotext

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"stablenew/pipeline/output"
)

const webuiInfotext = "a portrait, detailed\nNegative prompt: blurry\nSteps: 20, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 7.0, Seed: 12345, Size: 512x768, Model hash: 6ce0161689, Model: v1-5-pruned-emaonly, Version: v1.10.1"

func tinyPNG(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 4, 4))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func withText(t *testing.T, p []byte, chunks ...output.TextChunk) []byte {
	t.Helper()
	out, err := output.AddPNGText(p, chunks)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestReadFileFormats(t *testing.T) {
	dir := t.TempDir()
	sn := &output.StableNewChunk{JobID: "job-1", Stage: "txt2img", SeedRequested: -1, SeedActual: 12345, Prompt: "a portrait, detailed", Negative: "blurry"}
	snChunk, err := sn.TextChunk()
	if err != nil {
		t.Fatal(err)
	}
	pngBoth := withText(t, tinyPNG(t), output.TextChunk{Keyword: "parameters", Text: webuiInfotext}, snChunk)
	pngParams := withText(t, tinyPNG(t), output.TextChunk{Keyword: "parameters", Text: webuiInfotext})
	pngOnlySN := withText(t, tinyPNG(t), snChunk)
	jpg, err := output.Encode(tinyPNG(t), "jpg", 90, webuiInfotext)
	if err != nil {
		t.Fatal(err)
	}
	exif, _ := output.EXIFUserComment(webuiInfotext)
	webp := fakeWebP(exif)

	tests := []struct {
		name, file     string
		data           []byte
		format, source string
		stablenew      bool
	}{
		{"png with both chunks", "a.png", pngBoth, "png", SourcePNGParameters, true},
		{"png, parameters only", "b.png", pngParams, "png", SourcePNGParameters, false},
		{"png, stablenew only", "c.png", pngOnlySN, "png", SourcePNGStableNew, true},
		{"jpeg", "d.jpg", jpg, "jpeg", SourceJPEGEXIF, false},
		{"webp", "e.webp", webp, "webp", SourceWebPEXIF, false},
		{"png named .jpg", "f.jpg", pngParams, "png", SourcePNGParameters, false},
	}
	for _, tt := range tests {
		path := writeFile(t, dir, tt.file, tt.data)
		for _, read := range []func() (*Metadata, error){
			func() (*Metadata, error) { return ReadFile(path) },
			func() (*Metadata, error) { return ReadImage(tt.data) },
		} {
			md, err := read()
			if err != nil {
				t.Errorf("%s: %v", tt.name, err)
				continue
			}
			if md.Format != tt.format || md.Source != tt.source || (md.StableNew != nil) != tt.stablenew {
				t.Errorf("%s: format %s source %s stablenew %v", tt.name, md.Format, md.Source, md.StableNew != nil)
			}
			if s, _ := md.Params.Seed(); s != 12345 || md.Params.Prompt != "a portrait, detailed" || md.Params.Negative != "blurry" {
				t.Errorf("%s: seed %d prompt %q negative %q", tt.name, s, md.Params.Prompt, md.Params.Negative)
			}
			if tt.stablenew && (md.StableNew.JobID != "job-1" || !strings.Contains(md.StableNewJSON, `"job_id":"job-1"`)) {
				t.Errorf("%s: stablenew %+v / %q", tt.name, md.StableNew, md.StableNewJSON)
			}
			if tt.source != SourcePNGStableNew && md.Infotext != webuiInfotext {
				t.Errorf("%s: raw infotext %q", tt.name, md.Infotext)
			}
		}
	}
}

// fakeWebP wraps an EXIF payload in a RIFF/WebP container (no real image
// data is needed to find the EXIF chunk).
func fakeWebP(exif []byte) []byte {
	body := []byte("WEBP")
	for _, c := range []struct {
		id   string
		data []byte
	}{{"VP8X", make([]byte, 10)}, {"VP8L", []byte{0x2f, 0, 0, 0, 0}}, {"EXIF", exif}} {
		body = append(body, c.id...)
		body = binary.LittleEndian.AppendUint32(body, uint32(len(c.data)))
		body = append(body, c.data...)
		if len(c.data)%2 == 1 {
			body = append(body, 0)
		}
	}
	return append(binary.LittleEndian.AppendUint32([]byte("RIFF"), uint32(len(body))), body...)
}

func TestReadFileErrors(t *testing.T) {
	dir := t.TempDir()
	good := withText(t, tinyPNG(t), output.TextChunk{Keyword: "parameters", Text: webuiInfotext})
	textAt := bytes.Index(good, []byte("parameters"))
	corrupt := append([]byte{}, good...)
	corrupt[textAt+30] ^= 0x20
	badSN := withText(t, tinyPNG(t), output.TextChunk{Keyword: "stablenew", Text: "{broken"})
	jpgNoEXIF, _ := output.Encode(tinyPNG(t), "jpg", 90, "")

	tests := []struct {
		name   string
		data   []byte
		is     error
		substr string
	}{
		{"text file", []byte("Steps: 20, Seed: 1, Size: 5x5"), ErrNotImage, "not a PNG, JPEG or WebP"},
		{"empty file", nil, ErrNotImage, "not a PNG"},
		{"png without parameters", tinyPNG(t), ErrNoParameters, `no "parameters" text chunk`},
		{"png with empty parameters", withText(t, tinyPNG(t), output.TextChunk{Keyword: "parameters", Text: ""}), ErrNoParameters, "no generation parameters"},
		{"png with a damaged stablenew chunk only", badSN, ErrNoParameters, "stablenew chunk is damaged"},
		{"truncated in the text chunk", good[:textAt+20], output.ErrTruncatedPNG, "truncated"},
		{"CRC damaged", corrupt, output.ErrCorruptPNG, "CRC"},
		{"jpeg without EXIF", jpgNoEXIF, ErrNoParameters, "no EXIF UserComment"},
		{"webp without EXIF", fakeWebP(nil)[:len(fakeWebP(nil))-8], ErrNoParameters, "no EXIF UserComment"},
	}
	for _, tt := range tests {
		path := writeFile(t, dir, strings.ReplaceAll(tt.name, " ", "_"), tt.data)
		_, err := ReadFile(path)
		if !errors.Is(err, tt.is) || !strings.Contains(err.Error(), tt.substr) || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: err = %v, want %v containing %q and the path", tt.name, err, tt.is, tt.substr)
		}
		if _, err := ReadImage(tt.data); !errors.Is(err, tt.is) {
			t.Errorf("%s: ReadImage err = %v", tt.name, err)
		}
	}
	if _, err := ReadFile(filepath.Join(dir, "missing.png")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

func TestReadFileDamagedStableNewIsAWarning(t *testing.T) {
	data := withText(t, tinyPNG(t), output.TextChunk{Keyword: "parameters", Text: webuiInfotext}, output.TextChunk{Keyword: "stablenew", Text: `{"schema":"other/9"}`})
	md, err := ReadImage(data)
	if err != nil {
		t.Fatal(err)
	}
	if md.StableNew != nil || md.StableNewJSON != `{"schema":"other/9"}` || len(md.Params.Warnings) != 1 || !strings.Contains(md.Params.Warnings[0], "stablenew chunk ignored") {
		t.Errorf("stablenew %v, warnings %q", md.StableNew, md.Params.Warnings)
	}
}

// TestReadFileLargeJPEGHead puts big segments before the EXIF segment, past
// the first read.
func TestReadFileLargeJPEGHead(t *testing.T) {
	jpg, err := output.Encode(tinyPNG(t), "jpg", 90, webuiInfotext)
	if err != nil {
		t.Fatal(err)
	}
	seg := make([]byte, 4+60000)
	seg[0], seg[1], seg[2], seg[3] = 0xff, 0xe2, byte((60002)>>8), byte(60002&0xff)
	var padded []byte
	padded = append(padded, jpg[:2]...)
	for range 6 { // 360 KB of APP2 segments
		padded = append(padded, seg...)
	}
	padded = append(padded, jpg[2:]...)
	md, err := ReadFile(writeFile(t, t.TempDir(), "big.jpg", padded))
	if err != nil || md.Infotext != webuiInfotext {
		t.Fatalf("err %v", err)
	}
}

// jpegWithEXIF is a real JPEG with an APP1 segment holding tiffData (a TIFF
// structure) right after the start of image.
func jpegWithEXIF(t *testing.T, tiffData []byte) []byte {
	t.Helper()
	jpg, err := output.Encode(tinyPNG(t), "jpg", 90, "")
	if err != nil {
		t.Fatal(err)
	}
	payload := append([]byte("Exif\x00\x00"), tiffData...)
	seg := binary.BigEndian.AppendUint16([]byte{0xff, 0xe1}, uint16(len(payload)+2))
	out := append(append([]byte{}, jpg[:2]...), append(seg, payload...)...)
	return append(out, jpg[2:]...)
}

// leTIFFUserComment is a little-endian TIFF structure with the UserComment
// in the Exif IFD, as Civitai writes it.
func leTIFFUserComment(comment []byte) []byte {
	le := binary.LittleEndian
	b := []byte("II\x2a\x00\x08\x00\x00\x00")
	b = le.AppendUint16(b, 1)
	b = le.AppendUint16(b, 0x8769) // Exif IFD pointer
	b = le.AppendUint16(b, 4)
	b = le.AppendUint32(b, 1)
	b = le.AppendUint32(b, 8+2+12+4)
	b = le.AppendUint32(b, 0)
	b = le.AppendUint16(b, 1)
	b = le.AppendUint16(b, 0x9286) // UserComment
	b = le.AppendUint16(b, 7)
	b = le.AppendUint32(b, uint32(len(comment)))
	b = le.AppendUint32(b, 8+2+12+4+2+12+4)
	b = le.AppendUint32(b, 0)
	return append(b, comment...)
}

func utf16BE(s string) []byte {
	var b []byte
	for _, r := range s {
		if r > 0xffff {
			r -= 0x10000
			b = binary.BigEndian.AppendUint16(b, uint16(0xd800+r>>10))
			b = binary.BigEndian.AppendUint16(b, uint16(0xdc00+r&0x3ff))
			continue
		}
		b = binary.BigEndian.AppendUint16(b, uint16(r))
	}
	return b
}

// TestReadFileCivitaiJPEG reads a JPEG whose EXIF has a little-endian TIFF
// header and big-endian UTF-16 text: the text, not the header, decides.
func TestReadFileCivitaiJPEG(t *testing.T) {
	text := "1girl, 猫耳, smiling 🐱\nNegative prompt: lowres, bad hands\nSteps: 30, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 5.0, Seed: 987, Size: 832x1216, Model hash: 67ab2fd8ec, Model: ponyDiffusionV6XL, Version: v1.10.1"
	data := jpegWithEXIF(t, leTIFFUserComment(append([]byte("UNICODE\x00"), utf16BE(text)...)))
	md, err := ReadFile(writeFile(t, t.TempDir(), "civitai.jpeg", data))
	if err != nil {
		t.Fatal(err)
	}
	p := md.Params
	steps, _ := p.Steps()
	seed, _ := p.Seed()
	if p.Prompt != "1girl, 猫耳, smiling 🐱" || p.Negative != "lowres, bad hands" || steps != 30 || seed != 987 || len(p.Warnings) > 0 {
		t.Errorf("prompt %q negative %q steps %d seed %d warnings %q", p.Prompt, p.Negative, steps, seed, p.Warnings)
	}
}

// TestReadFileGarbledEXIF: text that cannot be decoded is an error naming
// the file, never a garbled prompt; small damage is a warning.
func TestReadFileGarbledEXIF(t *testing.T) {
	dir := t.TempDir()
	garbled := []byte("UNICODE\x00")
	for range 40 {
		garbled = append(garbled, 0xdc, 0xdd)
	}
	path := writeFile(t, dir, "garbled.jpg", jpegWithEXIF(t, leTIFFUserComment(garbled)))
	md, err := ReadFile(path)
	if !errors.Is(err, output.ErrUndecodableComment) || !strings.Contains(err.Error(), path) {
		t.Fatalf("got %v, %v; want ErrUndecodableComment naming the file", md, err)
	}

	odd := append(append([]byte("UNICODE\x00"), utf16BE(webuiInfotext)...), 'x')
	md, err = ReadFile(writeFile(t, dir, "odd.jpg", jpegWithEXIF(t, leTIFFUserComment(odd))))
	if err != nil {
		t.Fatal(err)
	}
	if md.Params.Prompt != "a portrait, detailed" || len(md.Params.Warnings) != 1 ||
		!strings.Contains(md.Params.Warnings[0], "EXIF: the UTF-16 text has an odd number of bytes") {
		t.Errorf("prompt %q, warnings %q", md.Params.Prompt, md.Params.Warnings)
	}
}

// pngChunk is one PNG chunk with its length and CRC.
func pngChunk(typ string, data []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	b = append(append(b, typ...), data...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(append([]byte(typ), data...)))
}

// insertBeforeIDAT puts chunks before the first IDAT chunk of p.
func insertBeforeIDAT(t *testing.T, p []byte, chunks ...[]byte) []byte {
	t.Helper()
	at := bytes.Index(p, []byte("IDAT")) - 4
	if at < 8 {
		t.Fatal("no IDAT")
	}
	out := append([]byte{}, p[:at]...)
	for _, c := range chunks {
		out = append(out, c...)
	}
	return append(out, p[at:]...)
}

// TestReadFileTruncatedPNG: a PNG cut short after its parameters chunk (in
// its image data, or before IEND) still gives the parameters, with a warning
// naming the damage; one cut inside the text gives none.
func TestReadFileTruncatedPNG(t *testing.T) {
	dir := t.TempDir()
	good := withText(t, tinyPNG(t), output.TextChunk{Keyword: "parameters", Text: webuiInfotext})
	idat := bytes.Index(good, []byte("IDAT"))
	for _, tc := range []struct {
		name, damage string
		data         []byte
	}{
		{"cut in the image data", "cut short at", good[:idat+8]},
		{"cut in the IEND chunk", "IEND chunk at offset", good[:len(good)-2]},
		{"cut right after IDAT", "ends at offset", good[:len(good)-12]},
	} {
		path := writeFile(t, dir, strings.ReplaceAll(tc.name, " ", "_")+".png", tc.data)
		for how, read := range map[string]func() (*Metadata, error){
			"ReadFile": func() (*Metadata, error) { return ReadFile(path) }, "ReadImage": func() (*Metadata, error) { return ReadImage(tc.data) },
		} {
			md, err := read()
			if err != nil {
				t.Errorf("%s, %s: %v", tc.name, how, err)
				continue
			}
			seed, _ := md.Params.Seed()
			if md.Params.Prompt != "a portrait, detailed" || seed != 12345 || md.Source != SourcePNGParameters {
				t.Errorf("%s, %s: prompt %q seed %d source %s", tc.name, how, md.Params.Prompt, seed, md.Source)
			}
			w := strings.Join(md.Params.Warnings, "\n")
			if len(md.Params.Warnings) != 1 || !strings.Contains(w, "the file is damaged") || !strings.Contains(w, tc.damage) ||
				!strings.Contains(w, "the parameters were read from the chunks before the damage") {
				t.Errorf("%s, %s: warnings %q, want one naming %q", tc.name, how, md.Params.Warnings, tc.damage)
			}
		}
	}
	if md, err := ReadFile(writeFile(t, dir, "idat.png", good[:idat+8])); err == nil && !strings.Contains(md.Params.Warnings[0], "IDAT chunk (image data)") {
		t.Errorf("the warning should name the IDAT chunk: %q", md.Params.Warnings)
	}

	// The parameters after the image data: cut short, nothing is left.
	after := append(append([]byte{}, tinyPNG(t)...), nil...)
	iend := bytes.Index(after, []byte("IEND")) - 4
	late := append(append(append([]byte{}, after[:iend]...), pngChunk("tEXt", []byte("parameters\x00"+webuiInfotext))...), after[iend:]...)
	lateIDAT := bytes.Index(late, []byte("IDAT"))
	_, err := ReadFile(writeFile(t, dir, "late.png", late[:lateIDAT+6]))
	if !errors.Is(err, output.ErrTruncatedPNG) {
		t.Errorf("parameters after the cut: err = %v, want ErrTruncatedPNG", err)
	}
}

// TestReadFilePNGeXIf reads the UserComment of a PNG's eXIf chunk, with or
// without the "Exif\0\0" start, when there is no parameters chunk.
func TestReadFilePNGeXIf(t *testing.T) {
	dir := t.TempDir()
	tiff := leTIFFUserComment(append([]byte("UNICODE\x00"), utf16BE(webuiInfotext)...))
	for name, data := range map[string][]byte{
		"bare TIFF": tiff, "with Exif header": append([]byte("Exif\x00\x00"), tiff...),
	} {
		p := insertBeforeIDAT(t, tinyPNG(t), pngChunk("eXIf", data))
		md, err := ReadFile(writeFile(t, dir, "exif.png", p))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		seed, _ := md.Params.Seed()
		if md.Source != SourcePNGEXIF || md.Params.Prompt != "a portrait, detailed" || seed != 12345 || len(md.Params.Warnings) > 0 {
			t.Errorf("%s: source %s prompt %q seed %d warnings %q", name, md.Source, md.Params.Prompt, seed, md.Params.Warnings)
		}
	}

	// Both: the parameters chunk is read, and a differing EXIF is noted.
	other := leTIFFUserComment(append([]byte("UNICODE\x00"), utf16BE("another prompt\nSteps: 5, Seed: 1, Size: 64x64")...))
	both := withText(t, insertBeforeIDAT(t, tinyPNG(t), pngChunk("eXIf", other)), output.TextChunk{Keyword: "parameters", Text: webuiInfotext})
	md, err := ReadImage(both)
	if err != nil {
		t.Fatal(err)
	}
	if md.Source != SourcePNGParameters || len(md.Params.Warnings) != 1 || !strings.Contains(md.Params.Warnings[0], "EXIF UserComment that differs") {
		t.Errorf("source %s warnings %q", md.Source, md.Params.Warnings)
	}

	// An eXIf chunk without a UserComment is no parameters; a garbled one says so.
	noComment := []byte("II\x2a\x00\x08\x00\x00\x00\x00\x00\x00\x00\x00\x00")
	if _, err := ReadImage(insertBeforeIDAT(t, tinyPNG(t), pngChunk("eXIf", noComment))); !errors.Is(err, ErrNoParameters) {
		t.Errorf("eXIf without UserComment: %v", err)
	}
	garbled := []byte("UNICODE\x00")
	for range 40 {
		garbled = append(garbled, 0xdc, 0xdd)
	}
	_, err = ReadImage(insertBeforeIDAT(t, tinyPNG(t), pngChunk("eXIf", leTIFFUserComment(garbled))))
	if !errors.Is(err, ErrNoParameters) || !strings.Contains(err.Error(), "cannot be decoded") {
		t.Errorf("garbled eXIf: %v", err)
	}
}
