package webui

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var pngMagic = base64.StdEncoding.EncodeToString([]byte("\x89PNG\r\n\x1a\nfake"))

func TestDecodeGenerationResponse(t *testing.T) {
	info := `{"seed": 7, "all_seeds": [7.0, 8], "width": 512.0, "height": 768, "sd_model_name": "m", "infotexts": ["a", "b"], "clip_skip": 2.0, "job_timestamp": "20240101120000", "new_key": {"x": 1}}`
	infoStr, _ := json.Marshal(info)
	tests := []struct {
		name      string
		body      string
		expect    bool
		wantErr   error
		wantKind  ErrorKind
		wantCount int
		check     func(t *testing.T, r *GenerationResponse)
	}{
		{name: "normal", body: `{"images":["` + pngMagic + `","data:image/png;base64,` + pngMagic + `"],"parameters":{"steps":20},"info":` + string(infoStr) + `}`,
			expect: true, wantCount: 2, check: func(t *testing.T, r *GenerationResponse) {
				assert.Equal(t, r.Images[0], r.Images[1], "data: prefix accepted")
				assert.Equal(t, int64(7), r.Info.Seed)
				assert.Equal(t, []int64{7, 8}, r.Info.AllSeeds)
				assert.Equal(t, 512, r.Info.Width)
				assert.Equal(t, 2, r.Info.ClipSkip)
				assert.Equal(t, []string{"a", "b"}, r.Info.Infotexts)
				assert.Contains(t, r.Info.Raw, "new_key", "unknown keys are kept in Raw")
				assert.Equal(t, 20.0, r.Parameters["steps"])
			}},
		{name: "python NaN in info and parameters", body: `{"images":["` + pngMagic + `"],"parameters":{"eta":NaN},"info":"{\"seed\": 1, \"x\": NaN, \"y\": -Infinity, \"s\": \"NaN stays\"}"}`,
			expect: true, wantCount: 1, check: func(t *testing.T, r *GenerationResponse) {
				assert.Nil(t, r.Parameters["eta"])
				assert.Equal(t, "NaN stays", r.Info.Raw["s"])
			}},
		{name: "info as object", body: `{"images":["` + pngMagic + `"],"info":{"seed":3}}`, expect: true, wantCount: 1,
			check: func(t *testing.T, r *GenerationResponse) { assert.Equal(t, int64(3), r.Info.Seed) }},
		{name: "unpadded base64", body: `{"images":["` + pngMagic[:len(pngMagic)-2] + `"]}`, expect: true, wantCount: 1},
		{name: "send_images false", body: `{"images":[],"info":"{}"}`, expect: false, wantCount: 0},
		{name: "empty images", body: `{"images":[],"info":"{}"}`, expect: true, wantKind: KindBadResponse, wantErr: ErrNoImages},
		{name: "null images", body: `{"images":null}`, expect: true, wantKind: KindBadResponse, wantErr: ErrNoImages},
		{name: "invalid base64", body: `{"images":["@@@"]}`, expect: true, wantKind: KindBadResponse, wantErr: ErrInvalidImage},
		{name: "image not a string", body: `{"images":[42]}`, expect: true, wantKind: KindBadResponse, wantErr: ErrInvalidImage},
		{name: "malformed JSON", body: `{"images": ["iVBOR`, expect: true, wantKind: KindBadResponse},
		{name: "not JSON", body: `<html>oops</html>`, expect: true, wantKind: KindBadResponse},
		{name: "array", body: `[1,2]`, expect: true, wantKind: KindBadResponse},
		{name: "info malformed", body: `{"images":["` + pngMagic + `"],"info":"{not json"}`, expect: true, wantKind: KindBadResponse},
		{name: "info wrong type", body: `{"images":["` + pngMagic + `"],"info":5}`, expect: true, wantKind: KindBadResponse},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := decodeGenerationResponse("txt2img", "/sdapi/v1/txt2img", []byte(tt.body), tt.expect)
			if tt.wantKind != KindUnknown {
				require.Error(t, err)
				assert.Nil(t, r)
				assert.Equal(t, tt.wantKind, KindOf(err), err.Error())
				if tt.wantErr != nil {
					assert.ErrorIs(t, err, tt.wantErr)
				}
				return
			}
			require.NoError(t, err)
			assert.Len(t, r.Images, tt.wantCount)
			if tt.check != nil {
				tt.check(t, r)
			}
		})
	}
}

