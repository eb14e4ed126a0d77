//go:build unix

package webui_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stablenew/pipeline/webui"
	"stablenew/pipeline/webui/webuitest"
)

// lockedBuffer is a goroutine-safe log sink.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func newLauncher(t *testing.T, script string, url string) (*webui.Launcher, *lockedBuffer) {
	t.Helper()
	logs := &lockedBuffer{}
	c, err := webui.New(url, webui.WithRetry(webui.NoRetry()), webui.WithListTimeout(time.Second))
	require.NoError(t, err)
	l, err := webui.NewLauncher(webui.LauncherConfig{
		Command: "/bin/sh", Args: []string{"-c", script}, Dir: t.TempDir(),
		Env:    []string{"STABLENEW_TEST=hello"},
		Logger: slog.New(slog.NewTextHandler(logs, nil)), PollInterval: 10 * time.Millisecond,
	}, c)
	require.NoError(t, err)
	t.Cleanup(func() { _ = l.Stop(100 * time.Millisecond) })
	return l, logs
}

var childRe = regexp.MustCompile(`child=(\d+)`)

// alive reports whether pid exists and is not a zombie.
func alive(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true // no /proc: trust kill(0)
	}
	fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
	return len(fields) > 0 && fields[0] != "Z"
}

func TestNewLauncherNeedsCommand(t *testing.T) {
	c, err := webui.New("127.0.0.1:1")
	require.NoError(t, err)
	_, err = webui.NewLauncher(webui.LauncherConfig{}, c)
	require.Error(t, err)
}

func TestLauncherWaitReadyAndStopKillsGroup(t *testing.T) {
	srv := webuitest.New(webuitest.Options{})
	t.Cleanup(srv.Close)
	// The shell prints its environment variable and a child's pid, then
	// waits on the child: Stop must end both.
	l, logs := newLauncher(t, `echo "env=$STABLENEW_TEST"; sleep 30 & echo "child=$!"; wait`, srv.URL())
	require.NoError(t, l.Start(t.Context()))
	require.Error(t, l.Start(t.Context()), "already running")
	require.NoError(t, l.WaitReady(t.Context(), 5*time.Second))
	assert.True(t, l.Running())

	var child int
	eventually(t, "child pid in the log", func() bool {
		if m := childRe.FindStringSubmatch(logs.String()); m != nil {
			child, _ = strconv.Atoi(m[1])
		}
		return child > 0
	})
	assert.Contains(t, logs.String(), "env=hello")
	assert.Contains(t, logs.String(), "stream=stdout")
	require.True(t, alive(child))

	require.NoError(t, l.Stop(2*time.Second))
	assert.False(t, l.Running())
	eventually(t, "child to die", func() bool { return !alive(child) })
	require.NoError(t, l.Stop(time.Second), "stopping twice is fine")
}

func TestLauncherKillsAfterGrace(t *testing.T) {
	l, logs := newLauncher(t, `trap '' TERM; echo ready; while :; do sleep 0.05; done`, "127.0.0.1:1")
	require.NoError(t, l.Start(t.Context()))
	eventually(t, "script to start", func() bool { return strings.Contains(logs.String(), "msg=ready") })
	start := time.Now()
	require.NoError(t, l.Stop(150*time.Millisecond))
	assert.GreaterOrEqual(t, time.Since(start), 150*time.Millisecond, "SIGTERM was ignored, SIGKILL came after the grace")
	assert.False(t, l.Running())
	assert.Error(t, l.ExitErr())
}

func TestLauncherExitBeforeReady(t *testing.T) {
	l, logs := newLauncher(t, `echo "boom: no python" >&2; exit 3`, "127.0.0.1:1")
	require.NoError(t, l.Start(t.Context()))
	err := l.WaitReady(t.Context(), 5*time.Second)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "exited before it was ready")
	assert.Contains(t, err.Error(), "exit status 3")
	assert.Contains(t, logs.String(), "stream=stderr")
	assert.Contains(t, logs.String(), `boom: no python`)
}

func TestLauncherStopsWhenContextEnds(t *testing.T) {
	l, _ := newLauncher(t, `sleep 30`, "127.0.0.1:1")
	ctx, cancel := context.WithCancel(t.Context())
	require.NoError(t, l.Start(ctx))
	cancel()
	select {
	case <-l.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("process not stopped after ctx ended")
	}
}

func TestLauncherWaitReadyTimesOut(t *testing.T) {
	l, _ := newLauncher(t, `sleep 30`, "127.0.0.1:1")
	require.NoError(t, l.Start(t.Context()))
	err := l.WaitReady(t.Context(), 50*time.Millisecond)
	requireKind(t, err, webui.KindTimeout)
}
