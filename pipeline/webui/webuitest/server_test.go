package webuitest

import (
	"bytes"
	"encoding/json"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// post sends a raw body and returns the status and decoded JSON reply.
func post(t *testing.T, srv *Server, path, body string) (int, map[string]any) {
	t.Helper()
	resp, err := http.Post(srv.URL()+path, "application/json", strings.NewReader(body))
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var m map[string]any
	if len(bytes.TrimSpace(raw)) > 0 && raw[0] == '{' {
		require.NoError(t, json.Unmarshal(raw, &m), string(raw))
	}
	return resp.StatusCode, m
}

func detail(m map[string]any) []map[string]any {
	list, _ := m["detail"].([]any)
	out := make([]map[string]any, len(list))
	for i, x := range list {
		out[i], _ = x.(map[string]any)
	}
	return out
}

func TestStrictValidation(t *testing.T) {
	tests := []struct {
		name    string
		path    string
		body    string
		wantLoc []any
		wantMsg string
		wantTyp string
	}{
		{"misspelt key", "/sdapi/v1/txt2img", `{"prompt":"x","sampler":"Euler"}`, []any{"body", "sampler"}, "extra fields not permitted", "value_error.extra"},
		{"refiner_model_name is not a field", "/sdapi/v1/txt2img", `{"refiner_model_name":"x"}`, []any{"body", "refiner_model_name"}, "extra fields not permitted", "value_error.extra"},
		{"clip_skip is not a field", "/sdapi/v1/txt2img", `{"clip_skip":2}`, []any{"body", "clip_skip"}, "extra fields not permitted", "value_error.extra"},
		{"hr key on img2img", "/sdapi/v1/img2img", `{"enable_hr":true}`, []any{"body", "enable_hr"}, "extra fields not permitted", "value_error.extra"},
		{"string steps", "/sdapi/v1/txt2img", `{"steps":"20"}`, []any{"body", "steps"}, "value is not a valid integer", "type_error.integer"},
		{"fractional width", "/sdapi/v1/txt2img", `{"width":512.5}`, []any{"body", "width"}, "value is not a valid integer", "type_error.integer"},
		{"number prompt", "/sdapi/v1/txt2img", `{"prompt":5}`, []any{"body", "prompt"}, "str type expected", "type_error.str"},
		{"string bool", "/sdapi/v1/txt2img", `{"enable_hr":"yes"}`, []any{"body", "enable_hr"}, "value could not be parsed to a boolean", "type_error.bool"},
		{"null send_images", "/sdapi/v1/txt2img", `{"send_images":null}`, []any{"body", "send_images"}, "none is not an allowed value", "type_error.none.not_allowed"},
		{"styles item", "/sdapi/v1/txt2img", `{"styles":["a",1]}`, []any{"body", "styles", 1.0}, "str type expected", "type_error.str"},
		{"override not dict", "/sdapi/v1/txt2img", `{"override_settings":[1]}`, []any{"body", "override_settings"}, "value is not a valid dict", "type_error.dict"},
		{"empty body", "/sdapi/v1/txt2img", ``, []any{"body"}, "field required", "value_error.missing"},
		{"array body", "/sdapi/v1/txt2img", `[1]`, []any{"body"}, "value is not a valid dict", "type_error.dict"},
		{"malformed body", "/sdapi/v1/txt2img", `{"a":`, []any{"body", 5.0}, "Expecting value: line 1 column 6 (char 5)", "value_error.jsondecode"},
		{"extras typo", "/sdapi/v1/extra-single-image", `{"upscaler":"Lanczos"}`, []any{"body", "upscaler"}, "extra fields not permitted", "value_error.extra"},
		{"unknown sampler", "/sdapi/v1/txt2img", `{"sampler_name":"Euler A"}`, []any{"body", "sampler_name"}, "unknown sampler 'Euler A' (the real WebUI silently uses DPM++ 2M)", "value_error"},
		{"hires without denoise", "/sdapi/v1/txt2img", `{"sampler_name":"Euler","enable_hr":true}`, []any{"body", "denoising_strength"}, "denoising_strength is required when enable_hr is true (the API's default is null)", "value_error"},
		{"adetailer without booleans", "/sdapi/v1/txt2img", `{"sampler_name":"Euler","alwayson_scripts":{"ADetailer":{"args":[{"ad_model":"face_yolov8n.pt"}]}}}`,
			[]any{"body", "alwayson_scripts", "ADetailer", "args"}, "ADetailer args must start with two booleans [ad_enable, skip_img2img]", "value_error"},
		{"adetailer old key", "/sdapi/v1/txt2img", `{"sampler_name":"Euler","alwayson_scripts":{"adetailer":{"args":[true,false,{"ad_model":"face_yolov8n.pt","ad_mask_k_largest":1}]}}}`,
			[]any{"body", "alwayson_scripts", "adetailer", "args", 2.0, "ad_mask_k_largest"}, "extra fields not permitted", "value_error.extra"},
		{"adetailer is_api", "/sdapi/v1/txt2img", `{"sampler_name":"Euler","alwayson_scripts":{"ADetailer":{"args":[true,false,{"ad_model":"face_yolov8n.pt","is_api":true}]}}}`,
			[]any{"body", "alwayson_scripts", "ADetailer", "args", 2.0, "is_api"}, "extra fields not permitted", "value_error.extra"},
		{"adetailer out of range", "/sdapi/v1/txt2img", `{"sampler_name":"Euler","alwayson_scripts":{"ADetailer":{"args":[true,false,{"ad_model":"face_yolov8n.pt","ad_confidence":1.2}]}}}`,
			[]any{"body", "alwayson_scripts", "ADetailer", "args", 2.0, "ad_confidence"}, "ensure this value is less than or equal to 1.0", "value_error"},
		{"adetailer zero steps", "/sdapi/v1/txt2img", `{"sampler_name":"Euler","alwayson_scripts":{"ADetailer":{"args":[true,false,{"ad_model":"None","ad_steps":0}]}}}`,
			[]any{"body", "alwayson_scripts", "ADetailer", "args", 2.0, "ad_steps"}, "ensure this value is greater than 0.0", "value_error"},
		{"adetailer enum", "/sdapi/v1/txt2img", `{"sampler_name":"Euler","alwayson_scripts":{"ADetailer":{"args":[true,false,{"ad_model":"None","ad_mask_merge_invert":"merge"}]}}}`,
			[]any{"body", "alwayson_scripts", "ADetailer", "args", 2.0, "ad_mask_merge_invert"}, "unexpected value; permitted: 'None', 'Merge', 'Merge and Invert'", "value_error"},
		{"adetailer too many units", "/sdapi/v1/txt2img", `{"sampler_name":"Euler","alwayson_scripts":{"ADetailer":{"args":[true,false,{},{},{},{},{}]}}}`,
			[]any{"body", "alwayson_scripts", "ADetailer", "args"}, "5 units but ad_max_models is 4", "value_error"},
		{"bad progress query", "/sdapi/v1/progress?skip_current_image=maybe", "", []any{"query", "skip_current_image"}, "value could not be parsed to a boolean", "type_error.bool"},
	}
	srv := New(Options{})
	t.Cleanup(srv.Close)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var status int
			var m map[string]any
			if strings.HasPrefix(tt.path, "/sdapi/v1/progress") {
				resp, err := http.Get(srv.URL() + tt.path)
				require.NoError(t, err)
				defer resp.Body.Close()
				status = resp.StatusCode
				require.NoError(t, json.NewDecoder(resp.Body).Decode(&m))
			} else {
				status, m = post(t, srv, tt.path, tt.body)
			}
			require.Equal(t, http.StatusUnprocessableEntity, status, "%v", m)
			d := detail(m)
			require.NotEmpty(t, d, "%v", m)
			assert.Equal(t, map[string]any{"loc": tt.wantLoc, "msg": tt.wantMsg, "type": tt.wantTyp}, d[0])
		})
	}
}

