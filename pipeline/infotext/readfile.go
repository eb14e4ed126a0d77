package infotext

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"stablenew/pipeline"
	"stablenew/pipeline/output"
)

// Where ReadFile found the infotext (Metadata.Source).
const (
	SourcePNGParameters = "png:parameters" // the WebUI's PNG "parameters" chunk
	SourcePNGStableNew  = "png:stablenew"  // no "parameters" chunk: prompt and seed from the StableNew chunk
	SourcePNGEXIF       = "png:exif"       // no "parameters" chunk: the UserComment of the PNG's eXIf chunk
	SourceJPEGEXIF      = "jpeg:exif"      // EXIF UserComment of a JPEG
	SourceWebPEXIF      = "webp:exif"      // EXIF UserComment of a WebP
)

// Errors of ReadFile and ReadImage; test for them with errors.Is.
var (
	ErrNotImage     = errors.New("not a PNG, JPEG or WebP image")
	ErrNoParameters = errors.New("the image holds no generation parameters")
)

// Metadata is what an image file tells about how it was made.
type Metadata struct {
	Format   string      // "png", "jpeg" or "webp"
	Source   string      // where the infotext came from: one of the Source constants
	Infotext string      // the raw infotext ("" when only the StableNew chunk was found)
	Params   *Parameters // the parsed infotext; never nil when err is nil
	// StableNewJSON is the raw "stablenew" chunk, "" when absent. StableNew
	// is its parsed form, nil when absent or invalid (a warning in
	// Params.Warnings then says why). When present it is the better record of
	// the job: exact prompt sent, requested and actual seeds, job id.
	StableNewJSON string
	StableNew     *output.StableNewChunk
}

// jpegHeadSize is how much of a JPEG is read first: the EXIF segment comes
// before the image data and is at most 64 KiB.
const jpegHeadSize = 256 << 10

// ReadFile reads the generation parameters of an image file. The format is
// told by the file's first bytes, not its name. PNGs give the "parameters"
// chunk, else the UserComment of their eXIf chunk (the "stablenew" chunk is
// returned too, and used alone when there is neither); JPEG and WebP give
// the EXIF UserComment. A PNG damaged after its parameters (cut short in its
// image data) still gives them, with a warning in Params.Warnings that names
// the damage. Errors name the file and wrap ErrNotImage, ErrNoParameters or
// the pipeline/output errors for damaged files (output.ErrTruncatedPNG,
// output.ErrUndecodableComment, …).
//
// Only a regular file is opened: a named pipe or a device is refused
// (pipeline.NotRegularError) instead of blocking.
func ReadFile(path string) (*Metadata, error) {
	f, err := pipeline.OpenRegular(path)
	if err != nil {
		return nil, fmt.Errorf("infotext: %w", err)
	}
	defer f.Close()
	head := make([]byte, jpegHeadSize)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("infotext: %s: %w", path, err)
	}
	head = head[:n]
	var md *Metadata
	switch sniff(head) {
	case "png":
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return nil, fmt.Errorf("infotext: %s: %w", path, err)
		}
		md, err = readPNG(f)
	case "jpeg":
		md, err = readEXIF(head, "jpeg")
		if err != nil && n == jpegHeadSize { // segments before EXIF were large: read it all
			var all []byte
			if all, err = readAll(f); err == nil {
				md, err = readEXIF(all, "jpeg")
			}
		}
	case "webp":
		var all []byte
		if all, err = readAll(f); err == nil {
			md, err = readEXIF(all, "webp")
		}
	default:
		err = ErrNotImage
	}
	if err != nil {
		return nil, fmt.Errorf("infotext: %s: %w", path, err)
	}
	return md, nil
}

// readAll reads the whole of an open file from its start.
func readAll(f *os.File) ([]byte, error) {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	return io.ReadAll(f)
}

func sniff(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return "png"
	case len(b) >= 3 && b[0] == 0xff && b[1] == 0xd8 && b[2] == 0xff:
		return "jpeg"
	case len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		return "webp"
	}
	return ""
}

