package gui

import (
	"fmt"
	"image"
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"stablenew/pipeline/queue"
)

// Sizes of the Learning grid.
const (
	// gridThumb is the side of a grid thumbnail.
	gridThumb = 96
	// gridHeaderWidth is the width of the row headers (the cells' values).
	gridHeaderWidth = 150
)

// learnTable is the Learning grid: a row per cell, a column per seed. It is
// a widget.Table that also rates the selected image with the keys 1–5.
type learnTable struct {
	widget.Table
	// onRate hears a typed 1–5.
	onRate func(stars int)
}

// Tapped selects the image under the pointer and gives the grid the
// keyboard. widget.Table focuses itself through the canvas of its inner
// *Table, which the canvas does not know when the table is extended, so
// the keys would go nowhere.
func (t *learnTable) Tapped(e *fyne.PointEvent) {
	t.Table.Tapped(e)
	if c := fyne.CurrentApp().Driver().CanvasForObject(t); c != nil && c.Focused() != fyne.Focusable(t) {
		c.Focus(t)
	}
}

// TypedRune rates the selected image with 1–5.
func (t *learnTable) TypedRune(r rune) {
	if r >= '1' && r <= '5' && t.onRate != nil {
		t.onRate(int(r - '0'))
	}
}

// learnGrid shows an experiment's cells × seeds and keeps its thumbnails.
// Everything in it runs on the UI goroutine; thumbnails decode on the
// thumbnail cache's workers.
type learnGrid struct {
	table  *learnTable
	thumbs *thumbCache
	view   *expView
	// rows are the view's cells in the order shown (plan order or by
	// rating).
	rows []*learnCell
	// byPath finds the grid places showing an image, to refresh only those
	// when its thumbnail arrives.
	byPath   map[string]widget.TableCellID
	selected widget.TableCellID
	hasSel   bool
	// widths is how many columns have their width set.
	widths int
	// onSelect hears the selected shot (nil when none).
	onSelect func(c *learnCell, s *learnShot)
}

func newLearnGrid(h *panelHub) *learnGrid {
	g := &learnGrid{byPath: map[string]widget.TableCellID{}}
	g.thumbs = newThumbCache(h, g.onThumb)
	g.thumbs.side = gridThumb
	// The data folder's thumbnail cache: experiment images are shrunk
	// there as their jobs finish, so the grid decodes small files.
	if svc := h.mw.Services; svc != nil {
		g.thumbs.load = svc.Thumbnail
	}
	t := &learnTable{}
	t.Length = g.length
	t.CreateCell = newGridCell
	t.UpdateCell = g.updateCell
	t.ShowHeaderRow, t.ShowHeaderColumn = true, true
	t.CreateHeader = newGridHeader
	t.UpdateHeader = g.updateHeader
	t.OnSelected = g.onSelected
	t.ExtendBaseWidget(t)
	g.table = t
	return g
}

// setView shows v (nil: nothing), with its cells in order.
func (g *learnGrid) setView(v *expView, rows []*learnCell) {
	g.view, g.rows = v, rows
	// A column is a thumbnail wide: without this the table would make
	// every column as wide as the row headers (it sizes both from one
	// header template) and scroll sideways for two seeds at 1024 px.
	if v != nil {
		for k := g.widths; k < len(v.seeds); k++ {
			g.table.SetColumnWidth(k, gridThumb+2*theme.Padding())
		}
		g.widths = max(g.widths, len(v.seeds))
	}
	clear(g.byPath)
	for r, c := range rows {
		for k, s := range c.shots {
			if s.image != "" {
				g.byPath[s.image] = widget.TableCellID{Row: r, Col: k}
			}
		}
	}
	g.table.Refresh()
}

// shot returns the shot at id, or nil.
func (g *learnGrid) shot(id widget.TableCellID) (*learnCell, *learnShot) {
	if id.Row < 0 || id.Row >= len(g.rows) {
		return nil, nil
	}
	c := g.rows[id.Row]
	if id.Col < 0 || id.Col >= len(c.shots) {
		return nil, nil
	}
	return c, &c.shots[id.Col]
}

// current returns the selected shot, or nil.
func (g *learnGrid) current() (*learnCell, *learnShot) {
	if !g.hasSel {
		return nil, nil
	}
	return g.shot(g.selected)
}

// selectJob selects the shot of a job (after a reload or a sort), or
// clears the selection when the job is not shown.
func (g *learnGrid) selectJob(jobID string) {
	for r, c := range g.rows {
		for k, s := range c.shots {
			if jobID != "" && s.jobID == jobID {
				id := widget.TableCellID{Row: r, Col: k}
				g.table.Select(id)
				return
			}
		}
	}
	g.hasSel = false
	g.table.UnselectAll()
	if g.onSelect != nil {
		g.onSelect(nil, nil)
	}
}

func (g *learnGrid) length() (int, int) {
	if g.view == nil {
		return 0, 0
	}
	return len(g.rows), len(g.view.seeds)
}

func (g *learnGrid) onSelected(id widget.TableCellID) {
	g.selected, g.hasSel = id, true
	if g.onSelect != nil {
		c, s := g.shot(id)
		g.onSelect(c, s)
	}
}

// onThumb refreshes the place showing path once its thumbnail arrived.
func (g *learnGrid) onThumb(path string) {
	if id, ok := g.byPath[path]; ok {
		g.table.RefreshItem(id)
	}
}

// gridCell is one place of the grid: the thumbnail, and below it the
// rating or the job's state. Its texts are canvas.Text, cut to fit by
// rune count: the table refreshes its places and headers often (every
// thumbnail that arrives), and a truncating widget.Label shapes its text
// again on every refresh, which took over a frame for a screenful.
type gridCell struct {
	img   *canvas.Image
	state *canvas.Text
	bg    *canvas.Rectangle
}

// gridCellChars is how many characters fit under a thumbnail.
const gridCellChars = 16

func newGridCell() fyne.CanvasObject {
	c := &gridCell{
		img:   &canvas.Image{FillMode: canvas.ImageFillContain, ScaleMode: canvas.ImageScaleFastest},
		state: &canvas.Text{Alignment: fyne.TextAlignCenter, TextSize: theme.CaptionTextSize(), Color: theme.Color(theme.ColorNameForeground)},
		bg:    canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground)),
	}
	line := fyne.MeasureText("Ag", c.state.TextSize, c.state.TextStyle).Height
	return newPartsWidget(container.New(&placeLayout{line: line}, c.bg, c.img, c.state), c)
}

// partsWidget is a widget drawing a container, carrying its parts (a
// *gridCell or a *gridHeader) for the table's update callbacks. A plain
// struct embedding *fyne.Container would not do: the canvas draws the
// children of containers and widgets only.
type partsWidget struct {
	widget.BaseWidget
	content fyne.CanvasObject
	parts   any
}

func newPartsWidget(content fyne.CanvasObject, parts any) *partsWidget {
	w := &partsWidget{content: content, parts: parts}
	w.ExtendBaseWidget(w)
	return w
}

// CreateRenderer draws the content.
func (w *partsWidget) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(w.content)
}

// placeLayout lays out a grid place: the background and the thumbnail
// fill it above one line of text. It never asks its objects for their
// minimum size: the table lays its places and headers out again on every
// refresh, and measuring text each time was most of a refresh's cost.
type placeLayout struct{ line float32 }

// Layout places the background and the image above the text line.
func (l *placeLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	top := fyne.NewSize(size.Width, max(size.Height-l.line, 0))
	for i, o := range objs {
		if i == len(objs)-1 {
			o.Move(fyne.NewPos(0, top.Height))
			o.Resize(fyne.NewSize(size.Width, l.line))
			continue
		}
		o.Move(fyne.Position{})
		o.Resize(top)
	}
}

// MinSize is a thumbnail and a line.
func (l *placeLayout) MinSize([]fyne.CanvasObject) fyne.Size {
	return fyne.NewSize(gridThumb, gridThumb+l.line)
}

// headerLayout lays out a header's two lines at fixed heights, for the
// reason given at placeLayout.
type headerLayout struct{ title, sub float32 }

// Layout places the lines.
func (l *headerLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	w := max(size.Width-2*pad, 0)
	objs[0].Move(fyne.NewPos(pad, pad))
	objs[0].Resize(fyne.NewSize(w, l.title))
	objs[1].Move(fyne.NewPos(pad, pad+l.title))
	objs[1].Resize(fyne.NewSize(w, l.sub))
}

// MinSize is the header width and both lines.
func (l *headerLayout) MinSize([]fyne.CanvasObject) fyne.Size {
	return fyne.NewSize(gridHeaderWidth, l.title+l.sub+2*theme.Padding())
}