func TestForgeValidationShape(t *testing.T) {
	srv := New(Options{Flavor: FlavorForge})
	t.Cleanup(srv.Close)
	status, m := post(t, srv, "/sdapi/v1/txt2img", `{"stepz":3}`)
	require.Equal(t, 422, status)
	d := detail(m)[0]
	assert.Equal(t, "extra_forbidden", d["type"])
	assert.Equal(t, "Extra inputs are not permitted", d["msg"])
	assert.Equal(t, 3.0, d["input"])
	assert.Contains(t, d, "url")
}

func TestRealErrorShapes(t *testing.T) {
	tests := []struct {
		name, path, body string
		status           int
		want             map[string]any
	}{
		{"unknown script", "/sdapi/v1/txt2img", `{"sampler_name":"Euler","alwayson_scripts":{"Dynamic Prompts":{"args":[]}}}`, 422,
			map[string]any{"error": "HTTPException", "detail": "Script 'Dynamic Prompts' not found", "body": "", "errors": ""}},
		{"script_name", "/sdapi/v1/txt2img", `{"sampler_name":"Euler","script_name":"x/y/z plot"}`, 422,
			map[string]any{"error": "HTTPException", "detail": "Script 'x/y/z plot' not found", "body": "", "errors": ""}},
		{"null prompt", "/sdapi/v1/txt2img", `{"prompt":null}`, 500,
			map[string]any{"error": "AssertionError", "detail": "", "body": "", "errors": ""}},
		{"unknown override key", "/sdapi/v1/txt2img", `{"sampler_name":"Euler","override_settings":{"bogus_key":1}}`, 500,
			map[string]any{"error": "KeyError", "detail": "", "body": "", "errors": "'bogus_key'"}},
		{"unknown hires upscaler", "/sdapi/v1/txt2img", `{"sampler_name":"Euler","enable_hr":true,"denoising_strength":0.3,"hr_upscaler":"Foo"}`, 500,
			map[string]any{"error": "Exception", "detail": "", "body": "", "errors": "could not find upscaler named Foo"}},
		{"unknown refiner", "/sdapi/v1/txt2img", `{"sampler_name":"Euler","refiner_checkpoint":"nope","refiner_switch_at":0.8}`, 500,
			map[string]any{"error": "Exception", "detail": "", "body": "", "errors": "Could not find checkpoint with name nope"}},
		{"no init image", "/sdapi/v1/img2img", `{"sampler_name":"Euler"}`, 404,
			map[string]any{"error": "HTTPException", "detail": "Init image not found", "body": "", "errors": ""}},
		{"bad init image", "/sdapi/v1/img2img", `{"sampler_name":"Euler","init_images":["nope"]}`, 500,
			map[string]any{"error": "HTTPException", "detail": "Invalid encoded image", "body": "", "errors": ""}},
		{"unknown extras upscaler", "/sdapi/v1/extra-single-image", `{"upscaler_1":"Foo","image":"` + b64(mustPNG(t, 4, 4)) + `"}`, 500,
			map[string]any{"error": "AssertionError", "detail": "", "body": "", "errors": "could not find upscaler named Foo"}},
		{"unknown checkpoint", "/sdapi/v1/options", `{"sd_model_checkpoint":"x"}`, 500,
			map[string]any{"error": "RuntimeError", "detail": "", "body": "", "errors": "model 'x' not found"}},
		{"route 404", "/sdapi/v1/nope", `{}`, 404, map[string]any{"detail": "Not Found"}},
		{"method 405", "/sdapi/v1/sd-models", `{}`, 405, map[string]any{"detail": "Method Not Allowed"}},
	}
	srv := New(Options{})
	t.Cleanup(srv.Close)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, m := post(t, srv, tt.path, tt.body)
			assert.Equal(t, tt.status, status)
			assert.Equal(t, tt.want, m)
		})
	}
}

func mustPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	b, err := RenderPNG(w, h, color.NRGBA{R: 10, G: 20, B: 30, A: 255}, "")
	require.NoError(t, err)
	return b
}

func TestAuthShapeAndScope(t *testing.T) {
	srv := New(Options{Auth: "u:p,v:q"})
	t.Cleanup(srv.Close)
	resp, err := http.Get(srv.URL() + "/sdapi/v1/sd-models")
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&m))
	resp.Body.Close()
	assert.Equal(t, 401, resp.StatusCode)
	assert.Equal(t, "Basic", resp.Header.Get("WWW-Authenticate"))
	assert.Equal(t, "Not authenticated", m["detail"])

	req, _ := http.NewRequest(http.MethodGet, srv.URL()+"/sdapi/v1/sd-models", nil)
	req.SetBasicAuth("v", "q")
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 200, resp.StatusCode, "second credential pair works")
	for _, p := range []string{"/sdapi/v1/loras", "/adetailer/v1/version", "/internal/ping"} {
		resp, err := http.Get(srv.URL() + p)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, 200, resp.StatusCode, p)
	}
}

func TestGenerationImagesAndInfo(t *testing.T) {
	srv := New(Options{Seed: 1})
	t.Cleanup(srv.Close)
	status, m := post(t, srv, "/sdapi/v1/txt2img", `{"prompt":"a cat, sitting","negative_prompt":"dog","sampler_name":"DPM++ 2M Karras","steps":12,"width":96,"height":64,"seed":-1,"batch_size":2,"cfg_scale":5.5,
		"override_settings":{"CLIP_stop_at_last_layers":2,"sd_model_checkpoint":"v1-5-pruned-emaonly"},"enable_hr":true,"hr_resize_x":192,"denoising_strength":0.5,"hr_upscaler":"Latent"}`)
	require.Equal(t, 200, status, "%v", m)
	images := m["images"].([]any)
	require.Len(t, images, 2)
	var info map[string]any
	require.NoError(t, json.Unmarshal([]byte(m["info"].(string)), &info))
	seeds := info["all_seeds"].([]any)
	assert.Equal(t, seeds[0].(float64)+1, seeds[1].(float64))
	assert.Less(t, seeds[0].(float64), 4294967294.0)
	assert.Equal(t, "v1-5-pruned-emaonly", info["sd_model_name"])
	assert.Equal(t, "6ce0161689", info["sd_model_hash"])
	assert.Equal(t, 2.0, info["clip_skip"])
	assert.Equal(t, 96.0, info["width"])
	assert.Equal(t, 2, srv.ModelSwitches(), "override loads the model and restores it afterwards")
	assert.Equal(t, "sd_xl_base_1.0.safetensors [31e35c80fc]", srv.CurrentModel())

	png, err := decodeB64(images[1].(string))
	require.NoError(t, err)
	texts, err := PNGText(png)
	require.NoError(t, err)
	want := "a cat, sitting\nNegative prompt: dog\nSteps: 12, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 5.5, Seed: " +
		formatValue(int64(seeds[1].(float64))) + ", Size: 96x64, Model hash: 6ce0161689, Model: v1-5-pruned-emaonly, Denoising strength: 0.5, Clip skip: 2, Hires resize: 192x128, Hires upscaler: Latent, Version: v1.10.1"
	assert.Equal(t, want, texts["parameters"])
	_, cfg, err := decodeB64Image(images[0].(string))
	require.NoError(t, err)
	assert.Equal(t, [2]int{192, 128}, [2]int{cfg.Width, cfg.Height}, "hr_resize_x keeps the aspect ratio")
	params := m["parameters"].(map[string]any)
	assert.Equal(t, "Euler", params["sampler_index"])
	assert.Equal(t, true, params["do_not_save_samples"])
}

