package webui

import (
	"context"
	"errors"
	"net/http"
	"net/url"
)

func get(path string) call { return call{method: http.MethodGet, path: path} }

// Options returns every WebUI setting (GET /sdapi/v1/options). Numbers are
// float64 (A1111 returns int settings as 2.0).
func (c *Client) Options(ctx context.Context) (map[string]any, error) {
	var out map[string]any
	if err := c.doJSON(ctx, get("/sdapi/v1/options"), &out); err != nil {
		return nil, err
	}
	return out, nil
}

// SetOptions changes settings (POST /sdapi/v1/options), e.g.
// {"sd_model_checkpoint": title}. A checkpoint change loads the model and
// waits behind any running generation, so this call uses the long option
// timeout. An unknown checkpoint gives KindUnknownModel.
func (c *Client) SetOptions(ctx context.Context, opts map[string]any) error {
	return c.doJSON(ctx, call{method: http.MethodPost, path: "/sdapi/v1/options", body: opts, class: classOption}, nil)
}

// SDModels lists the checkpoints (GET /sdapi/v1/sd-models).
func (c *Client) SDModels(ctx context.Context) ([]SDModel, error) {
	var out []SDModel
	return out, c.doJSON(ctx, get("/sdapi/v1/sd-models"), &out)
}

// SDVAE lists the VAEs (GET /sdapi/v1/sd-vae). Forge removed that endpoint:
// on 404 this falls back to /sdapi/v1/sd-modules, which also lists text
// encoders.
func (c *Client) SDVAE(ctx context.Context) ([]VAE, error) {
	var out []VAE
	err := c.doJSON(ctx, get("/sdapi/v1/sd-vae"), &out)
	if IsKind(err, KindNotFound) {
		c.log.Debug("webui sd-vae not found, trying Forge's sd-modules")
		out = nil
		err = c.doJSON(ctx, get("/sdapi/v1/sd-modules"), &out)
	}
	return out, err
}

// Samplers lists the samplers (GET /sdapi/v1/samplers).
func (c *Client) Samplers(ctx context.Context) ([]Sampler, error) {
	var out []Sampler
	return out, c.doJSON(ctx, get("/sdapi/v1/samplers"), &out)
}

// Schedulers lists the schedulers (GET /sdapi/v1/schedulers, A1111 ≥ 1.9).
func (c *Client) Schedulers(ctx context.Context) ([]Scheduler, error) {
	var out []Scheduler
	return out, c.doJSON(ctx, get("/sdapi/v1/schedulers"), &out)
}

// Upscalers lists the upscalers (GET /sdapi/v1/upscalers).
func (c *Client) Upscalers(ctx context.Context) ([]Upscaler, error) {
	var out []Upscaler
	return out, c.doJSON(ctx, get("/sdapi/v1/upscalers"), &out)
}

// LatentUpscaleModes lists the latent hires modes
// (GET /sdapi/v1/latent-upscale-modes).
func (c *Client) LatentUpscaleModes(ctx context.Context) ([]LatentUpscaleMode, error) {
	var out []LatentUpscaleMode
	return out, c.doJSON(ctx, get("/sdapi/v1/latent-upscale-modes"), &out)
}

// Loras lists the LoRAs (GET /sdapi/v1/loras, from the Lora extension).
func (c *Client) Loras(ctx context.Context) ([]Lora, error) {
	var out []Lora
	return out, c.doJSON(ctx, get("/sdapi/v1/loras"), &out)
}

// Embeddings lists the textual-inversion embeddings (GET /sdapi/v1/embeddings).
func (c *Client) Embeddings(ctx context.Context) (*Embeddings, error) {
	var out Embeddings
	if err := c.doJSON(ctx, get("/sdapi/v1/embeddings"), &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// RefreshCheckpoints rescans the checkpoint folder
// (POST /sdapi/v1/refresh-checkpoints). It waits for the generation queue.
func (c *Client) RefreshCheckpoints(ctx context.Context) error {
	return c.doJSON(ctx, call{method: http.MethodPost, path: "/sdapi/v1/refresh-checkpoints", class: classOption}, nil)
}

// Interrupt stops the running generation (POST /sdapi/v1/interrupt); the
// generation call then returns the partial image. Accepts {} or null (A1111,
// Forge) and 204 (SD.Next).
func (c *Client) Interrupt(ctx context.Context) error {
	_, _, err := c.do(ctx, call{method: http.MethodPost, path: "/sdapi/v1/interrupt"})
	return err
}

// Skip ends the current batch of the running generation early and moves on
// to the next (POST /sdapi/v1/skip). Accepts null, {} and 204.
func (c *Client) Skip(ctx context.Context) error {
	_, _, err := c.do(ctx, call{method: http.MethodPost, path: "/sdapi/v1/skip"})
	return err
}

// Ping checks that the WebUI answers: GET /internal/ping, or, when that is
// 404 (--nowebui, SD.Next), GET /sdapi/v1/progress?skip_current_image=true.
// It is not retried; the Monitor has its own backoff.
func (c *Client) Ping(ctx context.Context) error {
	err := c.doJSON(ctx, call{method: http.MethodGet, path: "/internal/ping", noRetry: true}, nil)
	if IsKind(err, KindNotFound) {
		_, err = c.progress(ctx, true)
	}
	return err
}

// Ready checks that the WebUI answers and that its API is enabled: Ping,
// then GET /sdapi/v1/progress. A WebUI started without --api answers the ping
// but gives KindNotFound here.
func (c *Client) Ready(ctx context.Context) error {
	if err := c.Ping(ctx); err != nil {
		return err
	}
	_, err := c.progress(ctx, true)
	var e *Error
	if errors.As(err, &e) && e.Kind == KindNotFound {
		e.Message = "the WebUI API is not enabled: start the WebUI with --api"
	}
	return err
}

func progressCall(skipCurrentImage bool) call {
	q := url.Values{}
	if skipCurrentImage {
		q.Set("skip_current_image", "true")
	} else {
		q.Set("skip_current_image", "false")
	}
	return call{method: http.MethodGet, path: "/sdapi/v1/progress", query: q, noRetry: true}
}
