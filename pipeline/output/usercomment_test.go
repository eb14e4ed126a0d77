package output

import (
	"encoding/binary"
	"errors"
	"strings"
	"testing"
)

// beEXIF is leEXIF with a big-endian TIFF header.
func beEXIF(comment []byte) []byte {
	be := binary.BigEndian
	b := []byte("MM\x00\x2a\x00\x00\x00\x08")
	b = be.AppendUint16(b, 1)
	b = be.AppendUint16(b, tagUserComment)
	b = be.AppendUint16(b, typeUndefined)
	b = be.AppendUint32(b, uint32(len(comment)))
	b = be.AppendUint32(b, 8+2+12+4)
	b = be.AppendUint32(b, 0)
	return append(b, comment...)
}

const civitaiInfotext = "1girl, 猫耳, smiling\nNegative prompt: lowres\nSteps: 30, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 5.0, Seed: 42, Size: 832x1216"

func unicodeComment(s string, bo binary.AppendByteOrder) []byte {
	return append([]byte("UNICODE\x00"), utf16Bytes(s, bo)...)
}

// TestUserCommentByteOrder reads UNICODE comments in the byte order their
// text is in, whatever the TIFF header's order.
func TestUserCommentByteOrder(t *testing.T) {
	le, be := binary.LittleEndian, binary.BigEndian
	for _, tc := range []struct {
		name     string
		exif     []byte
		want     string
		encoding string
	}{
		// Civitai: a little-endian TIFF header holding big-endian UTF-16.
		{"Civitai (LE TIFF, BE text)", leEXIF(unicodeComment(civitaiInfotext, be)), civitaiInfotext, EncodingUTF16BE},
		{"A1111 (BE TIFF, BE text)", beEXIF(unicodeComment(civitaiInfotext, be)), civitaiInfotext, EncodingUTF16BE},
		{"LE TIFF, LE text", leEXIF(unicodeComment(civitaiInfotext, le)), civitaiInfotext, EncodingUTF16LE},
		{"BE TIFF, LE text", beEXIF(unicodeComment(civitaiInfotext, le)), civitaiInfotext, EncodingUTF16LE},
		{"BE byte-order mark", leEXIF(unicodeComment("\ufeffa cat", be)), "a cat", EncodingUTF16BE},
		{"LE byte-order mark", beEXIF(unicodeComment("\ufeffa cat", le)), "a cat", EncodingUTF16LE},
		// No ASCII at all: the order that decodes to text wins.
		{"Japanese only, BE", leEXIF(unicodeComment("猫が好きです", be)), "猫が好きです", EncodingUTF16BE},
		{"Japanese only, LE", beEXIF(unicodeComment("猫が好きです", le)), "猫が好きです", EncodingUTF16LE},
		{"emoji only, LE", beEXIF(unicodeComment("🐱🐶", le)), "🐱🐶", EncodingUTF16LE},
		{"trailing NULs", leEXIF(append(unicodeComment("a cat", be), 0, 0, 0, 0)), "a cat", EncodingUTF16BE},
	} {
		t.Run(tc.name, func(t *testing.T) {
			uc, err := ReadEXIFUserComment(tc.exif)
			if err != nil {
				t.Fatal(err)
			}
			if uc.Text != tc.want || uc.Encoding != tc.encoding || len(uc.Warnings) > 0 {
				t.Errorf("got %q (%s, warnings %q), want %q (%s)", uc.Text, uc.Encoding, uc.Warnings, tc.want, tc.encoding)
			}
		})
	}
}

// TestUserCommentDamage: damaged or mislabelled text is read with a
// warning naming what was wrong, or refused; never garbled in silence.
func TestUserCommentDamage(t *testing.T) {
	be := binary.BigEndian
	loneSurrogate := unicodeComment(civitaiInfotext, be)
	loneSurrogate = append(loneSurrogate[:20], append([]byte{0xd8, 0x00}, loneSurrogate[20:]...)...)
	for _, tc := range []struct {
		name, want, warning string
	}{
		{"odd length", "a cat", "odd number of bytes"},
		{"lone surrogate", "", "1 characters of the UTF-16 text could not be decoded"},
		{"UTF-8 labelled UNICODE", civitaiInfotext, "labelled UNICODE but holds UTF-8"},
		{"UTF-16 labelled ASCII", civitaiInfotext, "labelled ASCII but holds UTF-16"},
		{"UTF-16 without a code", civitaiInfotext, "has no character code but holds UTF-16"},
		{"a bad UTF-8 byte", strings.Repeat("a", 40) + "\uFFFD", "1 bytes could not be decoded"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var comment []byte
			switch tc.name {
			case "odd length":
				comment = append(unicodeComment("a cat", be), 'x')
			case "lone surrogate":
				comment = loneSurrogate
			case "UTF-8 labelled UNICODE":
				comment = append([]byte("UNICODE\x00"), civitaiInfotext...)
			case "UTF-16 labelled ASCII":
				comment = append([]byte("ASCII\x00\x00\x00"), utf16Bytes(civitaiInfotext, be)...)
			case "UTF-16 without a code":
				comment = utf16Bytes(civitaiInfotext, binary.LittleEndian)
			case "a bad UTF-8 byte":
				comment = append([]byte("ASCII\x00\x00\x00"+strings.Repeat("a", 40)), 0xe9)
			}
			uc, err := ReadEXIFUserComment(leEXIF(comment))
			if err != nil {
				t.Fatal(err)
			}
			if tc.want != "" && uc.Text != tc.want {
				t.Errorf("text = %q, want %q", uc.Text, tc.want)
			}
			if tc.name == "lone surrogate" && (!strings.Contains(uc.Text, "\uFFFD") || !strings.Contains(uc.Text, "Steps: 30")) {
				t.Errorf("text = %q: want the text with U+FFFD in place of the lone surrogate", uc.Text)
			}
			if len(uc.Warnings) != 1 || !strings.Contains(uc.Warnings[0], tc.warning) {
				t.Errorf("warnings = %q, want one with %q", uc.Warnings, tc.warning)
			}
		})
	}
}

// TestUserCommentUndecodable: text that decodes to nothing readable is
// refused with ErrUndecodableComment.
func TestUserCommentUndecodable(t *testing.T) {
	surrogates := []byte("UNICODE\x00")
	for range 30 {
		surrogates = append(surrogates, 0xdc, 0xdd) // a lone low surrogate in both byte orders
	}
	controls := []byte("UNICODE\x00")
	for i := range 30 {
		controls = append(controls, 0x00, byte(1+i%8), 0x00, 0x7f)
	}
	latin1 := []byte("ASCII\x00\x00\x00caf\xe9 cr\xe8me br\xfbl\xe9e \xe0 la \xe9\xe9\xe9")
	for name, comment := range map[string][]byte{"lone surrogates": surrogates, "control characters": controls, "Latin-1": latin1} {
		uc, err := ReadEXIFUserComment(leEXIF(comment))
		if !errors.Is(err, ErrUndecodableComment) {
			t.Errorf("%s: got %q, %v; want ErrUndecodableComment", name, uc.Text, err)
		}
	}
}
