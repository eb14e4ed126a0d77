package cli

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"text/tabwriter"
	"time"

	"stablenew/app"
	"stablenew/pipeline"
	"stablenew/pipeline/output"
	"stablenew/pipeline/queue"
)

func init() {
	register("queue", "add to, list, run and manage the durable job queue", runQueue)
	register("history", "list finished jobs, prune old records", runHistory)
}

const queueUsage = `Usage: stablenew queue SUBCOMMAND [flags]

Subcommands:
  add --pack NAME|PATH [--front] [plan flags]   plan a pack and add its jobs to the queue
  list [--json]                                 the queued and running jobs, in order
  run [--webui URL ...] [--demo]                process the queue until it is empty
  pause | resume                                stop starting new jobs / start again
  clear [--yes]                                 remove every queued (not running) job
  retry-failed                                  queue every failed job again
  export [FILE]                                 write the pending queue as JSON (default: stdout)
  import FILE                                   add the jobs of an exported queue
Every subcommand takes --data-dir DIR.`

func runQueue(env *Env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(env.Stderr, queueUsage)
		if len(args) == 0 {
			return usagef("a subcommand is required")
		}
		return nil
	}
	sub, rest := args[0], args[1:]
	switch sub {
	case "add":
		return queueAdd(env, rest)
	case "list":
		return queueList(env, rest)
	case "run":
		return queueRun(env, rest)
	case "pause", "resume", "clear", "retry-failed":
		return queueSimple(env, sub, rest)
	case "export":
		return queueExport(env, rest)
	case "import":
		return queueImport(env, rest)
	}
	fmt.Fprintln(env.Stderr, queueUsage)
	return usagef("unknown queue subcommand %q", sub)
}

func queueAdd(env *Env, args []string) error {
	fs := newFlags(env, "queue add", "--pack NAME|PATH [--front] [--preset NAME] [--override FILE] [--seed N]")
	var pf planFlags
	pf.register(fs)
	front := fs.Bool("front", false, "put the jobs at the front of the queue (run next)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	if len(pf.packs) == 0 {
		return usagef("--pack is required")
	}
	svc, err := openServices(env, pf.dataDir, backendFlags{}, false)
	if err != nil {
		return err
	}
	defer svc.Close()
	_, req, err := pf.request(pipeline.SourceAddToQueue)
	if err != nil {
		return err
	}
	plan, err := svc.Pipeline.Plan(context.Background(), req)
	if err != nil {
		return inputError{err}
	}
	for _, n := range plan.Notes {
		fmt.Fprintln(env.Stderr, "note:", n)
	}
	if err := svc.Queue.Submit(plan.Jobs, *front); err != nil {
		return err
	}
	c, err := svc.Queue.Count()
	if err != nil {
		return err
	}
	where := "at the back"
	if *front {
		where = "at the front"
	}
	fmt.Fprintf(env.Stdout, "Added %d jobs %s; %d queued in all.\n", len(plan.Jobs), where, c.Queued)
	return nil
}

// dataDirFlag parses a subcommand that takes only --data-dir (and more).
func dataDirFlag(env *Env, name, usage string, args []string, extra func(fs *flag.FlagSet)) (string, []string, error) {
	fs := newFlags(env, name, usage)
	dir := fs.String("data-dir", "", "data folder (default: ~/.local/share/stablenew)")
	if extra != nil {
		extra(fs)
	}
	if err := parseFlags(fs, args); err != nil {
		return "", nil, err
	}
	return *dir, fs.Args(), nil
}

// openForListing parses a listing subcommand's flags (--data-dir and
// extra's), refuses arguments and opens the services read-only.
func openForListing(env *Env, name, usage string, args []string, extra func(fs *flag.FlagSet)) (*app.Services, error) {
	dir, rest, err := dataDirFlag(env, name, usage, args, extra)
	if err != nil {
		return nil, err
	}
	if len(rest) > 0 {
		return nil, usagef("unexpected argument %q", rest[0])
	}
	return openServices(env, dir, backendFlags{}, true)
}

