package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"stablenew/app"
	"stablenew/controller"
	"stablenew/pipeline/queue"
)

// experimentSummary is one line of `learn list --json`: the stored record
// with its definition's fields spelled out.
type experimentSummary struct {
	queue.ExperimentRecord
	Pack   string             `json:"pack,omitempty"`
	Row    int                `json:"row,omitempty"` // from 1; 0 for a typed prompt
	Prompt string             `json:"prompt,omitempty"`
	Sweeps []controller.Sweep `json:"sweeps"`
	Seeds  int                `json:"seeds"`
}

func learnList(env *Env, args []string) error {
	var asJSON *bool
	svc, err := openForListing(env, "learn list", "[--json]", args, func(fs *flag.FlagSet) {
		asJSON = fs.Bool("json", false, "print a JSON array, each experiment with id, sweeps, seeds, jobs, completed, failed, rated")
	})
	if err != nil {
		return err
	}
	defer svc.Close()
	recs, err := svc.Experiments()
	if err != nil {
		return err
	}
	out := make([]experimentSummary, 0, len(recs))
	for _, r := range recs {
		e := r.Experiment
		s := experimentSummary{ExperimentRecord: r.ExperimentRecord, Pack: e.Pack, Prompt: e.Prompt, Sweeps: e.Sweeps, Seeds: e.Seeds}
		if e.Prompt == "" && len(e.Sweeps) > 0 {
			s.Row = e.Row + 1
		}
		out = append(out, s)
	}
	if *asJSON {
		return writeJSON(env.Stdout, out)
	}
	if len(out) == 0 {
		fmt.Fprintln(env.Stdout, "No experiments yet: stablenew learn add --pack NAME --vary FIELD=VALUES queues one.")
		return nil
	}
	tw := tabwriter.NewWriter(env.Stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tCREATED\tPROMPT\tVARIES\tSEEDS\tJOBS\tDONE\tFAILED\tRATED")
	for _, s := range out {
		prompt := fmt.Sprintf("%s #%d", s.Pack, s.Row)
		if s.Prompt != "" {
			prompt = ellipsis(s.Prompt, 30)
		}
		var varies []string
		for _, sw := range s.Sweeps {
			varies = append(varies, fmt.Sprintf("%s (%d)", sw.Field, len(sw.Values)))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\n", s.ID, s.CreatedAt.Local().Format("2006-01-02 15:04"),
			prompt, strings.Join(varies, " × "), s.Seeds, s.Jobs, s.Completed, s.Failed, s.Rated)
	}
	return tw.Flush()
}

// learnArgs parses the flags of a subcommand that names an experiment and
// returns the data folder and the id.
func learnArgs(env *Env, name, usage string, args []string, extra func(fs *flag.FlagSet)) (string, string, error) {
	return idArgs(env, name, usage, "the experiment id is required (stablenew learn list shows them)", args, extra)
}

// idArgs parses the flags of a subcommand that names one thing by its id
// (before, between or after the flags); missing says what to give.
func idArgs(env *Env, name, usage, missing string, args []string, extra func(fs *flag.FlagSet)) (string, string, error) {
	fs := newFlags(env, name, usage)
	dir := fs.String("data-dir", "", "data folder (default: ~/.local/share/stablenew)")
	extra(fs)
	// The id may come before, between or after the flags.
	var id string
	for {
		if err := parseFlags(fs, args); err != nil {
			return "", "", err
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		if id != "" {
			return "", "", usagef("unexpected argument %q", args[0])
		}
		id, args = args[0], args[1:]
	}
	if id == "" {
		return "", "", usagef("%s", missing)
	}
	return *dir, id, nil
}

func learnRate(env *Env, args []string) error {
	var job *string
	var rf ratingFlags
	dir, id, err := learnArgs(env, "learn rate", "ID --job JOB_ID --stars 1..5 [--note TEXT]", args, func(fs *flag.FlagSet) {
		job = fs.String("job", "", "the job to rate (learn report --json lists them)")
		rf.register(fs)
	})
	if err != nil {
		return err
	}
	if *job == "" {
		return usagef("--job JOB_ID is required (learn report %s --json lists the jobs)", id)
	}
	return rf.rate(env, dir, " of experiment "+id, func(svc *app.Services) (string, error) {
		return *job, svc.RateExperimentJob(id, *job, rf.stars, rf.note)
	})
}

func learnReport(env *Env, args []string) error {
	var asJSON, asCSV *bool
	dir, id, err := learnArgs(env, "learn report", "ID [--json | --csv]", args, func(fs *flag.FlagSet) {
		asJSON = fs.Bool("json", false, "print the report as JSON: cells (values, images, rated, mean_stars, failed, jobs_detail with each job's outputs, stars and note) and best")
		asCSV = fs.Bool("csv", false, "print one CSV row per job: its cell's values, seed, status, images, stars, note, error, outputs (image paths)")
	})
	if err != nil {
		return err
	}
	if *asJSON && *asCSV {
		return usagef("--json and --csv exclude each other")
	}
	svc, err := openServices(env, dir, backendFlags{}, true)
	if err != nil {
		return err
	}
	defer svc.Close()
	rep, err := svc.Queue.Report(id)
	if errors.Is(err, queue.ErrNoExperiment) {
		return inputError{err}
	}
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(env.Stdout, rep)
	}
	if *asCSV {
		return app.WriteExperimentCSV(env.Stdout, rep)
	}
	printReport(env.Stdout, rep)
	return nil
}

// printReport prints one line per cell, then the best cell.
func printReport(w io.Writer, rep *queue.ExperimentReport) {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CELL\tJOBS\tIMAGES\tFAILED\tPENDING\tRATED\tMEAN")
	for _, c := range rep.Cells {
		mean := "-"
		if c.Rated > 0 {
			mean = fmt.Sprintf("%.2f", c.MeanStars)
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%s\n", cellLabel(c.Order), c.Jobs, c.Images, c.Failed, c.Pending, c.Rated, mean)
	}
	tw.Flush()
	for _, c := range rep.Cells {
		for _, j := range c.Details {
			if j.Status == queue.StatusFailed {
				fmt.Fprintf(w, "failed: job %s (%s, seed %d): %s\n", j.JobID, cellLabel(c.Order), j.Seed, orDash(j.Error))
			}
		}
	}
	if rep.Best == nil {
		fmt.Fprintf(w, "\nNothing rated yet: stablenew learn rate %s --job JOB_ID --stars 1..5 "+
			"(learn report %s --csv lists each job's id, cell and seed; the id's first 8 characters will do)\n", rep.ID, rep.ID)
		return
	}
	fmt.Fprintf(w, "\nBest: %s, %.2f stars over %d rated images\n", cellLabel(rep.Cells[rep.Best.Cell].Order), rep.Best.MeanStars, rep.Best.Rated)
}

func learnGrid(env *Env, args []string) error {
	var out *string
	dir, id, err := learnArgs(env, "learn grid", "ID --output FILE.png", args, func(fs *flag.FlagSet) {
		out = fs.String("output", "", "the PNG to write (replaced if it exists)")
	})
	if err != nil {
		return err
	}
	if *out == "" {
		return usagef("--output FILE.png is required")
	}
	if !strings.EqualFold(filepath.Ext(*out), ".png") {
		return usagef("--output %s: the grid is a PNG; give a name ending in .png", *out)
	}
	svc, err := openServices(env, dir, backendFlags{}, true)
	if err != nil {
		return err
	}
	defer svc.Close()
	if err := svc.WriteGrid(id, *out); err != nil {
		if errors.Is(err, queue.ErrNoExperiment) {
			return inputError{err}
		}
		return err
	}
	fmt.Fprintf(env.Stdout, "Wrote the grid of experiment %s to %s.\n", id, *out)
	return nil
}

func learnExport(env *Env, args []string) error {
	var out *string
	dir, id, err := learnArgs(env, "learn export", "ID --output DIR", args, func(fs *flag.FlagSet) {
		out = fs.String("output", "", "the folder to write ID.json and ID.csv into (made if missing)")
	})
	if err != nil {
		return err
	}
	if *out == "" {
		return usagef("--output DIR is required")
	}
	if st, err := os.Stat(*out); err == nil && !st.IsDir() {
		return usagef("--output %s is a file; give a folder", *out)
	}
	svc, err := openServices(env, dir, backendFlags{}, true)
	if err != nil {
		return err
	}
	defer svc.Close()
	files, err := svc.ExportExperiment(id, *out)
	if err != nil {
		if errors.Is(err, queue.ErrNoExperiment) {
			return inputError{err}
		}
		return err
	}
	fmt.Fprintf(env.Stdout, "Exported experiment %s to %s and %s.\n", id, files.JSON, files.CSV)
	return nil
}
