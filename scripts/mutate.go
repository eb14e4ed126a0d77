//go:build ignore

// mutate checks that the tests catch deliberate bugs: each named mutation
// below changes one piece of source text in a scratch copy of the
// repository, the tests of its packages run against it, and a mutation the
// tests still pass ("survived") is a bug they would miss. Run it through
// scripts/mutate; the working tree is never changed.
//
// A mutation whose text is not found exactly once is reported as stale: the
// code moved, so update the mutation (or drop it with the code it guarded).
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// mutation is one deliberate bug: in File, From (which must occur exactly
// once) becomes To; the tests of Pkgs must then fail.
type mutation struct {
	Name string
	File string
	From string
	To   string
	Pkgs []string
}

var (
	pipelinePkg   = []string{"./pipeline"}
	controllerPkg = []string{"./controller"}
	runnerPkg     = []string{"./pipeline/runner"}
)

// mutations are the named bugs: the five the tests once missed come first.
var mutations = []mutation{
	// The five bugs a review found passing the whole suite (issue 13).
	{"preset never applied in Plan", "controller/pipeline_controller.go",
		`if req.Preset != "" {`, `if false && req.Preset != "" {`, controllerPkg},
	{"refiner sent while disabled when a checkpoint is set", "pipeline/runner/requests.go",
		`if r := cfg.Refiner; r.Enabled {`, `if r := cfg.Refiner; r.Enabled || r.Checkpoint != "" {`, runnerPkg},
	{"hires checkpoint never sent", "pipeline/runner/requests.go",
		`req.HRCheckpointName = h.Checkpoint`, `_ = h.Checkpoint`, runnerPkg},
	{"increment counter restarts for each pack", "controller/jobbuilder.go",
		`baseSeed := resolveBaseSeed(`, `images = 0
		baseSeed := resolveBaseSeed(`, controllerPkg},
	{"reprocess keeps the batch size", "controller/reprocess.go",
		`c.Batch.BatchSize, c.Batch.BatchRuns = 1, 1`, `c.Batch.BatchRuns = 1`, controllerPkg},

	// controller: layering, seeds, prompts, reprocess, run metadata.
	{"pack sidecar never applied", "controller/pipeline_controller.go",
		`if pack != nil && pack.Sidecar != nil {`, `if false && pack != nil {`, controllerPkg},
	{"sidebar settings never applied", "controller/pipeline_controller.go",
		`if !req.Settings.Empty() {`, `if false {`, controllerPkg},
	{"stage overrides applied with the override check off", "controller/pipeline_controller.go",
		`pc.Merger.Merge(base, req.Overrides, req.OverrideEnabled)`, `pc.Merger.Merge(base, req.Overrides, true)`, controllerPkg},
	{"increment counts jobs, not images", "controller/jobbuilder.go",
		`images += cfg.Batch.BatchSize`, `images++`, controllerPkg},
	{"increment seeds ignore the images before", "controller/jobbuilder.go",
		`return (base + int64(images)) % (maxSeed + 1)`, `return base % (maxSeed + 1)`, controllerPkg},
	{"an empty prompt is planned", "controller/jobbuilder.go",
		`if strings.TrimSpace(vcfg.Prompt.Positive) == "" {`, `if false {`, controllerPkg},
	{"batch runs ignored", "controller/jobbuilder.go",
		`for bi := 0; bi < cfg.Batch.BatchRuns; bi++ {`, `for bi := 0; bi < 1; bi++ {`, controllerPkg},
	{"the job cap is not enforced", "controller/jobbuilder.go",
		`if pp.jobs > cfg.Randomizer.MaxVariants {`, `if false {`, controllerPkg},
	{"the global negative is not appended", "controller/jobbuilder.go",
		"if cfg.Prompt.ApplyGlobalNegative {\n\t\tneg = joinPrompt(neg, cfg.Prompt.GlobalNegative)",
		"if false {\n\t\tneg = joinPrompt(neg, cfg.Prompt.GlobalNegative)", controllerPkg},
	{"the run source is dropped", "controller/jobbuilder.go",
		`j.RunMode, j.Source = m.opts.RunMode, m.opts.Source`, `j.RunMode = m.opts.RunMode`, controllerPkg},
	{"Run Now jobs keep the preview's source", "controller/pipeline_controller.go",
		`jobs[i].Source = source`, `_ = source`, controllerPkg},
	{"reprocess ignores the image's own prompt", "controller/reprocess.go",
		`c.Prompt.Positive, c.Prompt.Negative = md.Params.Prompt, md.Params.Negative`, `_ = md`, controllerPkg},
	{"reprocess ignores the image's own seed", "controller/reprocess.go",
		`in.Seed = s`, `_ = s`, controllerPkg},
	{"reprocess plans an image without any prompt", "controller/reprocess.go",
		`if needsPrompt && strings.TrimSpace(c.Prompt.Positive) == "" {`, `if false {`, controllerPkg},
	{"reprocess does not say which images take the card's prompt", "controller/reprocess.go",
		`if len(cardPrompt) > 0 {`, `if false {`, controllerPkg},
	{"reprocess runs txt2img too", "controller/reprocess.go",
		`c.Txt2Img.Enabled, c.Hires.Enabled, c.Refiner.Enabled = false, false, false`,
		`c.Hires.Enabled, c.Refiner.Enabled = false, false`, controllerPkg},
	{"a seed of -1 is not drawn from the randomizer seed", "controller/jobbuilder.go",
		`return int64(splitmix64(uint64(randomizerSeed)) % (maxSeed + 1))`, `return -1`, controllerPkg},
	{"LoRA strengths not applied to the tags", "controller/jobbuilder.go",
		`strconv.FormatFloat(l.Strength, 'f', -1, 64)`, `strconv.FormatFloat(1, 'f', -1, 64)`, controllerPkg},
	{"a disabled LoRA's tag is kept", "controller/jobbuilder.go",
		"if !l.Enabled {\n\t\t\treturn \"\"", "if false {\n\t\t\treturn \"\"", controllerPkg},

	// pipeline: merging, parsing and validation.
	{"enabled: False is not false to the merger", "pipeline/merger.go",
		`if on, ok := scalarBool(p.lookup(s + ".enabled")); ok && !on {`,
		`if n := p.lookup(s + ".enabled"); n != nil && n.Value == "false" {`, pipelinePkg},
	{"overrides merged with the override check off", "pipeline/merger.go",
		`if !overrideEnabled || overrides.Empty() {`, `if overrides.Empty() {`, pipelinePkg},
	{"NaN and Inf pass validation", "pipeline/validate.go",
		"func (v *validator) finite(path string, x float64) {\n\tif !isFinite(x) {",
		"func (v *validator) finite(path string, x float64) {\n\tif false {", pipelinePkg},
	{"NaN and Inf in list elements pass validation", "pipeline/validate.go",
		"func (v *validator) finiteAt(path string, i int, field string, x float64) {\n\tif !isFinite(x) {",
		"func (v *validator) finiteAt(path string, i int, field string, x float64) {\n\tif false {", pipelinePkg},
	{"a number field is left out of the finiteness check", "pipeline/validate.go",
		`v.finite("upscale.factor", c.Upscale.Factor)`, ``, pipelinePkg},
	{"NaN and Inf pass file parsing", "pipeline/patch.go",
		`case math.IsNaN(f) || math.IsInf(f, 0):`, `case false && (math.IsNaN(f) || math.IsInf(f, 0)):`, pipelinePkg},
	{"numbers too large read as not a number", "pipeline/patch.go",
		`case errors.Is(err, strconv.ErrRange):
		return 0, fmt.Sprintf("number %s is too large", s)`, `case false:
		return 0, ""`, pipelinePkg},
	{"range checks miss values above the top", "pipeline/validate.go",
		`if got < lo || got > hi {
		v.add(path, "must be within %s..%s`, `if got < lo {
		v.add(path, "must be within %s..%s`, pipelinePkg},
	{"quoted booleans accepted", "pipeline/patch.go",
		`if n == nil || n.Kind != yaml.ScalarNode || n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {`,
		`if n == nil || n.Kind != yaml.ScalarNode {`, pipelinePkg},
	{"a patch's unknown key is ignored", "pipeline/patch.go",
		`*problems = append(*problems, problem(k, kp, "unknown key; known keys here: %s", strings.Join(sortedCopy(keys), ", ")))`,
		`_ = keys`, pipelinePkg},
	{"adetailer.units replace the base units instead of merging", "pipeline/patch.go",
		`byIndex := path == "adetailer.units"`, `byIndex := false`, pipelinePkg},
	{"sizes need not be multiples of 8", "pipeline/validate.go",
		`if got%8 != 0 {`, `if false {`, pipelinePkg},
	{"folder tokens lose the sampler", "pipeline/jobspec.go",
		`Sampler: c.Txt2Img.Sampler, Steps: c.Txt2Img.Steps, CFG: c.Txt2Img.CFGScale,`,
		`Steps: c.Txt2Img.Steps, CFG: c.Txt2Img.CFGScale,`, append(append([]string{}, pipelinePkg...), controllerPkg...)},

	// runner: what reaches the WebUI and the disk.
	{"batch size not sent", "pipeline/runner/requests.go",
		`BatchSize:      cfg.Batch.BatchSize,`, `BatchSize:      1,`, runnerPkg},
	{"hires denoise not sent", "pipeline/runner/requests.go",
		`req.EnableHires(h.Upscaler, h.Scale, h.Denoise, h.Steps)`, `req.EnableHires(h.Upscaler, h.Scale, 0, h.Steps)`, runnerPkg},
	{"file names take the requested seed, not the image's", "pipeline/runner/save.go",
		`tokens.Seed, tokens.Stage, tokens.Index = im.seed, string(st.Stage), i`,
		`tokens.Stage, tokens.Index = string(st.Stage), i`, runnerPkg},
	{"negative prompt not sent", "pipeline/runner/requests.go",
		`NegativePrompt: cfg.Prompt.Negative,`, `NegativePrompt: "",`, runnerPkg},
	{"img2img's own sampler ignored", "pipeline/runner/requests.go",
		`p.SamplerName = i.Sampler`, `_ = i.Sampler`, runnerPkg},
	{"img2img denoise not sent", "pipeline/runner/requests.go",
		`DenoisingStrength: i.Denoise,`, `DenoisingStrength: 0.75,`, runnerPkg},
	{"upscale target size ignored", "pipeline/runner/requests.go",
		`if u.TargetWidth > 0 && u.TargetHeight > 0 {
		req.ResizeMode = 1`, `if false {
		req.ResizeMode = 1`, runnerPkg},
}

