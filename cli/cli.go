// Package cli is StableNew's command line: `stablenew plan`, `expand`,
// `run`, `queue`, `history` and `pnginfo`. It drives the same controllers
// and services the GUI does and never imports Fyne.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Exit codes.
const (
	ExitOK     = 0
	ExitFailed = 1 // the command ran and something failed (a job, a file)
	ExitUsage  = 2 // bad arguments or bad input
)

// usageError marks an error that exits with ExitUsage.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// Env is what a command runs with: its output streams and an interrupt
// channel (closed on Ctrl-C, SIGTERM or SIGHUP for the commands of
// HandlesInterrupt).
type Env struct {
	Stdout, Stderr io.Writer
	Interrupt      <-chan struct{}
}

type command struct {
	summary string
	run     func(env *Env, args []string) error
}

var commands = map[string]command{}

func register(name, summary string, run func(env *Env, args []string) error) {
	commands[name] = command{summary: summary, run: run}
}

// HandlesInterrupt reports whether the command of args stops cleanly on
// Env.Interrupt: the commands that render (run, reprocess --now, queue run)
// put the running job back in the queue first. The caller lets every other
// command end on the signal itself.
func HandlesInterrupt(args []string) bool {
	if len(args) == 0 {
		return false
	}
	switch args[0] {
	case "run":
		return true
	case "queue":
		return len(args) > 1 && args[1] == "run"
	case "reprocess":
		for _, a := range args[1:] {
			if a == "--" {
				break
			}
			if a == "--now" || a == "-now" || a == "--now=true" || a == "-now=true" {
				return true
			}
		}
	}
	return false
}

// Main runs the subcommand named by args[0] and returns the exit code.
func Main(args []string, env *Env) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		printUsage(env.Stdout)
		return ExitOK
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(env.Stderr, "stablenew: unknown command %q\n\n", args[0])
		printUsage(env.Stderr)
		return ExitUsage
	}
	err := cmd.run(env, args[1:])
	if err == nil {
		return ExitOK
	}
	if errors.Is(err, flag.ErrHelp) {
		return ExitOK
	}
	fmt.Fprintf(env.Stderr, "stablenew %s: %v\n", args[0], err)
	var ue usageError
	var ie inputError
	switch {
	case errors.As(err, &ue), errors.As(err, &ie):
		return ExitUsage
	}
	return ExitFailed
}

// inputError marks bad input (a malformed pack, a plan over the cap): exit 2.
type inputError struct{ err error }

func (e inputError) Error() string { return e.err.Error() }
func (e inputError) Unwrap() error { return e.err }

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "StableNew: plan, preview and queue Stable Diffusion renders through an AUTOMATIC1111-compatible WebUI.")
	fmt.Fprintln(w, "\nUsage:\n  stablenew [--data-dir DIR] [--demo]   open the app\n  stablenew COMMAND [flags]            run a command\n\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-9s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun `stablenew COMMAND -h` for a command's flags.")
}

// newFlags makes a flag set that reports errors instead of exiting.
func newFlags(env *Env, name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(env.Stderr, "Usage: stablenew %s %s\n\nFlags:\n", name, usage)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args, turning flag errors into usage errors.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	return nil
}

// stringList is a repeatable string flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }
