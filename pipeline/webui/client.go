package webui

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Default timeouts and durations of a Client.
//
// Every call has a deadline: quick calls the list timeout per attempt,
// option changes (which load models) the option timeout, an upscale the
// extras timeout, and a generation the generation limit, a backstop behind
// the progress watchdog that RunWatched adds (a render whose step counter
// stops for the watchdog duration is interrupted).
const (
	DefaultListTimeout     = 10 * time.Second
	DefaultOptionTimeout   = 120 * time.Second
	DefaultExtrasTimeout   = 5 * time.Minute
	DefaultGenerationLimit = 60 * time.Minute
	DefaultWatchdog        = 90 * time.Second
)

// Client talks to one WebUI. It is safe for concurrent use.
type Client struct {
	base            *url.URL
	http            *http.Client
	user, pass      string
	auth            bool
	listTimeout     time.Duration
	optionTimeout   time.Duration
	extrasTimeout   time.Duration
	generateTimeout time.Duration
	watchdog        time.Duration
	retry           RetryPolicy
	sleep           func(ctx context.Context, d time.Duration) error
	log             *slog.Logger
}

// Option configures a Client.
type Option func(*Client)

// WithBasicAuth sends HTTP Basic credentials, matching the WebUI's
// --api-auth user:pass flag.
func WithBasicAuth(user, pass string) Option {
	return func(c *Client) { c.user, c.pass, c.auth = user, pass, true }
}

// WithListTimeout sets the per-attempt timeout of GETs and other quick calls
// (default 10s).
func WithListTimeout(d time.Duration) Option {
	return func(c *Client) {
		if d > 0 {
			c.listTimeout = d
		}
	}
}

// WithOptionTimeout sets the per-attempt timeout of POST /options and the
// refresh calls, which wait for model loads (default 120s).
func WithOptionTimeout(d time.Duration) Option {
	return func(c *Client) {
		if d > 0 {
			c.optionTimeout = d
		}
	}
}

// WithExtrasTimeout sets how long one extra-single-image call (an
// upscale) may take before it is abandoned as hung (default 5 minutes).
func WithExtrasTimeout(d time.Duration) Option {
	return func(c *Client) {
		if d > 0 {
			c.extrasTimeout = d
		}
	}
}

// WithGenerationLimit sets the longest one txt2img or img2img call may take
// (default 60 minutes), however its progress looks.
func WithGenerationLimit(d time.Duration) Option {
	return func(c *Client) {
		if d > 0 {
			c.generateTimeout = d
		}
	}
}

// WithWatchdog sets how long the progress watchdog waits for the step counter
// to advance before it interrupts the generation (default 90s). A negative
// value disables the watchdog.
func WithWatchdog(d time.Duration) Option {
	return func(c *Client) {
		if d != 0 {
			c.watchdog = d
		}
	}
}

// WithRetry sets the retry policy (default DefaultRetryPolicy()).
func WithRetry(p RetryPolicy) Option {
	return func(c *Client) { c.retry = p }
}

// WithLogger sets the logger (default: discard).
func WithLogger(l *slog.Logger) Option {
	return func(c *Client) {
		if l != nil {
			c.log = l
		}
	}
}

// New creates a Client for the WebUI at baseURL, e.g. "http://127.0.0.1:7860".
// A missing scheme means http. The path of baseURL is kept as a prefix, so a
// WebUI behind a reverse proxy at "http://host/sd" works. Credentials in
// the URL ("http://user:pass@host") become its Basic credentials (unless
// WithBasicAuth gives others) and are kept out of BaseURL, which names the
// WebUI in logs, errors and the queue; errors show the URL redacted.
func New(baseURL string, opts ...Option) (*Client, error) {
	raw := strings.TrimSpace(baseURL)
	if raw == "" {
		return nil, fmt.Errorf("webui: empty base URL")
	}
	if !strings.Contains(raw, "://") {
		raw = "http://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("webui: invalid base URL %q: %w", RedactURL(baseURL), redactErr(err))
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("webui: invalid base URL %q: scheme must be http or https", RedactURL(baseURL))
	}
	if u.Host == "" {
		return nil, fmt.Errorf("webui: invalid base URL %q: no host", RedactURL(baseURL))
	}
	user, pass, hasUser := SplitURLCredentials(u)
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawQuery, u.Fragment = "", ""
	c := &Client{
		base:            u,
		http:            &http.Client{},
		listTimeout:     DefaultListTimeout,
		optionTimeout:   DefaultOptionTimeout,
		extrasTimeout:   DefaultExtrasTimeout,
		generateTimeout: DefaultGenerationLimit,
		watchdog:        DefaultWatchdog,
		retry:           DefaultRetryPolicy(),
		sleep:           sleepCtx,
		log:             slog.New(slog.DiscardHandler),
	}
	if hasUser {
		c.user, c.pass, c.auth = user, pass, true
	}
	for _, o := range opts {
		o(c)
	}
	return c, nil
}

// BaseURL returns the normalized base URL.
func (c *Client) BaseURL() string { return c.base.String() }

// Watchdog returns the configured progress watchdog duration (negative when
// disabled).
func (c *Client) Watchdog() time.Duration { return c.watchdog }

// sleepCtx waits for d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
