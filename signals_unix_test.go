//go:build unix

package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"stablenew/cli"
	"stablenew/pipeline/queue"
	"stablenew/pipeline/webui/webuitest"
)

// cliRun runs a command in this process and fails the test unless it
// exits with want.
func cliRun(t *testing.T, want int, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	if code := cli.Main(args, &cli.Env{Stdout: &out, Stderr: &errOut, Interrupt: make(chan struct{})}); code != want {
		t.Fatalf("%v: exit %d, want %d\n%s%s", args, code, want, out.String(), errOut.String())
	}
	return out.String()
}

// TestSignalsStopRenderingCleanly: SIGTERM and SIGHUP killed `queue run`
// at once (the job stayed "running", the WebUI went on rendering, and the
// next start counted a crash). SIGTERM, SIGHUP and SIGINT now stop `queue
// run` and `run` the same way: the WebUI is interrupted, the running job
// goes back to the front of the queue with its attempts unchanged, and the
// process exits within 2 seconds.
func TestSignalsStopRenderingCleanly(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	srv := webuitest.New(webuitest.Options{StepDuration: 40 * time.Millisecond, Seed: 1})
	defer srv.Close()
	data := t.TempDir()
	if err := os.MkdirAll(filepath.Join(data, "packs"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(data, "packs", "fox.txt"), []byte("a red fox in snow\n\na grey wolf\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		sig  syscall.Signal
		args []string
	}{
		{syscall.SIGTERM, []string{"queue", "run", "--data-dir", data, "--webui", srv.URL()}},
		{syscall.SIGHUP, []string{"queue", "run", "--data-dir", data, "--webui", srv.URL()}},
		{syscall.SIGINT, []string{"queue", "run", "--data-dir", data, "--webui", srv.URL()}},
		{syscall.SIGTERM, []string{"run", "--data-dir", data, "--webui", srv.URL(), "--pack", "fox"}},
	} {
		t.Run(tc.sig.String()+" "+tc.args[0], func(t *testing.T) {
			cliRun(t, cli.ExitOK, "queue", "clear", "--data-dir", data, "--yes")
			if tc.args[0] == "queue" {
				cliRun(t, cli.ExitOK, "queue", "add", "--data-dir", data, "--pack", "fox")
			}
			generations, interrupts := srv.RequestCount("txt2img"), srv.RequestCount("interrupt")
			cmd, _ := startCLI(t, tc.args...)
			start := time.Now()
			poll := time.NewTicker(5 * time.Millisecond)
			for srv.RequestCount("txt2img") == generations {
				if time.Since(start) > 30*time.Second {
					t.Fatal("the render never started")
				}
				<-poll.C // polling the fake WebUI's counter
			}
			poll.Stop()
			if err := cmd.Process.Signal(tc.sig); err != nil {
				t.Fatal(err)
			}
			signalled := time.Now()
			err := waitExit(t, cmd, 2*time.Second)
			t.Logf("exited %v after the signal: %v", time.Since(signalled).Round(time.Millisecond), err)
			if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
				t.Fatalf("killed by %v instead of stopping cleanly", ws.Signal())
			}
			if srv.RequestCount("interrupt") == interrupts {
				t.Error("the WebUI was not interrupted")
			}
			var items []queue.QueueItem
			if err := json.Unmarshal([]byte(cliRun(t, cli.ExitOK, "queue", "list", "--data-dir", data, "--json")), &items); err != nil {
				t.Fatal(err)
			}
			if len(items) != 2 {
				t.Fatalf("queue after the signal: %+v, want both jobs queued", items)
			}
			for i, it := range items {
				if it.Status != queue.StatusQueued || it.Attempts != 0 || it.Position != i+1 {
					t.Errorf("job %d after the signal: %s, attempts %d, position %d; want queued, 0 attempts, in order", i+1, it.Status, it.Attempts, it.Position)
				}
			}
		})
	}
}
