package webuitest

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	_ "image/jpeg" // init images may be JPEG
	_ "image/png"  // init images and extras inputs
	"io"
	"strings"
	"sync"
)

// maxPixels bounds the images the fake renders.
const maxPixels = 16 << 20

// seedColor derives a colour from a seed (different seeds, different colours).
func seedColor(seed int64) color.NRGBA {
	x := uint64(seed) + 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	x ^= x >> 31
	return color.NRGBA{R: uint8(x), G: uint8(x >> 8), B: uint8(x >> 16), A: 255}
}

// RenderPNG returns a w×h PNG filled with c, carrying the infotext, if any,
// in a "parameters" text chunk. It is a 1-bit paletted image whose only
// palette entry is c: the pixel data depends on the size alone and is
// cached, so rendering costs microseconds even for large images.
func RenderPNG(w, h int, c color.NRGBA, infotext string) ([]byte, error) {
	if w < 1 || h < 1 || w*h > maxPixels {
		return nil, fmt.Errorf("webuitest: image size %dx%d out of range", w, h)
	}
	idat, err := zeroIDAT(w, h)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	buf.Write(pngSig)
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = 1, 3 // bit depth 1, colour type 3 (palette)
	writeChunk(&buf, "IHDR", ihdr)
	writeChunk(&buf, "PLTE", []byte{c.R, c.G, c.B})
	writeChunk(&buf, "IDAT", idat)
	writeChunk(&buf, "IEND", nil)
	if infotext == "" {
		return buf.Bytes(), nil
	}
	return insertTextChunk(buf.Bytes(), "parameters", infotext)
}

// renderImage renders with the server's image style.
func (s *Server) renderImage(w, h int, c color.NRGBA, infotext string) ([]byte, error) {
	if s.opts.PhotoImages {
		return RenderPhotoPNG(w, h, infotext)
	}
	return RenderPNG(w, h, c, infotext)
}

// RenderPhotoPNG returns a w×h 8-bit RGB PNG of noisy pixels, about as large
// as a real render of that size, carrying the infotext. The pixel data is
// made and compressed once per size and cached.
func RenderPhotoPNG(w, h int, infotext string) ([]byte, error) {
	if w < 1 || h < 1 || w*h > maxPixels {
		return nil, fmt.Errorf("webuitest: image size %dx%d out of range", w, h)
	}
	key := [2]int{-w, -h}
	idatCache.Lock()
	idat, ok := idatCache.m[key]
	idatCache.Unlock()
	if !ok {
		var buf bytes.Buffer
		zw, err := zlib.NewWriterLevel(&buf, zlib.BestSpeed)
		if err != nil {
			return nil, err
		}
		row := make([]byte, 1+3*w)
		x := uint32(2463534242)
		for y := 0; y < h; y++ {
			for i := 1; i < len(row); i++ {
				x ^= x << 13
				x ^= x >> 17
				x ^= x << 5
				row[i] = byte(96 + y*64/h + int(x&31)) // a gradient with 5 bits of noise
			}
			if _, err := zw.Write(row); err != nil {
				return nil, err
			}
		}
		if err := zw.Close(); err != nil {
			return nil, err
		}
		idat = buf.Bytes()
		idatCache.Lock()
		idatCache.m[key] = idat
		idatCache.Unlock()
	}
	var buf bytes.Buffer
	buf.Write(pngSig)
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = 8, 2 // bit depth 8, colour type 2 (RGB)
	writeChunk(&buf, "IHDR", ihdr)
	writeChunk(&buf, "IDAT", idat)
	writeChunk(&buf, "IEND", nil)
	if infotext == "" {
		return buf.Bytes(), nil
	}
	return insertTextChunk(buf.Bytes(), "parameters", infotext)
}

// idatCache holds the compressed all-zero pixel data per size.
var idatCache = struct {
	sync.Mutex
	m map[[2]int][]byte
}{m: map[[2]int][]byte{}}

