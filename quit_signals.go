package main

import (
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

// quitSignals hears SIGTERM, SIGHUP (a logout, systemctl stop) and Ctrl-C
// in the terminal from the first moment of the window path, so that a
// signal that comes while the window is still being made does not end the
// process half way: the window quits like its close button as soon as it
// shows (the state is saved and a running job goes back to the front of the
// queue). After the first signal a second one ends the process at once.
type quitSignals struct {
	ch   chan os.Signal
	quit chan struct{} // closed at the first signal
}

// hearQuitSignals starts listening.
func hearQuitSignals(log *slog.Logger) *quitSignals {
	q := &quitSignals{ch: make(chan os.Signal, 1), quit: make(chan struct{})}
	signal.Notify(q.ch, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	go func() {
		s := <-q.ch
		log.Info("quitting on a signal", "signal", s.String())
		signal.Stop(q.ch) // the next one takes the default action
		close(q.quit)
	}()
	return q
}

// onQuit runs fn on a goroutine of its own at the first signal, at once if
// it came already.
func (q *quitSignals) onQuit(fn func()) {
	go func() {
		<-q.quit
		fn()
	}()
}

// stop stops listening.
func (q *quitSignals) stop() { signal.Stop(q.ch) }
