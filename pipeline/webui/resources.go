package webui

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"
)

// Resources is everything the stage cards offer for selection, as discovered
// from one WebUI. Treat a Resources as read-only: the cache hands out the
// same value to every caller.
type Resources struct {
	Checkpoints        []SDModel
	VAEs               []VAE
	Samplers           []Sampler
	Schedulers         []Scheduler
	Upscalers          []Upscaler
	LatentUpscaleModes []string
	Loras              []Lora
	Embeddings         []string // loaded embedding names, sorted
	// SkippedEmbeddings are embeddings the WebUI did not load because they do
	// not fit the loaded model (sorted).
	SkippedEmbeddings  []string
	ADetailerModels    []string
	ADetailerInstalled bool
	ADetailerVersion   string
	// Unavailable lists the optional lists the WebUI does not serve (their
	// endpoint answered 404): ListVAEs, ListSchedulers, …
	Unavailable []string
	FetchedAt   time.Time
}

// The optional lists, as named in Resources.Unavailable.
const (
	ListVAEs        = "VAEs"
	ListSchedulers  = "schedulers"
	ListLatentModes = "latent upscale modes"
	ListLoRAs       = "LoRAs"
	ListEmbeddings  = "embeddings"
	ListADetailer   = "ADetailer models"
)

// CheckpointTitles returns the checkpoint titles (what sd_model_checkpoint takes).
func (r *Resources) CheckpointTitles() []string {
	out := make([]string, len(r.Checkpoints))
	for i, m := range r.Checkpoints {
		out[i] = m.Title
	}
	return out
}

// SamplerNames returns the sampler names.
func (r *Resources) SamplerNames() []string {
	out := make([]string, len(r.Samplers))
	for i, s := range r.Samplers {
		out[i] = s.Name
	}
	return out
}

// SchedulerLabels returns the scheduler labels ("Karras", ...).
func (r *Resources) SchedulerLabels() []string {
	out := make([]string, len(r.Schedulers))
	for i, s := range r.Schedulers {
		out[i] = s.Label
	}
	return out
}

// UpscalerNames returns the upscaler names ("None", "Lanczos", "R-ESRGAN 4x+", ...).
func (r *Resources) UpscalerNames() []string {
	out := make([]string, len(r.Upscalers))
	for i, u := range r.Upscalers {
		out[i] = u.Name
	}
	return out
}

// HiresUpscalerNames returns what hr_upscaler accepts: the latent modes, then
// the upscalers except "None".
func (r *Resources) HiresUpscalerNames() []string {
	out := append([]string{}, r.LatentUpscaleModes...)
	for _, u := range r.Upscalers {
		if u.Name != "None" {
			out = append(out, u.Name)
		}
	}
	return out
}

// VAENames returns the VAE model names.
func (r *Resources) VAENames() []string {
	out := make([]string, len(r.VAEs))
	for i, v := range r.VAEs {
		out[i] = v.ModelName
	}
	return out
}

// DiscoverResources fetches every resource list in parallel. A list whose
// endpoint is missing (404: old A1111 without /schedulers, the Lora extension
// or ADetailer not installed) is left empty; ADetailerInstalled tells whether
// ADetailer answered. Any other failure fails the whole discovery.
func (c *Client) DiscoverResources(ctx context.Context) (*Resources, error) {
	r := &Resources{}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	var (
		mu       sync.Mutex
		firstErr error
		wg       sync.WaitGroup
	)
	fetch := func(name string, optional bool, f func() error) {
		wg.Go(func() {
			err := f()
			if err == nil {
				return
			}
			mu.Lock()
			defer mu.Unlock()
			if optional && IsKind(err, KindNotFound) {
				r.Unavailable = append(r.Unavailable, name)
				return
			}
			if firstErr == nil {
				firstErr = fmt.Errorf("discover %s: %w", name, err)
				cancel()
			}
		})
	}
	fetch("checkpoints", false, func() (err error) { r.Checkpoints, err = c.SDModels(ctx); return })
	fetch(ListVAEs, true, func() (err error) { r.VAEs, err = c.SDVAE(ctx); return })
	fetch("samplers", false, func() (err error) { r.Samplers, err = c.Samplers(ctx); return })
	fetch(ListSchedulers, true, func() (err error) { r.Schedulers, err = c.Schedulers(ctx); return })
	fetch("upscalers", false, func() (err error) { r.Upscalers, err = c.Upscalers(ctx); return })
	fetch(ListLatentModes, true, func() error {
		modes, err := c.LatentUpscaleModes(ctx)
		for _, m := range modes {
			r.LatentUpscaleModes = append(r.LatentUpscaleModes, m.Name)
		}
		return err
	})
	fetch(ListLoRAs, true, func() (err error) { r.Loras, err = c.Loras(ctx); return })
	fetch(ListEmbeddings, true, func() error {
		e, err := c.Embeddings(ctx)
		if e != nil {
			for name := range e.Loaded {
				r.Embeddings = append(r.Embeddings, name)
			}
			sort.Strings(r.Embeddings)
			for name := range e.Skipped {
				r.SkippedEmbeddings = append(r.SkippedEmbeddings, name)
			}
			sort.Strings(r.SkippedEmbeddings)
		}
		return err
	})
	fetch(ListADetailer, true, func() error {
		models, err := c.ADetailerModels(ctx)
		if err != nil {
			return err
		}
		r.ADetailerModels, r.ADetailerInstalled = models, true
		if r.ADetailerModels == nil {
			r.ADetailerModels = []string{}
		}
		v, verr := c.ADetailerVersion(ctx)
		if verr == nil {
			r.ADetailerVersion = v
		}
		return nil
	})
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	sort.Strings(r.Unavailable)
	r.FetchedAt = time.Now()
	return r, nil
}

// ResourceCache keeps the last successful discovery.
type ResourceCache struct {
	client *Client

	refresh sync.Mutex // one discovery at a time
	mu      sync.RWMutex
	res     *Resources
	err     error
}

// NewResourceCache creates an empty cache for c.
func NewResourceCache(c *Client) *ResourceCache { return &ResourceCache{client: c} }

// Refresh discovers the resources again. On failure the previous resources
// are kept (Get still returns them) and the error is returned.
func (rc *ResourceCache) Refresh(ctx context.Context) (*Resources, error) {
	rc.refresh.Lock()
	defer rc.refresh.Unlock()
	res, err := rc.client.DiscoverResources(ctx)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.err = err
	if err != nil {
		return rc.res, err
	}
	rc.res = res
	return res, nil
}

// Get returns the cached resources, or nil before the first successful Refresh.
func (rc *ResourceCache) Get() *Resources {
	rc.mu.RLock()
	defer rc.mu.RUnlock()
	return rc.res
}

// Err returns the error of the last Refresh (nil if it succeeded).
func (rc *ResourceCache) Err() error {
	rc.mu.RLock()
	defer rc.mu.RUnlock()
	return rc.err
}
