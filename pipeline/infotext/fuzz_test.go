package infotext

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"stablenew/pipeline/output"
)

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

// typedString prints the typed values of a view with its pointers followed,
// so that two views compare equal even when a value is NaN. The raw strings
// of ADetailer settings and unknown keys are left out: Format normalises
// floats among them ("0" becomes "0.0"); units are compared by index, model
// and float values.
func typedString(v typedView) string {
	units := make([]string, 0, len(v.ADetailer))
	for _, u := range v.ADetailer {
		s := fmt.Sprintf("%d %q", u.Index, u.Model)
		for _, kv := range u.Settings {
			if f, ok := u.Float(kv.Key); ok {
				s += fmt.Sprintf(" %s=%v", kv.Key, f)
			}
		}
		units = append(units, s)
	}
	return fmt.Sprintf("%v %q %q %v %v %d %d %q %q %q %q %v %v %v %d %+v %+v %q %q %v %v %+v %d",
		deref(v.Steps), v.Sampler, v.ScheduleType, deref(v.CFGScale), deref(v.Seed), v.Width, v.Height, v.Model,
		v.ModelHash, v.VAE, v.VAEHash, deref(v.VariationSeed), deref(v.VariationSeedStrength), deref(v.DenoisingStrength),
		v.ClipSkip, deref(v.Hires), deref(v.Refiner), units, v.ADetailerVersion, v.LoraHashes, v.TIHashes,
		v.Version, len(v.Unknown))
}

// FuzzParseInfotext checks that Parse never panics and that, for whatever it
// parsed, Format→Parse gives back the same values and Format is stable.
func FuzzParseInfotext(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.txt"))
	more, _ := filepath.Glob(filepath.Join("testdata", "reproduce", "*.txt"))
	files = append(files, more...)
	for _, file := range files {
		if b, err := os.ReadFile(file); err == nil {
			f.Add(string(b))
		}
	}
	for _, s := range []string{
		"", "Negative prompt:", "p\nAa: \"x\\\"y\", Bb: 2, Cc: 3", "aa: 1, bb: 2, cc: 3\nNegative prompt:\nTemplate: 5, xx: 1, yy: 2",
		"p\nSteps: 20, Seed: 1, Clip skip: 1", "\xff\xfe", "p\r\nNegative prompt: n\r\nAa: 1, Bb: 2, Cc: 3\r\nTemplate: t",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		p, err := Parse(text)
		if err != nil {
			return
		}
		// Exercise every accessor: none may panic.
		_ = viewOf(p)
		checkRoundTrip(t, p)
		q, _ := Parse(Format(p))
		if a, b := typedString(viewOf(p).Typed), typedString(viewOf(q).Typed); a != b {
			t.Fatalf("typed values changed in the round trip:\n%s\n%s", a, b)
		}
	})
}

// FuzzReadImage feeds ReadImage damaged PNG, JPEG and WebP files: it never
// panics, and what it returns is readable text with parameters.
func FuzzReadImage(f *testing.F) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 4, 4))); err != nil {
		f.Fatal(err)
	}
	good, err := output.AddPNGText(buf.Bytes(), []output.TextChunk{{Keyword: "parameters", Text: webuiInfotext}})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	idat := bytes.Index(good, []byte("IDAT"))
	f.Add(good[:idat+8])
	tiff := leTIFFUserComment(append([]byte("UNICODE\x00"), utf16BE(webuiInfotext)...))
	at := bytes.Index(buf.Bytes(), []byte("IDAT")) - 4
	f.Add(append(append(append([]byte{}, buf.Bytes()[:at]...), pngChunk("eXIf", tiff)...), buf.Bytes()[at:]...))
	jpg, err := output.Encode(buf.Bytes(), "jpg", 80, webuiInfotext)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(jpg)
	f.Add(fakeWebP(tiff))
	f.Fuzz(func(t *testing.T, data []byte) {
		md, err := ReadImage(data)
		if err != nil {
			return
		}
		if md.Params == nil || !utf8.ValidString(md.Params.Prompt) || !utf8.ValidString(md.Params.Negative) {
			t.Fatalf("read without usable parameters: %+v", md)
		}
	})
}
