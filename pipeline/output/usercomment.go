package output

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// ErrUndecodableComment is returned when an EXIF UserComment holds text that
// decodes to nothing readable in any encoding its character code allows.
var ErrUndecodableComment = errors.New("the EXIF UserComment cannot be decoded")

// Encodings of a UserComment (UserComment.Encoding).
const (
	EncodingUTF16BE = "UTF-16BE"
	EncodingUTF16LE = "UTF-16LE"
	EncodingUTF8    = "UTF-8"
)

// UserComment is a decoded EXIF UserComment.
type UserComment struct {
	Text string
	// Encoding is how the text was stored: EncodingUTF16BE, EncodingUTF16LE
	// or EncodingUTF8 (the ASCII and undefined character codes, or none).
	Encoding string
	// Warnings say what was wrong with the stored text and what was still
	// read ("3 characters could not be decoded and were replaced with
	// U+FFFD"). They are empty for clean text.
	Warnings []string
}

func (c *UserComment) warn(format string, args ...any) {
	c.Warnings = append(c.Warnings, fmt.Sprintf(format, args...))
}

// maxBadShare is the share of undecodable characters (1 in maxBadShare)
// above which a comment is refused rather than read with replacements.
const maxBadShare = 20

// decodeUserComment decodes the 8-byte character code and the text after
// it. "UNICODE" text is UTF-16 in the byte order its byte-order mark gives,
// else the one its zero bytes show (ASCII characters have a zero high byte),
// else the one that decodes to fewer impossible characters, big-endian (as
// A1111 reads it) on a tie. "ASCII", undefined and unlabelled text is UTF-8;
// text labelled so that is plainly UTF-16 is read as UTF-16. Text that
// cannot be decoded fails with ErrUndecodableComment instead of coming back
// garbled; small damage is replaced with U+FFFD and named in Warnings.
func decodeUserComment(v []byte) (UserComment, error) {
	if len(v) >= 8 {
		code, text := v[:8], v[8:]
		switch {
		case bytes.Equal(code, ucUnicode):
			return decodeUTF16Comment(text, "")
		case bytes.Equal(code, ucASCII):
			return decodeUTF8Comment(text, "is labelled ASCII")
		case bytes.Equal(code, ucUndefined):
			return decodeUTF8Comment(text, "has an undefined character code")
		case bytes.Equal(code, ucJIS):
			return UserComment{}, fmt.Errorf("output: %w: it is JIS-encoded, which is not supported", ErrUndecodableComment)
		}
	}
	// No known character code: some writers store bare UTF-8.
	return decodeUTF8Comment(v, "has no character code")
}

// decodeUTF8Comment decodes text stored under the ASCII or undefined code,
// or without one; what says which ("is labelled ASCII").
func decodeUTF8Comment(b []byte, what string) (UserComment, error) {
	if be, le := zeroPattern(b); max(be, le) >= 4 && max(be, le) > len(b)/8 {
		return decodeUTF16Comment(b, fmt.Sprintf("the UserComment %s but holds UTF-16 text; it was read as UTF-16", what))
	}
	b = bytes.TrimRight(b, "\x00")
	c := UserComment{Encoding: EncodingUTF8}
	if utf8.Valid(b) {
		c.Text = string(b)
		return c, nil
	}
	bad := 0
	for i := 0; i < len(b); {
		r, w := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && w <= 1 {
			bad++
		}
		i += w
	}
	if bad*maxBadShare > len(b) {
		return UserComment{}, fmt.Errorf("output: %w: %d of its %d bytes are not UTF-8 text", ErrUndecodableComment, bad, len(b))
	}
	c.Text = strings.ToValidUTF8(string(b), "\uFFFD")
	c.warn("the UserComment is not valid UTF-8: %d bytes could not be decoded and were replaced with U+FFFD", bad)
	return c, nil
}

// zeroPattern counts the 16-bit units whose high byte alone is zero in
// big-endian order (00 xx) and in little-endian order (xx 00).
func zeroPattern(b []byte) (be, le int) {
	for i := 0; i+1 < len(b); i += 2 {
		switch {
		case b[i] == 0 && b[i+1] != 0:
			be++
		case b[i] != 0 && b[i+1] == 0:
			le++
		}
	}
	return be, le
}

