package app

// Learning: the app-level API of experiments and ratings, for the GUI's
// Learning tab and the CLI's learn commands. Every call may touch the
// database or the disk: call it from a goroutine, never from a Fyne
// callback.
//
//	// Plan through the one job path (the same as the Preview's plans).
//	func (s *Services) PlanExperiment(ctx context.Context, req controller.RunRequest, exp controller.Experiment) (*controller.Plan, error)
//	// Store the experiment and queue its jobs in one transaction.
//	func (s *Services) SubmitExperiment(exp controller.Experiment, plan *controller.Plan) error
//	// The stored experiments, newest first, with their progress.
//	func (s *Services) Experiments() ([]ExperimentSummary, error)
//	// One experiment: definition, progress, cells (plan order, Y outer,
//	// X inner: ExperimentView.At(x, y)), each cell's jobs with seed,
//	// status, image paths, error, stars and note, its mean; the best cell.
//	func (s *Services) Experiment(id string) (*ExperimentView, error)
//	func (s *Services) ExperimentCells(id string) ([]ExperimentCell, error)
//	func (s *Services) ExperimentReport(id string) (*queue.ExperimentReport, error)
//	// Rate 1–5 with a note: any completed history job (returns its full
//	// id), or a job that must belong to the experiment.
//	func (s *Services) RateJob(jobID string, stars int, note string) (string, error)
//	func (s *Services) RateExperimentJob(experimentID, jobID string, stars int, note string) error
//	func (s *Services) JobRating(jobID string) (*queue.Rating, error) // nil: not rated
//	// The labelled contact sheet as a PNG (atomic) whose StableNew chunk
//	// holds the experiment; ExperimentFromGrid reads it back (with a new
//	// id) to run the same experiment again.
//	func (s *Services) WriteGrid(id, path string) error
//	func ExperimentFromGrid(path string) (controller.Experiment, error)
//	// An image shrunk to fit 160×160 from the data folder's thumbnail
//	// cache (experiment images are cached as their jobs finish).
//	func (s *Services) Thumbnail(path string) (image.Image, error)
//	// The experiment with its ratings as ID.json and ID.csv in dir.
//	func (s *Services) ExportExperiment(id, dir string) (ExportedFiles, error)
//	// "Apply best": c with the winning cell's values set (hand it to
//	// State.UpdateConfig), or saved with the run's settings as a preset.
//	func (v *ExperimentView) BestValues() ([]pipeline.DimensionValue, error)
//	func (s *Services) ApplyBest(id string, c pipeline.PipelineConfig) (pipeline.PipelineConfig, error)
//	func (s *Services) SaveBestAsPreset(id, name string) error
//	// Live updates: fn hears the experiment's fresh view whenever one of
//	// its jobs changes state (at most every 200 ms, from a goroutine: use
//	// fyne.Do), until ctx ends.
//	func (s *Services) WatchExperiment(ctx context.Context, id string, fn func(*ExperimentView, error))

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"stablenew/controller"
	"stablenew/pipeline"
	"stablenew/pipeline/queue"
)

// ExperimentCell is one cell of an experiment: its values (Order, in sweep
// order), its jobs (Details: job id, seed, status, outputs, error, stars,
// note; a requeued copy after the job it replaced), counts and the mean of
// its rated images.
type ExperimentCell = queue.CellReport

// ExperimentSummary is a stored experiment: its record (id, created, jobs,
// completed, failed, rated) and its definition.
type ExperimentSummary struct {
	queue.ExperimentRecord
	Experiment controller.Experiment `json:"-"`
}

// ExperimentView is one experiment as the Learning tab shows it.
type ExperimentView struct {
	Record     queue.ExperimentRecord
	Experiment controller.Experiment
	// Cells are in plan order: Y values outer, X values inner.
	Cells []ExperimentCell
	// Best is the cell with the highest mean rating (nil while nothing is
	// rated); Best.Cell indexes Cells.
	Best *queue.BestCell
}

// XValues and YValues are the values across and down (YValues is one
// empty value when the experiment varies one setting).
func (v *ExperimentView) XValues() []string { return v.Experiment.Sweeps[0].Values }

// YValues are the values down the grid.
func (v *ExperimentView) YValues() []string {
	if len(v.Experiment.Sweeps) < 2 {
		return []string{""}
	}
	return v.Experiment.Sweeps[1].Values
}

// At returns the cell at column x and row y, or nil.
func (v *ExperimentView) At(x, y int) *ExperimentCell {
	nx := len(v.XValues())
	i := y*nx + x
	if x < 0 || x >= nx || y < 0 || i >= len(v.Cells) {
		return nil
	}
	return &v.Cells[i]
}

// PlanExperiment plans exp under req through the one job path
// (PipelineController.PlanExperiment).
func (s *Services) PlanExperiment(ctx context.Context, req controller.RunRequest, exp controller.Experiment) (*controller.Plan, error) {
	return s.Pipeline.PlanExperiment(ctx, req, exp)
}

