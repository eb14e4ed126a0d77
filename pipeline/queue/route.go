package queue

import (
	"strings"

	"stablenew/pipeline/resources"
	"stablenew/pipeline/runner"
)

// routeAction is what a worker does with a queued job.
type routeAction int

const (
	routeTake routeAction = iota // its WebUI has what the job needs (or cannot tell)
	routeSkip                    // another WebUI may run it, or lists are being read again
	routeFail                    // no attached WebUI can run it
)

type routeDecision struct {
	act    routeAction
	reason string
}

// router decides, for one claim of one worker, which queued jobs it may
// take: a job is never sent to a WebUI that lacks what it needs (its
// resources.RequiredKey, stored in the needs column).
type router struct {
	self      runner.ResourceChecker   // nil: the executor does not check
	others    []runner.ResourceChecker // the other workers'; nil entries do not check
	refreshed func()
	memo      map[string]routeDecision
}

// routerLocked makes w's router over the attached workers. s.mu is held.
func (s *Service) routerLocked(w *worker) *router {
	rt := &router{refreshed: s.kick, memo: map[string]routeDecision{}}
	rt.self, _ = w.exec.(runner.ResourceChecker)
	for o := range s.workers {
		if o != w {
			c, _ := o.exec.(runner.ResourceChecker)
			rt.others = append(rt.others, c)
		}
	}
	return rt
}

// decide says what to do with a job with these needs.
func (rt *router) decide(needs string) (routeAction, string) {
	if needs == "" || rt.self == nil {
		return routeTake, ""
	}
	if d, ok := rt.memo[needs]; ok {
		return d.act, d.reason
	}
	d := rt.decideNew(needs)
	rt.memo[needs] = d
	return d.act, d.reason
}

func (rt *router) decideNew(needs string) routeDecision {
	v := rt.self.CheckNeeds(needs, rt.refreshed)
	switch v.State {
	case resources.Yes, resources.Unknown:
		return routeDecision{act: routeTake}
	case resources.Checking:
		return routeDecision{act: routeSkip}
	}
	if other, reasons := rt.elsewhere(needs); other {
		return routeDecision{act: routeSkip}
	} else {
		return routeDecision{act: routeFail, reason: strings.Join(append([]string{v.Reason}, reasons...), "; ")}
	}
}

// elsewhere reports whether another worker may run jobs with these needs
// (now, or once its lists are read again); if not, reasons say why each
// cannot.
func (rt *router) elsewhere(needs string) (bool, []string) {
	var reasons []string
	for _, o := range rt.others {
		if o == nil {
			return true, nil
		}
		v := o.CheckNeeds(needs, rt.refreshed)
		if v.State != resources.No {
			return true, nil
		}
		reasons = append(reasons, v.Reason)
	}
	return false, reasons
}
