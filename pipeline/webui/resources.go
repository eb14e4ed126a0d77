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
