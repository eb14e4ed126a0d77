package gui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// appCard is a titled section of the sidebar or a stage card: Fyne's Card,
// laid out the same, with a one-pixel rounded outline in the theme's
// separator colour where the Card draws its shadow. The shadow is eight
// gradients, and the GL painter makes an image and a texture for each of
// them, which a software renderer keeps in memory: with the five cards of
// the first view, about 4 MB and the time to fill forty images in the
// first frame (docs/benchmarks.md, issue 15, ninth session).
type appCard struct {
	widget.BaseWidget
	Title, Subtitle string
	Content         fyne.CanvasObject
}

// newAppCard returns a card with a title (may be ""), a subtitle (may be
// "") and content.
func newAppCard(title, subtitle string, content fyne.CanvasObject) *appCard {
	c := &appCard{Title: title, Subtitle: subtitle, Content: content}
	c.ExtendBaseWidget(c)
	return c
}

// parts is the card's content, for holds.
func (c *appCard) parts() []fyne.CanvasObject { return []fyne.CanvasObject{c.Content} }

// CreateRenderer makes the card's outline, title and subtitle.
func (c *appCard) CreateRenderer() fyne.WidgetRenderer {
	c.ExtendBaseWidget(c)
	r := &appCardRenderer{card: c, outline: &canvas.Rectangle{FillColor: color.Transparent, StrokeWidth: 1},
		header: &canvas.Text{TextStyle: fyne.TextStyle{Bold: true}}, subHeader: &canvas.Text{}}
	r.update()
	return r
}

// appCardRenderer lays an appCard out as Fyne's card renderer does.
type appCardRenderer struct {
	card              *appCard
	outline           *canvas.Rectangle
	header, subHeader *canvas.Text
	objects           []fyne.CanvasObject
}

// update takes the card's texts and content and the theme's colours and
// sizes.
func (r *appCardRenderer) update() {
	c := r.card
	th := c.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	fg := th.Color(theme.ColorNameForeground, v)
	r.outline.StrokeColor = th.Color(theme.ColorNameSeparator, v)
	r.outline.CornerRadius = th.Size(theme.SizeNameInputRadius)
	r.header.Text, r.header.Color, r.header.TextSize = c.Title, fg, th.Size(theme.SizeNameHeadingText)
	r.subHeader.Text, r.subHeader.Color, r.subHeader.TextSize = c.Subtitle, fg, th.Size(theme.SizeNameText)
	r.objects = append(r.objects[:0], r.outline)
	if c.Title != "" {
		r.objects = append(r.objects, r.header)
	}
	if c.Subtitle != "" {
		r.objects = append(r.objects, r.subHeader)
	}
	if c.Content != nil {
		r.objects = append(r.objects, c.Content)
	}
}

func (r *appCardRenderer) Destroy() {}

func (r *appCardRenderer) Objects() []fyne.CanvasObject { return r.objects }

// Layout places the outline where the Card's shadow is, and the title,
// subtitle and content as the Card does.
func (r *appCardRenderer) Layout(size fyne.Size) {
	c := r.card
	padding := c.Theme().Size(theme.SizeNamePadding)
	pos := fyne.NewSquareOffsetPos(padding / 2)
	size = size.Subtract(fyne.NewSquareSize(padding))
	r.outline.Move(pos)
	r.outline.Resize(size)
	titled := c.Title != "" || c.Subtitle != ""
	if titled {
		titlePad := padding * 2
		size.Width -= titlePad * 2
		pos.X += titlePad
		pos.Y += titlePad
		if c.Title != "" {
			height := r.header.MinSize().Height
			r.header.Move(pos)
			r.header.Resize(fyne.NewSize(size.Width, height))
			pos.Y += height + padding
		}
		if c.Subtitle != "" {
			height := r.subHeader.MinSize().Height
			r.subHeader.Move(pos)
			r.subHeader.Resize(fyne.NewSize(size.Width, height))
			pos.Y += height + padding
		}
		size.Width += titlePad * 2
		pos.X -= titlePad
		pos.Y += titlePad
	}
	size.Width -= padding * 2
	pos.X += padding
	if c.Content != nil {
		height := size.Height - padding*2 - (pos.Y - padding/2)
		if titled {
			height += padding
			pos.Y -= padding
		}
		c.Content.Move(pos.Add(fyne.NewPos(0, padding)))
		c.Content.Resize(fyne.NewSize(size.Width, height))
	}
}

// MinSize is the Card's: the texts and the content with their padding.
func (r *appCardRenderer) MinSize() fyne.Size {
	c := r.card
	padding := c.Theme().Size(theme.SizeNamePadding)
	hasHeader, hasSubHeader := c.Title != "", c.Subtitle != ""
	if !hasHeader && !hasSubHeader && c.Content == nil {
		return fyne.NewSquareSize(padding)
	}
	min := fyne.NewSquareSize(padding)
	if hasHeader || hasSubHeader {
		titlePad := padding * 2
		min.Height += titlePad * 2
		if hasHeader {
			h := r.header.MinSize()
			min = fyne.NewSize(fyne.Max(min.Width, h.Width+titlePad*2+padding), min.Height+h.Height)
			if hasSubHeader {
				min.Height += padding
			}
		}
		if hasSubHeader {
			s := r.subHeader.MinSize()
			min = fyne.NewSize(fyne.Max(min.Width, s.Width+titlePad*2+padding), min.Height+s.Height)
		}
	}
	if c.Content != nil {
		cm := c.Content.MinSize()
		min = fyne.NewSize(fyne.Max(min.Width, cm.Width+padding*3), min.Height+cm.Height+padding*2)
	}
	return min
}

// Refresh takes new texts, content or theme.
func (r *appCardRenderer) Refresh() {
	r.update()
	r.outline.Refresh()
	r.header.Refresh()
	r.subHeader.Refresh()
	r.Layout(r.card.Size())
	canvas.Refresh(r.card)
}
