package resources

import (
	"context"
	"sync"
	"time"

	"stablenew/pipeline"
	"stablenew/pipeline/webui"
)

// MissRefreshAfter is how old a WebUI's lists must be before a name that
// misses reads them again (a model added while the app runs).
const MissRefreshAfter = 3 * time.Second

// Cache keeps one WebUI's last lists and the user's mappings for it. Lists
// are read on connect, on Refresh (F5), and again when a name misses.
type Cache struct {
	// RefreshAfterMiss is how old the lists must be before a name that
	// misses reads them again (MissRefreshAfter; set it before use).
	RefreshAfterMiss time.Duration

	webui string
	fetch func(context.Context) (*Lists, error)
	now   func() time.Time

	refresh sync.Mutex // one discovery at a time

	mu         sync.Mutex
	lists      *Lists
	err        error
	aliases    []Alias
	view       *View
	tried      time.Time // when a discovery last ended
	refreshing bool      // a background discovery is running
}

// NewCache makes the cache of the WebUI c talks to; name names it in
// messages (its URL without credentials).
func NewCache(name string, c *webui.Client) *Cache {
	return NewCacheFunc(name, func(ctx context.Context) (*Lists, error) {
		r, err := c.DiscoverResources(ctx)
		if err != nil {
			return nil, err
		}
		return FromWebUI(r), nil
	})
}

// NewCacheFunc makes a cache that reads lists with fetch.
func NewCacheFunc(name string, fetch func(context.Context) (*Lists, error)) *Cache {
	return &Cache{webui: name, fetch: fetch, now: time.Now, RefreshAfterMiss: MissRefreshAfter}
}

// WebUI is the name of the cache's WebUI.
func (c *Cache) WebUI() string { return c.webui }

// Refresh reads the lists again. On failure the previous lists are kept
// (Get still returns them) and the error is returned.
func (c *Cache) Refresh(ctx context.Context) (*Lists, error) {
	c.refresh.Lock()
	defer c.refresh.Unlock()
	l, err := c.fetch(ctx)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.tried = c.now()
	c.err = err
	if err != nil {
		return c.lists, err
	}
	c.lists, c.view = l, nil
	return l, nil
}

// Get returns the last lists read, or nil before the first success.
func (c *Cache) Get() *Lists {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lists
}

// Err returns the error of the last Refresh (nil if it succeeded).
func (c *Cache) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// SetAliases replaces the user's mappings (those for other WebUIs are
// ignored).
func (c *Cache) SetAliases(a []Alias) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.aliases, c.view = append([]Alias(nil), a...), nil
}

// View returns the lists under the user's mappings, or nil before the
// first successful Refresh.
func (c *Cache) View() *View {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.viewLocked()
}

func (c *Cache) viewLocked() *View {
	if c.lists == nil {
		return nil
	}
	if c.view == nil {
		c.view = NewView(c.webui, c.lists, c.aliases)
	}
	return c.view
}

// Check says whether the WebUI can run jobs with a RequiredKey, without
// waiting: Unknown before its lists are read. When they lack something and
// are older than MissRefreshAfter, it reads them again in the background,
// answers Checking, and calls refreshed when the new lists are in.
// (RefreshAfterMiss sets that age.)
func (c *Cache) Check(required string, refreshed func()) Verdict {
	c.mu.Lock()
	v := c.viewLocked()
	if v == nil {
		c.mu.Unlock()
		return Verdict{State: Unknown}
	}
	c.mu.Unlock()
	vd := v.Verdict(required)
	if vd.State != No {
		return vd
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.refreshing {
		return Verdict{State: Checking, Reason: vd.Reason}
	}
	if c.now().Sub(c.tried) < c.RefreshAfterMiss {
		return vd
	}
	c.refreshing = true
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c.Refresh(ctx) //nolint:errcheck // a failure keeps the old lists, and the verdict stands
		c.mu.Lock()
		c.refreshing = false
		c.mu.Unlock()
		if refreshed != nil {
			refreshed()
		}
	}()
	return Verdict{State: Checking, Reason: vd.Reason}
}

// ApplyTo resolves a job's names for a run on this WebUI (see Apply). It
// reads the lists first if they were never read, and again when a required
// name misses and they are older than MissRefreshAfter. It returns an
// error only when the lists cannot be read at all.
func (c *Cache) ApplyTo(ctx context.Context, spec *pipeline.JobSpec) (*Applied, error) {
	v := c.View()
	if v == nil {
		if _, err := c.Refresh(ctx); err != nil {
			return nil, err
		}
		v = c.View()
	}
	a := Apply(v, spec)
	if len(a.Blocking()) == 0 {
		return a, nil
	}
	c.mu.Lock()
	stale := c.now().Sub(c.tried) >= c.RefreshAfterMiss
	c.mu.Unlock()
	if !stale {
		return a, nil
	}
	if _, err := c.Refresh(ctx); err != nil {
		return a, nil //nolint:nilerr // the lists we have still answer; the miss stands
	}
	return Apply(c.View(), spec), nil
}
