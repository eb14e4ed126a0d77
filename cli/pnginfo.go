package cli

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"stablenew/controller"
	"stablenew/pipeline"
	"stablenew/pipeline/infotext"
)

func init() {
	register("pnginfo", "show how images were made (A1111, Forge, SD.Next and StableNew metadata)", runPNGInfo)
}

// pngInfoResult is one file's entry in `pnginfo --json`.
type pngInfoResult struct {
	File       string         `json:"file"`
	Error      string         `json:"error,omitempty"`
	Source     string         `json:"source,omitempty"`
	Prompt     string         `json:"prompt"`
	Negative   string         `json:"negative_prompt"`
	Parameters map[string]any `json:"parameters"`
	Warnings   []string       `json:"warnings,omitempty"`
	StableNew  any            `json:"stablenew,omitempty"`
	// Config is the stage configuration the parameters map to; NotApplied
	// lists the parameters that have no place in it.
	Config     *pipeline.PipelineConfig `json:"config,omitempty"`
	NotApplied []string                 `json:"not_applied,omitempty"`
	// Notes explain choices of the mapping (a seed under random seed mode,
	// a refiner switch point out of range).
	Notes []string `json:"notes,omitempty"`

	md *infotext.Metadata
}

// runPNGInfo prints the parameters of images and folders of images. A
// folder's images without readable parameters are listed (on stderr too);
// they fail the command only when no image has parameters. A named file
// without them fails it.
func runPNGInfo(env *Env, args []string) error {
	fs := newFlags(env, "pnginfo", "[--json] FILE|FOLDER...")
	asJSON := fs.Bool("json", false, "print one JSON object per file (an array for several)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usagef("give one or more image files or folders")
	}
	var results []pngInfoResult
	// failed counts the named files (and folders) that failed; an image of a
	// folder without readable parameters is only listed (inFolder), unless
	// no image at all has parameters.
	failed, withParams := 0, 0
	// unreadable counts the named files and folders that are not images at
	// all (missing, a pipe, damaged, no images in a folder): input errors,
	// which exit 2 where a mere lack of parameters exits 1.
	unreadable := 0
	var inFolder []string
	// A folder stands for its images, in name order; one without any is an
	// error in its place.
	type input struct {
		path     string
		err      error
		inFolder bool
	}
	var inputs []input
	for _, arg := range fs.Args() {
		if st, err := os.Stat(arg); err == nil && st.IsDir() {
			images, err := controller.ImagesIn(arg)
			if err != nil {
				inputs = append(inputs, input{path: arg, err: err})
			}
			for _, p := range images {
				inputs = append(inputs, input{path: p, inFolder: true})
			}
			continue
		}
		inputs = append(inputs, input{path: arg})
	}
	for _, in := range inputs {
		path := in.path
		if in.err != nil {
			results = append(results, pngInfoResult{File: path, Error: in.err.Error(), Parameters: map[string]any{}})
			failed++
			unreadable++
			continue
		}
		r := pngInfoResult{File: path, Parameters: map[string]any{}}
		md, err := infotext.ReadFile(path)
		switch {
		case err != nil && in.inFolder:
			r.Error = err.Error()
			inFolder = append(inFolder, path)
		case err != nil:
			r.Error = err.Error()
			failed++
			if !errors.Is(err, infotext.ErrNoParameters) {
				unreadable++
			}
		default:
			withParams++
			r.Source, r.md = md.Source, md
			if md.Params != nil {
				r.Prompt, r.Negative, r.Warnings = md.Params.Prompt, md.Params.Negative, md.Params.Warnings
				for _, p := range md.Params.Pairs {
					r.Parameters[p.Key] = p.Value
				}
				m := infotext.ToConfig(md.Params, pipeline.Defaults(), infotext.Options{})
				r.Config, r.NotApplied, r.Notes = &m.Config, m.NotApplied, m.Notes
			}
			if md.StableNew != nil {
				r.StableNew = md.StableNew
			}
		}
		results = append(results, r)
	}
	if *asJSON {
		var err error
		if len(results) == 1 {
			err = writeJSON(env.Stdout, results[0])
		} else {
			err = writeJSON(env.Stdout, results)
		}
		if err != nil {
			return err
		}
	} else {
		for i, r := range results {
			if i > 0 {
				fmt.Fprintln(env.Stdout)
			}
			fmt.Fprintf(env.Stdout, "== %s\n", r.File)
			if r.Error != "" {
				fmt.Fprintf(env.Stdout, "error: %s\n", r.Error)
				continue
			}
			fmt.Fprintf(env.Stdout, "Prompt: %s\n", r.Prompt)
			if r.Negative != "" {
				fmt.Fprintf(env.Stdout, "Negative prompt: %s\n", r.Negative)
			}
			md := r.md
			for _, p := range md.Params.Pairs {
				fmt.Fprintf(env.Stdout, "%s: %s\n", p.Key, p.Value)
			}
			if len(r.NotApplied) > 0 {
				fmt.Fprintf(env.Stdout, "Not applied when loaded into the stage cards: %s\n", strings.Join(r.NotApplied, "; "))
			}
			for _, n := range r.Notes {
				fmt.Fprintf(env.Stdout, "note: %s\n", n)
			}
			for _, w := range r.Warnings {
				fmt.Fprintf(env.Stdout, "warning: %s\n", w)
			}
			if md.StableNew != nil {
				fmt.Fprintf(env.Stdout, "StableNew: job %s, pack %s, row %d, variant %d, stage %s, seed %d\n", md.StableNew.JobID,
					md.StableNew.Pack, md.StableNew.PromptIndex+1, md.StableNew.Variant+1, md.StableNew.Stage, md.StableNew.SeedActual)
			}
		}
	}
	if len(inFolder) > 0 {
		fmt.Fprintf(env.Stderr, "%d of %d images hold no generation parameters StableNew can read: %s\n",
			len(inFolder), len(results), strings.Join(inFolder, ", "))
	}
	if failed > 0 || (withParams == 0 && len(inFolder) > 0) {
		err := fmt.Errorf("%d of %d files could not be read: %s", failed+len(inFolder), len(results), strings.Join(failedFiles(results), ", "))
		if unreadable > 0 {
			return inputError{err}
		}
		return err
	}
	return nil
}

func failedFiles(rs []pngInfoResult) []string {
	var out []string
	for _, r := range rs {
		if r.Error != "" {
			out = append(out, r.File)
		}
	}
	return out
}