func queueList(env *Env, args []string) error {
	var asJSON *bool
	svc, err := openForListing(env, "queue list", "[--json]", args, func(fs *flag.FlagSet) {
		asJSON = fs.Bool("json", false, "print a JSON array (JobSpec field names plus status, attempts, position)")
	})
	if err != nil {
		return err
	}
	defer svc.Close()
	items, err := svc.Queue.List()
	if err != nil {
		return err
	}
	if *asJSON {
		if items == nil {
			items = []queue.QueueItem{}
		}
		return writeJSONList(env.Stdout, items)
	}
	out := bufio.NewWriterSize(env.Stdout, 64<<10)
	defer out.Flush()
	tw := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "POS\tSTATUS\tJOB\tPACK\tROW\tVARIANT\tSEED\tMODEL\tSIZE\tPROMPT")
	for _, it := range items {
		pos := fmt.Sprint(it.Position)
		if it.Status == queue.StatusRunning {
			pos = "▶"
		}
		size := fmt.Sprintf("%dx%d", it.Width, it.Height)
		if it.InputImage != "" {
			size = "from " + ellipsis(filepath.Base(it.InputImage), 24)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d/%d\t%d\t%s\t%s\t%s\n", pos, it.Status, shortID(it.JobID), it.PackID,
			it.PromptIndex+1, it.VariantIndex+1, it.VariantTotal, it.Seed, orDash(output.StripModelHash(it.Model)), size, ellipsis(it.Prompt, 50))
	}
	tw.Flush()
	total, finish, known := svc.Queue.QueueETA()
	state := "running when started"
	if svc.Queue.Paused() {
		state = "paused"
	}
	fmt.Fprintf(out, "\n%d jobs (%s)", len(items), state)
	if known && len(items) > 0 {
		fmt.Fprintf(out, "; about %s, finishing around %s", total.Round(time.Second), finish.Format("15:04"))
	}
	fmt.Fprintln(out)
	return out.Flush()
}

func queueRun(env *Env, args []string) error {
	fs := newFlags(env, "queue run", "[--webui URL ...] [--demo] [--data-dir DIR]")
	dir := fs.String("data-dir", "", "data folder (default: ~/.local/share/stablenew)")
	var bf backendFlags
	bf.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	svc, err := openServices(env, *dir, bf, false)
	if err != nil {
		return err
	}
	defer svc.Close()
	if svc.Queue.Paused() {
		fmt.Fprintln(env.Stdout, "The queue is paused; `stablenew queue resume` first.")
		return nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	events, unsubscribe := svc.Queue.Subscribe(256)
	defer unsubscribe()
	var sum queue.RunSummary
	var runErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		sum, runErr = svc.Queue.RunUntilEmpty(ctx, svc.Executors()...)
	}()
	// Every line is printed here, on this goroutine.
	ended := 0 // jobs whose end was printed
	show := func(ev queue.Event) {
		switch ev.Kind {
		case queue.JobStarted:
			fmt.Fprintf(env.Stdout, "%s started on %s\n", shortID(ev.JobID), ev.Backend)
		case queue.JobFinished:
			fmt.Fprintf(env.Stdout, "%s completed: %s\n", shortID(ev.JobID), countNoun(len(ev.Outputs), "image", "images"))
			ended++
		case queue.JobFailed:
			fmt.Fprintf(env.Stdout, "%s FAILED: %s\n", shortID(ev.JobID), ev.Reason)
			ended++
		case queue.JobCancelled:
			fmt.Fprintf(env.Stdout, "%s cancelled: %s\n", shortID(ev.JobID), ev.Reason)
			ended++
		case queue.BackendChanged:
			if ev.State == queue.BackendWaiting || ev.State == queue.BackendError {
				fmt.Fprintf(env.Stdout, "WebUI %s: %s %s\n", ev.Backend, ev.State, ev.Message)
			}
		}
	}
	interrupt := env.Interrupt
loop:
	for {
		select {
		case ev := <-events:
			show(ev)
		case <-interrupt:
			interrupt = nil
			fmt.Fprintln(env.Stdout, "Interrupted: the running job goes back to the queue.")
			cancel()
		case <-done:
			break loop
		}
	}
	awaitEvents(events, show, func() bool { return ended >= sum.Completed+sum.Failed+sum.Cancelled }, 10*time.Second)
	fmt.Fprintf(env.Stdout, "%d completed, %d failed, %d cancelled, %d requeued\n", sum.Completed, sum.Failed, sum.Cancelled, sum.Requeued)
	if runErr != nil && !errors.Is(runErr, context.Canceled) {
		return runErr
	}
	if sum.Failed > 0 || ctx.Err() != nil {
		return errSomeFailed
	}
	return nil
}

