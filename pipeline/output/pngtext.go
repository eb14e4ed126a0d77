package output

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"strings"
	"unicode/utf8"
)

// pngSignature starts every PNG file.
const pngSignature = "\x89PNG\r\n\x1a\n"

// MaxTextChunkSize is the largest text a single PNG text chunk may hold once
// decompressed (8 MiB). Larger chunks, such as a zip bomb in a zTXt chunk, are
// refused with ErrTextTooLarge.
const MaxTextChunkSize = 8 << 20

// maxTotalText bounds the text read from one file, all chunks together.
const maxTotalText = 32 << 20

// Errors reported by the PNG text functions; test for them with errors.Is.
var (
	ErrNotPNG           = errors.New("not a PNG file")
	ErrTruncatedPNG     = errors.New("truncated PNG file")
	ErrCorruptPNG       = errors.New("corrupt PNG file")
	ErrTextTooLarge     = errors.New("PNG text chunk too large")
	ErrDuplicateKeyword = errors.New("PNG text keyword already present")
)

// TextChunk is one PNG text chunk.
type TextChunk struct {
	Keyword string // 1 to 79 Latin-1 characters, e.g. "parameters"
	Text    string // UTF-8; tEXt and zTXt chunks are decoded from Latin-1
	// Type is "tEXt", "zTXt" or "iTXt". On read it says what the file held.
	// For AddPNGText, "" picks tEXt for Latin-1 text and iTXt otherwise (zTXt
	// or compressed iTXt when Compressed is set); a forced tEXt or zTXt must
	// hold Latin-1 text.
	Type string
	// Compressed is true for zTXt and compressed iTXt chunks.
	Compressed bool
}

// ReadPNGText reads the text chunks (tEXt, zTXt and iTXt) of a PNG stream and
// returns them by keyword; when a keyword repeats, the first chunk wins.
// See ReadPNGMetadata for the checks made.
func ReadPNGText(r io.Reader) (map[string]string, error) {
	chunks, err := ReadPNGTextChunks(r)
	return TextByKeyword(chunks), err
}

// TextByKeyword maps text chunks by keyword; when a keyword repeats, the
// first chunk wins.
func TextByKeyword(chunks []TextChunk) map[string]string {
	m := make(map[string]string, len(chunks))
	for _, c := range chunks {
		if _, dup := m[c.Keyword]; !dup {
			m[c.Keyword] = c.Text
		}
	}
	return m
}

// ReadPNGTextChunks reads every text chunk of a PNG stream, in file order, up
// to the IEND chunk; see ReadPNGMetadata.
func ReadPNGTextChunks(r io.Reader) ([]TextChunk, error) {
	md, err := ReadPNGMetadata(r)
	return md.Text, err
}

// PNGMetadata is the metadata ReadPNGMetadata finds in a PNG.
type PNGMetadata struct {
	// Text holds the text chunks in file order.
	Text []TextChunk
	// EXIF is the data of the first eXIf chunk (a TIFF structure, which
	// ReadEXIFUserComment reads), nil when there is none.
	EXIF []byte
}

