package webui

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The fast paths must give exactly what encoding/json gives.
func TestFastRequestEncodingMatchesEncodingJSON(t *testing.T) {
	img := []byte("\x89PNG not really an image but bytes")
	req := NewImg2ImgRequest("a \"quoted\" prompt\nwith a newline", "neg", img)
	req.Width, req.Height, req.ClipSkip = 512, 512, 2
	req.AlwaysOnScripts = ADetailerScript(true, false, NewADetailerUnit("face_yolov8n.pt"))
	fast, err := encodeBody(req)
	require.NoError(t, err)
	slow, err := json.Marshal(req)
	require.NoError(t, err)
	assert.JSONEq(t, string(slow), string(fast))

	ex := ExtrasRequest{Upscaler1: "R-ESRGAN 4x+", UpscalingResize: 2, Image: EncodeImage(img)}
	fast, err = encodeBody(ex)
	require.NoError(t, err)
	slow, err = json.Marshal(ex)
	require.NoError(t, err)
	assert.JSONEq(t, string(slow), string(fast))

	req.Extra = map[string]any{"distilled_cfg_scale": 3.5}
	fast, err = encodeBody(req)
	require.NoError(t, err)
	assert.Contains(t, string(fast), `"distilled_cfg_scale":3.5`)
}

func TestFastReplyDecodingMatchesAndFallsBack(t *testing.T) {
	img := []byte("\x89PNG\r\n\x1a\n fake image bytes")
	b64 := EncodeImage(img)
	info := `{\"seed\": 7, \"all_seeds\": [7], \"infotexts\": [\"a, b\"], \"version\": \"v1.10.1\"}`
	for name, body := range map[string]string{
		"images first":     `{"images": ["` + b64 + `"], "parameters": {"prompt": "x"}, "info": "` + info + `"}`,
		"images last":      `{"parameters": {"prompt": "x"}, "info": "` + info + `", "images": ["` + b64 + `"]}`,
		"escaped slash":    `{"images": ["` + strings.ReplaceAll(b64, "/", `\/`) + `"], "parameters": {"prompt": "x"}, "info": "` + info + `"}`,
		"data url":         `{"images": ["data:image/png;base64,` + b64 + `"], "parameters": {"prompt": "x"}, "info": "` + info + `"}`,
		"spaces and lines": "{\n  \"images\" : [ \"" + b64 + "\" ] ,\n  \"parameters\": {\"prompt\": \"x\"},\n  \"info\": \"" + info + "\"\n}",
	} {
		t.Run(name, func(t *testing.T) {
			resp, err := decodeGenerationResponse("txt2img", "/sdapi/v1/txt2img", []byte(body), true)
			require.NoError(t, err)
			require.Len(t, resp.Images, 1)
			assert.Equal(t, img, resp.Images[0])
			assert.Equal(t, int64(7), resp.Info.Seed)
			assert.Equal(t, []string{"a, b"}, resp.Info.Infotexts)
			assert.Equal(t, "x", resp.Parameters["prompt"])
		})
	}
	_, err := decodeGenerationResponse("txt2img", "/sdapi/v1/txt2img", []byte(`{"images": ["not base64!"], "info": "{}"}`), true)
	require.Error(t, err, "an invalid image still fails, through the general decoder's message")
	assert.Equal(t, KindBadResponse, KindOf(err))
}
