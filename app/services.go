// Package app wires StableNew's services together (pack library, planner,
// durable queue, WebUI backends) and holds AppState, the state the panels
// show and edit. It never imports Fyne; the GUI and the CLI both build on it.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"stablenew/controller"
	"stablenew/pipeline/packs"
	"stablenew/pipeline/queue"
	"stablenew/pipeline/resources"
	"stablenew/pipeline/runner"
	"stablenew/pipeline/webui"
	"stablenew/pipeline/webui/webuitest"
)

// OpenOptions say how to open the services.
type OpenOptions struct {
	// DataDir is the data folder ("" = the default for this user).
	DataDir string
	// Demo runs an in-process fake WebUI (placeholder images, no GPU) and
	// uses it as the only backend.
	Demo bool
	// WebUIURLs, when set, replace the settings' backends (the CLI's --webui).
	WebUIURLs []string
	// APIAuth, when set, replaces the settings' --api-auth credentials.
	APIAuth string
	// Logger receives every service's logs (default slog.Default()).
	Logger *slog.Logger
	// ReadOnlyQueue opens the queue database for reading only (for commands
	// that only list; other processes may use it at the same time either
	// way).
	ReadOnlyQueue bool
	// RunnerOptions tune the runners (progress interval, previews).
	RunnerOptions runner.Options
}

// Backend is one WebUI: its client, the runner that executes jobs on it,
// its connection monitor and its cached model lists.
type Backend struct {
	URL     string
	Client  *webui.Client
	Runner  *runner.Runner
	Monitor *webui.Monitor
	// Resources are the WebUI's resource lists, shared with the runner,
	// which resolves every job's names against them.
	Resources *resources.Cache

	// stop ends this backend's monitor goroutines (nil until started);
	// wg counts them.
	stop context.CancelFunc
	wg   sync.WaitGroup
}

// Services are the long-lived parts of the app. Open them once; Start runs
// the background work; Close stops it.
type Services struct {
	DataDir string
	// Settings are the settings in use. ApplySettings replaces them while
	// the app runs: read them with CurrentSettings from other goroutines.
	Settings Settings
	Library  *packs.Library
	Pipeline *controller.PipelineController
	Queue    *queue.Service
	// Backends are the WebUIs in use. ApplySettings replaces the list while
	// the app runs: read it with BackendList from other goroutines.
	Backends []*Backend
	// Demo is the in-process fake WebUI of demo mode, or nil.
	Demo *webuitest.Server
	Log  *slog.Logger

	// runnerOpts are Open's RunnerOptions, for backends ApplySettings adds.
	runnerOpts runner.Options

	// applyMu serialises Start and ApplySettings (held while backends are
	// stopped and started, which may wait on the network); mu guards the
	// fields below, Settings and Backends, and is never held while waiting.
	applyMu   sync.Mutex
	mu        sync.Mutex
	ctx       context.Context // Start's context
	cancel    context.CancelFunc
	onBackend func(b *Backend, state ConnectionState, err error)
	launcher  *webui.Launcher // the WebUI Launch started, or nil
	started   bool
	closed    bool
	wg        sync.WaitGroup
}

// Open opens the data folder, the queue database and the backends. Nothing
// runs until Start.
func Open(opts OpenOptions) (*Services, error) {
	dir, err := packs.ResolveDataDir(opts.DataDir)
	if err != nil {
		return nil, err
	}
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	lib, err := packs.Open(dir)
	if err != nil {
		return nil, err
	}
	settings, err := LoadSettings(dir)
	if err != nil {
		return nil, err
	}
	s := &Services{DataDir: dir, Settings: settings, Library: lib, Log: log, runnerOpts: opts.RunnerOptions}
	s.Pipeline = controller.NewPipelineController(lib)
	if opts.WebUIURLs != nil {
		s.Settings.WebUIURLs = opts.WebUIURLs
	}
	if opts.APIAuth != "" {
		s.Settings.APIAuth = opts.APIAuth
	}
	s.Settings.WebUIURLs = slices.Clone(s.Settings.WebUIURLs)
	if err := s.Settings.MoveURLCredentials(); err != nil {
		return nil, err
	}
	if opts.Demo {
		s.Demo = webuitest.New(webuitest.DemoOptions())
		s.Settings.WebUIURLs = []string{s.Demo.URL()}
		s.Settings.APIAuth = ""
		log.Warn("demo mode: jobs run on a built-in fake WebUI and its images are placeholders, not renders")
	}
	if err := s.Settings.Validate(); err != nil {
		s.closeDemo()
		return nil, err
	}
	for _, u := range s.Settings.WebUIURLs {
		b, err := s.newBackend(strings.TrimSpace(u), s.Settings, opts.RunnerOptions)
		if err != nil {
			s.closeDemo()
			return nil, err
		}
		s.Backends = append(s.Backends, b)
	}
	s.Queue, err = queue.Open(queue.DefaultPath(dir), queue.Options{
		CheckpointAffinity: s.Settings.CheckpointAffinity, ReadOnly: opts.ReadOnlyQueue, Logger: log,
	})
	if err != nil {
		s.closeDemo()
		return nil, err
	}
	return s, nil
}

