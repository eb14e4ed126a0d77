package controller

import (
	"strings"

	"stablenew/pipeline"
)

// ApplyCellValues sets an experiment cell's values (a swept setting each,
// as the cell's jobs record them) on c, as PlanExperiment set them on the
// cell's jobs: it is how "Apply best" puts a winning cell into the stage
// cards. A LoRA strength sets (or adds) that LoRA's strength row; the
// prompt is not checked for its tag, since the cards' prompt is not the
// experiment's. The error names the setting and says why it can't be set
// (an unknown field, a value out of range, a stage that is off).
func ApplyCellValues(c pipeline.PipelineConfig, values []pipeline.DimensionValue) (pipeline.PipelineConfig, error) {
	for _, v := range values {
		prompt := ""
		if name, ok := strings.CutPrefix(v.Dimension, loraSweepPrefix); ok {
			prompt = "<lora:" + name + ":"
		} else if err := checkFieldForm(v.Dimension); err != nil {
			return c, &SweepError{Field: v.Dimension, Err: err}
		}
		next, err := applySweepValue(c, v.Dimension, v.Value, prompt)
		if err != nil {
			return c, &SweepError{Field: v.Dimension, Err: err}
		}
		c = next
	}
	return c, nil
}
