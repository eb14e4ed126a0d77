package packs

import (
	"fmt"
	"strings"
	"testing"
)

// benchPack builds a realistic pack of n rows: a few prompt lines with tags
// and two neg: lines each.
func benchPack(n int) []byte {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "# row %d\n", i)
		b.WriteString("<embedding:ziprealism> (masterpiece) portrait of a [[job]] in [[place]], __weather__ sky,\n")
		b.WriteString("soft window light, 85mm lens, shallow depth of field, {red|blue|green} scarf\n")
		b.WriteString("<lora:add-detail-xl:0.6> <lora:film_grain:0.4> {lora:legacy:0.3}\n")
		b.WriteString("neg: <embedding:negativeXL_D>, blurry, lowres,\n")
		b.WriteString("neg: watermark, text, extra fingers\n\n")
	}
	return []byte(b.String())
}

func BenchmarkParsePack(b *testing.B) {
	data := benchPack(1000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		p, err := ParsePack(data, "bench.txt")
		if err != nil || len(p.Rows) != 1000 {
			b.Fatalf("%v, %d rows", err, len(p.Rows))
		}
	}
}

func BenchmarkParsePackTSV(b *testing.B) {
	var sb strings.Builder
	for i := 0; i < 1000; i++ {
		fmt.Fprintf(&sb, "portrait %d of a [[job]], __weather__ sky <lora:film_grain:0.4>\tblurry, lowres, watermark\n", i)
	}
	data := []byte(sb.String())
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParsePack(data, "bench.tsv"); err != nil {
			b.Fatal(err)
		}
	}
}
