package infotext

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkParseInfotext parses a realistic SDXL infotext with ADetailer,
// hires and LoRA keys. The target is 10,000 images' parameters in under a
// second, i.e. under 100 µs per op.
func BenchmarkParseInfotext(b *testing.B) {
	raw, err := os.ReadFile(filepath.Join("testdata", "adetailer_two_units.txt"))
	if err != nil {
		b.Fatal(err)
	}
	text := string(raw)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(text); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFormatInfotext(b *testing.B) {
	raw, err := os.ReadFile(filepath.Join("testdata", "adetailer_two_units.txt"))
	if err != nil {
		b.Fatal(err)
	}
	p, err := Parse(string(raw))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = Format(p)
	}
}
