package webui

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// ErrorKind classifies a failed WebUI call so callers can decide what to do
// (retry, show a hint, fail the job) without parsing messages.
type ErrorKind int

const (
	// KindUnknown is the zero value; the client never returns it.
	KindUnknown ErrorKind = iota
	// KindConnection: the WebUI could not be reached or dropped the connection.
	KindConnection
	// KindTimeout: no reply in time, or the progress watchdog saw no progress.
	KindTimeout
	// KindValidation: the request was refused as invalid (HTTP 422, or the
	// client's own checks before sending). Error.Fields lists the fields.
	KindValidation
	// KindOutOfMemory: the GPU ran out of memory.
	KindOutOfMemory
	// KindUnknownModel: a checkpoint, upscaler or script name is not installed.
	KindUnknownModel
	// KindAuth: HTTP 401/403; --api-auth credentials are missing or wrong.
	KindAuth
	// KindNotFound: HTTP 404; the endpoint does not exist (API not enabled,
	// extension missing, other fork) or a resource was not found.
	KindNotFound
	// KindServer: any other 5xx reply.
	KindServer
	// KindBadRequest: any other 4xx reply (400, 405, 413, ...).
	KindBadRequest
	// KindBadResponse: the reply could not be understood (not JSON, malformed
	// JSON, invalid base64 image, no images).
	KindBadResponse
	// KindCanceled: the caller's context was canceled.
	KindCanceled
)

var kindNames = map[ErrorKind]string{
	KindUnknown:      "error",
	KindConnection:   "connection failed",
	KindTimeout:      "timed out",
	KindValidation:   "invalid request",
	KindOutOfMemory:  "out of memory",
	KindUnknownModel: "unknown model",
	KindAuth:         "not authorized",
	KindNotFound:     "not found",
	KindServer:       "server error",
	KindBadRequest:   "request refused",
	KindBadResponse:  "bad response",
	KindCanceled:     "canceled",
}

// String returns a short human description such as "out of memory".
func (k ErrorKind) String() string {
	if s, ok := kindNames[k]; ok {
		return s
	}
	return "ErrorKind(" + strconv.Itoa(int(k)) + ")"
}

// ErrNoImages is wrapped by the error returned when a generation reply holds
// no images although send_images was not false (for example a job that was
// interrupted before its first step).
var ErrNoImages = errors.New("the WebUI returned no images")

// ErrInvalidImage is wrapped by the error returned when an image in a reply is
// not valid base64.
var ErrInvalidImage = errors.New("invalid base64 image")

// FieldError is one entry of a validation error: the location of the field
// (e.g. ["body","steps"]), the message and the pydantic error type.
type FieldError struct {
	Loc  []string
	Msg  string
	Type string
}

// Field returns the location without its leading "body"/"query" part, joined
// with dots, e.g. "steps" or "alwayson_scripts.ADetailer.args.2".
func (f FieldError) Field() string {
	loc := f.Loc
	if len(loc) > 1 && (loc[0] == "body" || loc[0] == "query") {
		loc = loc[1:]
	}
	return strings.Join(loc, ".")
}

// String formats the entry as "field: message".
func (f FieldError) String() string {
	if name := f.Field(); name != "" {
		return name + ": " + f.Msg
	}
	return f.Msg
}

// Error is the error returned by every Client call.
type Error struct {
	// Kind classifies the failure.
	Kind ErrorKind
	// Op is the short operation name, e.g. "txt2img" or "sd-models".
	Op string
	// Endpoint is the request path, e.g. "/sdapi/v1/txt2img".
	Endpoint string
	// Status is the HTTP status, or 0 when no reply was received.
	Status int
	// Message is the WebUI's own message (from "errors", "detail" or the 422
	// list) or a description of what went wrong.
	Message string
	// Class is the Python exception class reported by the WebUI
	// ("OutOfMemoryError", "RuntimeError", ...), when known.
	Class string
	// Fields lists the failing fields of a validation error.
	Fields []FieldError
	// Attempts is how many times the request was sent (0 when it failed
	// before being sent).
	Attempts int
	// Err is the underlying error, if any (net errors, context errors,
	// ErrNoImages, ErrInvalidImage, ...).
	Err error
}

// Error reads well for a user, e.g.
// "webui txt2img: out of memory (HTTP 500): CUDA out of memory. Tried to allocate ...".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("webui")
	if e.Op != "" {
		b.WriteString(" ")
		b.WriteString(e.Op)
	}
	b.WriteString(": ")
	b.WriteString(e.Kind.String())
	if e.Status > 0 {
		fmt.Fprintf(&b, " (HTTP %d)", e.Status)
	}
	msg := e.Message
	if msg == "" && len(e.Fields) > 0 {
		parts := make([]string, len(e.Fields))
		for i, f := range e.Fields {
			parts[i] = f.String()
		}
		msg = strings.Join(parts, "; ")
	}
	if msg == "" && e.Err != nil {
		msg = e.Err.Error()
	}
	if msg != "" {
		b.WriteString(": ")
		b.WriteString(msg)
	}
	return b.String()
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// KindOf returns the Kind of err if it is (or wraps) an *Error, else KindUnknown.
func KindOf(err error) ErrorKind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindUnknown
}

