package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"stablenew/app"
	"stablenew/pipeline"
	"stablenew/pipeline/queue"
	"stablenew/pipeline/resources"
)

func init() {
	register("run", "plan a pack and render its jobs now, through the queue", runRun)
}

// backendFlags select the WebUI backends.
type backendFlags struct {
	webui stringList
	auth  string
	demo  bool
}

func (b *backendFlags) register(fs *flag.FlagSet) {
	fs.Var(&b.webui, "webui", "WebUI base URL, e.g. http://127.0.0.1:7860 (repeat for several GPUs; default: the settings')")
	fs.StringVar(&b.auth, "api-auth", "", "user:password for a WebUI started with --api-auth")
	fs.BoolVar(&b.demo, "demo", false, "use a built-in fake WebUI: the whole flow without a GPU; its images are placeholders")
}

// openServices opens the app's services for a command.
func openServices(env *Env, dataDir string, b backendFlags, readOnly bool) (*app.Services, error) {
	if b.demo && len(b.webui) > 0 {
		return nil, usagef("--demo and --webui exclude each other")
	}
	opts := app.OpenOptions{DataDir: dataDir, Demo: b.demo, APIAuth: b.auth, ReadOnlyQueue: readOnly,
		Logger: slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	if len(b.webui) > 0 {
		opts.WebUIURLs = b.webui
	}
	return app.Open(opts)
}

func runRun(env *Env, args []string) error {
	fs := newFlags(env, "run", "--pack NAME|PATH [--preset NAME] [--override FILE] [--webui URL] [--output DIR] [--demo]")
	var pf planFlags
	var bf backendFlags
	pf.register(fs)
	bf.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	if len(pf.packs) == 0 {
		return usagef("--pack is required (a pack name such as sdxl_portraits, or a path to a .txt or .tsv file)")
	}
	svc, err := openServices(env, pf.dataDir, bf, false)
	if err != nil {
		return err
	}
	defer svc.Close()
	if svc.Demo != nil {
		fmt.Fprintln(env.Stdout, "DEMO: rendering on a built-in fake WebUI; the images are placeholders, not real renders.")
	}
	_, req, err := pf.request(pipeline.SourceRun)
	if err != nil {
		return err
	}
	// run renders its jobs now and waits for them: the original's direct
	// mode (Run), through the queue.
	req.RunMode = pipeline.RunModeDirect
	plan, err := svc.Pipeline.Plan(context.Background(), req)
	if err != nil {
		return inputError{err}
	}
	for _, n := range plan.Notes {
		fmt.Fprintln(env.Stderr, "note:", n)
	}
	if err := preflightRun(env, svc, plan.Jobs); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Planned %d jobs (%d images per stage) on %s\n", len(plan.Jobs), plan.TotalImages(), backendNames(svc))
	ok, err := runJobs(env, svc, plan.Jobs)
	if err != nil {
		return err
	}
	if !ok {
		return errSomeFailed
	}
	return nil
}

// preflightRun checks the jobs against the WebUIs' lists, read now, before
// anything is queued: what it finds goes to stderr, and a job no WebUI can
// run refuses the whole run (exit 2).
func preflightRun(env *Env, svc *app.Services, jobs []pipeline.JobSpec) error {
	targets := svc.ReadTargets(context.Background())
	rep := resources.Check(jobs, targets)
	if rep.Clean() {
		return nil
	}
	if printPreflight(env.Stderr, rep, targets) {
		return errNowhere(rep)
	}
	return nil
}

// errSomeFailed ends a run in which a job failed (exit 1, details printed).
var errSomeFailed = errors.New("some jobs did not complete; see above")

func backendNames(svc *app.Services) string {
	var names []string
	for _, b := range svc.BackendList() {
		names = append(names, b.URL)
	}
	return strings.Join(names, ", ")
}

// runJobs submits jobs at the front of the queue and runs the queue until
// they are all done, printing a line per job and stage. Jobs that were
// already queued stay queued. It reports whether every job completed.
func runJobs(env *Env, svc *app.Services, jobs []pipeline.JobSpec) (bool, error) {
	if len(jobs) == 0 {
		return true, nil
	}
	q := svc.Queue
	wasPaused := q.Paused()
	events, unsubscribe := q.Subscribe(256)
	defer unsubscribe()
	if err := q.Submit(jobs, true); err != nil {
		return false, err
	}
	if wasPaused {
		if err := q.Resume(); err != nil {
			return false, err
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := q.RunUntilEmpty(ctx, svc.Executors()...)
		done <- err
	}()
	p := newRunPrinter(env.Stdout, jobs)
	last := jobs[len(jobs)-1].JobID
	interrupted := false
	var runErr error
loop:
	for {
		select {
		case ev := <-events:
			if ev.Kind == queue.JobStarted && ev.JobID == last {
				// Our jobs are at the front: once the last one starts, pause so
				// that nothing queued before this run starts after it.
				if err := q.Pause(); err != nil {
					runErr = err
				}
			}
			p.event(ev)
		case <-env.Interrupt:
			if !interrupted {
				interrupted = true
				fmt.Fprintln(env.Stdout, "Interrupted: stopping the running job; it goes back to the queue.")
				cancel()
			}
		case err := <-done:
			if err != nil && !errors.Is(err, context.Canceled) {
				runErr = err
			}
			break loop
		}
	}
	// RunUntilEmpty can return before the events of the last jobs have
	// reached this subscriber: wait for the end of every job that ended in
	// the store (JobService never drops those events), then print what else
	// is buffered.
	p.await(q, events, 10*time.Second)
	for {
		select {
		case ev := <-events:
			p.event(ev)
			continue
		default:
		}
		break
	}
	if !wasPaused {
		if err := q.Resume(); err != nil && runErr == nil {
			runErr = err
		}
	} else if err := q.Pause(); err != nil && runErr == nil {
		runErr = err
	}
	left := p.summary(q)
	if interrupted {
		fmt.Fprintf(env.Stdout, "%d jobs left in the queue; `stablenew queue run` continues them.\n", left)
		return false, nil
	}
	return runErr == nil && p.failed == 0 && left == 0, runErr
}

// runPrinter prints a line per job and stage of a run.
type runPrinter struct {
	w         io.Writer
	index     map[string]int
	specs     map[string]*pipeline.JobSpec
	total     int
	started   map[string]time.Time
	completed int
	failed    int
}

func newRunPrinter(w io.Writer, jobs []pipeline.JobSpec) *runPrinter {
	p := &runPrinter{w: w, index: map[string]int{}, specs: map[string]*pipeline.JobSpec{}, total: len(jobs), started: map[string]time.Time{}}
	for i := range jobs {
		p.index[jobs[i].JobID] = i + 1
		p.specs[jobs[i].JobID] = &jobs[i]
	}
	return p
}

func (p *runPrinter) event(ev queue.Event) {
	n, ours := p.index[ev.JobID]
	if !ours && ev.Kind != queue.BackendChanged {
		return
	}
	switch ev.Kind {
	case queue.JobStarted:
		p.started[ev.JobID] = ev.Time
		fmt.Fprintf(p.w, "[%d/%d] %s started on %s\n", n, p.total, p.specs[ev.JobID].Label(), ev.Backend)
	case queue.StageFinished:
		fmt.Fprintf(p.w, "[%d/%d]   %s done: %s\n", n, p.total, ev.Stage, countNoun(len(ev.Outputs), "image", "images"))
	case queue.JobFinished:
		p.completed++
		fmt.Fprintf(p.w, "[%d/%d]   completed in %s: %s\n", n, p.total, ev.Time.Sub(p.started[ev.JobID]).Round(100*time.Millisecond), strings.Join(ev.Outputs, ", "))
	case queue.JobFailed:
		p.failed++
		fmt.Fprintf(p.w, "[%d/%d]   FAILED: %s\n", n, p.total, ev.Reason)
	case queue.JobCancelled:
		p.failed++
		fmt.Fprintf(p.w, "[%d/%d]   cancelled: %s\n", n, p.total, ev.Reason)
	case queue.JobRequeued:
		fmt.Fprintf(p.w, "[%d/%d]   back in the queue: %s\n", n, p.total, ev.Reason)
	case queue.BackendChanged:
		if ev.State == queue.BackendWaiting || ev.State == queue.BackendError {
			fmt.Fprintf(p.w, "WebUI %s: %s %s\n", ev.Backend, ev.State, ev.Message)
		}
	}
}

// await prints events until it has seen the end of each of the run's jobs
// that has ended in the store, or until timeout.
func (p *runPrinter) await(q *queue.Service, events <-chan queue.Event, timeout time.Duration) {
	ended := 0
	for id := range p.started { // another StableNew may have run the others: no events come for them
		if rec, err := q.Get(id); err == nil && rec.Status.Finished() {
			ended++
		}
	}
	awaitEvents(events, p.event, func() bool { return p.completed+p.failed >= ended }, timeout)
}

// awaitEvents hands events to handle until done holds, or until timeout.
// RunUntilEmpty can return before the last events reach a subscriber;
// JobService never drops a job's end event, so waiting for the ends the
// store knows of is enough.
func awaitEvents(events <-chan queue.Event, handle func(queue.Event), done func() bool, timeout time.Duration) {
	deadline := time.After(timeout)
	for !done() {
		select {
		case ev := <-events:
			handle(ev)
		case <-deadline:
			return
		}
	}
}

// summary prints the totals and returns how many of the run's jobs are
// still queued or running.
//
// The counts come from the store: another StableNew that works the same
// WebUI may have run some of the jobs.
func (p *runPrinter) summary(q *queue.Service) int {
	left := 0
	p.completed, p.failed = 0, 0
	for id := range p.index {
		rec, err := q.Get(id)
		if err != nil {
			continue
		}
		switch rec.Status {
		case queue.StatusQueued, queue.StatusRunning:
			left++
		case queue.StatusCompleted:
			p.completed++
		default:
			p.failed++
		}
	}
	fmt.Fprintf(p.w, "%d completed, %d failed, %d not run\n", p.completed, p.failed, left)
	return left
}
