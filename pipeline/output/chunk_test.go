package output

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

func TestStableNewChunkRoundTrip(t *testing.T) {
	c := &StableNewChunk{
		JobID: "3f2a9c1e", Pack: "Fantasy", PromptIndex: 3, Variant: 1, Batch: 0, ImageIndex: 2, Stage: "adetailer",
		SeedRequested: -1, SeedActual: 987654321, ConfigHash: "sha256:ab",
		Prompt: "猫 knight, <lora:x:0.5>", Negative: "blurry", Template: "[[job]] in __place__",
		Picks: map[string]string{"[job]": "knight", "__place__": "harbor"},
	}
	tc, err := c.TextChunk()
	if err != nil {
		t.Fatal(err)
	}
	if tc.Keyword != StableNewKeyword || !strings.HasPrefix(tc.Text, `{"schema":"stablenew/1",`) {
		t.Errorf("chunk %+v", tc)
	}
	png, err := AddPNGText(pngWithParameters(t, sampleInfotext), []TextChunk{tc})
	if err != nil {
		t.Fatal(err)
	}
	chunks, err := ReadPNGTextChunks(bytes.NewReader(png))
	if err != nil || len(chunks) != 2 || chunks[1].Type != "iTXt" {
		t.Fatalf("chunks %+v, %v (non-Latin-1 JSON should be iTXt)", chunks, err)
	}
	got, err := ParseStableNewChunk(chunks[1].Text)
	if err != nil {
		t.Fatal(err)
	}
	want := *c
	want.Schema = StableNewSchema
	if !reflect.DeepEqual(got, &want) {
		t.Errorf("got %+v\nwant %+v", got, &want)
	}
}

func TestStableNewChunkSchema(t *testing.T) {
	if _, err := (&StableNewChunk{Schema: "other/1"}).Marshal(); err == nil {
		t.Error("foreign schema marshalled")
	}
	tests := map[string]string{
		`{"schema":"stablenew/2","job_id":"x"}`: "schema",
		`{"job_id":"x"}`:                        "schema",
		`[1,2]`:                                 "not valid JSON",
		``:                                      "not valid JSON",
	}
	for in, substr := range tests {
		if _, err := ParseStableNewChunk(in); err == nil || !strings.Contains(err.Error(), substr) {
			t.Errorf("%q: err = %v", in, err)
		}
	}
	c, err := ParseStableNewChunk(`{"schema":"stablenew/1.1","job_id":"x","seed_actual":5,"future":true}`)
	if err != nil || c.JobID != "x" || c.SeedActual != 5 {
		t.Errorf("minor version: %+v, %v", c, err)
	}
}
