// Package grid draws a Learning experiment's contact sheet: one column per
// X value, one row per Y value and seed, each tile the image of that cell
// and seed (or why there is none), with the axis values, the seeds and the
// fixed settings written around it. It knows nothing of experiments or
// the queue: the caller describes the sheet as plain data.
package grid

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	_ "image/jpeg" // outputs may be JPEG
	"os"
	"runtime"
	"strings"
	"sync"

	_ "golang.org/x/image/webp" // outputs may be WebP

	"stablenew/pipeline/output"
)

// Limits of a sheet.
const (
	// MaxTiles bounds the tiles of one sheet (an experiment makes at most
	// 512 jobs).
	MaxTiles = 4096
	// DefaultTileSize is the long side of a tile's image, in pixels.
	DefaultTileSize = 160
	// minTileSize and maxTileSize bound Sheet.TileSize.
	minTileSize = 32
	maxTileSize = 1024
)

// Sheet describes a contact sheet.
type Sheet struct {
	// Title is the first line (the experiment id and prompt).
	Title string
	// XLabel names the setting across; XValues are its values, one column
	// each.
	XLabel  string
	XValues []string
	// YLabel names the setting down ("" when only X varies); YValues are
	// its values ([""] when only X varies). Each Y value has one row per
	// seed.
	YLabel  string
	YValues []string
	Seeds   []int64
	// Tiles[y][x][k] is the tile of Y value y, X value x and seed k.
	Tiles [][][]Tile
	// Footer lines: the fixed settings.
	Footer []string
	// TileSize is the long side of each tile's image (0: DefaultTileSize).
	TileSize int
	// Thumbs, when set, caches the tiles' images (for tiles up to
	// ThumbSize).
	Thumbs *Thumbs
}

// Tile is one image of the sheet.
type Tile struct {
	// Path is the image file ("" when the job made none).
	Path string
	// Failed is why the job failed ("" when it did not).
	Failed string
	// Note says why a tile without an image is blank: "queued",
	// "running", "cancelled", "removed from history".
	Note string
	// Stars is the image's rating (0: not rated).
	Stars int
}

// Colours of the sheet.
var (
	background = color.NRGBA{0xff, 0xff, 0xff, 0xff}
	ink        = color.NRGBA{0x20, 0x20, 0x20, 0xff}
	faint      = color.NRGBA{0x70, 0x70, 0x70, 0xff}
	blankTile  = color.NRGBA{0xe8, 0xe8, 0xe8, 0xff}
	failedTile = color.NRGBA{0xfb, 0xe3, 0xe3, 0xff}
	failedInk  = color.NRGBA{0xa0, 0x10, 0x10, 0xff}
	starsBack  = color.NRGBA{0x00, 0x00, 0x00, 0xb0}
	starsInk   = color.NRGBA{0xff, 0xd7, 0x40, 0xff}
)

// check refuses a sheet that cannot be drawn.
func (s *Sheet) check() error {
	if len(s.XValues) == 0 || len(s.YValues) == 0 || len(s.Seeds) == 0 {
		return errors.New("grid: no columns, rows or seeds")
	}
	if n := len(s.XValues) * len(s.YValues) * len(s.Seeds); n > MaxTiles {
		return fmt.Errorf("grid: %d tiles, over the limit of %d", n, MaxTiles)
	}
	if s.TileSize != 0 && (s.TileSize < minTileSize || s.TileSize > maxTileSize) {
		return fmt.Errorf("grid: tile size %d is outside %d–%d", s.TileSize, minTileSize, maxTileSize)
	}
	if len(s.Tiles) != len(s.YValues) {
		return fmt.Errorf("grid: %d rows of tiles for %d Y values", len(s.Tiles), len(s.YValues))
	}
	for y := range s.Tiles {
		if len(s.Tiles[y]) != len(s.XValues) {
			return fmt.Errorf("grid: row %d has %d columns for %d X values", y+1, len(s.Tiles[y]), len(s.XValues))
		}
		for x := range s.Tiles[y] {
			if len(s.Tiles[y][x]) != len(s.Seeds) {
				return fmt.Errorf("grid: cell %d,%d has %d tiles for %d seeds", x+1, y+1, len(s.Tiles[y][x]), len(s.Seeds))
			}
		}
	}
	return nil
}

// Spacing of a sheet, in pixels.
const pad, gap = 12, 4

// layout is where a sheet's parts go.
type layout struct {
	side, lh        int
	labelW, width   int
	x0, y0          int // the first tile's top left
	gridW, gridH    int
	groupGap, seeds int
	rowLabels       []string
	footer          []string
}

// rowY is the top of row r (Y value × seed) below y0: rows of two Y
// values are a wider gap apart.
func (l *layout) rowY(r int) int { return r*(l.side+gap) + r/l.seeds*l.groupGap }