// IsKind reports whether err is (or wraps) an *Error of the given kind.
func IsKind(err error, kind ErrorKind) bool { return err != nil && KindOf(err) == kind }

// IsRetryable reports whether err is worth retrying later: a connection
// failure or a transient server error (HTTP 500 that is not out-of-memory or
// an unknown model, 502, 503, 504). Validation errors, 4xx replies, unknown
// models and out-of-memory are not retryable.
func IsRetryable(err error) bool {
	var e *Error
	if !errors.As(err, &e) {
		return false
	}
	switch e.Kind {
	case KindConnection:
		return true
	case KindServer:
		switch e.Status {
		case http.StatusInternalServerError, http.StatusBadGateway,
			http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			return true
		}
	}
	return false
}

// errorBody is the union of the WebUI error shapes: the A1111 middleware's
// {"error","detail","body","errors"} and FastAPI's {"detail": ...}.
type errorBody struct {
	Error  any             `json:"error"`
	Detail json.RawMessage `json:"detail"`
	Errors any             `json:"errors"`
}

// maxMessageLen bounds messages taken from non-JSON error bodies.
const maxMessageLen = 300

// httpError builds the *Error for a non-2xx reply.
func httpError(op, endpoint string, status int, body []byte) *Error {
	e := &Error{Op: op, Endpoint: endpoint, Status: status}
	parseErrorBody(e, body)
	e.Kind = classify(status, e.Class, e.Message)
	if e.Message == "" && len(e.Fields) == 0 {
		e.Message = http.StatusText(status)
	}
	return e
}

// parseErrorBody fills Message, Class and Fields from a reply body.
func parseErrorBody(e *Error, body []byte) {
	trimmed := strings.TrimSpace(string(body))
	if trimmed == "" {
		return
	}
	var eb errorBody
	if err := json.Unmarshal(body, &eb); err != nil || !strings.HasPrefix(trimmed, "{") {
		e.Message = truncate(trimmed, maxMessageLen)
		return
	}
	e.Class = stringOf(eb.Error)
	errorsMsg := stringOf(eb.Errors)
	var detailStr string
	if len(eb.Detail) > 0 {
		var list []map[string]any
		if json.Unmarshal(eb.Detail, &list) == nil {
			e.Fields = parseFieldErrors(list)
		} else {
			var s any
			if json.Unmarshal(eb.Detail, &s) == nil {
				detailStr = stringOf(s)
			}
		}
	}
	switch {
	case errorsMsg != "":
		e.Message = errorsMsg
	case detailStr != "":
		e.Message = detailStr
	}
	// A bare "'bogus_key'" or "" from a KeyError/AssertionError says little
	// without its class.
	if (e.Class == "KeyError" || e.Class == "AssertionError") && !strings.Contains(e.Message, e.Class) {
		if e.Message == "" {
			e.Message = e.Class
		} else {
			e.Message = e.Class + ": " + e.Message
		}
	}
	if e.Message == "" && len(e.Fields) == 0 && e.Class != "" {
		e.Message = e.Class
	}
}

// parseFieldErrors reads pydantic-1 ({loc,msg,type}) and pydantic-2
// ({type,loc,msg,input,url}) validation entries.
func parseFieldErrors(list []map[string]any) []FieldError {
	out := make([]FieldError, 0, len(list))
	for _, item := range list {
		fe := FieldError{Msg: stringOf(item["msg"]), Type: stringOf(item["type"])}
		if locs, ok := item["loc"].([]any); ok {
			for _, l := range locs {
				fe.Loc = append(fe.Loc, stringOf(l))
			}
		}
		out = append(out, fe)
	}
	return out
}

// classify maps a status and message to a Kind.
func classify(status int, class, msg string) ErrorKind {
	if isOOM(class) || isOOM(msg) {
		return KindOutOfMemory
	}
	if isUnknownModel(msg) {
		return KindUnknownModel
	}
	switch {
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return KindAuth
	case status == http.StatusNotFound:
		return KindNotFound
	case status == http.StatusUnprocessableEntity:
		return KindValidation
	case status >= 500:
		return KindServer
	case status >= 400:
		return KindBadRequest
	}
	return KindBadResponse
}

func isOOM(s string) bool {
	l := strings.ToLower(s)
	return strings.Contains(l, "out of memory") || strings.Contains(l, "outofmemoryerror")
}

func isUnknownModel(s string) bool {
	l := strings.ToLower(s)
	switch {
	case strings.Contains(l, "could not find checkpoint with name"),
		strings.Contains(l, "could not find upscaler named"):
		return true
	case strings.HasPrefix(l, "model '") && strings.HasSuffix(l, "' not found"),
		strings.Contains(l, " model '") && strings.Contains(l, "' not found"):
		return true
	case strings.HasPrefix(l, "script '") && strings.HasSuffix(l, "' not found"):
		return true
	}
	return false
}

// stringOf renders a decoded JSON value as text; nil gives "".
func stringOf(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	default:
		b, err := json.Marshal(x)
		if err != nil {
			return fmt.Sprint(x)
		}
		return string(b)
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// validationError builds a client-side KindValidation error.
func validationError(op, endpoint string, fields []FieldError) *Error {
	return &Error{Kind: KindValidation, Op: op, Endpoint: endpoint, Fields: fields}
}
