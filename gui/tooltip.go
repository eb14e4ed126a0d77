package gui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Tooltips. Fyne 2.7 has none, so the window has its own: withTooltip
// stacks a transparent hover catcher on an object, and when the pointer
// rests on it for tooltipDelay a small box with the text appears just below
// the object.
//
// The box is drawn in a tip layer (withTooltipLayer) at the top of the
// window's content, or of a dialog's content, and never in a canvas
// overlay: Fyne sends every pointer event only to the top overlay, so a tip
// in an overlay would swallow the next click and take the hover away from
// the object it explains. Neither the catcher nor the box is tappable,
// focusable or mouseable, so clicks, focus and keys reach the object
// beneath as before.

// tooltipDelay is how long the pointer rests on an object before its
// tooltip shows. Tests set it to 0.
var tooltipDelay = 500 * time.Millisecond

// tooltipLayerDepth bounds the search for a tip layer below the content or
// the top overlay: the window's layer is a child of the content and a
// dialog's is two levels inside its pop-up.
const tooltipLayerDepth = 4

// tooltips shows the tooltips of one window. All of it runs on the UI
// goroutine; only the delay timers fire elsewhere, and they hand over
// through do.
type tooltips struct {
	canvas fyne.Canvas
	// do runs a function on the UI goroutine later: the window's Bridge.Do
	// (fyne.Do, or a test's queue).
	do func(func())
	// active are the catchers with a timer pending or a tip shown; close
	// stops them all.
	active map[*tipCatcher]struct{}
	closed bool
}

// newTooltips returns the tooltips of the window with canvas c; do runs a
// function on the UI goroutine.
func newTooltips(c fyne.Canvas, do func(func())) *tooltips {
	return &tooltips{canvas: c, do: do, active: map[*tipCatcher]struct{}{}}
}

// tooltips returns the window's tooltips, made on first use. The window
// stops their timers when it closes.
func (mw *MainWindow) tooltips() *tooltips {
	if mw.tips == nil {
		mw.tips = newTooltips(mw.Window.Canvas(), mw.Bridge.Do)
		mw.OnClose(mw.tips.close)
	}
	return mw.tips
}

// withTooltip returns obj with text as its tooltip: a container stacking
// obj and a transparent hover catcher (see tooltips.wrap). The window's
// content, or the content of the dialog obj is in, needs a tip layer
// (withTooltipLayer) for the tip to show.
func (mw *MainWindow) withTooltip(obj fyne.CanvasObject, text string) fyne.CanvasObject {
	return mw.tooltips().wrap(obj, text)
}

// wrap returns a container with obj and, on top of it, a catcher that
// shows text after the pointer rested on obj for tooltipDelay. The catcher
// passes MouseIn, MouseMoved and MouseOut on to obj when obj is hoverable
// (a button keeps its hover highlight). A button's OnTapped is wrapped so
// that a tap hides the tip: set OnTapped before calling wrap.
func (ts *tooltips) wrap(obj fyne.CanvasObject, text string) fyne.CanvasObject {
	c := &tipCatcher{tips: ts, obj: obj, text: text}
	c.ExtendBaseWidget(c)
	if b, ok := obj.(*widget.Button); ok {
		tapped := b.OnTapped
		b.OnTapped = func() {
			c.dismiss()
			if tapped != nil {
				tapped()
			}
		}
	}
	return container.NewStack(obj, c)
}

// close hides every tip and stops every timer; later hovers show nothing.
// The window calls it when it closes.
func (ts *tooltips) close() {
	ts.closed = true
	for c := range ts.active {
		c.dismiss()
	}
}

// layerFor returns the tip layer of root, the overlay that was on top when
// the pointer came in (nil: the window's content), or nil when another
// overlay is on top now or root has no tip layer.
func (ts *tooltips) layerFor(root fyne.CanvasObject) *tipLayer {
	top := ts.canvas.Overlays().Top()
	if top != root {
		return nil
	}
	if top == nil {
		top = ts.canvas.Content()
	}
	return findTipLayer(top, tooltipLayerDepth)
}

