package gui

import (
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"stablenew/app"
)

// sidebarSection is one foldable section of the sidebar: a header button
// with the card's title that folds or unfolds the card's content. Which
// sections are folded is saved with the window (ViewState.Collapsed).
type sidebarSection struct {
	title  string
	header *widget.Button
	body   fyne.CanvasObject
}

// section makes a built sidebar card foldable: its title becomes a header
// button above its subtitle and content.
func (s *sidebar) section(obj fyne.CanvasObject) fyne.CanvasObject {
	card, ok := obj.(*appCard)
	if !ok || card.Title == "" {
		return obj
	}
	sec := &sidebarSection{title: card.Title}
	body := card.Content
	if card.Subtitle != "" {
		body = container.NewVBox(newHint(card.Subtitle), body)
	}
	sec.body = body
	sec.header = &widget.Button{Text: card.Title, Alignment: widget.ButtonAlignLeading, Importance: widget.LowImportance,
		OnTapped: func() { s.toggle(sec) }}
	s.sections = append(s.sections, sec)
	s.showSection(sec, !slices.Contains(s.mw.State.View().Collapsed, sec.title))
	// A new card without a title: the header button is the title.
	return newCard("", "", container.NewVBox(sec.header, body))
}

// toggle folds or unfolds a section and remembers it.
func (s *sidebar) toggle(sec *sidebarSection) {
	open := !sec.body.Visible()
	s.showSection(sec, open)
	s.mw.State.UpdateView(func(v *app.ViewState) {
		v.Collapsed = slices.DeleteFunc(v.Collapsed, func(t string) bool { return t == sec.title })
		if !open {
			v.Collapsed = append(v.Collapsed, sec.title)
			slices.Sort(v.Collapsed)
		}
	})
}

// showSection shows a section open or folded, its header's icon saying
// which.
func (s *sidebar) showSection(sec *sidebarSection, open bool) {
	setVisible(sec.body, open)
	icon := theme.MenuExpandIcon() // ▸ folded
	if open {
		icon = theme.MenuDropDownIcon() // ▾ open
	}
	sec.header.SetIcon(icon)
}
