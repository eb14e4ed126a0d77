// Command stablenew is the StableNew desktop app: with no command it opens
// the window; with a command (plan, expand, run, queue, history, pnginfo) it
// is a command-line tool over the same job path.
package main

import (
	"os"
	"os/signal"
	"strings"

	_ "earlyinit.invalid" // before Fyne's init: no locale error under C.UTF-8

	"stablenew/cli"
)

func main() {
	if len(os.Args) > 1 && !strings.HasPrefix(os.Args[1], "-") {
		interrupt := make(chan struct{})
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, os.Interrupt)
		go func() {
			<-sig
			close(interrupt)
			signal.Stop(sig) // a second Ctrl-C ends the process at once
		}()
		os.Exit(cli.Main(os.Args[1:], &cli.Env{Stdout: os.Stdout, Stderr: os.Stderr, Interrupt: interrupt}))
	}
	os.Exit(runGUI(os.Args[1:]))
}
