package webui

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestHTTPErrorParsing(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		body    string
		kind    ErrorKind
		message string
		class   string
		fields  []FieldError
	}{
		{"pydantic-1 422", 422, `{"detail":[{"loc":["body","steps"],"msg":"value is not a valid integer","type":"type_error.integer"},{"loc":["body","alwayson_scripts","ADetailer","args",2],"msg":"x","type":"value_error"}]}`,
			KindValidation, "", "", []FieldError{
				{Loc: []string{"body", "steps"}, Msg: "value is not a valid integer", Type: "type_error.integer"},
				{Loc: []string{"body", "alwayson_scripts", "ADetailer", "args", "2"}, Msg: "x", Type: "value_error"}}},
		{"pydantic-2 422 (Forge)", 422, `{"detail":[{"type":"int_parsing","loc":["body","steps"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"abc","url":"https://errors.pydantic.dev/2.5/v/int_parsing"}]}`,
			KindValidation, "", "", []FieldError{{Loc: []string{"body", "steps"}, Msg: "Input should be a valid integer, unable to parse string as an integer", Type: "int_parsing"}}},
		{"query 422", 422, `{"detail":[{"loc":["query","skip_current_image"],"msg":"value could not be parsed to a boolean","type":"type_error.bool"}]}`,
			KindValidation, "", "", []FieldError{{Loc: []string{"query", "skip_current_image"}, Msg: "value could not be parsed to a boolean", Type: "type_error.bool"}}},
		{"script not found", 422, `{"error":"HTTPException","detail":"Script 'foo' not found","body":"","errors":""}`, KindUnknownModel, "Script 'foo' not found", "HTTPException", nil},
		{"selectable script", 422, `{"error":"HTTPException","detail":"Cannot have a selectable script in the always on scripts params","body":"","errors":""}`, KindValidation, "Cannot have a selectable script in the always on scripts params", "HTTPException", nil},
		{"oom", 500, `{"error":"OutOfMemoryError","detail":"","body":"","errors":"CUDA out of memory. Tried to allocate 2.00 GiB"}`, KindOutOfMemory, "CUDA out of memory. Tried to allocate 2.00 GiB", "OutOfMemoryError", nil},
		{"oom in message only", 500, `{"error":"RuntimeError","detail":"","body":"","errors":"HIP out of memory"}`, KindOutOfMemory, "HIP out of memory", "RuntimeError", nil},
		{"unknown model", 500, `{"error":"RuntimeError","detail":"","body":"","errors":"model 'x.safetensors' not found"}`, KindUnknownModel, "model 'x.safetensors' not found", "RuntimeError", nil},
		{"unknown upscaler", 500, `{"error":"AssertionError","detail":"","body":"","errors":"could not find upscaler named Foo"}`, KindUnknownModel, "AssertionError: could not find upscaler named Foo", "AssertionError", nil},
		{"unknown refiner", 500, `{"error":"Exception","detail":"","body":"","errors":"Could not find checkpoint with name nope"}`, KindUnknownModel, "Could not find checkpoint with name nope", "Exception", nil},
		{"key error", 500, `{"error":"KeyError","detail":"","body":"","errors":"'bogus_key'"}`, KindServer, "KeyError: 'bogus_key'", "KeyError", nil},
		{"empty assertion", 500, `{"error":"AssertionError","detail":"","body":"","errors":""}`, KindServer, "AssertionError", "AssertionError", nil},
		{"init image 404", 404, `{"error":"HTTPException","detail":"Init image not found","body":"","errors":""}`, KindNotFound, "Init image not found", "HTTPException", nil},
		{"route 404", 404, `{"detail":"Not Found"}`, KindNotFound, "Not Found", "", nil},
		{"405", 405, `{"detail":"Method Not Allowed"}`, KindBadRequest, "Method Not Allowed", "", nil},
		{"401", 401, `{"error":"HTTPException","detail":"Incorrect username or password","body":"","errors":""}`, KindAuth, "Incorrect username or password", "HTTPException", nil},
		{"proxy html 502", 502, `<html><body>Bad Gateway</body></html>`, KindServer, "<html><body>Bad Gateway</body></html>", "", nil},
		{"empty 503", 503, ``, KindServer, "Service Unavailable", "", nil},
		{"SD.Next code key", 500, `{"error":"ValueError","detail":"","body":"","errors":"bad thing","code":500}`, KindServer, "bad thing", "ValueError", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := httpError("txt2img", "/sdapi/v1/txt2img", tt.status, []byte(tt.body))
			assert.Equal(t, tt.kind, e.Kind, e.Error())
			assert.Equal(t, tt.status, e.Status)
			assert.Equal(t, tt.message, e.Message)
			assert.Equal(t, tt.class, e.Class)
			assert.Equal(t, tt.fields, e.Fields)
		})
	}
}

func TestIsRetryable(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{&Error{Kind: KindConnection}, true},
		{fmt.Errorf("wrapped: %w", &Error{Kind: KindConnection}), true},
		{&Error{Kind: KindServer, Status: 500}, true},
		{&Error{Kind: KindServer, Status: 502}, true},
		{&Error{Kind: KindServer, Status: 503}, true},
		{&Error{Kind: KindServer, Status: 504}, true},
		{&Error{Kind: KindServer, Status: 501}, false},
		{&Error{Kind: KindOutOfMemory, Status: 500}, false},
		{&Error{Kind: KindUnknownModel, Status: 500}, false},
		{&Error{Kind: KindValidation, Status: 422}, false},
		{&Error{Kind: KindTimeout}, false},
		{&Error{Kind: KindAuth, Status: 401}, false},
		{errors.New("plain"), false},
		{nil, false},
	}
	for i, tt := range tests {
		assert.Equal(t, tt.want, IsRetryable(tt.err), "case %d: %v", i, tt.err)
	}
}

func TestErrorKindStrings(t *testing.T) {
	for k := KindUnknown; k <= KindCanceled; k++ {
		assert.NotContains(t, k.String(), "ErrorKind(", "kind %d has a name", k)
	}
	assert.Equal(t, "ErrorKind(99)", ErrorKind(99).String())
	assert.Equal(t, KindUnknown, KindOf(errors.New("x")))
	assert.False(t, IsKind(nil, KindUnknown))
}
