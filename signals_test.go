package main

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"stablenew/cli"
)

// envCLIArgs makes the test binary run the command line with these
// arguments separated by U+001F, as the stablenew binary would.
const envCLIArgs = "STABLENEW_CLI_ARGS"

// startCLI starts the test binary as `stablenew args...` with its stdout
// on a pipe.
func startCLI(t *testing.T, args ...string) (*exec.Cmd, *bufio.Reader) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), envCLIArgs+"="+strings.Join(args, "\x1f"))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	cmd.Stdin = nil
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd, bufio.NewReader(out)
}

// waitExit waits for cmd to end within d and returns its error.
func waitExit(t *testing.T, cmd *exec.Cmd, d time.Duration) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(d):
		t.Fatalf("%v still running %v after the signal", cmd.Args, d)
		return nil
	}
}

// TestFirstCtrlCEndsCommandsThatDoNotRender: `expand` (and `plan`) kept
// running after the first Ctrl-C, which only the rendering commands use.
func TestFirstCtrlCEndsCommandsThatDoNotRender(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no SIGINT to send")
	}
	cmd, out := startCLI(t, "expand", "--mode", "random", "--max", "1000000000", "--", "a {red|green} {cat|dog}")
	if _, err := out.ReadString('\n'); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	go func() { _, _ = out.WriteTo(discard{}) }() // keep the pipe drained
	err := waitExit(t, cmd, 2*time.Second)
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		t.Fatalf("expand ended with %v, want death by SIGINT", err)
	}
	if ws, ok := ee.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGINT {
		t.Fatalf("expand ended with %v, want death by SIGINT", err)
	}
	for _, args := range [][]string{{"plan", "--pack", "x"}, {"expand", "--", "a"}, {"queue", "list"}, {"queue", "add"}, {"reprocess", "x.png"}, {"history", "list"}} {
		if cli.HandlesInterrupt(args) {
			t.Errorf("%v handles Ctrl-C itself", args)
		}
	}
	for _, args := range [][]string{{"run", "--pack", "x"}, {"queue", "run"}, {"reprocess", "--stages", "upscale", "--now", "x.png"}} {
		if !cli.HandlesInterrupt(args) {
			t.Errorf("%v does not stop cleanly on Ctrl-C", args)
		}
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
