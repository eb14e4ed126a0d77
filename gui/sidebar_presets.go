package gui

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"stablenew/app"
	"stablenew/pipeline"
	"stablenew/pipeline/packs"
)

// noPreset is the preset dropdown's entry for "no preset".
const noPreset = "(no preset)"

// presetsCard picks the preset every plan layers under the packs, and moves
// configurations between presets, the stage cards and pack sidecars.
type presetsCard struct {
	mw *MainWindow

	choose       *appSelect
	defaultLabel *widget.Label
	status       *widget.Label
	loadButton   *widget.Button
	saveButton   *widget.Button
	applyButton  *widget.Button
	defButton    *widget.Button
	deleteButton *widget.Button
	updating     bool
}

func newPresetsCard(mw *MainWindow) *presetsCard {
	c := &presetsCard{mw: mw}
	c.choose = newAppSelect(mw.keys, c.onChoose)
	c.choose.Options = []string{noPreset}
	c.defaultLabel = newHint("")
	c.status = newStatus()
	c.loadButton = &widget.Button{Text: "Load to stages", Icon: theme.DownloadIcon(), OnTapped: c.onLoad}
	c.saveButton = &widget.Button{Text: "Save stages as…", Icon: theme.DocumentSaveIcon(), OnTapped: c.onSave}
	c.applyButton = &widget.Button{Text: "Apply to packs…", Icon: theme.MailForwardIcon(), OnTapped: c.onApply}
	c.defButton = &widget.Button{Text: "Set as default", Icon: theme.ConfirmIcon(), OnTapped: c.onSetDefault}
	c.deleteButton = &widget.Button{Text: "Delete…", Icon: theme.DeleteIcon(), Importance: widget.DangerImportance, OnTapped: c.onDelete}
	mw.onLibrary(c.refresh)
	mw.State.OnChange(c.onStateChange)
	return c
}

func (c *presetsCard) build() fyne.CanvasObject {
	c.refresh()
	buttons := container.NewGridWithColumns(2, c.loadButton, c.saveButton, c.applyButton, c.defButton)
	content := container.NewVBox(c.choose, c.defaultLabel, buttons,
		container.NewHBox(c.deleteButton), c.status)
	return newCard("Presets", "", content)
}

func (c *presetsCard) onStateChange(what app.Change) {
	if what.Has(app.ChangePreset) {
		c.refresh()
	}
}

// selected is the preset in the dropdown, or "".
func (c *presetsCard) selected() string { return c.mw.State.Preset() }

// refresh fills the dropdown from the library view.
func (c *presetsCard) refresh() {
	lib := c.mw.lib
	opts := append([]string{noPreset}, lib.Presets...)
	cur := c.selected()
	if cur != "" && !slices.Contains(opts, cur) {
		opts = append(opts, cur) // a preset that vanished stays visible
	}
	c.updating = true
	c.choose.Options = opts
	if cur == "" {
		c.choose.SetSelected(noPreset)
	} else {
		c.choose.SetSelected(cur)
	}
	c.choose.Refresh()
	c.updating = false
	switch {
	case !lib.loaded:
		c.defaultLabel.SetText("Reading presets…")
	case lib.DefaultPreset == "":
		c.defaultLabel.SetText("No default preset: new packs start from the built-in defaults.")
	default:
		c.defaultLabel.SetText("Default preset: " + lib.DefaultPreset)
	}
	has := cur != ""
	for _, b := range []*widget.Button{c.loadButton, c.applyButton, c.defButton, c.deleteButton} {
		if has {
			b.Enable()
		} else {
			b.Disable()
		}
	}
}

func (c *presetsCard) onChoose(name string) {
	if c.updating {
		return
	}
	if name == noPreset {
		name = ""
	}
	c.mw.State.SetPreset(name)
}

// presetConfig reads a preset as a full configuration over the defaults,
// keeping the current global negative unless the preset sets one. It reads
// files: call it from work.
func presetConfig(lib *packs.Library, name string, current pipeline.PipelineConfig) (pipeline.PipelineConfig, error) {
	p, err := lib.LoadPreset(name)
	if err != nil {
		return current, err
	}
	return configOver(p, current)
}

// configOver layers a preset or sidecar patch over the defaults, keeping the
// current global negative unless the patch sets one.
func configOver(p *pipeline.Patch, current pipeline.PipelineConfig) (pipeline.PipelineConfig, error) {
	base := pipeline.Defaults()
	base.Prompt.GlobalNegative = current.Prompt.GlobalNegative
	return p.ApplyTo(base)
}

func (c *presetsCard) onLoad() {
	name := c.selected()
	if name == "" {
		return
	}
	c.mw.confirm("Load preset to stages",
		fmt.Sprintf("Replace every stage card and sidebar setting with preset %q? The current settings are overwritten (save them as a preset first to keep them).", name),
		"Load", func() { c.load(name) })
}

