package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"stablenew/app"
	"stablenew/controller"
	"stablenew/pipeline"
	"stablenew/pipeline/output"
)

func init() {
	register("learn", "experiments: sweep one or two settings on fixed seeds, rate the images, see what won", runLearn)
}

const learnUsage = `Usage: stablenew learn SUBCOMMAND [flags]

Subcommands:
  plan --pack NAME [--row N] --vary FIELD=VALUES [--vary FIELD=VALUES] [--seeds K] [--json] [--webui URL]
  plan --from GRID.png [--json] [--webui URL]
                      print the jobs of an experiment, exactly as they would run
                      (--webui: check what they need against a WebUI, as plan --webui does)
  add  (the same flags)  queue the experiment's jobs and print its id (alone on stdout);
                      with --webui nothing is queued when some job can run on no WebUI
  list [--json]       the experiments, newest first, with their progress
  rate ID --job JOB_ID --stars 1..5 [--note TEXT]
                      rate a completed job of the experiment (again: replaces the rating);
                      any other finished image: stablenew history rate JOB_ID --stars N
  report ID [--json | --csv]
                      each cell's images, ratings and mean stars, and the best cell
                      (--csv: one row per job with its values, seed, status, stars, note, images)
  grid ID --output FILE.png
                      the labelled contact sheet: X values across, Y values × seeds down,
                      failures and ratings in the tiles, the fixed settings below; the PNG
                      carries the experiment, so learn add --from FILE.png runs it again
  export ID --output DIR
                      write DIR/ID.json (definition, cells, jobs with image paths, ratings,
                      best cell) and DIR/ID.csv (report --csv)

An experiment renders one prompt (a pack row, or --prompt TEXT) once per cell and seed:
the cells are every combination of the --vary values (X, then Y), and every cell uses
the same K seeds, so cells compare fairly. FIELD is a stage setting's config path
(txt2img.cfg_scale, txt2img.steps, txt2img.sampler_name, txt2img.scheduler,
txt2img.model, hires.denoise, upscale.factor, ...) or lora:NAME for the strength of a
LoRA the prompt names. VALUES is start:end:step (5:9:0.5, end included) or a comma list
(Euler a,DPM++ 2M). At most 512 jobs (cells × seeds).
Every subcommand takes --data-dir DIR.`

// newExperimentID makes experiment ids; tests fix it.
var newExperimentID = controller.NewExperimentID

func runLearn(env *Env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(env.Stderr, learnUsage)
		if len(args) == 0 {
			return usagef("a subcommand is required")
		}
		return nil
	}
	sub, rest := args[0], args[1:]
	switch sub {
	case "plan":
		return learnPlan(env, rest, false)
	case "add":
		return learnPlan(env, rest, true)
	case "list":
		return learnList(env, rest)
	case "rate":
		return learnRate(env, rest)
	case "report":
		return learnReport(env, rest)
	case "grid":
		return learnGrid(env, rest)
	case "export":
		return learnExport(env, rest)
	}
	fmt.Fprintln(env.Stderr, learnUsage)
	return usagef("unknown learn subcommand %q", sub)
}

// experimentFlags are the flags of learn plan and learn add.
type experimentFlags struct {
	plan   planFlags
	row    int
	prompt string
	vary   stringList
	seeds  int
	from   string
}

func (e *experimentFlags) register(fs *flag.FlagSet) {
	e.plan.register(fs)
	fs.IntVar(&e.row, "row", 1, "the pack's prompt row, from 1")
	fs.StringVar(&e.prompt, "prompt", "", "a typed prompt to use instead of a pack row")
	fs.Var(&e.vary, "vary", "FIELD=VALUES: a setting to sweep (X, then Y; at most twice), "+
		"such as txt2img.cfg_scale=5:9:1 or txt2img.sampler_name=Euler a,DPM++ 2M or lora:NAME=0.2:1:0.2")
	fs.IntVar(&e.seeds, "seeds", 2, fmt.Sprintf("how many seeds each cell renders (1 to %d), the same in every cell", controller.MaxExperimentSeeds))
	fs.StringVar(&e.from, "from", "", "a grid image (learn grid) whose experiment to plan again: the same settings, prompt and seeds")
}