// ReadPNGMetadata reads the text chunks (tEXt, zTXt and iTXt) and the first
// eXIf chunk of a PNG stream, up to the IEND chunk. The CRC of each of them
// is checked; the image data is skipped (with Seek when r is an io.Seeker).
// Text that inflates past MaxTextChunkSize, and eXIf data larger than that,
// are refused. Errors wrap ErrNotPNG, ErrTruncatedPNG, ErrCorruptPNG or
// ErrTextTooLarge and name the chunk and its offset; what was read before
// the error is returned with it, so that a file cut short in its image data
// still gives the text before.
func ReadPNGMetadata(r io.Reader) (PNGMetadata, error) {
	var md PNGMetadata
	var sig [8]byte
	if _, err := io.ReadFull(r, sig[:]); err != nil || string(sig[:]) != pngSignature {
		return md, fmt.Errorf("output: %w (no PNG signature)", ErrNotPNG)
	}
	seeker, _ := r.(io.Seeker)
	var (
		offset  int64 = 8
		total   int
		hdr     [8]byte
		skipped string // the type of the chunk skipped last, if the previous chunk was skipped
	)
	for n := 0; ; n++ {
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			if skipped != "" && seeker != nil {
				// A seek past the end succeeds: tell whether the skipped chunk
				// was cut short from the size of the file.
				if size, serr := seeker.Seek(0, io.SeekEnd); serr == nil && size < offset {
					return md, fmt.Errorf("output: %w: the file is cut short at %d bytes, inside its %s chunk (%s)",
						ErrTruncatedPNG, size, skipped, chunkWhat(skipped))
				}
			}
			return md, fmt.Errorf("output: %w: the file ends at offset %d before the IEND chunk", ErrTruncatedPNG, offset)
		}
		length := binary.BigEndian.Uint32(hdr[:4])
		typ := string(hdr[4:8])
		if !validChunkType(hdr[4:8]) || length > 0x7fffffff {
			return md, fmt.Errorf("output: %w: bad chunk header at offset %d", ErrCorruptPNG, offset)
		}
		if n == 0 && typ != "IHDR" {
			return PNGMetadata{}, fmt.Errorf("output: %w (first chunk is %q, not IHDR)", ErrNotPNG, typ)
		}
		skipped = ""
		switch {
		case typ == "tEXt" || typ == "zTXt" || typ == "iTXt":
			if length > MaxTextChunkSize+1024 {
				return md, fmt.Errorf("output: %w: %s chunk at offset %d is %d bytes (limit %d)", ErrTextTooLarge, typ, offset, length, MaxTextChunkSize)
			}
			body, err := readChunkBody(r, hdr[4:8], length)
			if err != nil {
				return md, fmt.Errorf("output: %s chunk at offset %d: %w", typ, offset, err)
			}
			c, err := decodeTextChunk(typ, body)
			if err != nil {
				return md, fmt.Errorf("output: %s chunk at offset %d: %w", typ, offset, err)
			}
			if total += len(c.Text); total > maxTotalText {
				return md, fmt.Errorf("output: %w: more than %d bytes of text in one file", ErrTextTooLarge, maxTotalText)
			}
			md.Text = append(md.Text, c)
		case typ == "eXIf" && md.EXIF == nil:
			if length > MaxTextChunkSize {
				return md, fmt.Errorf("output: %w: eXIf chunk at offset %d is %d bytes (limit %d)", ErrTextTooLarge, offset, length, MaxTextChunkSize)
			}
			body, err := readChunkBody(r, hdr[4:8], length)
			if err != nil {
				return md, fmt.Errorf("output: eXIf chunk at offset %d: %w", offset, err)
			}
			md.EXIF = body
		case typ == "IEND":
			var crc [4]byte
			if _, err := io.ReadFull(r, crc[:]); err != nil {
				return md, fmt.Errorf("output: %w: the IEND chunk at offset %d is cut short", ErrTruncatedPNG, offset)
			}
			return md, nil
		default:
			if err := skip(r, seeker, int64(length)+4); err != nil {
				return md, fmt.Errorf("output: %w: the file is cut short inside its %s chunk at offset %d (%s)", ErrTruncatedPNG, typ, offset, chunkWhat(typ))
			}
			skipped = typ
		}
		offset += 12 + int64(length)
	}
}

// chunkWhat says what a chunk holds, for messages.
func chunkWhat(typ string) string {
	switch typ {
	case "IDAT":
		return "image data"
	case "IHDR", "PLTE":
		return "the image header"
	}
	return "a chunk StableNew does not read"
}

