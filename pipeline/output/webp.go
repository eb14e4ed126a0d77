package output

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/draw"
)

// encodeWebP encodes img as lossy WebP and, when exif is not nil, stores it
// in an EXIF chunk. libwebp writes a simple file (one VP8 or VP8L chunk);
// metadata needs the extended layout, a VP8X header chunk that announces
// the EXIF chunk and gives the canvas size.
func encodeWebP(img image.Image, quality int, exif []byte) ([]byte, error) {
	data, err := libwebpEncode(webpPixels(img), quality)
	if err != nil {
		return nil, fmt.Errorf("output: encode WebP: %w", err)
	}
	if exif == nil {
		return data, nil
	}
	return addWebPEXIF(data, img.Bounds().Dx(), img.Bounds().Dy(), exif)
}

// webpPixels returns img's pixels as libwebp takes them: 8-bit RGBA with
// straight (not premultiplied) alpha, in an image.RGBA's layout. The images
// PNG decodes to pass through without a copy: an NRGBA, and an opaque RGBA
// (whose premultiplied colours are the straight ones).
func webpPixels(img image.Image) *image.RGBA {
	switch m := img.(type) {
	case *image.NRGBA:
		return &image.RGBA{Pix: m.Pix, Stride: m.Stride, Rect: m.Rect}
	case *image.RGBA:
		if m.Opaque() {
			return m
		}
	}
	n := image.NewNRGBA(img.Bounds())
	draw.Draw(n, n.Rect, img, img.Bounds().Min, draw.Src)
	return &image.RGBA{Pix: n.Pix, Stride: n.Stride, Rect: n.Rect}
}

// addWebPEXIF turns a simple WebP into an extended one carrying exif. The
// EXIF chunk holds the TIFF data without JPEG's "Exif\0\0" prefix.
func addWebPEXIF(data []byte, w, h int, exif []byte) ([]byte, error) {
	if len(data) < 20 || string(data[:4]) != "RIFF" || string(data[8:12]) != "WEBP" {
		return nil, errors.New("output: encoder did not produce a WebP file")
	}
	first := string(data[12:16])
	if first != "VP8 " && first != "VP8L" {
		return nil, fmt.Errorf("output: unexpected WebP layout (first chunk %q)", first)
	}
	exif = bytes.TrimPrefix(exif, []byte("Exif\x00\x00"))
	var out bytes.Buffer
	out.WriteString("RIFF\x00\x00\x00\x00WEBP")
	// VP8X: flags (bit 3 = EXIF), 3 reserved bytes, canvas width-1 and
	// height-1 as 24-bit little-endian numbers.
	vp8x := make([]byte, 10)
	vp8x[0] = 1 << 3
	put24(vp8x[4:], w-1)
	put24(vp8x[7:], h-1)
	writeRIFFChunk(&out, "VP8X", vp8x)
	out.Write(data[12:]) // the image chunk(s) as the encoder wrote them
	writeRIFFChunk(&out, "EXIF", exif)
	b := out.Bytes()
	binary.LittleEndian.PutUint32(b[4:8], uint32(len(b)-8))
	return b, nil
}

func put24(b []byte, v int) {
	b[0], b[1], b[2] = byte(v), byte(v>>8), byte(v>>16)
}

func writeRIFFChunk(w *bytes.Buffer, fourcc string, payload []byte) {
	var hdr [8]byte
	copy(hdr[:4], fourcc)
	binary.LittleEndian.PutUint32(hdr[4:], uint32(len(payload)))
	w.Write(hdr[:])
	w.Write(payload)
	if len(payload)%2 == 1 {
		w.WriteByte(0)
	}
}
