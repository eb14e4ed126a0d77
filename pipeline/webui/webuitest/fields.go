package webuitest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// ftype is a request field's type.
type ftype int

const (
	tInt ftype = iota
	tFloat
	tStr
	tBool
	tList
	tListStr
	tDict
)

// fieldSpec is one allowed request key.
type fieldSpec struct {
	name   string
	typ    ftype
	noNull bool // null rejected (pydantic "none is not an allowed value")
}

// commonFields are the generated fields shared by txt2img and img2img, in
// model order.
var commonFields = []fieldSpec{
	{name: "prompt", typ: tStr}, {name: "negative_prompt", typ: tStr}, {name: "styles", typ: tListStr},
	{name: "seed", typ: tInt}, {name: "subseed", typ: tInt}, {name: "subseed_strength", typ: tFloat},
	{name: "seed_resize_from_h", typ: tInt}, {name: "seed_resize_from_w", typ: tInt},
	{name: "sampler_name", typ: tStr}, {name: "scheduler", typ: tStr},
	{name: "batch_size", typ: tInt}, {name: "n_iter", typ: tInt}, {name: "steps", typ: tInt},
	{name: "cfg_scale", typ: tFloat}, {name: "width", typ: tInt}, {name: "height", typ: tInt},
	{name: "restore_faces", typ: tBool}, {name: "tiling", typ: tBool},
	{name: "do_not_save_samples", typ: tBool}, {name: "do_not_save_grid", typ: tBool},
	{name: "eta", typ: tFloat}, {name: "denoising_strength", typ: tFloat},
	{name: "s_min_uncond", typ: tFloat}, {name: "s_churn", typ: tFloat}, {name: "s_tmax", typ: tFloat},
	{name: "s_tmin", typ: tFloat}, {name: "s_noise", typ: tFloat},
	{name: "override_settings", typ: tDict}, {name: "override_settings_restore_afterwards", typ: tBool},
	{name: "refiner_checkpoint", typ: tStr}, {name: "refiner_switch_at", typ: tFloat},
	{name: "disable_extra_networks", typ: tBool}, {name: "firstpass_image", typ: tStr},
	{name: "comments", typ: tDict}, {name: "force_task_id", typ: tStr},
}

var txt2imgOnly = []fieldSpec{
	{name: "enable_hr", typ: tBool}, {name: "hr_scale", typ: tFloat}, {name: "hr_upscaler", typ: tStr},
	{name: "hr_second_pass_steps", typ: tInt}, {name: "hr_resize_x", typ: tInt}, {name: "hr_resize_y", typ: tInt},
	{name: "hr_checkpoint_name", typ: tStr}, {name: "hr_sampler_name", typ: tStr}, {name: "hr_scheduler", typ: tStr},
	{name: "hr_prompt", typ: tStr}, {name: "hr_negative_prompt", typ: tStr},
	{name: "firstphase_width", typ: tInt}, {name: "firstphase_height", typ: tInt},
}

var img2imgOnly = []fieldSpec{
	{name: "init_images", typ: tListStr}, {name: "resize_mode", typ: tInt}, {name: "image_cfg_scale", typ: tFloat},
	{name: "mask", typ: tStr}, {name: "mask_blur_x", typ: tInt}, {name: "mask_blur_y", typ: tInt},
	{name: "mask_blur", typ: tInt}, {name: "mask_round", typ: tBool}, {name: "inpainting_fill", typ: tInt},
	{name: "inpaint_full_res", typ: tBool}, {name: "inpaint_full_res_padding", typ: tInt},
	{name: "inpainting_mask_invert", typ: tInt}, {name: "initial_noise_multiplier", typ: tFloat},
	{name: "latent_mask", typ: tStr}, {name: "include_init_images", typ: tBool, noNull: true},
}

// extraFields are appended to the generated model.
var extraFields = []fieldSpec{
	{name: "sampler_index", typ: tStr, noNull: true}, {name: "script_name", typ: tStr},
	{name: "script_args", typ: tList, noNull: true}, {name: "send_images", typ: tBool, noNull: true},
	{name: "save_images", typ: tBool, noNull: true}, {name: "alwayson_scripts", typ: tDict, noNull: true},
	{name: "infotext", typ: tStr},
}

