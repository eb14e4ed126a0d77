package runner

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"stablenew/pipeline"
	"stablenew/pipeline/output"
	"stablenew/pipeline/resources"
	"stablenew/pipeline/webui"
)

// Options configures a Runner.
type Options struct {
	Logger *slog.Logger
	// ProgressInterval is how often the WebUI's progress is polled while a
	// request runs (default 500 ms); live previews come at most this often.
	ProgressInterval time.Duration
	// NoPreviews turns live preview images off.
	NoPreviews bool
	// JPEGQuality for jpg output (default output.DefaultJPEGQuality).
	JPEGQuality int
	// Now is the clock (tests replace it).
	Now func() time.Time
	// Resources is the WebUI's resource lists, which every job's names are
	// resolved against when it starts (default: a cache of its own, read
	// at the first job).
	Resources *resources.Cache
}

// Runner executes JobSpecs against one WebUI, one job at a time, except
// that the next job may start once the running one has said its WebUI
// requests are done (Progress.RequestsDone) and only saves its files.
// JobService gives each backend its own Runner.
type Runner struct {
	client *webui.Client
	opts   Options
	log    *slog.Logger

	mu         sync.Mutex
	model      string // checkpoint the WebUI has loaded, as far as we know
	vae        string
	modelKnown bool
}

// New returns a runner over a WebUI client.
func New(client *webui.Client, opts Options) *Runner {
	if opts.ProgressInterval <= 0 {
		opts.ProgressInterval = 500 * time.Millisecond
	}
	if opts.JPEGQuality <= 0 {
		opts.JPEGQuality = output.DefaultJPEGQuality
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	if opts.Resources == nil {
		opts.Resources = resources.NewCache(client.BaseURL(), client)
	}
	return &Runner{client: client, opts: opts, log: log.With("backend", client.BaseURL())}
}

// Resources is the cache of the WebUI's resource lists the runner resolves
// names against.
func (r *Runner) Resources() *resources.Cache { return r.opts.Resources }

// CheckNeeds says, without waiting, whether the WebUI has the resources of
// a resources.RequiredKey (see resources.Cache.Check).
func (r *Runner) CheckNeeds(required string, refreshed func()) resources.Verdict {
	return r.opts.Resources.Check(required, refreshed)
}

// Name is the backend's base URL.
func (r *Runner) Name() string { return r.client.BaseURL() }

// Ping reports whether the WebUI answers.
func (r *Runner) Ping(ctx context.Context) error { return r.client.Ping(ctx) }

// Skip asks the WebUI to skip the image it is sampling.
func (r *Runner) Skip(ctx context.Context) error { return r.client.Skip(ctx) }

// Client returns the WebUI client the runner drives.
func (r *Runner) Client() *webui.Client { return r.client }

// LoadedModel is the checkpoint the WebUI has loaded, as far as the runner
// knows ("" before its first job).
func (r *Runner) LoadedModel() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.model
}

// image is one image travelling through the stages.
type image struct {
	png      []byte
	seed     int64
	infotext string
	path     string // where it was saved
}

// job is the state of one Run.
type job struct {
	r          *Runner
	spec       *pipeline.JobSpec
	cfg        *pipeline.PipelineConfig
	plan       *StageExecutionPlan
	file       *output.Template
	ext        string
	format     string
	onProgress func(Progress)
	manifest   output.Manifest
	result     Result
	doneOnce   sync.Once // RequestsDone is said once
	// folders are the image folders whose new names are synced once, at
	// the end of the job (each image's data is synced as it is written).
	folders output.Folders
}

