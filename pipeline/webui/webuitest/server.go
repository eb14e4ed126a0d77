// Package webuitest is a strict fake AUTOMATIC1111 WebUI for tests and the
// demo backend.
//
// It serves the endpoints StableNew uses with the real response shapes, but
// it is stricter than the real WebUI: a request key the real WebUI would
// silently ignore (a misspelt field) gets a pydantic-style 422, as do wrong
// types, malformed ADetailer args and unknown samplers. It renders real PNGs
// (solid colour derived from the seed, with a correct "parameters"
// infotext), simulates sampling time and progress, records every request
// and injects faults on demand.
package webuitest

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Flavor selects which WebUI the fake imitates where they differ.
type Flavor int

const (
	// FlavorA1111 is AUTOMATIC1111 1.10 (the default).
	FlavorA1111 Flavor = iota
	// FlavorForge has no /sdapi/v1/sd-vae (use /sd-modules) and answers 422
	// in the pydantic-2 shape.
	FlavorForge
	// FlavorSDNext has no /internal/ping and answers interrupt and skip
	// with 204.
	FlavorSDNext
)

// Options configures a Server. The zero value is a ready A1111 fake.
type Options struct {
	Flavor Flavor
	// Checkpoints are titles like "name.safetensors [hash10]" or
	// "SDXL/name.safetensors [hash10]"; a title without " [hash]" is a file
	// never hashed, until it is loaded (default DefaultCheckpoints; see
	// also SubfolderCheckpoints).
	Checkpoints []string
	// VAEs are file names (default DefaultVAEs).
	VAEs []string
	// Upscalers are upscaler names besides None, Lanczos and Nearest
	// (default DefaultUpscalers).
	Upscalers []string
	// Loras and Embeddings are names (defaults DefaultLoras, DefaultEmbeddings).
	Loras      []string
	Embeddings []string
	// SkippedEmbeddings are embeddings listed as skipped: they do not fit
	// the loaded model.
	SkippedEmbeddings []string
	// ADetailerModels (default DefaultADetailerModels).
	ADetailerModels []string
	// NoADetailer removes the ADetailer extension (its routes 404 and its
	// script is unknown).
	NoADetailer bool
	// NoLoras removes the Lora extension's /sdapi/v1/loras.
	NoLoras bool
	// PhotoImages makes generated and upscaled images photo-sized: 8-bit
	// RGB with noisy pixels, about 2 MB at 1024×1024 like a real render,
	// instead of tiny solid-colour PNGs. For benchmarks of the image path.
	PhotoImages bool
	// Scripts are extra always-on script titles to accept (args unchecked).
	Scripts []string
	// StepDuration is the simulated time per sampling step (default 0).
	StepDuration time.Duration
	// ModelLoadDuration is the simulated time of a checkpoint switch.
	ModelLoadDuration time.Duration
	// PreviewEvery sets show_progress_every_n_steps (default 10 like A1111).
	PreviewEvery int
	// Auth is --api-auth: "user:pass[,user2:pass2]". Empty = no auth.
	Auth string
	// Seed seeds the random seeds given for seed -1 (0 = time based).
	Seed uint64
	// Unstarted makes New return a server that is not listening yet; call
	// Start.
	Unstarted bool
}

// DemoOptions are options for a demo backend: visible sampling time, a
// model load delay, frequent live previews, and the LoRAs and embeddings
// the shipped sample packs name (so the demo runs them as a WebUI that has
// everything would).
func DemoOptions() Options {
	return Options{StepDuration: 60 * time.Millisecond, ModelLoadDuration: 800 * time.Millisecond, PreviewEvery: 2,
		Loras:      append(append([]string{}, DefaultLoras...), SampleLoras...),
		Embeddings: append(append([]string{}, DefaultEmbeddings...), SampleEmbeddings...)}
}

// SampleLoras and SampleEmbeddings are the LoRAs and embeddings the shipped
// sample packs name beyond the defaults.
var (
	SampleLoras      = []string{"xl_more_art-full_v1"}
	SampleEmbeddings = []string{"ziprealism", "negativeXL_D", "unaestheticXLv31"}
)

// Server is the fake WebUI. All methods are safe for concurrent use.
type Server struct {
	opts    Options
	routes  map[string]map[string]handlerFunc
	closing chan struct{}
	queue   chan struct{} // the WebUI's queue_lock

	active atomic.Int64 // running handlers

	srvMu    sync.Mutex
	httpSrv  *http.Server
	listener net.Listener
	closed   bool

	mu        sync.Mutex
	requests  map[string][]map[string]any
	spans     map[string][]Span
	faults    map[string][]*Fault
	downUntil time.Time
	down      bool
	options   map[string]any
	switches  int
	vaeSwaps  int
	rng       *rand.Rand
	job       jobState
	ckpts     []checkpoint
	vaes      []string
}

// New creates a fake WebUI listening on a random loopback port (unless
// opts.Unstarted).
func New(opts Options) *Server {
	s := &Server{
		opts:     opts,
		closing:  make(chan struct{}),
		queue:    make(chan struct{}, 1),
		requests: map[string][]map[string]any{},
		spans:    map[string][]Span{},
		faults:   map[string][]*Fault{},
	}
	seed := opts.Seed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	s.rng = rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	s.ckpts = parseCheckpoints(orDefault(opts.Checkpoints, DefaultCheckpoints))
	s.vaes = orDefault(opts.VAEs, DefaultVAEs)
	s.options = defaultOptions(s)
	s.routes = s.buildRoutes()
	if !opts.Unstarted {
		if err := s.Start("127.0.0.1:0"); err != nil {
			panic("webuitest: cannot listen on a loopback port: " + err.Error())
		}
	}
	return s
}

// Start listens on addr (e.g. "127.0.0.1:7860") and serves in the
// background.
func (s *Server) Start(addr string) error {
	s.srvMu.Lock()
	defer s.srvMu.Unlock()
	if s.closed {
		return errors.New("webuitest: server closed")
	}
	if s.listener != nil {
		return errors.New("webuitest: already started")
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("webuitest: listen %s: %w", addr, err)
	}
	s.listener = l
	s.httpSrv = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.httpSrv.Serve(l) }()
	return nil
}

// URL returns the base URL ("http://127.0.0.1:port"), or "" before Start.
func (s *Server) URL() string {
	s.srvMu.Lock()
	defer s.srvMu.Unlock()
	if s.listener == nil {
		return ""
	}
	return "http://" + s.listener.Addr().String()
}

// Close stops the server; hung requests are released.
func (s *Server) Close() {
	s.srvMu.Lock()
	if s.closed {
		s.srvMu.Unlock()
		return
	}
	s.closed = true
	close(s.closing)
	srv := s.httpSrv
	s.srvMu.Unlock()
	if srv != nil {
		_ = srv.Close() // closes the listener and every connection at once
	}
	// Wait (bounded) for handlers still running; hung ones see closing.
	deadline := time.Now().Add(5 * time.Second)
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for s.active.Load() > 0 && time.Now().Before(deadline) {
		<-tick.C
	}
}

// Handler returns the server's http.Handler (for use with httptest).
func (s *Server) Handler() http.Handler { return s }

// Requests returns the JSON bodies received on endpoint ("txt2img" or
// "/sdapi/v1/txt2img"), oldest first. GET requests are recorded as their
// query parameters. The maps are copies.
func (s *Server) Requests(endpoint string) []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	recs := s.requests[normalizeEndpoint(endpoint)]
	out := make([]map[string]any, len(recs))
	for i, r := range recs {
		out[i] = deepCopy(r)
	}
	return out
}

// Span is when the fake served one request: from its arrival (its headers
// read) until its reply was written out to the connection. Between one
// generation's End and the next one's Start the GPU of a real WebUI would
// sit idle.
type Span struct {
	Start, End time.Time
}

// Spans returns when each request on endpoint was served, oldest first
// (requests still being served are not listed).
func (s *Server) Spans(endpoint string) []Span {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.spans[normalizeEndpoint(endpoint)])
}

// RequestCount returns how many requests endpoint received.
func (s *Server) RequestCount(endpoint string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.requests[normalizeEndpoint(endpoint)])
}

// ResetRequests forgets the recorded requests and their spans.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = map[string][]map[string]any{}
	s.spans = map[string][]Span{}
}

// ModelSwitches counts checkpoint loads (POST /options and
// override_settings switches, including restores).
func (s *Server) ModelSwitches() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.switches
}

// VAESwitches counts sd_vae changes.
func (s *Server) VAESwitches() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.vaeSwaps
}

// CurrentModel returns the sd_model_checkpoint title.
func (s *Server) CurrentModel() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, _ := s.options["sd_model_checkpoint"].(string)
	return m
}

// AddCheckpoint adds a checkpoint title while the fake runs (a model the
// user copies in while the app runs); the lists show it from now on.
func (s *Server) AddCheckpoint(title string) {
	c := parseCheckpoints([]string{title})
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ckpts = append(s.ckpts, c...)
}

// normalizeEndpoint turns "txt2img" into "/sdapi/v1/txt2img".
func normalizeEndpoint(e string) string {
	if strings.HasPrefix(e, "/") {
		return e
	}
	return "/sdapi/v1/" + e
}

// request is one received request, body already read.
type request struct {
	r     *http.Request
	w     http.ResponseWriter
	path  string
	body  []byte
	fault *Fault
}

// response is what a handler produced; faults may rewrite it.
type response struct {
	status int
	body   any    // JSON-encoded unless raw is set
	raw    []byte // written verbatim
	ctype  string
	noBody bool // 204
	header map[string]string
	hijack bool // drop the connection instead of answering
}

type handlerFunc func(rq *request) response

