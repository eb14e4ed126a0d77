package webui

import (
	"context"
	"fmt"
	"time"
)

// Progress is the reply of GET /sdapi/v1/progress.
type Progress struct {
	// Progress is the fraction done, 0..1.
	Progress float64
	// ETARelative is the estimated seconds left.
	ETARelative float64
	State       ProgressState
	// CurrentImage is the decoded live preview. WatchProgress sets it only
	// when a new preview arrived since its previous callback.
	CurrentImage []byte
	TextInfo     string
}

// ProgressState is the "state" object of a progress reply. When idle
// (JobCount 0) the other counters are stale values of the last job.
type ProgressState struct {
	Skipped            bool
	Interrupted        bool
	StoppingGeneration bool
	Job                string
	JobCount           int // n_iter, ×2 with hires; -1 while a job starts
	JobTimestamp       string
	JobNo              int
	SamplingStep       int
	SamplingSteps      int
}

// Busy reports whether a job is running.
func (p Progress) Busy() bool { return p.State.JobCount != 0 }

// ETA returns ETARelative as a duration.
func (p Progress) ETA() time.Duration {
	if p.ETARelative <= 0 {
		return 0
	}
	return time.Duration(p.ETARelative * float64(time.Second))
}

// progressFromMap reads a Progress from the decoded reply; preview is the
// raw current_image string.
func progressFromMap(m map[string]any) (p Progress, preview string) {
	st := asMap(m["state"])
	p = Progress{
		Progress:    asFloat(m["progress"]),
		ETARelative: asFloat(m["eta_relative"]),
		TextInfo:    asString(m["textinfo"]),
		State: ProgressState{
			Skipped:            asBool(st["skipped"]),
			Interrupted:        asBool(st["interrupted"]),
			StoppingGeneration: asBool(st["stopping_generation"]),
			Job:                asString(st["job"]),
			JobCount:           int(asInt(st["job_count"])),
			JobTimestamp:       asString(st["job_timestamp"]),
			JobNo:              int(asInt(st["job_no"])),
			SamplingStep:       int(asInt(st["sampling_step"])),
			SamplingSteps:      int(asInt(st["sampling_steps"])),
		},
	}
	preview, _ = m["current_image"].(string)
	return p, preview
}

// progress fetches the progress; preview is the raw current_image.
func (c *Client) progress(ctx context.Context, skipCurrentImage bool) (*Progress, error) {
	p, _, err := c.progressRaw(ctx, skipCurrentImage)
	return p, err
}

func (c *Client) progressRaw(ctx context.Context, skipCurrentImage bool) (*Progress, string, error) {
	var m map[string]any
	cl := progressCall(skipCurrentImage)
	if err := c.doJSON(ctx, cl, &m); err != nil {
		return nil, "", err
	}
	p, preview := progressFromMap(m)
	return &p, preview, nil
}

// Progress returns the current progress (GET /sdapi/v1/progress). With
// skipCurrentImage false the live preview, if any, is decoded into
// CurrentImage (an undecodable preview is dropped, not an error).
func (c *Client) Progress(ctx context.Context, skipCurrentImage bool) (*Progress, error) {
	p, preview, err := c.progressRaw(ctx, skipCurrentImage)
	if err != nil {
		return nil, err
	}
	if preview != "" {
		if img, derr := DecodeImage(preview); derr == nil {
			p.CurrentImage = img
		}
	}
	return p, nil
}

// WatchOptions configures WatchProgress and RunWatched.
type WatchOptions struct {
	// Interval between polls (default 1s). Previews are delivered at most
	// once per interval.
	Interval time.Duration
	// Previews asks for live preview images.
	Previews bool
	// Watchdog overrides the client's watchdog duration; 0 keeps it,
	// negative disables it.
	Watchdog time.Duration
	// InterruptGrace is how long RunWatched waits, after the watchdog
	// interrupted the WebUI, for the generation call to return before it
	// cancels it (default 10s).
	InterruptGrace time.Duration
}

// progressKey is what counts as "progress" for the watchdog.
type progressKey struct {
	timestamp                  string
	jobCount, jobNo, step, all int
}