// Run executes the job's StageExecutionPlan. Every image of a batch goes on
// to the next stage and every stage's images are saved. On failure the files
// already written stay and the manifest records the failed stage.
func (r *Runner) Run(ctx context.Context, spec *pipeline.JobSpec, onProgress func(Progress)) (*Result, error) {
	if spec == nil || spec.Config == nil {
		return nil, errors.New("runner: job has no configuration")
	}
	log := r.log.With("job_id", spec.JobID)
	plan, err := BuildPlan(spec.Config)
	if err != nil {
		return nil, fmt.Errorf("job %s: %w", spec.JobID, err)
	}
	file, err := output.ParseTemplate(spec.FilenameTemplate)
	if err != nil {
		return nil, fmt.Errorf("job %s: output.filename_template: %w", spec.JobID, err)
	}
	ext, err := output.FormatExtension(spec.Config.Output.Format)
	if err != nil {
		return nil, fmt.Errorf("job %s: %w", spec.JobID, err)
	}
	if onProgress == nil {
		onProgress = func(Progress) {}
	}
	// Progress comes from the request's watcher and, once, from the
	// request itself (RequestsDone): one at a time, as from one goroutine.
	var pmu sync.Mutex
	inner := onProgress
	onProgress = func(p Progress) {
		pmu.Lock()
		defer pmu.Unlock()
		inner(p)
	}
	cfg, uses, err := r.resolve(ctx, spec, log)
	if err != nil {
		return nil, err
	}
	j := &job{r: r, spec: spec, cfg: cfg, plan: plan, file: file, ext: ext,
		format: spec.Config.Output.Format, onProgress: onProgress}
	j.manifest = output.Manifest{
		JobID: spec.JobID, Pack: spec.PackID, PromptIndex: spec.PromptIndex, Variant: spec.VariantIndex,
		Batch: spec.BatchIndex, SeedRequested: spec.Seed, ConfigHash: spec.ConfigHash(), CreatedAt: r.opts.Now(),
		Resources: uses,
	}
	j.result.JobID = spec.JobID
	j.result.Resources = uses
	log.Info("job started", "stages", plan.Names(), "seed", spec.Seed, "output", spec.OutputDir)
	err = j.run(ctx)
	j.folders.Sync() // the images' names are on disk before the manifest names them
	j.manifest.FinishedAt = r.opts.Now()
	if mpath, merr := output.WriteManifest(spec.OutputDir, &j.manifest); merr != nil {
		log.Error("writing manifest failed", "err", merr)
		if err == nil {
			err = merr
		}
	} else {
		j.result.ManifestPath = mpath
	}
	if err != nil {
		log.Warn("job ended with an error", "err", err)
		return &j.result, err
	}
	log.Info("job finished", "images", len(j.result.Outputs))
	return &j.result, nil
}

func (j *job) run(ctx context.Context) error {
	if err := os.MkdirAll(j.spec.OutputDir, 0o755); err != nil {
		return fmt.Errorf("output folder %s: %w", j.spec.OutputDir, err)
	}
	var images []image
	for si, st := range j.plan.Stages {
		if err := ctx.Err(); err != nil {
			return cancelled(err)
		}
		started := j.r.opts.Now()
		rec := output.StageRecord{Name: string(st.Stage), StartedAt: started}
		var err error
		if st.FromInputImage {
			images, err = j.loadInput()
			if err == nil {
				rec.Inputs = paths(images)
			}
		} else if len(images) > 0 {
			rec.Inputs = paths(images)
		}
		if err == nil {
			images, err = j.runStage(ctx, si, st, images, &rec)
		}
		rec.FinishedAt = j.r.opts.Now()
		rec.DurationMS = rec.FinishedAt.Sub(started).Milliseconds()
		if err != nil {
			rec.Error = err.Error()
			j.manifest.Stages = append(j.manifest.Stages, rec)
			return fmt.Errorf("%s: %w", st.Stage, err)
		}
		rec.Outputs = j.relative(paths(images))
		rec.Inputs = j.relative(rec.Inputs)
		j.manifest.Stages = append(j.manifest.Stages, rec)
		sr := StageResult{Stage: st.Stage, Outputs: paths(images), Started: started, Finished: rec.FinishedAt}
		for _, im := range images {
			sr.Seeds = append(sr.Seeds, im.seed)
		}
		j.result.Stages = append(j.result.Stages, sr)
		j.result.Outputs = sr.Outputs
		j.onProgress(Progress{JobID: j.spec.JobID, Stage: st.Stage, StageIndex: si, StageTotal: len(j.plan.Stages),
			Fraction: float64(si+1) / float64(len(j.plan.Stages)), StageDone: true, StageOutputs: sr.Outputs})
	}
	return nil
}