// fromGrid checks the flags of --from and returns the grid's experiment
// with a fresh id.
func (e *experimentFlags) fromGrid(set map[string]bool) (controller.RunRequest, controller.Experiment, *controller.PipelineController, error) {
	for _, f := range []string{"pack", "row", "prompt", "vary", "seeds", "preset", "override", "seed"} {
		if set[f] {
			return controller.RunRequest{}, controller.Experiment{}, nil, usagef("--from and --%s exclude each other: the grid's experiment keeps its own settings", f)
		}
	}
	exp, err := app.ExperimentFromGrid(e.from)
	if err != nil {
		return controller.RunRequest{}, exp, nil, usagef("--from %v", err)
	}
	exp.ID = newExperimentID()
	req, pc, err := e.planner()
	return req, exp, pc, err
}

// planner returns the request the flags describe and a controller that
// plans it with the CLI's job builder.
func (e *experimentFlags) planner() (controller.RunRequest, *controller.PipelineController, error) {
	lib, req, err := e.plan.requestOf(pipeline.SourceCLI)
	if err != nil {
		return req, nil, err
	}
	pc := controller.NewPipelineController(lib)
	pc.Builder = jobBuilder
	return req, pc, nil
}

// experiment checks the flags and returns the request and the experiment.
func (e *experimentFlags) experiment() (controller.RunRequest, controller.Experiment, *controller.PipelineController, error) {
	var exp controller.Experiment
	switch {
	case len(e.plan.packs) > 1:
		return controller.RunRequest{}, exp, nil, usagef("--pack: an experiment renders one pack row; give one pack")
	case len(e.plan.packs) == 0 && strings.TrimSpace(e.prompt) == "":
		return controller.RunRequest{}, exp, nil, usagef("--pack or --prompt is required: the prompt row the experiment renders")
	case len(e.plan.packs) == 1 && e.prompt != "":
		return controller.RunRequest{}, exp, nil, usagef("--pack and --prompt exclude each other")
	case e.row < 1:
		return controller.RunRequest{}, exp, nil, usagef("--row counts from 1, got %d", e.row)
	case len(e.vary) == 0:
		return controller.RunRequest{}, exp, nil, usagef("--vary FIELD=VALUES is required (such as --vary txt2img.cfg_scale=5:9:1)")
	case len(e.vary) > controller.MaxSweeps:
		return controller.RunRequest{}, exp, nil, usagef("--vary: an experiment varies at most %d settings (X and Y), got %d", controller.MaxSweeps, len(e.vary))
	case e.seeds < 1 || e.seeds > controller.MaxExperimentSeeds:
		return controller.RunRequest{}, exp, nil, usagef("--seeds must be from 1 to %d, got %d", controller.MaxExperimentSeeds, e.seeds)
	}
	exp = controller.Experiment{ID: newExperimentID(), Row: e.row - 1, Prompt: e.prompt, Seeds: e.seeds}
	if len(e.plan.packs) == 1 {
		exp.Pack = e.plan.packs[0]
	}
	for _, v := range e.vary {
		s, err := controller.ParseSweep(v)
		if err != nil {
			return controller.RunRequest{}, exp, nil, usagef("--vary %s", err)
		}
		exp.Sweeps = append(exp.Sweeps, s)
	}
	req, pc, err := e.planner()
	return req, exp, pc, err
}

// experimentError turns a planning error into an exit-2 error that names
// the flag at fault.
func experimentError(err error) error {
	var se *controller.SweepError
	if errors.As(err, &se) {
		return usagef("--vary %v", err)
	}
	return inputError{err}
}

