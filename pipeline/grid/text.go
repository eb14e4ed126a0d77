package grid

import (
	"image"
	"image/color"
	"strings"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// fontSize is the labels' size in points at 72 dpi (pixels).
const fontSize = 13

var (
	parseOnce  sync.Once
	parsedFont *opentype.Font
	parseErr   error
)

// faces draws text with the Go font (embedded in the module: no system
// font needed). A face is not safe for concurrent use: each goroutine
// makes its own with newFaces.
type faces struct {
	face font.Face
}

func newFaces() *faces {
	parseOnce.Do(func() { parsedFont, parseErr = opentype.Parse(goregular.TTF) })
	if parseErr == nil {
		if f, err := opentype.NewFace(parsedFont, &opentype.FaceOptions{Size: fontSize, DPI: 72, Hinting: font.HintingFull}); err == nil {
			return &faces{face: f}
		}
	}
	// The embedded font always parses; this is a fallback, not a path.
	return &faces{face: basicFace()}
}

func (f *faces) lineHeight() int { return f.face.Metrics().Height.Ceil() + 2 }

func (f *faces) width(s string) int { return font.MeasureString(f.face, s).Ceil() }

// text draws one line at (x, y) (its top), clipped to w pixels: a line too
// long ends with "…".
func (f *faces) text(dst *image.RGBA, x, y, w int, s string, c color.Color) {
	s = f.fit(s, w)
	clip := dst.SubImage(image.Rect(x, y, x+w, y+f.lineHeight())).(*image.RGBA)
	d := font.Drawer{Dst: clip, Src: image.NewUniform(c), Face: f.face,
		Dot: fixed.P(x, y+f.face.Metrics().Ascent.Ceil()+1)}
	d.DrawString(s)
}

// fit shortens s to w pixels, ending it with "…" when cut.
func (f *faces) fit(s string, w int) string {
	if f.width(s) <= w {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && f.width(string(r)+"…") > w {
		r = r[:len(r)-1]
	}
	return string(r) + "…"
}

// wrap breaks s into lines of at most w pixels at spaces (a word longer
// than a line is cut when drawn).
func (f *faces) wrap(s string, w int) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(s) {
		next := strings.TrimSpace(line + " " + word)
		if line != "" && f.width(next) > w {
			lines = append(lines, line)
			line = word
			continue
		}
		line = next
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

// wrapped draws s word-wrapped inside r; lines that do not fit are left
// out, the last shown ending with "…".
func (f *faces) wrapped(dst *image.RGBA, r image.Rectangle, s string, c color.Color) {
	lh := f.lineHeight()
	maxLines := max(1, r.Dy()/lh)
	lines := f.wrap(s, r.Dx())
	if len(lines) > maxLines {
		lines = lines[:maxLines]
		lines[maxLines-1] += " …"
	}
	for i, l := range lines {
		f.text(dst, r.Min.X, r.Min.Y+i*lh, r.Dx(), l, c)
	}
}

func basicFace() font.Face { return basicfont.Face7x13 }
