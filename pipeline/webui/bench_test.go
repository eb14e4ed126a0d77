package webui

import (
	"encoding/json"
	"testing"

	"stablenew/pipeline/webui/webuitest"
)

// photoReply is a txt2img reply carrying one photo-sized 1024×1024 PNG.
func photoReply(b *testing.B) ([]byte, []byte) {
	img, err := webuitest.RenderPhotoPNG(1024, 1024, "bench\nSteps: 20, Sampler: Euler a, Seed: 1, Size: 1024x1024")
	if err != nil {
		b.Fatal(err)
	}
	info, _ := json.Marshal(map[string]any{"seed": 1, "all_seeds": []int{1}, "infotexts": []string{"bench"}, "version": "v1.10.1"})
	body, err := json.Marshal(map[string]any{"images": []string{EncodeImage(img)}, "parameters": map[string]any{"prompt": "bench"}, "info": string(info)})
	if err != nil {
		b.Fatal(err)
	}
	return body, img
}

// BenchmarkDecodeGenerationReply1024 is what the client does with a reply:
// parse the JSON and decode the base64 image of a 1024×1024 render.
func BenchmarkDecodeGenerationReply1024(b *testing.B) {
	body, _ := photoReply(b)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		resp, err := decodeGenerationResponse("txt2img", "/sdapi/v1/txt2img", body, true)
		if err != nil || len(resp.Images) != 1 {
			b.Fatal(err)
		}
	}
}

// BenchmarkEncodeImg2ImgRequest1024 is what the client does to send that
// image on to the next stage: base64 and JSON.
func BenchmarkEncodeImg2ImgRequest1024(b *testing.B) {
	_, img := photoReply(b)
	b.SetBytes(int64(len(img)))
	for b.Loop() {
		req := NewImg2ImgRequest("bench", "", img)
		req.Width, req.Height = 1024, 1024
		if _, err := encodeBody(req); err != nil {
			b.Fatal(err)
		}
	}
}