// WatchProgress polls /progress every opts.Interval and passes each reply to
// onProgress (which may be nil) until ctx ends; it then returns nil.
//
// Watchdog: if the step counters (job timestamp, job_count, job_no,
// sampling_step, sampling_steps) do not change for the watchdog duration, it
// calls Interrupt and returns an *Error of KindTimeout ("no progress for 90s;
// interrupted"). Failed polls are logged and do not count as progress.
func (c *Client) WatchProgress(ctx context.Context, opts WatchOptions, onProgress func(Progress)) error {
	interval := opts.Interval
	if interval <= 0 {
		interval = time.Second
	}
	watchdog := opts.Watchdog
	if watchdog == 0 {
		watchdog = c.watchdog
	}
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	lastChange := time.Now()
	var last progressKey
	seen := false
	var lastPreview string
	for {
		p, preview, err := c.progressRaw(ctx, !opts.Previews)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			c.log.Debug("webui progress poll failed", "err", err)
		} else {
			key := progressKey{p.State.JobTimestamp, p.State.JobCount, p.State.JobNo, p.State.SamplingStep, p.State.SamplingSteps}
			if !seen || key != last {
				seen, last, lastChange = true, key, time.Now()
			}
			if preview != "" && preview != lastPreview {
				lastPreview = preview
				if img, derr := DecodeImage(preview); derr == nil {
					p.CurrentImage = img
				} else {
					c.log.Debug("webui live preview undecodable", "err", derr)
				}
			}
			if onProgress != nil {
				onProgress(*p)
			}
		}
		if watchdog > 0 && time.Since(lastChange) >= watchdog {
			ictx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.listTimeout)
			ierr := c.Interrupt(ictx)
			cancel()
			msg := fmt.Sprintf("no progress for %s; interrupted", watchdog)
			if ierr != nil {
				msg = fmt.Sprintf("no progress for %s; interrupt failed: %v", watchdog, ierr)
			}
			c.log.Warn("webui generation stalled", "watchdog", watchdog, "interrupt_err", ierr)
			return &Error{Kind: KindTimeout, Op: "progress watchdog", Endpoint: "/sdapi/v1/progress", Message: msg}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-ticker.C:
		}
	}
}

// RunWatched runs fn (typically a Txt2Img call) while WatchProgress watches
// it. When fn returns, watching stops and fn's error is returned. When the
// watchdog fires, the WebUI has been interrupted: RunWatched waits up to
// opts.InterruptGrace for fn to return (then cancels fn's context) and
// returns the watchdog's *Error (KindTimeout).
func (c *Client) RunWatched(ctx context.Context, opts WatchOptions, onProgress func(Progress), fn func(ctx context.Context) error) error {
	runCtx, cancelRun := context.WithCancel(ctx)
	defer cancelRun()
	watchCtx, stopWatch := context.WithCancel(ctx)
	defer stopWatch()

	watchDone := make(chan error, 1)
	go func() { watchDone <- c.WatchProgress(watchCtx, opts, onProgress) }()
	runDone := make(chan error, 1)
	go func() { runDone <- fn(runCtx) }()

	select {
	case err := <-runDone:
		stopWatch()
		if werr := <-watchDone; werr != nil {
			return werr
		}
		return err
	case werr := <-watchDone:
		if werr == nil { // ctx ended; fn sees the same ctx
			return <-runDone
		}
		grace := opts.InterruptGrace
		if grace <= 0 {
			grace = 10 * time.Second
		}
		t := time.NewTimer(grace)
		defer t.Stop()
		select {
		case <-runDone:
		case <-t.C:
			cancelRun()
			<-runDone
		}
		return werr
	}
}

// Txt2ImgWatched is Txt2Img under RunWatched.
func (c *Client) Txt2ImgWatched(ctx context.Context, req Txt2ImgRequest, opts WatchOptions, onProgress func(Progress)) (*GenerationResponse, error) {
	var resp *GenerationResponse
	err := c.RunWatched(ctx, opts, onProgress, func(ctx context.Context) error {
		var err error
		resp, err = c.Txt2Img(ctx, req)
		return err
	})
	if err != nil {
		return nil, err
	}
	return resp, nil
}

// Img2ImgWatched is Img2Img under RunWatched.
func (c *Client) Img2ImgWatched(ctx context.Context, req Img2ImgRequest, opts WatchOptions, onProgress func(Progress)) (*GenerationResponse, error) {
	var resp *GenerationResponse
	err := c.RunWatched(ctx, opts, onProgress, func(ctx context.Context) error {
		var err error
		resp, err = c.Img2Img(ctx, req)
		return err
	})
	if err != nil {
		return nil, err
	}
	return resp, nil
}