// tile is the rectangle of the tile of Y value yi, X value xi and seed k.
func (l *layout) tile(yi, xi, k int) image.Rectangle {
	m := image.Pt(l.x0+xi*(l.side+gap), l.y0+l.rowY(yi*l.seeds+k))
	return image.Rectangle{Min: m, Max: m.Add(image.Pt(l.side, l.side))}
}

// layOut places the sheet's parts.
func (s *Sheet) layOut(f *faces) *layout {
	l := &layout{side: s.TileSize, lh: f.lineHeight(), seeds: len(s.Seeds)}
	if l.side == 0 {
		l.side = DefaultTileSize
	}
	for _, y := range s.YValues {
		for _, seed := range s.Seeds {
			label := fmt.Sprintf("seed %d", seed)
			if s.YLabel != "" {
				label = y + " · " + label
			}
			l.rowLabels = append(l.rowLabels, label)
		}
	}
	for _, label := range l.rowLabels {
		l.labelW = max(l.labelW, f.width(label))
	}
	if s.YLabel != "" {
		l.labelW = max(l.labelW, f.width(s.YLabel+" ↓"))
		l.groupGap = 3 * gap
	}
	l.labelW = min(l.labelW, 3*l.side) + pad
	l.gridW = len(s.XValues)*(l.side+gap) - gap
	l.width = max(pad+l.labelW+l.gridW+pad, 480)
	for _, line := range s.Footer {
		l.footer = append(l.footer, f.wrap(line, l.width-2*pad)...)
	}
	l.x0, l.y0 = pad+l.labelW, pad+3*l.lh+gap
	l.gridH = l.rowY(len(l.rowLabels)-1) + l.side
	return l
}

// Render draws the sheet. Images that cannot be read become blank tiles
// that say so; Render fails only on a sheet that does not fit its values.
func Render(s *Sheet) (*image.RGBA, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	f := newFaces()
	l := s.layOut(f)
	height := l.y0 + l.gridH + pad + len(l.footer)*l.lh + pad
	img := image.NewRGBA(image.Rect(0, 0, l.width, height))
	draw.Draw(img, img.Bounds(), image.NewUniform(background), image.Point{}, draw.Src)

	// Header: title, X label, X values. Left: Y value and seed per row.
	f.text(img, pad, pad, l.width-2*pad, s.Title, ink)
	f.text(img, l.x0, pad+l.lh, l.gridW, s.XLabel+" →", faint)
	if s.YLabel != "" {
		f.text(img, pad, pad+l.lh, l.labelW-pad, s.YLabel+" ↓", faint)
	}
	for i, v := range s.XValues {
		f.text(img, l.x0+i*(l.side+gap), pad+2*l.lh, l.side, v, ink)
	}
	for r, label := range l.rowLabels {
		f.text(img, pad, l.y0+l.rowY(r)+l.side/2-l.lh/2, l.labelW-pad, label, ink)
	}

	// Tiles: images decoded in parallel, each drawn into its own rectangle.
	load := decode
	if s.Thumbs != nil && l.side <= ThumbSize {
		load = s.Thumbs.Load
	}
	type job struct {
		tile Tile
		rect image.Rectangle
	}
	jobs := make(chan job)
	var wg sync.WaitGroup
	for range max(1, runtime.GOMAXPROCS(0)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			wf := newFaces() // a face per goroutine
			for j := range jobs {
				drawTile(img, j.rect, j.tile, wf, load)
			}
		}()
	}
	for yi := range s.YValues {
		for xi := range s.XValues {
			for k := range s.Seeds {
				jobs <- job{tile: s.Tiles[yi][xi][k], rect: l.tile(yi, xi, k)}
			}
		}
	}
	close(jobs)
	wg.Wait()

	fy := l.y0 + l.gridH + pad
	for i, line := range l.footer {
		f.text(img, pad, fy+i*l.lh, l.width-2*pad, line, faint)
	}
	return img, nil
}

// drawTile draws one tile into r: the image scaled to fit, or a blank or
// failed tile with its reason; the rating in the corner. Each call draws
// only inside r, so tiles draw in parallel.
func drawTile(dst *image.RGBA, r image.Rectangle, t Tile, f *faces, load func(string) (image.Image, error)) {
	if t.Failed != "" {
		fill(dst, r, failedTile)
		f.wrapped(dst, r.Inset(6), "failed: "+t.Failed, failedInk)
		return
	}
	if t.Path == "" {
		fill(dst, r, blankTile)
		note := t.Note
		if note == "" {
			note = "no image"
		}
		f.wrapped(dst, r.Inset(6), note, faint)
		return
	}
	src, err := load(t.Path)
	if err != nil {
		fill(dst, r, blankTile)
		f.wrapped(dst, r.Inset(6), "cannot read the image: "+err.Error(), faint)
		return
	}
	fill(dst, r, blankTile)
	scaleInto(dst, r, src)
	if t.Stars > 0 {
		label := fmt.Sprintf("%d/5", t.Stars)
		w, lh := f.width(label)+8, f.lineHeight()
		box := image.Rect(r.Max.X-w, r.Max.Y-lh-2, r.Max.X, r.Max.Y)
		draw.Draw(dst, box, image.NewUniform(starsBack), image.Point{}, draw.Over)
		f.text(dst, box.Min.X+4, box.Min.Y+1, w, label, starsInk)
	}
}

