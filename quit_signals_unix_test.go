//go:build unix

package main

import (
	"log/slog"
	"syscall"
	"testing"
	"time"
)

// A signal that comes before the window exists is kept, not fatal: the
// window quits as soon as it asks (onQuit).
func TestQuitSignalBeforeTheWindowQuitsItOnceShown(t *testing.T) {
	q := hearQuitSignals(slog.New(slog.DiscardHandler))
	defer q.stop()
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	select {
	case <-q.quit:
	case <-time.After(10 * time.Second):
		t.Fatal("the signal was not heard within 10 s")
	}
	quits := make(chan struct{}, 1)
	q.onQuit(func() { quits <- struct{}{} })
	select {
	case <-quits:
	case <-time.After(10 * time.Second):
		t.Fatal("onQuit after the signal did not quit within 10 s")
	}
}
