package gui

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"stablenew/app"
	"stablenew/pipeline"
	"stablenew/pipeline/packs"
)

// Pack preview limits.
const (
	previewMaxChars = 4000
	previewTrailer  = "\n[Preview truncated]"
	noPackList      = "(pack lists)"
)

// packsCard selects the packs a run plans, in order, and shows the focused
// pack's prompts, LoRAs and embeddings.
type packsCard struct {
	mw *MainWindow

	filter   *appEntry
	lists    *appSelect
	rowsBox  *fyne.Container
	rows     []*packRow
	visible  []packs.PackInfo
	selected *widget.Label
	errors   *widget.Label

	focus       string // the pack whose preview is shown
	previewBox  *fyne.Container
	previewHead *widget.Label
	preview     *widget.Label
	summary     *widget.Label
	status      *widget.Label
	updating    bool
}

func newPacksCard(mw *MainWindow) *packsCard {
	c := &packsCard{mw: mw}
	c.filter = newAppEntry(mw.keys, false)
	c.filter.SetPlaceHolder("Filter packs…")
	c.filter.SetText(mw.State.View().PackFilter)
	c.filter.OnChanged = c.onFilter
	c.lists = newAppSelect(mw.keys, c.onPackList)
	c.lists.Options = []string{noPackList}
	c.lists.PlaceHolder = noPackList
	c.rowsBox = container.NewVBox()
	c.selected = &widget.Label{Wrapping: fyne.TextWrapWord}
	c.errors = newNote()
	c.previewHead = &widget.Label{TextStyle: fyne.TextStyle{Bold: true}, Truncation: fyne.TextTruncateEllipsis}
	c.preview = &widget.Label{Wrapping: fyne.TextWrapWord, Selectable: true}
	c.summary = newHint("")
	c.status = newStatus()
	mw.onLibrary(c.refresh)
	mw.State.OnChange(c.onStateChange)
	return c
}

func (c *packsCard) build() fyne.CanvasObject {
	c.refresh()
	load := &widget.Button{Text: "Load config", Icon: theme.DownloadIcon(), OnTapped: c.onLoadConfig}
	apply := &widget.Button{Text: "Apply config…", Icon: theme.UploadIcon(), OnTapped: c.onApplyConfig}
	saveList := &widget.Button{Text: "Save as list…", Icon: theme.ListIcon(), Importance: widget.LowImportance, OnTapped: c.onSaveList}
	clear := &widget.Button{Text: "Clear", Icon: theme.ContentClearIcon(), Importance: widget.LowImportance, OnTapped: c.onClear}
	copyBtn := &widget.Button{Text: "Copy", Icon: theme.ContentCopyIcon(), Importance: widget.LowImportance, OnTapped: c.onCopy}
	content := container.NewVBox(
		container.NewBorder(nil, nil, nil, c.lists, c.filter),
		c.rowsBox,
		c.errors,
		container.NewBorder(nil, nil, nil, container.NewHBox(saveList, clear), c.selected),
		container.NewGridWithColumns(2, load, apply),
		c.status,
	)
	c.previewBox = container.NewVBox(
		widget.NewSeparator(),
		container.NewBorder(nil, nil, nil, copyBtn, c.previewHead),
		c.preview,
		c.summary,
	)
	c.previewBox.Hide()
	content.Add(c.previewBox)
	return newCard("Prompt packs", "", container.NewVBox(newHint("Tick packs to plan them, in the order ticked; click a name to preview it."), content))
}

func (c *packsCard) onStateChange(what app.Change) {
	if what.Has(app.ChangePacks) {
		c.showSelection()
		c.updateRows()
	}
}

