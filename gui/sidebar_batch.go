package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
)

// batchCard holds batch size (images per WebUI request) and batch runs
// (separate jobs per variant).
type batchCard struct{ mw *MainWindow }

func newBatchCard(mw *MainWindow) *batchCard { return &batchCard{mw: mw} }

func (c *batchCard) build() fyne.CanvasObject {
	f := c.mw.form
	size := f.intField("batch.batch_size", func(c *config) int { return c.Batch.BatchSize }, func(c *config, v int) { c.Batch.BatchSize = v })
	runs := f.intField("batch.batch_runs", func(c *config) int { return c.Batch.BatchRuns }, func(c *config, v int) { c.Batch.BatchRuns = v })
	f.add("batch", size, runs)
	var r formRows
	r.add("Batch size", container.NewVBox(size.Entry, newHint("images per WebUI request, all saved"), size.note))
	r.add("Batch runs", container.NewVBox(runs.Entry, newHint("separate jobs per variant"), runs.note))
	return newCard("Batch", "", r.build())
}