func learnPlan(env *Env, args []string, add bool) error {
	name := "learn plan"
	if add {
		name = "learn add"
	}
	fs := newFlags(env, name, "--pack NAME [--row N] | --prompt TEXT  --vary FIELD=VALUES [--vary FIELD=VALUES] [--seeds K] [--preset NAME] [--override FILE] [--json]")
	var ef experimentFlags
	ef.register(fs)
	asJSON := fs.Bool("json", false, "print the JobSpecs as a JSON array, as plan --json does")
	var pre preflightFlags
	outcome := "exit 1 when some job can run on none of them"
	if add {
		outcome = "nothing is queued (exit 2) when some job can run on none of them"
	}
	pre.register(fs, outcome)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	var req controller.RunRequest
	var exp controller.Experiment
	var pc *controller.PipelineController
	var err error
	if ef.from != "" {
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		req, exp, pc, err = ef.fromGrid(set)
	} else {
		req, exp, pc, err = ef.experiment()
	}
	if err != nil {
		return err
	}
	if add {
		req.Source = pipeline.SourceAddToQueue
	}
	plan, err := pc.PlanExperiment(context.Background(), req, exp)
	if err != nil {
		return experimentError(err)
	}
	for _, n := range plan.Notes {
		fmt.Fprintln(env.Stderr, "note:", n)
	}
	if add {
		nowhere, err := pre.check(env, pc.Library.DataDir(), plan.Jobs, true)
		if err != nil {
			return err
		}
		if nowhere {
			return inputError{errors.New("some jobs of the experiment can run on none of the WebUIs (see the preflight above); nothing was queued. " +
				"Add the missing files to a WebUI, or vary other values")}
		}
		return learnSubmit(env, ef.plan.dataDir, exp, plan)
	}
	if *asJSON {
		if err := writeJSONList(env.Stdout, plan.Jobs); err != nil {
			return err
		}
	} else {
		printExperimentTable(env.Stdout, exp, plan)
		if w := plan.DiskWarning(plan.DiskBytes(), output.FreeBytes); w != "" {
			fmt.Fprintln(env.Stderr, "warning:", w)
		}
	}
	nowhere, err := pre.check(env, pc.Library.DataDir(), plan.Jobs, *asJSON)
	if err != nil || !nowhere {
		return err
	}
	return errNowhereFailed
}

// learnSubmit queues an experiment's jobs and prints its id.
func learnSubmit(env *Env, dataDir string, exp controller.Experiment, plan *controller.Plan) error {
	svc, err := openServices(env, dataDir, backendFlags{}, false)
	if err != nil {
		return err
	}
	defer svc.Close()
	if err := svc.SubmitExperiment(exp, plan); err != nil {
		return err
	}
	// The id alone goes to stdout, for scripts: ID=$(stablenew learn add ...).
	fmt.Fprintf(env.Stderr, "Experiment %s: queued %d jobs (%d cells × %d seeds).\n", exp.ID, len(plan.Jobs), exp.Cells(), exp.Seeds)
	fmt.Fprintln(env.Stdout, exp.ID)
	return nil
}

// cellLabel reads like "txt2img.cfg_scale=7 txt2img.steps=20".
func cellLabel(values []pipeline.DimensionValue) string {
	parts := make([]string, len(values))
	for i, v := range values {
		parts[i] = v.Dimension + "=" + v.Value
	}
	return strings.Join(parts, " ")
}

// printExperimentTable prints one line per job, its cell first, and the
// totals, through a buffer.
func printExperimentTable(out io.Writer, exp controller.Experiment, plan *controller.Plan) {
	w := bufio.NewWriter(out)
	defer w.Flush()
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "#\tCELL\tSEED\tPACK\tROW\tMODEL\tSIZE\tSTAGES\tPROMPT")
	for i := range plan.Jobs {
		j := &plan.Jobs[i]
		c := j.Config
		fmt.Fprintf(tw, "%d\t%s\t%d\t%s\t%d\t%s\t%dx%d\t%s\t%s\n", i+1, cellLabel(j.LearningValues), j.Seed, j.PackID,
			j.PromptIndex+1, orDash(output.StripModelHash(c.Txt2Img.Model)), c.Txt2Img.Width, c.Txt2Img.Height,
			c.StageSummary(), ellipsis(c.Prompt.Positive, 50))
	}
	tw.Flush()
	fmt.Fprintf(w, "\nExperiment %s | %d cells × %d seeds = %d jobs | images per job %d | total %d | disk ≈ %s\n",
		exp.ID, exp.Cells(), exp.Seeds, len(plan.Jobs), plan.ImagesPerJob(), plan.TotalImages(), pipeline.FormatDiskBytes(plan.DiskBytes()))
}
