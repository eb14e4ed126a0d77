package packs

import (
	"reflect"
	"regexp"
	"testing"
)

func TestLoRATags(t *testing.T) {
	got := LoRATags("a <lora:film_grain:0.4> b <LORA:add detail> <lora:x:te=0.7:unet=0.2> <lora:y:bad> <lora::1>")
	want := []LoRATag{
		{Name: "film_grain", Weight: 0.4, Tag: "<lora:film_grain:0.4>"},
		{Name: "add detail", Weight: 1, Tag: "<LORA:add detail>"},
		{Name: "x", Weight: 0.7, Tag: "<lora:x:te=0.7:unet=0.2>"},
		{Name: "y", Weight: 1, Tag: "<lora:y:bad>"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("LoRATags\n got %+v\nwant %+v", got, want)
	}
}

func TestLoRAsAndEmbeddingsInPack(t *testing.T) {
	rows := []PromptRow{
		{Positive: "<embedding:my_pos> x <lora:film_grain:0.4> <lora:detail:0.6>", Negative: "<embedding:bad_hands>"},
		{Positive: "y <lora:film_grain:0.8> <lora:film_grain:0.4>", Negative: "<lora:neg_lora:-1> <embedding:my_pos>"},
		{Positive: "no tags"},
	}
	tests := []struct {
		name string
		got  []string
		want []string
	}{
		{"loras", LoRAsInPack(rows), []string{"film_grain (w=0.4, 0.8)", "detail (w=0.6)", "neg_lora (w=-1)"}},
		{"embeddings", EmbeddingsInPack(rows), []string{"my_pos", "bad_hands"}},
		{"no loras", LoRAsInPack(rows[2:]), []string{}},
		{"no embeddings", EmbeddingsInPack(nil), nil},
	}
	for _, tt := range tests {
		if !reflect.DeepEqual(tt.got, tt.want) {
			t.Errorf("%s: got %#v, want %#v", tt.name, tt.got, tt.want)
		}
	}
}

func TestRewriteLegacyLoRA(t *testing.T) {
	// The regexp states the rule; the hand-written rewrite must agree.
	oracle := regexp.MustCompile(`(?i)\{lora:([^{}|<>]+)\}`)
	tests := []struct{ in, want string }{
		{"x {lora:film:0.4} y", "x <lora:film:0.4> y"},
		{"{LORA:a}{Lora:b:1}", "<lora:a><lora:b:1>"},
		{"{lora:}", "{lora:}"},
		{"{lora:a|b}", "{lora:a|b}"},
		{"{lora:a:1", "{lora:a:1"},
		{"{{lora:a:1}}", "{<lora:a:1>}"},
		{"{lora:{lora:a}", "{lora:<lora:a>"},
		{"{lora:a<b}", "{lora:a<b}"},
		{"{lora", "{lora"},
		{"{lor:a}", "{lor:a}"},
		{"<lora:a:1>", "<lora:a:1>"},
		{"{lora:名前:0.5}", "<lora:名前:0.5>"},
		{"", ""},
	}
	for _, tt := range tests {
		got := rewriteLegacyLoRA(tt.in)
		if got != tt.want {
			t.Errorf("rewriteLegacyLoRA(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if o := oracle.ReplaceAllString(tt.in, "<lora:$1>"); o != got {
			t.Errorf("rewriteLegacyLoRA(%q) = %q, regexp gives %q", tt.in, got, o)
		}
	}
}
