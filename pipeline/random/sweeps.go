package random

import (
	"fmt"
	"strconv"

	"stablenew/pipeline"
)

// SweepField names one swept txt2img setting.
type SweepField uint8

// The swept settings, in the order their dimensions vary (model slowest).
const (
	SweepModel SweepField = 1 << iota
	SweepSampler
	SweepScheduler
	SweepCFGScale
	SweepSteps
	SweepSize
)

// SweepValues holds the txt2img settings one variant sweeps. Only the fields
// named in Fields are set; the others keep the configuration's values.
type SweepValues struct {
	Model     string
	Sampler   string
	Scheduler string
	CFGScale  float64
	Steps     int
	Width     int
	Height    int
	Fields    SweepField
}

// Has reports whether f is swept.
func (s SweepValues) Has(f SweepField) bool { return s.Fields&f != 0 }

// IsZero reports whether nothing is swept.
func (s SweepValues) IsZero() bool { return s.Fields == 0 }

// Apply sets the swept fields on c, a configuration the caller owns.
func (s SweepValues) Apply(c *pipeline.PipelineConfig) {
	if s.Has(SweepModel) {
		c.Txt2Img.Model = s.Model
	}
	if s.Has(SweepSampler) {
		c.Txt2Img.Sampler = s.Sampler
	}
	if s.Has(SweepScheduler) {
		c.Txt2Img.Scheduler = s.Scheduler
	}
	if s.Has(SweepCFGScale) {
		c.Txt2Img.CFGScale = s.CFGScale
	}
	if s.Has(SweepSteps) {
		c.Txt2Img.Steps = s.Steps
	}
	if s.Has(SweepSize) {
		c.Txt2Img.Width, c.Txt2Img.Height = s.Width, s.Height
	}
}

// sweepList is one non-empty sweep list, prepared for picking.
type sweepList struct {
	field  SweepField
	label  string   // pick dimension: model, sampler, scheduler, cfg_scale, steps, size
	labels []string // each value as a pick shows it
	strs   []string // model / sampler / scheduler values
	floats []float64
	ints   []int
	sizes  [][2]int
}

func (l *sweepList) len() int { return len(l.labels) }

// set stores value i of the list in s.
func (l *sweepList) set(s *SweepValues, i int) {
	s.Fields |= l.field
	switch l.field {
	case SweepModel:
		s.Model = l.strs[i]
	case SweepSampler:
		s.Sampler = l.strs[i]
	case SweepScheduler:
		s.Scheduler = l.strs[i]
	case SweepCFGScale:
		s.CFGScale = l.floats[i]
	case SweepSteps:
		s.Steps = l.ints[i]
	case SweepSize:
		s.Width, s.Height = l.sizes[i][0], l.sizes[i][1]
	}
}

// prepareSweeps turns the sweep lists into pick lists, in variation order.
func prepareSweeps(sw pipeline.SweepConfig) ([]*sweepList, error) {
	var out []*sweepList
	strList := func(f SweepField, label string, vals []string) {
		if len(vals) == 0 {
			return
		}
		out = append(out, &sweepList{field: f, label: label, labels: vals, strs: vals})
	}
	strList(SweepModel, "model", sw.Models)
	strList(SweepSampler, "sampler", sw.Samplers)
	strList(SweepScheduler, "scheduler", sw.Schedulers)
	if len(sw.CFGScales) > 0 {
		l := &sweepList{field: SweepCFGScale, label: "cfg_scale", floats: sw.CFGScales}
		for _, v := range sw.CFGScales {
			l.labels = append(l.labels, strconv.FormatFloat(v, 'f', -1, 64))
		}
		out = append(out, l)
	}
	if len(sw.Steps) > 0 {
		l := &sweepList{field: SweepSteps, label: "steps", ints: sw.Steps}
		for _, v := range sw.Steps {
			l.labels = append(l.labels, strconv.Itoa(v))
		}
		out = append(out, l)
	}
	if len(sw.Sizes) > 0 {
		l := &sweepList{field: SweepSize, label: "size"}
		for i, v := range sw.Sizes {
			w, h, err := pipeline.ParseSize(v)
			if err != nil {
				return nil, fmt.Errorf("randomizer.sweeps.sizes[%d]: %w", i, err)
			}
			l.sizes = append(l.sizes, [2]int{w, h})
			l.labels = append(l.labels, fmt.Sprintf("%dx%d", w, h))
		}
		out = append(out, l)
	}
	return out, nil
}
