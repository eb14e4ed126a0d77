package webui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"sync"
)

// GenerationParams holds the request fields txt2img and img2img share, with
// the WebUI's exact key names. The fields without omitempty are always sent
// so the WebUI's surprising defaults (50 steps, the Euler sampler) never apply.
type GenerationParams struct {
	Prompt          string   `json:"prompt"`
	NegativePrompt  string   `json:"negative_prompt"`
	Styles          []string `json:"styles,omitempty"`
	Seed            int64    `json:"seed"` // -1 = random
	Subseed         *int64   `json:"subseed,omitempty"`
	SubseedStrength float64  `json:"subseed_strength,omitempty"`
	SamplerName     string   `json:"sampler_name"`
	Scheduler       string   `json:"scheduler"` // label or name; "" or "Automatic" = the sampler's default
	BatchSize       int      `json:"batch_size"`
	NIter           int      `json:"n_iter"`
	Steps           int      `json:"steps"`
	CFGScale        float64  `json:"cfg_scale"`
	Width           int      `json:"width"`
	Height          int      `json:"height"`
	RestoreFaces    *bool    `json:"restore_faces,omitempty"`
	Tiling          *bool    `json:"tiling,omitempty"`
	// OverrideSettings are /options keys applied for this job only.
	OverrideSettings map[string]any `json:"override_settings,omitempty"`
	// OverrideSettingsRestoreAfterwards: nil = the WebUI default (true).
	OverrideSettingsRestoreAfterwards *bool `json:"override_settings_restore_afterwards,omitempty"`
	// RefinerCheckpoint is the SDXL refiner checkpoint ("" = off);
	// RefinerSwitchAt the fraction of the steps after which it takes over.
	RefinerCheckpoint    string  `json:"refiner_checkpoint,omitempty"`
	RefinerSwitchAt      float64 `json:"refiner_switch_at,omitempty"`
	DisableExtraNetworks bool    `json:"disable_extra_networks,omitempty"`
	// ForceTaskID names the job for /internal/progress.
	ForceTaskID string `json:"force_task_id,omitempty"`
	ScriptName  string `json:"script_name,omitempty"`
	ScriptArgs  []any  `json:"script_args,omitempty"`
	// SendImages: nil = true. With false the reply has no images.
	SendImages *bool `json:"send_images,omitempty"`
	SaveImages bool  `json:"save_images,omitempty"`
	// AlwaysOnScripts maps script titles to {"args": [...]}; see ADetailerScript.
	AlwaysOnScripts map[string]any `json:"alwayson_scripts,omitempty"`
	// ClipSkip (1..12, 0 = leave the setting) is not a WebUI request field:
	// it is sent as override_settings {"CLIP_stop_at_last_layers": N}.
	ClipSkip int `json:"-"`
	// Extra holds keys the typed fields lack (e.g. Forge's
	// distilled_cfg_scale). They must not repeat a typed field's key.
	Extra map[string]any `json:"-"`
}

// Txt2ImgRequest is the body of POST /sdapi/v1/txt2img.
type Txt2ImgRequest struct {
	GenerationParams
	// DenoisingStrength is required when EnableHR is true (the API's
	// default is null, which breaks the hires pass).
	DenoisingStrength *float64 `json:"denoising_strength,omitempty"`

	EnableHR          bool    `json:"enable_hr,omitempty"`
	HRScale           float64 `json:"hr_scale,omitempty"`
	HRUpscaler        string  `json:"hr_upscaler,omitempty"`
	HRSecondPassSteps int     `json:"hr_second_pass_steps,omitempty"` // 0 = same as Steps
	HRResizeX         int     `json:"hr_resize_x,omitempty"`
	HRResizeY         int     `json:"hr_resize_y,omitempty"`
	HRCheckpointName  string  `json:"hr_checkpoint_name,omitempty"`
	HRSamplerName     string  `json:"hr_sampler_name,omitempty"`
	HRScheduler       string  `json:"hr_scheduler,omitempty"`
	HRPrompt          string  `json:"hr_prompt,omitempty"`
	HRNegativePrompt  string  `json:"hr_negative_prompt,omitempty"`
}