// runStage runs one stage over the current images and saves what it makes.
func (j *job) runStage(ctx context.Context, si int, st StageExecution, in []image, rec *output.StageRecord) ([]image, error) {
	switch st.Stage {
	case pipeline.StageTxt2Img:
		if err := j.r.ensureModel(ctx, j.cfg); err != nil {
			return nil, err
		}
		req := txt2imgRequest(j.cfg, j.spec.Seed, st.WithADetailer)
		rec.Request = requestSummary(req)
		resp, err := j.generate(j.lastRequest(ctx, si, true), si, st.Stage, func(ctx context.Context) (*webui.GenerationResponse, error) {
			return j.r.client.Txt2Img(ctx, req)
		})
		if err != nil {
			return nil, err
		}
		out := j.collect(resp, j.cfg.Batch.BatchSize)
		j.noteFirstStage(resp, out)
		return out, j.save(st, out)
	case pipeline.StageImg2Img, pipeline.StageADetailer:
		if err := j.r.ensureModel(ctx, j.cfg); err != nil {
			return nil, err
		}
		var out []image
		for ii, im := range in {
			w, h, err := pngSize(im.png)
			if err != nil {
				return nil, fmt.Errorf("reading %s: %w", displayPath(im.path), err)
			}
			req := img2imgRequest(j.cfg, im.seed, im.png, w, h, st.WithADetailer, st.Stage == pipeline.StageADetailer)
			if st.Stage == pipeline.StageADetailer {
				req.DenoisingStrength = 0
			}
			rec.Request = requestSummary(req)
			resp, err := j.generate(j.lastRequest(ctx, si, ii == len(in)-1), si, st.Stage, func(ctx context.Context) (*webui.GenerationResponse, error) {
				return j.r.client.Img2Img(ctx, req)
			})
			if err != nil {
				return nil, err
			}
			got := j.collect(resp, 1)
			if len(j.result.ActualSeeds) == 0 {
				j.noteFirstStage(resp, got)
			}
			if err := j.save(st, got); err != nil {
				return nil, err
			}
			out = append(out, got...)
		}
		return out, nil
	case pipeline.StageUpscale:
		var out []image
		for i, im := range in {
			if err := ctx.Err(); err != nil {
				return nil, cancelled(err)
			}
			req := extrasRequest(j.cfg, im.png)
			rec.Request = map[string]any{"upscaler_1": req.Upscaler1, "upscaler_2": req.Upscaler2,
				"upscaling_resize": req.UpscalingResize, "upscaling_resize_w": req.UpscalingResizeW, "upscaling_resize_h": req.UpscalingResizeH}
			j.onProgress(Progress{JobID: j.spec.JobID, Stage: st.Stage, StageIndex: si, StageTotal: len(j.plan.Stages),
				Step: i, Steps: len(in), Fraction: (float64(si) + float64(i)/float64(len(in))) / float64(len(j.plan.Stages))})
			resp, err := j.r.client.ExtraSingleImage(j.lastRequest(ctx, si, i == len(in)-1), req)
			if err != nil {
				if ctx.Err() != nil || webui.IsKind(err, webui.KindTimeout) {
					j.r.interrupt(ctx) // the WebUI may still be upscaling
				}
				return nil, classify(ctx, err)
			}
			up := []image{{png: resp.Image, seed: im.seed, infotext: im.infotext}}
			if err := j.save(st, up); err != nil {
				return nil, err
			}
			out = append(out, up[0])
		}
		return out, nil
	}
	return nil, fmt.Errorf("unknown stage %q", st.Stage)
}

// lastRequest returns the context for a request of stage si (last: the
// stage's last request). For the job's very last request it makes the
// client say, as soon as the reply is read and before it is decoded, that
// the WebUI is free (Progress.RequestsDone): what is left is decoding and
// saving, and the next job may start meanwhile.
func (j *job) lastRequest(ctx context.Context, si int, last bool) context.Context {
	n := len(j.plan.Stages)
	if !last || si != n-1 {
		return ctx
	}
	stage := j.plan.Stages[si].Stage
	return webui.WithReplyRead(ctx, func() {
		j.doneOnce.Do(func() {
			j.onProgress(Progress{JobID: j.spec.JobID, Stage: stage, StageIndex: si, StageTotal: n,
				Fraction: float64(si) / float64(n), RequestsDone: true})
		})
	})
}

// generate runs a generation request while polling its progress.
func (j *job) generate(ctx context.Context, si int, stage pipeline.StageType, call func(context.Context) (*webui.GenerationResponse, error)) (*webui.GenerationResponse, error) {
	var resp *webui.GenerationResponse
	n := len(j.plan.Stages)
	err := j.r.client.RunWatched(ctx, webui.WatchOptions{Interval: j.r.opts.ProgressInterval, Previews: !j.r.opts.NoPreviews},
		func(p webui.Progress) {
			if !p.Busy() {
				return
			}
			j.onProgress(Progress{JobID: j.spec.JobID, Stage: stage, StageIndex: si, StageTotal: n,
				Step: p.State.SamplingStep, Steps: p.State.SamplingSteps,
				Fraction: (float64(si) + p.Progress) / float64(n), ETA: p.ETA(), Preview: p.CurrentImage})
		},
		func(ctx context.Context) error {
			var err error
			resp, err = call(ctx)
			return err
		})
	if ctx.Err() != nil {
		j.r.interrupt(ctx)
		return nil, cancelled(ctx.Err())
	}
	if err != nil {
		return nil, classify(ctx, err)
	}
	return resp, nil
}

