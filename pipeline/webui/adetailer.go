package webui

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// ADetailerTitle is the always-on script title of the ADetailer extension.
const ADetailerTitle = "ADetailer"

// ADetailerUnit is one ADetailer tab (unit) as the extension's API takes it
// (ADetailer v25.3.0). Every field is sent: start from NewADetailerUnit, which
// fills in the extension's defaults, and change what you need. The
// extension forbids unknown keys and silently drops a unit with an
// out-of-range value, so use Validate.
type ADetailerUnit struct {
	Model                    string  `json:"ad_model"`
	ModelClasses             string  `json:"ad_model_classes"`
	TabEnable                bool    `json:"ad_tab_enable"`
	Prompt                   string  `json:"ad_prompt"`
	NegativePrompt           string  `json:"ad_negative_prompt"`
	Confidence               float64 `json:"ad_confidence"`
	MaskFilterMethod         string  `json:"ad_mask_filter_method"` // "Area" or "Confidence"
	MaskK                    int     `json:"ad_mask_k"`             // keep the k largest/most confident masks; 0 = all
	MaskMinRatio             float64 `json:"ad_mask_min_ratio"`
	MaskMaxRatio             float64 `json:"ad_mask_max_ratio"`
	DilateErode              int     `json:"ad_dilate_erode"`
	XOffset                  int     `json:"ad_x_offset"`
	YOffset                  int     `json:"ad_y_offset"`
	MaskMergeInvert          string  `json:"ad_mask_merge_invert"` // "None", "Merge", "Merge and Invert"
	MaskBlur                 int     `json:"ad_mask_blur"`
	DenoisingStrength        float64 `json:"ad_denoising_strength"`
	InpaintOnlyMasked        bool    `json:"ad_inpaint_only_masked"`
	InpaintOnlyMaskedPadding int     `json:"ad_inpaint_only_masked_padding"`
	UseInpaintWidthHeight    bool    `json:"ad_use_inpaint_width_height"`
	InpaintWidth             int     `json:"ad_inpaint_width"`
	InpaintHeight            int     `json:"ad_inpaint_height"`
	UseSteps                 bool    `json:"ad_use_steps"`
	Steps                    int     `json:"ad_steps"`
	UseCFGScale              bool    `json:"ad_use_cfg_scale"`
	CFGScale                 float64 `json:"ad_cfg_scale"`
	UseCheckpoint            bool    `json:"ad_use_checkpoint"`
	Checkpoint               string  `json:"ad_checkpoint,omitempty"`
	UseVAE                   bool    `json:"ad_use_vae"`
	VAE                      string  `json:"ad_vae,omitempty"`
	UseSampler               bool    `json:"ad_use_sampler"`
	Sampler                  string  `json:"ad_sampler"`
	Scheduler                string  `json:"ad_scheduler"`
	UseNoiseMultiplier       bool    `json:"ad_use_noise_multiplier"`
	NoiseMultiplier          float64 `json:"ad_noise_multiplier"`
	UseClipSkip              bool    `json:"ad_use_clip_skip"`
	ClipSkip                 int     `json:"ad_clip_skip"`
	RestoreFace              bool    `json:"ad_restore_face"`
	ControlNetModel          string  `json:"ad_controlnet_model"`
	ControlNetModule         string  `json:"ad_controlnet_module"`
	ControlNetWeight         float64 `json:"ad_controlnet_weight"`
	ControlNetGuidanceStart  float64 `json:"ad_controlnet_guidance_start"`
	ControlNetGuidanceEnd    float64 `json:"ad_controlnet_guidance_end"`
}

// Validate checks the unit against ADetailer's ranges. Errors name the JSON
// key (e.g. "ad_confidence: must be between 0 and 1").
func (u ADetailerUnit) Validate() error {
	var problems []string
	bad := func(key, msg string) { problems = append(problems, key+": "+msg) }
	if strings.TrimSpace(u.Model) == "" {
		bad("ad_model", `required (a detector such as "face_yolov8n.pt", or "None")`)
	}
	unit := func(key string, f float64) {
		if f < 0 || f > 1 {
			bad(key, "must be between 0 and 1")
		}
	}
	unit("ad_confidence", u.Confidence)
	unit("ad_mask_min_ratio", u.MaskMinRatio)
	unit("ad_mask_max_ratio", u.MaskMaxRatio)
	unit("ad_denoising_strength", u.DenoisingStrength)
	unit("ad_controlnet_weight", u.ControlNetWeight)
	unit("ad_controlnet_guidance_start", u.ControlNetGuidanceStart)
	unit("ad_controlnet_guidance_end", u.ControlNetGuidanceEnd)
	if u.MaskFilterMethod != "Area" && u.MaskFilterMethod != "Confidence" {
		bad("ad_mask_filter_method", `must be "Area" or "Confidence"`)
	}
	if !slices.Contains([]string{"None", "Merge", "Merge and Invert"}, u.MaskMergeInvert) {
		bad("ad_mask_merge_invert", `must be "None", "Merge" or "Merge and Invert"`)
	}
	nonNeg := func(key string, n int) {
		if n < 0 {
			bad(key, "must not be negative")
		}
	}
	nonNeg("ad_mask_k", u.MaskK)
	nonNeg("ad_mask_blur", u.MaskBlur)
	nonNeg("ad_inpaint_only_masked_padding", u.InpaintOnlyMaskedPadding)
	positive := func(key string, n int) {
		if n <= 0 {
			bad(key, "must be greater than 0")
		}
	}
	positive("ad_inpaint_width", u.InpaintWidth)
	positive("ad_inpaint_height", u.InpaintHeight)
	positive("ad_steps", u.Steps)
	if u.CFGScale < 0 {
		bad("ad_cfg_scale", "must not be negative")
	}
	if u.NoiseMultiplier < 0.5 || u.NoiseMultiplier > 1.5 {
		bad("ad_noise_multiplier", "must be between 0.5 and 1.5")
	}
	if u.ClipSkip < 1 || u.ClipSkip > 12 {
		bad("ad_clip_skip", "must be between 1 and 12")
	}
	if len(problems) > 0 {
		return fmt.Errorf("adetailer unit: %s", strings.Join(problems, "; "))
	}
	return nil
}

