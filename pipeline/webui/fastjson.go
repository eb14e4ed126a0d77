package webui

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
)

// Images travel as multi-megabyte base64 strings inside JSON. encoding/json
// scans such a string several times (validation, escaping, compaction), so
// the two paths that carry images avoid it: requests are encoded with a
// short placeholder per image that is then replaced by the base64 text
// (which never needs JSON escaping), and replies in A1111's own shape have
// their image strings decoded straight from the body. Everything else still
// goes through encoding/json.

// bodyEncoder is implemented by request bodies that encode themselves.
type bodyEncoder interface {
	encodeBody() ([]byte, error)
}

// encodeBody marshals a request body.
func encodeBody(body any) ([]byte, error) {
	if e, ok := body.(bodyEncoder); ok {
		return e.encodeBody()
	}
	return json.Marshal(body)
}

// placeholder is the stand-in for image i while the rest is marshalled.
func placeholder(i int) string { return fmt.Sprintf("\x00stablenew-image-%d\x00", i) }

// spliceImages marshals v, whose image fields hold placeholders, and puts
// the images' base64 text in their place.
func spliceImages(v any, images []string) ([]byte, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	size := len(raw)
	for _, img := range images {
		size += len(img)
	}
	out := make([]byte, 0, size)
	rest := raw
	for i, img := range images {
		ph, _ := json.Marshal(placeholder(i))
		at := bytes.Index(rest, ph)
		if at < 0 {
			return nil, errors.New("image placeholder lost while encoding the request")
		}
		out = append(out, rest[:at]...)
		out = append(out, '"')
		out = append(out, img...)
		out = append(out, '"')
		rest = rest[at+len(ph):]
	}
	return append(out, rest...), nil
}

// validBase64Text reports whether s can go into JSON unescaped: base64 and
// data-URL text only uses letters, digits and + / = : ; , -.
func validBase64Text(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == '"' || c == '\\' || c >= 0x7f {
			return false
		}
	}
	return true
}

func (r Img2ImgRequest) encodeBody() ([]byte, error) {
	if len(r.Extra) > 0 {
		return json.Marshal(r) // rare: keep one path for extra keys
	}
	for _, img := range r.InitImages {
		if !validBase64Text(img) {
			return json.Marshal(r)
		}
	}
	images := r.InitImages
	r.InitImages = make([]string, len(images))
	for i := range images {
		r.InitImages[i] = placeholder(i)
	}
	type plain Img2ImgRequest
	p := plain(r)
	p.OverrideSettings = r.overrides()
	return spliceImages(p, images)
}

func (r ExtrasRequest) encodeBody() ([]byte, error) {
	if !validBase64Text(r.Image) {
		return json.Marshal(r)
	}
	img := r.Image
	r.Image = placeholder(0)
	return spliceImages(r, []string{img})
}

// fastDecodeGenerationResponse handles the reply shape A1111 writes,
// {"images": [...], ...}: it finds each image string's end with a byte
// search instead of a JSON scan of megabytes, then decodes the small rest
// normally. ok is false for any other shape (images not first, escapes in
// an image string, Python NaN tokens); the caller then uses the general
// decoder, which also produces the precise error.
func fastDecodeGenerationResponse(body []byte) (*GenerationResponse, bool) {
	rest := skipSpace(body)
	if len(rest) == 0 || rest[0] != '{' {
		return nil, false
	}
	rest = skipSpace(rest[1:])
	if !bytes.HasPrefix(rest, []byte(`"images"`)) {
		return nil, false
	}
	rest = skipSpace(rest[len(`"images"`):])
	if len(rest) == 0 || rest[0] != ':' {
		return nil, false
	}
	rest = skipSpace(rest[1:])
	if len(rest) == 0 || rest[0] != '[' {
		return nil, false
	}
	rest = skipSpace(rest[1:])
	resp := &GenerationResponse{}
	for len(rest) > 0 && rest[0] != ']' {
		if rest[0] != '"' {
			return nil, false
		}
		end := bytes.IndexByte(rest[1:], '"')
		if end < 0 {
			return nil, false
		}
		text := rest[1 : 1+end]
		if bytes.IndexByte(text, '\\') >= 0 {
			return nil, false
		}
		img, err := decodeBase64Bytes(text)
		if err != nil {
			return nil, false
		}
		resp.Images = append(resp.Images, img)
		rest = skipSpace(rest[2+end:])
		if len(rest) > 0 && rest[0] == ',' {
			rest = skipSpace(rest[1:])
		}
	}
	if len(rest) == 0 {
		return nil, false
	}
	rest = skipSpace(rest[1:]) // past ']'
	tail := make([]byte, 0, len(rest)+1)
	tail = append(tail, '{')
	if len(rest) > 0 && rest[0] == ',' {
		rest = rest[1:]
	}
	tail = append(tail, rest...)
	var wire struct {
		Parameters map[string]any `json:"parameters"`
		Info       *string        `json:"info"`
	}
	if json.Unmarshal(tail, &wire) != nil {
		return nil, false
	}
	resp.Parameters = wire.Parameters
	if wire.Info != nil {
		resp.RawInfo = *wire.Info
		if len(bytes.TrimSpace([]byte(resp.RawInfo))) > 0 {
			var m map[string]any
			if json.Unmarshal([]byte(resp.RawInfo), &m) != nil {
				return nil, false
			}
			resp.Info = infoFromMap(m)
		}
	}
	return resp, true
}

func skipSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\n' || b[0] == '\r') {
		b = b[1:]
	}
	return b
}

// decodeBase64Bytes decodes base64 text, with or without a data: prefix.
func decodeBase64Bytes(b []byte) ([]byte, error) {
	if bytes.HasPrefix(b, []byte("data:")) {
		i := bytes.IndexByte(b, ',')
		if i < 0 {
			return nil, ErrInvalidImage
		}
		b = b[i+1:]
	}
	out := make([]byte, base64.StdEncoding.DecodedLen(len(b)))
	n, err := base64.StdEncoding.Decode(out, b)
	if err != nil || n == 0 {
		return nil, ErrInvalidImage
	}
	return out[:n], nil
}