func queueSimple(env *Env, sub string, args []string) error {
	usage, yes := "[--data-dir DIR]", new(bool)
	var extra func(fs *flag.FlagSet)
	if sub == "clear" {
		usage = "[--yes] [--data-dir DIR]"
		extra = func(fs *flag.FlagSet) {
			yes = fs.Bool("yes", false, "remove the jobs; without it, only say how many would be removed")
		}
	}
	dir, rest, err := dataDirFlag(env, "queue "+sub, usage, args, extra)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("unexpected argument %q", rest[0])
	}
	svc, err := openServices(env, dir, backendFlags{}, false)
	if err != nil {
		return err
	}
	defer svc.Close()
	q := svc.Queue
	switch sub {
	case "pause":
		err = q.Pause()
		if err == nil {
			fmt.Fprintln(env.Stdout, "Queue paused: no new job starts until `stablenew queue resume`.")
		}
	case "resume":
		err = q.Resume()
		if err == nil {
			fmt.Fprintln(env.Stdout, "Queue resumed.")
		}
	case "clear":
		if !*yes {
			var c queue.Counts
			if c, err = q.Count(); err == nil {
				fmt.Fprintf(env.Stdout, "%s would be removed (a running job keeps running). Run again with --yes to remove them.\n",
					countNoun(c.Queued, "queued job", "queued jobs"))
			}
			break
		}
		var n int
		n, err = q.ClearPending()
		if err == nil {
			fmt.Fprintf(env.Stdout, "Removed %s.\n", countNoun(n, "queued job", "queued jobs"))
		}
	case "retry-failed":
		var n int
		n, err = q.RetryAllFailed()
		if err == nil {
			fmt.Fprintf(env.Stdout, "Queued %d failed jobs again.\n", n)
		}
	}
	return err
}

func queueExport(env *Env, args []string) error {
	dir, rest, err := dataDirFlag(env, "queue export", "[FILE]", args, nil)
	if err != nil {
		return err
	}
	if len(rest) > 1 {
		return usagef("give at most one file")
	}
	svc, err := openServices(env, dir, backendFlags{}, true)
	if err != nil {
		return err
	}
	defer svc.Close()
	if len(rest) == 0 {
		return svc.Queue.Export(env.Stdout)
	}
	return exportToFile(svc.Queue, rest[0])
}

// exportToFile writes the export to a temporary file and renames it, so a
// failed export never leaves half a file.
func exportToFile(q *queue.Service, path string) error {
	var buf bytes.Buffer
	if err := q.Export(&buf); err != nil {
		return err
	}
	return output.WriteFileAtomic(path, buf.Bytes())
}

func queueImport(env *Env, args []string) error {
	var outputRoot *string
	dir, rest, err := dataDirFlag(env, "queue import", "[--output DIR] FILE", args, func(fs *flag.FlagSet) {
		outputRoot = fs.String("output", "", "the output folder the jobs must write inside (default: the configured one)")
	})
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("give the file to import")
	}
	f, err := pipeline.OpenRegular(rest[0])
	if err != nil {
		return inputError{err}
	}
	defer f.Close()
	svc, err := openServices(env, dir, backendFlags{}, false)
	if err != nil {
		return err
	}
	defer svc.Close()
	root := *outputRoot
	if root == "" {
		root = svc.Settings.OutputRoot
	}
	if root == "" {
		root = svc.Library.OutputDir()
	}
	res, err := svc.Queue.Import(io.Reader(f), queue.ImportOptions{OutputRoot: root})
	if err != nil {
		return inputError{fmt.Errorf("%s: %w", rest[0], err)}
	}
	fmt.Fprintf(env.Stdout, "Imported %d jobs (%d got new ids because theirs were taken).\n", len(res.IDs), len(res.Renamed))
	return nil
}