// newBackend builds the client, runner, monitor and resource cache of one
// WebUI with the client options of set (API auth, watchdog).
func (s *Services) newBackend(url string, set Settings, ropts runner.Options) (*Backend, error) {
	c, err := webui.New(url, clientOptions(set, s.Log)...)
	if err != nil {
		return nil, fmt.Errorf("WebUI URL %q: %w", url, err)
	}
	if ropts.Logger == nil {
		ropts.Logger = s.Log
	}
	lists := resources.NewCache(c.BaseURL(), c)
	lists.SetAliases(set.ResourceMappings)
	ropts.Resources = lists
	return &Backend{
		URL:       c.BaseURL(),
		Client:    c,
		Runner:    runner.New(c, ropts),
		Monitor:   webui.NewMonitor(c, webui.MonitorOptions{Logger: s.Log}),
		Resources: lists,
	}, nil
}

// clientOptions are the WebUI client options of set: API auth, watchdog.
func clientOptions(set Settings, log *slog.Logger) []webui.Option {
	copts := []webui.Option{webui.WithLogger(log)}
	if user, pass, ok := set.auth(); ok {
		copts = append(copts, webui.WithBasicAuth(user, pass))
	}
	if set.WatchdogSeconds > 0 {
		copts = append(copts, webui.WithWatchdog(time.Duration(set.WatchdogSeconds)*time.Second))
	}
	return copts
}

// Executors are the backends' runners, for JobService.
func (s *Services) Executors() []runner.Executor {
	return executors(s.BackendList())
}

// executors are the runners of list.
func executors(list []*Backend) []runner.Executor {
	out := make([]runner.Executor, len(list))
	for i, b := range list {
		out[i] = b.Runner
	}
	return out
}

// Start runs the connection monitors and the queue workers until Close.
// Each monitor refreshes its backend's model lists whenever it becomes
// ready; onBackend (may be nil) hears every connection change, after the
// lists of a backend that became ready were read.
func (s *Services) Start(onBackend func(b *Backend, state ConnectionState, err error)) error {
	s.applyMu.Lock()
	defer s.applyMu.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started {
		return errors.New("services already started")
	}
	if s.closed {
		return errors.New("services closed")
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.ctx, s.cancel, s.onBackend, s.started = ctx, cancel, onBackend, true
	for _, b := range s.Backends {
		s.startBackendLocked(b)
	}
	events, unsubscribe := s.Queue.Subscribe(64)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		defer unsubscribe()
		s.cacheExperimentThumbs(ctx, events)
	}()
	return s.Queue.Start(ctx, executors(s.Backends)...)
}

// startBackendLocked runs b's connection monitor and the goroutine that
// refreshes its model lists whenever it becomes ready, under a context of
// its own inside Start's (stopBackend ends them). s.mu is held and the
// services are started and not closed.
func (s *Services) startBackendLocked(b *Backend) {
	ctx, cancel := context.WithCancel(s.ctx)
	b.stop = cancel
	onBackend := s.onBackend
	type change struct {
		to  webui.ConnectionState
		err error
	}
	changes := make(chan change, 8)
	b.Monitor = webui.NewMonitor(b.Client, webui.MonitorOptions{Logger: s.Log, OnChange: func(_, to webui.ConnectionState, err error) {
		if to != webui.StateReady && onBackend != nil {
			onBackend(b, stateOf(to), err)
		}
		select {
		case changes <- change{to, err}:
		default:
		}
	}})
	s.wg.Add(2)
	b.wg.Add(2)
	go func() {
		defer s.wg.Done()
		defer b.wg.Done()
		b.Monitor.Run(ctx)
	}()
	go func() {
		defer s.wg.Done()
		defer b.wg.Done()
		for {
			select {
			case <-ctx.Done():
				return
			case ch := <-changes:
				if ch.to != webui.StateReady {
					continue
				}
				// Ready is announced once the lists are in, so the cards
				// never show a ready WebUI with no lists.
				if _, err := b.Resources.Refresh(ctx); err != nil && ctx.Err() == nil {
					s.Log.Warn("refreshing WebUI lists failed", "backend", b.URL, "err", err)
				}
				if onBackend != nil && ctx.Err() == nil && b.Monitor.State() == webui.StateReady {
					onBackend(b, StateReady, nil)
				}
			}
		}
	}()
}

// stopBackend ends b's monitor goroutines and waits for them.
func (s *Services) stopBackend(b *Backend) {
	if b.stop != nil {
		b.stop()
	}
	b.wg.Wait()
}

// Close stops the workers (a running job goes back to the queue), the
// monitors and the demo WebUI, and closes the database. It is idempotent.
func (s *Services) Close() error {
	s.mu.Lock()
	cancel := s.cancel
	s.cancel, s.closed = nil, true
	s.mu.Unlock()
	if cancel != nil {
		cancel()
	}
	var err error
	if s.Queue != nil {
		err = s.Queue.Close()
	}
	s.wg.Wait()
	s.closeDemo()
	return err
}

func (s *Services) closeDemo() {
	if s.Demo != nil {
		s.Demo.Close()
	}
}