// decode reads an image file (PNG, JPEG or WebP).
func decode(path string) (image.Image, error) {
	fh, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, errors.New("the file is gone")
		}
		return nil, err
	}
	defer fh.Close()
	img, _, err := image.Decode(fh)
	return img, err
}

func fill(dst *image.RGBA, r image.Rectangle, c color.NRGBA) {
	draw.Draw(dst, r, image.NewUniform(c), image.Point{}, draw.Src)
}

// scaleInto draws src into r, scaled to fit and centred, by averaging (up
// to 4×4 of) the source pixels each destination pixel covers: a box filter,
// sharp enough for a contact sheet, and fast. Small images are enlarged.
func scaleInto(dst *image.RGBA, r image.Rectangle, src image.Image) {
	b := src.Bounds()
	sw, sh := b.Dx(), b.Dy()
	if sw == 0 || sh == 0 {
		return
	}
	tw, th := r.Dx(), r.Dy()
	if sw*th > sh*tw {
		th = max(1, sh*tw/sw)
	} else {
		tw = max(1, sw*th/sh)
	}
	off := image.Pt(r.Min.X+(r.Dx()-tw)/2, r.Min.Y+(r.Dy()-th)/2)
	at := rgbaAt(src)
	for y := 0; y < th; y++ {
		sy0, sy1 := b.Min.Y+y*sh/th, b.Min.Y+max((y+1)*sh/th, y*sh/th+1)
		row := dst.Pix[dst.PixOffset(off.X, off.Y+y):]
		for x := 0; x < tw; x++ {
			sx0, sx1 := b.Min.X+x*sw/tw, b.Min.X+max((x+1)*sw/tw, x*sw/tw+1)
			// Sample at most 4×4 source pixels per destination pixel.
			stepY, stepX := max(1, (sy1-sy0)/4), max(1, (sx1-sx0)/4)
			var rs, gs, bs, n uint32
			for yy := sy0; yy < sy1; yy += stepY {
				for xx := sx0; xx < sx1; xx += stepX {
					r8, g8, b8 := at(xx, yy)
					rs, gs, bs, n = rs+uint32(r8), gs+uint32(g8), bs+uint32(b8), n+1
				}
			}
			p := row[x*4 : x*4+4 : x*4+4]
			p[0], p[1], p[2], p[3] = uint8(rs/n), uint8(gs/n), uint8(bs/n), 0xff
		}
	}
}

// rgbaAt returns a fast pixel reader for the common decoded types.
func rgbaAt(src image.Image) func(x, y int) (uint8, uint8, uint8) {
	switch m := src.(type) {
	case *image.NRGBA:
		return func(x, y int) (uint8, uint8, uint8) {
			i := m.PixOffset(x, y)
			return m.Pix[i], m.Pix[i+1], m.Pix[i+2]
		}
	case *image.RGBA:
		return func(x, y int) (uint8, uint8, uint8) {
			i := m.PixOffset(x, y)
			return m.Pix[i], m.Pix[i+1], m.Pix[i+2]
		}
	case *image.YCbCr:
		return func(x, y int) (uint8, uint8, uint8) {
			yi, ci := m.YOffset(x, y), m.COffset(x, y)
			return color.YCbCrToRGB(m.Y[yi], m.Cb[ci], m.Cr[ci])
		}
	}
	return func(x, y int) (uint8, uint8, uint8) {
		c := color.NRGBAModel.Convert(src.At(x, y)).(color.NRGBA)
		return c.R, c.G, c.B
	}
}

// Encode renders the sheet and encodes it as PNG with the text chunks
// (the StableNew chunk that describes the experiment) before its pixels.
func Encode(s *Sheet, chunks []output.TextChunk) ([]byte, error) {
	img, err := Render(s)
	if err != nil {
		return nil, err
	}
	data, err := encodeOpaque(img)
	if err != nil {
		return nil, fmt.Errorf("grid: encode: %w", err)
	}
	if len(chunks) == 0 {
		return data, nil
	}
	return output.AddPNGText(data, chunks)
}

// Write renders the sheet and writes it to path atomically (a temporary
// file renamed over path: never a half-written sheet).
func Write(path string, s *Sheet, chunks []output.TextChunk) error {
	if !strings.EqualFold(pathExt(path), ".png") {
		return fmt.Errorf("grid: %s: the sheet is a PNG; give a file name ending in .png", path)
	}
	data, err := Encode(s, chunks)
	if err != nil {
		return err
	}
	return output.WriteFileAtomic(path, data)
}

func pathExt(p string) string {
	if i := strings.LastIndexByte(p, '.'); i >= 0 && !strings.ContainsAny(p[i:], `/\`) {
		return p[i:]
	}
	return ""
}
