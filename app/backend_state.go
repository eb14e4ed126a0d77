package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"stablenew/pipeline/resources"
	"stablenew/pipeline/webui"
)

// ConnectionState is a WebUI's connection as the app shows it (the
// original's WebUIConnectionState).
type ConnectionState string

// The connection states.
const (
	StateDisconnected ConnectionState = "disconnected"
	StateConnecting   ConnectionState = "connecting"
	StateReady        ConnectionState = "ready"
	StateError        ConnectionState = "error"
	StateDisabled     ConnectionState = "disabled"
)

// stateOf is the app's name for a monitor's state.
func stateOf(s webui.ConnectionState) ConnectionState {
	switch s {
	case webui.StateConnecting:
		return StateConnecting
	case webui.StateReady:
		return StateReady
	case webui.StateError:
		return StateError
	case webui.StateDisabled:
		return StateDisabled
	}
	return StateDisconnected
}

// State is the backend's connection state now.
func (b *Backend) State() ConnectionState {
	if b.Monitor == nil {
		return StateDisconnected
	}
	return stateOf(b.Monitor.State())
}

// Err is the backend's last connection error (nil when it answers).
func (b *Backend) Err() error {
	if b.Monitor == nil {
		return nil
	}
	return b.Monitor.Err()
}

// Retry asks the backend's monitor to probe the WebUI now.
func (b *Backend) Retry() {
	if b.Monitor != nil {
		b.Monitor.Retry()
	}
}

// Lists are the backend's last resource lists (nil before they were first
// read): what the stage cards offer.
func (b *Backend) Lists() *resources.Lists { return b.Resources.Get() }

// RefreshLists reads the backend's resource lists again (F5).
func (b *Backend) RefreshLists(ctx context.Context) error {
	_, err := b.Resources.Refresh(ctx)
	return err
}

// Targets are the backends as a preflight checks them: each one's lists
// under the user's mappings, or why they could not be read.
func (s *Services) Targets() []resources.Target {
	var out []resources.Target
	for _, b := range s.BackendList() {
		t := resources.Target{WebUI: b.URL, View: b.Resources.View()}
		if t.View == nil {
			t.Err = b.Resources.Err()
			if t.Err == nil {
				t.Err = errors.New("not connected yet")
			}
		}
		out = append(out, t)
	}
	return out
}

// Launch starts the settings' WebUI command (Settings: launcher), for the
// first WebUI. The process lives until the services close (its whole
// process group is stopped then). It returns once the process has started;
// the first backend's monitor then sees the WebUI come up.
func (s *Services) Launch() error {
	set := s.CurrentSettings()
	fields := strings.Fields(set.LauncherCommand)
	if len(fields) == 0 {
		return errors.New("no WebUI command is set: add it in Settings")
	}
	list := s.BackendList()
	if len(list) == 0 {
		return errors.New("no WebUI is configured")
	}
	s.mu.Lock()
	life := s.ctx
	running := s.launcher != nil && s.launcher.Running()
	s.mu.Unlock()
	if life == nil {
		return errors.New("the services are not started")
	}
	if running {
		return errors.New("the WebUI started from StableNew is still running")
	}
	l, err := webui.NewLauncher(webui.LauncherConfig{Command: fields[0], Args: fields[1:], Dir: set.LauncherDir, Logger: s.Log},
		list[0].Client)
	if err != nil {
		return err
	}
	if err := l.Start(life); err != nil {
		return err
	}
	s.mu.Lock()
	s.launcher = l
	s.mu.Unlock()
	s.Log.Info("WebUI launched; waiting for it to answer", "command", set.LauncherCommand)
	list[0].Retry()
	return nil
}

// LauncherRunning reports whether a WebUI started with Launch is running.
func (s *Services) LauncherRunning() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.launcher != nil && s.launcher.Running()
}

// MapResource stores a mapping of a name to a WebUI's own (see
// Settings.MapResource), saves the settings and applies it to the next
// preflight and job. It writes a file: call it off the UI goroutine.
func (s *Services) MapResource(m resources.Alias) error {
	next := s.CurrentSettings().MapResource(m)
	if err := next.Validate(); err != nil {
		return err
	}
	if err := SaveSettings(s.DataDir, next); err != nil {
		return err
	}
	return s.ApplySettings(next)
}

// ReadTargets reads the resource lists of every backend again, all at once
// (each within ListsTimeout), and returns them as a preflight checks them
// (see Targets). A WebUI that does not answer is a target with its error.
func (s *Services) ReadTargets(ctx context.Context) []resources.Target {
	list := s.BackendList()
	var wg sync.WaitGroup
	for _, b := range list {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(ctx, ListsTimeout)
			defer cancel()
			b.RefreshLists(ctx) //nolint:errcheck // the target carries the error
		})
	}
	wg.Wait()
	return s.Targets()
}

// ListsTimeout bounds reading one WebUI's resource lists for a preflight.
const ListsTimeout = 15 * time.Second

// ReadTargetsOf reads the resource lists of WebUIs the app has not opened
// (`plan --webui`), with the API auth of set, all at once.
func ReadTargetsOf(ctx context.Context, urls []string, set Settings, log *slog.Logger) ([]resources.Target, error) {
	out := make([]resources.Target, len(urls))
	caches := make([]*resources.Cache, len(urls))
	for i, u := range urls {
		c, err := webui.New(strings.TrimSpace(u), clientOptions(set, log)...)
		if err != nil {
			return nil, fmt.Errorf("WebUI URL %q: %w", u, err)
		}
		caches[i] = resources.NewCache(c.BaseURL(), c)
		caches[i].SetAliases(set.ResourceMappings)
	}
	var wg sync.WaitGroup
	for i, c := range caches {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(ctx, ListsTimeout)
			defer cancel()
			out[i] = resources.Target{WebUI: c.WebUI()}
			if _, err := c.Refresh(ctx); err != nil {
				out[i].Err = err
				return
			}
			out[i].View = c.View()
		})
	}
	wg.Wait()
	return out, nil
}
