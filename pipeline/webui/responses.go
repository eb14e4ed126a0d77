package webui

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// GenerationResponse is the reply of txt2img and img2img.
type GenerationResponse struct {
	// Images are the decoded images (PNG by default), batch_size × n_iter of
	// them, possibly preceded by a grid (see Info.IndexOfFirstImage).
	Images [][]byte
	// Parameters echoes the validated request with defaults filled in.
	Parameters map[string]any
	// Info is the decoded "info" JSON string.
	Info GenerationInfo
	// RawInfo is the "info" string as received.
	RawInfo string
}

// GenerationInfo is the decoded "info" of a generation reply. Unknown keys
// are kept in Raw.
type GenerationInfo struct {
	Prompt                string
	AllPrompts            []string
	NegativePrompt        string
	AllNegativePrompts    []string
	Seed                  int64
	AllSeeds              []int64
	Subseed               int64
	AllSubseeds           []int64
	SubseedStrength       float64
	Width, Height         int // first-pass size under hires fix
	SamplerName           string
	CFGScale              float64
	Steps                 int
	BatchSize             int
	RestoreFaces          bool
	FaceRestorationModel  string
	SDModelName           string
	SDModelHash           string
	SDVAEName             string
	SDVAEHash             string
	DenoisingStrength     float64
	ExtraGenerationParams map[string]any
	IndexOfFirstImage     int
	Infotexts             []string
	Styles                []string
	JobTimestamp          string
	ClipSkip              int
	Version               string
	Raw                   map[string]any
}

// infoFromMap reads a GenerationInfo from the decoded info object.
func infoFromMap(m map[string]any) GenerationInfo {
	return GenerationInfo{
		Prompt:                asString(m["prompt"]),
		AllPrompts:            asStrings(m["all_prompts"]),
		NegativePrompt:        asString(m["negative_prompt"]),
		AllNegativePrompts:    asStrings(m["all_negative_prompts"]),
		Seed:                  asInt(m["seed"]),
		AllSeeds:              asInts(m["all_seeds"]),
		Subseed:               asInt(m["subseed"]),
		AllSubseeds:           asInts(m["all_subseeds"]),
		SubseedStrength:       asFloat(m["subseed_strength"]),
		Width:                 int(asInt(m["width"])),
		Height:                int(asInt(m["height"])),
		SamplerName:           asString(m["sampler_name"]),
		CFGScale:              asFloat(m["cfg_scale"]),
		Steps:                 int(asInt(m["steps"])),
		BatchSize:             int(asInt(m["batch_size"])),
		RestoreFaces:          asBool(m["restore_faces"]),
		FaceRestorationModel:  asString(m["face_restoration_model"]),
		SDModelName:           asString(m["sd_model_name"]),
		SDModelHash:           asString(m["sd_model_hash"]),
		SDVAEName:             asString(m["sd_vae_name"]),
		SDVAEHash:             asString(m["sd_vae_hash"]),
		DenoisingStrength:     asFloat(m["denoising_strength"]),
		ExtraGenerationParams: asMap(m["extra_generation_params"]),
		IndexOfFirstImage:     int(asInt(m["index_of_first_image"])),
		Infotexts:             asStrings(m["infotexts"]),
		Styles:                asStrings(m["styles"]),
		JobTimestamp:          asString(m["job_timestamp"]),
		ClipSkip:              int(asInt(m["clip_skip"])),
		Version:               asString(m["version"]),
		Raw:                   m,
	}
}

// decodeGenerationResponse parses a txt2img/img2img reply body. With
// expectImages, an empty image list is an error wrapping ErrNoImages.
func decodeGenerationResponse(op, endpoint string, body []byte, expectImages bool) (*GenerationResponse, error) {
	bad := func(msg string, err error) error {
		return &Error{Kind: KindBadResponse, Op: op, Endpoint: endpoint, Status: http.StatusOK, Message: msg, Err: err}
	}
	if resp, ok := fastDecodeGenerationResponse(body); ok && (!expectImages || len(resp.Images) > 0) {
		return resp, nil
	}
	var wire struct {
		Images     []any          `json:"images"`
		Parameters map[string]any `json:"parameters"`
		Info       any            `json:"info"`
	}
	if err := decodeJSON(op, endpoint, body, &wire); err != nil {
		return nil, err
	}
	resp := &GenerationResponse{Parameters: wire.Parameters}
	for i, v := range wire.Images {
		s, ok := v.(string)
		if !ok {
			return nil, bad(fmt.Sprintf("image %d is %T, not a base64 string", i, v), ErrInvalidImage)
		}
		img, err := DecodeImage(s)
		if err != nil {
			return nil, bad(fmt.Sprintf("image %d: %v", i, err), err)
		}
		resp.Images = append(resp.Images, img)
	}
	switch info := wire.Info.(type) {
	case nil:
	case string:
		resp.RawInfo = info
		if strings.TrimSpace(info) != "" {
			var m map[string]any
			if err := decodeJSON(op, endpoint, []byte(info), &m); err != nil {
				return nil, bad("info is not a JSON object: "+err.(*Error).Message, err)
			}
			resp.Info = infoFromMap(m)
		}
	case map[string]any: // some forks send the object itself
		raw, _ := json.Marshal(info)
		resp.RawInfo = string(raw)
		resp.Info = infoFromMap(info)
	default:
		return nil, bad(fmt.Sprintf("info is %T, not a JSON string", info), nil)
	}
	if expectImages && len(resp.Images) == 0 {
		return nil, bad(ErrNoImages.Error(), ErrNoImages)
	}
	return resp, nil
}