const historyUsage = `Usage: stablenew history SUBCOMMAND [flags]

Subcommands:
  list [--json] [--status S] [--pack ID] [--search TEXT] [--limit N]
        finished jobs, newest first
  prune --older-than DURATION|--all [--status S[,S]] [--yes]
        delete the records of finished jobs (never their images); without
        --yes only count them. DURATION is 30d, 36h, 1d12h ...
  rate JOB_ID --stars 1..5 [--note TEXT]
        rate a completed job's images (any job; again: replaces the rating);
        history list --json shows each job's rating
Every subcommand takes --data-dir DIR.`

func runHistory(env *Env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(env.Stderr, historyUsage)
		if len(args) == 0 {
			return usagef("a subcommand is required")
		}
		return nil
	}
	switch args[0] {
	case "list":
		return historyList(env, args[1:])
	case "prune":
		return historyPrune(env, args[1:])
	case "rate":
		return historyRate(env, args[1:])
	}
	fmt.Fprintln(env.Stderr, historyUsage)
	return usagef("unknown history subcommand %q", args[0])
}

func historyList(env *Env, args []string) error {
	var asJSON *bool
	var status, pack, search *string
	var limit *int
	dir, rest, err := dataDirFlag(env, "history list", "[--json] [--status completed|failed|cancelled] [--pack ID] [--search TEXT] [--limit N]", args, func(fs *flag.FlagSet) {
		asJSON = fs.Bool("json", false, "print a JSON array (JobSpec field names plus status, attempts, outputs, stars and rating_note when rated)")
		status = fs.String("status", "", "only jobs with this status: completed, failed or cancelled")
		pack = fs.String("pack", "", "only jobs of this pack")
		search = fs.String("search", "", "only jobs whose prompts contain this text")
		limit = fs.Int("limit", 50, "at most this many jobs, newest first")
	})
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("unexpected argument %q", rest[0])
	}
	switch queue.Status(*status) {
	case "", queue.StatusCompleted, queue.StatusFailed, queue.StatusCancelled:
	default:
		return usagef("--status must be completed, failed or cancelled, got %q", *status)
	}
	if *limit <= 0 {
		return usagef("--limit must be 1 or more")
	}
	svc, err := openServices(env, dir, backendFlags{}, true)
	if err != nil {
		return err
	}
	defer svc.Close()
	items, err := svc.Queue.History(queue.HistoryFilter{Status: queue.Status(*status), PackID: *pack, Search: *search, Limit: *limit})
	if err != nil {
		return err
	}
	if *asJSON {
		if items == nil {
			items = []queue.HistoryItem{}
		}
		return writeJSONList(env.Stdout, items)
	}
	tw := tabwriter.NewWriter(env.Stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FINISHED\tSTATUS\tJOB\tPACK\tROW\tIMAGES\tSTARS\tDURATION\tRESULT")
	for _, it := range items {
		fin, dur := "-", "-"
		if it.FinishedAt != nil {
			fin = it.FinishedAt.Local().Format("2006-01-02 15:04:05")
			if it.StartedAt != nil {
				dur = it.FinishedAt.Sub(*it.StartedAt).Round(100 * time.Millisecond).String()
			}
		}
		result := it.Error
		if result == "" && len(it.Outputs) > 0 {
			result = it.Outputs[0]
		}
		stars := "-"
		if it.Stars > 0 {
			stars = strconv.Itoa(it.Stars)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%s\t%s\t%s\n", fin, it.Status, shortID(it.JobID), it.PackID, it.PromptIndex+1,
			len(it.Outputs), stars, dur, ellipsis(result, 70))
	}
	tw.Flush()
	return nil
}

// shortID is the first 8 characters of a job id.
// countNoun is "1 job" or "3 jobs".
func countNoun(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

func shortID(id string) string {
	if len(id) > 8 {
		return id[:8]
	}
	return id
}
