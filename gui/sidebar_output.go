package gui

import (
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"stablenew/pipeline"
	"stablenew/pipeline/output"
)

// seedModeHelp explains each seed mode.
var seedModeHelp = map[pipeline.SeedMode]string{
	pipeline.SeedFixed:     "fixed: every job uses the txt2img seed (-1 draws one seed for the whole plan)",
	pipeline.SeedIncrement: "increment: each job gets the next seeds (seed + job × batch size), so no two images share one",
	pipeline.SeedRandom:    "random: the WebUI picks a seed per job; the seed it used is recorded with the image",
}

// outputCard says where images go, how they are named, their format and
// how seeds are chosen.
type outputCard struct {
	mw       *MainWindow
	folder   *entryField[string]
	rootHint *widget.Label
	seedHelp *widget.Label
}

func newOutputCard(mw *MainWindow) *outputCard {
	return &outputCard{mw: mw, rootHint: newHint(""), seedHelp: newHint("")}
}

// parseTemplate accepts a valid filename or folder template, and explains
// an invalid one briefly.
func parseTemplate(s string) (string, error) {
	if _, err := output.ParseTemplate(s); err != nil {
		var te *output.TemplateError
		if errors.As(err, &te) {
			if te.Token != "" {
				return "", fmt.Errorf("column %d: %s: %s (tap ? for the tokens)", te.Column, te.Token, te.Msg)
			}
			return "", fmt.Errorf("column %d: %s", te.Column, te.Msg)
		}
		return "", err
	}
	return s, nil
}

// parseFolderTemplate is parseTemplate, with empty meaning "no subfolder".
func parseFolderTemplate(s string) (string, error) {
	if strings.TrimSpace(s) == "" {
		return "", nil
	}
	return parseTemplate(s)
}

func (c *outputCard) build() fyne.CanvasObject {
	f := c.mw.form
	c.folder = f.textField("output.root", func(c *config) string { return c.Output.Root }, func(c *config, v string) { c.Output.Root = v })
	c.folder.placeholder(c.defaultRootName())
	browse := &widget.Button{Icon: theme.FolderOpenIcon(), Importance: widget.LowImportance, OnTapped: c.onBrowse}
	folderT := newEntryField(f, "output.folder_template",
		func(c *config) string { return c.Output.FolderTemplate }, func(c *config, v string) { c.Output.FolderTemplate = v },
		parseFolderTemplate, formatText)
	fileT := newEntryField(f, "output.filename_template",
		func(c *config) string { return c.Output.FilenameTemplate }, func(c *config, v string) { c.Output.FilenameTemplate = v },
		parseTemplate, formatText)
	format := f.staticSelect("output.format", []string{"png", "jpg", "webp"},
		func(c *config) string { return c.Output.Format }, func(c *config, v string) { c.Output.Format = v })
	modes := make([]string, len(pipeline.SeedModes))
	for i, m := range pipeline.SeedModes {
		modes[i] = string(m)
	}
	seed := f.staticSelect("batch.seed_mode", modes,
		func(c *config) string { return string(c.Batch.SeedMode) }, func(c *config, v string) { c.Batch.SeedMode = pipeline.SeedMode(v) })
	f.add("output", c.folder, folderT, fileT, format, seed)
	f.onLoad(c.onLoad)
	help := &widget.Button{Text: "?", Importance: widget.LowImportance, OnTapped: c.onTokenHelp}

	c.rootHint.SetText("Empty: " + c.defaultRootName())
	var r formRows
	r.add("Folder", container.NewVBox(container.NewBorder(nil, nil, nil, c.mw.withTooltip(browse, "Choose the output folder…"), c.folder.Entry),
		c.rootHint, c.folder.note))
	r.add("Subfolders", folderT.cell())
	r.add("File names", container.NewVBox(container.NewBorder(nil, nil, nil, help, fileT.Entry), fileT.note))
	r.add("Format", format.cell())
	r.add("Seed mode", container.NewVBox(seed.Select, c.seedHelp, seed.note))
	return newCard("Output", "", r.build())
}

// defaultRootName says where images go when the folder is empty.
func (c *outputCard) defaultRootName() string {
	if r := c.mw.Services.CurrentSettings().OutputRoot; r != "" {
		return r + " (from Settings)"
	}
	return "\"output\" in the data folder"
}

func (c *outputCard) onLoad(cfg *config) {
	c.seedHelp.SetText(seedModeHelp[cfg.Batch.SeedMode])
}

// onBrowse picks the output folder.
func (c *outputCard) onBrowse() {
	d := dialog.NewFolderOpen(c.onFolderChosen, c.mw.Window)
	d.Resize(fyne.NewSize(800, 560))
	d.Show()
}

func (c *outputCard) onFolderChosen(dir fyne.ListableURI, err error) {
	if err != nil {
		c.mw.ShowError("Could not choose the folder", err)
		return
	}
	if dir == nil {
		return // cancelled
	}
	path := dir.Path()
	c.mw.form.edit(func(c *config) { c.Output.Root = path })
}

// onTokenHelp lists the filename tokens.
func (c *outputCard) onTokenHelp() {
	var b strings.Builder
	b.WriteString("Folder and file names are built from these tokens; \"/\" in the subfolder template makes nested folders.\n\n")
	for _, t := range output.Tokens() {
		fmt.Fprintf(&b, "%s — %s\n", t.Syntax, t.Description)
	}
	text := &widget.Label{Text: b.String(), Wrapping: fyne.TextWrapWord, Selectable: true}
	d := dialog.NewCustom("Filename tokens", "Close", container.NewVScroll(text), c.mw.Window)
	d.Resize(fyne.NewSize(560, 480))
	d.Show()
}