func main() {
	only := flag.String("run", "", "run only the mutations whose name matches this regular expression")
	list := flag.Bool("list", false, "list the mutations and exit")
	timeout := flag.Duration("timeout", 10*time.Minute, "time limit of one mutation's tests")
	verbose := flag.Bool("v", false, "print the test output of survivors")
	flag.Parse()
	if *list {
		for _, m := range mutations {
			fmt.Printf("%-60s %s\n", m.Name, m.File)
		}
		return
	}
	var re *regexp.Regexp
	if *only != "" {
		var err error
		if re, err = regexp.Compile(*only); err != nil {
			fatal("-run: %v", err)
		}
	}
	scratch, err := os.MkdirTemp("", "stablenew-mutate-")
	if err != nil {
		fatal("%v", err)
	}
	defer os.RemoveAll(scratch)
	if err := copyRepo(scratch); err != nil {
		fatal("copying the repository: %v", err)
	}
	var survived, stale, killed int
	for _, m := range mutations {
		if re != nil && !re.MatchString(m.Name) {
			continue
		}
		verdict, out := try(scratch, m, *timeout)
		fmt.Printf("%-8s %s (%s)\n", verdict, m.Name, m.File)
		switch verdict {
		case "KILLED":
			killed++
		case "SURVIVED":
			survived++
			if *verbose {
				os.Stdout.Write(out)
			}
		default:
			stale++
			fmt.Printf("         %s\n", strings.TrimSpace(string(out)))
		}
	}
	fmt.Printf("\n%d killed, %d survived, %d stale\n", killed, survived, stale)
	if survived+stale > 0 {
		os.Exit(1)
	}
}

