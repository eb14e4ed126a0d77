package output

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"
	"strings"
)

// DefaultJPEGQuality is used when Encode is given quality 0; it is A1111's
// jpeg_quality default.
const DefaultJPEGQuality = 80

// FormatExtension normalises an output format name ("png", "jpg", "jpeg",
// "webp", any case) to its file extension without the dot.
func FormatExtension(format string) (string, error) {
	switch strings.ToLower(strings.TrimPrefix(format, ".")) {
	case "png":
		return "png", nil
	case "jpg", "jpeg":
		return "jpg", nil
	case "webp":
		return "webp", nil
	}
	return "", fmt.Errorf("output: unknown image format %q: use png, jpg or webp", format)
}

// sniffFormat names the format of encoded image data by its magic bytes.
func sniffFormat(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte(pngSignature)):
		return "png"
	case len(data) >= 3 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff:
		return "jpg"
	case len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP":
		return "webp"
	}
	return ""
}

// Encode converts a PNG from the WebUI to the output format:
//   - "png": the bytes pass through unchanged (the WebUI already stored the
//     infotext in the "parameters" chunk);
//   - "jpg"/"jpeg": the image is re-encoded at quality 1..100 (0 means
//     DefaultJPEGQuality), transparency flattened onto white, and infotext,
//     when not empty, is stored in the EXIF UserComment as A1111 does;
//   - "webp": the image is encoded as lossy WebP at quality 1..100 (0 means
//     DefaultJPEGQuality) and the infotext stored in an EXIF chunk, as
//     A1111 does.
//
// Data that is already in the requested format (a JPEG or WebP the WebUI
// encoded itself) passes through unchanged. Otherwise the input must be a PNG.
func Encode(pngData []byte, format string, quality int, infotext string) ([]byte, error) {
	ext, err := FormatExtension(format)
	if err != nil {
		return nil, err
	}
	in := sniffFormat(pngData)
	if in == ext {
		return pngData, nil
	}
	if in != "png" {
		return nil, fmt.Errorf("output: Encode: %w (input must be PNG to convert to %s)", ErrNotPNG, ext)
	}
	if quality == 0 {
		quality = DefaultJPEGQuality
	}
	if quality < 1 || quality > 100 {
		return nil, fmt.Errorf("output: JPEG quality %d is out of range: use 1 to 100", quality)
	}
	img, err := png.Decode(bytes.NewReader(pngData))
	if err != nil {
		return nil, fmt.Errorf("output: decode PNG: %w", err)
	}
	var exif []byte
	if infotext != "" {
		if exif, err = EXIFUserComment(infotext); err != nil {
			return nil, err
		}
	}
	var buf bytes.Buffer
	if ext == "webp" {
		return encodeWebP(img, quality, exif)
	}
	if err := jpeg.Encode(&buf, flatten(img), &jpeg.Options{Quality: quality}); err != nil {
		return nil, fmt.Errorf("output: encode JPEG: %w", err)
	}
	return insertAPP1(buf.Bytes(), exif), nil
}

// flatten draws images that may be transparent onto white.
func flatten(img image.Image) image.Image {
	if o, ok := img.(interface{ Opaque() bool }); ok && o.Opaque() {
		return img
	}
	out := image.NewRGBA(img.Bounds())
	draw.Draw(out, out.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	draw.Draw(out, out.Bounds(), img, img.Bounds().Min, draw.Over)
	return out
}

// insertAPP1 puts an APP1 segment holding payload right after the JPEG SOI
// marker. A nil payload leaves the JPEG as it is.
func insertAPP1(jpg, payload []byte) []byte {
	if payload == nil {
		return jpg
	}
	n := len(payload) + 2
	out := make([]byte, 0, len(jpg)+n+2)
	out = append(out, jpg[:2]...)
	out = append(out, 0xff, 0xe1, byte(n>>8), byte(n))
	out = append(out, payload...)
	return append(out, jpg[2:]...)
}
