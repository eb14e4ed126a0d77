package queue

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"
)

const crashEnv = "STABLENEW_QUEUE_CRASH_DB"

// A `queue run` process is killed (SIGKILL) in the middle of a job. The
// next Open finds the finished job in history, the interrupted job back at
// the front with one more attempt, the rest still queued: nothing lost,
// nothing run twice. The killed process's lock of the WebUI is gone with
// it, and the WebUI is told to stop the render it left before it gets new
// work.
func TestKilledProcessLosesNothing(t *testing.T) {
	t.Parallel()
	if os.Getenv(crashEnv) != "" {
		t.Skip("inside the child")
	}
	path := testPath(t)
	s, err := Open(path, Options{Logger: quietLog})
	if err != nil {
		t.Fatal(err)
	}
	submit(t, s, false, "j1", "j2", "j3")
	s.Close()

	child := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	child.Env = append(os.Environ(), crashEnv+"="+path)
	child.Stderr = os.Stderr
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	db := rawDB(t, path)
	deadline := time.Now().Add(20 * time.Second)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for !statusIs(t, db, "j2", StatusRunning)() {
		if time.Now().After(deadline) {
			child.Process.Kill()
			t.Fatal("the child never started j2")
		}
		<-tick.C
	}
	if err := child.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	child.Wait()

	s = open(t, path, Options{})
	if j := stored(t, db, "j1"); j.status != StatusCompleted {
		t.Fatalf("j1 = %+v, want completed", j)
	}
	if j := stored(t, db, "j2"); j.status != StatusQueued || j.attempts != 1 {
		t.Fatalf("j2 = %+v, want queued with 1 attempt", j)
	}
	equalIDs(t, "queue", storedQueue(t, db), []string{"j2", "j3"})
	f := newFake("gpu0")
	if _, err := s.RunUntilEmpty(t.Context(), f); err != nil {
		t.Fatal(err)
	}
	equalIDs(t, "jobs run after the restart", f.runs(), []string{"interrupt", "j2", "j3"})
}

// TestCrashChild is the `queue run` process of TestKilledProcessLosesNothing:
// it completes j1 and hangs in j2 until it is killed.
func TestCrashChild(t *testing.T) {
	path := os.Getenv(crashEnv)
	if path == "" {
		t.Skip("run by TestKilledProcessLosesNothing")
	}
	s, err := Open(path, Options{Logger: quietLog})
	if err != nil {
		t.Fatal(err)
	}
	f := newFake("gpu0")
	f.setHold(true)
	f.finish("j1", nil) // j1 completes; j2 waits forever
	s.RunUntilEmpty(context.Background(), f)
	t.Fatal("RunUntilEmpty returned; it should have been killed in j2")
}
