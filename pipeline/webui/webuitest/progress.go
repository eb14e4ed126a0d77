package webuitest

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// jobState is A1111's shared.state, as far as /progress shows it. Guarded by
// Server.mu.
type jobState struct {
	skipped, interrupted bool
	job                  string
	jobCount, jobNo      int
	step, steps          int
	timestamp            string
	started              time.Time
	preview              []byte
	interruptCh          chan struct{} // closed by /interrupt during a job
	skipCh               chan struct{} // closed by /skip during a batch
}

// beginJob resets the state for a new job, like state.begin().
func (s *Server) beginJob(name string, jobCount int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	s.job = jobState{job: name, jobCount: jobCount, timestamp: timestamp(now), started: now,
		interruptCh: make(chan struct{}), skipCh: make(chan struct{})}
}

// endJob clears job and job_count only; the rest stays stale like A1111.
func (s *Server) endJob() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.job.job = ""
	s.job.jobCount = 0
	s.job.preview = nil
}

// beginPass starts job number jobNo with the given sampling steps.
func (s *Server) beginPass(jobNo, steps int, newBatch bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.job.jobNo, s.job.step, s.job.steps = jobNo, 0, steps
	if newBatch {
		s.job.skipped = false
		s.job.skipCh = make(chan struct{})
	}
}

// passEnd says why a sampling pass ended.
type passEnd int

const (
	passDone passEnd = iota
	passSkipped
	passInterrupted
	passAborted // client gone or server closing
)

// runPass simulates the sampling steps of one pass; hang keeps it at step 0
// until an interrupt. It returns why it ended and the steps done.
func (s *Server) runPass(rq *request, steps int, hang bool, previewColor func(step int) []byte) (passEnd, int) {
	s.mu.Lock()
	interrupt, skip := s.job.interruptCh, s.job.skipCh
	s.mu.Unlock()
	ctx := rq.r.Context()
	check := func() (passEnd, bool) {
		select {
		case <-interrupt:
			return passInterrupted, true
		case <-skip:
			return passSkipped, true
		case <-ctx.Done():
			return passAborted, true
		case <-s.closing:
			return passAborted, true
		default:
			return passDone, false
		}
	}
	if hang {
		select {
		case <-interrupt:
			return passInterrupted, 0
		case <-ctx.Done():
		case <-s.closing:
		}
		return passAborted, 0
	}
	every := 10
	if f, ok := s.optionValue("show_progress_every_n_steps").(float64); ok && f >= 1 {
		every = int(f)
	}
	livePreviews := s.optionValue("live_previews_enable") == true
	for step := 1; step <= steps; step++ {
		if end, stop := check(); stop {
			return end, step - 1
		}
		if d := s.opts.StepDuration; d > 0 {
			t := time.NewTimer(d)
			select {
			case <-t.C:
			case <-interrupt:
				t.Stop()
				return passInterrupted, step - 1
			case <-skip:
				t.Stop()
				return passSkipped, step - 1
			case <-ctx.Done():
				t.Stop()
				return passAborted, step - 1
			case <-s.closing:
				t.Stop()
				return passAborted, step - 1
			}
		}
		var preview []byte
		if livePreviews && step%every == 0 {
			preview = previewColor(step)
		}
		s.mu.Lock()
		s.job.step = step
		if preview != nil {
			s.job.preview = preview
		}
		s.mu.Unlock()
	}
	return passDone, steps
}

func (s *Server) handleProgress(rq *request) response {
	skipImage := false
	if v := rq.r.URL.Query().Get("skip_current_image"); v != "" {
		b, ok := parsePyBool(v)
		if !ok {
			return s.validation([]problem{{loc: []any{"query", "skip_current_image"}, kind: "bool", input: v}})
		}
		skipImage = b
	}
	s.mu.Lock()
	st := s.job
	s.mu.Unlock()
	state := map[string]any{
		"skipped": st.skipped, "interrupted": st.interrupted, "stopping_generation": false,
		"job": st.job, "job_count": st.jobCount, "job_timestamp": orZero(st.timestamp),
		"job_no": st.jobNo, "sampling_step": st.step, "sampling_steps": st.steps,
	}
	out := map[string]any{"progress": 0.0, "eta_relative": 0.0, "state": state, "current_image": nil, "textinfo": nil}
	if st.jobCount != 0 {
		progress := 0.01
		if st.jobCount > 0 {
			progress += float64(st.jobNo) / float64(st.jobCount)
			if st.steps > 0 {
				progress += float64(st.step) / float64(st.steps) / float64(st.jobCount)
			}
		}
		progress = min(progress, 1)
		elapsed := time.Since(st.started).Seconds()
		out["progress"] = progress
		out["eta_relative"] = elapsed/progress - elapsed
		if !skipImage && st.preview != nil {
			out["current_image"] = b64(st.preview)
		}
	}
	if s.opts.Flavor == FlavorSDNext {
		out["id"] = nil
	}
	return jsonResp(http.StatusOK, out)
}

func orZero(ts string) string {
	if ts == "" {
		return "0"
	}
	return ts
}

// parsePyBool accepts pydantic-1's boolean spellings.
func parsePyBool(v string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "true", "yes", "on", "t", "y":
		return true, true
	case "0", "false", "no", "off", "f", "n":
		return false, true
	}
	if f, err := strconv.ParseFloat(v, 64); err == nil && (f == 0 || f == 1) {
		return f == 1, true
	}
	return false, false
}

func (s *Server) handleInterrupt(*request) response {
	s.mu.Lock()
	s.job.interrupted = true
	if s.job.jobCount != 0 && s.job.interruptCh != nil {
		select {
		case <-s.job.interruptCh:
		default:
			close(s.job.interruptCh)
		}
	}
	s.mu.Unlock()
	if s.opts.Flavor == FlavorSDNext {
		return response{noBody: true}
	}
	return jsonResp(http.StatusOK, map[string]any{})
}

func (s *Server) handleSkip(*request) response {
	s.mu.Lock()
	s.job.skipped = true
	if s.job.jobCount != 0 && s.job.skipCh != nil {
		select {
		case <-s.job.skipCh:
		default:
			close(s.job.skipCh)
		}
	}
	s.mu.Unlock()
	if s.opts.Flavor == FlavorSDNext {
		return response{noBody: true}
	}
	return jsonResp(http.StatusOK, nil)
}