var extrasFields = []fieldSpec{
	{name: "resize_mode", typ: tInt}, {name: "show_extras_results", typ: tBool},
	{name: "gfpgan_visibility", typ: tFloat}, {name: "codeformer_visibility", typ: tFloat},
	{name: "codeformer_weight", typ: tFloat}, {name: "upscaling_resize", typ: tFloat},
	{name: "upscaling_resize_w", typ: tInt}, {name: "upscaling_resize_h", typ: tInt},
	{name: "upscaling_crop", typ: tBool}, {name: "upscaler_1", typ: tStr}, {name: "upscaler_2", typ: tStr},
	{name: "extras_upscaler_2_visibility", typ: tFloat}, {name: "upscale_first", typ: tBool},
	{name: "image", typ: tStr},
}

var pngInfoFields = []fieldSpec{{name: "image", typ: tStr, noNull: true}}

var (
	txt2imgSpec = slices.Concat(commonFields, txt2imgOnly, extraFields)
	img2imgSpec = slices.Concat(commonFields, img2imgOnly, extraFields)
)

// problem is one validation failure, rendered in the flavor's 422 shape.
type problem struct {
	loc   []any
	kind  string // missing, extra, int, float, str, bool, list, dict, none, jsondecode, value
	msg   string // for kind "value" and "jsondecode"
	input any
}

// p1 gives the pydantic-1 msg and type of a problem.
func (p problem) p1() (string, string) {
	switch p.kind {
	case "missing":
		return "field required", "value_error.missing"
	case "extra":
		return "extra fields not permitted", "value_error.extra"
	case "int":
		return "value is not a valid integer", "type_error.integer"
	case "float":
		return "value is not a valid float", "type_error.float"
	case "str":
		return "str type expected", "type_error.str"
	case "bool":
		return "value could not be parsed to a boolean", "type_error.bool"
	case "list":
		return "value is not a valid list", "type_error.list"
	case "dict":
		return "value is not a valid dict", "type_error.dict"
	case "none":
		return "none is not an allowed value", "type_error.none.not_allowed"
	case "jsondecode":
		return p.msg, "value_error.jsondecode"
	}
	return p.msg, "value_error"
}

// p2 gives the pydantic-2 (Forge) msg and type of a problem.
func (p problem) p2() (string, string) {
	switch p.kind {
	case "missing":
		return "Field required", "missing"
	case "extra":
		return "Extra inputs are not permitted", "extra_forbidden"
	case "int":
		return "Input should be a valid integer", "int_type"
	case "float":
		return "Input should be a valid number", "float_type"
	case "str":
		return "Input should be a valid string", "string_type"
	case "bool":
		return "Input should be a valid boolean", "bool_type"
	case "list":
		return "Input should be a valid list", "list_type"
	case "dict":
		return "Input should be a valid dictionary", "dict_type"
	case "none":
		return "Input should not be None", "none_required"
	case "jsondecode":
		return "JSON decode error", "json_invalid"
	}
	return "Value error, " + p.msg, "value_error"
}

// validation builds the 422 reply in the server's flavor.
func (s *Server) validation(probs []problem) response {
	items := make([]map[string]any, 0, len(probs))
	for _, p := range probs {
		if s.opts.Flavor == FlavorForge {
			msg, typ := p.p2()
			items = append(items, map[string]any{"type": typ, "loc": p.loc, "msg": msg, "input": p.input,
				"url": "https://errors.pydantic.dev/2.8/v/" + typ})
			continue
		}
		msg, typ := p.p1()
		items = append(items, map[string]any{"loc": p.loc, "msg": msg, "type": typ})
	}
	return jsonResp(http.StatusUnprocessableEntity, map[string]any{"detail": items})
}

// invalid is a one-problem 422 with a custom message.
func (s *Server) invalid(msg string, loc ...any) *response {
	r := s.validation([]problem{{loc: append([]any{"body"}, loc...), kind: "value", msg: msg}})
	return &r
}

