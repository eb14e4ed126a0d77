package runner

import (
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stablenew/pipeline"
	"stablenew/pipeline/webui"
	"stablenew/pipeline/webui/webuitest"
)

// A hung upscale ends the job as "WebUI unavailable" (which the queue
// retries, then fails with the reason) within the extras timeout, and the
// WebUI is told to stop, instead of blocking its worker forever.
func TestHungUpscaleEndsTheJob(t *testing.T) {
	srv := webuitest.New(webuitest.Options{})
	t.Cleanup(srv.Close)
	c, err := webui.New(srv.URL(), webui.WithRetry(webui.RetryPolicy{Attempts: 1}), webui.WithExtrasTimeout(200*time.Millisecond))
	require.NoError(t, err)
	r := New(c, Options{ProgressInterval: 20 * time.Millisecond, Logger: slog.New(slog.DiscardHandler)})
	srv.InjectFault("extra-single-image", webuitest.Fault{Kind: webuitest.FaultHang, Count: 1})
	job := newJob(t, func(c *pipeline.PipelineConfig) { c.Upscale.Enabled = true })
	start := time.Now()
	_, err = r.Run(t.Context(), job, nil)
	require.Error(t, err)
	assert.True(t, errors.Is(err, ErrBackendUnavailable), "%v", err)
	assert.Contains(t, err.Error(), "upscale: ")
	assert.Contains(t, err.Error(), "no reply within 200ms")
	assert.Less(t, time.Since(start), 10*time.Second)
	assert.Equal(t, 1, srv.RequestCount("interrupt"), "the WebUI was told to stop")
	res, err := r.Run(t.Context(), job, nil)
	require.NoError(t, err, "the job runs again")
	assert.Len(t, res.Outputs, 1)
}
