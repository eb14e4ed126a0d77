package output

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"unicode/utf16"
	"unicode/utf8"
)

// EXIF tags and constants used for the UserComment.
const (
	tagExifIFD     = 0x8769
	tagUserComment = 0x9286
	typeUndefined  = 7
	typeLong       = 4
	exifHeader     = "Exif\x00\x00"
	// maxAPP1Payload is the most a JPEG APP1 segment can carry.
	maxAPP1Payload = 0xffff - 2
)

// UserComment character-code prefixes (EXIF 2.3, table 9).
var (
	ucUnicode   = []byte("UNICODE\x00")
	ucASCII     = []byte("ASCII\x00\x00\x00")
	ucJIS       = []byte("JIS\x00\x00\x00\x00\x00")
	ucUndefined = []byte("\x00\x00\x00\x00\x00\x00\x00\x00")
)

// Errors reported by the EXIF functions; test for them with errors.Is.
var (
	ErrNoUserComment = errors.New("no EXIF UserComment")
	ErrCorruptEXIF   = errors.New("corrupt EXIF data")
	ErrEXIFTooLarge  = errors.New("text too long for a JPEG EXIF segment")
)

// EXIFUserComment builds an EXIF block ("Exif\0\0", a big-endian TIFF
// header, IFD0 holding only the Exif IFD pointer, and the Exif IFD holding
// only UserComment) that stores text the way A1111 does with piexif: the
// "UNICODE\0" prefix followed by UTF-16BE. Pure-ASCII text too long for that
// falls back to the "ASCII\0\0\0" prefix, which takes half the room. It fails
// with ErrEXIFTooLarge when the block would not fit a JPEG APP1 segment.
func EXIFUserComment(text string) ([]byte, error) {
	if !utf8.ValidString(text) {
		return nil, fmt.Errorf("output: EXIF UserComment is not valid UTF-8")
	}
	const overhead = len(exifHeader) + 8 + 2*(2+12+4)
	u16 := utf16.Encode([]rune(text))
	comment := make([]byte, 0, len(ucUnicode)+2*len(u16))
	if overhead+len(ucUnicode)+2*len(u16) <= maxAPP1Payload || !isASCII(text) {
		comment = append(comment, ucUnicode...)
		for _, u := range u16 {
			comment = binary.BigEndian.AppendUint16(comment, u)
		}
	} else {
		comment = append(append(comment, ucASCII...), text...)
	}
	if overhead+len(comment) > maxAPP1Payload {
		return nil, fmt.Errorf("output: %w: %d characters (a JPEG holds about 32,000; use PNG for longer infotext)", ErrEXIFTooLarge, len(u16))
	}
	be := binary.BigEndian
	b := make([]byte, 0, overhead+len(comment))
	b = append(b, exifHeader...)
	b = append(b, 'M', 'M', 0, 42, 0, 0, 0, 8) // TIFF header, IFD0 at 8
	// IFD0 at 8: one entry, the Exif IFD pointer.
	const exifIFD = 8 + 2 + 12 + 4
	b = be.AppendUint16(b, 1)
	b = be.AppendUint16(b, tagExifIFD)
	b = be.AppendUint16(b, typeLong)
	b = be.AppendUint32(b, 1)
	b = be.AppendUint32(b, exifIFD)
	b = be.AppendUint32(b, 0) // no next IFD
	// Exif IFD: one entry, UserComment, its data right after the IFD.
	const data = exifIFD + 2 + 12 + 4
	b = be.AppendUint16(b, 1)
	b = be.AppendUint16(b, tagUserComment)
	b = be.AppendUint16(b, typeUndefined)
	b = be.AppendUint32(b, uint32(len(comment)))
	b = be.AppendUint32(b, data)
	b = be.AppendUint32(b, 0)
	return append(b, comment...), nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// ReadEXIFUserComment returns the EXIF UserComment of a JPEG or WebP file
// (A1111 stores the infotext there), or of a bare EXIF block as built by
// EXIFUserComment, decoded as decodeUserComment says; trailing NULs are
// dropped. It fails with ErrNoUserComment when there is none,
// ErrCorruptEXIF when the structure is damaged and ErrUndecodableComment
// when the text cannot be decoded; damage it could read past is in the
// result's Warnings.
func ReadEXIFUserComment(data []byte) (UserComment, error) {
	var exif []byte
	var err error
	switch {
	case len(data) >= 2 && data[0] == 0xff && data[1] == 0xd8:
		exif, err = jpegEXIF(data)
	case len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP":
		exif, err = webpEXIF(data)
	case bytes.HasPrefix(data, []byte(exifHeader)), bytes.HasPrefix(data, []byte("MM\x00\x2a")), bytes.HasPrefix(data, []byte("II\x2a\x00")):
		exif = data
	default:
		return UserComment{}, fmt.Errorf("output: not a JPEG or WebP file")
	}
	if err != nil {
		return UserComment{}, err
	}
	return parseUserComment(bytes.TrimPrefix(exif, []byte(exifHeader)))
}

// jpegEXIF finds the first APP1 "Exif" segment before the image data.
func jpegEXIF(data []byte) ([]byte, error) {
	for off := 2; ; {
		for off < len(data) && data[off] == 0xff && off+1 < len(data) && data[off+1] == 0xff {
			off++ // fill bytes
		}
		if off+2 > len(data) {
			return nil, fmt.Errorf("output: %w in the JPEG (the file ends before the image data)", ErrNoUserComment)
		}
		if data[off] != 0xff {
			return nil, fmt.Errorf("output: %w: JPEG marker expected at offset %d", ErrCorruptEXIF, off)
		}
		marker := data[off+1]
		switch {
		case marker == 0xda || marker == 0xd9: // start of scan, end of image
			return nil, fmt.Errorf("output: %w in the JPEG", ErrNoUserComment)
		case marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7): // no length
			off += 2
			continue
		}
		if off+4 > len(data) {
			return nil, fmt.Errorf("output: %w: JPEG segment at offset %d is cut short", ErrCorruptEXIF, off)
		}
		n := int(binary.BigEndian.Uint16(data[off+2:]))
		if n < 2 || off+2+n > len(data) {
			return nil, fmt.Errorf("output: %w: JPEG segment at offset %d runs past the end", ErrCorruptEXIF, off)
		}
		seg := data[off+4 : off+2+n]
		if marker == 0xe1 && bytes.HasPrefix(seg, []byte(exifHeader)) {
			return seg, nil
		}
		off += 2 + n
	}
}