// readPNG reads a PNG's "parameters" chunk, else the UserComment of its eXIf
// chunk, else its StableNew chunk. A file damaged after what it read (cut
// short in its image data, a broken chunk further on) still gives that,
// with a warning naming the damage.
func readPNG(r io.Reader) (*Metadata, error) {
	pm, damage := output.ReadPNGMetadata(r)
	text := output.TextByKeyword(pm.Text)
	infotext, hasParams := text["parameters"]
	exif, exifErr := pngEXIFComment(pm.EXIF)
	if damage != nil && (errors.Is(damage, output.ErrNotPNG) ||
		(infotext == "" && exif.Text == "" && text[output.StableNewKeyword] == "")) {
		return nil, damage
	}
	md := &Metadata{Format: "png", StableNewJSON: text[output.StableNewKeyword]}
	var chunkErr error
	if md.StableNewJSON != "" {
		md.StableNew, chunkErr = output.ParseStableNewChunk(md.StableNewJSON)
	}
	var err error
	switch {
	case hasParams && infotext != "":
		md.Source, md.Infotext = SourcePNGParameters, infotext
		if md.Params, err = Parse(infotext); err != nil {
			return nil, err
		}
		if exif.Text != "" && strings.TrimSpace(exif.Text) != strings.TrimSpace(infotext) {
			md.Params.warn("the PNG also holds an EXIF UserComment that differs from its parameters chunk (A1111 would show the EXIF one); the parameters chunk was read")
		}
	case exif.Text != "":
		md.Source, md.Infotext = SourcePNGEXIF, exif.Text
		if md.Params, err = Parse(exif.Text); err != nil {
			return nil, err
		}
		for _, w := range exif.Warnings {
			md.Params.warn("EXIF: %s", w)
		}
	case md.StableNew != nil:
		md.Source = SourcePNGStableNew
		md.Params = &Parameters{Prompt: md.StableNew.Prompt, Negative: md.StableNew.Negative}
		md.Params.SetInt(KeySeed, md.StableNew.SeedActual)
	case exifErr != nil:
		return nil, fmt.Errorf("%w (no \"parameters\" text chunk, and the eXIf chunk's UserComment cannot be read: %v)", ErrNoParameters, exifErr)
	case chunkErr != nil:
		return nil, fmt.Errorf("%w (the stablenew chunk is damaged: %v)", ErrNoParameters, chunkErr)
	default:
		return nil, fmt.Errorf("%w (no \"parameters\" text chunk)", ErrNoParameters)
	}
	if chunkErr != nil {
		md.Params.warn("stablenew chunk ignored: %v", chunkErr)
	}
	if damage != nil {
		md.Params.warn("the file is damaged (%v); the parameters were read from the chunks before the damage", strings.TrimPrefix(damage.Error(), "output: "))
	}
	return md, nil
}

// pngEXIFComment reads the UserComment of a PNG's eXIf chunk (some writers
// start it with "Exif\0\0" as in a JPEG). No chunk, or none in it, is no
// error.
func pngEXIFComment(data []byte) (output.UserComment, error) {
	if data == nil {
		return output.UserComment{}, nil
	}
	c, err := output.ReadEXIFUserComment(data)
	if errors.Is(err, output.ErrNoUserComment) {
		return output.UserComment{}, nil
	}
	return c, err
}

func readEXIF(data []byte, format string) (*Metadata, error) {
	comment, err := output.ReadEXIFUserComment(data)
	if errors.Is(err, output.ErrNoUserComment) {
		return nil, fmt.Errorf("%w (no EXIF UserComment)", ErrNoParameters)
	}
	if err != nil {
		return nil, err
	}
	if comment.Text == "" {
		return nil, fmt.Errorf("%w (the EXIF UserComment is empty)", ErrNoParameters)
	}
	params, err := Parse(comment.Text)
	if err != nil {
		return nil, err
	}
	for _, w := range comment.Warnings {
		params.warn("EXIF: %s", w)
	}
	source := SourceJPEGEXIF
	if format == "webp" {
		source = SourceWebPEXIF
	}
	return &Metadata{Format: format, Source: source, Infotext: comment.Text, Params: params}, nil
}
