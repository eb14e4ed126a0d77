package webuitest

import (
	"fmt"
	"net/http"
	"slices"
)

// handleExtras upscales one image (extra-single-image).
func (s *Server) handleExtras(rq *request) response {
	body, bad := s.parseObject(rq)
	if bad != nil {
		return *bad
	}
	if bad := s.checkFields(body, extrasFields); bad != nil {
		return *bad
	}
	p := params(body)
	in, cfg, err := decodeB64Image(p.str("image", ""))
	if err != nil {
		return httpException(http.StatusInternalServerError, "Invalid encoded image")
	}
	up1, up2 := p.str("upscaler_1", "None"), p.str("upscaler_2", "None")
	for _, u := range []string{up1, up2} {
		if !slices.Contains(s.upscalerNames(), u) {
			return exception("AssertionError", fmt.Sprintf("could not find upscaler named %s", u))
		}
	}
	mode := p.int("resize_mode", 0)
	w, h := cfg.Width, cfg.Height
	var info string
	switch mode {
	case 0:
		scale := p.float("upscaling_resize", 2)
		if scale <= 0 || scale > 8 {
			return *s.invalid("upscaling_resize must be greater than 0 and at most 8", "upscaling_resize")
		}
		if up1 != "None" {
			w, h = int(float64(w)*scale), int(float64(h)*scale)
		}
		info = fmt.Sprintf("Postprocess upscale by: %s, Postprocess upscaler: %s", formatValue(scale), up1)
	case 1:
		tw, th := p.int("upscaling_resize_w", 512), p.int("upscaling_resize_h", 512)
		if tw < 1 || th < 1 {
			return *s.invalid("upscaling_resize_w and upscaling_resize_h must be at least 1", "upscaling_resize_w")
		}
		if up1 != "None" {
			w, h = tw, th
		}
		info = fmt.Sprintf("Postprocess upscale to: %dx%d, Postprocess upscaler: %s", tw, th, up1)
	default:
		return *s.invalid("resize_mode must be 0 or 1", "resize_mode")
	}
	if w*h > maxPixels {
		return *s.invalid(fmt.Sprintf("output size %dx%d is too large for the fake", w, h), "upscaling_resize")
	}
	if !s.acquireQueue(rq.r.Context()) {
		return response{hijack: true}
	}
	defer s.releaseQueue()
	texts, _ := PNGText(in)
	out, err := s.renderImage(w, h, seedColor(int64(len(in))*31+int64(cfg.Width)), texts["parameters"])
	if err == nil {
		out, err = insertTextChunk(out, "postprocessing", info)
	}
	if err != nil {
		return exception("RuntimeError", err.Error())
	}
	return jsonResp(http.StatusOK, map[string]any{"html_info": "<p>" + info + "</p>", "image": b64(out)})
}

// handlePNGInfo reads the text chunks of an image (png-info).
func (s *Server) handlePNGInfo(rq *request) response {
	body, bad := s.parseObject(rq)
	if bad != nil {
		return *bad
	}
	if bad := s.checkFields(body, pngInfoFields); bad != nil {
		return *bad
	}
	if _, ok := body["image"]; !ok {
		return s.validation([]problem{{loc: []any{"body", "image"}, kind: "missing"}})
	}
	data, _, err := decodeB64Image(params(body).str("image", ""))
	if err != nil {
		return httpException(http.StatusInternalServerError, "Invalid encoded image")
	}
	texts, _ := PNGText(data)
	info := texts["parameters"]
	items := map[string]any{}
	for k, v := range texts {
		if k != "parameters" {
			items[k] = v
		}
	}
	parsed := map[string]any{}
	if info != "" {
		parsed = ParseInfotext(info)
	}
	return jsonResp(http.StatusOK, map[string]any{"info": info, "items": items, "parameters": parsed})
}
