package gui

import (
	"context"
	"fmt"
	"image"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"stablenew/pipeline/queue"
)

// largeSide is the side of the selected image in the Learning tab.
const largeSide = 512

// learnDetail shows the selected image of the grid large, with its state,
// its rating as five buttons (or the keys 1–5 on the grid) and a note.
type learnDetail struct {
	t *learningTab

	title *widget.Label
	state *widget.Label
	img   *canvas.Image
	rates [5]*widget.Button
	note  *widget.Entry
	save  *widget.Button

	cell *learnCell
	shot *learnShot
	// loadingPath is the image being decoded for the large view.
	loadingPath string
}

func newLearnDetail(t *learningTab) *learnDetail {
	d := &learnDetail{t: t}
	d.title = &widget.Label{Text: "Click an image of the grid to see it large and rate it.", Wrapping: fyne.TextWrapWord}
	d.state = newMessage()
	d.img = &canvas.Image{FillMode: canvas.ImageFillContain, ScaleMode: canvas.ImageScaleSmooth}
	d.img.SetMinSize(fyne.NewSize(200, 200))
	for i := range d.rates {
		stars := i + 1
		d.rates[i] = &widget.Button{Text: fmt.Sprintf("%d★", stars), OnTapped: func() { d.rate(stars) }}
	}
	d.note = &widget.Entry{PlaceHolder: "note (saved with the rating)"}
	d.note.OnSubmitted = func(string) { d.saveNote() }
	d.save = &widget.Button{Text: "Save note", OnTapped: d.saveNote}
	d.show(nil, nil)
	return d
}

// build lays out the pane.
func (d *learnDetail) build() fyne.CanvasObject {
	rates := container.NewGridWithColumns(5, d.rates[0], d.rates[1], d.rates[2], d.rates[3], d.rates[4])
	return container.NewVBox(d.title, d.state, d.img, rates,
		container.NewBorder(nil, nil, nil, d.save, d.note))
}

// show shows a shot of a cell (nil: none).
func (d *learnDetail) show(c *learnCell, s *learnShot) {
	prevJob := ""
	if d.shot != nil {
		prevJob = d.shot.jobID
	}
	d.cell, d.shot = c, s
	rateable := s != nil && s.status == queue.StatusCompleted
	for i, b := range d.rates {
		setEnabled(b, rateable)
		imp := widget.MediumImportance
		if s != nil && i < s.stars {
			imp = widget.HighImportance
		}
		if b.Importance != imp {
			b.Importance = imp
			b.Refresh()
		}
	}
	setEnabled(d.save, rateable)
	if s == nil {
		d.title.SetText("Click an image of the grid to see it large and rate it (1–5 with the mouse or the keys).")
		showMessage(d.state, "", widget.LowImportance)
		d.setImage("", nil)
		d.note.Disable()
		return
	}
	d.note.Enable()
	if s.jobID != prevJob {
		d.note.SetText(s.note)
	}
	d.title.SetText(fmt.Sprintf("%s · seed %d", c.label(), s.seed))
	switch s.status {
	case queue.StatusCompleted:
		showMessage(d.state, "", widget.LowImportance)
	case queue.StatusFailed:
		showMessage(d.state, "Failed: "+s.err, widget.DangerImportance)
	case "":
		showMessage(d.state, "This job was removed from history.", widget.WarningImportance)
	default:
		showMessage(d.state, "This image is "+string(s.status)+".", widget.LowImportance)
	}
	d.load(s.image)
}

// load decodes the shot's image for the large view in the background.
func (d *learnDetail) load(path string) {
	if path == "" {
		d.setImage("", nil)
		return
	}
	if path == d.loadingPath {
		return
	}
	d.loadingPath = path
	var img image.Image
	d.t.h.goWork("loading an image", func(context.Context) error {
		img = loadThumb(path, largeSide)
		return nil
	}, func(error) {
		if d.loadingPath == path {
			d.setImage(path, img)
		}
	})
}

func (d *learnDetail) setImage(path string, img image.Image) {
	d.loadingPath = path
	d.img.Image = img
	d.img.Refresh()
}

// rate stores a 1–5 rating of the shown image, with the note.
func (d *learnDetail) rate(stars int) {
	s := d.shot
	v := d.t.view
	if s == nil || v == nil {
		return
	}
	if s.status != queue.StatusCompleted {
		d.t.say("Only a completed image can be rated.", widget.WarningImportance)
		return
	}
	job, note, id := s.jobID, d.note.Text, v.id
	// Shown at once; the grid reads the stored ratings back.
	s.stars, s.note = stars, note
	d.show(d.cell, s)
	d.t.grid.table.Refresh()
	svc := d.t.mw.Services
	d.t.h.goWork("rating an image", func(context.Context) error {
		return svc.RateExperimentJob(id, job, stars, note)
	}, func(err error) {
		if err != nil {
			d.t.say("The rating was not saved: "+err.Error(), widget.DangerImportance)
		} else {
			d.t.say("", widget.LowImportance)
		}
		d.t.reload()
	})
}

// saveNote stores the note with the image's rating.
func (d *learnDetail) saveNote() {
	if d.shot == nil {
		return
	}
	if d.shot.stars == 0 {
		d.t.say("Rate the image (1–5) first: the note is saved with its rating.", widget.WarningImportance)
		return
	}
	d.rate(d.shot.stars)
}
