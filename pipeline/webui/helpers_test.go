package webui_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"stablenew/pipeline/webui"
	"stablenew/pipeline/webui/webuitest"
)

// sleepRecorder replaces the retry sleep: it records the delays and returns
// at once.
type sleepRecorder struct {
	mu     sync.Mutex
	delays []time.Duration
	hook   func(n int) // called with the 1-based retry number
}

func (s *sleepRecorder) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.delays = append(s.delays, d)
	n := len(s.delays)
	hook := s.hook
	s.mu.Unlock()
	if hook != nil {
		hook(n)
	}
	return ctx.Err()
}

func (s *sleepRecorder) got() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.delays)
}

// testPolicy is the default policy without jitter, so delays are exact.
var testPolicy = webui.RetryPolicy{Attempts: 3, BaseDelay: time.Second, MaxDelay: 30 * time.Second}

// newFake starts a fake and a client for it whose retries do not wait.
func newFake(t *testing.T, opts webuitest.Options, copts ...webui.Option) (*webuitest.Server, *webui.Client, *sleepRecorder) {
	t.Helper()
	srv := webuitest.New(opts)
	t.Cleanup(srv.Close)
	rec := &sleepRecorder{}
	all := append([]webui.Option{webui.WithRetry(testPolicy), webui.WithSleep(rec.sleep), webui.WithListTimeout(5 * time.Second)}, copts...)
	c, err := webui.New(srv.URL(), all...)
	require.NoError(t, err)
	return srv, c, rec
}

// keysOf returns the sorted keys of a recorded request.
func keysOf(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// decodePNG decodes a PNG and returns its size.
func decodePNG(t *testing.T, b []byte) (int, int) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	require.NoError(t, err)
	return img.Bounds().Dx(), img.Bounds().Dy()
}

// solidPNG renders a w×h PNG for init images.
func solidPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, img))
	return buf.Bytes()
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		<-tick.C
	}
}

// requireKind asserts err is a *webui.Error of kind.
func requireKind(t *testing.T, err error, kind webui.ErrorKind) *webui.Error {
	t.Helper()
	require.Error(t, err)
	var e *webui.Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, kind, e.Kind, "error: %v", err)
	return e
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}