// decodeUTF16Comment decodes UNICODE text (see decodeUserComment). note,
// when set, is a warning to give in any case.
func decodeUTF16Comment(b []byte, note string) (UserComment, error) {
	var c UserComment
	if note != "" {
		c.warn("%s", note)
	}
	if len(b)%2 == 1 {
		c.warn("the UTF-16 text has an odd number of bytes (it is cut short or damaged); the last byte was dropped")
		b = b[:len(b)-1]
	}
	var order binary.ByteOrder
	switch {
	case bytes.HasPrefix(b, []byte{0xfe, 0xff}):
		order, b = binary.BigEndian, b[2:]
	case bytes.HasPrefix(b, []byte{0xff, 0xfe}):
		order, b = binary.LittleEndian, b[2:]
	default:
		if be, le := zeroPattern(b); be > 2*le {
			order = binary.BigEndian
		} else if le > 2*be {
			order = binary.LittleEndian
		}
	}
	var runes []rune
	if order == nil {
		if be, le := zeroPattern(b); be == 0 && le == 0 && utf8.Valid(b) && looksLikeText(b) {
			c.warn("the UserComment is labelled UNICODE but holds UTF-8 text; it was read as UTF-8")
			c.Encoding, c.Text = EncodingUTF8, strings.TrimRight(string(b), "\x00")
			return c, nil
		}
		// No byte-order mark and no telling zero bytes (text without ASCII,
		// such as Japanese): the order that decodes to more letters and
		// fewer impossible characters wins, big-endian on a tie.
		beRunes, leRunes := utf16Runes(b, binary.BigEndian), utf16Runes(b, binary.LittleEndian)
		order, runes = binary.BigEndian, beRunes
		if quality(leRunes) > quality(beRunes) {
			order, runes = binary.LittleEndian, leRunes
		}
	} else {
		runes = utf16Runes(b, order)
	}
	c.Encoding = EncodingUTF16BE
	if order == binary.LittleEndian {
		c.Encoding = EncodingUTF16LE
	}
	for len(runes) > 0 && runes[len(runes)-1] == 0 {
		runes = runes[:len(runes)-1]
	}
	bad := badRunes(runes)
	if bad*maxBadShare > len(runes) {
		return UserComment{}, fmt.Errorf("output: %w: it is labelled UNICODE but is not UTF-16 text in either byte order (%d of its %d characters are impossible)",
			ErrUndecodableComment, bad, len(runes))
	}
	if bad > 0 {
		for i, r := range runes {
			if !plausible(r) {
				runes[i] = unicode.ReplacementChar
			}
		}
		c.warn("%d characters of the UTF-16 text could not be decoded and were replaced with U+FFFD", bad)
	}
	c.Text = string(runes)
	return c, nil
}

// utf16Runes decodes b as UTF-16 in order. Unpaired surrogates are kept as
// they are (not valid characters), so badRunes counts them.
func utf16Runes(b []byte, order binary.ByteOrder) []rune {
	runes := make([]rune, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		u := rune(order.Uint16(b[i:]))
		if utf16.IsSurrogate(u) && u < 0xdc00 && i+3 < len(b) {
			if r := utf16.DecodeRune(u, rune(order.Uint16(b[i+2:]))); r != unicode.ReplacementChar {
				runes = append(runes, r)
				i += 2
				continue
			}
		}
		runes = append(runes, u) // a lone surrogate stays, to be counted as impossible
	}
	return runes
}

// looksLikeText reports bytes with the separators every infotext has (a
// line break, ": " or ", "), which UTF-16 text without zero bytes lacks.
func looksLikeText(b []byte) bool {
	return bytes.IndexByte(b, '\n') >= 0 || bytes.Contains(b, []byte(": ")) || bytes.Contains(b, []byte(", "))
}

// quality scores a decoding: letters, digits, spaces and punctuation count
// for it, and more so characters beyond U+FFFF (their surrogate pairs hardly
// ever form by chance); impossible characters count heavily against it.
func quality(runes []rune) int {
	q := 0
	for _, r := range runes {
		switch {
		case !plausible(r):
			q -= 4
		case r > 0xffff:
			q += 3
		case unicode.IsLetter(r), unicode.IsDigit(r), unicode.IsSpace(r), unicode.IsPunct(r):
			q++
		}
	}
	return q
}

// badRunes counts the characters no text holds: controls other than tab,
// newline and carriage return, lone surrogates, private-use, unassigned code
// points and non-characters.
func badRunes(runes []rune) int {
	n := 0
	for _, r := range runes {
		if !plausible(r) {
			n++
		}
	}
	return n
}

func plausible(r rune) bool {
	return r == '\t' || r == '\n' || r == '\r' || unicode.IsGraphic(r)
}