// ExtrasResponse is the reply of extra-single-image.
type ExtrasResponse struct {
	Image    []byte
	HTMLInfo string
}

// PNGInfoResponse is the reply of png-info.
type PNGInfoResponse struct {
	// Info is the "parameters" infotext, "" if the image has none.
	Info string
	// Items holds the other PNG text / EXIF keys.
	Items map[string]any
	// Parameters is the WebUI's parse of the infotext (all values strings).
	Parameters map[string]any
}

// SDModel is one checkpoint from /sdapi/v1/sd-models.
type SDModel struct {
	// Title is what sd_model_checkpoint takes, e.g. "sub/m.safetensors [6ce0161689]".
	Title     string `json:"title"`
	ModelName string `json:"model_name"`
	Hash      string `json:"hash"`
	SHA256    string `json:"sha256"`
	Filename  string `json:"filename"`
	Config    string `json:"config"`
}

// VAE is one entry of /sdapi/v1/sd-vae (or Forge's /sd-modules).
type VAE struct {
	ModelName string `json:"model_name"`
	Filename  string `json:"filename"`
}

// Sampler is one entry of /sdapi/v1/samplers. Options values are strings in
// A1111 (booleans come back as "True").
type Sampler struct {
	Name    string
	Aliases []string
	Options map[string]string
}

// UnmarshalJSON decodes a sampler, stringifying non-string option values.
func (s *Sampler) UnmarshalJSON(b []byte) error {
	var w struct {
		Name    string         `json:"name"`
		Aliases []any          `json:"aliases"`
		Options map[string]any `json:"options"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	s.Name = w.Name
	s.Aliases = nil
	if w.Aliases != nil {
		s.Aliases = asStrings(any(w.Aliases))
	}
	s.Options = nil
	if len(w.Options) > 0 {
		s.Options = make(map[string]string, len(w.Options))
		for k, v := range w.Options {
			s.Options[k] = asString(v)
		}
	}
	return nil
}

// Scheduler is one entry of /sdapi/v1/schedulers.
type Scheduler struct {
	Name           string   `json:"name"`
	Label          string   `json:"label"`
	Aliases        []string `json:"aliases"`
	DefaultRho     float64  `json:"default_rho"`
	NeedInnerModel bool     `json:"need_inner_model"`
}

// Upscaler is one entry of /sdapi/v1/upscalers.
type Upscaler struct {
	Name      string  `json:"name"`
	ModelName string  `json:"model_name"`
	ModelPath string  `json:"model_path"`
	ModelURL  string  `json:"model_url"`
	Scale     float64 `json:"scale"`
}

// LatentUpscaleMode is one entry of /sdapi/v1/latent-upscale-modes.
type LatentUpscaleMode struct {
	Name string `json:"name"`
}

// Lora is one entry of /sdapi/v1/loras (Lora extension).
type Lora struct {
	Name     string         `json:"name"`
	Alias    string         `json:"alias"`
	Path     string         `json:"path"`
	Metadata map[string]any `json:"metadata"`
}

// Embedding describes one textual-inversion embedding.
type Embedding struct {
	Step             int
	SDCheckpoint     string
	SDCheckpointName string
	Shape            int
	Vectors          int
}

// UnmarshalJSON decodes an embedding, accepting floats and nulls for ints.
func (e *Embedding) UnmarshalJSON(b []byte) error {
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	*e = Embedding{
		Step:             int(asInt(m["step"])),
		SDCheckpoint:     asString(m["sd_checkpoint"]),
		SDCheckpointName: asString(m["sd_checkpoint_name"]),
		Shape:            int(asInt(m["shape"])),
		Vectors:          int(asInt(m["vectors"])),
	}
	return nil
}

// Embeddings is the reply of /sdapi/v1/embeddings.
type Embeddings struct {
	Loaded  map[string]Embedding `json:"loaded"`
	Skipped map[string]Embedding `json:"skipped"`
}
