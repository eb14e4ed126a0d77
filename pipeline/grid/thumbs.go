package grid

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"stablenew/pipeline/output"
)

// ThumbSize is the long side of the cached thumbnails: the largest tile
// the app draws.
const ThumbSize = DefaultTileSize

// Thumbs keeps small copies of images in a folder, so a sheet of 400 tiles
// reads 400 small files instead of decoding 400 renders. A thumbnail is
// named after the image's path, size and modification time: an image
// written again gets a new one; Prune keeps the folder's size in bounds.
// Safe for concurrent use (files are written atomically under a unique
// name).
type Thumbs struct {
	Dir string
}

// key names the thumbnail of the file at path.
func (t *Thumbs) key(path string, st os.FileInfo) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	h := sha256.Sum256([]byte(abs + "\x00" + strconv.FormatInt(st.Size(), 10) + "\x00" +
		strconv.FormatInt(st.ModTime().UnixNano(), 10) + "\x00" + strconv.Itoa(ThumbSize)))
	return filepath.Join(t.Dir, hex.EncodeToString(h[:12])+".png")
}

// Load returns the image at path shrunk to fit ThumbSize, from the cache
// when it holds it, otherwise decoded, shrunk and stored. A cache that
// cannot be written only costs speed.
func (t *Thumbs) Load(path string) (image.Image, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("the file is gone")
	}
	key := t.key(path, st)
	if f, err := os.Open(key); err == nil {
		img, derr := png.Decode(f)
		var kst os.FileInfo
		if derr == nil {
			kst, derr = f.Stat()
		}
		f.Close()
		if derr == nil {
			touch(key, kst, time.Now())
			return img, nil
		}
	}
	src, err := decode(path)
	if err != nil {
		return nil, err
	}
	small := shrink(src, ThumbSize)
	var buf bytes.Buffer
	// Stored without compression: a thumbnail decodes in a fraction of
	// the time (a sheet reads hundreds), for about 75 KB on disk.
	enc := png.Encoder{CompressionLevel: png.NoCompression}
	if enc.Encode(&buf, small) == nil && os.MkdirAll(t.Dir, 0o755) == nil {
		_ = output.WriteFileAtomic(key, buf.Bytes())
	}
	return small, nil
}

// shrink returns src scaled down to fit side×side (src itself when it
// fits).
func shrink(src image.Image, side int) image.Image {
	b := src.Bounds()
	if b.Dx() <= side && b.Dy() <= side {
		return src
	}
	tw, th := side, side
	if b.Dx() > b.Dy() {
		th = max(1, b.Dy()*side/b.Dx())
	} else {
		tw = max(1, b.Dx()*side/b.Dy())
	}
	dst := image.NewRGBA(image.Rect(0, 0, tw, th))
	scaleInto(dst, dst.Bounds(), src)
	return dst
}