func (c *presetsCard) load(name string) {
	var cfg pipeline.PipelineConfig
	current := c.mw.State.Config()
	lib := c.mw.Services.Library
	c.mw.Bridge.Go("loading preset "+name, func(context.Context) (err error) {
		cfg, err = presetConfig(lib, name, current)
		return err
	}, func(err error) {
		if err != nil {
			c.mw.ShowError("Could not load preset "+name, err)
			return
		}
		c.mw.State.SetConfig(cfg)
		showStatus(c.status, "Loaded preset "+name+" into the stages.")
	})
}

func (c *presetsCard) onSave() {
	c.mw.askName("Save preset from stages", "Preset name", c.selected(), "Save", c.saveAs)
}

// saveAs saves the stages as preset name, confirming an overwrite.
func (c *presetsCard) saveAs(name string) {
	if slices.Contains(c.mw.lib.Presets, name) {
		c.mw.confirm("Overwrite preset",
			fmt.Sprintf("Preset %q already exists. Overwrite it with the current stage and sidebar settings?", name),
			"Overwrite", func() { c.save(name) })
		return
	}
	c.save(name)
}

func (c *presetsCard) save(name string) {
	cfg := c.mw.State.Config()
	lib := c.mw.Services.Library
	c.mw.Bridge.Go("saving preset "+name, func(context.Context) error {
		return lib.SavePreset(name, cfg)
	}, func(err error) {
		if err != nil {
			c.mw.ShowError("Could not save preset "+name, err)
			return
		}
		showStatus(c.status, "Saved preset "+name+".")
		c.mw.State.SetPreset(name)
		c.mw.reloadLibrary()
	})
}

func (c *presetsCard) onApply() {
	name := c.selected()
	ids := c.mw.State.Packs()
	if name == "" {
		return
	}
	if len(ids) == 0 {
		c.mw.info("Apply preset to packs", "Select one or more packs in the pack selector first.")
		return
	}
	c.mw.confirm("Apply preset to selected packs",
		fmt.Sprintf("Overwrite the config files (sidecars) of %d pack(s): %s with preset %q? Their current settings are replaced (a .json sidecar is kept as .json.bak).",
			len(ids), joinLimited(ids, 6), name),
		"Overwrite", func() { c.apply(name, ids) })
}

func (c *presetsCard) apply(name string, ids []string) {
	current := c.mw.State.Config()
	lib := c.mw.Services.Library
	c.mw.Bridge.Go("applying preset "+name+" to packs", func(context.Context) error {
		cfg, err := presetConfig(lib, name, current)
		if err != nil {
			return err
		}
		var errs []error
		for _, id := range ids {
			errs = append(errs, lib.ApplyConfigToPack(id, cfg))
		}
		return errors.Join(errs...)
	}, func(err error) {
		c.mw.reloadLibrary()
		if err != nil {
			c.mw.ShowError("Could not apply preset "+name, err)
			return
		}
		showStatus(c.status, fmt.Sprintf("Applied preset %s to %d pack(s).", name, len(ids)))
	})
}

func (c *presetsCard) onSetDefault() {
	name := c.selected()
	if name == "" {
		return
	}
	if old := c.mw.lib.DefaultPreset; old != "" && old != name {
		c.mw.confirm("Set default preset",
			fmt.Sprintf("Make %q the default preset instead of %q?", name, old), "Set default",
			func() { c.setDefault(name) })
		return
	}
	c.setDefault(name)
}

func (c *presetsCard) setDefault(name string) {
	lib := c.mw.Services.Library
	c.mw.Bridge.Go("setting the default preset", func(context.Context) error {
		return lib.SetDefaultPreset(name)
	}, func(err error) {
		if err != nil {
			c.mw.ShowError("Could not set the default preset", err)
			return
		}
		showStatus(c.status, name+" is now the default preset.")
		c.mw.reloadLibrary()
	})
}

func (c *presetsCard) onDelete() {
	name := c.selected()
	if name == "" {
		return
	}
	c.mw.confirm("Delete preset",
		fmt.Sprintf("Delete preset %q? Its file in %s is removed; this can't be undone.", name,
			filepath.Base(c.mw.Services.Library.PresetsDir())),
		"Delete", func() { c.delete(name) })
}

func (c *presetsCard) delete(name string) {
	lib := c.mw.Services.Library
	c.mw.Bridge.Go("deleting preset "+name, func(context.Context) error {
		return lib.DeletePreset(name)
	}, func(err error) {
		if err != nil {
			c.mw.ShowError("Could not delete preset "+name, err)
			return
		}
		if c.mw.State.Preset() == name {
			c.mw.State.SetPreset("")
		}
		showStatus(c.status, "Deleted preset "+name+".")
		c.mw.reloadLibrary()
	})
}
