package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"stablenew/controller"
	"stablenew/pipeline/grid"
	"stablenew/pipeline/output"
	"stablenew/pipeline/queue"
)

// GridStage is the Stage of the StableNew chunk of a Learning grid image.
const GridStage = "grid"

// maxGridFile bounds a grid image ExperimentFromGrid reads.
const maxGridFile = 256 << 20

// WriteGrid writes the experiment's contact sheet to path (a .png),
// atomically: X values across, Y values × seeds down, each tile the image
// of that cell and seed, a failed job's reason, or why a tile is blank;
// ratings in the tiles' corners and the fixed settings in the footer. Its
// StableNew chunk holds the experiment, for ExperimentFromGrid.
func (s *Services) WriteGrid(id, path string) error {
	v, err := s.Experiment(id)
	if err != nil {
		return err
	}
	sheet, err := v.Sheet()
	if err != nil {
		return err
	}
	sheet.Thumbs = s.thumbs()
	chunk, err := v.GridChunk()
	if err != nil {
		return err
	}
	return grid.Write(path, sheet, []output.TextChunk{chunk})
}

// thumbs is the thumbnail cache in the data folder.
func (s *Services) thumbs() *grid.Thumbs {
	return &grid.Thumbs{Dir: filepath.Join(s.DataDir, "cache", "thumbs")}
}

// Thumbnail returns an image shrunk to fit 160×160, from the thumbnail
// cache in the data folder (made and kept on first use; experiment images
// are cached as their jobs finish while the services run).
func (s *Services) Thumbnail(path string) (image.Image, error) {
	return s.thumbs().Load(path)
}

// cacheExperimentThumbs makes the thumbnails of experiment jobs' images as
// the jobs finish, so that grids draw from small files, until ctx ends.
// It first keeps the cache under grid.ThumbCacheLimit.
func (s *Services) cacheExperimentThumbs(ctx context.Context, events <-chan queue.Event) {
	th := s.thumbs()
	if res, err := th.Prune(grid.ThumbCacheLimit, time.Now()); err != nil {
		s.Log.Warn("could not prune the thumbnail cache", "dir", th.Dir, "err", err)
	} else if res.Removed > 0 {
		s.Log.Info("pruned the thumbnail cache", "dir", th.Dir, "removed", res.Removed,
			"freed_mb", res.Freed>>20, "kept", res.Kept, "size_mb", res.Size>>20)
	}
	for {
		select {
		case <-ctx.Done():
			return
		case e, ok := <-events:
			if !ok {
				return
			}
			if e.Kind != queue.JobFinished || len(e.Outputs) == 0 {
				continue
			}
			rec, err := s.Queue.Get(e.JobID)
			if err != nil || rec.LearningContextID == "" {
				continue
			}
			for _, p := range e.Outputs {
				if ctx.Err() != nil {
					return
				}
				if _, err := th.Load(p); err != nil {
					s.Log.Debug("no thumbnail for an experiment image", "path", p, "err", err)
				}
			}
		}
	}
}

// GridChunk is the StableNew chunk of the experiment's grid image.
func (v *ExperimentView) GridChunk() (output.TextChunk, error) {
	def, err := json.Marshal(v.Experiment)
	if err != nil {
		return output.TextChunk{}, err
	}
	c := output.StableNewChunk{Stage: GridStage, Pack: v.Experiment.Pack, PromptIndex: v.Experiment.Row, Experiment: def}
	if b := v.Experiment.Base; b != nil {
		c.Template, c.Negative = b.Positive, b.Negative
	}
	return c.TextChunk()
}

// ExperimentFromGrid reads the experiment from a grid image WriteGrid
// wrote, with a new id, ready for PlanExperiment: it plans the same jobs
// again (its recorded settings, prompt and seeds).
func ExperimentFromGrid(path string) (controller.Experiment, error) {
	f, err := os.Open(path)
	if err != nil {
		return controller.Experiment{}, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return controller.Experiment{}, err
	}
	if !st.Mode().IsRegular() {
		return controller.Experiment{}, fmt.Errorf("%s is not a regular file", path)
	}
	if st.Size() > maxGridFile {
		return controller.Experiment{}, fmt.Errorf("%s is %d MB, larger than any grid image", path, st.Size()>>20)
	}
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(f); err != nil {
		return controller.Experiment{}, fmt.Errorf("read %s: %w", path, err)
	}
	exp, err := ParseGridImage(buf.Bytes())
	if err != nil {
		return exp, fmt.Errorf("%s: %w", path, err)
	}
	return exp, nil
}

// ParseGridImage reads the experiment from the bytes of a grid image, with
// a new id.
func ParseGridImage(data []byte) (controller.Experiment, error) {
	var exp controller.Experiment
	texts, err := output.ReadPNGText(bytes.NewReader(data))
	if err != nil {
		return exp, fmt.Errorf("not a PNG grid image: %w", err)
	}
	raw, ok := texts[output.StableNewKeyword]
	if !ok {
		return exp, errors.New("the image has no StableNew chunk: it is not a grid `stablenew learn grid` wrote")
	}
	c, err := output.ParseStableNewChunk(raw)
	if err != nil {
		return exp, err
	}
	if c.Stage != GridStage || len(c.Experiment) == 0 {
		return exp, errors.New("the image is not an experiment's grid (its StableNew chunk describes one job's image)")
	}
	dec := json.NewDecoder(bytes.NewReader(c.Experiment))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&exp); err != nil {
		return exp, fmt.Errorf("the grid's experiment does not decode: %w", err)
	}
	if len(exp.Sweeps) == 0 || len(exp.Sweeps) > controller.MaxSweeps || exp.Seeds < 1 || exp.Seeds > controller.MaxExperimentSeeds {
		return exp, fmt.Errorf("the grid's experiment is not valid: %d swept settings, %d seeds", len(exp.Sweeps), exp.Seeds)
	}
	exp.ID = controller.NewExperimentID()
	return exp, nil
}