// zeroIDAT returns the zlib stream of h rows of palette index 0.
func zeroIDAT(w, h int) ([]byte, error) {
	key := [2]int{w, h}
	idatCache.Lock()
	defer idatCache.Unlock()
	if b, ok := idatCache.m[key]; ok {
		return b, nil
	}
	var buf bytes.Buffer
	zw, err := zlib.NewWriterLevel(&buf, zlib.BestSpeed)
	if err != nil {
		return nil, err
	}
	row := make([]byte, 1+(w+7)/8) // filter byte 0 + packed bits
	for range h {
		if _, err := zw.Write(row); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	if len(idatCache.m) >= 256 {
		clear(idatCache.m)
	}
	idatCache.m[key] = buf.Bytes()
	return buf.Bytes(), nil
}

// writeChunk appends one PNG chunk.
func writeChunk(buf *bytes.Buffer, typ string, data []byte) {
	var hdr [8]byte
	binary.BigEndian.PutUint32(hdr[:4], uint32(len(data)))
	copy(hdr[4:], typ)
	buf.Write(hdr[:])
	buf.Write(data)
	crc := crc32.NewIEEE()
	crc.Write(hdr[4:])
	crc.Write(data)
	var sum [4]byte
	binary.BigEndian.PutUint32(sum[:], crc.Sum32())
	buf.Write(sum[:])
}

var pngSig = []byte("\x89PNG\r\n\x1a\n")

// insertTextChunk adds a tEXt chunk (iTXt when the text is not Latin-1, as
// PIL does) right after IHDR.
func insertTextChunk(pngData []byte, key, text string) ([]byte, error) {
	if !bytes.HasPrefix(pngData, pngSig) || len(pngData) < 33 {
		return nil, errors.New("webuitest: not a PNG")
	}
	var typ string
	var data []byte
	if latin1, ok := toLatin1(text); ok {
		typ = "tEXt"
		data = append(append([]byte(key), 0), latin1...)
	} else {
		typ = "iTXt"
		data = append([]byte(key), 0, 0, 0, 0, 0) // no compression, empty language and translated keyword
		data = append(data, text...)
	}
	chunk := make([]byte, 0, len(data)+12)
	chunk = binary.BigEndian.AppendUint32(chunk, uint32(len(data)))
	chunk = append(chunk, typ...)
	chunk = append(chunk, data...)
	chunk = binary.BigEndian.AppendUint32(chunk, crc32.ChecksumIEEE(chunk[4:]))
	const ihdrEnd = 8 + 25
	out := make([]byte, 0, len(pngData)+len(chunk))
	out = append(out, pngData[:ihdrEnd]...)
	out = append(out, chunk...)
	return append(out, pngData[ihdrEnd:]...), nil
}

func toLatin1(s string) ([]byte, bool) {
	out := make([]byte, 0, len(s))
	for _, r := range s {
		if r > 0xff {
			return nil, false
		}
		out = append(out, byte(r))
	}
	return out, true
}

// PNGText returns the text chunks (tEXt, zTXt, iTXt) of a PNG.
func PNGText(pngData []byte) (map[string]string, error) {
	if !bytes.HasPrefix(pngData, pngSig) {
		return nil, errors.New("not a PNG")
	}
	out := map[string]string{}
	b := pngData[len(pngSig):]
	for len(b) >= 12 {
		n := binary.BigEndian.Uint32(b[:4])
		if uint64(n)+12 > uint64(len(b)) {
			return out, errors.New("truncated PNG chunk")
		}
		typ, data := string(b[4:8]), b[8:8+n]
		b = b[12+n:]
		switch typ {
		case "tEXt":
			if k, v, ok := bytes.Cut(data, []byte{0}); ok {
				out[string(k)] = latin1ToString(v)
			}
		case "zTXt":
			if k, v, ok := bytes.Cut(data, []byte{0}); ok && len(v) > 0 {
				if text, err := inflate(v[1:]); err == nil {
					out[string(k)] = latin1ToString(text)
				}
			}
		case "iTXt":
			k, rest, ok := bytes.Cut(data, []byte{0})
			if !ok || len(rest) < 2 {
				continue
			}
			compressed := rest[0] == 1
			rest = rest[2:]
			_, rest, _ = bytes.Cut(rest, []byte{0}) // language
			_, rest, _ = bytes.Cut(rest, []byte{0}) // translated keyword
			if compressed {
				if text, err := inflate(rest); err == nil {
					out[string(k)] = string(text)
				}
				continue
			}
			out[string(k)] = string(rest)
		case "IEND":
			return out, nil
		}
	}
	return out, nil
}

func inflate(b []byte) ([]byte, error) {
	r, err := zlib.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(io.LimitReader(r, 1<<20))
}

func latin1ToString(b []byte) string {
	var sb strings.Builder
	for _, c := range b {
		sb.WriteRune(rune(c))
	}
	return sb.String()
}

// decodeB64Image decodes a request image (raw base64 or data URL) and reads
// its size.
func decodeB64Image(s string) ([]byte, image.Config, error) {
	if strings.HasPrefix(s, "data:") {
		if i := strings.Index(s, ","); i >= 0 {
			s = s[i+1:]
		}
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, image.Config{}, err
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return nil, image.Config{}, err
	}
	return b, cfg, nil
}

// previewPNG is a small live-preview image whose shade follows the step.
func previewPNG(c color.NRGBA, step, steps int) []byte {
	shade := uint8(255 * step / max(steps, 1))
	b, _ := RenderPNG(64, 64, color.NRGBA{R: c.R / 2, G: shade, B: c.B / 2, A: 255}, "")
	return b
}
