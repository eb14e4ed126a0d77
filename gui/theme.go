package gui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// stableTheme is Fyne's default theme with StableNew's accent colour, a
// fixed variant (dark unless the settings say light) and slightly tighter
// sizes, so that the three dense columns fit a 1280×800 screen.
type stableTheme struct {
	fyne.Theme
	variant fyne.ThemeVariant
	// early marks the theme UseTheme set, whose variant the window sets
	// once the settings are read.
	early bool
}

// newTheme returns the theme for the settings' theme name ("light" or
// anything else for dark).
func newTheme(name string) *stableTheme {
	return &stableTheme{Theme: theme.DefaultTheme(), variant: themeVariant(name)}
}

// themeVariant is the variant a settings' theme name stands for.
func themeVariant(name string) fyne.ThemeVariant {
	if name == "light" {
		return theme.VariantLight
	}
	return theme.VariantDark
}

// UseTheme gives a StableNew's theme before the settings are read, so that
// LoadFonts can run on another goroutine while they are: the window then
// only sets the settings' variant on it (applyTheme), which no font
// lookup reads. Call it on the UI goroutine before anything reads the
// theme.
func UseTheme(a fyne.App) {
	th := newTheme("")
	th.early = true
	a.Settings().SetTheme(th)
}

// applyTheme gives the app the theme the settings name. A theme set by
// UseTheme only takes the settings' variant, in place: SetTheme would
// write the app's theme while LoadFonts may be reading it.
func applyTheme(a fyne.App, name string) {
	if th, ok := a.Settings().Theme().(*stableTheme); ok && th.early {
		th.variant = themeVariant(name)
		th.early = false
		return
	}
	a.Settings().SetTheme(newTheme(name))
}

// Accent colours: a violet that reads on both backgrounds.
var (
	accentDark  = color.NRGBA{R: 0x9d, G: 0x7c, B: 0xf4, A: 0xff}
	accentLight = color.NRGBA{R: 0x6a, G: 0x4c, B: 0xd6, A: 0xff}
)

// Color overrides the primary colour and pins the variant.
func (t *stableTheme) Color(name fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	switch name {
	case theme.ColorNamePrimary, theme.ColorNameFocus:
		c := accentDark
		if t.variant == theme.VariantLight {
			c = accentLight
		}
		if name == theme.ColorNameFocus {
			c.A = 0x80
		}
		return c
	case theme.ColorNameHyperlink:
		if t.variant == theme.VariantDark {
			return accentDark
		}
	}
	return t.Theme.Color(name, t.variant)
}

// Size tightens the paddings a little.
func (t *stableTheme) Size(name fyne.ThemeSizeName) float32 {
	switch name {
	case theme.SizeNamePadding:
		return 3
	case theme.SizeNameInnerPadding:
		return 6
	case theme.SizeNameText:
		return 13
	case theme.SizeNameHeadingText:
		return 19
	case theme.SizeNameSubHeadingText:
		return 15
	}
	return t.Theme.Size(name)
}

// LoadFonts loads the font faces of the text styles the first window draws
// (regular, and bold for headings), which Fyne otherwise loads while it
// lays the window out. It may run on any goroutine once the app's theme is
// set (UseTheme), beside the opening of the services and the making of
// the native window; it only fills Fyne's font cache. The monospace face
// (2.5 MB parsed) loads when the Details log first shows.
func LoadFonts() {
	for _, s := range []fyne.TextStyle{{}, {Bold: true}} {
		fyne.MeasureText("StableNew", theme.TextSize(), s)
	}
}
