package webui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"time"
)

// LauncherConfig is the explicit configuration of a WebUI child process. It
// comes from the user's engine settings only, never from a pack or preset.
type LauncherConfig struct {
	// Command is the program, e.g. "./webui.sh" or "bash".
	Command string
	// Args are its arguments, e.g. ["--api"] or ["webui.sh", "--api"].
	Args []string
	// Dir is the working directory (the stable-diffusion-webui folder).
	Dir string
	// Env holds extra "KEY=value" entries added to StableNew's environment
	// (e.g. COMMANDLINE_ARGS=--api).
	Env []string
	// Logger receives the process's stdout and stderr lines (default: discard).
	Logger *slog.Logger
	// StopGrace is the grace used when Start's ctx ends (default 10s).
	StopGrace time.Duration
	// PollInterval is how often WaitReady probes (default 1s).
	PollInterval time.Duration
}

// Launcher runs an optional WebUI process. It is off unless the user
// configures and starts it. Methods are safe for concurrent use.
type Launcher struct {
	cfg    LauncherConfig
	client *Client

	mu      sync.Mutex
	cmd     *exec.Cmd
	done    chan struct{}
	waitErr error
}

// NewLauncher checks cfg and returns a Launcher whose readiness is probed
// through client.
func NewLauncher(cfg LauncherConfig, client *Client) (*Launcher, error) {
	if strings.TrimSpace(cfg.Command) == "" {
		return nil, errors.New("webui launcher: no command configured")
	}
	if client == nil {
		return nil, errors.New("webui launcher: no client")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.StopGrace <= 0 {
		cfg.StopGrace = 10 * time.Second
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = time.Second
	}
	return &Launcher{cfg: cfg, client: client}, nil
}

// Start starts the process in its own process group. Its output goes to the
// logger line by line. When ctx ends the process group is stopped with
// StopGrace. Starting a running launcher is an error.
func (l *Launcher) Start(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.cmd != nil && !isClosed(l.done) {
		return errors.New("webui launcher: already running")
	}
	name, args := launchArgv(runtime.GOOS, l.cfg.Command, l.cfg.Args)
	cmd := exec.Command(name, args...)
	cmd.Dir = l.cfg.Dir
	cmd.Env = append(os.Environ(), l.cfg.Env...)
	setProcessGroup(cmd)
	stdout := &lineLogger{log: l.cfg.Logger, stream: "stdout"}
	stderr := &lineLogger{log: l.cfg.Logger, stream: "stderr"}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	// Children that keep the pipes open must not block Wait for long.
	cmd.WaitDelay = 2 * time.Second
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("webui launcher: start %s: %w", l.cfg.Command, err)
	}
	l.cfg.Logger.Info("webui process started", "pid", cmd.Process.Pid, "command", l.cfg.Command, "args", l.cfg.Args, "dir", l.cfg.Dir)
	done := make(chan struct{})
	l.cmd, l.done, l.waitErr = cmd, done, nil
	go func() {
		err := cmd.Wait()
		stdout.flush()
		stderr.flush()
		l.mu.Lock()
		l.waitErr = err
		l.mu.Unlock()
		l.cfg.Logger.Info("webui process exited", "pid", cmd.Process.Pid, "err", err)
		close(done)
	}()
	go func() {
		select {
		case <-ctx.Done():
			_ = l.Stop(l.cfg.StopGrace)
		case <-done:
		}
	}()
	return nil
}

// Running reports whether the process is running.
func (l *Launcher) Running() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.cmd != nil && !isClosed(l.done)
}

// PID returns the process id, or 0 if never started.
func (l *Launcher) PID() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.cmd == nil || l.cmd.Process == nil {
		return 0
	}
	return l.cmd.Process.Pid
}

// Done is closed when the process has exited (nil before Start).
func (l *Launcher) Done() <-chan struct{} {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.done
}

// ExitErr returns the process's exit error once it has exited.
func (l *Launcher) ExitErr() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.waitErr
}

// WaitReady polls Client.Ready until the WebUI answers, the process exits,
// timeout passes or ctx ends.
func (l *Launcher) WaitReady(ctx context.Context, timeout time.Duration) error {
	done := l.Done()
	if done == nil {
		return errors.New("webui launcher: not started")
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var last error
	for {
		select {
		case <-done:
			return fmt.Errorf("webui launcher: the WebUI exited before it was ready: %v", l.ExitErr())
		default:
		}
		if last = l.client.Ready(ctx); last == nil {
			return nil
		}
		t := time.NewTimer(l.cfg.PollInterval)
		select {
		case <-ctx.Done():
			t.Stop()
			return &Error{Kind: KindTimeout, Op: "launch", Message: fmt.Sprintf("the WebUI was not ready after %s", timeout), Err: last}
		case <-done:
			t.Stop()
		case <-t.C:
		}
	}
}

// Stop ends the whole process group: SIGTERM, then SIGKILL after grace
// (on systems without process groups, the process is killed). It returns
// when the process has exited; stopping a stopped launcher is a no-op.
func (l *Launcher) Stop(grace time.Duration) error {
	l.mu.Lock()
	cmd, done := l.cmd, l.done
	l.mu.Unlock()
	if cmd == nil || cmd.Process == nil {
		return nil
	}
	if !isClosed(done) {
		l.cfg.Logger.Info("webui process stopping", "pid", cmd.Process.Pid, "grace", grace)
		if err := terminateGroup(cmd.Process); err != nil {
			l.cfg.Logger.Debug("webui terminate", "err", err)
		}
		t := time.NewTimer(grace)
		select {
		case <-done:
		case <-t.C:
		}
		t.Stop()
	}
	// Kill whatever is left of the group, including children that
	// ignored SIGTERM or outlived the main process.
	if err := killGroup(cmd.Process); err != nil {
		l.cfg.Logger.Debug("webui kill", "err", err)
	}
	t := time.NewTimer(10 * time.Second)
	defer t.Stop()
	select {
	case <-done:
		return nil
	case <-t.C:
		return fmt.Errorf("webui launcher: process %d did not exit after SIGKILL", cmd.Process.Pid)
	}
}

func isClosed(ch chan struct{}) bool {
	if ch == nil {
		return true
	}
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// lineLogger is an io.Writer that logs each line (split on \n or \r, so
// tqdm progress bars become lines too). exec calls it from one goroutine.
type lineLogger struct {
	log    *slog.Logger
	stream string
	mu     sync.Mutex
	buf    bytes.Buffer
}

// maxLine bounds a buffered line.
const maxLine = 64 << 10

// Write buffers p and logs every complete line.
func (w *lineLogger) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	for {
		b := w.buf.Bytes()
		i := bytes.IndexAny(b, "\r\n")
		if i < 0 {
			if w.buf.Len() > maxLine {
				w.emit(string(b))
				w.buf.Reset()
			}
			return len(p), nil
		}
		w.emit(string(b[:i]))
		w.buf.Next(i + 1)
	}
}

func (w *lineLogger) flush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.buf.Len() > 0 {
		w.emit(w.buf.String())
		w.buf.Reset()
	}
}

func (w *lineLogger) emit(line string) {
	line = strings.TrimSpace(line)
	if line == "" {
		return
	}
	w.log.Info(line, "source", "webui", "stream", w.stream)
}
