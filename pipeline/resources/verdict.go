package resources

import (
	"fmt"
	"strings"
)

// VerdictState says whether a WebUI can run jobs needing some resources.
type VerdictState int

// The verdict states.
const (
	// Unknown: the WebUI's lists are not loaded; the job may run there
	// and is checked when it starts.
	Unknown VerdictState = iota
	// Yes: the WebUI has every required resource.
	Yes
	// No: the WebUI lacks some; Reason says which.
	No
	// Checking: the WebUI lacked some, and its lists are being read again
	// (a model added while the app runs); ask again when they are.
	Checking
)

// Verdict is whether one WebUI can run jobs with a RequiredKey.
type Verdict struct {
	State VerdictState
	// Reason names what is missing and the closest names, for No.
	Reason string
}

// MayRun reports whether a job may be sent to the WebUI now.
func (v Verdict) MayRun() bool { return v.State == Yes || v.State == Unknown }

// Verdict says whether the WebUI of v has every resource of a RequiredKey.
// It is memoised per key.
func (v *View) Verdict(required string) Verdict {
	if required == "" || v.Lists == nil {
		return Verdict{State: Yes}
	}
	v.mu.Lock()
	vd, ok := v.verdict[required]
	v.mu.Unlock()
	if ok {
		return vd
	}
	var missing []string
	for _, n := range parseRequiredKey(required) {
		if r := v.Resolve(n.Kind, n.Name); !r.OK() {
			missing = append(missing, r.Describe())
		}
	}
	vd = Verdict{State: Yes}
	if len(missing) > 0 {
		vd = Verdict{State: No, Reason: v.WebUI + " " + strings.Join(missing, "; ")}
	}
	v.mu.Lock()
	v.verdict[required] = vd
	v.mu.Unlock()
	return vd
}

// Describe says in words what is wrong with a resolution that has a
// problem, as in "has no checkpoint "x" (closest: a, b)", to follow the
// WebUI's name.
func (r Resolution) Describe() string {
	s := r.what()
	if len(r.Closest) > 0 {
		s += " (closest: " + strings.Join(r.Closest, ", ") + ")"
	}
	return s
}

// what is Describe without the closest names.
func (r Resolution) what() string {
	var b strings.Builder
	switch {
	case r.OK():
		fmt.Fprintf(&b, "has %s %q", r.Kind, r.Used)
	case r.Problem == problemNotFound:
		fmt.Fprintf(&b, "has no %s %q", r.Kind, r.Name)
	case r.Problem == problemAmbiguous:
		fmt.Fprintf(&b, "has several %ss %q could mean: %s; choose one", r.Kind, r.Name, strings.Join(r.Candidates, ", "))
	case r.Kind == KindADetailer:
		b.WriteString("does not have the ADetailer extension installed")
	case r.Problem == problemNotLoaded:
		fmt.Fprintf(&b, "did not load %s %q: it does not fit the loaded model", r.Kind, r.Name)
	default:
		fmt.Fprintf(&b, "cannot use %s %q: %s", r.Kind, r.Name, r.Problem)
	}
	return b.String()
}
