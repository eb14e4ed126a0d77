package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stablenew/app"
	"stablenew/pipeline/queue"
	"stablenew/pipeline/webui/webuitest"
)

// lockedBuffer is a bytes.Buffer safe to read while a command writes it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (w *lockedBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *lockedBuffer) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

// runUntil runs the CLI and sends Ctrl-C once its output holds stop (or
// after limit).
func runUntil(t *testing.T, stop string, limit time.Duration, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut lockedBuffer
	interrupt := make(chan struct{})
	done := make(chan int, 1)
	go func() { done <- Main(args, &Env{Stdout: &out, Stderr: &errOut, Interrupt: interrupt}) }()
	deadline := time.Now().Add(limit)
	for {
		select {
		case code := <-done:
			return code, out.String(), errOut.String()
		case <-time.After(10 * time.Millisecond):
		}
		if interrupt != nil && (strings.Contains(out.String()+errOut.String(), stop) || time.Now().After(deadline)) {
			close(interrupt)
			interrupt = nil
		}
	}
}

// TestCredentialsInAWebUIURLNeverShow: with http://user:password@host the
// password was in every "started on" line, in warnings, in the database's
// backend column and in `history list --json`. Every output of a session
// that used such URLs (right and wrong credentials, from --webui and from
// settings.json) is searched for the password.
func TestCredentialsInAWebUIURLNeverShow(t *testing.T) {
	const secret = "pw-7f3a9c1e"
	srv := webuitest.New(webuitest.Options{Auth: "alice:" + secret, Seed: 1})
	defer srv.Close()
	withCreds := func(user, pass string) string {
		return strings.Replace(srv.URL(), "://", "://"+user+":"+pass+"@", 1)
	}
	data := foxData(t)
	var outputs []string
	record := func(code int, out, errOut string) {
		outputs = append(outputs, out, errOut)
	}

	// A run with the right credentials in the URL renders.
	code, out, errOut := run(t, "run", "--data-dir", data, "--webui", withCreds("alice", secret), "--pack", "fox")
	record(code, out, errOut)
	require.Equal(t, ExitOK, code, out+errOut)
	assert.Contains(t, out, "started on "+srv.URL())

	// Wrong credentials (another password holding the secret): the WebUI
	// refuses them, and the errors name the WebUI without them.
	code, out, errOut = run(t, "queue", "add", "--data-dir", data, "--pack", "fox")
	record(code, out, errOut)
	require.Equal(t, ExitOK, code, errOut)
	code, out, errOut = runUntil(t, "401", 20*time.Second, "queue", "run", "--data-dir", data, "--webui", withCreds("alice", secret+"-old"))
	record(code, out, errOut)
	assert.Contains(t, out+errOut, srv.URL())

	// Credentials in settings.json are moved into the API auth.
	set := app.DefaultSettings()
	set.WebUIURLs = []string{withCreds("alice", secret)}
	body, err := json.Marshal(set)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(data, app.SettingsFile), body, 0o644))
	code, _, errOut = run(t, "queue", "add", "--data-dir", data, "--pack", "fox")
	require.Equal(t, ExitOK, code, errOut)
	code, out, errOut = run(t, "queue", "run", "--data-dir", data)
	record(code, out, errOut)
	assert.Contains(t, out, "started on "+srv.URL())
	// The same credentials twice are one API auth; different ones are refused.
	code, out, errOut = run(t, "queue", "run", "--data-dir", data, "--webui", withCreds("alice", secret), "--api-auth", "bob:other")
	record(code, out, errOut)
	assert.Equal(t, ExitFailed, code)
	assert.Contains(t, errOut, "holds credentials that differ from the API auth setting")

	for _, args := range [][]string{
		{"history", "list", "--data-dir", data, "--json"},
		{"history", "list", "--data-dir", data},
		{"queue", "list", "--data-dir", data, "--json"},
		{"queue", "export", "--data-dir", data},
	} {
		code, out, errOut := run(t, args...)
		record(code, out, errOut)
		require.Equal(t, ExitOK, code, errOut)
	}
	var hist []queue.HistoryItem
	code, out, _ = run(t, "history", "list", "--data-dir", data, "--json")
	require.Equal(t, ExitOK, code)
	require.NoError(t, json.Unmarshal([]byte(out), &hist))
	require.NotEmpty(t, hist)
	for _, h := range hist {
		if h.Backend != "" {
			assert.Equal(t, srv.URL(), h.Backend)
		}
	}
	for i, o := range outputs {
		assert.NotContains(t, o, secret, "output %d:\n%s", i, o)
	}
	// Every file StableNew wrote: the database (and its log), images,
	// manifests, state. settings.json is the user's own file.
	require.NoError(t, filepath.Walk(data, func(p string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() || fi.Name() == app.SettingsFile {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		assert.False(t, bytes.Contains(b, []byte(secret)), "%s holds the password", p)
		return nil
	}))
}