// Img2ImgRequest is the body of POST /sdapi/v1/img2img.
type Img2ImgRequest struct {
	GenerationParams
	// InitImages are base64 images (see EncodeImage). When Width or Height
	// is 0, Client.Img2Img fills both from the first image's size.
	InitImages        []string `json:"init_images"`
	ResizeMode        int      `json:"resize_mode,omitempty"` // 0 just resize, 1 crop, 2 fill, 3 latent
	DenoisingStrength float64  `json:"denoising_strength"`
	ImageCFGScale     *float64 `json:"image_cfg_scale,omitempty"`
	Mask              string   `json:"mask,omitempty"`
	MaskBlur          *int     `json:"mask_blur,omitempty"`
	InpaintingFill    int      `json:"inpainting_fill,omitempty"` // 0 fill, 1 original, 2 latent noise, 3 latent nothing
	// InpaintFullRes is always sent: false (the UI's "Whole picture")
	// instead of the API's surprising default true ("Only masked").
	InpaintFullRes         bool     `json:"inpaint_full_res"`
	InpaintFullResPadding  int      `json:"inpaint_full_res_padding,omitempty"`
	InpaintingMaskInvert   int      `json:"inpainting_mask_invert,omitempty"`
	InitialNoiseMultiplier *float64 `json:"initial_noise_multiplier,omitempty"`
	IncludeInitImages      bool     `json:"include_init_images,omitempty"`
}

// ExtrasRequest is the body of POST /sdapi/v1/extra-single-image.
type ExtrasRequest struct {
	// ResizeMode 0 scales by UpscalingResize, 1 resizes to
	// UpscalingResizeW × UpscalingResizeH.
	ResizeMode                int     `json:"resize_mode"`
	ShowExtrasResults         *bool   `json:"show_extras_results,omitempty"`
	GFPGANVisibility          float64 `json:"gfpgan_visibility,omitempty"`
	CodeformerVisibility      float64 `json:"codeformer_visibility,omitempty"`
	CodeformerWeight          float64 `json:"codeformer_weight,omitempty"`
	UpscalingResize           float64 `json:"upscaling_resize,omitempty"`
	UpscalingResizeW          int     `json:"upscaling_resize_w,omitempty"`
	UpscalingResizeH          int     `json:"upscaling_resize_h,omitempty"`
	UpscalingCrop             *bool   `json:"upscaling_crop,omitempty"`
	Upscaler1                 string  `json:"upscaler_1"`
	Upscaler2                 string  `json:"upscaler_2,omitempty"`
	ExtrasUpscaler2Visibility float64 `json:"extras_upscaler_2_visibility,omitempty"`
	UpscaleFirst              bool    `json:"upscale_first,omitempty"`
	// Image is the base64 input image (see EncodeImage).
	Image string `json:"image"`
}

// EnableHires turns on the hires fix with the fields it needs: the upscaler
// (a latent mode or an upscaler name), the scale, the denoising strength and
// the second-pass steps (0 = same as Steps).
func (r *Txt2ImgRequest) EnableHires(upscaler string, scale, denoise float64, secondPassSteps int) {
	r.EnableHR = true
	r.HRUpscaler = upscaler
	r.HRScale = scale
	r.HRSecondPassSteps = secondPassSteps
	r.DenoisingStrength = &denoise
}

// MarshalJSON sends ClipSkip as override_settings and appends Extra.
func (r Txt2ImgRequest) MarshalJSON() ([]byte, error) {
	type plain Txt2ImgRequest
	p := plain(r)
	p.OverrideSettings = r.overrides()
	return marshalWithExtra(p, r.Extra)
}

// MarshalJSON sends ClipSkip as override_settings and appends Extra.
func (r Img2ImgRequest) MarshalJSON() ([]byte, error) {
	type plain Img2ImgRequest
	p := plain(r)
	p.OverrideSettings = r.overrides()
	return marshalWithExtra(p, r.Extra)
}

// overrides returns OverrideSettings with ClipSkip merged in (a copy; the
// caller's map is never modified).
func (g *GenerationParams) overrides() map[string]any {
	if g.ClipSkip <= 0 {
		return g.OverrideSettings
	}
	m := maps.Clone(g.OverrideSettings)
	if m == nil {
		m = make(map[string]any, 1)
	}
	m["CLIP_stop_at_last_layers"] = g.ClipSkip
	return m
}