// refresh applies the filter to the library's packs and refills the lists.
func (c *packsCard) refresh() {
	lib := c.mw.lib
	f := strings.ToLower(strings.TrimSpace(c.filter.Text))
	c.visible = c.visible[:0]
	var bad []string
	for _, p := range lib.Packs {
		if p.Err != nil {
			bad = append(bad, p.ID+": "+p.Err.Error())
		}
		if f == "" || strings.Contains(strings.ToLower(p.ID), f) || strings.Contains(strings.ToLower(p.Name), f) {
			c.visible = append(c.visible, p)
		}
	}
	if lib.PackListsErr != nil {
		bad = append(bad, "pack lists: "+lib.PackListsErr.Error())
	}
	setNote(c.errors, strings.Join(bad, "\n"))
	c.updating = true
	c.lists.Options = append([]string{noPackList}, slices.Sorted(maps.Keys(lib.PackLists))...)
	if cur := c.mw.State.View().PackList; slices.Contains(c.lists.Options, cur) {
		c.lists.SetSelected(cur)
	}
	c.lists.Refresh()
	c.updating = false
	c.updateRows()
	c.showSelection()
	if !lib.loaded {
		showStatus(c.status, "Reading packs…")
	} else if len(lib.Packs) == 0 {
		showStatus(c.status, "No packs found. Put .txt or .tsv packs in "+c.mw.Services.Library.PacksDir())
	} else if c.status.Text == "Reading packs…" {
		showStatus(c.status, "")
	}
}

// showSelection lists the selected packs, marking those that don't exist.
func (c *packsCard) showSelection() {
	ids := c.mw.State.Packs()
	if len(ids) == 0 {
		c.selected.SetText("No pack selected.")
		return
	}
	known := map[string]bool{}
	for _, p := range c.mw.lib.Packs {
		known[p.ID] = true
	}
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = fmt.Sprintf("%d. %s", i+1, id)
		if c.mw.lib.loaded && !known[id] {
			names[i] += " (missing)"
		}
	}
	c.selected.SetText(fmt.Sprintf("Selected (%d): %s", len(ids), strings.Join(names, ", ")))
}

// packRow is one pack in the list: a check with the pack's id, its row
// count (or its load error, in red) and a preview button.
type packRow struct {
	widget.BaseWidget
	id      string
	check   *appCheck
	info    *widget.Label
	preview *widget.Button
	// previewTip is preview with its tooltip.
	previewTip fyne.CanvasObject
}

func newPackRow(c *packsCard) *packRow {
	r := &packRow{info: &widget.Label{Truncation: fyne.TextTruncateEllipsis}}
	r.check = newAppCheck(c.mw.keys, "", nil)
	r.preview = &widget.Button{Icon: theme.VisibilityIcon(), Importance: widget.LowImportance}
	r.preview.OnTapped = func() { c.showPreview(r.id) }
	r.previewTip = c.mw.withTooltip(r.preview, "Show this pack's prompts")
	r.check.OnChanged = func(on bool) {
		if !c.updating {
			c.onTick(r.id, on)
		}
	}
	r.ExtendBaseWidget(r)
	return r
}

// parts are the row's focusable parts, for holds: Tab onto the check
// scrolls the sidebar to it.
func (r *packRow) parts() []fyne.CanvasObject { return []fyne.CanvasObject{r.check, r.previewTip} }

// CreateRenderer lays the check on the left, the button on the right.
func (r *packRow) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewBorder(nil, nil, r.check, r.previewTip, r.info))
}

// show fills the row for pack p.
func (r *packRow) show(p packs.PackInfo, selected bool) {
	r.id = p.ID
	r.check.Text = p.ID
	r.check.Checked = selected
	r.check.Refresh()
	switch {
	case p.Err != nil:
		r.info.Importance = widget.DangerImportance
		r.info.SetText("error: " + p.Err.Error())
	case p.Sample:
		r.info.Importance = widget.LowImportance
		r.info.SetText(fmt.Sprintf("%d rows · sample", p.Rows))
	default:
		r.info.Importance = widget.MediumImportance
		r.info.SetText(fmt.Sprintf("%d rows", p.Rows))
	}
}