// readChunkBody reads a chunk's data and CRC and checks the CRC.
func readChunkBody(r io.Reader, typ []byte, length uint32) ([]byte, error) {
	var buf bytes.Buffer
	if n, _ := io.Copy(&buf, io.LimitReader(r, int64(length)+4)); n != int64(length)+4 {
		return nil, fmt.Errorf("%w: the chunk runs past the end of the file", ErrTruncatedPNG)
	}
	b := buf.Bytes()
	body, sum := b[:length], binary.BigEndian.Uint32(b[length:])
	crc := crc32.NewIEEE()
	crc.Write(typ)
	crc.Write(body)
	if crc.Sum32() != sum {
		return nil, fmt.Errorf("%w: CRC mismatch (the file is damaged)", ErrCorruptPNG)
	}
	return body, nil
}

func skip(r io.Reader, s io.Seeker, n int64) error {
	if s != nil {
		_, err := s.Seek(n, io.SeekCurrent)
		if err != nil {
			return err
		}
		// A seek past the end succeeds; the next header read reports it.
		return nil
	}
	m, err := io.CopyN(io.Discard, r, n)
	if m != n {
		if err == nil {
			err = io.ErrUnexpectedEOF
		}
		return err
	}
	return nil
}

func validChunkType(b []byte) bool {
	for _, c := range b {
		if !isASCIILetter(c) {
			return false
		}
	}
	return true
}

// decodeTextChunk parses the body of a tEXt, zTXt or iTXt chunk.
func decodeTextChunk(typ string, body []byte) (TextChunk, error) {
	kw, rest, ok := bytes.Cut(body, []byte{0})
	if !ok || len(kw) == 0 || len(kw) > 79 {
		return TextChunk{}, fmt.Errorf("%w: missing or invalid keyword", ErrCorruptPNG)
	}
	c := TextChunk{Keyword: latin1ToUTF8(kw), Type: typ}
	switch typ {
	case "tEXt":
		c.Text = latin1ToUTF8(rest)
	case "zTXt":
		if len(rest) < 1 || rest[0] != 0 {
			return c, fmt.Errorf("%w: keyword %q: unknown compression method", ErrCorruptPNG, c.Keyword)
		}
		text, err := inflate(rest[1:], c.Keyword)
		if err != nil {
			return c, err
		}
		c.Text, c.Compressed = latin1ToUTF8(text), true
	case "iTXt":
		if len(rest) < 2 {
			return c, fmt.Errorf("%w: keyword %q: iTXt header cut short", ErrCorruptPNG, c.Keyword)
		}
		flag, method := rest[0], rest[1]
		rest = rest[2:]
		// Skip the language tag and the translated keyword.
		if _, rest, ok = bytes.Cut(rest, []byte{0}); ok {
			_, rest, ok = bytes.Cut(rest, []byte{0})
		}
		if !ok || flag > 1 || (flag == 1 && method != 0) {
			return c, fmt.Errorf("%w: keyword %q: bad iTXt header", ErrCorruptPNG, c.Keyword)
		}
		text := rest
		if flag == 1 {
			var err error
			if text, err = inflate(rest, c.Keyword); err != nil {
				return c, err
			}
			c.Compressed = true
		}
		if len(text) > MaxTextChunkSize {
			return c, fmt.Errorf("%w: keyword %q holds more than %d bytes", ErrTextTooLarge, c.Keyword, MaxTextChunkSize)
		}
		c.Text = string(text)
	}
	if len(c.Text) > MaxTextChunkSize {
		return c, fmt.Errorf("%w: keyword %q holds more than %d bytes", ErrTextTooLarge, c.Keyword, MaxTextChunkSize)
	}
	return c, nil
}

// inflate decompresses zlib data, refusing output past MaxTextChunkSize.
func inflate(data []byte, kw string) ([]byte, error) {
	zr, err := zlib.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: keyword %q: cannot inflate the compressed text: %v", ErrCorruptPNG, kw, err)
	}
	defer zr.Close()
	out, err := io.ReadAll(io.LimitReader(zr, MaxTextChunkSize+1))
	if len(out) > MaxTextChunkSize {
		return nil, fmt.Errorf("%w: keyword %q inflates past %d bytes (refused, possibly a zip bomb)", ErrTextTooLarge, kw, MaxTextChunkSize)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: keyword %q: cannot inflate the compressed text: %v", ErrCorruptPNG, kw, err)
	}
	return out, nil
}

