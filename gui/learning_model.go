package gui

import (
	"fmt"
	"slices"
	"strings"

	"stablenew/app"
	"stablenew/pipeline"
	"stablenew/pipeline/queue"
)

// learnShot is one image place of the Learning grid: a cell's job for one
// seed (the newest copy when the job was requeued).
type learnShot struct {
	jobID  string
	seed   int64
	status queue.Status
	err    string
	// image is the job's first output file ("" until it completed).
	image string
	stars int
	note  string
}

// learnCell is one cell of an experiment: one combination of the swept
// values, with a shot per seed.
type learnCell struct {
	// index is the cell's place in plan order.
	index  int
	values []pipeline.DimensionValue
	shots  []learnShot
	// mean is the mean of the cell's ratings (0 while none), over rated
	// counted as the report counts them.
	mean  float64
	rated int
}

// label names the cell by its values: "cfg_scale 7 · steps 20".
func (c *learnCell) label() string {
	parts := make([]string, len(c.values))
	for i, v := range c.values {
		parts[i] = shortField(v.Dimension) + " " + v.Value
	}
	return strings.Join(parts, " · ")
}

// shortField is a swept field without its section ("cfg_scale" for
// "txt2img.cfg_scale"), or the whole "lora:NAME".
func shortField(f string) string {
	if strings.HasPrefix(f, "lora:") {
		return f
	}
	if i := strings.LastIndex(f, "."); i >= 0 {
		return f[i+1:]
	}
	return f
}

// expView is what the Learning grid shows of one experiment, read off the
// UI goroutine in one go (loadExperiment).
type expView struct {
	id    string
	cells []*learnCell
	// seeds are the experiment's seeds, in plan order: the grid's columns.
	seeds []int64
	// fields are the swept settings, X first.
	fields []string
	// Counts of the newest job of every shot.
	jobs, completed, failed, pending int
	// best is the index (plan order) of the cell with the highest mean
	// rating, as the report picks it; -1 while nothing is rated.
	best int
}

// summary is one line on the experiment's progress.
func (v *expView) summary() string {
	s := fmt.Sprintf("%d of %d images done", v.completed, v.jobs)
	if v.failed > 0 {
		s += fmt.Sprintf(" · %d failed", v.failed)
	}
	if v.pending > 0 {
		s += fmt.Sprintf(" · %d waiting or running", v.pending)
	}
	if v.best >= 0 {
		c := v.cells[v.best]
		s += fmt.Sprintf(" · best: %s (%.2f★ over %d)", c.label(), c.mean, c.rated)
	}
	return s
}

// has says whether a job is one of the view's shots.
func (v *expView) has(jobID string) bool {
	for _, c := range v.cells {
		for _, s := range c.shots {
			if s.jobID == jobID {
				return true
			}
		}
	}
	return false
}

// loadExperiment reads an experiment with its jobs, images and ratings
// and lays it out as cells × seeds. It does database work: never call it
// on the UI goroutine.
func loadExperiment(svc *app.Services, id string) (*expView, error) {
	v, err := svc.Experiment(id)
	if err != nil {
		return nil, err
	}
	fields := make([]string, len(v.Experiment.Sweeps))
	for i, s := range v.Experiment.Sweeps {
		fields[i] = s.Field
	}
	return buildView(id, fields, v.Cells, v.Best), nil
}

// buildView lays an experiment's cells (plan order; each cell's jobs with
// requeued copies after the job they replaced) out as cells × seeds.
func buildView(id string, fields []string, cells []app.ExperimentCell, best *queue.BestCell) *expView {
	v := &expView{id: id, fields: fields, best: -1}
	for _, rc := range cells {
		for _, j := range rc.Details {
			if !slices.Contains(v.seeds, j.Seed) {
				v.seeds = append(v.seeds, j.Seed)
			}
		}
	}
	for i, rc := range cells {
		c := &learnCell{index: i, values: rc.Order, mean: rc.MeanStars, rated: rc.Rated,
			shots: make([]learnShot, len(v.seeds))}
		for k, seed := range v.seeds {
			c.shots[k] = learnShot{seed: seed}
		}
		for _, j := range rc.Details {
			k := slices.Index(v.seeds, j.Seed)
			image := ""
			if len(j.Outputs) > 0 {
				image = j.Outputs[0]
			}
			// The newest copy of a requeued job replaces the older one.
			c.shots[k] = learnShot{jobID: j.JobID, seed: j.Seed, status: j.Status, err: j.Error,
				image: image, stars: j.Stars, note: j.Note}
		}
		v.cells = append(v.cells, c)
	}
	for _, c := range v.cells {
		for _, s := range c.shots {
			if s.jobID == "" {
				continue
			}
			v.jobs++
			switch s.status {
			case queue.StatusCompleted:
				v.completed++
			case queue.StatusFailed, queue.StatusCancelled, "":
				v.failed++
			default:
				v.pending++
			}
		}
	}
	if best != nil {
		v.best = best.Cell
	}
	return v
}

// sortedCells returns the view's cells in plan order, or by mean rating
// (best first; unrated cells last, in plan order) when byRating.
func (v *expView) sortedCells(byRating bool) []*learnCell {
	out := slices.Clone(v.cells)
	if byRating {
		slices.SortStableFunc(out, func(a, b *learnCell) int {
			switch {
			case a.mean > b.mean:
				return -1
			case a.mean < b.mean:
				return 1
			case a.rated > b.rated:
				return -1
			case a.rated < b.rated:
				return 1
			}
			return 0
		})
	}
	return out
}
