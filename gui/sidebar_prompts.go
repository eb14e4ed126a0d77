package gui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// promptsCard holds text added to every prompt: an extra positive and
// negative, and the global negative.
type promptsCard struct {
	mw     *MainWindow
	status *widget.Label
}

func newPromptsCard(mw *MainWindow) *promptsCard {
	return &promptsCard{mw: mw, status: newStatus()}
}

func (c *promptsCard) build() fyne.CanvasObject {
	f := c.mw.form
	pos := f.textField("prompt.positive", func(c *config) string { return c.Prompt.Positive }, func(c *config, v string) { c.Prompt.Positive = v }).
		multiLine(2).placeholder("added after every row's prompt, e.g. masterpiece, soft light")
	neg := f.textField("prompt.negative", func(c *config) string { return c.Prompt.Negative }, func(c *config, v string) { c.Prompt.Negative = v }).
		multiLine(2).placeholder("added after every row's negative")
	apply := f.checkField("Append the global negative", "prompt.apply_global_negative",
		func(c *config) bool { return c.Prompt.ApplyGlobalNegative }, func(c *config, v bool) { c.Prompt.ApplyGlobalNegative = v })
	global := f.textField("prompt.global_negative", func(c *config) string { return c.Prompt.GlobalNegative }, func(c *config, v string) { c.Prompt.GlobalNegative = v }).
		multiLine(2)
	f.add("prompts", pos, neg, apply, global)
	save := &widget.Button{Text: "Save as default global negative", Icon: theme.DocumentSaveIcon(),
		Importance: widget.LowImportance, OnTapped: c.onSaveGlobal}
	var r formRows
	r.add("Extra prompt", pos.cell())
	r.add("Extra negative", neg.cell())
	r.add("Global negative", container.NewVBox(apply.Check, global.Entry, global.note))
	return newCard("Prompts", "Text added to every row of every pack", container.NewVBox(r.build(), save, c.status))
}

// onSaveGlobal writes the global negative to the data folder, where new
// installs and the CLI read it.
func (c *promptsCard) onSaveGlobal() {
	text := c.mw.State.Config().Prompt.GlobalNegative
	lib := c.mw.Services.Library
	c.mw.confirm("Save global negative",
		"Replace the default global negative (global_negative.txt in the data folder) with the text above?",
		"Save", func() {
			c.mw.Bridge.Go("saving the global negative", func(context.Context) error {
				return lib.SetGlobalNegative(text)
			}, func(err error) {
				if err != nil {
					c.mw.ShowError("Could not save the global negative", err)
					return
				}
				showStatus(c.status, "Saved as the default global negative.")
			})
		})
}
