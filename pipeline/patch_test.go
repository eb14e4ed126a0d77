package pipeline

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParsePatchAppliesOnlySetKeys(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
	}{
		{"yaml", "txt2img:\n  steps: 30\n  model: sdxl.safetensors\nhires:\n  enabled: true\n"},
		{"json", `{"txt2img": {"steps": 30, "model": "sdxl.safetensors"}, "hires": {"enabled": true}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := ParsePatch([]byte(tc.doc), "preset.yaml")
			require.NoError(t, err)
			base := Defaults()
			got, err := p.ApplyTo(base)
			require.NoError(t, err)
			want := Defaults()
			want.Txt2Img.Steps = 30
			want.Txt2Img.Model = "sdxl.safetensors"
			want.Hires.Enabled = true
			assert.Equal(t, want, got)
			assert.Equal(t, Defaults(), base, "ApplyTo must not change its base")
		})
	}
}

func TestParsePatchReportsEveryProblemWithPathAndLine(t *testing.T) {
	doc := "txt2img:\n  stepz: 30\n  cfg_scale: high\nhires:\n  denoise: [1]\nbogus: 1\n"
	_, err := ParsePatch([]byte(doc), "packs/x.yaml")
	require.Error(t, err)
	msg := err.Error()
	for _, want := range []string{
		"packs/x.yaml",
		"line 2: txt2img.stepz: unknown key",
		`line 3: txt2img.cfg_scale: must be a number, got "high"`,
		"line 5: hires.denoise: must be a single value, got a list",
		"line 6: bogus: unknown key",
	} {
		assert.Contains(t, msg, want)
	}
}

func TestParsePatchJSONErrorsNameTheLine(t *testing.T) {
	_, err := ParsePatch([]byte("{\n  \"txt2img\": {\n    \"steps\": 30,\n  }\n}"), "a.json")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "a.json: line 4")

	_, err = ParsePatch([]byte("{\"txt2img\": {\"steps\": 30}"), "b.json")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ends too early")
}

func TestParsePatchJSONAcceptsEscapesYAMLWouldNot(t *testing.T) {
	p, err := ParsePatch([]byte(`{"output": {"root": "a\/b\u00e9"}}`), "c.json")
	require.NoError(t, err)
	got, err := p.ApplyTo(Defaults())
	require.NoError(t, err)
	assert.Equal(t, "a/bé", got.Output.Root)
}

func TestParsePatchStrictScalars(t *testing.T) {
	for _, tc := range []struct{ doc, want string }{
		{"txt2img:\n  steps: 20.5\n", "must be a whole number"},
		{"txt2img:\n  steps: \"20\"\n", "must be a whole number"},
		{"txt2img:\n  enabled: yes\n", "must be true or false"},
		{"txt2img:\n  enabled: \"false\"\n", `must be true or false, got "false"`},
		{"hires:\n  enabled: 'True'\n", `must be true or false, got "True"`},
		{"txt2img:\n  seed: 99999999999999999999\n", "line 2: txt2img.seed: number 99999999999999999999 is too large"},
		{"txt2img:\n  cfg_scale: 1e999\n", "line 2: txt2img.cfg_scale: number 1e999 is too large"},
		{"txt2img:\n  cfg_scale: NaN\n", `line 2: txt2img.cfg_scale: must be a finite number, got "NaN"`},
		{"txt2img:\n  cfg_scale: .nan\n", "must be a finite number"},
		{"hires:\n  scale: Inf\n", `line 2: hires.scale: must be a finite number, got "Inf"`},
		{"hires:\n  scale: -Infinity\n", "must be a finite number"},
		{"upscale:\n  factor: -.inf\n", "must be a finite number"},
		{"upscale:\n  factor: +.INF\n", "must be a finite number"},
		{`{"refiner": {"switch_at": 1e400}}`, "refiner.switch_at: number 1e400 is too large"},
		{"randomizer:\n  sweeps:\n    cfg_scales: [5, nan]\n", "randomizer.sweeps.cfg_scales[1]: must be a finite number"},
		{"txt2img:\n  cfg_scale: \"7\"\n", "must be a number"},
		{"txt2img: 5\n", "must be a mapping"},
		{"- a\n- b\n", "must hold a mapping"},
		{"txt2img:\n  steps: 1\n  steps: 2\n", "key appears twice"},
	} {
		_, err := ParsePatch([]byte(tc.doc), "f.yaml")
		if assert.Error(t, err, tc.doc) {
			assert.Contains(t, err.Error(), tc.want, tc.doc)
		}
	}
}

func TestPatchNullKeepsBase(t *testing.T) {
	p, err := ParsePatch([]byte("txt2img:\n  model: ~\n  steps: 9\n"), "f.yaml")
	require.NoError(t, err)
	base := Defaults()
	base.Txt2Img.Model = "keep"
	got, err := p.ApplyTo(base)
	require.NoError(t, err)
	assert.Equal(t, "keep", got.Txt2Img.Model)
	assert.Equal(t, 9, got.Txt2Img.Steps)
}

func TestPatchListsStartFromElementDefaults(t *testing.T) {
	p, err := ParsePatch([]byte("lora_strengths:\n  - name: film_grain\nadetailer:\n  units:\n    - ad_confidence: 0.5\n    - ad_model: hand_yolov8n.pt\n"), "f.yaml")
	require.NoError(t, err)
	got, err := p.ApplyTo(Defaults())
	require.NoError(t, err)
	assert.Equal(t, []LoRAStrength{{Name: "film_grain", Strength: 1, Enabled: true}}, got.LoRAs)
	require.Len(t, got.ADetailer.Units, 2)
	assert.Equal(t, "face_yolov8n.pt", got.ADetailer.Units[0].Model, "unit 1 merges over the base unit")
	assert.Equal(t, 0.5, got.ADetailer.Units[0].Confidence)
	want2 := DefaultADetailerUnit()
	want2.Model = "hand_yolov8n.pt"
	assert.Equal(t, want2, got.ADetailer.Units[1], "a new unit starts from ADetailer's defaults")
}

func TestPatchFromConfigRoundTrip(t *testing.T) {
	c := Defaults()
	c.Txt2Img.Steps = 44
	c.Hires.Enabled = true
	c.Randomizer.Matrix.Slots = []MatrixSlot{{Name: "job", Values: []string{"a", "b"}}}
	got, err := PatchFromConfig(c, "stage cards").ApplyTo(PipelineConfig{})
	require.NoError(t, err)
	assert.Equal(t, c, got)

	onlyHires := PatchFromConfig(c, "stage cards", "hires")
	assert.Equal(t, []string{"hires"}, onlyHires.Keys())
	got, err = onlyHires.ApplyTo(Defaults())
	require.NoError(t, err)
	assert.True(t, got.Hires.Enabled)
	assert.Equal(t, 20, got.Txt2Img.Steps)
}

func TestSaveAndLoadConfigFile(t *testing.T) {
	dir := t.TempDir()
	c := Defaults()
	c.Txt2Img.Model = "sd_xl_base_1.0.safetensors [31e35c80fc]"
	c.Prompt.Positive = "a \"quoted\": value, with: colons"
	c.Randomizer.Sweeps.CFGScales = []float64{5, 6.5}
	for _, name := range []string{"p.yaml", "p.json"} {
		path := filepath.Join(dir, name)
		require.NoError(t, SaveConfigFile(path, c))
		p, err := LoadPatchFile(path)
		require.NoError(t, err, name)
		got, err := p.ApplyTo(PipelineConfig{})
		require.NoError(t, err, name)
		assert.Equal(t, c, got, name)
	}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 2, "no temporary files are left behind")
}

func TestCloneSharesNothing(t *testing.T) {
	c := Defaults()
	c.LoRAs = []LoRAStrength{{Name: "a", Strength: 1, Enabled: true}}
	c.Randomizer.Matrix.Slots = []MatrixSlot{{Name: "s", Values: []string{"x"}}}
	c.Randomizer.Sweeps.Steps = []int{10}
	d := c.Clone()
	require.Equal(t, c, d)
	d.ADetailer.Units[0].Model = "changed"
	d.LoRAs[0].Name = "changed"
	d.Randomizer.Matrix.Slots[0].Values[0] = "changed"
	d.Randomizer.Sweeps.Steps[0] = 99
	assert.Equal(t, "face_yolov8n.pt", c.ADetailer.Units[0].Model)
	assert.Equal(t, "a", c.LoRAs[0].Name)
	assert.Equal(t, "x", c.Randomizer.Matrix.Slots[0].Values[0])
	assert.Equal(t, 10, c.Randomizer.Sweeps.Steps[0])
	assert.Nil(t, PipelineConfig{}.Clone().LoRAs, "nil stays nil")
}

// Every field of PipelineConfig must be reachable from a file: the schema
// walker must know every yaml tag (a field without one could never be set).
func TestEveryFieldHasAYAMLKey(t *testing.T) {
	var walk func(tp reflect.Type, path string)
	walk = func(tp reflect.Type, path string) {
		for i := 0; i < tp.NumField(); i++ {
			f := tp.Field(i)
			y := f.Tag.Get("yaml")
			j := f.Tag.Get("json")
			if y == "" || y != j {
				t.Errorf("%s.%s: yaml tag %q and json tag %q must both be set and equal", path, f.Name, y, j)
			}
			ft := f.Type
			if ft.Kind() == reflect.Slice {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				walk(ft, path+"."+f.Name)
			}
		}
	}
	walk(reflect.TypeOf(PipelineConfig{}), "PipelineConfig")
}

func TestPatchErrorSingleProblemReadsAsOneLine(t *testing.T) {
	_, err := ParsePatch([]byte("txt2img:\n  nope: 1\n"), "f.yaml")
	require.Error(t, err)
	assert.False(t, strings.Contains(err.Error(), "\n"), err.Error())
}
