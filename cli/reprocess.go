package cli

import (
	"context"
	"fmt"
	"strings"

	"stablenew/controller"
	"stablenew/pipeline"
)

func init() {
	register("reprocess", "run img2img, ADetailer or upscale on images you already have", runReprocess)
}

func runReprocess(env *Env, args []string) error {
	fs := newFlags(env, "reprocess", "--stages img2img,adetailer,upscale [--preset NAME] [--override FILE] [--now [--demo|--webui URL]] FILE|FOLDER...")
	dataDir := fs.String("data-dir", "", "data folder (default: ~/.local/share/stablenew)")
	stages := fs.String("stages", "", "comma-separated stages to run on each image: img2img, adetailer, upscale")
	preset := fs.String("preset", "", "preset whose stage settings to use (default: the built-in defaults)")
	override := fs.String("override", "", "YAML or JSON file with stage settings to use")
	ownPrompt := fs.Bool("use-image-prompt", true, "use each image's own prompt and seed from its metadata")
	front := fs.Bool("front", false, "put the jobs at the front of the queue")
	now := fs.Bool("now", false, "render them now (like `run`) instead of only adding them to the queue")
	output := fs.String("output", "", "output folder (default: the configured one)")
	var bf backendFlags
	bf.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usagef("give the image files or folders to reprocess")
	}
	var want []pipeline.StageType
	for _, s := range strings.Split(*stages, ",") {
		if s = strings.TrimSpace(s); s != "" {
			want = append(want, pipeline.StageType(s))
		}
	}
	if len(want) == 0 {
		return usagef("--stages is required: img2img, adetailer and/or upscale, comma-separated")
	}
	if (bf.demo || len(bf.webui) > 0) && !*now {
		return usagef("--demo and --webui go with --now")
	}
	svc, err := openServices(env, *dataDir, bf, false)
	if err != nil {
		return err
	}
	defer svc.Close()
	req := controller.RunRequest{Preset: *preset, OutputRoot: *output, Source: pipeline.SourceReprocess,
		RunMode:   pipeline.RunModeQueue,
		Reprocess: &controller.ReprocessSource{Inputs: fs.Args(), Stages: want, UseImagePrompt: *ownPrompt}}
	if *now {
		req.RunMode = pipeline.RunModeDirect
	}
	if *override != "" {
		o, err := pipeline.LoadPatchFile(*override)
		if err != nil {
			return inputError{err}
		}
		req.Overrides = o
	}
	plan, err := svc.Pipeline.Plan(context.Background(), req)
	if plan != nil {
		for _, n := range plan.Notes {
			if !strings.HasPrefix(n, "skipped ") { // listed below, one line each
				fmt.Fprintln(env.Stderr, "note:", n)
			}
		}
		for _, s := range plan.Skipped {
			fmt.Fprintln(env.Stderr, "skipped:", s.Error())
		}
	}
	if err != nil {
		return inputError{err}
	}
	if *now {
		if svc.Demo != nil {
			fmt.Fprintln(env.Stdout, "DEMO: rendering on a built-in fake WebUI; the images are placeholders, not real renders.")
		}
		ok, err := runJobs(env, svc, plan.Jobs)
		if err != nil {
			return err
		}
		if !ok {
			return errSomeFailed
		}
		return skippedError(plan.Skipped)
	}
	if err := svc.Queue.Submit(plan.Jobs, *front); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Added %d reprocess jobs to the queue.\n", len(plan.Jobs))
	return skippedError(plan.Skipped)
}

// skippedError reports inputs that were left out, an input error (exit 2),
// or nil.
func skippedError(skipped []controller.InputError) error {
	if len(skipped) == 0 {
		return nil
	}
	return inputError{fmt.Errorf("%d of the inputs were skipped (see above); the others were processed", len(skipped))}
}
