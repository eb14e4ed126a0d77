package webui_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stablenew/pipeline/webui"
	"stablenew/pipeline/webui/webuitest"
)

// coreKeys are always sent by the client.
var coreKeys = []string{"batch_size", "cfg_scale", "height", "n_iter", "negative_prompt", "prompt",
	"sampler_name", "scheduler", "seed", "steps", "width"}

func TestTxt2ImgSendsExactKeys(t *testing.T) {
	denoise := 0.35
	tests := []struct {
		name  string
		build func() webui.Txt2ImgRequest
		want  []string // besides coreKeys
	}{
		{"minimal with zero seed", func() webui.Txt2ImgRequest {
			r := webui.NewTxt2ImgRequest("", "")
			r.Seed = 0
			return r
		}, nil},
		{"hires, clip skip, refiner, adetailer", func() webui.Txt2ImgRequest {
			r := webui.NewTxt2ImgRequest("portrait", "blurry")
			r.EnableHires("Latent", 2, 0.3, 10)
			r.HRCheckpointName = "sd_xl_base_1.0.safetensors"
			r.HRSamplerName = "Euler"
			r.ClipSkip = 2
			r.RefinerCheckpoint = "sd_xl_refiner_1.0.safetensors [7440042bbd]"
			r.RefinerSwitchAt = 0.8
			r.AlwaysOnScripts = webui.ADetailerScript(true, false, webui.NewADetailerUnit("face_yolov8n.pt"))
			return r
		}, []string{"alwayson_scripts", "denoising_strength", "enable_hr", "hr_checkpoint_name", "hr_sampler_name",
			"hr_scale", "hr_second_pass_steps", "hr_upscaler", "override_settings", "refiner_checkpoint", "refiner_switch_at"}},
		{"txt2img denoise without hires, send_images false", func() webui.Txt2ImgRequest {
			r := webui.NewTxt2ImgRequest("x", "")
			r.DenoisingStrength = &denoise
			no := false
			r.SendImages = &no
			sub := int64(0)
			r.Subseed = &sub
			r.SubseedStrength = 0.1
			return r
		}, []string{"denoising_strength", "send_images", "subseed", "subseed_strength"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, c, _ := newFake(t, webuitest.Options{})
			_, err := c.Txt2Img(ctxT(t), tt.build())
			require.NoError(t, err)
			reqs := srv.Requests("txt2img")
			require.Len(t, reqs, 1)
			want := append(append([]string{}, coreKeys...), tt.want...)
			assert.ElementsMatch(t, want, keysOf(reqs[0]))
		})
	}
}

func TestTxt2ImgHiresRoundTrip(t *testing.T) {
	srv, c, _ := newFake(t, webuitest.Options{})
	req := webui.NewTxt2ImgRequest("a castle", "lowres")
	req.Width, req.Height = 256, 192
	req.Seed = 1000
	req.EnableHires("R-ESRGAN 4x+", 2, 0.4, 5)
	req.ClipSkip = 2
	unit := webui.NewADetailerUnit("face_yolov8n.pt")
	unit.Prompt = "detailed face"
	req.AlwaysOnScripts = webui.ADetailerScript(true, false, unit)
	resp, err := c.Txt2Img(ctxT(t), req)
	require.NoError(t, err)

	sent := srv.Requests("txt2img")[0]
	assert.Equal(t, map[string]any{"CLIP_stop_at_last_layers": 2.0}, sent["override_settings"])
	assert.Nil(t, req.OverrideSettings, "the caller's request is not modified")
	args := sent["alwayson_scripts"].(map[string]any)["ADetailer"].(map[string]any)["args"].([]any)
	require.Len(t, args, 3)
	assert.Equal(t, true, args[0])
	assert.Equal(t, false, args[1])
	assert.NotContains(t, args[2], "is_api")

	require.Len(t, resp.Images, 1)
	w, h := decodePNG(t, resp.Images[0])
	assert.Equal(t, [2]int{512, 384}, [2]int{w, h}, "hires doubles the size")
	assert.Equal(t, 256, resp.Info.Width, "info has the first-pass size")
	assert.Equal(t, int64(1000), resp.Info.Seed)
	assert.Equal(t, []int64{1000}, resp.Info.AllSeeds)
	assert.Equal(t, "sd_xl_base_1.0", resp.Info.SDModelName)
	assert.Equal(t, "31e35c80fc", resp.Info.SDModelHash)
	assert.Equal(t, "v1.10.1", resp.Info.Version)
	assert.Equal(t, 2, resp.Info.ClipSkip)
	assert.Len(t, resp.Info.JobTimestamp, 14)
	require.Len(t, resp.Info.Infotexts, 1)
	text := resp.Info.Infotexts[0]
	for _, part := range []string{"a castle\nNegative prompt: lowres\nSteps: 20, Sampler: Euler a, Schedule type: Automatic, CFG scale: 7.0, Seed: 1000, Size: 256x192",
		"Denoising strength: 0.4", "Clip skip: 2", "ADetailer model: face_yolov8n.pt", "ADetailer prompt: detailed face",
		"ADetailer version: 25.3.0", "Hires upscale: 2.0, Hires steps: 5, Hires upscaler: R-ESRGAN 4x+", "Version: v1.10.1"} {
		assert.Contains(t, text, part)
	}
	texts, err := webuitest.PNGText(resp.Images[0])
	require.NoError(t, err)
	assert.Equal(t, text, texts["parameters"], "the PNG carries the infotext")
	assert.Equal(t, 0.4, resp.Parameters["denoising_strength"])
	assert.Equal(t, 20.0, resp.Parameters["steps"], "parameters echo the request")
	assert.Equal(t, "Euler", resp.Parameters["sampler_index"], "parameters fill in defaults")
}