// SubmitExperiment stores exp and queues plan's jobs in one transaction.
func (s *Services) SubmitExperiment(exp controller.Experiment, plan *controller.Plan) error {
	if plan == nil || len(plan.Jobs) == 0 {
		return errors.New("the experiment has no jobs to queue")
	}
	rec := exp
	if plan.Experiment != nil {
		rec = *plan.Experiment
	}
	def, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	return s.Queue.SubmitExperiment(exp.ID, def, plan.Jobs)
}

// decodeExperiment reads a stored definition.
func decodeExperiment(rec queue.ExperimentRecord) (controller.Experiment, error) {
	var e controller.Experiment
	if err := json.Unmarshal(rec.Definition, &e); err != nil {
		return e, fmt.Errorf("experiment %s: its stored definition does not decode: %w", rec.ID, err)
	}
	if len(e.Sweeps) == 0 {
		return e, fmt.Errorf("experiment %s: its stored definition has no swept setting", rec.ID)
	}
	e.ID = rec.ID
	return e, nil
}

// Experiments lists the stored experiments, newest first. One whose
// definition does not decode is listed with an empty Experiment.
func (s *Services) Experiments() ([]ExperimentSummary, error) {
	recs, err := s.Queue.Experiments()
	if err != nil {
		return nil, err
	}
	out := make([]ExperimentSummary, len(recs))
	for i, r := range recs {
		out[i].ExperimentRecord = r
		out[i].Experiment, _ = decodeExperiment(r)
	}
	return out, nil
}

// Experiment returns one experiment with its cells and best cell.
func (s *Services) Experiment(id string) (*ExperimentView, error) {
	rec, jobs, err := s.Queue.ExperimentWithJobs(id)
	if err != nil {
		return nil, err
	}
	exp, err := decodeExperiment(*rec)
	if err != nil {
		return nil, err
	}
	rep := queue.BuildReport(id, jobs)
	return &ExperimentView{Record: *rec, Experiment: exp, Cells: rep.Cells, Best: rep.Best}, nil
}

// ExperimentCells returns an experiment's cells in plan order.
func (s *Services) ExperimentCells(id string) ([]ExperimentCell, error) {
	rep, err := s.Queue.Report(id)
	if err != nil {
		return nil, err
	}
	return rep.Cells, nil
}

// ExperimentReport sums an experiment up cell by cell (only rated images
// count towards a mean) with the best cell.
func (s *Services) ExperimentReport(id string) (*queue.ExperimentReport, error) {
	return s.Queue.Report(id)
}

// RateJob rates any completed job of the history, 1 to 5 stars with a
// note, replacing an earlier rating; jobID may be a unique start of the id.
// It returns the job's full id. A bad rating is queue.ErrBadRating.
func (s *Services) RateJob(jobID string, stars int, note string) (string, error) {
	return s.Queue.RateJob(jobID, stars, note)
}

// RateExperimentJob rates a completed job that must belong to the
// experiment (queue.ErrBadRating otherwise).
func (s *Services) RateExperimentJob(experimentID, jobID string, stars int, note string) error {
	return s.Queue.RateExperimentJob(experimentID, jobID, stars, note)
}

// JobRating returns a job's rating, or nil when it has none.
func (s *Services) JobRating(jobID string) (*queue.Rating, error) {
	return s.Queue.JobRating(jobID)
}

// BestValues are the winning cell's values in sweep order (X, then Y), or
// an error while nothing is rated.
func (v *ExperimentView) BestValues() ([]pipeline.DimensionValue, error) {
	if v.Best == nil || v.Best.Cell < 0 || v.Best.Cell >= len(v.Cells) {
		return nil, fmt.Errorf("experiment %s has no rated image yet: rate some to find the best cell", v.Experiment.ID)
	}
	return v.Cells[v.Best.Cell].Order, nil
}

// ApplyBest returns c (the stage cards' configuration) with the
// experiment's winning values set ("Apply best"); the GUI hands the result
// to State.UpdateConfig, which marks the changed fields as the user's. A
// value c cannot take (its stage is off there) is a controller.SweepError.
func (s *Services) ApplyBest(id string, c pipeline.PipelineConfig) (pipeline.PipelineConfig, error) {
	v, err := s.Experiment(id)
	if err != nil {
		return c, err
	}
	best, err := v.BestValues()
	if err != nil {
		return c, err
	}
	return controller.ApplyCellValues(c, best)
}

// SaveBestAsPreset saves the configuration the experiment ran with (its
// fixed settings, the seed left to draw) and its winning values as the
// user's preset name.
func (s *Services) SaveBestAsPreset(id, name string) error {
	v, err := s.Experiment(id)
	if err != nil {
		return err
	}
	if v.Experiment.Base == nil {
		return fmt.Errorf("experiment %s did not record its settings (an older StableNew made it): use Apply best on the stage cards and save those", id)
	}
	best, err := v.BestValues()
	if err != nil {
		return err
	}
	c := v.Experiment.Base.Config
	c.Txt2Img.Seed, c.Batch.SeedMode = -1, pipeline.Defaults().Batch.SeedMode
	c, err = controller.ApplyCellValues(c, best)
	if err != nil {
		return err
	}
	return s.Library.SavePreset(name, c)
}