// findTipLayer looks for a tip layer in o and the containers inside it, at
// most depth levels down, last child first (withTooltipLayer puts the layer
// last).
func findTipLayer(o fyne.CanvasObject, depth int) *tipLayer {
	switch x := o.(type) {
	case *tipLayer:
		return x
	case *widget.PopUp:
		if depth > 0 {
			return findTipLayer(x.Content, depth-1)
		}
	case *fyne.Container:
		if depth > 0 {
			for i := len(x.Objects) - 1; i >= 0; i-- {
				if l := findTipLayer(x.Objects[i], depth-1); l != nil {
					return l
				}
			}
		}
	}
	return nil
}

// tipCatcher is the transparent widget withTooltip lays over an object. It
// is desktop.Hoverable and nothing else.
type tipCatcher struct {
	widget.BaseWidget
	tips *tooltips
	obj  fyne.CanvasObject
	text string

	// inside is set between MouseIn and MouseOut.
	inside bool
	// gen counts hovers and dismissals; a timer of an older one is ignored.
	gen   int
	timer *time.Timer
	// root is the overlay on top when the pointer came in (nil: none).
	root fyne.CanvasObject
	// layer and tip are the tip shown, if any.
	layer *tipLayer
	tip   *tipBox
}

var _ desktop.Hoverable = (*tipCatcher)(nil)

// CreateRenderer draws nothing.
func (c *tipCatcher) CreateRenderer() fyne.WidgetRenderer { return emptyRenderer{} }

// MouseIn passes the event on and starts the delay.
func (c *tipCatcher) MouseIn(ev *desktop.MouseEvent) {
	if h, ok := c.obj.(desktop.Hoverable); ok {
		h.MouseIn(ev)
	}
	c.inside = true
	c.start()
}

// MouseMoved passes the event on.
func (c *tipCatcher) MouseMoved(ev *desktop.MouseEvent) {
	if h, ok := c.obj.(desktop.Hoverable); ok {
		h.MouseMoved(ev)
	}
}

// MouseOut passes the event on and hides the tip or stops its timer.
func (c *tipCatcher) MouseOut() {
	if h, ok := c.obj.(desktop.Hoverable); ok {
		h.MouseOut()
	}
	c.inside = false
	c.dismiss()
}

// start runs the delay timer of a new hover; at its end show runs on the
// UI goroutine.
func (c *tipCatcher) start() {
	c.dismiss()
	if c.tips.closed || c.text == "" || !c.obj.Visible() {
		return
	}
	c.gen++
	gen, do := c.gen, c.tips.do
	c.root = c.tips.canvas.Overlays().Top()
	c.tips.active[c] = struct{}{}
	c.timer = time.AfterFunc(tooltipDelay, func() { do(func() { c.fire(gen) }) })
}

// fire shows the tip when the timer of the current hover ends.
func (c *tipCatcher) fire(gen int) {
	if gen != c.gen || !c.inside || c.tips.closed {
		return
	}
	c.timer = nil
	c.show()
}

// dismiss stops the timer and hides the tip; the pointer must leave and
// come back for the tip to show again.
func (c *tipCatcher) dismiss() {
	c.gen++
	if c.timer != nil {
		c.timer.Stop()
		c.timer = nil
	}
	if c.tip != nil {
		c.layer.hide(c.tip)
		c.layer, c.tip = nil, nil
	}
	delete(c.tips.active, c)
}

// show puts the tip in the layer just below the object, or above it at the
// bottom of the window, and inside the window.
func (c *tipCatcher) show() {
	layer := c.tips.layerFor(c.root)
	if layer == nil {
		delete(c.tips.active, c)
		return
	}
	d := fyne.CurrentApp().Driver()
	at := d.AbsolutePositionForObject(c)
	origin := d.AbsolutePositionForObject(layer)
	tip := newTipBox(c.text)
	size := tip.MinSize()
	win := c.tips.canvas.Size()
	gap := theme.Padding()
	x, y := at.X, at.Y+c.Size().Height+gap
	if y+size.Height > win.Height-gap {
		y = at.Y - size.Height - gap
	}
	x = max(min(x, win.Width-gap-size.Width), gap)
	y = max(y, gap)
	tip.Resize(size)
	tip.Move(fyne.NewPos(x, y).Subtract(origin))
	layer.show(tip)
	c.layer, c.tip = layer, tip
}

// withTooltipLayer returns content with a tip layer over it, for the
// tooltips of the objects inside: the window's content, or a dialog's.
func withTooltipLayer(content fyne.CanvasObject) fyne.CanvasObject {
	l := &tipLayer{}
	l.ExtendBaseWidget(l)
	return container.NewStack(content, l)
}

