package cli

import (
	"fmt"
	"io"
	"strings"

	"stablenew/pipeline/resources"
)

// printPreflight prints a preflight report: each problem, mapping and
// unchecked WebUI on a line of its own, then how many jobs each WebUI can
// run. It reports whether some job can run on none of them.
func printPreflight(w io.Writer, rep *resources.Report, targets []resources.Target) bool {
	var names []string
	for _, t := range targets {
		names = append(names, t.WebUI)
	}
	fmt.Fprintf(w, "Preflight against %s:\n", strings.Join(names, ", "))
	for _, l := range rep.Lines() {
		fmt.Fprintln(w, "  "+l)
	}
	for _, t := range targets {
		if n, ok := rep.Runnable[t.WebUI]; ok {
			fmt.Fprintf(w, "  %s can run %d of the %d jobs\n", t.WebUI, n, rep.Jobs)
		}
	}
	return rep.Nowhere > 0
}

// errNowhere refuses a run in which some job can run on none of the
// WebUIs: nothing is started (exit 2).
func errNowhere(rep *resources.Report) error {
	return inputError{fmt.Errorf("%d of the %d jobs can run on none of the WebUIs (see the preflight above); nothing was started. "+
		"Add the missing files to a WebUI and try again, or change the pack", rep.Nowhere, rep.Jobs)}
}