// Sheet describes the experiment's contact sheet for package grid.
func (v *ExperimentView) Sheet() (*grid.Sheet, error) {
	exp := v.Experiment
	xs, ys := v.XValues(), v.YValues()
	if len(v.Cells) != len(xs)*len(ys) {
		return nil, fmt.Errorf("experiment %s has %d cells for %d × %d values; its record is damaged", exp.ID, len(v.Cells), len(xs), len(ys))
	}
	seeds := experimentSeeds(v.Cells)
	if len(seeds) == 0 {
		return nil, fmt.Errorf("experiment %s has no jobs", exp.ID)
	}
	sh := &grid.Sheet{Title: v.title(), XLabel: exp.Sweeps[0].Field, XValues: xs, YValues: ys, Seeds: seeds,
		Footer: v.footer(), TileSize: gridTileSize(len(xs), len(ys)*len(seeds))}
	if len(exp.Sweeps) > 1 {
		sh.YLabel = exp.Sweeps[1].Field
	}
	sh.Tiles = make([][][]grid.Tile, len(ys))
	for y := range ys {
		sh.Tiles[y] = make([][]grid.Tile, len(xs))
		for x := range xs {
			tiles := make([]grid.Tile, len(seeds))
			for k := range tiles {
				tiles[k] = grid.Tile{Note: "not planned"}
			}
			for _, j := range v.At(x, y).Details { // a requeued copy comes after, and wins
				for k, seed := range seeds {
					if j.Seed == seed {
						tiles[k] = tileOf(j)
					}
				}
			}
			sh.Tiles[y][x] = tiles
		}
	}
	return sh, nil
}

// gridTileSize keeps big sheets to a sensible size: 160 px tiles up to 8
// columns and 16 rows, smaller ones down to 96 px beyond.
func gridTileSize(cols, rows int) int {
	switch {
	case cols <= 8 && rows <= 16:
		return grid.DefaultTileSize
	case cols <= 12 && rows <= 48:
		return 128
	}
	return 96
}

// experimentSeeds are the seeds of the experiment's jobs, in plan order.
func experimentSeeds(cells []ExperimentCell) []int64 {
	var seeds []int64
	seen := map[int64]bool{}
	for _, c := range cells {
		for _, j := range c.Details {
			if !seen[j.Seed] {
				seen[j.Seed] = true
				seeds = append(seeds, j.Seed)
			}
		}
	}
	return seeds
}

// tileOf is one job's tile.
func tileOf(j queue.ExperimentJob) grid.Tile {
	switch j.Status {
	case queue.StatusCompleted:
		if len(j.Outputs) == 0 {
			return grid.Tile{Note: "completed without an image"}
		}
		return grid.Tile{Path: j.Outputs[0], Stars: j.Stars}
	case queue.StatusFailed:
		reason := j.Error
		if reason == "" {
			reason = "no reason recorded"
		}
		return grid.Tile{Failed: reason}
	case "":
		return grid.Tile{Note: "removed from history"}
	}
	return grid.Tile{Note: string(j.Status)}
}

// title is the sheet's first line.
func (v *ExperimentView) title() string {
	exp := v.Experiment
	prompt := exp.Prompt
	if b := exp.Base; b != nil {
		prompt = b.Positive
	}
	where := "typed prompt"
	if exp.Pack != "" {
		where = fmt.Sprintf("%s #%d", exp.Pack, exp.Row+1)
	}
	return fmt.Sprintf("Experiment %s · %s · %s", exp.ID, where, oneLine(prompt))
}

// footer lists the settings every cell shares (the swept ones left out).
func (v *ExperimentView) footer() []string {
	exp := v.Experiment
	b := exp.Base
	if b == nil {
		return []string{fmt.Sprintf("%d seeds per cell; the settings were not recorded (an experiment from an older StableNew)", exp.Seeds)}
	}
	swept := map[string]bool{}
	for _, s := range exp.Sweeps {
		swept[s.Field] = true
	}
	c := &b.Config
	t := c.Txt2Img
	var parts []string
	add := func(field, label, value string) {
		if !swept[field] && value != "" {
			parts = append(parts, label+" "+value)
		}
	}
	add("txt2img.model", "model", output.StripModelHash(t.Model))
	add("txt2img.vae", "vae", t.VAE)
	add("txt2img.sampler_name", "sampler", t.Sampler)
	add("txt2img.scheduler", "scheduler", t.Scheduler)
	add("txt2img.steps", "steps", strconv.Itoa(t.Steps))
	add("txt2img.cfg_scale", "cfg", strconv.FormatFloat(t.CFGScale, 'f', -1, 64))
	if !swept["txt2img.width"] && !swept["txt2img.height"] {
		parts = append(parts, fmt.Sprintf("size %dx%d", t.Width, t.Height))
	}
	add("", "stages", c.StageSummary())
	for _, l := range c.LoRAs {
		if l.Enabled {
			add("lora:"+l.Name, "lora:"+l.Name, strconv.FormatFloat(l.Strength, 'f', -1, 64))
		}
	}
	lines := []string{"Fixed: " + strings.Join(parts, " · ")}
	lines = append(lines, "Prompt: "+oneLine(b.Positive))
	if b.Negative != "" {
		lines = append(lines, "Negative: "+oneLine(b.Negative))
	}
	lines = append(lines, fmt.Sprintf("Same %d seeds in every cell. Run it again: stablenew learn add --from THIS.png", exp.Seeds))
	return lines
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