// tipLayer is a transparent widget over a content that draws the tip shown,
// if any, at the tip's own position.
type tipLayer struct {
	widget.BaseWidget
	tip *tipBox
}

// show draws tip (positioned and sized) in place of any other.
func (l *tipLayer) show(tip *tipBox) {
	l.tip = tip
	l.Refresh()
}

// hide removes tip if it is the one shown.
func (l *tipLayer) hide(tip *tipBox) {
	if l.tip == tip {
		l.tip = nil
		l.Refresh()
	}
}

// CreateRenderer draws the tip shown.
func (l *tipLayer) CreateRenderer() fyne.WidgetRenderer { return &tipLayerRenderer{layer: l} }

// tipLayerRenderer draws a tip layer's tip.
type tipLayerRenderer struct {
	emptyRenderer
	layer *tipLayer
}

// Objects is the tip shown, if any.
func (r *tipLayerRenderer) Objects() []fyne.CanvasObject {
	if r.layer.tip == nil {
		return nil
	}
	return []fyne.CanvasObject{r.layer.tip}
}

// Refresh redraws the layer after a tip came or went.
func (r *tipLayerRenderer) Refresh() { canvas.Refresh(r.layer) }

// tipBox is a tooltip: the text in small type on the overlay background,
// with a thin border.
type tipBox struct {
	widget.BaseWidget
	text string
}

// newTipBox returns a tip showing text.
func newTipBox(text string) *tipBox {
	t := &tipBox{text: text}
	t.ExtendBaseWidget(t)
	return t
}

// CreateRenderer draws the box and the text in the current theme.
func (t *tipBox) CreateRenderer() fyne.WidgetRenderer {
	r := &tipBoxRenderer{tip: t, bg: &canvas.Rectangle{StrokeWidth: 1}, label: &canvas.Text{Text: t.text}}
	r.Refresh()
	return r
}

// tipBoxRenderer draws a tipBox.
type tipBoxRenderer struct {
	tip   *tipBox
	bg    *canvas.Rectangle
	label *canvas.Text
}

// padding is the space around the text: horizontal, vertical.
func (r *tipBoxRenderer) padding() (float32, float32) {
	th := r.tip.Theme()
	return th.Size(theme.SizeNameInnerPadding), th.Size(theme.SizeNamePadding)
}

// Layout fills the box and insets the text.
func (r *tipBoxRenderer) Layout(size fyne.Size) {
	ph, pv := r.padding()
	r.bg.Resize(size)
	r.label.Move(fyne.NewPos(ph, pv))
	r.label.Resize(fyne.NewSize(size.Width-2*ph, size.Height-2*pv))
}

// MinSize is the text's with the padding.
func (r *tipBoxRenderer) MinSize() fyne.Size {
	ph, pv := r.padding()
	return r.label.MinSize().Add(fyne.NewSize(2*ph, 2*pv))
}

// Refresh applies the theme.
func (r *tipBoxRenderer) Refresh() {
	th := r.tip.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	// The window's own colours would make the tip blend into the labels
	// under it: it takes the menu's background and the accent as a border.
	r.bg.FillColor = th.Color(theme.ColorNameMenuBackground, v)
	r.bg.StrokeColor = th.Color(theme.ColorNamePrimary, v)
	r.bg.CornerRadius = th.Size(theme.SizeNameInputRadius)
	r.label.Color = th.Color(theme.ColorNameForeground, v)
	r.label.TextSize = th.Size(theme.SizeNameCaptionText)
	r.bg.Refresh()
	r.label.Refresh()
}

// Objects are the box and the text.
func (r *tipBoxRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.bg, r.label} }

// Destroy does nothing.
func (r *tipBoxRenderer) Destroy() {}

// emptyRenderer draws nothing and needs no room.
type emptyRenderer struct{}

// Destroy does nothing.
func (emptyRenderer) Destroy() {}

// Layout does nothing.
func (emptyRenderer) Layout(fyne.Size) {}

// MinSize is zero.
func (emptyRenderer) MinSize() fyne.Size { return fyne.Size{} }

// Objects is none.
func (emptyRenderer) Objects() []fyne.CanvasObject { return nil }

// Refresh does nothing.
func (emptyRenderer) Refresh() {}
