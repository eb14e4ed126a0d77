package cli

import (
	"fmt"
	"strings"

	"stablenew/pipeline/random"
)

func init() {
	register("expand", "expand a dynamic-prompts template into prompts", runExpand)
}

func runExpand(env *Env, args []string) error {
	fs := newFlags(env, "expand", "[--wildcards DIR] [--mode combinatorial|random] [--max N] [--seed N] --json -- TEMPLATE")
	wildcards := fs.String("wildcards", "", "folder of wildcard .txt files for __name__ tokens")
	mode := fs.String("mode", "combinatorial", "combinatorial (every prompt, leftmost group slowest) or random")
	maxN := fs.Int("max", 0, "at most this many prompts (0: all in combinatorial mode; required in random mode)")
	seed := fs.Int64("seed", 0, "seed for random mode")
	asJSON := fs.Bool("json", false, "print a JSON array of strings (the default prints one prompt per line)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("give exactly one template after the flags, e.g. stablenew expand --json -- \"a {red|blue} ball\"")
	}
	if *mode != "combinatorial" && *mode != "random" {
		return usagef("--mode must be combinatorial or random, got %q", *mode)
	}
	if *maxN < 0 {
		return usagef("--max must be 0 or more, got %d", *maxN)
	}
	if *mode == "random" && *maxN == 0 {
		return usagef("random mode needs --max N: how many prompts to draw")
	}
	opts := random.ExpandOptions{Mode: *mode, Max: *maxN, Seed: *seed, Strict: true}
	if *wildcards != "" {
		w, err := random.LoadWildcardDir(*wildcards)
		if err != nil {
			return inputError{err}
		}
		opts.Wildcards = w
	}
	prompts, err := random.Expand(fs.Arg(0), opts)
	if err != nil {
		return inputError{err}
	}
	if prompts == nil {
		prompts = []string{}
	}
	if *asJSON {
		return writeJSON(env.Stdout, prompts)
	}
	for _, p := range prompts {
		fmt.Fprintln(env.Stdout, strings.ReplaceAll(p, "\n", `\n`))
	}
	return nil
}
