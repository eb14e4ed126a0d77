package grid

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math/rand"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"stablenew/pipeline/output"
)

// writePNG writes a w×h PNG filled with c and returns its path.
func writePNG(t testing.TB, dir, name string, w, h int, c color.NRGBA) string {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = c.R, c.G, c.B, c.A
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// tileCentre is the centre of the tile at column x and row r (the sheets
// of these tests have one Y value).
func tileCentre(s *Sheet, x, r int) image.Point {
	t := s.layOut(newFaces()).tile(0, x, r)
	return t.Min.Add(t.Max).Div(2)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// A sheet shows each tile's image, a failed job's reason on a red tile and
// a blank tile for a job without an image; a file that cannot be read is a
// blank tile too, not a failure of the sheet.
func TestRenderTiles(t *testing.T) {
	dir := t.TempDir()
	red := writePNG(t, dir, "red.png", 300, 200, color.NRGBA{0xff, 0, 0, 0xff})
	blue := writePNG(t, dir, "blue.png", 40, 40, color.NRGBA{0, 0, 0xff, 0xff})
	notPNG := filepath.Join(dir, "bad.png")
	if err := os.WriteFile(notPNG, []byte("not an image"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := &Sheet{Title: "Experiment x1", XLabel: "txt2img.cfg_scale", XValues: []string{"5", "7", "9", "11"},
		YValues: []string{""}, Seeds: []int64{1, 2}, TileSize: 64,
		Tiles: [][][]Tile{{
			{{Path: red, Stars: 4}, {Path: blue}},
			{{Failed: "the WebUI ran out of memory"}, {Failed: "x"}},
			{{Note: "queued"}, {}},
			{{Path: filepath.Join(dir, "gone.png")}, {Path: notPNG}},
		}},
		Footer: []string{"Fixed: sampler Euler a · steps 20 · " + strings.Repeat("a very long footer ", 40)},
	}
	img, err := Render(s)
	if err != nil {
		t.Fatal(err)
	}
	at := func(x, r int) color.NRGBA {
		p := tileCentre(s, x, r)
		return nrgba(img.RGBAAt(p.X, p.Y))
	}
	if c := at(0, 0); c != (color.NRGBA{0xff, 0, 0, 0xff}) {
		t.Errorf("the red image's tile is %v", c)
	}
	if c := at(0, 1); c != (color.NRGBA{0, 0, 0xff, 0xff}) {
		t.Errorf("the small blue image is enlarged to its tile: %v", c)
	}
	// Failed and blank tiles: their colour at a corner (text is in the
	// middle).
	corner := func(x, r int) color.NRGBA {
		p := tileCentre(s, x, r)
		return nrgba(img.RGBAAt(p.X+s.TileSize/2-2, p.Y+s.TileSize/2-2))
	}
	if c := corner(1, 0); c != failedTile {
		t.Errorf("a failed job's tile is %v, want %v", c, failedTile)
	}
	for _, xr := range [][2]int{{2, 0}, {2, 1}, {3, 0}, {3, 1}} {
		if c := corner(xr[0], xr[1]); c != blankTile {
			t.Errorf("tile %v is %v, want blank %v", xr, c, blankTile)
		}
	}
	// The failure's reason is written on its tile: some dark red ink.
	if !hasColour(img, tileRect(s, tileCentre(s, 1, 0)), failedInk) {
		t.Error("no failure text on the failed tile")
	}
	// The footer wraps instead of running off the sheet.
	if img.Bounds().Dx() > 1000 {
		t.Errorf("the sheet is %d px wide: the footer did not wrap", img.Bounds().Dx())
	}
}

func tileRect(s *Sheet, c image.Point) image.Rectangle {
	h := s.TileSize / 2
	return image.Rect(c.X-h, c.Y-h, c.X+h, c.Y+h)
}

func hasColour(img *image.RGBA, r image.Rectangle, want color.NRGBA) bool {
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			c := img.RGBAAt(x, y)
			if absDiff(c.R, want.R) < 40 && absDiff(c.G, want.G) < 40 && absDiff(c.B, want.B) < 40 {
				return true
			}
		}
	}
	return false
}

// nrgba is an opaque sheet pixel as NRGBA.
func nrgba(c color.RGBA) color.NRGBA { return color.NRGBA(c) }

func absDiff(a, b uint8) int {
	if a > b {
		return int(a - b)
	}
	return int(b - a)
}

// A sheet whose tiles do not match its values is refused with the reason.
func TestRenderRefusesMismatchedSheets(t *testing.T) {
	ok := func() *Sheet {
		return &Sheet{XValues: []string{"1", "2"}, YValues: []string{""}, Seeds: []int64{1},
			Tiles: [][][]Tile{{{{}}, {{}}}}}
	}
	if _, err := Render(ok()); err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		edit func(s *Sheet)
		msg  string
	}{
		"no columns":   {func(s *Sheet) { s.XValues = nil }, "no columns"},
		"missing row":  {func(s *Sheet) { s.Tiles = nil }, "0 rows of tiles for 1 Y values"},
		"short row":    {func(s *Sheet) { s.Tiles[0] = s.Tiles[0][:1] }, "row 1 has 1 columns for 2 X values"},
		"missing seed": {func(s *Sheet) { s.Tiles[0][1] = nil }, "cell 2,1 has 0 tiles for 1 seeds"},
		"tile too big": {func(s *Sheet) { s.TileSize = 5000 }, "tile size 5000"},
		"too many":     {func(s *Sheet) { s.Seeds = make([]int64, MaxTiles) }, "over the limit"},
	} {
		s := ok()
		tc.edit(s)
		_, err := Render(s)
		if err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: got %v, want %q", name, err, tc.msg)
		}
	}
}

