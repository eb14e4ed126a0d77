package webui

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync/atomic"
	"time"
)

// callClass decides the timeout and the retry rule of a call.
type callClass int

const (
	// classList: GETs and quick POSTs; list timeout; retried when retryable.
	classList callClass = iota
	// classOption: POST /options and refreshes; option timeout; retried when retryable.
	classOption
	// classGenerate: txt2img, img2img; the generation limit (a backstop:
	// the progress watchdog of RunWatched is what catches a stalled
	// render); retried only if the request was never written.
	classGenerate
	// classExtras: extra-single-image, which reports no step progress to
	// watch; the extras timeout; retried only if the request was never
	// written.
	classExtras
)

// maxBodySize bounds a reply body (generation replies hold base64 images).
const maxBodySize = 1 << 30

// call describes one HTTP request.
type call struct {
	method  string
	path    string
	query   url.Values
	body    any
	class   callClass
	noRetry bool
}

// op returns the short operation name used in errors, e.g. "txt2img".
func (c call) op() string { return opName(c.path) }

func opName(path string) string {
	switch {
	case strings.HasPrefix(path, "/sdapi/v1/"):
		return strings.TrimPrefix(path, "/sdapi/v1/")
	case strings.HasPrefix(path, "/adetailer/v1/"):
		return "adetailer " + strings.TrimPrefix(path, "/adetailer/v1/")
	case path == "/internal/ping":
		return "ping"
	}
	return strings.TrimPrefix(path, "/")
}

// timeout returns the per-attempt timeout, 0 for none.
func (c *Client) timeout(class callClass) time.Duration {
	switch class {
	case classList:
		return c.listTimeout
	case classOption:
		return c.optionTimeout
	case classGenerate:
		return c.generateTimeout
	case classExtras:
		return c.extrasTimeout
	}
	return 0
}

// doJSON performs the call and decodes a 2xx JSON reply into out (nil out,
// an empty body or "null" leave out untouched).
func (c *Client) doJSON(ctx context.Context, cl call, out any) error {
	body, attempts, err := c.do(ctx, cl)
	if err != nil {
		return err
	}
	return withAttempts(decodeJSON(cl.op(), cl.path, body, out), attempts)
}

// withAttempts records the attempt count on a decoding error.
func withAttempts(err error, attempts int) error {
	var e *Error
	if errors.As(err, &e) && e.Attempts == 0 {
		e.Attempts = attempts
	}
	return err
}

// decodeJSON decodes body into out, tolerating the NaN/Infinity tokens that
// Python's json module writes.
func decodeJSON(op, endpoint string, body []byte, out any) error {
	if out == nil {
		return nil
	}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || string(trimmed) == "null" {
		return nil
	}
	err := json.Unmarshal(trimmed, out)
	if err != nil {
		if clean, changed := sanitizePythonJSON(trimmed); changed {
			err = json.Unmarshal(clean, out)
		}
	}
	if err != nil {
		return &Error{Kind: KindBadResponse, Op: op, Endpoint: endpoint, Status: http.StatusOK,
			Message: "reply is not the expected JSON: " + err.Error() + " (body: " + truncate(string(trimmed), 120) + ")", Err: err}
	}
	return nil
}

// do performs the call with retries and returns the body of a 2xx reply and
// the number of attempts made.
func (c *Client) do(ctx context.Context, cl call) ([]byte, int, error) {
	var payload []byte
	if cl.body != nil {
		var err error
		payload, err = encodeBody(cl.body)
		if err != nil {
			return nil, 0, &Error{Kind: KindValidation, Op: cl.op(), Endpoint: cl.path,
				Message: "cannot encode request: " + err.Error(), Err: err}
		}
	}
	attempts := c.retry.attempts()
	if cl.noRetry {
		attempts = 1
	}
	for attempt := 1; ; attempt++ {
		start := time.Now()
		body, status, written, err := c.once(ctx, cl, payload)
		if err == nil && (cl.class == classGenerate || cl.class == classExtras) {
			if fn, ok := ctx.Value(replyReadKey{}).(func()); ok {
				fn()
			}
		}
		if err == nil {
			c.log.Debug("webui call", "op", cl.op(), "status", status, "attempt", attempt, "elapsed", time.Since(start))
			return body, attempt, nil
		}
		err.Attempts = attempt
		if attempt >= attempts || !c.shouldRetry(cl, err, written) {
			return nil, attempt, err
		}
		delay := c.retry.Delay(attempt - 1)
		c.log.Warn("webui call failed, retrying", "op", cl.op(), "attempt", attempt, "of", attempts, "delay", delay, "err", err)
		if serr := c.sleep(ctx, delay); serr != nil {
			return nil, attempt, contextError(cl, ctx, serr, attempt)
		}
	}
}

type replyReadKey struct{}

