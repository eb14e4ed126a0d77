package resources

import (
	"fmt"
	"sort"
	"strings"

	"stablenew/pipeline"
)

// Target is one WebUI a plan is checked against.
type Target struct {
	WebUI string
	// View is its lists under the user's mappings, nil when they could not
	// be read.
	View *View
	// Err says why there is no View.
	Err error
}

// Problem is one resource a WebUI lacks (or cannot use), for the jobs that
// name it.
type Problem struct {
	WebUI string
	Kind  Kind
	Name  string
	// Error: the jobs cannot run as planned on this WebUI (a missing
	// checkpoint, sampler…). Otherwise a warning: A1111 would run them
	// without it, silently (a LoRA, an embedding).
	Error bool
	// Problem is what is wrong: "not found", "ambiguous", …
	Problem string
	// Jobs is how many jobs name the resource; Elsewhere how many of them
	// another WebUI of the check can run.
	Jobs      int
	Elsewhere int
	// Candidates are what an ambiguous name could mean; Closest the
	// WebUI's names nearest to a missing one.
	Candidates []string
	Closest    []string
	// Fields are where the jobs name it ("txt2img.model", "prompt").
	Fields []string
}

// String is the problem on one line: error or warning, which WebUI, what
// and its name, how many jobs, the closest names.
func (p Problem) String() string {
	sev := "warning"
	if p.Error {
		sev = "error"
	}
	return sev + ": " + p.Text()
}

// Text is String without the error or warning.
func (p Problem) Text() string {
	r := Resolution{Kind: p.Kind, Name: p.Name, Problem: p.Problem, Candidates: p.Candidates, Closest: p.Closest}
	s := fmt.Sprintf("%s %s (%s", p.WebUI, r.what(), plural(p.Jobs, "job"))
	if p.Error && p.Elsewhere > 0 {
		if p.Elsewhere == p.Jobs {
			s += "; they run on another WebUI"
		} else {
			s += fmt.Sprintf("; %d of them run on another WebUI", p.Elsewhere)
		}
	}
	s += ")"
	if len(p.Closest) > 0 {
		s += "; closest: " + strings.Join(p.Closest, ", ")
	}
	return s
}

// Mapping is a name a WebUI knows under another name, for the jobs naming
// it: every mapping the app makes is shown.
type Mapping struct {
	WebUI string
	Kind  Kind
	Name  string
	Used  string
	How   How
	Note  string
	Jobs  int
}

// String is the mapping on one line.
func (m Mapping) String() string {
	s := fmt.Sprintf("%s: %s %q → %q (by %s, %s)", m.WebUI, m.Kind, m.Name, m.Used, m.How, plural(m.Jobs, "job"))
	if m.Note != "" {
		s += "; " + m.Note
	}
	return s
}

// Unchecked is a WebUI whose lists could not be read.
type Unchecked struct {
	WebUI string
	Err   error
}

// String says that the WebUI could not be checked, and why.
func (u Unchecked) String() string {
	return fmt.Sprintf("could not check %s: %v (its jobs run as before, unchecked)", u.WebUI, u.Err)
}

// Report is the preflight of a plan against the WebUIs it may run on.
type Report struct {
	Jobs      int
	Problems  []Problem
	Mappings  []Mapping
	Unchecked []Unchecked
	// Nowhere is how many jobs no WebUI can run (0 while some WebUI is
	// unchecked: they may run there).
	Nowhere int
	// Runnable is how many jobs each checked WebUI can run.
	Runnable map[string]int
}

// Errors counts the error problems.
func (r *Report) Errors() int {
	n := 0
	for _, p := range r.Problems {
		if p.Error {
			n++
		}
	}
	return n
}

// Warnings counts the warning problems.
func (r *Report) Warnings() int { return len(r.Problems) - r.Errors() }

// Clean reports whether there is nothing to say.
func (r *Report) Clean() bool {
	return len(r.Problems) == 0 && len(r.Mappings) == 0 && len(r.Unchecked) == 0
}

// Lines is the report as text, one line each: problems (errors first), then
// mappings, then WebUIs that could not be checked.
func (r *Report) Lines() []string {
	var out []string
	for _, p := range r.Problems {
		out = append(out, p.String())
	}
	for _, m := range r.Mappings {
		out = append(out, "mapped: "+m.String())
	}
	for _, u := range r.Unchecked {
		out = append(out, u.String())
	}
	if r.Nowhere > 0 {
		out = append(out, fmt.Sprintf("%s can run on none of the WebUIs", plural(r.Nowhere, "job")))
	}
	return out
}