func TestSanitizePythonJSON(t *testing.T) {
	in := `{"a": NaN, "b": [Infinity, -Infinity], "c": "NaN \"Infinity\"", "d": 1}`
	out, changed := sanitizePythonJSON([]byte(in))
	assert.True(t, changed)
	assert.JSONEq(t, `{"a": null, "b": [null, null], "c": "NaN \"Infinity\"", "d": 1}`, string(out))
	_, changed = sanitizePythonJSON([]byte(`{"a":1}`))
	assert.False(t, changed)
}

func TestProgressFromMapTolerant(t *testing.T) {
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(`{"progress":0.57,"eta_relative":3.21,"id":"x","state":{"job_count":2.0,"job_no":"1","sampling_step":10.0,"sampling_steps":20,"interrupted":false,"job_timestamp":"20240101000000"},"current_image":null,"textinfo":null}`), &m))
	p, preview := progressFromMap(m)
	assert.Equal(t, 2, p.State.JobCount)
	assert.Equal(t, 1, p.State.JobNo, "numeric strings are read")
	assert.Equal(t, 10, p.State.SamplingStep)
	assert.Equal(t, 0.57, p.Progress)
	assert.Empty(t, preview)
}

func TestRequestMarshal(t *testing.T) {
	r := NewTxt2ImgRequest("p", "n")
	r.OverrideSettings = map[string]any{"sd_vae": "None"}
	r.ClipSkip = 2
	r.Extra = map[string]any{"distilled_cfg_scale": 3.5}
	b, err := json.Marshal(r)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	assert.Equal(t, map[string]any{"sd_vae": "None", "CLIP_stop_at_last_layers": 2.0}, m["override_settings"])
	assert.Equal(t, map[string]any{"sd_vae": "None"}, r.OverrideSettings, "caller's map untouched")
	assert.Equal(t, 3.5, m["distilled_cfg_scale"])
	assert.NotContains(t, m, "ClipSkip")
	assert.NotContains(t, m, "refiner_model_name")

	// Pointer and value marshal the same.
	b2, err := json.Marshal(&r)
	require.NoError(t, err)
	assert.JSONEq(t, string(b), string(b2))
}

func TestDecodeImageErrors(t *testing.T) {
	for _, s := range []string{"", "data:image/png;base64", "data:,", "***"} {
		_, err := DecodeImage(s)
		assert.True(t, errors.Is(err, ErrInvalidImage), "%q: %v", s, err)
	}
}

// FuzzDecodeGenerationResponse checks that no reply body makes the decoder
// panic, and that a success always has decoded images when they are expected.
func FuzzDecodeGenerationResponse(f *testing.F) {
	seeds := []string{
		`{"images":["` + pngMagic + `"],"parameters":{},"info":"{\"seed\":1,\"all_seeds\":[1]}"}`,
		`{"images":["data:image/png;base64,` + pngMagic + `"],"info":"{\"seed\":NaN}"}`,
		`{"images":[],"info":""}`,
		`{"images":null,"parameters":null,"info":null}`,
		`{"images":["@@"]}`,
		`{"images":[1,{},[]],"info":{"seed":"x"}}`,
		`{"images": ["iVBOR`,
		`null`, `[]`, `""`, `{}`, `NaN`,
		`{"info":"{\"all_seeds\":[1e400, -1e400, \"7\"],\"width\":1e30}"}`,
	}
	for _, s := range seeds {
		f.Add([]byte(s), true)
		f.Add([]byte(s), false)
	}
	f.Fuzz(func(t *testing.T, body []byte, expect bool) {
		r, err := decodeGenerationResponse("txt2img", "/sdapi/v1/txt2img", body, expect)
		if err != nil {
			if r != nil {
				t.Fatalf("error %v with a response", err)
			}
			var e *Error
			if !errors.As(err, &e) || e.Kind != KindBadResponse {
				t.Fatalf("error is not a KindBadResponse *Error: %v", err)
			}
			return
		}
		if expect && len(r.Images) == 0 {
			t.Fatal("success without images")
		}
		for i, img := range r.Images {
			if len(img) == 0 {
				t.Fatalf("image %d empty", i)
			}
		}
	})
}
