package gui

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"stablenew/app"
	"stablenew/controller"
	"stablenew/pipeline"
)

// bestValues returns the winning cell's values, or nil while nothing is
// rated.
func (t *learningTab) bestValues() []pipeline.DimensionValue {
	if t.view == nil || t.view.best < 0 || t.view.best >= len(t.view.cells) {
		return nil
	}
	return t.view.cells[t.view.best].values
}

// valuesText reads like "txt2img.cfg_scale = 7, txt2img.steps = 30".
func valuesText(values []pipeline.DimensionValue) string {
	parts := make([]string, len(values))
	for i, v := range values {
		parts[i] = v.Dimension + " = " + v.Value
	}
	return strings.Join(parts, ", ")
}

// onApplyBest puts the winning cell's values into the stage cards, where
// they override the packs like any edit of the cards (and Undo/Reset
// work as for any edit).
func (t *learningTab) onApplyBest() {
	values := t.bestValues()
	if values == nil {
		return
	}
	var err error
	t.mw.State.UpdateConfig(func(c *pipeline.PipelineConfig) {
		var next pipeline.PipelineConfig
		if next, err = controller.ApplyCellValues(*c, values); err == nil {
			*c = next
		}
	})
	if err != nil {
		t.say("Apply best: "+err.Error(), widget.DangerImportance)
		return
	}
	t.say("The stage cards now have "+valuesText(values)+"; they override the packs until you reset them.", widget.SuccessImportance)
}

// onSaveBest saves the settings the experiment ran with, with the winning
// values, as a preset (the stage cards stay as they are).
func (t *learningTab) onSaveBest() {
	values := t.bestValues()
	if values == nil {
		return
	}
	id := t.view.id
	t.mw.askName("Save best as preset", "Preset name", "learned-"+id, "Save", func(name string) {
		svc := t.mw.Services
		t.h.goWork("saving preset "+name, func(context.Context) error {
			return svc.SaveBestAsPreset(id, name)
		}, func(err error) {
			if err != nil {
				t.mw.ShowError("Could not save preset "+name, err)
				return
			}
			t.say(fmt.Sprintf("Saved preset %s: the settings experiment %s ran with, and %s.", name, id, valuesText(values)), widget.SuccessImportance)
			t.mw.reloadLibrary()
		})
	})
}

// onSaveGrid asks for a folder and writes the open experiment's grid
// there as ID-grid.png.
func (t *learningTab) onSaveGrid() { t.pickFolder(t.saveGridTo) }

// onExport asks for a folder and writes the experiment with its ratings
// there as ID.json and ID.csv.
func (t *learningTab) onExport() { t.pickFolder(t.exportTo) }

// pickFolder asks for a folder and hands its path to fn.
func (t *learningTab) pickFolder(fn func(dir string)) {
	d := dialog.NewFolderOpen(func(dir fyne.ListableURI, err error) {
		if err != nil {
			t.mw.ShowError("Could not choose the folder", err)
			return
		}
		if dir != nil {
			fn(dir.Path())
		}
	}, t.mw.Window)
	d.Resize(fyne.NewSize(800, 560))
	d.Show()
}

// saveGridTo writes the grid PNG (labelled, with the experiment in its
// StableNew chunk) into dir, in the background.
func (t *learningTab) saveGridTo(dir string) {
	if t.view == nil {
		return
	}
	id, svc := t.view.id, t.mw.Services
	path := filepath.Join(dir, id+"-grid.png")
	t.say("Writing the grid…", widget.LowImportance)
	t.h.goWork("writing the grid of "+id, func(context.Context) error {
		return svc.WriteGrid(id, path)
	}, func(err error) {
		if err != nil {
			t.say("The grid was not written: "+err.Error(), widget.DangerImportance)
			return
		}
		t.say("Wrote "+path+". `stablenew learn add --from` that file runs the same experiment again.", widget.SuccessImportance)
	})
}

// exportTo writes the experiment's JSON and CSV into dir, in the
// background.
func (t *learningTab) exportTo(dir string) {
	if t.view == nil {
		return
	}
	id, svc := t.view.id, t.mw.Services
	var files app.ExportedFiles
	t.h.goWork("exporting "+id, func(context.Context) (err error) {
		files, err = svc.ExportExperiment(id, dir)
		return err
	}, func(err error) {
		if err != nil {
			t.say("Nothing exported: "+err.Error(), widget.DangerImportance)
			return
		}
		t.say("Exported "+files.JSON+" and "+files.CSV+".", widget.SuccessImportance)
	})
}