func decodeB64(s string) ([]byte, error) {
	b, _, err := decodeB64Image(s)
	return b, err
}

func TestInfotextQuotingAndParse(t *testing.T) {
	text := infotext("line one\nline two", "bad, ugly", []kv{
		{"Steps", 20}, {"Sampler", "Euler a"}, {"CFG scale", 7.0}, {"Lora hashes", "a: 1, b: 2"}, {"Skipped", nil}, {"Flag", true},
	})
	assert.Equal(t, "line one\nline two\nNegative prompt: bad, ugly\nSteps: 20, Sampler: Euler a, CFG scale: 7.0, Lora hashes: \"a: 1, b: 2\", Flag: True", text)
	p := ParseInfotext(text)
	assert.Equal(t, "line one\nline two", p["Prompt"])
	assert.Equal(t, "bad, ugly", p["Negative prompt"])
	assert.Equal(t, "a: 1, b: 2", p["Lora hashes"])
	assert.Equal(t, "7.0", p["CFG scale"])
	assert.Equal(t, "1", p["Clip skip"], "defaults for absent keys")
	assert.Equal(t, "GPU", p["RNG"])
}

func TestNonLatin1InfotextUsesITXt(t *testing.T) {
	b, err := RenderPNG(4, 4, color.NRGBA{A: 255}, "猫, neko\nSteps: 1, Sampler: Euler, Seed: 1")
	require.NoError(t, err)
	assert.True(t, bytes.Contains(b, []byte("iTXt")))
	texts, err := PNGText(b)
	require.NoError(t, err)
	assert.Equal(t, "猫, neko\nSteps: 1, Sampler: Euler, Seed: 1", texts["parameters"])
	b, err = RenderPNG(4, 4, color.NRGBA{A: 255}, "café")
	require.NoError(t, err)
	assert.True(t, bytes.Contains(b, []byte("tEXt")))
	texts, _ = PNGText(b)
	assert.Equal(t, "café", texts["parameters"])
}

