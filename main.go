// Command stablenew is the StableNew desktop app: with no command it opens
// the window; with a command (plan, expand, run, queue, history, pnginfo) it
// is a command-line tool over the same job path.
package main

import (
	"os"
	"os/signal"
	"strings"
	"syscall"

	_ "earlyinit.invalid" // before Fyne's init: no locale error under C.UTF-8

	"stablenew/cli"
)

func main() {
	if len(os.Args) > 1 && !strings.HasPrefix(os.Args[1], "-") {
		attachParentConsole()
		os.Exit(runCLI(os.Args[1:]))
	}
	os.Exit(runGUI(os.Args[1:]))
}

// runCLI runs a command. Commands that render (run, reprocess --now, queue
// run) stop cleanly on Ctrl-C, SIGTERM or SIGHUP: the running job goes back
// to the queue; a second signal ends the process at once. Every other
// command keeps the default, so the first Ctrl-C ends it.
func runCLI(args []string) int {
	interrupt := make(chan struct{})
	if cli.HandlesInterrupt(args) {
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
		go func() {
			<-sig
			close(interrupt)
			signal.Stop(sig) // a second signal ends the process at once
		}()
	}
	return cli.Main(args, &cli.Env{Stdout: os.Stdout, Stderr: os.Stderr, Interrupt: interrupt})
}
