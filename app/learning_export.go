package app

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"stablenew/controller"
	"stablenew/pipeline/output"
	"stablenew/pipeline/queue"
)

// ExperimentBundleSchema names the layout of an exported experiment's JSON.
const ExperimentBundleSchema = "stablenew-experiment/1"

// ExperimentBundle is an exported experiment: its definition, progress,
// cells (each job with seed, status, image paths, stars and note) and best
// cell.
type ExperimentBundle struct {
	Schema     string                `json:"schema"`
	ID         string                `json:"id"`
	CreatedAt  time.Time             `json:"created_at"`
	ExportedAt time.Time             `json:"exported_at"`
	Experiment controller.Experiment `json:"experiment"`
	Jobs       int                   `json:"jobs"`
	Completed  int                   `json:"completed"`
	Failed     int                   `json:"failed"`
	Rated      int                   `json:"rated"`
	Cells      []queue.CellReport    `json:"cells"`
	Best       *queue.BestCell       `json:"best"`
}

// ExportedFiles are the files ExportExperiment wrote.
type ExportedFiles struct {
	JSON string `json:"json"`
	CSV  string `json:"csv"`
}

// Bundle returns the view as an export bundle.
func (v *ExperimentView) Bundle(now time.Time) *ExperimentBundle {
	return &ExperimentBundle{Schema: ExperimentBundleSchema, ID: v.Record.ID, CreatedAt: v.Record.CreatedAt,
		ExportedAt: now.UTC(), Experiment: v.Experiment, Jobs: v.Record.Jobs, Completed: v.Record.Completed,
		Failed: v.Record.Failed, Rated: v.Record.Rated, Cells: v.Cells, Best: v.Best}
}

// ExportExperiment writes the experiment with its ratings into dir as
// ID.json (ExperimentBundle) and ID.csv (WriteExperimentCSV), each
// atomically, replacing earlier exports of it.
func (s *Services) ExportExperiment(id, dir string) (ExportedFiles, error) {
	v, err := s.Experiment(id)
	if err != nil {
		return ExportedFiles{}, err
	}
	var js bytes.Buffer
	enc := json.NewEncoder(&js)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v.Bundle(time.Now())); err != nil {
		return ExportedFiles{}, err
	}
	var cs bytes.Buffer
	if err := WriteExperimentCSV(&cs, &queue.ExperimentReport{ID: id, Cells: v.Cells, Best: v.Best}); err != nil {
		return ExportedFiles{}, err
	}
	files := ExportedFiles{JSON: filepath.Join(dir, id+".json"), CSV: filepath.Join(dir, id+".csv")}
	if err := output.WriteFileAtomic(files.JSON, js.Bytes()); err != nil {
		return ExportedFiles{}, fmt.Errorf("export experiment %s: %w", id, err)
	}
	if err := output.WriteFileAtomic(files.CSV, cs.Bytes()); err != nil {
		return ExportedFiles{}, fmt.Errorf("export experiment %s: %w", id, err)
	}
	return files, nil
}

// WriteExperimentCSV writes one row per job of the report, in plan order:
// experiment_id, job_id, a column per swept setting, seed, status, images,
// stars, note, error and outputs (the image paths, one per line).
func WriteExperimentCSV(w io.Writer, rep *queue.ExperimentReport) error {
	cw := csv.NewWriter(w)
	var fields []string
	if len(rep.Cells) > 0 {
		for _, v := range rep.Cells[0].Order {
			fields = append(fields, v.Dimension)
		}
	}
	header := append(append([]string{"experiment_id", "job_id"}, fields...), "seed", "status", "images", "stars", "note", "error", "outputs")
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, c := range rep.Cells {
		for _, j := range c.Details {
			row := []string{rep.ID, j.JobID}
			for _, f := range fields {
				row = append(row, c.Values[f])
			}
			stars := ""
			if j.Stars > 0 {
				stars = strconv.Itoa(j.Stars)
			}
			status := string(j.Status)
			if status == "" {
				status = "removed"
			}
			row = append(row, strconv.FormatInt(j.Seed, 10), status, strconv.Itoa(j.Images), stars, j.Note, j.Error,
				strings.Join(j.Outputs, "\n"))
			if err := cw.Write(row); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}