func latin1ToUTF8(b []byte) string {
	ascii := true
	for _, c := range b {
		if c >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return string(b)
	}
	var s strings.Builder
	s.Grow(len(b) + len(b)/2)
	for _, c := range b {
		s.WriteRune(rune(c))
	}
	return s.String()
}

// toLatin1 encodes s as Latin-1, reporting false if a rune does not fit.
func toLatin1(s string) ([]byte, bool) {
	out := make([]byte, 0, len(s))
	for _, r := range s {
		if r > 0xff || r == utf8.RuneError {
			return nil, false
		}
		out = append(out, byte(r))
	}
	return out, true
}

// validKeyword applies the PNG keyword rules: 1 to 79 printable Latin-1
// characters, no leading, trailing or doubled spaces.
func validKeyword(kw string) error {
	b, ok := toLatin1(kw)
	if !ok || len(b) == 0 || len(b) > 79 {
		return fmt.Errorf("output: invalid PNG text keyword %q: use 1 to 79 Latin-1 characters", kw)
	}
	for _, c := range b {
		if c < 32 || (c > 126 && c < 161) {
			return fmt.Errorf("output: invalid PNG text keyword %q: it contains a control character", kw)
		}
	}
	if kw[0] == ' ' || kw[len(kw)-1] == ' ' || strings.Contains(kw, "  ") {
		return fmt.Errorf("output: invalid PNG text keyword %q: no leading, trailing or double spaces", kw)
	}
	return nil
}

// AddPNGText returns a copy of png with the chunks inserted just before the
// first IDAT chunk, with correct CRCs. Existing chunks, the WebUI's
// "parameters" chunk among them, are kept byte for byte; a chunk whose keyword
// is already in the file (or twice in chunks) is refused with
// ErrDuplicateKeyword, so nothing is ever shadowed. Text may not contain NUL
// and may be at most MaxTextChunkSize bytes. Input that is not a well-formed
// PNG is refused with ErrNotPNG, ErrCorruptPNG or ErrTruncatedPNG.
func AddPNGText(png []byte, chunks []TextChunk) ([]byte, error) {
	idat, existing, err := scanPNG(png)
	if err != nil {
		return nil, err
	}
	var add bytes.Buffer
	seen := make(map[string]bool, len(chunks))
	for _, c := range chunks {
		if err := validKeyword(c.Keyword); err != nil {
			return nil, err
		}
		if existing[c.Keyword] || seen[c.Keyword] {
			return nil, fmt.Errorf("output: %w: %q", ErrDuplicateKeyword, c.Keyword)
		}
		seen[c.Keyword] = true
		typ, body, err := encodeTextChunk(c)
		if err != nil {
			return nil, err
		}
		writeChunk(&add, typ, body)
	}
	out := make([]byte, 0, len(png)+add.Len())
	out = append(out, png[:idat]...)
	out = append(out, add.Bytes()...)
	return append(out, png[idat:]...), nil
}

