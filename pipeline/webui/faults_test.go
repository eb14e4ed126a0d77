package webui_test

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stablenew/pipeline/webui"
	"stablenew/pipeline/webui/webuitest"
)

func TestFaultClassificationAndRetries(t *testing.T) {
	type call func(ctx context.Context, c *webui.Client) error
	list := func(ctx context.Context, c *webui.Client) error { _, err := c.SDModels(ctx); return err }
	gen := func(ctx context.Context, c *webui.Client) error {
		r := webui.NewTxt2ImgRequest("x", "")
		r.Width, r.Height = 64, 64
		_, err := c.Txt2Img(ctx, r)
		return err
	}
	tests := []struct {
		name      string
		endpoint  string
		fault     webuitest.FaultKind
		count     int
		call      call
		wantKind  webui.ErrorKind // KindUnknown = success
		wantSent  int             // requests the fake received
		wantSleep int             // retries
		wantMsg   string
		wantIs    error
	}{
		// GETs: transient failures are retried.
		{name: "GET 503 twice then ok", endpoint: "sd-models", fault: webuitest.FaultUnavailable, count: 2, call: list, wantSent: 3, wantSleep: 2},
		{name: "GET dropped once then ok", endpoint: "sd-models", fault: webuitest.FaultDropConnection, count: 1, call: list, wantSent: 2, wantSleep: 1},
		{name: "GET 500 generic then ok", endpoint: "sd-models", fault: webuitest.FaultServerError, count: 1, call: list, wantSent: 2, wantSleep: 1},
		{name: "GET 503 forever", endpoint: "sd-models", fault: webuitest.FaultUnavailable, call: list, wantKind: webui.KindServer, wantSent: 3, wantSleep: 2, wantMsg: "Service Unavailable"},
		{name: "GET out of memory not retried", endpoint: "sd-models", fault: webuitest.FaultOutOfMemory, count: 1, call: list, wantKind: webui.KindOutOfMemory, wantSent: 1},
		{name: "GET malformed JSON", endpoint: "sd-models", fault: webuitest.FaultMalformedJSON, count: 1, call: list, wantKind: webui.KindBadResponse, wantSent: 1},
		// Generation POSTs that reached the WebUI are never retried.
		{name: "txt2img out of memory", endpoint: "txt2img", fault: webuitest.FaultOutOfMemory, count: 1, call: gen, wantKind: webui.KindOutOfMemory, wantSent: 1, wantMsg: webuitest.OOMMessage},
		{name: "txt2img 503", endpoint: "txt2img", fault: webuitest.FaultUnavailable, count: 1, call: gen, wantKind: webui.KindServer, wantSent: 1},
		{name: "txt2img 500", endpoint: "txt2img", fault: webuitest.FaultServerError, count: 1, call: gen, wantKind: webui.KindServer, wantSent: 1, wantMsg: "fake WebUI: injected server error"},
		{name: "txt2img dropped after sending", endpoint: "txt2img", fault: webuitest.FaultDropConnection, count: 1, call: gen, wantKind: webui.KindConnection, wantSent: 1},
		{name: "txt2img malformed JSON", endpoint: "txt2img", fault: webuitest.FaultMalformedJSON, count: 1, call: gen, wantKind: webui.KindBadResponse, wantSent: 1},
		{name: "txt2img invalid base64", endpoint: "txt2img", fault: webuitest.FaultInvalidBase64, count: 1, call: gen, wantKind: webui.KindBadResponse, wantSent: 1, wantIs: webui.ErrInvalidImage},
		{name: "txt2img empty images", endpoint: "txt2img", fault: webuitest.FaultEmptyImages, count: 1, call: gen, wantKind: webui.KindBadResponse, wantSent: 1, wantIs: webui.ErrNoImages},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, c, rec := newFake(t, webuitest.Options{})
			srv.InjectFault(tt.endpoint, webuitest.Fault{Kind: tt.fault, Count: tt.count})
			err := tt.call(ctxT(t), c)
			if tt.wantKind == webui.KindUnknown {
				require.NoError(t, err)
			} else {
				e := requireKind(t, err, tt.wantKind)
				assert.Equal(t, tt.wantSent, e.Attempts, "Error.Attempts")
				if tt.wantMsg != "" {
					assert.Equal(t, tt.wantMsg, e.Message)
				}
				if tt.wantIs != nil {
					assert.ErrorIs(t, err, tt.wantIs)
				}
			}
			assert.Equal(t, tt.wantSent, srv.RequestCount(tt.endpoint), "requests received")
			assert.Len(t, rec.got(), tt.wantSleep, "retries")
		})
	}
}

func TestRetryBackoffDelays(t *testing.T) {
	srv, c, rec := newFake(t, webuitest.Options{}, webui.WithRetry(webui.RetryPolicy{Attempts: 4, BaseDelay: time.Second, MaxDelay: 3 * time.Second}))
	srv.InjectFault("samplers", webuitest.Fault{Kind: webuitest.FaultUnavailable, Count: 3})
	_, err := c.Samplers(ctxT(t))
	require.NoError(t, err)
	assert.Equal(t, []time.Duration{time.Second, 2 * time.Second, 3 * time.Second}, rec.got(), "1s·2^n capped")
}

func TestRetryPolicyJitter(t *testing.T) {
	p := webui.DefaultRetryPolicy()
	for n := range 8 {
		d := p.Delay(n)
		base := min(time.Second<<n, 30*time.Second)
		assert.GreaterOrEqual(t, d, base)
		assert.Less(t, d, base+500*time.Millisecond)
	}
}

func TestOutOfMemoryErrorReadsWell(t *testing.T) {
	srv, c, _ := newFake(t, webuitest.Options{})
	srv.InjectFault("txt2img", webuitest.Fault{Kind: webuitest.FaultOutOfMemory, Count: 1})
	_, err := c.Txt2Img(ctxT(t), webui.NewTxt2ImgRequest("x", ""))
	require.Error(t, err)
	assert.Equal(t, "webui txt2img: out of memory (HTTP 500): "+webuitest.OOMMessage, err.Error())
	assert.False(t, webui.IsRetryable(err))
}

func TestGenerationRetriedOnlyOnDialError(t *testing.T) {
	// Reserve a port, then free it: connecting fails with "connection
	// refused" until the fake starts listening there during the first
	// backoff.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())

	srv := webuitest.New(webuitest.Options{Unstarted: true})
	t.Cleanup(srv.Close)
	rec := &sleepRecorder{hook: func(n int) {
		if n == 1 {
			require.NoError(t, srv.Start(addr))
		}
	}}
	c, err := webui.New("http://"+addr, webui.WithRetry(testPolicy), webui.WithSleep(rec.sleep))
	require.NoError(t, err)
	req := webui.NewTxt2ImgRequest("x", "")
	req.Width, req.Height = 64, 64
	resp, err := c.Txt2Img(ctxT(t), req)
	require.NoError(t, err)
	assert.Len(t, resp.Images, 1)
	assert.Len(t, rec.got(), 1, "one retry after the refused connection")
	assert.Equal(t, 1, srv.RequestCount("txt2img"), "the request reached the WebUI once")
}

func TestHungListCallTimesOut(t *testing.T) {
	srv, c, rec := newFake(t, webuitest.Options{}, webui.WithListTimeout(100*time.Millisecond))
	srv.InjectFault("samplers", webuitest.Fault{Kind: webuitest.FaultHang, Count: 1})
	_, err := c.Samplers(ctxT(t))
	e := requireKind(t, err, webui.KindTimeout)
	assert.Contains(t, e.Error(), "no reply within 100ms")
	assert.Empty(t, rec.got(), "timeouts are not retried")
}

func TestHungGenerationHonoursContext(t *testing.T) {
	srv, c, _ := newFake(t, webuitest.Options{})
	srv.InjectFault("txt2img", webuitest.Fault{Kind: webuitest.FaultHang, Count: 1})
	ctx, cancel := context.WithTimeout(t.Context(), 150*time.Millisecond)
	defer cancel()
	_, err := c.Txt2Img(ctx, webui.NewTxt2ImgRequest("x", ""))
	requireKind(t, err, webui.KindTimeout)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
}

func TestDownServerIsConnectionError(t *testing.T) {
	srv, c, rec := newFake(t, webuitest.Options{})
	srv.DownFor(time.Minute)
	err := c.Ping(ctxT(t))
	requireKind(t, err, webui.KindConnection)
	assert.Empty(t, rec.got(), "Ping is not retried")
	assert.Zero(t, srv.RequestCount("/internal/ping"), "a down server records nothing")
	srv.SetDown(false)
	require.NoError(t, c.Ping(ctxT(t)))
}

// An upscale that never answers was waited on forever (618 s and counting):
// extra-single-image reports no progress to watch, so it has a deadline of
// its own, and is not sent twice.
func TestHungExtrasTimesOut(t *testing.T) {
	srv, c, rec := newFake(t, webuitest.Options{}, webui.WithExtrasTimeout(150*time.Millisecond))
	srv.InjectFault("extra-single-image", webuitest.Fault{Kind: webuitest.FaultHang, Count: 1})
	req := webui.ExtrasRequest{Image: webui.EncodeImage(solidPNG(t, 16, 16)), Upscaler1: "R-ESRGAN 4x+", UpscalingResize: 2}
	start := time.Now()
	_, err := c.ExtraSingleImage(ctxT(t), req)
	e := requireKind(t, err, webui.KindTimeout)
	assert.Contains(t, e.Error(), "no reply within 150ms")
	assert.Less(t, time.Since(start), 5*time.Second)
	assert.Empty(t, rec.got(), "a hung upscale is not sent again")
	assert.Equal(t, 1, srv.RequestCount("extra-single-image"))
	_, err = c.ExtraSingleImage(ctxT(t), req)
	require.NoError(t, err, "the next upscale runs")
}

// A generation has an overall limit even when nobody watches it.
func TestGenerationLimit(t *testing.T) {
	srv, c, rec := newFake(t, webuitest.Options{}, webui.WithGenerationLimit(150*time.Millisecond))
	srv.InjectFault("txt2img", webuitest.Fault{Kind: webuitest.FaultHang, Count: 1})
	_, err := c.Txt2Img(ctxT(t), webui.NewTxt2ImgRequest("x", ""))
	e := requireKind(t, err, webui.KindTimeout)
	assert.Contains(t, e.Error(), "no reply within 150ms")
	assert.Empty(t, rec.got())
	require.NoError(t, c.Interrupt(ctxT(t)))
}