// Write puts the StableNew chunk in the PNG and refuses a name that is not
// .png without writing anything.
func TestWriteCarriesChunk(t *testing.T) {
	dir := t.TempDir()
	s := &Sheet{XValues: []string{"1"}, YValues: []string{""}, Seeds: []int64{1}, Tiles: [][][]Tile{{{{Note: "queued"}}}}}
	chunk := output.TextChunk{Keyword: output.StableNewKeyword, Text: `{"schema":"stablenew/1","stage":"grid"}`}
	p := filepath.Join(dir, "sheet.png")
	if err := Write(p, s, []output.TextChunk{chunk}); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	texts, err := output.ReadPNGText(f)
	if err != nil {
		t.Fatal(err)
	}
	if texts[output.StableNewKeyword] != chunk.Text {
		t.Errorf("chunk %q, want %q", texts[output.StableNewKeyword], chunk.Text)
	}
	if err := Write(filepath.Join(dir, "sheet.jpg"), s, nil); err == nil || !strings.Contains(err.Error(), ".png") {
		t.Errorf("a .jpg name: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("the folder holds %d files, want only sheet.png", len(entries))
	}
}

// noisyPNGs writes n 512×512 PNGs with noise and gradients, as hard to
// decode as renders are.
func noisyPNGs(b testing.TB, dir string, n int) []string {
	rng := rand.New(rand.NewSource(1))
	paths := make([]string, n)
	for i := range paths {
		img := image.NewNRGBA(image.Rect(0, 0, 512, 512))
		for y := 0; y < 512; y++ {
			for x := 0; x < 512; x++ {
				o := img.PixOffset(x, y)
				img.Pix[o] = uint8(x/2 + rng.Intn(24))
				img.Pix[o+1] = uint8(y/2 + rng.Intn(24))
				img.Pix[o+2] = uint8((x + y + i*7) / 4)
				img.Pix[o+3] = 0xff
			}
		}
		var buf bytes.Buffer
		if err := png.Encode(&buf, img); err != nil {
			b.Fatal(err)
		}
		paths[i] = filepath.Join(dir, "img"+string(rune('a'+i%26))+string(rune('a'+i/26))+".png")
		if err := os.WriteFile(paths[i], buf.Bytes(), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	return paths
}

// benchSheet is the sheet of a 10×10×4 experiment (400 tiles of 512×512
// PNGs, 40 distinct files: decoding is the same work either way).
func benchSheet(b *testing.B) *Sheet {
	const nx, ny, seeds = 10, 10, 4
	paths := noisyPNGs(b, b.TempDir(), 40)
	s := &Sheet{Title: "Experiment bench", XLabel: "txt2img.cfg_scale", YLabel: "txt2img.steps", TileSize: 96,
		Seeds: []int64{11, 12, 13, 14}, Footer: []string{"Fixed: model sd_xl_base_1.0 · sampler Euler a · size 512x512"}}
	s.Tiles = make([][][]Tile, ny)
	for y := 0; y < ny; y++ {
		s.XValues = append(s.XValues, itoa(int64(y)))
		s.YValues = append(s.YValues, itoa(int64(20+y)))
		s.Tiles[y] = make([][]Tile, nx)
		for x := 0; x < nx; x++ {
			for k := 0; k < seeds; k++ {
				s.Tiles[y][x] = append(s.Tiles[y][x], Tile{Path: paths[((y*nx+x)*seeds+k)%len(paths)], Stars: k + 1})
			}
		}
	}
	return s
}

// BenchmarkGrid10x10x4 renders and encodes the sheet of a 10×10×4
// experiment as learn grid writes it, once with its thumbnails cached
// (warm: the case once the jobs finished under a running app, which
// caches each experiment image as it arrives) and once decoding every
// render (cold).
func BenchmarkGrid10x10x4(b *testing.B) {
	b.Run("warm", func(b *testing.B) {
		s := benchSheet(b)
		s.Thumbs = &Thumbs{Dir: b.TempDir()}
		if _, err := Encode(s, nil); err != nil {
			b.Fatal(err)
		}
		encodeN(b, s)
	})
	b.Run("cold", func(b *testing.B) {
		s := benchSheet(b)
		encodeN(b, s)
	})
}

// encodeN times b.N encodings of s, reporting the CPU time per sheet too
// (with 2 cores, wall time can be half of it; load inflates it).
func encodeN(b *testing.B, s *Sheet) {
	b.ResetTimer()
	cpu := processCPU()
	for i := 0; i < b.N; i++ {
		if _, err := Encode(s, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64((processCPU()-cpu).Milliseconds())/float64(b.N), "cpu-ms/op")
}

// BenchmarkGridRenderWarm is BenchmarkGrid10x10x4/warm without the PNG
// encoding of the sheet.
func BenchmarkGridRenderWarm(b *testing.B) {
	s := benchSheet(b)
	s.Thumbs = &Thumbs{Dir: b.TempDir()}
	if _, err := Render(s); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Render(s); err != nil {
			b.Fatal(err)
		}
	}
}

// The sheet's PNG decodes to exactly the pixels Render drew.
func TestEncodeDecodesToRender(t *testing.T) {
	dir := t.TempDir()
	s := &Sheet{Title: "x", XLabel: "a.b", XValues: []string{"1", "2"}, YValues: []string{""}, Seeds: []int64{1}, TileSize: 40,
		Tiles: [][][]Tile{{{{Path: noisyPNGs(t, dir, 1)[0], Stars: 3}}, {{Failed: "out of memory"}}}}}
	img, err := Render(s)
	if err != nil {
		t.Fatal(err)
	}
	data, err := Encode(s, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if got.Bounds() != img.Bounds() {
		t.Fatalf("decoded %v, rendered %v", got.Bounds(), img.Bounds())
	}
	for y := 0; y < img.Bounds().Dy(); y++ {
		for x := 0; x < img.Bounds().Dx(); x++ {
			r, g, b, _ := got.At(x, y).RGBA()
			w := img.RGBAAt(x, y)
			if uint8(r>>8) != w.R || uint8(g>>8) != w.G || uint8(b>>8) != w.B {
				t.Fatalf("pixel %d,%d decodes as %d,%d,%d, drawn %v", x, y, r>>8, g>>8, b>>8, w)
			}
		}
	}
}

// Thumbs stores a small copy once and serves it after; an image written
// again gets a new one.
func TestThumbsCache(t *testing.T) {
	dir := t.TempDir()
	src := writePNG(t, dir, "big.png", 600, 300, color.NRGBA{0, 0x80, 0, 0xff})
	th := &Thumbs{Dir: filepath.Join(dir, "thumbs")}
	img, err := th.Load(src)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != ThumbSize || b.Dy() != ThumbSize/2 {
		t.Errorf("thumbnail %v, want %dx%d", b, ThumbSize, ThumbSize/2)
	}
	files, _ := os.ReadDir(th.Dir)
	if len(files) != 1 {
		t.Fatalf("%d cached files, want 1", len(files))
	}
	// The cached copy is what Load serves: overwrite it with red and see.
	writePNG(t, th.Dir, files[0].Name(), 10, 10, color.NRGBA{0xff, 0, 0, 0xff})
	img, err = th.Load(src)
	if err != nil {
		t.Fatal(err)
	}
	if c := color.NRGBAModel.Convert(img.At(1, 1)).(color.NRGBA); c.R != 0xff {
		t.Errorf("Load decoded the original again instead of the cache: %v", c)
	}
	// Written again (another size): a new thumbnail.
	writePNG(t, dir, "big.png", 300, 600, color.NRGBA{0, 0, 0xff, 0xff})
	img, err = th.Load(src)
	if err != nil {
		t.Fatal(err)
	}
	if c := color.NRGBAModel.Convert(img.At(1, 1)).(color.NRGBA); c.B != 0xff {
		t.Errorf("a rewritten image got its old thumbnail: %v", c)
	}
	if _, err := th.Load(filepath.Join(dir, "gone.png")); err == nil {
		t.Error("a missing file loaded")
	}
}