func TestTxt2ImgBatchSeedsAndColours(t *testing.T) {
	_, c, _ := newFake(t, webuitest.Options{})
	req := webui.NewTxt2ImgRequest("x", "")
	req.Width, req.Height = 64, 64
	req.Seed = 100
	req.BatchSize, req.NIter = 2, 2
	resp, err := c.Txt2Img(ctxT(t), req)
	require.NoError(t, err)
	require.Len(t, resp.Images, 4)
	assert.Equal(t, []int64{100, 101, 102, 103}, resp.Info.AllSeeds)
	assert.False(t, bytes.Equal(resp.Images[0], resp.Images[1]), "different seeds give different images")

	req.Seed = -1
	resp, err = c.Txt2Img(ctxT(t), req)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, resp.Info.Seed, int64(0))
	assert.Equal(t, resp.Info.Seed+3, resp.Info.AllSeeds[3])
}

func TestImg2ImgTakesSizeFromInitImage(t *testing.T) {
	srv, c, _ := newFake(t, webuitest.Options{})
	req := webui.NewImg2ImgRequest("x", "", solidPNG(t, 320, 200))
	resp, err := c.Img2Img(ctxT(t), req)
	require.NoError(t, err)
	sent := srv.Requests("img2img")[0]
	assert.ElementsMatch(t, append(append([]string{}, coreKeys...), "init_images", "denoising_strength", "inpaint_full_res"), keysOf(sent))
	assert.Equal(t, 320.0, sent["width"])
	assert.Equal(t, 200.0, sent["height"])
	assert.Equal(t, false, sent["inpaint_full_res"], "whole picture, not the API's surprising default")
	w, h := decodePNG(t, resp.Images[0])
	assert.Equal(t, [2]int{320, 200}, [2]int{w, h})
	assert.Contains(t, resp.Info.Infotexts[0], "Denoising strength: 0.3")
	assert.Nil(t, resp.Parameters["init_images"], "init images are not echoed")
}

func TestImg2ImgInpaintKeys(t *testing.T) {
	srv, c, _ := newFake(t, webuitest.Options{})
	req := webui.NewImg2ImgRequest("x", "", solidPNG(t, 64, 64))
	req.Mask = webui.EncodeImage(solidPNG(t, 64, 64))
	blur := 0
	req.MaskBlur = &blur
	req.InpaintingFill = 1
	req.InpaintFullRes = true
	req.InpaintFullResPadding = 32
	req.ResizeMode = 1
	req.Width, req.Height = 128, 96
	resp, err := c.Img2Img(ctxT(t), req)
	require.NoError(t, err)
	sent := srv.Requests("img2img")[0]
	for _, k := range []string{"mask", "mask_blur", "inpainting_fill", "inpaint_full_res", "inpaint_full_res_padding", "resize_mode"} {
		assert.Contains(t, sent, k)
	}
	assert.Equal(t, 0.0, sent["mask_blur"], "a zero mask blur is sent")
	w, h := decodePNG(t, resp.Images[0])
	assert.Equal(t, [2]int{128, 96}, [2]int{w, h})
	assert.Contains(t, resp.Info.Infotexts[0], "Mask blur: 0, Inpaint area: Only masked")
}

