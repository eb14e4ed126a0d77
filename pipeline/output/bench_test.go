package output

import (
	"testing"
)

func BenchmarkRenderTemplate(b *testing.B) {
	tp := mustParseTemplate("{date}_{pack}/{stage}_p{prompt_index:02}_v{variant:02}_{prompt_words:6}_{seed}")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tp.Render(sampleValues); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkResolvePath(b *testing.B) {
	folder := mustParseTemplate("{date}_{pack}/{stage}")
	file := mustParseTemplate("p{prompt_index:02}_v{variant:02}_{seed}")
	root := b.TempDir()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ResolvePath(root, folder, file, sampleValues, "png"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAddPNGText adds the stablenew chunk to a 1024×1024 PNG.
func BenchmarkAddPNGText(b *testing.B) {
	png, err := AddPNGText(makeNoisyPNG(b, 1024, 1024), []TextChunk{{Keyword: "parameters", Text: sampleInfotext}})
	if err != nil {
		b.Fatal(err)
	}
	tc, err := (&StableNewChunk{JobID: "3f2a9c1e", Stage: "txt2img", SeedActual: 1, Prompt: "a portrait"}).TextChunk()
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(png)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := AddPNGText(png, []TextChunk{tc}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadPNGText(b *testing.B) {
	png, _ := AddPNGText(makeNoisyPNG(b, 1024, 1024), []TextChunk{{Keyword: "parameters", Text: sampleInfotext}})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ReadPNGText(bytesReader(png)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEncodeWebP converts a 1024×1024 render from PNG to WebP at
// quality 80 with its infotext, as a job saving WebP does.
func BenchmarkEncodeWebP(b *testing.B) {
	in := makeNoisyPNG(b, 1024, 1024)
	for b.Loop() {
		if _, err := Encode(in, "webp", 80, "a cat\nSteps: 20"); err != nil {
			b.Fatal(err)
		}
	}
}