// webpEXIF finds the EXIF chunk of a RIFF/WebP file.
func webpEXIF(data []byte) ([]byte, error) {
	for off := 12; off+8 <= len(data); {
		id := string(data[off : off+4])
		n := int64(binary.LittleEndian.Uint32(data[off+4:]))
		end := int64(off) + 8 + n
		if end > int64(len(data)) {
			return nil, fmt.Errorf("output: %w: WebP %q chunk at offset %d runs past the end", ErrCorruptEXIF, id, off)
		}
		if id == "EXIF" {
			return data[off+8 : end], nil
		}
		off = int(end + end&1) // chunks are padded to even sizes
	}
	return nil, fmt.Errorf("output: %w in the WebP file", ErrNoUserComment)
}

// tiff reads a TIFF structure with bounds checks.
type tiff struct {
	b  []byte
	bo binary.ByteOrder
}

// ifd returns the entries of the IFD at off as (tag, type, count, value/offset) slices of 12 bytes.
func (t tiff) ifd(off uint32) ([][]byte, error) {
	if int64(off)+2 > int64(len(t.b)) {
		return nil, fmt.Errorf("output: %w: IFD offset %d is outside the data", ErrCorruptEXIF, off)
	}
	n := int(t.bo.Uint16(t.b[off:]))
	start := int64(off) + 2
	if start+int64(n)*12 > int64(len(t.b)) {
		return nil, fmt.Errorf("output: %w: IFD at %d runs past the data", ErrCorruptEXIF, off)
	}
	entries := make([][]byte, n)
	for i := range entries {
		entries[i] = t.b[start+int64(i)*12 : start+int64(i+1)*12]
	}
	return entries, nil
}

// value returns the data of an entry with byte-sized elements.
func (t tiff) value(e []byte) ([]byte, error) {
	count := t.bo.Uint32(e[4:])
	if count <= 4 {
		return e[8 : 8+count], nil
	}
	off := t.bo.Uint32(e[8:])
	if int64(off)+int64(count) > int64(len(t.b)) {
		return nil, fmt.Errorf("output: %w: UserComment runs past the data", ErrCorruptEXIF)
	}
	return t.b[off : off+count], nil
}

// parseUserComment reads UserComment from a TIFF structure: in the Exif IFD,
// or in IFD0 where some writers put it.
func parseUserComment(b []byte) (UserComment, error) {
	if len(b) < 8 {
		return UserComment{}, fmt.Errorf("output: %w: TIFF header cut short", ErrCorruptEXIF)
	}
	t := tiff{b: b}
	switch string(b[:4]) {
	case "MM\x00\x2a":
		t.bo = binary.BigEndian
	case "II\x2a\x00":
		t.bo = binary.LittleEndian
	default:
		return UserComment{}, fmt.Errorf("output: %w: bad TIFF header", ErrCorruptEXIF)
	}
	ifd0, err := t.ifd(t.bo.Uint32(b[4:]))
	if err != nil {
		return UserComment{}, err
	}
	for _, e := range ifd0 {
		if t.bo.Uint16(e) == tagExifIFD {
			sub, err := t.ifd(t.bo.Uint32(e[8:]))
			if err != nil {
				return UserComment{}, err
			}
			if c, ok, err := findUserComment(t, sub); ok || err != nil {
				return c, err
			}
		}
	}
	if c, ok, err := findUserComment(t, ifd0); ok || err != nil {
		return c, err
	}
	return UserComment{}, fmt.Errorf("output: %w", ErrNoUserComment)
}

func findUserComment(t tiff, entries [][]byte) (UserComment, bool, error) {
	for _, e := range entries {
		if t.bo.Uint16(e) != tagUserComment {
			continue
		}
		v, err := t.value(e)
		if err != nil {
			return UserComment{}, true, err
		}
		c, err := decodeUserComment(v)
		return c, true, err
	}
	return UserComment{}, false, nil
}
