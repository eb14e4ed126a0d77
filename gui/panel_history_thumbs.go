package gui

import (
	"container/list"
	"image"
	_ "image/jpeg" // outputs may be JPEG
	_ "image/png"
	"os"

	_ "golang.org/x/image/webp" // outputs may be WebP
)

// Thumbnail limits: side in pixels, cached entries, parallel decodes.
const (
	thumbSize     = 48
	thumbCacheMax = 512
	thumbWorkers  = 2
)

// thumbCache decodes history thumbnails off the UI goroutine, shrinks them
// to thumbSize and keeps the most recently used. get and the callbacks run
// on the UI goroutine; decoding runs on at most thumbWorkers goroutines.
type thumbCache struct {
	h       *panelHub
	entries map[string]*list.Element
	lru     *list.List // front = most recent; values are *thumbEntry
	loading map[string]bool
	waiting []string // paths to decode when a worker is free
	busy    int
	// side is the thumbnails' side in pixels (thumbSize unless set).
	side int
	// load, when set, reads a thumbnail in place of decoding the file
	// (its result is shrunk to side).
	load func(path string) (image.Image, error)
	// onLoaded is called (UI goroutine) when a thumbnail arrives.
	onLoaded func(path string)
}

type thumbEntry struct {
	path string
	img  image.Image // nil when the file could not be decoded
}

func newThumbCache(h *panelHub, onLoaded func(string)) *thumbCache {
	return &thumbCache{h: h, entries: map[string]*list.Element{}, lru: list.New(), loading: map[string]bool{}, side: thumbSize, onLoaded: onLoaded}
}

// get returns the thumbnail of path, or nil while it loads (it starts
// loading it then). ok is false while it is not known yet.
func (c *thumbCache) get(path string) (img image.Image, ok bool) {
	if path == "" {
		return nil, true
	}
	if el := c.entries[path]; el != nil {
		c.lru.MoveToFront(el)
		return el.Value.(*thumbEntry).img, true
	}
	if !c.loading[path] {
		c.loading[path] = true
		c.waiting = append(c.waiting, path)
		c.startWorkers()
	}
	return nil, false
}

// startWorkers decodes waiting paths, newest request first.
func (c *thumbCache) startWorkers() {
	for c.busy < thumbWorkers && len(c.waiting) > 0 {
		path := c.waiting[len(c.waiting)-1]
		c.waiting = c.waiting[:len(c.waiting)-1]
		c.busy++
		go func() {
			img := c.decode(path)
			c.h.do("thumbnail", func() { c.store(path, img) })
		}()
	}
}

// decode reads path's thumbnail (a worker goroutine); nil when it can't.
func (c *thumbCache) decode(path string) image.Image {
	if c.load == nil {
		return loadThumb(path, c.side)
	}
	img, err := c.load(path)
	if err != nil || img == nil {
		return nil
	}
	return shrink(img, c.side)
}

// store keeps a decoded thumbnail (UI goroutine).
func (c *thumbCache) store(path string, img image.Image) {
	c.busy--
	delete(c.loading, path)
	c.entries[path] = c.lru.PushFront(&thumbEntry{path: path, img: img})
	for c.lru.Len() > thumbCacheMax {
		old := c.lru.Back()
		c.lru.Remove(old)
		delete(c.entries, old.Value.(*thumbEntry).path)
	}
	c.startWorkers()
	if c.onLoaded != nil {
		c.onLoaded(path)
	}
}

// loadThumb decodes an image file and shrinks it to fit side×side; nil
// when it can't.
func loadThumb(path string, side int) image.Image {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	src, _, err := image.Decode(f)
	if err != nil {
		return nil
	}
	return shrink(src, side)
}

// shrink scales img down (nearest neighbour) to fit side×side.
func shrink(src image.Image, side int) image.Image {
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	if w <= side && h <= side {
		return src
	}
	scale := float64(side) / float64(max(w, h))
	tw, th := max(1, int(float64(w)*scale)), max(1, int(float64(h)*scale))
	dst := image.NewNRGBA(image.Rect(0, 0, tw, th))
	for y := 0; y < th; y++ {
		sy := b.Min.Y + y*h/th
		for x := 0; x < tw; x++ {
			dst.Set(x, y, src.At(b.Min.X+x*w/tw, sy))
		}
	}
	return dst
}