func TestExtraSingleImage(t *testing.T) {
	tests := []struct {
		name       string
		req        webui.ExtrasRequest
		wantW      int
		wantH      int
		wantKeys   []string
		wantInInfo string
	}{
		{"scale by 2", webui.ExtrasRequest{UpscalingResize: 2, Upscaler1: "R-ESRGAN 4x+"}, 200, 100,
			[]string{"image", "resize_mode", "upscaler_1", "upscaling_resize"}, "Postprocess upscale by: 2.0"},
		{"to size", webui.ExtrasRequest{ResizeMode: 1, UpscalingResizeW: 300, UpscalingResizeH: 120, Upscaler1: "Lanczos", CodeformerVisibility: 0.5, CodeformerWeight: 0.5},
			300, 120, []string{"image", "resize_mode", "upscaler_1", "upscaling_resize_w", "upscaling_resize_h", "codeformer_visibility", "codeformer_weight"},
			"Postprocess upscale to: 300x120"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, c, _ := newFake(t, webuitest.Options{})
			tt.req.Image = webui.EncodeImage(solidPNG(t, 100, 50))
			resp, err := c.ExtraSingleImage(ctxT(t), tt.req)
			require.NoError(t, err)
			w, h := decodePNG(t, resp.Image)
			assert.Equal(t, [2]int{tt.wantW, tt.wantH}, [2]int{w, h})
			assert.Contains(t, resp.HTMLInfo, tt.wantInInfo)
			assert.ElementsMatch(t, tt.wantKeys, keysOf(srv.Requests("extra-single-image")[0]))
		})
	}
}

func TestClientSideValidation(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(r *webui.Txt2ImgRequest)
		field  string
	}{
		{"hires without denoise", func(r *webui.Txt2ImgRequest) { r.EnableHR = true; r.HRScale = 2 }, "denoising_strength"},
		{"zero steps", func(r *webui.Txt2ImgRequest) { r.Steps = 0 }, "steps"},
		{"no sampler", func(r *webui.Txt2ImgRequest) { r.SamplerName = "" }, "sampler_name"},
		{"zero width", func(r *webui.Txt2ImgRequest) { r.Width = 0 }, "width"},
		{"refiner without switch", func(r *webui.Txt2ImgRequest) { r.RefinerCheckpoint = "x" }, "refiner_switch_at"},
		{"clip skip 13", func(r *webui.Txt2ImgRequest) { r.ClipSkip = 13 }, "override_settings"},
		{"extra repeats typed key", func(r *webui.Txt2ImgRequest) { r.Extra = map[string]any{"steps": 3} }, "steps"},
		{"adetailer without booleans", func(r *webui.Txt2ImgRequest) {
			r.AlwaysOnScripts = map[string]any{"ADetailer": map[string]any{"args": []any{webui.NewADetailerUnit("face_yolov8n.pt")}}}
		}, "alwayson_scripts.ADetailer.args"},
		{"adetailer unit out of range", func(r *webui.Txt2ImgRequest) {
			u := webui.NewADetailerUnit("face_yolov8n.pt")
			u.Confidence = 1.5
			r.AlwaysOnScripts = webui.ADetailerScript(true, false, u)
		}, "alwayson_scripts.ADetailer.args.2"},
		{"adetailer map unit with unknown key", func(r *webui.Txt2ImgRequest) {
			r.AlwaysOnScripts = map[string]any{"adetailer": map[string]any{"args": []any{true, false, map[string]any{"ad_mask_k_largest": 1}}}}
		}, "alwayson_scripts.adetailer.args.2.ad_mask_k_largest"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, c, _ := newFake(t, webuitest.Options{})
			req := webui.NewTxt2ImgRequest("x", "")
			tt.mutate(&req)
			_, err := c.Txt2Img(ctxT(t), req)
			e := requireKind(t, err, webui.KindValidation)
			assert.Zero(t, e.Status, "rejected before sending")
			require.NotEmpty(t, e.Fields)
			assert.Equal(t, tt.field, e.Fields[0].Field())
			assert.Zero(t, srv.RequestCount("txt2img"))
		})
	}
}

func TestFakeRejectsMisspeltKeyAndClientSurfacesFields(t *testing.T) {
	srv, c, rec := newFake(t, webuitest.Options{})
	req := webui.NewTxt2ImgRequest("x", "")
	req.Extra = map[string]any{"cfg": 7, "distilled_cfg_scale": 3.5}
	_, err := c.Txt2Img(ctxT(t), req)
	e := requireKind(t, err, webui.KindValidation)
	assert.Equal(t, 422, e.Status)
	require.Len(t, e.Fields, 2)
	assert.Equal(t, webui.FieldError{Loc: []string{"body", "cfg"}, Msg: "extra fields not permitted", Type: "value_error.extra"}, e.Fields[0])
	assert.Equal(t, "distilled_cfg_scale", e.Fields[1].Field())
	assert.Equal(t, "webui txt2img: invalid request (HTTP 422): cfg: extra fields not permitted; distilled_cfg_scale: extra fields not permitted", e.Error())
	assert.Equal(t, 1, srv.RequestCount("txt2img"), "422 is not retried")
	assert.Empty(t, rec.got())
	sent := srv.Requests("txt2img")[0]
	assert.Equal(t, 7.0, sent["cfg"], "Extra keys are spliced into the body")
}