// try applies one mutation in the scratch copy, runs its packages' tests
// and puts the file back.
func try(root string, m mutation, timeout time.Duration) (string, []byte) {
	path := filepath.Join(root, filepath.FromSlash(m.File))
	orig, err := os.ReadFile(path)
	if err != nil {
		return "STALE", []byte(err.Error())
	}
	if n := bytes.Count(orig, []byte(m.From)); n != 1 {
		return "STALE", []byte(fmt.Sprintf("the text to change occurs %d times, want once: %q", n, m.From))
	}
	mutated := bytes.Replace(orig, []byte(m.From), []byte(m.To), 1)
	if err := os.WriteFile(path, mutated, 0o644); err != nil {
		return "STALE", []byte(err.Error())
	}
	defer os.WriteFile(path, orig, 0o644)

	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	args := append([]string{"test", "-tags", "ci", "-count=1", "-failfast"}, m.Pkgs...)
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "LANG=C.UTF-8")
	out, err := cmd.CombinedOutput()
	switch {
	case err == nil:
		return "SURVIVED", out
	case bytes.Contains(out, []byte("[build failed]")) || bytes.Contains(out, []byte("[setup failed]")):
		// A mutation that does not compile proves nothing.
		return "STALE", append([]byte("the mutated code does not build:\n"), out...)
	}
	return "KILLED", out
}

// copyRepo copies the files git knows (tracked, and untracked but not
// ignored) into dst, so the mutations never touch the working tree.
func copyRepo(dst string) error {
	out, err := exec.Command("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard").Output()
	if err != nil {
		return fmt.Errorf("git ls-files: %w", err)
	}
	for _, name := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		if name == "" {
			continue
		}
		if err := copyFile(name, filepath.Join(dst, name)); err != nil {
			return err
		}
	}
	return nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if os.IsNotExist(err) {
		return nil // deleted in the working tree
	}
	if err != nil {
		return err
	}
	defer in.Close()
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func fatal(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "mutate: "+format+"\n", args...)
	os.Exit(2)
}