// updateRows shows the visible packs, reusing the row widgets.
func (c *packsCard) updateRows() {
	sel := c.mw.State.Packs()
	for len(c.rows) < len(c.visible) {
		c.rows = append(c.rows, newPackRow(c))
	}
	objs := make([]fyne.CanvasObject, len(c.visible))
	c.updating = true
	for i, p := range c.visible {
		c.rows[i].show(p, slices.Contains(sel, p.ID))
		objs[i] = c.rows[i]
	}
	c.updating = false
	c.rowsBox.Objects = objs
	c.rowsBox.Refresh()
}

func (c *packsCard) onTick(id string, on bool) {
	c.mw.State.SetPackSelected(id, on)
}

func (c *packsCard) onFilter(text string) {
	c.mw.State.UpdateView(func(v *app.ViewState) { v.PackFilter = text })
	c.refresh()
}

// onPackList selects the packs of a saved pack list.
func (c *packsCard) onPackList(name string) {
	if c.updating || name == noPackList {
		return
	}
	ids := c.mw.lib.PackLists[name]
	c.mw.State.UpdateView(func(v *app.ViewState) { v.PackList = name })
	c.mw.State.SetPacks(ids)
	showStatus(c.status, fmt.Sprintf("Selected pack list %s (%d packs).", name, len(ids)))
}

func (c *packsCard) onClear() { c.mw.State.SetPacks(nil) }

func (c *packsCard) onSaveList() {
	ids := c.mw.State.Packs()
	if len(ids) == 0 {
		c.mw.info("Save pack list", "Select the packs for the list first.")
		return
	}
	c.mw.askName("Save pack list", "List name", c.mw.State.View().PackList, "Save", func(name string) {
		if _, exists := c.mw.lib.PackLists[name]; exists {
			c.mw.confirm("Overwrite pack list",
				fmt.Sprintf("Pack list %q exists. Replace its packs with the %d selected: %s?", name, len(ids), joinLimited(ids, 6)),
				"Overwrite", func() { c.saveList(name, ids) })
			return
		}
		c.saveList(name, ids)
	})
}

func (c *packsCard) saveList(name string, ids []string) {
	lists := maps.Clone(c.mw.lib.PackLists)
	if lists == nil {
		lists = map[string][]string{}
	}
	lists[name] = ids
	lib := c.mw.Services.Library
	c.mw.Bridge.Go("saving pack list "+name, func(context.Context) error {
		return lib.SavePackLists(lists)
	}, func(err error) {
		if err != nil {
			c.mw.ShowError("Could not save the pack list", err)
			return
		}
		c.mw.State.UpdateView(func(v *app.ViewState) { v.PackList = name })
		c.mw.reloadLibrary()
	})
}

// showPreview loads a pack in the background and shows its first prompts.
func (c *packsCard) showPreview(id string) {
	c.focus = id
	c.previewBox.Show()
	c.previewHead.SetText("Preview: " + id)
	c.preview.SetText("Loading…")
	c.summary.SetText("")
	lib := c.mw.Services.Library
	var pack *packs.Pack
	c.mw.Bridge.Go("loading pack "+id, func(context.Context) (err error) {
		pack, err = lib.LoadPack(id)
		return err
	}, func(err error) {
		if c.focus != id {
			return // another pack was tapped meanwhile
		}
		if err != nil {
			c.preview.SetText("")
			c.summary.Importance = widget.DangerImportance
			c.summary.SetText(err.Error())
			return
		}
		c.preview.SetText(previewText(pack.Rows))
		c.summary.Importance = widget.LowImportance
		c.summary.SetText(packSummary(pack))
	})
}