// Check resolves every name of jobs on every target: the preflight the
// preview and `plan --webui` show before any GPU time is spent.
func Check(jobs []pipeline.JobSpec, targets []Target) *Report {
	rep := &Report{Jobs: len(jobs), Runnable: map[string]int{}}
	var checked []*View
	var lists []*Lists
	for _, t := range targets {
		if t.View == nil {
			err := t.Err
			if err == nil {
				err = fmt.Errorf("its lists were not read yet")
			}
			rep.Unchecked = append(rep.Unchecked, Unchecked{t.WebUI, err})
			continue
		}
		checked = append(checked, t.View)
		lists = append(lists, t.View.Lists)
		rep.Runnable[t.View.WebUI] = 0
	}
	if len(checked) == 0 || len(jobs) == 0 {
		return rep
	}
	known := KnownEmbeddings(lists...)

	// needs are numbered once; each config's list of need numbers and
	// per-WebUI runnability are worked out once.
	type needInfo struct {
		need   Need
		res    []Resolution // per checked view
		jobs   int
		fields []string
		elsew  []int // per view: jobs naming it that another view can run
	}
	type cfgInfo struct {
		needs    []int32 // into needs
		runnable []bool  // per view
	}
	var needs []*needInfo
	needID := map[key]int{}
	byCfg := make(map[*pipeline.PipelineConfig]*cfgInfo, len(jobs))
	nv := len(checked)
	var (
		scratch []ref
		found   []Need
		ids     []int32 // arena of the configs' need numbers
		runs    []bool  // arena of their runnability
	)
	for i := range jobs {
		j := &jobs[i]
		ci, ok := byCfg[j.Config]
		if !ok {
			if len(runs)+nv > cap(runs) {
				runs = make([]bool, 0, max(1024, 4*nv))
			}
			start := len(runs)
			for range nv {
				runs = append(runs, true)
			}
			ci = &cfgInfo{runnable: runs[start:len(runs):len(runs)]}
			found = appendNeeds(found[:0], &scratch, j, known)
			if len(ids)+len(found) > cap(ids) {
				ids = make([]int32, 0, max(4096, len(found)))
			}
			first := len(ids)
			for _, n := range found {
				k := key{n.Kind, n.Name}
				id, ok := needID[k]
				if !ok {
					id = len(needs)
					needID[k] = id
					ni := &needInfo{need: n, res: make([]Resolution, nv), elsew: make([]int, nv)}
					for vi, v := range checked {
						ni.res[vi] = v.Resolve(n.Kind, n.Name)
					}
					needs = append(needs, ni)
				}
				ni := needs[id]
				if !containsString(ni.fields, n.Field) {
					ni.fields = append(ni.fields, n.Field)
				}
				ids = append(ids, int32(id))
				for vi := range checked {
					if !ni.res[vi].OK() && n.Kind.Required() {
						ci.runnable[vi] = false
					}
				}
			}
			ci.needs = ids[first:len(ids):len(ids)]
			byCfg[j.Config] = ci
		}
		anywhere := 0
		for vi, ok := range ci.runnable {
			if ok {
				anywhere++
				rep.Runnable[checked[vi].WebUI]++
			}
		}
		if anywhere == 0 && len(rep.Unchecked) == 0 {
			rep.Nowhere++
		}
		for _, id := range ci.needs {
			ni := needs[id]
			ni.jobs++
			for vi := range checked {
				other := anywhere
				if ci.runnable[vi] {
					other--
				}
				if other > 0 && !ni.res[vi].OK() {
					ni.elsew[vi]++
				}
			}
		}
	}
	for _, ni := range needs {
		for vi, r := range ni.res {
			switch {
			case !r.OK():
				rep.Problems = append(rep.Problems, Problem{
					WebUI: checked[vi].WebUI, Kind: r.Kind, Name: r.Name, Error: r.Kind.Required(), Problem: r.Problem,
					Jobs: ni.jobs, Elsewhere: ni.elsew[vi], Candidates: r.Candidates, Closest: r.Closest, Fields: ni.fields,
				})
			case r.Mapped():
				rep.Mappings = append(rep.Mappings, Mapping{WebUI: checked[vi].WebUI, Kind: r.Kind, Name: r.Name,
					Used: r.Used, How: r.How, Note: r.Note, Jobs: ni.jobs})
			}
		}
	}
	sort.SliceStable(rep.Problems, func(a, b int) bool {
		pa, pb := rep.Problems[a], rep.Problems[b]
		if pa.Error != pb.Error {
			return pa.Error
		}
		if pa.Kind != pb.Kind {
			return pa.Kind.order() < pb.Kind.order()
		}
		if pa.Name != pb.Name {
			return pa.Name < pb.Name
		}
		return pa.WebUI < pb.WebUI
	})
	sort.SliceStable(rep.Mappings, func(a, b int) bool {
		ma, mb := rep.Mappings[a], rep.Mappings[b]
		if ma.Kind != mb.Kind {
			return ma.Kind.order() < mb.Kind.order()
		}
		if ma.Name != mb.Name {
			return ma.Name < mb.Name
		}
		return ma.WebUI < mb.WebUI
	})
	return rep
}

func containsString(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// plural is "1 job" or "3 jobs".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// Summary is the report in a few words for a status line: "2 errors, 1
// warning" or "".
func (r *Report) Summary() string {
	var parts []string
	if e := r.Errors(); e > 0 {
		parts = append(parts, plural(e, "error"))
	}
	if w := r.Warnings(); w > 0 {
		parts = append(parts, plural(w, "warning"))
	}
	return strings.Join(parts, ", ")
}
