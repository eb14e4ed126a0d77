package webui_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stablenew/pipeline/webui"
	"stablenew/pipeline/webui/webuitest"
)

// progressLog collects progress callbacks.
type progressLog struct {
	mu       sync.Mutex
	all      []webui.Progress
	previews [][]byte
}

func (l *progressLog) add(p webui.Progress) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.all = append(l.all, p)
	if p.CurrentImage != nil {
		l.previews = append(l.previews, p.CurrentImage)
	}
}

func (l *progressLog) snapshot() ([]webui.Progress, [][]byte) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]webui.Progress{}, l.all...), append([][]byte{}, l.previews...)
}

func TestWatchProgressSeesAdvancingStepsAndPreviews(t *testing.T) {
	_, c, _ := newFake(t, webuitest.Options{StepDuration: 8 * time.Millisecond, PreviewEvery: 3})
	req := webui.NewTxt2ImgRequest("x", "")
	req.Width, req.Height = 64, 64
	req.Steps = 30
	var log progressLog
	resp, err := c.Txt2ImgWatched(ctxT(t), req, webui.WatchOptions{Interval: 5 * time.Millisecond, Previews: true}, log.add)
	require.NoError(t, err)
	require.Len(t, resp.Images, 1)

	all, previews := log.snapshot()
	var steps []int
	for _, p := range all {
		if p.Busy() {
			assert.Equal(t, 30, p.State.SamplingSteps)
			assert.Equal(t, "scripts_txt2img", p.State.Job)
			assert.Greater(t, p.Progress, 0.0)
			if len(steps) == 0 || steps[len(steps)-1] != p.State.SamplingStep {
				steps = append(steps, p.State.SamplingStep)
			}
		}
	}
	require.GreaterOrEqual(t, len(steps), 3, "several distinct steps observed: %v", steps)
	assert.IsNonDecreasing(t, steps)
	require.NotEmpty(t, previews, "live previews decoded")
	w, h := decodePNG(t, previews[0])
	assert.Equal(t, [2]int{64, 64}, [2]int{w, h})
	// Each preview is delivered once: consecutive previews differ.
	for i := 1; i < len(previews); i++ {
		assert.NotEqual(t, previews[i-1], previews[i])
	}
}

func TestWatchdogInterruptsHungGeneration(t *testing.T) {
	srv, c, _ := newFake(t, webuitest.Options{}, webui.WithWatchdog(200*time.Millisecond))
	srv.InjectFault("txt2img", webuitest.Fault{Kind: webuitest.FaultHang, Count: 1})
	start := time.Now()
	_, err := c.Txt2ImgWatched(ctxT(t), webui.NewTxt2ImgRequest("x", ""), webui.WatchOptions{Interval: 10 * time.Millisecond}, nil)
	e := requireKind(t, err, webui.KindTimeout)
	assert.Equal(t, "webui progress watchdog: timed out: no progress for 200ms; interrupted", e.Error())
	assert.GreaterOrEqual(t, time.Since(start), 200*time.Millisecond)
	assert.Equal(t, 1, srv.RequestCount("interrupt"), "the watchdog interrupted the WebUI")

	// The WebUI is usable again afterwards.
	req := webui.NewTxt2ImgRequest("x", "")
	req.Width, req.Height = 64, 64
	_, err = c.Txt2Img(ctxT(t), req)
	require.NoError(t, err)
}

func TestWatchdogDoesNotFireWhileStepsAdvance(t *testing.T) {
	srv, c, _ := newFake(t, webuitest.Options{StepDuration: 10 * time.Millisecond})
	req := webui.NewTxt2ImgRequest("x", "")
	req.Width, req.Height = 64, 64
	req.Steps = 60 // 600ms of sampling, twice the watchdog
	_, err := c.Txt2ImgWatched(ctxT(t), req, webui.WatchOptions{Interval: 5 * time.Millisecond, Watchdog: 300 * time.Millisecond}, nil)
	require.NoError(t, err)
	assert.Zero(t, srv.RequestCount("interrupt"))
}

func TestInterruptReturnsPartialImage(t *testing.T) {
	srv, c, _ := newFake(t, webuitest.Options{StepDuration: 5 * time.Millisecond})
	req := webui.NewTxt2ImgRequest("x", "")
	req.Width, req.Height = 64, 64
	req.Steps = 1000
	req.NIter = 3
	type result struct {
		resp *webui.GenerationResponse
		err  error
	}
	done := make(chan result, 1)
	go func() {
		r, err := c.Txt2Img(context.Background(), req)
		done <- result{r, err}
	}()
	eventually(t, "sampling to start", func() bool {
		p, err := c.Progress(ctxT(t), true)
		return err == nil && p.Busy() && p.State.SamplingStep >= 2
	})
	require.NoError(t, c.Interrupt(ctxT(t)))
	res := <-done
	require.NoError(t, res.err)
	assert.Len(t, res.resp.Images, 1, "the partial batch comes back, the other n_iter are skipped")
	p, err := c.Progress(ctxT(t), true)
	require.NoError(t, err)
	assert.False(t, p.Busy())
	assert.True(t, p.State.Interrupted)
	assert.Equal(t, 1, srv.RequestCount("interrupt"))
}

func TestSkipEndsBatchButKeepsGoing(t *testing.T) {
	_, c, _ := newFake(t, webuitest.Options{StepDuration: 2 * time.Millisecond})
	req := webui.NewTxt2ImgRequest("x", "")
	req.Width, req.Height = 64, 64
	req.Steps = 1000 // 2s per batch unless skipped
	req.NIter = 2
	done := make(chan error, 1)
	var resp *webui.GenerationResponse
	start := time.Now()
	go func() {
		var err error
		resp, err = c.Txt2Img(context.Background(), req)
		done <- err
	}()
	for batch := range 2 {
		eventually(t, "batch sampling", func() bool {
			p, err := c.Progress(ctxT(t), true)
			return err == nil && p.Busy() && p.State.JobNo == batch && p.State.SamplingStep >= 1
		})
		require.NoError(t, c.Skip(ctxT(t)))
	}
	require.NoError(t, <-done)
	assert.Less(t, time.Since(start), 1500*time.Millisecond, "both batches ended early")
	assert.Len(t, resp.Images, 2, "skip keeps the current image and runs the next batch")
}

func TestProgressHelpers(t *testing.T) {
	p := webui.Progress{ETARelative: 1.5, State: webui.ProgressState{JobCount: -1}}
	assert.True(t, p.Busy(), "job_count -1 means a job is starting")
	assert.Equal(t, 1500*time.Millisecond, p.ETA())
	assert.Zero(t, webui.Progress{ETARelative: -3}.ETA())
}