// interruptTimeout bounds the interrupt sent when a job is stopped.
const interruptTimeout = 1500 * time.Millisecond

// Interrupt tells the WebUI to stop what it renders now, such as the
// render a StableNew that crashed left running.
func (r *Runner) Interrupt(ctx context.Context) error { return r.client.Interrupt(ctx) }

// interrupt tells the WebUI to stop the request a cancelled job left
// running: cancelling the HTTP call alone does not stop the GPU.
//
// The wait is short: a stop (Ctrl-C, SIGTERM, pause now) should end within
// a couple of seconds, and a WebUI that does not take an interrupt in that
// time is hung anyway.
func (r *Runner) interrupt(ctx context.Context) {
	ictx, cancel := context.WithTimeout(context.WithoutCancel(ctx), interruptTimeout)
	defer cancel()
	if err := r.client.Interrupt(ictx); err != nil {
		r.log.Warn("interrupting the WebUI failed", "err", err)
	}
}

// collect takes the generated images (skipping a grid) with their seeds and
// infotexts.
func (j *job) collect(resp *webui.GenerationResponse, want int) []image {
	first := resp.Info.IndexOfFirstImage
	if first < 0 || first > len(resp.Images) {
		first = 0
	}
	imgs := resp.Images[first:]
	if len(imgs) > want {
		imgs = imgs[:want] // extensions may append masks or control maps
	}
	out := make([]image, len(imgs))
	for i, b := range imgs {
		seed := resp.Info.Seed + int64(i)
		if i < len(resp.Info.AllSeeds) {
			seed = resp.Info.AllSeeds[i]
		}
		info := ""
		if i+first < len(resp.Info.Infotexts) {
			info = resp.Info.Infotexts[i+first]
		} else if i < len(resp.Info.Infotexts) {
			info = resp.Info.Infotexts[i]
		}
		out[i] = image{png: b, seed: seed, infotext: info}
	}
	return out
}

// noteFirstStage records the first generation's seeds, model and version.
func (j *job) noteFirstStage(resp *webui.GenerationResponse, imgs []image) {
	for _, im := range imgs {
		j.result.ActualSeeds = append(j.result.ActualSeeds, im.seed)
	}
	j.manifest.SeedsActual = j.result.ActualSeeds
	j.result.Model = resp.Info.SDModelName
	j.result.WebUIVersion = resp.Info.Version
	j.manifest.ModelName = resp.Info.SDModelName
	j.manifest.ModelHash = resp.Info.SDModelHash
	j.manifest.WebUIVersion = resp.Info.Version
}

// loadInput reads the job's input image file.
func (j *job) loadInput() ([]image, error) {
	path := j.cfg.Img2Img.InputImage
	data, err := pipeline.ReadRegular(path)
	if err != nil {
		return nil, fmt.Errorf("input image: %w", err)
	}
	seed := j.spec.Seed
	return []image{{png: data, seed: seed, path: path}}, nil
}

func paths(imgs []image) []string {
	out := make([]string, 0, len(imgs))
	for _, im := range imgs {
		if im.path != "" {
			out = append(out, im.path)
		}
	}
	return out
}

// relative makes paths relative to the job's folder, with "/" separators.
func (j *job) relative(ps []string) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		if rel, err := filepath.Rel(j.spec.OutputDir, p); err == nil {
			out[i] = filepath.ToSlash(rel)
		} else {
			out[i] = p
		}
	}
	return out
}

func displayPath(p string) string {
	if p == "" {
		return "the previous stage's image"
	}
	return p
}

// cancelled wraps a context error as ErrCancelled.
func cancelled(err error) error { return fmt.Errorf("%w (%v)", ErrCancelled, err) }

// classify turns a WebUI error into the runner's error classes: a cancelled
// context is ErrCancelled, an unreachable or stalled WebUI wraps
// ErrBackendUnavailable, and anything else (422, out of memory, unknown
// model) fails the job with the WebUI's own message.
func classify(ctx context.Context, err error) error {
	if ctx.Err() != nil || webui.IsKind(err, webui.KindCanceled) {
		return cancelled(err)
	}
	switch webui.KindOf(err) {
	case webui.KindConnection, webui.KindTimeout:
		return fmt.Errorf("%w: %w", ErrBackendUnavailable, err)
	}
	return err
}
