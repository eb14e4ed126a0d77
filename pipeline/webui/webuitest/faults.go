package webuitest

import (
	"net/http"
	"time"
)

// FaultKind is a failure the fake injects on demand.
type FaultKind int

const (
	// FaultServerError answers 500 with a generic Python exception.
	FaultServerError FaultKind = iota + 1
	// FaultUnavailable answers 503 with a plain-text body, like a proxy.
	FaultUnavailable
	// FaultOutOfMemory answers 500 {"error":"OutOfMemoryError","errors":"CUDA out of memory. ..."}.
	FaultOutOfMemory
	// FaultHang never answers until the client gives up, the server closes
	// or (for generations, which then show a job stuck at step 0) an
	// interrupt arrives; an interrupted hung generation returns 200 with no
	// images, like a real job interrupted before its first step.
	FaultHang
	// FaultDropConnection closes the connection without a reply (after the
	// request has been read).
	FaultDropConnection
	// FaultMalformedJSON answers 200 with truncated JSON.
	FaultMalformedJSON
	// FaultInvalidBase64 answers a generation or extras call normally but
	// with images that are not base64 (other endpoints are unaffected).
	FaultInvalidBase64
	// FaultEmptyImages answers a generation call with "images": [] (extras
	// with "image": "").
	FaultEmptyImages
)

// String names the fault kind.
func (k FaultKind) String() string {
	switch k {
	case FaultServerError:
		return "server-error"
	case FaultUnavailable:
		return "unavailable"
	case FaultOutOfMemory:
		return "out-of-memory"
	case FaultHang:
		return "hang"
	case FaultDropConnection:
		return "drop-connection"
	case FaultMalformedJSON:
		return "malformed-json"
	case FaultInvalidBase64:
		return "invalid-base64"
	case FaultEmptyImages:
		return "empty-images"
	}
	return "unknown-fault"
}

// Fault is an injected failure. Count is how many requests it affects;
// Count <= 0 means every request until ClearFaults.
type Fault struct {
	Kind  FaultKind
	Count int
}

// OOMMessage is the message of FaultOutOfMemory.
const OOMMessage = "CUDA out of memory. Tried to allocate 2.00 GiB (GPU 0; 11.99 GiB total capacity; 9.31 GiB already allocated; 1.12 GiB free; 9.50 GiB reserved in total by PyTorch)"

// InjectFault queues a fault for endpoint ("txt2img" or a full path such as
// "/internal/ping"). Faults for one endpoint apply in the order injected.
func (s *Server) InjectFault(endpoint string, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ep := normalizeEndpoint(endpoint)
	fc := f
	s.faults[ep] = append(s.faults[ep], &fc)
}

// ClearFaults removes every pending fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = map[string][]*Fault{}
}

// SetDown makes the server drop every connection without a reply (true)
// or serve again (false).
func (s *Server) SetDown(down bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.down = down
	s.downUntil = time.Time{}
}

// DownFor makes the server drop every connection for d.
func (s *Server) DownFor(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.down = false
	s.downUntil = time.Now().Add(d)
}

func (s *Server) isDown() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.down || time.Now().Before(s.downUntil)
}

// takeFault pops one use of the first fault for path.
func (s *Server) takeFault(path string) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	list := s.faults[path]
	if len(list) == 0 {
		return nil
	}
	f := list[0]
	if f.Count > 0 {
		f.Count--
		if f.Count == 0 {
			s.faults[path] = list[1:]
		}
	}
	return &Fault{Kind: f.Kind, Count: 1}
}

// applyFault answers faults that replace the handler; handled is false for
// the kinds that rewrite a normal reply (or, for a generation hang, run
// inside the handler).
func (s *Server) applyFault(rq *request) (response, bool) {
	switch rq.fault.Kind {
	case FaultServerError:
		return exception("Exception", "fake WebUI: injected server error"), true
	case FaultUnavailable:
		return response{status: http.StatusServiceUnavailable, raw: []byte("Service Unavailable"), ctype: "text/plain"}, true
	case FaultOutOfMemory:
		return exception("OutOfMemoryError", OOMMessage), true
	case FaultDropConnection:
		return response{hijack: true}, true
	case FaultMalformedJSON:
		return response{status: http.StatusOK, raw: []byte(`{"images": ["iVBORw0KGgo`)}, true
	case FaultHang:
		if isGeneration(rq.path) {
			return response{}, false // the job loop hangs at step 0
		}
		select {
		case <-rq.r.Context().Done():
		case <-s.closing:
		}
		return response{hijack: true}, true
	}
	return response{}, false
}

// rewriteForFault mutates a successful generation/extras reply.
func rewriteForFault(kind FaultKind, resp response) response {
	m, ok := resp.body.(map[string]any)
	if !ok || resp.status != http.StatusOK {
		return resp
	}
	switch kind {
	case FaultInvalidBase64:
		if imgs, ok := m["images"].([]any); ok {
			for i := range imgs {
				imgs[i] = "@@not*base64@@"
			}
		}
		if _, ok := m["image"]; ok {
			m["image"] = "@@not*base64@@"
		}
	case FaultEmptyImages:
		if _, ok := m["images"]; ok {
			m["images"] = []any{}
		}
		if _, ok := m["image"]; ok {
			m["image"] = ""
		}
	}
	return resp
}

func isGeneration(path string) bool {
	return path == "/sdapi/v1/txt2img" || path == "/sdapi/v1/img2img"
}
