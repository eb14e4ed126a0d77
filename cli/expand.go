package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"strings"

	"stablenew/pipeline"
	"stablenew/pipeline/random"
)

func init() {
	register("expand", "expand a dynamic-prompts template into prompts", runExpand)
}

func runExpand(env *Env, args []string) error {
	fs := newFlags(env, "expand", "[--wildcards DIR] [--mode combinatorial|random] [--max N] [--seed N] --json -- TEMPLATE")
	wildcards := fs.String("wildcards", "", "folder of wildcard .txt files for __name__ tokens")
	mode := fs.String("mode", "combinatorial", "combinatorial (every prompt, leftmost group slowest) or random")
	maxN := fs.Int("max", 0, fmt.Sprintf("at most this many prompts (0: all in combinatorial mode, when they are at most %d; required in random mode)", pipeline.HardMaxVariants))
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
	tmpl, err := random.ParseTemplate(fs.Arg(0))
	if err != nil {
		return inputError{err}
	}
	prompts := tmpl.Draws(opts)
	if *mode == "combinatorial" {
		if *maxN == 0 {
			n, err := tmpl.Count(opts)
			if err != nil {
				return inputError{err}
			}
			if n > pipeline.HardMaxVariants {
				return inputError{fmt.Errorf("the template makes %s prompts, more than %d at once; print the first ones with --max N, or draw some with --mode random --max N",
					random.FormatCount(n), pipeline.HardMaxVariants)}
			}
		}
		prompts = tmpl.All(opts)
	}
	return printPrompts(env.Stdout, prompts, *asJSON)
}

// printPrompts writes prompts as they come, one per line or as a JSON array
// of strings, so that any number of them takes constant memory. On an error
// the output stops where it is (a JSON array stays open).
func printPrompts(out io.Writer, prompts iter.Seq2[string, error], asJSON bool) error {
	w := bufio.NewWriter(out)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // as writeJSON: prompts keep their <lora:…>
	n := 0
	for p, err := range prompts {
		if err != nil {
			w.Flush()
			return inputError{err}
		}
		if _, err := w.Write(nil); err != nil {
			return err // the reader went away
		}
		switch {
		case !asJSON:
			w.WriteString(strings.ReplaceAll(p, "\n", `\n`))
			w.WriteByte('\n')
		case n == 0:
			w.WriteString("[\n  ")
		default:
			w.WriteString(",\n  ")
		}
		if asJSON {
			buf.Reset()
			enc.Encode(p) // a string always encodes
			w.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
		}
		n++
	}
	if asJSON {
		if n == 0 {
			w.WriteString("[]\n")
		} else {
			w.WriteString("\n]\n")
		}
	}
	return w.Flush()
}