// previewText is the pack's prompts, at most previewMaxChars.
func previewText(rows []packs.PromptRow) string {
	var b strings.Builder
	for i, r := range rows {
		if i > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(r.Positive)
		if r.Negative != "" {
			b.WriteString("\nneg: " + r.Negative)
		}
		if b.Len() > previewMaxChars {
			break
		}
	}
	s := b.String()
	if len(s) > previewMaxChars {
		cut := previewMaxChars
		for cut > 0 && !isRuneStart(s[cut]) {
			cut--
		}
		return s[:cut] + previewTrailer
	}
	return s
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// packSummary names the pack's config file, LoRAs and embeddings.
func packSummary(p *packs.Pack) string {
	lines := []string{fmt.Sprintf("%d rows.", len(p.Rows))}
	if p.SidecarPath != "" {
		lines = append(lines, "Config: "+p.SidecarPath)
	} else {
		lines = append(lines, "No config file: the preset and defaults apply.")
	}
	if l := packs.LoRAsInPack(p.Rows); len(l) > 0 {
		lines = append(lines, "LoRAs: "+strings.Join(l, ", "))
	} else {
		lines = append(lines, "LoRAs: none")
	}
	if e := packs.EmbeddingsInPack(p.Rows); len(e) > 0 {
		lines = append(lines, "Embeddings: "+strings.Join(e, ", "))
	} else {
		lines = append(lines, "Embeddings: none")
	}
	return strings.Join(lines, "\n")
}

func (c *packsCard) onCopy() {
	if c.preview.Text != "" {
		c.mw.App.Clipboard().SetContent(c.preview.Text)
	}
}

// onLoadConfig loads the one selected pack's sidecar into the stages.
func (c *packsCard) onLoadConfig() {
	ids := c.mw.State.Packs()
	if len(ids) != 1 {
		c.mw.info("Load pack config", "Select exactly one pack to load its config into the stages.")
		return
	}
	id := ids[0]
	c.mw.confirm("Load pack config",
		fmt.Sprintf("Replace every stage card and sidebar setting with the config of pack %q (over the defaults)? The current settings are overwritten.", id),
		"Load", func() { c.loadConfig(id) })
}

// errNoSidecar says that a pack has no config file.
var errNoSidecar = errors.New("this pack has no config file (sidecar); Apply config writes one")

func (c *packsCard) loadConfig(id string) {
	current := c.mw.State.Config()
	lib := c.mw.Services.Library
	var cfg pipeline.PipelineConfig
	c.mw.Bridge.Go("loading the config of pack "+id, func(context.Context) error {
		p, err := lib.LoadPack(id)
		if err != nil {
			return err
		}
		if p.Sidecar == nil {
			return errNoSidecar
		}
		cfg, err = configOver(p.Sidecar, current)
		return err
	}, func(err error) {
		if err != nil {
			c.mw.ShowError("Could not load the config of "+id, err)
			return
		}
		c.mw.State.SetConfig(cfg)
		showStatus(c.status, "Loaded the config of "+id+" into the stages.")
	})
}

// onApplyConfig writes the stages into every selected pack's sidecar.
func (c *packsCard) onApplyConfig() {
	ids := c.mw.State.Packs()
	if len(ids) == 0 {
		c.mw.info("Apply config", "Select the packs whose config files should be written.")
		return
	}
	c.mw.confirm("Apply config to packs",
		fmt.Sprintf("Overwrite the config files (sidecars) of %d pack(s): %s with the current stage and sidebar settings? A .json sidecar is kept as .json.bak.",
			len(ids), joinLimited(ids, 6)),
		"Overwrite", func() { c.applyConfig(ids) })
}

func (c *packsCard) applyConfig(ids []string) {
	cfg := c.mw.State.Config()
	lib := c.mw.Services.Library
	c.mw.Bridge.Go("applying the stages to packs", func(context.Context) error {
		var errs []error
		for _, id := range ids {
			errs = append(errs, lib.ApplyConfigToPack(id, cfg))
		}
		return errors.Join(errs...)
	}, func(err error) {
		c.mw.reloadLibrary()
		if err != nil {
			c.mw.ShowError("Could not apply the config", err)
			return
		}
		showStatus(c.status, fmt.Sprintf("Wrote the config of %d pack(s).", len(ids)))
	})
}
