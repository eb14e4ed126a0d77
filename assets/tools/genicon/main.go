// Command genicon draws StableNew's app icon, assets/icon.png: three stacked
// rounded frames (a queue of renders) on a dark rounded square, the front
// frame holding a small sunset landscape. It uses only the standard library
// and anti-aliases by supersampling.
//
//	go run ./assets/tools/genicon -o assets/icon.png
package main

import (
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
)

// rgb is a colour with float channels in 0..1 and straight alpha.
type rgb struct{ r, g, b, a float64 }

func hex(v uint32) rgb {
	return rgb{float64(v>>16&0xff) / 255, float64(v>>8&0xff) / 255, float64(v&0xff) / 255, 1}
}

func mix(a, b rgb, t float64) rgb {
	t = math.Max(0, math.Min(1, t))
	return rgb{a.r + (b.r-a.r)*t, a.g + (b.g-a.g)*t, a.b + (b.b-a.b)*t, a.a + (b.a-a.a)*t}
}

// roundRect is the signed distance from (x, y) to a rounded rectangle.
func roundRect(x, y, x0, y0, w, h, r float64) float64 {
	cx, cy := x0+w/2, y0+h/2
	qx := math.Abs(x-cx) - (w/2 - r)
	qy := math.Abs(y-cy) - (h/2 - r)
	outside := math.Hypot(math.Max(qx, 0), math.Max(qy, 0))
	return outside + math.Min(math.Max(qx, qy), 0) - r
}

// inTriangle reports whether p lies inside the triangle abc.
func inTriangle(px, py, ax, ay, bx, by, cx, cy float64) bool {
	d1 := (px-bx)*(ay-by) - (ax-bx)*(py-by)
	d2 := (px-cx)*(by-cy) - (bx-cx)*(py-cy)
	d3 := (px-ax)*(cy-ay) - (cx-ax)*(py-ay)
	neg := d1 < 0 || d2 < 0 || d3 < 0
	pos := d1 > 0 || d2 > 0 || d3 > 0
	return !(neg && pos)
}

const size = 256

var (
	bgTop     = hex(0x1d2029)
	bgBottom  = hex(0x0e1014)
	back2     = hex(0x2b303c)
	back1     = hex(0x3b4252)
	skyTop    = hex(0xff9a62)
	skyMid    = hex(0xe8608a)
	skyLow    = hex(0x6d5cf0)
	sun       = hex(0xffe6b8)
	ridgeFar  = hex(0x2a2450)
	ridgeNear = hex(0x15172a)
)

// shade returns the icon colour at one sample point.
func shade(x, y float64) rgb {
	if roundRect(x, y, 0, 0, size, size, 56) > 0 {
		return rgb{}
	}
	bg := mix(bgTop, bgBottom, y/size)
	const card, radius, gap = 124.0, 20.0, 5.0
	type frame struct{ x, y float64 }
	frames := []frame{{82, 50}, {66, 66}, {50, 82}} // back to front
	c := bg
	for i, f := range frames {
		d := roundRect(x, y, f.x, f.y, card, card, radius)
		if d <= gap && i > 0 {
			c = bg // a thin gap of background separates the frames
		}
		if d > 0 {
			continue
		}
		switch i {
		case 0:
			c = back2
		case 1:
			c = back1
		default:
			c = frontFrame(x-f.x, y-f.y, card)
		}
	}
	return c
}

// frontFrame paints the landscape inside the front frame, in frame
// coordinates.
func frontFrame(x, y, card float64) rgb {
	t := y / card
	sky := mix(skyTop, skyMid, t/0.55)
	if t > 0.55 {
		sky = mix(skyMid, skyLow, (t-0.55)/0.45)
	}
	if math.Hypot(x-84, y-44) <= 17 {
		sky = sun
	}
	if inTriangle(x, y, -10, card+2, 78, 58, 150, card+2) {
		sky = ridgeFar
	}
	if inTriangle(x, y, -20, card+2, 38, 76, 104, card+2) {
		sky = ridgeNear
	}
	return sky
}

func main() {
	out := flag.String("o", "icon.png", "output PNG file")
	flag.Parse()
	const ss = 4 // samples per axis
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	for py := 0; py < size; py++ {
		for px := 0; px < size; px++ {
			var r, g, b, a float64
			for sy := 0; sy < ss; sy++ {
				for sx := 0; sx < ss; sx++ {
					c := shade(float64(px)+(float64(sx)+0.5)/ss, float64(py)+(float64(sy)+0.5)/ss)
					r, g, b, a = r+c.r*c.a, g+c.g*c.a, b+c.b*c.a, a+c.a
				}
			}
			n := float64(ss * ss)
			if a == 0 {
				continue
			}
			img.SetNRGBA(px, py, color.NRGBA{
				R: uint8(math.Round(r / a * 255)),
				G: uint8(math.Round(g / a * 255)),
				B: uint8(math.Round(b / a * 255)),
				A: uint8(math.Round(a / n * 255)),
			})
		}
	}
	f, err := os.Create(*out)
	if err != nil {
		fmt.Fprintln(os.Stderr, "genicon:", err)
		os.Exit(1)
	}
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(f, img); err != nil {
		f.Close()
		fmt.Fprintln(os.Stderr, "genicon:", err)
		os.Exit(1)
	}
	if err := f.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "genicon:", err)
		os.Exit(1)
	}
}