func (g *learnGrid) updateCell(id widget.TableCellID, o fyne.CanvasObject) {
	w, ok := o.(*partsWidget)
	if !ok {
		return
	}
	c, ok := w.parts.(*gridCell)
	if !ok {
		return
	}
	_, s := g.shot(id)
	var img image.Image
	text, imp := "", widget.MediumImportance
	switch {
	case s == nil || s.jobID == "":
		text, imp = "–", widget.LowImportance
	case s.status == queue.StatusCompleted:
		if s.image != "" {
			img, _ = g.thumbs.get(s.image)
		}
		text = stars(s.stars)
		if s.stars == 0 {
			text, imp = "not rated", widget.LowImportance
		}
	case s.status == queue.StatusFailed:
		text, imp = "failed: "+s.err, widget.DangerImportance
	case s.status == queue.StatusCancelled:
		text, imp = "cancelled", widget.WarningImportance
	case s.status == queue.StatusRunning:
		text, imp = "running…", widget.LowImportance
	case s.status == "":
		text, imp = "removed", widget.WarningImportance
	default:
		text, imp = "queued", widget.LowImportance
	}
	if c.img.Image != img {
		c.img.Image = img
		c.img.Refresh()
	}
	setText(c.state, text, gridCellChars, importanceColor(imp))
}

// stars draws a 1–5 rating as "★★★☆☆".
func stars(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat("★", n) + strings.Repeat("☆", 5-n)
}

// gridHeader is a row or column header: two lines, canvas.Text for the
// reason given at gridCell.
type gridHeader struct {
	title, sub *canvas.Text
}

// gridHeaderChars is how many characters fit in a row header.
const gridHeaderChars = 22

func newGridHeader() fyne.CanvasObject {
	h := &gridHeader{
		title: &canvas.Text{TextStyle: fyne.TextStyle{Bold: true}, TextSize: theme.TextSize(), Color: theme.Color(theme.ColorNameForeground)},
		sub:   &canvas.Text{TextSize: theme.CaptionTextSize(), Color: theme.Color(theme.ColorNameDisabled)},
	}
	l := &headerLayout{
		title: fyne.MeasureText("Ag", h.title.TextSize, h.title.TextStyle).Height,
		sub:   fyne.MeasureText("Ag", h.sub.TextSize, h.sub.TextStyle).Height,
	}
	return newPartsWidget(container.New(l, h.title, h.sub), h)
}

func (g *learnGrid) updateHeader(id widget.TableCellID, o fyne.CanvasObject) {
	w, ok := o.(*partsWidget)
	if !ok || g.view == nil {
		return
	}
	h, ok := w.parts.(*gridHeader)
	if !ok {
		return
	}
	title, sub := "", ""
	switch {
	case id.Row < 0 && id.Col < 0:
		title = "cell"
		sub = "seed →"
	case id.Row < 0:
		if id.Col < len(g.view.seeds) {
			title = fmt.Sprintf("seed %d", id.Col+1)
			sub = fmt.Sprint(g.view.seeds[id.Col])
		}
	case id.Row < len(g.rows):
		c := g.rows[id.Row]
		title = c.label()
		sub = "not rated"
		if c.rated > 0 {
			sub = fmt.Sprintf("%.2f★ over %d", c.mean, c.rated)
		}
		if g.view.best == c.index {
			sub += " · best"
		}
	}
	setText(h.title, title, gridHeaderChars, theme.Color(theme.ColorNameForeground))
	setText(h.sub, sub, gridHeaderChars+6, theme.Color(theme.ColorNameDisabled))
}

// importanceColor is the text colour of an importance.
func importanceColor(imp widget.Importance) color.Color {
	switch imp {
	case widget.DangerImportance:
		return theme.Color(theme.ColorNameError)
	case widget.WarningImportance:
		return theme.Color(theme.ColorNameWarning)
	case widget.LowImportance:
		return theme.Color(theme.ColorNameDisabled)
	}
	return theme.Color(theme.ColorNameForeground)
}

// setText sets a canvas.Text's text, cut to max characters, and colour,
// refreshing it only when they changed.
func setText(t *canvas.Text, text string, max int, c color.Color) {
	text = oneLine(text, max)
	if t.Text == text && t.Color == c {
		return
	}
	t.Text, t.Color = text, c
	t.Refresh()
}