// marshalWithExtra encodes v and splices the extra keys into the object.
func marshalWithExtra(v any, extra map[string]any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil || len(extra) == 0 {
		return b, err
	}
	e, err := json.Marshal(extra)
	if err != nil {
		return nil, fmt.Errorf("extra fields: %w", err)
	}
	b = bytes.TrimSuffix(bytes.TrimSpace(b), []byte("}"))
	if !bytes.HasSuffix(b, []byte("{")) {
		b = append(b, ',')
	}
	return append(b, e[1:]...), nil
}

// Validate checks the request before it is sent: positive sizes and counts,
// a sampler, denoising_strength with the hires fix, a refiner switch point in
// (0,1), clip skip in 1..12, no Extra key that repeats a typed field, and
// well-formed ADetailer args. It returns a *Error of KindValidation.
func (r *Txt2ImgRequest) Validate() error {
	var v validator
	r.GenerationParams.validate(&v, txt2imgKeys())
	if r.EnableHR {
		switch {
		case r.DenoisingStrength == nil:
			v.add("denoising_strength", "required when enable_hr is true")
		case *r.DenoisingStrength < 0 || *r.DenoisingStrength > 1:
			v.add("denoising_strength", "must be between 0 and 1")
		}
		if r.HRResizeX < 0 || r.HRResizeY < 0 {
			v.add("hr_resize_x", "must not be negative")
		}
		if r.HRResizeX == 0 && r.HRResizeY == 0 && r.HRScale < 1 {
			v.add("hr_scale", "must be at least 1 (or set hr_resize_x/hr_resize_y)")
		}
		if r.HRSecondPassSteps < 0 {
			v.add("hr_second_pass_steps", "must not be negative")
		}
	} else if r.DenoisingStrength != nil && (*r.DenoisingStrength < 0 || *r.DenoisingStrength > 1) {
		v.add("denoising_strength", "must be between 0 and 1")
	}
	return v.err("txt2img", "/sdapi/v1/txt2img")
}

// Validate checks the request before it is sent (see Txt2ImgRequest.Validate)
// plus at least one init image, no more init images than batch_size, a
// denoising strength in 0..1 and the inpainting enums. A zero Width/Height is
// allowed here: Client.Img2Img fills it from the init image.
func (r *Img2ImgRequest) Validate() error {
	var v validator
	r.GenerationParams.validateCommon(&v, img2imgKeys(), true)
	if len(r.InitImages) == 0 {
		v.add("init_images", "at least one init image is required")
	}
	if r.BatchSize > 0 && len(r.InitImages) > r.BatchSize {
		v.add("init_images", fmt.Sprintf("%d init images but batch_size is %d", len(r.InitImages), r.BatchSize))
	}
	if r.DenoisingStrength < 0 || r.DenoisingStrength > 1 {
		v.add("denoising_strength", "must be between 0 and 1")
	}
	if r.ResizeMode < 0 || r.ResizeMode > 3 {
		v.add("resize_mode", "must be 0..3")
	}
	if r.InpaintingFill < 0 || r.InpaintingFill > 3 {
		v.add("inpainting_fill", "must be 0..3")
	}
	if r.MaskBlur != nil && *r.MaskBlur < 0 {
		v.add("mask_blur", "must not be negative")
	}
	if r.InpaintFullResPadding < 0 {
		v.add("inpaint_full_res_padding", "must not be negative")
	}
	return v.err("img2img", "/sdapi/v1/img2img")
}

// Validate checks an extras request: an image, an upscaler, and a scale
// (mode 0) or target size (mode 1).
func (r *ExtrasRequest) Validate() error {
	var v validator
	if r.Image == "" {
		v.add("image", "an image is required")
	}
	if r.Upscaler1 == "" {
		v.add("upscaler_1", "an upscaler is required (\"None\" for no upscaling)")
	}
	switch r.ResizeMode {
	case 0:
		if r.UpscalingResize <= 0 {
			v.add("upscaling_resize", "must be greater than 0")
		}
	case 1:
		if r.UpscalingResizeW < 1 || r.UpscalingResizeH < 1 {
			v.add("upscaling_resize_w", "upscaling_resize_w and upscaling_resize_h must be at least 1")
		}
	default:
		v.add("resize_mode", "must be 0 (scale) or 1 (to size)")
	}
	for name, f := range map[string]float64{"gfpgan_visibility": r.GFPGANVisibility,
		"codeformer_visibility": r.CodeformerVisibility, "codeformer_weight": r.CodeformerWeight,
		"extras_upscaler_2_visibility": r.ExtrasUpscaler2Visibility} {
		if f < 0 || f > 1 {
			v.add(name, "must be between 0 and 1")
		}
	}
	return v.err("extra-single-image", "/sdapi/v1/extra-single-image")
}