func TestFakeRejectsWrongADetailerArgsAndUnknownScript(t *testing.T) {
	srv, c, _ := newFake(t, webuitest.Options{})
	ctx := ctxT(t)
	req := webui.NewTxt2ImgRequest("x", "")
	req.AlwaysOnScripts = map[string]any{"controlnet": map[string]any{"args": []any{}}}
	_, err := c.Txt2Img(ctx, req)
	e := requireKind(t, err, webui.KindUnknownModel)
	assert.Equal(t, 422, e.Status)
	assert.Equal(t, "Script 'controlnet' not found", e.Message)

	// An unknown detector passes the client (it cannot know the list) and
	// is refused by the strict fake.
	req.AlwaysOnScripts = webui.ADetailerScript(true, false, webui.NewADetailerUnit("eyes_yolo.pt"))
	_, err = c.Txt2Img(ctx, req)
	e = requireKind(t, err, webui.KindValidation)
	require.Len(t, e.Fields, 1)
	assert.Equal(t, []string{"body", "alwayson_scripts", "ADetailer", "args", "2", "ad_model"}, e.Fields[0].Loc)
	assert.Equal(t, 2, srv.RequestCount("txt2img"))
}

func TestModelErrorsAreUnknownModel(t *testing.T) {
	tests := []struct {
		name    string
		mutate  func(r *webui.Txt2ImgRequest)
		message string
	}{
		{"hires upscaler", func(r *webui.Txt2ImgRequest) { r.EnableHires("Bogus 4x", 2, 0.3, 0) }, "could not find upscaler named Bogus 4x"},
		{"refiner", func(r *webui.Txt2ImgRequest) { r.RefinerCheckpoint = "nope"; r.RefinerSwitchAt = 0.8 }, "Could not find checkpoint with name nope"},
		{"hires checkpoint", func(r *webui.Txt2ImgRequest) {
			r.EnableHires("Latent", 2, 0.3, 0)
			r.HRCheckpointName = "nope2"
		}, "Could not find checkpoint with name nope2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, c, _ := newFake(t, webuitest.Options{})
			req := webui.NewTxt2ImgRequest("x", "")
			tt.mutate(&req)
			_, err := c.Txt2Img(ctxT(t), req)
			e := requireKind(t, err, webui.KindUnknownModel)
			assert.Equal(t, 500, e.Status)
			assert.Equal(t, tt.message, e.Message)
			assert.False(t, webui.IsRetryable(err))
			assert.Equal(t, 1, srv.RequestCount("txt2img"))
		})
	}
	t.Run("extras upscaler", func(t *testing.T) {
		_, c, _ := newFake(t, webuitest.Options{})
		_, err := c.ExtraSingleImage(ctxT(t), webui.ExtrasRequest{UpscalingResize: 2, Upscaler1: "Nope", Image: webui.EncodeImage(solidPNG(t, 8, 8))})
		e := requireKind(t, err, webui.KindUnknownModel)
		assert.Equal(t, "AssertionError", e.Class)
	})
}

func TestADetailerScriptShape(t *testing.T) {
	unit := webui.NewADetailerUnit("hand_yolov8n.pt")
	require.NoError(t, unit.Validate())
	script := webui.ADetailerScript(false, true, unit, unit)
	b, err := json.Marshal(script)
	require.NoError(t, err)
	var decoded struct {
		ADetailer struct {
			Args []json.RawMessage `json:"args"`
		} `json:"ADetailer"`
	}
	require.NoError(t, json.Unmarshal(b, &decoded))
	args := decoded.ADetailer.Args
	require.Len(t, args, 4)
	assert.JSONEq(t, "false", string(args[0]))
	assert.JSONEq(t, "true", string(args[1]))
	var u map[string]any
	require.NoError(t, json.Unmarshal(args[2], &u))
	keys := webui.ADetailerUnitKeys()
	assert.Len(t, keys, 42)
	for k := range u {
		assert.True(t, keys[k], "unknown key %s", k)
	}
	assert.NotContains(t, u, "is_api")
	assert.NotContains(t, u, "ad_checkpoint", "null-default strings are omitted when empty")
	assert.Equal(t, 32.0, u["ad_inpaint_only_masked_padding"])
	assert.Equal(t, "Area", u["ad_mask_filter_method"])
}
