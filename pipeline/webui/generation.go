package webui

import (
	"bytes"
	"context"
	"image"
	_ "image/jpeg" // init image sizes
	_ "image/png"  // init image sizes
	"net/http"
)

// Txt2Img renders images from a prompt (POST /sdapi/v1/txt2img). The request
// is validated first. The call's only deadline of its own is the generation
// limit: watch it with RunWatched, whose watchdog catches a stalled render.
// See the package doc for its retry rule.
func (c *Client) Txt2Img(ctx context.Context, req Txt2ImgRequest) (*GenerationResponse, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	return c.generate(ctx, "/sdapi/v1/txt2img", req, req.SendImages)
}

// Img2Img renders images from init images (POST /sdapi/v1/img2img). When
// Width or Height is 0 both are taken from the first init image (PNG or
// JPEG), because the API would otherwise render at 512×512.
func (c *Client) Img2Img(ctx context.Context, req Img2ImgRequest) (*GenerationResponse, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	if req.Width == 0 || req.Height == 0 {
		w, h, err := imageSize(req.InitImages[0])
		if err != nil {
			var v validator
			v.add("width", "width and height are required: cannot read the init image size: "+err.Error())
			return nil, v.err("img2img", "/sdapi/v1/img2img")
		}
		req.Width, req.Height = w, h
	}
	return c.generate(ctx, "/sdapi/v1/img2img", req, req.SendImages)
}

func (c *Client) generate(ctx context.Context, path string, body any, sendImages *bool) (*GenerationResponse, error) {
	cl := call{method: http.MethodPost, path: path, body: body, class: classGenerate}
	raw, attempts, err := c.do(ctx, cl)
	if err != nil {
		return nil, err
	}
	resp, err := decodeGenerationResponse(cl.op(), path, raw, sendImages == nil || *sendImages)
	return resp, withAttempts(err, attempts)
}

// imageSize reads the size of a base64 PNG or JPEG.
func imageSize(b64 string) (int, int, error) {
	b, err := DecodeImage(b64)
	if err != nil {
		return 0, 0, err
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return 0, 0, err
	}
	return cfg.Width, cfg.Height, nil
}

// ExtraSingleImage upscales or restores one image
// (POST /sdapi/v1/extra-single-image). The WebUI reports no step progress
// for it, so the call has an overall deadline instead of a watchdog: the
// extras timeout (WithExtrasTimeout), after which it fails with KindTimeout
// (the caller should interrupt the WebUI).
func (c *Client) ExtraSingleImage(ctx context.Context, req ExtrasRequest) (*ExtrasResponse, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	cl := call{method: http.MethodPost, path: "/sdapi/v1/extra-single-image", body: req, class: classExtras}
	var out struct {
		HTMLInfo string `json:"html_info"`
		Image    any    `json:"image"`
	}
	if err := c.doJSON(ctx, cl, &out); err != nil {
		return nil, err
	}
	s, _ := out.Image.(string)
	img, err := DecodeImage(s)
	if err != nil {
		return nil, &Error{Kind: KindBadResponse, Op: cl.op(), Endpoint: cl.path, Status: http.StatusOK,
			Message: "image: " + err.Error(), Err: err, Attempts: 1}
	}
	return &ExtrasResponse{Image: img, HTMLInfo: out.HTMLInfo}, nil
}

// PNGInfo reads the generation parameters stored in an image
// (POST /sdapi/v1/png-info).
func (c *Client) PNGInfo(ctx context.Context, img []byte) (*PNGInfoResponse, error) {
	cl := call{method: http.MethodPost, path: "/sdapi/v1/png-info", body: map[string]string{"image": EncodeImage(img)}}
	var out struct {
		Info       string         `json:"info"`
		Items      map[string]any `json:"items"`
		Parameters map[string]any `json:"parameters"`
	}
	if err := c.doJSON(ctx, cl, &out); err != nil {
		return nil, err
	}
	return &PNGInfoResponse{Info: out.Info, Items: out.Items, Parameters: out.Parameters}, nil
}