// validate checks the shared fields including the size.
func (g *GenerationParams) validate(v *validator, typed map[string]bool) {
	g.validateCommon(v, typed, false)
}

func (g *GenerationParams) validateCommon(v *validator, typed map[string]bool, sizeOptional bool) {
	if g.Steps < 1 {
		v.add("steps", "must be at least 1")
	}
	if strings.TrimSpace(g.SamplerName) == "" {
		v.add("sampler_name", "a sampler is required (an empty one makes the WebUI use Euler)")
	}
	if g.CFGScale < 0 {
		v.add("cfg_scale", "must not be negative")
	}
	for _, f := range []struct {
		name string
		val  int
	}{{"width", g.Width}, {"height", g.Height}} {
		if (f.val == 0 && sizeOptional) || (f.val >= 1 && f.val <= 16384) {
			continue
		}
		v.add(f.name, "must be between 1 and 16384")
	}
	if g.BatchSize < 1 {
		v.add("batch_size", "must be at least 1")
	}
	if g.NIter < 1 {
		v.add("n_iter", "must be at least 1")
	}
	if g.Seed < -1 {
		v.add("seed", "must be -1 (random) or a non-negative seed")
	}
	if g.SubseedStrength < 0 || g.SubseedStrength > 1 {
		v.add("subseed_strength", "must be between 0 and 1")
	}
	if ref := g.RefinerCheckpoint; ref != "" && ref != "None" && (g.RefinerSwitchAt <= 0 || g.RefinerSwitchAt >= 1) {
		v.add("refiner_switch_at", "must be between 0 and 1 (exclusive) when a refiner is set")
	}
	if g.ClipSkip < 0 || g.ClipSkip > 12 {
		v.add("override_settings", "clip skip must be 1..12")
	}
	for _, k := range slices.Sorted(maps.Keys(g.Extra)) {
		if typed[k] {
			v.add(k, "set by a typed field; do not repeat it in Extra")
		}
	}
	for title, script := range g.AlwaysOnScripts {
		if strings.EqualFold(title, ADetailerTitle) {
			validateADetailerScript(v, title, script)
		}
	}
}

// validator collects client-side field errors.
type validator struct{ fields []FieldError }

func (v *validator) add(field, msg string) {
	loc := append([]string{"body"}, strings.Split(field, ".")...)
	v.fields = append(v.fields, FieldError{Loc: loc, Msg: msg, Type: "value_error.stablenew"})
}

func (v *validator) err(op, endpoint string) error {
	if len(v.fields) == 0 {
		return nil
	}
	return validationError(op, endpoint, v.fields)
}

var (
	keysOnce               sync.Once
	txt2imgSet, img2imgSet map[string]bool
)

func txt2imgKeys() map[string]bool { keysOnce.Do(initKeys); return txt2imgSet }
func img2imgKeys() map[string]bool { keysOnce.Do(initKeys); return img2imgSet }

func initKeys() {
	txt2imgSet = jsonKeys(reflect.TypeFor[Txt2ImgRequest]())
	img2imgSet = jsonKeys(reflect.TypeFor[Img2ImgRequest]())
	// ClipSkip is sent through override_settings.
	txt2imgSet["override_settings"], img2imgSet["override_settings"] = true, true
}

// jsonKeys lists the JSON keys of a struct type, following embedded structs.
func jsonKeys(t reflect.Type) map[string]bool {
	out := map[string]bool{}
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			maps.Copy(out, jsonKeys(f.Type))
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name != "" && name != "-" {
			out[name] = true
		}
	}
	return out
}