// ADetailerScript builds the alwayson_scripts entry for ADetailer:
// {"ADetailer":{"args":[enable, skipImg2Img, unit...]}}. The two booleans
// always come first: without them the extension reads the first unit as the
// enable flag and runs an extra default face pass.
func ADetailerScript(enable, skipImg2Img bool, units ...ADetailerUnit) map[string]any {
	args := make([]any, 0, 2+len(units))
	args = append(args, enable, skipImg2Img)
	for _, u := range units {
		args = append(args, u)
	}
	return map[string]any{ADetailerTitle: map[string]any{"args": args}}
}

var (
	adKeysOnce sync.Once
	adKeys     map[string]bool
)

// ADetailerUnitKeys returns the set of keys an ADetailer unit accepts.
func ADetailerUnitKeys() map[string]bool {
	adKeysOnce.Do(func() { adKeys = jsonKeys(reflect.TypeFor[ADetailerUnit]()) })
	return adKeys
}

// validateADetailerScript checks an alwayson_scripts ADetailer entry.
func validateADetailerScript(v *validator, title string, script any) {
	field := "alwayson_scripts." + title + ".args"
	m, ok := script.(map[string]any)
	if !ok {
		v.add("alwayson_scripts."+title, `must be {"args": [...]}`)
		return
	}
	args, ok := m["args"].([]any)
	if !ok {
		v.add(field, "must be a list")
		return
	}
	if len(args) < 2 {
		v.add(field, "must start with two booleans (enable, skip_img2img)")
		return
	}
	for i := range 2 {
		if _, ok := args[i].(bool); !ok {
			v.add(field+"."+strconv.Itoa(i), "must be a boolean (args start with enable, skip_img2img)")
		}
	}
	for i, a := range args[2:] {
		loc := field + "." + strconv.Itoa(i+2)
		switch u := a.(type) {
		case ADetailerUnit:
			if err := u.Validate(); err != nil {
				v.add(loc, err.Error())
			}
		case *ADetailerUnit:
			if u == nil {
				v.add(loc, "nil unit")
			} else if err := u.Validate(); err != nil {
				v.add(loc, err.Error())
			}
		case map[string]any:
			keys := ADetailerUnitKeys()
			for _, k := range sortedKeys(u) {
				if !keys[k] {
					v.add(loc+"."+k, "not an ADetailer unit key")
				}
			}
		default:
			v.add(loc, fmt.Sprintf("must be an ADetailer unit, not %T", a))
		}
	}
}

// ADetailerModels lists the detector models (GET /adetailer/v1/ad_model).
// A WebUI without ADetailer answers KindNotFound.
func (c *Client) ADetailerModels(ctx context.Context) ([]string, error) {
	var out struct {
		Models []string `json:"ad_model"`
	}
	if err := c.doJSON(ctx, call{method: http.MethodGet, path: "/adetailer/v1/ad_model"}, &out); err != nil {
		return nil, err
	}
	return out.Models, nil
}

// ADetailerVersion returns the extension version (GET /adetailer/v1/version).
func (c *Client) ADetailerVersion(ctx context.Context) (string, error) {
	var out struct {
		Version string `json:"version"`
	}
	if err := c.doJSON(ctx, call{method: http.MethodGet, path: "/adetailer/v1/version"}, &out); err != nil {
		return "", err
	}
	return out.Version, nil
}

// ADetailerSchema returns the JSON Schema of a unit (GET /adetailer/v1/schema).
func (c *Client) ADetailerSchema(ctx context.Context) (map[string]any, error) {
	var out map[string]any
	if err := c.doJSON(ctx, call{method: http.MethodGet, path: "/adetailer/v1/schema"}, &out); err != nil {
		return nil, err
	}
	return out, nil
}