// parseObject decodes the body as a JSON object or returns the 422.
func (s *Server) parseObject(rq *request) (map[string]any, *response) {
	trimmed := bytes.TrimSpace(rq.body)
	if len(trimmed) == 0 {
		r := s.validation([]problem{{loc: []any{"body"}, kind: "missing"}})
		return nil, &r
	}
	var v any
	if err := json.Unmarshal(trimmed, &v); err != nil {
		off := 0
		var se *json.SyntaxError
		if errors.As(err, &se) {
			off = int(se.Offset)
		}
		r := s.validation([]problem{{loc: []any{"body", off}, kind: "jsondecode",
			msg: fmt.Sprintf("Expecting value: line 1 column %d (char %d)", off+1, off)}})
		return nil, &r
	}
	m, ok := v.(map[string]any)
	if !ok {
		r := s.validation([]problem{{loc: []any{"body"}, kind: "dict", input: v}})
		return nil, &r
	}
	return m, nil
}

// checkFields applies the allow-list and the types; nil when valid.
func (s *Server) checkFields(body map[string]any, spec []fieldSpec) *response {
	var probs []problem
	known := map[string]bool{}
	for _, f := range spec {
		known[f.name] = true
		v, present := body[f.name]
		if !present {
			continue
		}
		probs = append(probs, checkType([]any{"body", f.name}, v, f.typ, f.noNull)...)
	}
	var extras []string
	for k := range body {
		if !known[k] {
			extras = append(extras, k)
		}
	}
	slices.Sort(extras)
	for _, k := range extras {
		probs = append(probs, problem{loc: []any{"body", k}, kind: "extra", input: body[k]})
	}
	if len(probs) == 0 {
		return nil
	}
	r := s.validation(probs)
	return &r
}

// checkType checks one value strictly (no string/number coercion).
func checkType(loc []any, v any, t ftype, noNull bool) []problem {
	if v == nil {
		if noNull {
			return []problem{{loc: loc, kind: "none"}}
		}
		return nil
	}
	bad := func(kind string) []problem { return []problem{{loc: loc, kind: kind, input: v}} }
	switch t {
	case tInt:
		f, ok := v.(float64)
		if !ok || f != math.Trunc(f) || math.IsInf(f, 0) {
			return bad("int")
		}
	case tFloat:
		if _, ok := v.(float64); !ok {
			return bad("float")
		}
	case tStr:
		if _, ok := v.(string); !ok {
			return bad("str")
		}
	case tBool:
		if _, ok := v.(bool); !ok {
			return bad("bool")
		}
	case tList:
		if _, ok := v.([]any); !ok {
			return bad("list")
		}
	case tDict:
		if _, ok := v.(map[string]any); !ok {
			return bad("dict")
		}
	case tListStr:
		list, ok := v.([]any)
		if !ok {
			return bad("list")
		}
		var probs []problem
		for i, item := range list {
			if _, ok := item.(string); !ok {
				probs = append(probs, problem{loc: append(slices.Clone(loc), i), kind: "str", input: item})
			}
		}
		return probs
	}
	return nil
}

// params reads validated values with the API defaults.
type params map[string]any

func (p params) has(k string) bool { return p[k] != nil }

func (p params) int(k string, def int) int {
	if f, ok := p[k].(float64); ok {
		return int(f)
	}
	return def
}

func (p params) float(k string, def float64) float64 {
	if f, ok := p[k].(float64); ok {
		return f
	}
	return def
}

func (p params) str(k, def string) string {
	if s, ok := p[k].(string); ok {
		return s
	}
	return def
}

func (p params) bool(k string, def bool) bool {
	if b, ok := p[k].(bool); ok {
		return b
	}
	return def
}

func (p params) dict(k string) map[string]any {
	m, _ := p[k].(map[string]any)
	return m
}

func (p params) strs(k string) []string {
	list, _ := p[k].([]any)
	out := make([]string, 0, len(list))
	for _, v := range list {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// orderedKeys returns the top-level keys of a JSON object in body order.
func orderedKeys(raw []byte, m map[string]any) []string {
	dec := json.NewDecoder(bytes.NewReader(raw))
	var keys []string
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return sortedKeys(m)
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return sortedKeys(m)
		}
		k, _ := tok.(string)
		keys = append(keys, k)
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return sortedKeys(m)
		}
	}
	return keys
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// stringify renders a JSON value like Python's str().
func stringify(v any) string {
	switch x := v.(type) {
	case nil:
		return "None"
	case string:
		return x
	case bool:
		if x {
			return "True"
		}
		return "False"
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	b, _ := json.Marshal(v)
	return strings.TrimSpace(string(b))
}