// scanPNG walks the chunk structure of an in-memory PNG and returns the
// offset of the first IDAT chunk and the keywords of its text chunks.
func scanPNG(png []byte) (idat int, keywords map[string]bool, err error) {
	if len(png) < 8 || string(png[:8]) != pngSignature {
		return 0, nil, fmt.Errorf("output: %w (no PNG signature)", ErrNotPNG)
	}
	keywords = map[string]bool{}
	idat = -1
	for off, n := 8, 0; ; n++ {
		if off+8 > len(png) {
			return 0, nil, fmt.Errorf("output: %w: the data ends at offset %d before the IEND chunk", ErrTruncatedPNG, off)
		}
		length := int64(binary.BigEndian.Uint32(png[off:]))
		typ := png[off+4 : off+8]
		if !validChunkType(typ) || length > 0x7fffffff {
			return 0, nil, fmt.Errorf("output: %w: bad chunk header at offset %d", ErrCorruptPNG, off)
		}
		if n == 0 && string(typ) != "IHDR" {
			return 0, nil, fmt.Errorf("output: %w (first chunk is %q, not IHDR)", ErrNotPNG, typ)
		}
		end := int64(off) + 12 + length
		if end > int64(len(png)) {
			return 0, nil, fmt.Errorf("output: %w: %s chunk at offset %d runs past the end", ErrTruncatedPNG, typ, off)
		}
		switch string(typ) {
		case "IDAT":
			if idat < 0 {
				idat = off
			}
		case "tEXt", "zTXt", "iTXt":
			if kw, _, ok := bytes.Cut(png[off+8:end-4], []byte{0}); ok {
				keywords[latin1ToUTF8(kw)] = true
			}
		case "IEND":
			if idat < 0 {
				return 0, nil, fmt.Errorf("output: %w: no IDAT chunk", ErrCorruptPNG)
			}
			return idat, keywords, nil
		}
		off = int(end)
	}
}

// encodeTextChunk builds the chunk type and body for c.
func encodeTextChunk(c TextChunk) (string, []byte, error) {
	if strings.IndexByte(c.Text, 0) >= 0 {
		return "", nil, fmt.Errorf("output: PNG text %q contains a NUL character", c.Keyword)
	}
	if len(c.Text) > MaxTextChunkSize {
		return "", nil, fmt.Errorf("output: %w: %q is %d bytes (limit %d)", ErrTextTooLarge, c.Keyword, len(c.Text), MaxTextChunkSize)
	}
	if !utf8.ValidString(c.Text) {
		return "", nil, fmt.Errorf("output: PNG text %q is not valid UTF-8", c.Keyword)
	}
	kw, _ := toLatin1(c.Keyword)
	latin, isLatin := toLatin1(c.Text)
	typ := c.Type
	if typ == "" {
		switch {
		case isLatin && c.Compressed:
			typ = "zTXt"
		case isLatin:
			typ = "tEXt"
		default:
			typ = "iTXt"
		}
	}
	var body bytes.Buffer
	body.Write(kw)
	body.WriteByte(0)
	switch typ {
	case "tEXt", "zTXt":
		if !isLatin {
			return "", nil, fmt.Errorf("output: PNG text %q is not Latin-1 and cannot be stored as %s: use iTXt", c.Keyword, typ)
		}
		if typ == "tEXt" {
			body.Write(latin)
		} else {
			body.WriteByte(0) // compression method: deflate
			deflate(&body, latin)
		}
	case "iTXt":
		if c.Compressed {
			body.Write([]byte{1, 0, 0, 0}) // compressed, deflate, no language, no translated keyword
			deflate(&body, []byte(c.Text))
		} else {
			body.Write([]byte{0, 0, 0, 0})
			body.WriteString(c.Text)
		}
	default:
		return "", nil, fmt.Errorf("output: unknown PNG text chunk type %q: use tEXt, zTXt or iTXt", typ)
	}
	return typ, body.Bytes(), nil
}

func deflate(w *bytes.Buffer, data []byte) {
	zw := zlib.NewWriter(w)
	_, _ = zw.Write(data) // writes to a bytes.Buffer do not fail
	_ = zw.Close()
}

// writeChunk appends one PNG chunk with its length and CRC.
func writeChunk(w *bytes.Buffer, typ string, body []byte) {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], uint32(len(body)))
	w.Write(b[:])
	w.WriteString(typ)
	w.Write(body)
	crc := crc32.NewIEEE()
	crc.Write([]byte(typ))
	crc.Write(body)
	binary.BigEndian.PutUint32(b[:], crc.Sum32())
	w.Write(b[:])
}
