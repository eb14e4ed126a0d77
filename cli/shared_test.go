package cli

import (
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stablenew/pipeline/queue"
	"stablenew/pipeline/runner"
	"stablenew/pipeline/webui"
	"stablenew/pipeline/webui/webuitest"
)

// A script feeds and pauses a running `queue run` (each command was refused
// with "the queue is open in another StableNew"), and ten `queue add`s at
// once all land (nine failed at once).
func TestCommandsReachARunningQueue(t *testing.T) {
	srv := webuitest.New(webuitest.Options{StepDuration: 15 * time.Millisecond, Seed: 1})
	defer srv.Close()
	data := foxData(t)
	code, _, errOut := run(t, "queue", "add", "--data-dir", data, "--pack", "fox")
	require.Equal(t, ExitOK, code, errOut)

	type result struct {
		code     int
		out, err string
	}
	done := make(chan result, 1)
	go func() {
		code, out, errOut := runUntil(t, "never", time.Minute, "queue", "run", "--data-dir", data, "--webui", srv.URL())
		done <- result{code, out, errOut}
	}()
	deadline := time.Now().Add(20 * time.Second)
	poll := time.NewTicker(5 * time.Millisecond) // polling the fake WebUI's counter
	defer poll.Stop()
	for srv.RequestCount("txt2img") == 0 && time.Now().Before(deadline) {
		<-poll.C
	}
	var wg sync.WaitGroup
	codes := make([]int, 10)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i], _, _ = run(t, "queue", "add", "--data-dir", data, "--pack", "fox")
		}()
	}
	wg.Wait()
	for i, c := range codes {
		assert.Equal(t, ExitOK, c, "queue add %d", i+1)
	}
	code, out, errOut := run(t, "queue", "pause", "--data-dir", data)
	require.Equal(t, ExitOK, code, errOut)
	assert.Contains(t, out, "Queue paused")

	// The running queue hears the pause, ends its job and stops.
	var r result
	select {
	case r = <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("queue run did not stop after `queue pause`")
	}
	assert.Equal(t, ExitOK, r.code, r.out+r.err)
	assert.NotContains(t, r.out+r.err, "another StableNew")
	code, out, _ = run(t, "queue", "list", "--data-dir", data, "--json")
	require.Equal(t, ExitOK, code)
	var left []queue.QueueItem
	require.NoError(t, json.Unmarshal([]byte(out), &left))
	code, out, _ = run(t, "history", "list", "--data-dir", data, "--json", "--limit", "100")
	require.Equal(t, ExitOK, code)
	var hist []queue.HistoryItem
	require.NoError(t, json.Unmarshal([]byte(out), &hist))
	assert.Equal(t, 11, len(left)+len(hist), "every job added is queued or done: %s", strings.TrimSpace(r.out))
	for _, h := range hist {
		assert.Equal(t, queue.StatusCompleted, h.Status, h.Error)
	}
	for _, it := range left {
		assert.Equal(t, queue.StatusQueued, it.Status)
	}
}

// `run` while the app works the same WebUI: the app renders the run's jobs
// (one process per WebUI), and the run reports them from the store.
func TestRunWhileAnotherStableNewWorksTheWebUI(t *testing.T) {
	srv := webuitest.New(webuitest.Options{Seed: 1})
	defer srv.Close()
	data := foxData(t)
	log := slog.New(slog.DiscardHandler)
	q, err := queue.Open(queue.DefaultPath(data), queue.Options{Logger: log})
	require.NoError(t, err)
	defer q.Close()
	c, err := webui.New(srv.URL(), webui.WithLogger(log))
	require.NoError(t, err)
	require.NoError(t, q.Start(t.Context(), runner.New(c, runner.Options{Logger: log})))

	start := time.Now()
	code, out, errOut := run(t, "run", "--data-dir", data, "--webui", srv.URL(), "--pack", "fox")
	assert.Equal(t, ExitOK, code, out+errOut)
	assert.Contains(t, out, "1 completed, 0 failed, 0 not run")
	assert.Less(t, time.Since(start), 8*time.Second)
}
