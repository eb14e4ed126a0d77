package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// envInitProbe makes the test binary exit as soon as TestMain runs: every
// package's init has run by then, so whatever Fyne printed at start is on
// stderr.
const envInitProbe = "STABLENEW_INIT_PROBE"

func TestMain(m *testing.M) {
	if os.Getenv(envInitProbe) == "1" {
		os.Exit(0)
	}
	if args := os.Getenv(envCLIArgs); args != "" {
		os.Exit(runCLI(strings.Split(args, "\x1f")))
	}
	os.Exit(m.Run())
}

// TestNoFyneLocaleErrorAtStart starts the binary under the C.UTF-8 locales
// of containers and minimal installs: Fyne must not print "Error parsing
// user locale" (see earlyinit), and a real language still works.
func TestNoFyneLocaleErrorAtStart(t *testing.T) {
	var base []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if name != "LANG" && name != "LANGUAGE" && !strings.HasPrefix(name, "LC_") {
			base = append(base, kv)
		}
	}
	for _, env := range [][]string{
		{"LANG=C.UTF-8"}, {"LC_ALL=C.UTF-8"}, {"LANG=POSIX.utf8"}, {"LANG=C"}, {"LANG=de_DE.UTF-8"}, {},
	} {
		cmd := exec.Command(os.Args[0])
		cmd.Env = append(append(append([]string{}, base...), env...), envInitProbe+"=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%v: %v\n%s", env, err, out)
		}
		if strings.Contains(string(out), "Fyne error") {
			t.Errorf("%v: Fyne printed at start:\n%s", env, out)
		}
	}
}