// maxBody bounds request bodies.
const maxBody = 256 << 20

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.active.Add(1)
	defer s.active.Add(-1)
	start := time.Now()
	if s.isDown() {
		hijackClose(w)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		hijackClose(w)
		return
	}
	rq := &request{r: r, w: w, path: r.URL.Path, body: body}
	s.record(rq)
	defer s.recordSpan(rq.path, start)
	resp := s.dispatch(rq)
	if resp.hijack {
		hijackClose(w)
		return
	}
	for k, v := range resp.header {
		w.Header().Set(k, v)
	}
	w.Header().Set("X-Process-Time", fmt.Sprintf("%.4f", time.Since(start).Seconds()))
	if resp.noBody {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	payload := resp.raw
	if payload == nil {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(resp.body); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		payload = bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	}
	ctype := resp.ctype
	if ctype == "" {
		ctype = "application/json"
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Length", fmt.Sprint(len(payload)))
	w.WriteHeader(resp.status)
	_, _ = w.Write(payload)
	if f, ok := w.(http.Flusher); ok {
		f.Flush() // the reply is out before its span ends
	}
}

// recordSpan notes when a request was served.
func (s *Server) recordSpan(path string, start time.Time) {
	end := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.spans[path] = append(s.spans[path], Span{Start: start, End: end})
}

// dispatch routes, checks auth, applies faults and runs the handler.
func (s *Server) dispatch(rq *request) response {
	methods, ok := s.routes[rq.path]
	if !ok {
		return jsonResp(http.StatusNotFound, map[string]any{"detail": "Not Found"})
	}
	h, ok := methods[rq.r.Method]
	if !ok {
		return jsonResp(http.StatusMethodNotAllowed, map[string]any{"detail": "Method Not Allowed"})
	}
	if resp, denied := s.checkAuth(rq); denied {
		return resp
	}
	rq.fault = s.takeFault(rq.path)
	if rq.fault != nil {
		if resp, handled := s.applyFault(rq); handled {
			return resp
		}
	}
	resp := h(rq)
	if rq.fault != nil {
		resp = rewriteForFault(rq.fault.Kind, resp)
	}
	return resp
}

// record stores the request body (or the query of a body-less request).
func (s *Server) record(rq *request) {
	var rec map[string]any
	if len(bytes.TrimSpace(rq.body)) > 0 {
		if err := json.Unmarshal(rq.body, &rec); err != nil || rec == nil {
			rec = map[string]any{"_raw": string(rq.body)}
		}
	} else {
		rec = map[string]any{}
		for k, v := range rq.r.URL.Query() {
			rec[k] = strings.Join(v, ",")
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests[rq.path] = append(s.requests[rq.path], rec)
}

// checkAuth enforces --api-auth on the core /sdapi/v1 routes.
func (s *Server) checkAuth(rq *request) (response, bool) {
	if s.opts.Auth == "" || !strings.HasPrefix(rq.path, "/sdapi/v1/") || rq.path == "/sdapi/v1/loras" {
		return response{}, false
	}
	user, pass, ok := rq.r.BasicAuth()
	if !ok {
		return authFailed("Not authenticated"), true
	}
	for _, cred := range strings.Split(s.opts.Auth, ",") {
		u, p, _ := strings.Cut(strings.TrimSpace(cred), ":")
		if u == user && p == pass {
			return response{}, false
		}
	}
	return authFailed("Incorrect username or password"), true
}

func authFailed(detail string) response {
	resp := middlewareError(http.StatusUnauthorized, "HTTPException", detail, "")
	resp.header = map[string]string{"WWW-Authenticate": "Basic"}
	return resp
}

// jsonResp is a JSON reply.
func jsonResp(status int, body any) response { return response{status: status, body: body} }

// middlewareError is A1111's {"error","detail","body","errors"} shape.
func middlewareError(status int, class, detail, errs string) response {
	return jsonResp(status, map[string]any{"error": class, "detail": detail, "body": "", "errors": errs})
}

// exception is a Python exception raised in a handler (500, message in errors).
func exception(class, msg string) response {
	return middlewareError(http.StatusInternalServerError, class, "", msg)
}

// httpException is a FastAPI HTTPException (message in detail).
func httpException(status int, detail string) response {
	return middlewareError(status, "HTTPException", detail, "")
}

// hijackClose drops the connection without a reply.
func hijackClose(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0) // send RST: an unmistakable drop
	}
	_ = conn.Close()
}

// waitCtx waits for d, the request's end or the server's close; it reports
// whether the full duration passed.
func (s *Server) waitCtx(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
	case <-s.closing:
	}
	return false
}

// acquireQueue takes the queue lock, like A1111's queue_lock.
func (s *Server) acquireQueue(ctx context.Context) bool {
	select {
	case s.queue <- struct{}{}:
		return true
	case <-ctx.Done():
	case <-s.closing:
	}
	return false
}

func (s *Server) releaseQueue() { <-s.queue }

func orDefault(v, def []string) []string {
	if v == nil {
		return def
	}
	return v
}

func deepCopy(m map[string]any) map[string]any {
	b, err := json.Marshal(m)
	if err != nil {
		return maps.Clone(m)
	}
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	return out
}

// b64 encodes bytes as raw base64.
func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
