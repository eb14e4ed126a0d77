package output

import (
	"bytes"
	"encoding/binary"
	"path/filepath"
	"testing"
	"time"
	"unicode/utf8"
)

// fuzzRoot is a fixed absolute root; nothing is written there.
var fuzzRoot = filepath.Join(string(filepath.Separator)+"srv", "stablenew", "out")

func FuzzParseTemplate(f *testing.F) {
	for _, s := range append(noEscapeTemplates,
		"{date}_{pack}/{stage}_p{prompt_index:02}_v{variant:02}_{seed}", "../x", "{", "}", "{{}}", "a//b",
		"{index:03}", "{prompt_words:5}", `C:\x`, "CON", "{foo}", "日本/{pack}", "{seed:0}") {
		f.Add(s)
	}
	file := mustParseTemplate("{prompt_words:9}_{seed}")
	f.Fuzz(func(t *testing.T, s string) {
		tp, err := ParseTemplate(s)
		if err != nil {
			if _, ok := err.(*TemplateError); !ok {
				t.Fatalf("error is %T, want *TemplateError", err)
			}
			return
		}
		for _, h := range []string{"../..", "CON", "a/b\\c", "\x00..", ""} {
			v := TokenValues{Time: time.Unix(0, 0).UTC(), Pack: h, Model: h, Stage: h, Prompt: h, JobID: h, Sampler: h}
			p, err := ResolvePath(fuzzRoot, tp, file, v, "png")
			if err != nil {
				t.Fatalf("ResolvePath(%q): %v", s, err)
			}
			checkInside(t, fuzzRoot, p, s)
			if tp.Segments() == 1 {
				if p, err = ResolvePath(fuzzRoot, nil, tp, v, "png"); err != nil {
					t.Fatalf("as file template %q: %v", s, err)
				}
				checkInside(t, fuzzRoot, p, s)
			}
		}
	})
}

func FuzzRender(f *testing.F) {
	f.Add("{pack}/{model}_{prompt_words:8}", "../../etc/passwd", "model.safetensors [0123456789]", "a <lora:x:1> cat", int64(-1))
	f.Add("{stage}/{sampler}/{job_id}", "CON", "nul", "\x00\xff", int64(0))
	f.Add("x{pack}.{model}", ". .", "..", "", int64(42))
	f.Fuzz(func(t *testing.T, tmpl, pack, model, prompt string, seed int64) {
		tp, err := ParseTemplate(tmpl)
		if err != nil {
			return
		}
		v := TokenValues{Time: time.Unix(1700000000, 0).UTC(), Pack: pack, Model: model, Prompt: prompt, Stage: pack,
			Sampler: model, JobID: prompt, Seed: seed, CFG: float64(seed) / 7}
		rel, err := tp.Render(v)
		if err != nil {
			t.Fatalf("Render(%q): %v", tmpl, err)
		}
		p, err := ResolvePath(fuzzRoot, tp, mustParseTemplate("{pack}"), v, "jpg")
		if err != nil {
			t.Fatal(err)
		}
		checkInside(t, fuzzRoot, p, tmpl+" → "+rel)
	})
}

// FuzzReadPNGText fuzzes ReadPNGMetadata (text chunks, eXIf, damage after
// the text): seeking and streaming agree, and what was read can be written
// back and read again.
func FuzzReadPNGText(f *testing.F) {
	f.Add(pngWithParameters(f, sampleInfotext))
	withAll, _ := AddPNGText(pngWithParameters(f, sampleInfotext), []TextChunk{
		{Keyword: "z", Text: "zipped", Compressed: true}, {Keyword: "u", Text: "猫"}, {Keyword: "uz", Text: "猫猫", Compressed: true},
	})
	f.Add(withAll)
	f.Add(insertBeforeIDAT(f, makePNG(f, 2, 2), rawChunk("zTXt", append([]byte("k\x00\x00"), zlibOf(bytes.Repeat([]byte("a"), 1<<16))...))))
	f.Add([]byte(pngSignature))
	f.Add([]byte{})
	withEXIF := insertBeforeIDAT(f, pngWithParameters(f, sampleInfotext), rawChunk("eXIf", beEXIF(unicodeComment("a cat", binary.BigEndian))))
	f.Add(withEXIF)
	idat, _, _ := scanPNG(withEXIF)
	f.Add(withEXIF[:idat+10]) // cut short in the image data
	f.Fuzz(func(t *testing.T, data []byte) {
		md, err := ReadPNGMetadata(bytes.NewReader(data))
		md2, err2 := ReadPNGMetadata(onlyReader{bytes.NewReader(data)})
		if (err == nil) != (err2 == nil) || len(md.Text) != len(md2.Text) || !bytes.Equal(md.EXIF, md2.EXIF) {
			t.Fatalf("seek and stream reads disagree: %v / %v", err, err2)
		}
		if md.EXIF != nil {
			_, _ = ReadEXIFUserComment(md.EXIF) // must not panic
		}
		// Whatever was read, also before damage, can be written back into a
		// fresh PNG and read again.
		m := TextByKeyword(md.Text)
		var chunks []TextChunk
		for k, v := range m {
			if validKeyword(k) == nil && !bytes.ContainsRune([]byte(v), 0) {
				chunks = append(chunks, TextChunk{Keyword: k, Text: v})
			}
		}
		out, err := AddPNGText(makePNG(t, 1, 1), chunks)
		if err != nil {
			return // e.g. invalid UTF-8 from an iTXt chunk
		}
		back, err := ReadPNGText(bytes.NewReader(out))
		if err != nil || len(back) != len(chunks) {
			t.Fatalf("rewrite: %v, %d of %d chunks", err, len(back), len(chunks))
		}
		for _, c := range chunks {
			if back[c.Keyword] != c.Text {
				t.Fatalf("chunk %q changed", c.Keyword)
			}
		}
	})
}

func FuzzReadEXIFUserComment(f *testing.F) {
	exif, _ := EXIFUserComment(sampleInfotext)
	f.Add(exif)
	jpg, _ := Encode(makePNG(f, 4, 4), "jpg", 80, "hello")
	f.Add(jpg)
	f.Add(webpWithEXIF(exif[6:]))
	f.Add(leEXIF([]byte("UNICODE\x00\x00h\x00i")))
	f.Add(leEXIF(unicodeComment(civitaiInfotext, binary.BigEndian)))
	f.Add(beEXIF(unicodeComment("猫が好きです", binary.LittleEndian)))
	f.Add(leEXIF(append(unicodeComment("a cat", binary.BigEndian), 'x')))
	f.Add(leEXIF(append([]byte("UNICODE\x00"), civitaiInfotext...)))
	f.Add(leEXIF(append([]byte("ASCII\x00\x00\x00"), utf16Bytes(civitaiInfotext, binary.LittleEndian)...)))
	f.Add(leEXIF([]byte("UNICODE\x00\xdc\xdd\xdc\xdd\xd8\x3d")))
	f.Add(leEXIF([]byte("ASCII\x00\x00\x00caf\xe9")))
	f.Fuzz(func(t *testing.T, data []byte) {
		uc, err := ReadEXIFUserComment(data) // must not panic
		if err != nil {
			return
		}
		// What comes back is text: valid UTF-8, and without impossible
		// characters unless a warning says so.
		if !utf8.ValidString(uc.Text) {
			t.Fatalf("invalid UTF-8 returned: %q", uc.Text)
		}
		if len(uc.Warnings) == 0 && uc.Encoding != EncodingUTF8 && badRunes([]rune(uc.Text)) > 0 {
			t.Fatalf("impossible characters without a warning: %q", uc.Text)
		}
	})
}