// WithReplyRead returns a context under which a generation or extras call
// (txt2img, img2img, extra-single-image) calls fn as soon as the WebUI's
// reply has been read whole and before it is decoded: the WebUI is free for
// the next request from then on. fn runs on the calling goroutine, once
// per successful reply.
func WithReplyRead(ctx context.Context, fn func()) context.Context {
	return context.WithValue(ctx, replyReadKey{}, fn)
}

// shouldRetry applies the retry rules (see the package doc).
func (c *Client) shouldRetry(cl call, err *Error, written bool) bool {
	if cl.class == classGenerate || cl.class == classExtras {
		return err.Kind == KindConnection && !written
	}
	return IsRetryable(err)
}

// once sends one attempt. written reports whether any part of the request
// was written to the connection.
func (c *Client) once(ctx context.Context, cl call, payload []byte) (body []byte, status int, written bool, e *Error) {
	if err := ctx.Err(); err != nil {
		return nil, 0, false, contextError(cl, ctx, err, 0)
	}
	actx := ctx
	if d := c.timeout(cl.class); d > 0 {
		var cancel context.CancelFunc
		actx, cancel = context.WithTimeout(ctx, d)
		defer cancel()
	}
	var wrote atomic.Bool
	trace := &httptrace.ClientTrace{
		WroteHeaderField: func(string, []string) { wrote.Store(true) },
		WroteHeaders:     func() { wrote.Store(true) },
		WroteRequest:     func(httptrace.WroteRequestInfo) { wrote.Store(true) },
	}
	actx = httptrace.WithClientTrace(actx, trace)

	u := *c.base
	u.Path = c.base.Path + cl.path
	if len(cl.query) > 0 {
		u.RawQuery = cl.query.Encode()
	}
	var rd io.Reader
	if payload != nil {
		rd = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(actx, cl.method, u.String(), rd)
	if err != nil {
		return nil, 0, false, &Error{Kind: KindBadRequest, Op: cl.op(), Endpoint: cl.path, Message: err.Error(), Err: err}
	}
	req.Header.Set("Accept", "application/json")
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.auth {
		req.SetBasicAuth(c.user, c.pass)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, 0, wrote.Load(), transportError(cl, ctx, actx, err, c.timeout(cl.class))
	}
	defer resp.Body.Close()
	body, err = readBody(resp)
	if err != nil {
		return nil, resp.StatusCode, true, transportError(cl, ctx, actx, err, c.timeout(cl.class))
	}
	if len(body) > maxBodySize {
		return nil, resp.StatusCode, true, &Error{Kind: KindBadResponse, Op: cl.op(), Endpoint: cl.path,
			Status: resp.StatusCode, Message: "reply larger than 1 GiB"}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, resp.StatusCode, true, httpError(cl.op(), cl.path, resp.StatusCode, body)
	}
	return body, resp.StatusCode, true, nil
}

// readBody reads a reply's body, at most maxBodySize+1 bytes, as
// io.ReadAll would. A body of known length (a generation's 3 MB of base64)
// is read into one buffer of its size, not grown by doubling: fewer copies
// and less garbage between one generation and the next.
func readBody(resp *http.Response) ([]byte, error) {
	var buf bytes.Buffer
	if n := resp.ContentLength; n > 0 && n <= maxBodySize {
		buf.Grow(int(n) + bytes.MinRead) // room for the read that sees the end
	}
	_, err := buf.ReadFrom(io.LimitReader(resp.Body, maxBodySize+1))
	return buf.Bytes(), err
}

// transportError classifies an error from http.Client.Do or a body read.
// parent is the caller's ctx, actx the per-attempt one.
func transportError(cl call, parent, actx context.Context, err error, timeout time.Duration) *Error {
	if perr := parent.Err(); perr != nil {
		return contextError(cl, parent, perr, 0)
	}
	if errors.Is(err, context.DeadlineExceeded) || actx.Err() != nil {
		return &Error{Kind: KindTimeout, Op: cl.op(), Endpoint: cl.path,
			Message: fmt.Sprintf("no reply within %s", timeout), Err: err}
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return &Error{Kind: KindTimeout, Op: cl.op(), Endpoint: cl.path, Message: err.Error(), Err: err}
	}
	return &Error{Kind: KindConnection, Op: cl.op(), Endpoint: cl.path, Message: connMessage(err), Err: err}
}

// connMessage shortens a *url.Error to its cause.
func connMessage(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return err.Error()
}

// contextError builds the error for a canceled or expired caller context.
func contextError(cl call, ctx context.Context, err error, attempts int) *Error {
	kind := KindCanceled
	if errors.Is(err, context.DeadlineExceeded) {
		kind = KindTimeout
	}
	if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, err) {
		err = fmt.Errorf("%w: %w", err, cause)
	}
	return &Error{Kind: kind, Op: cl.op(), Endpoint: cl.path, Message: err.Error(), Attempts: attempts, Err: err}
}
