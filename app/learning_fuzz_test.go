package app

import (
	"encoding/json"
	"strings"
	"testing"

	"stablenew/controller"
	"stablenew/pipeline/grid"
	"stablenew/pipeline/output"
)

// gridImage is a small grid PNG whose chunk holds def.
func gridImage(t testing.TB, stage string, def []byte) []byte {
	t.Helper()
	c := output.StableNewChunk{Stage: stage, Experiment: def}
	tc, err := c.TextChunk()
	if err != nil {
		t.Fatal(err)
	}
	data, err := grid.Encode(&grid.Sheet{XValues: []string{"1"}, YValues: []string{""}, Seeds: []int64{1}, TileSize: 32,
		Tiles: [][][]grid.Tile{{{{Note: "queued"}}}}}, []output.TextChunk{tc})
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// ParseGridImage reads back what a grid carries and refuses the rest with
// a reason.
func TestParseGridImage(t *testing.T) {
	def, _ := json.Marshal(controller.Experiment{ID: "xold", Pack: "fox", Seeds: 2,
		Sweeps: []controller.Sweep{{Field: "txt2img.steps", Values: []string{"10", "20"}}}})
	exp, err := ParseGridImage(gridImage(t, GridStage, def))
	if err != nil {
		t.Fatal(err)
	}
	if exp.ID == "xold" || exp.Pack != "fox" || exp.Seeds != 2 || exp.Sweeps[0].Values[1] != "20" {
		t.Errorf("read back %+v", exp)
	}
	for name, tc := range map[string]struct {
		data []byte
		msg  string
	}{
		"not a PNG":      {[]byte("hello"), "not a PNG"},
		"a job's image":  {gridImage(t, "txt2img", nil), "not an experiment's grid"},
		"unknown field":  {gridImage(t, GridStage, []byte(`{"seeds":1,"sweeps":[{"field":"a.b","values":["1"]}],"colour":1}`)), "does not decode"},
		"no sweeps":      {gridImage(t, GridStage, []byte(`{"seeds":1,"sweeps":[]}`)), "not valid"},
		"too many seeds": {gridImage(t, GridStage, []byte(`{"seeds":1000,"sweeps":[{"field":"a.b","values":["1"]}]}`)), "not valid"},
	} {
		_, err := ParseGridImage(tc.data)
		if err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: got %v, want %q", name, err, tc.msg)
		}
	}
}

// FuzzParseGridImage: any bytes give an experiment or an error, never a
// panic.
func FuzzParseGridImage(f *testing.F) {
	def, _ := json.Marshal(controller.Experiment{Pack: "fox", Seeds: 2,
		Sweeps: []controller.Sweep{{Field: "txt2img.steps", Values: []string{"10", "20"}}}})
	f.Add(gridImage(f, GridStage, def))
	f.Add(gridImage(f, GridStage, []byte(`{"seeds":1,"sweeps":null,"base":{"config":{}}}`)))
	f.Add([]byte("\x89PNG\r\n\x1a\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		exp, err := ParseGridImage(data)
		if err == nil && (len(exp.Sweeps) == 0 || exp.Seeds < 1) {
			t.Fatalf("accepted an experiment without sweeps or seeds: %+v", exp)
		}
	})
}
