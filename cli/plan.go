package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"text/tabwriter"

	"stablenew/app"
	"stablenew/controller"
	"stablenew/pipeline"
	"stablenew/pipeline/output"
	"stablenew/pipeline/packs"
	"stablenew/pipeline/resources"
)

func init() {
	register("plan", "print the jobs a pack would make, exactly as they would run", runPlan)
}

// planFlags are the flags shared by plan, run and queue add.
type planFlags struct {
	dataDir  string
	packs    stringList
	preset   string
	override string
	seed     int64
	output   string
}

func (p *planFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&p.dataDir, "data-dir", "", "data folder with packs/, presets/, wildcards/ (default: ~/.local/share/stablenew)")
	fs.Var(&p.packs, "pack", "prompt pack name or path (repeat for several)")
	fs.StringVar(&p.preset, "preset", "", "preset name to layer under the pack's own settings")
	fs.StringVar(&p.override, "override", "", "YAML or JSON file whose settings override the packs' (like the GUI's override check)")
	fs.Int64Var(&p.seed, "seed", -1, "randomizer seed (-1: the configured one, or a fresh one)")
	fs.StringVar(&p.output, "output", "", "output folder (default: the configured one, or output/ in the data folder)")
}

// request loads the library and builds the RunRequest the flags describe.
func (p *planFlags) request(source pipeline.RunSource) (*packs.Library, controller.RunRequest, error) {
	if len(p.packs) == 0 {
		return nil, controller.RunRequest{}, usagef("--pack is required (a pack name such as sdxl_portraits, or a path to a .txt or .tsv file)")
	}
	return p.requestOf(source)
}

// requestOf is request without the check that a pack is named (an
// experiment may plan a typed prompt instead).
func (p *planFlags) requestOf(source pipeline.RunSource) (*packs.Library, controller.RunRequest, error) {
	dir := p.dataDir
	if dir == "" {
		d, err := packs.DefaultDataDir()
		if err != nil {
			return nil, controller.RunRequest{}, err
		}
		dir = d
	}
	lib, err := packs.Open(dir)
	if err != nil {
		return nil, controller.RunRequest{}, err
	}
	req := controller.RunRequest{
		RunMode: pipeline.RunModeQueue, Source: source,
		Packs: p.packs, Preset: p.preset, OutputRoot: p.output,
	}
	if p.override != "" {
		o, err := pipeline.LoadPatchFile(p.override)
		if err != nil {
			return nil, req, inputError{err}
		}
		req.Overrides, req.OverrideEnabled = o, true
	}
	if p.seed >= 0 {
		s := p.seed
		req.RandomizerSeed = &s
	} else if p.seed != -1 {
		return nil, req, usagef("--seed must be -1 or a number from 0 up, got %d", p.seed)
	}
	return lib, req, nil
}

// jobBuilder builds plan's JobSpecs; golden tests fix its ids and clock.
var jobBuilder controller.JobBuilder

func runPlan(env *Env, args []string) error {
	fs := newFlags(env, "plan", "--pack NAME|PATH [--preset NAME] [--override FILE] [--seed N] [--json] [--webui URL]...")
	var pf planFlags
	pf.register(fs)
	asJSON := fs.Bool("json", false, "print the JobSpecs as a JSON array")
	var pre preflightFlags
	pre.register(fs, "exit 1 when some job can run on none of them")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	lib, req, err := pf.request(pipeline.SourceCLI)
	if err != nil {
		return err
	}
	pc := controller.NewPipelineController(lib)
	pc.Builder = jobBuilder
	plan, err := pc.Plan(context.Background(), req)
	if err != nil {
		return inputError{err}
	}
	for _, n := range plan.Notes {
		fmt.Fprintln(env.Stderr, "note:", n)
	}
	if *asJSON {
		if err := writeJSONList(env.Stdout, plan.Jobs); err != nil {
			return err
		}
	} else {
		printPlanTable(env.Stdout, plan)
		if w := plan.DiskWarning(plan.DiskBytes(), output.FreeBytes); w != "" {
			fmt.Fprintln(env.Stderr, "warning:", w)
		}
	}
	nowhere, err := pre.check(env, lib.DataDir(), plan.Jobs, *asJSON)
	if err != nil || !nowhere {
		return err
	}
	return errNowhereFailed
}

// preflightFlags are --webui and --api-auth of the commands that check a
// plan's resources against WebUIs before anything runs.
type preflightFlags struct {
	webuis stringList
	auth   string
}

func (p *preflightFlags) register(fs *flag.FlagSet, outcome string) {
	fs.Var(&p.webuis, "webui", "check every checkpoint, sampler, upscaler, LoRA… the jobs name against this WebUI's lists "+
		"(repeat for several); "+outcome)
	fs.StringVar(&p.auth, "api-auth", "", "user:password for a WebUI started with --api-auth")
}

// check prints the preflight of jobs against the WebUIs (to stderr when
// stdout holds JSON) and reports whether some job can run on none of them.
// Without --webui it does nothing.
func (p *preflightFlags) check(env *Env, dataDir string, jobs []pipeline.JobSpec, toStderr bool) (bool, error) {
	if len(p.webuis) == 0 {
		return false, nil
	}
	set, err := app.LoadSettings(dataDir)
	if err != nil {
		return false, err
	}
	if p.auth != "" {
		set.APIAuth = p.auth
	}
	targets, err := app.ReadTargetsOf(context.Background(), p.webuis, set, slog.New(slog.DiscardHandler))
	if err != nil {
		return false, usagef("%v", err)
	}
	// With --json the JobSpecs alone go to stdout; the preflight goes to
	// stderr.
	w := env.Stdout
	if toStderr {
		w = env.Stderr
	} else {
		fmt.Fprintln(w)
	}
	return printPreflight(w, resources.Check(jobs, targets), targets), nil
}

// errNowhereFailed ends `plan --webui` when some job can run on none of
// the WebUIs (exit 1; the preflight says which and why).
var errNowhereFailed = errors.New("some jobs can run on none of the given WebUIs; see the preflight above")

// printPlanTable prints one line per job and the totals, through a buffer
// (the table writer writes every cell on its own).
func printPlanTable(out io.Writer, plan *controller.Plan) {
	w := bufio.NewWriterSize(out, 64<<10)
	defer w.Flush()
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "#\tPACK\tROW\tVARIANT\tBATCH\tSEED\tMODEL\tSIZE\tSTAGES\tPROMPT")
	for i := range plan.Jobs {
		j := &plan.Jobs[i]
		c := j.Config
		seed := fmt.Sprint(j.Seed)
		if j.Seed < 0 {
			seed = "random"
		}
		fmt.Fprintf(tw, "%d\t%s\t%d\t%d/%d\t%d/%d\t%s\t%s\t%dx%d\t%s\t%s\n", i+1, j.PackID, j.PromptIndex+1,
			j.VariantIndex+1, j.VariantTotal, j.BatchIndex+1, j.BatchTotal, seed, orDash(output.StripModelHash(c.Txt2Img.Model)),
			c.Txt2Img.Width, c.Txt2Img.Height, c.StageSummary(), ellipsis(c.Prompt.Positive, 60))
	}
	tw.Flush()
	fmt.Fprintf(w, "\nJobs %d | images per job %d | total %d | randomizer seed %d | disk ≈ %s\n",
		len(plan.Jobs), plan.ImagesPerJob(), plan.TotalImages(), plan.RandomizerSeed, pipeline.FormatDiskBytes(plan.DiskBytes()))
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// ellipsis shortens s to n runes, marking the cut with "…".
func ellipsis(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
