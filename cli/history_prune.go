package cli

import (
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"stablenew/pipeline/packs"
	"stablenew/pipeline/queue"
)

// pruneNow is the clock `history prune` measures --older-than from.
var pruneNow = time.Now

// historyPrune is `stablenew history prune`: without --yes it only counts
// the records the flags select (opening the queue read-only, so it works
// while the app is open); with --yes it deletes them.
func historyPrune(env *Env, args []string) error {
	var olderThan, status *string
	var all, yes *bool
	dir, rest, err := dataDirFlag(env, "history prune",
		"--older-than DURATION|--all [--status completed|failed|cancelled[,...]] [--yes] [--data-dir DIR]", args,
		func(fs *flag.FlagSet) {
			olderThan = fs.String("older-than", "", "the records of jobs that finished longer ago than this: days (30d), a Go duration (36h) or both (1d12h)")
			all = fs.Bool("all", false, "the records of every finished job, whenever it finished")
			status = fs.String("status", "", "only jobs with this status: completed, failed or cancelled (several: failed,cancelled)")
			yes = fs.Bool("yes", false, "delete the records; without it, only say how many would be deleted")
		})
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("unexpected argument %q", rest[0])
	}
	switch {
	case *olderThan != "" && *all:
		return usagef("--older-than and --all exclude each other: give one")
	case *olderThan == "" && !*all:
		return usagef("say which records to delete: --older-than DURATION (for example 30d) or --all")
	}
	statuses, err := parseStatuses(*status)
	if err != nil {
		return err
	}
	filter := queue.PruneFilter{All: *all, Statuses: statuses}
	if !*all {
		age, err := parseAge(*olderThan)
		if err != nil {
			return usagef("--older-than %q: %v", *olderThan, err)
		}
		filter.Before = pruneNow().Add(-age)
	}

	if !*yes && !queueExists(dir) {
		// Nothing was ever queued here: nothing to count, and a dry run
		// creates no files.
		fmt.Fprintf(env.Stdout, "No %s; nothing to delete.\n", pruneWhat(filter, 0))
		return nil
	}
	svc, err := openServices(env, dir, backendFlags{}, !*yes)
	if err != nil {
		return err
	}
	defer svc.Close()
	if !*yes {
		n, err := svc.Queue.CountHistory(filter)
		if err != nil {
			return err
		}
		if n == 0 {
			fmt.Fprintf(env.Stdout, "No %s; nothing to delete.\n", pruneWhat(filter, 0))
			return nil
		}
		fmt.Fprintf(env.Stdout, "%s %s would be deleted (images on disk are kept). Run again with --yes to delete them.\n",
			thousands(n), pruneWhat(filter, n))
		return nil
	}
	n, err := svc.Queue.PruneHistory(filter)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Deleted %s %s (images on disk are kept).\n", thousands(n), pruneWhat(filter, n))
	return nil
}

// queueExists reports whether the data folder has a queue database (an
// unresolvable folder counts as existing, so that opening it reports why).
func queueExists(dataDir string) bool {
	dir, err := packs.ResolveDataDir(dataDir)
	if err != nil {
		return true
	}
	_, err = os.Stat(queue.DefaultPath(dir))
	return !errors.Is(err, os.ErrNotExist)
}

// pruneWhat names the records a filter selects: "failed or cancelled
// history records finished before 2026-01-02 15:04".
func pruneWhat(f queue.PruneFilter, n int) string {
	var b strings.Builder
	if len(f.Statuses) > 0 {
		names := make([]string, len(f.Statuses))
		for i, s := range f.Statuses {
			names[i] = string(s)
		}
		b.WriteString(strings.Join(names, " or "))
		b.WriteString(" ")
	}
	b.WriteString("history record")
	if n != 1 {
		b.WriteString("s")
	}
	if !f.All {
		b.WriteString(" finished before ")
		b.WriteString(f.Before.Local().Format("2006-01-02 15:04"))
	}
	return b.String()
}

// parseStatuses reads --status: finished states, comma-separated ("" for
// all three).
func parseStatuses(s string) ([]queue.Status, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var out []queue.Status
	for _, part := range strings.Split(s, ",") {
		st := queue.Status(strings.TrimSpace(part))
		if !st.Finished() {
			return nil, usagef("--status must be completed, failed or cancelled (several: failed,cancelled), got %q", part)
		}
		if !slices.Contains(out, st) {
			out = append(out, st)
		}
	}
	return out, nil
}

// maxAgeDays keeps an age inside time.Duration (about 292 years).
const maxAgeDays = 100000

// parseAge reads an age: whole days ("30d"), a Go duration ("36h", "90m")
// or days followed by a duration ("1d12h"). It must be more than zero.
func parseAge(s string) (time.Duration, error) {
	bad := errors.New("want days such as 30d, a Go duration such as 36h, or both such as 1d12h")
	s = strings.TrimSpace(s)
	var d time.Duration
	rest, hadDays := s, false
	if i := strings.IndexByte(s, 'd'); i >= 0 {
		days, err := strconv.Atoi(s[:i])
		if err != nil || days < 0 || strings.HasPrefix(s, "+") {
			return 0, bad
		}
		if days > maxAgeDays {
			return 0, fmt.Errorf("at most %dd", maxAgeDays)
		}
		d, rest, hadDays = time.Duration(days)*24*time.Hour, s[i+1:], true
		if strings.HasPrefix(rest, "-") || strings.HasPrefix(rest, "+") {
			return 0, bad
		}
	}
	if rest != "" || !hadDays {
		more, err := time.ParseDuration(rest)
		if err != nil || (hadDays && more < 0) {
			return 0, bad
		}
		if more > math.MaxInt64-d {
			return 0, fmt.Errorf("at most %dd", maxAgeDays)
		}
		d += more
	}
	if d <= 0 {
		return 0, errors.New("must be more than zero (--all deletes every record)")
	}
	return d, nil
}

// thousands formats n with comma separators: 1234 → "1,234".
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
