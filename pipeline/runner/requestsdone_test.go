package runner

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stablenew/pipeline"
	"stablenew/pipeline/webui/webuitest"
)

// The runner says RequestsDone once, after the WebUI has answered the
// job's last request and before that request's image is saved; nothing
// is asked of the WebUI after it.
func TestRequestsDoneComesOnceAfterTheLastRequest(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(c *pipeline.PipelineConfig)
		last   string // the endpoint of the job's last request
		count  int    // requests to it
	}{
		{"txt2img", nil, "/sdapi/v1/txt2img", 1},
		{"img2img of a batch", func(c *pipeline.PipelineConfig) { c.Batch.BatchSize = 3; c.Img2Img.Enabled = true }, "/sdapi/v1/img2img", 3},
		{"upscale of a batch", func(c *pipeline.PipelineConfig) {
			c.Batch.BatchSize = 2
			c.Upscale.Enabled, c.Upscale.Factor = true, 2
		}, "/sdapi/v1/extra-single-image", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, r := newFake(t, webuitest.Options{})
			job := newJob(t, tc.change)
			var mu sync.Mutex
			done := 0
			var lastAtDone, totalAtDone, filesAtDone int
			_, err := r.Run(context.Background(), job, func(p Progress) {
				if !p.RequestsDone {
					return
				}
				mu.Lock()
				defer mu.Unlock()
				done++
				lastAtDone = srv.RequestCount(tc.last)
				totalAtDone = totalRequests(srv)
				files, _ := filepath.Glob(filepath.Join(job.OutputDir, "*"))
				filesAtDone = len(files)
			})
			require.NoError(t, err)
			assert.Equal(t, 1, done, "RequestsDone is said once")
			assert.Equal(t, tc.count, lastAtDone, "after the last request was answered")
			assert.Equal(t, totalRequests(srv), totalAtDone, "no request after it")
			entries, err := os.ReadDir(job.OutputDir)
			require.NoError(t, err)
			assert.Less(t, filesAtDone, len(entries), "before the last image and the manifest are written")
		})
	}
}

// totalRequests counts what the fake WebUI was asked, progress polls and
// lists aside.
func totalRequests(srv *webuitest.Server) int {
	n := 0
	for _, e := range []string{"/sdapi/v1/txt2img", "/sdapi/v1/img2img", "/sdapi/v1/extra-single-image", "/sdapi/v1/options", "/sdapi/v1/interrupt"} {
		n += srv.RequestCount(e)
	}
	return n
}
