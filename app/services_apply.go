package app

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"stablenew/pipeline/queue"
	"stablenew/pipeline/webui"
)

// BackendList returns a copy of the backends in use, safe to call from any
// goroutine while ApplySettings may replace them.
func (s *Services) BackendList() []*Backend {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.Backends)
}

// CurrentSettings returns a copy of the settings in use, safe to call from
// any goroutine while ApplySettings may replace them.
func (s *Services) CurrentSettings() Settings {
	s.mu.Lock()
	defer s.mu.Unlock()
	set := s.Settings
	set.WebUIURLs = slices.Clone(set.WebUIURLs)
	set.ResourceMappings = slices.Clone(set.ResourceMappings)
	return set
}

// ApplySettings makes next the settings in use without a restart. It
// validates next first and changes nothing when it is not valid.
//
// When the WebUI URLs, the API auth or the watchdog changed, the backends
// are rebuilt: a backend whose URL is still listed and whose client options
// (API auth, watchdog) are unchanged is kept as it is, running job
// included; the others are detached from the queue (a job one of them was
// running goes back to the front of the queue) and their monitors stopped;
// new backends are attached to the queue (Queue.Attach: auto-run decides
// whether they take jobs now) and their monitors report to the callback
// given to Start. Before Start, only the list changes. Checkpoint affinity
// applies to the next job a worker takes. Theme, output root and the
// launcher settings are only recorded here: the GUI applies the first two
// and reads the launcher at start.
//
// In demo mode the single demo backend stays: the WebUI URLs and API auth
// of next are not applied (they stay the demo's), only the rest is.
//
// ApplySettings may wait for a running job to be interrupted and for the
// old monitors to stop: call it off the UI goroutine. Calls are serialised
// with each other and with Start. The error joins what could not be done
// (a worker that did not stop in time, a closed queue); the new list and
// settings are in use even then.
func (s *Services) ApplySettings(next Settings) error {
	next.WebUIURLs = slices.Clone(next.WebUIURLs)
	next.ResourceMappings = slices.Clone(next.ResourceMappings)
	s.applyMu.Lock()
	defer s.applyMu.Unlock()
	s.mu.Lock()
	cur, old := s.Settings, slices.Clone(s.Backends)
	started, closed, ctx := s.started, s.closed, s.ctx
	s.mu.Unlock()
	if closed {
		return errors.New("cannot apply settings: the services are closed")
	}
	if s.Demo != nil {
		next.WebUIURLs, next.APIAuth = slices.Clone(cur.WebUIURLs), cur.APIAuth
	}
	if err := next.MoveURLCredentials(); err != nil {
		return err
	}
	if err := next.Validate(); err != nil {
		return err
	}
	plan, err := s.planBackends(cur, next, old)
	if err != nil {
		return err
	}
	var errs []error
	if started {
		for _, b := range plan.removed {
			if err := s.Queue.Detach(b.Runner); err != nil && !errors.Is(err, queue.ErrNotAttached) {
				errs = append(errs, fmt.Errorf("stopping WebUI %s: %w", b.URL, err))
			}
			s.stopBackend(b)
			s.Log.Info("WebUI backend removed", "backend", b.URL)
		}
	}
	s.mu.Lock()
	running := started && !s.closed
	if running {
		for _, b := range plan.added {
			s.startBackendLocked(b)
		}
	}
	s.Backends, s.Settings = plan.list, next
	s.mu.Unlock()
	for _, b := range plan.list {
		b.Resources.SetAliases(next.ResourceMappings)
	}
	if running && len(plan.added) > 0 {
		if err := s.Queue.Attach(ctx, executors(plan.added)...); err != nil {
			errs = append(errs, fmt.Errorf("attaching the new WebUIs to the queue: %w", err))
		}
	}
	for _, b := range plan.added {
		s.Log.Info("WebUI backend added", "backend", b.URL)
	}
	if cur.CheckpointAffinity != next.CheckpointAffinity && s.Queue != nil {
		s.Queue.SetCheckpointAffinity(next.CheckpointAffinity)
	}
	return errors.Join(errs...)
}

// backendPlan is how the backends change from one settings to the next.
type backendPlan struct {
	list    []*Backend // the backends of the next settings, in their order
	added   []*Backend // built for the next settings
	removed []*Backend // in use now, not in list
}

// planBackends keeps every backend of old whose URL next still lists when
// the client options did not change, and builds the others. Nothing is
// started or stopped.
func (s *Services) planBackends(cur, next Settings, old []*Backend) (backendPlan, error) {
	var p backendPlan
	pool := map[string][]*Backend{}
	if cur.APIAuth == next.APIAuth && cur.WatchdogSeconds == next.WatchdogSeconds {
		for _, b := range old {
			pool[b.URL] = append(pool[b.URL], b)
		}
	}
	kept := map[*Backend]bool{}
	for _, u := range next.WebUIURLs {
		u = strings.TrimSpace(u)
		c, err := webui.New(u)
		if err != nil {
			return backendPlan{}, fmt.Errorf("WebUI URL %q: %w", u, err)
		}
		if same := pool[c.BaseURL()]; len(same) > 0 {
			pool[c.BaseURL()] = same[1:]
			kept[same[0]] = true
			p.list = append(p.list, same[0])
			continue
		}
		b, err := s.newBackend(u, next, s.runnerOpts)
		if err != nil {
			return backendPlan{}, err
		}
		p.list = append(p.list, b)
		p.added = append(p.added, b)
	}
	for _, b := range old {
		if !kept[b] {
			p.removed = append(p.removed, b)
		}
	}
	return p, nil
}