func TestQueueSerializesGenerations(t *testing.T) {
	srv := New(Options{StepDuration: 5 * time.Millisecond})
	t.Cleanup(srv.Close)
	body := `{"sampler_name":"Euler","steps":10,"width":16,"height":16}`
	results := make(chan int, 3)
	start := time.Now()
	for range 3 {
		go func() {
			resp, err := http.Post(srv.URL()+"/sdapi/v1/txt2img", "application/json", strings.NewReader(body))
			if err != nil {
				results <- 0
				return
			}
			resp.Body.Close()
			results <- resp.StatusCode
		}()
	}
	for range 3 {
		assert.Equal(t, 200, <-results)
	}
	// Each job samples for 50ms; one at a time they cannot finish sooner.
	assert.GreaterOrEqual(t, time.Since(start), 150*time.Millisecond)
	assert.Equal(t, 3, srv.RequestCount("txt2img"))
}

func TestFaultCountsAndClear(t *testing.T) {
	srv := New(Options{})
	t.Cleanup(srv.Close)
	srv.InjectFault("samplers", Fault{Kind: FaultServerError, Count: 2})
	srv.InjectFault("samplers", Fault{Kind: FaultUnavailable, Count: 1})
	var got []int
	for range 4 {
		resp, err := http.Get(srv.URL() + "/sdapi/v1/samplers")
		require.NoError(t, err)
		resp.Body.Close()
		got = append(got, resp.StatusCode)
	}
	assert.Equal(t, []int{500, 500, 503, 200}, got)
	srv.InjectFault("samplers", Fault{Kind: FaultServerError})
	for range 2 {
		resp, err := http.Get(srv.URL() + "/sdapi/v1/samplers")
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, 500, resp.StatusCode, "Count 0 lasts until ClearFaults")
	}
	srv.ClearFaults()
	resp, err := http.Get(srv.URL() + "/sdapi/v1/samplers")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, "server-error", FaultServerError.String())
}

func TestAllowListsCoverTheRealFields(t *testing.T) {
	assert.Contains(t, Txt2ImgFields(), "hr_negative_prompt")
	assert.Contains(t, Txt2ImgFields(), "refiner_switch_at")
	assert.NotContains(t, Txt2ImgFields(), "init_images")
	assert.Contains(t, Img2ImgFields(), "inpaint_full_res_padding")
	assert.NotContains(t, Img2ImgFields(), "hr_scale")
	assert.Contains(t, ExtrasFields(), "upscaling_resize_w")
	assert.Len(t, adKeys, 42)
}

func TestRenderPhotoPNGIsPhotoSizedAndDecodes(t *testing.T) {
	b, err := RenderPhotoPNG(256, 128, "a cat\nSteps: 1, Sampler: Euler, Seed: 1")
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if got := img.Bounds().Size(); got.X != 256 || got.Y != 128 {
		t.Fatalf("size %v", got)
	}
	if len(b) < 256*128*3/4 {
		t.Fatalf("a photo-sized PNG of 256×128 should not compress to %d bytes", len(b))
	}
}
