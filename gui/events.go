package gui

import (
	"bytes"
	"image"
	_ "image/jpeg" // live previews may be JPEG
	_ "image/png"
	"sync/atomic"
	"time"

	"stablenew/pipeline/queue"
)

// Rates of the event pump.
const (
	// uiInterval is the shortest time between two UI updates from the pump
	// (at most ten a second).
	uiInterval = 100 * time.Millisecond
	// previewInterval is the shortest time between two live preview images.
	previewInterval = 500 * time.Millisecond
	// tickInterval refreshes elapsed times and the queue ETA while a job runs.
	tickInterval = time.Second
)

// queueSnapshot is what the panels show of JobService, read off the UI
// goroutine in one go.
type queueSnapshot struct {
	Running []queue.QueueItem
	// Queued are the queued jobs in run order: the queue's own summaries,
	// shared with it and between snapshots (read-only; Position unset).
	// They are read only once the Queue panel has shown (Listed):
	// until then the window holds none of them, only QueuedCount.
	Queued      []*queue.QueueItem
	Listed      bool
	QueuedCount int
	Paused      bool
	AutoRun     bool
	Backends    []queue.BackendStatus
	// ETA is the whole queue's remaining GPU time; Finish when the last
	// job should end; Known is false when it rests on built-in figures.
	ETA    time.Duration
	Finish time.Time
	Known  bool
	Taken  time.Time
	Err    error
}

// loadSnapshot reads the queue: the queued jobs themselves when list is
// set, else only how many there are. It does database work: never call it
// on the UI goroutine.
func loadSnapshot(q *queue.Service, list bool) *queueSnapshot {
	s := &queueSnapshot{Taken: time.Now(), Listed: list}
	if list {
		s.Running, s.Queued, s.Err = q.ListShared()
		s.QueuedCount = len(s.Queued)
	} else {
		s.Running, s.QueuedCount, s.Err = q.ListRunning()
	}
	s.readState(q)
	return s
}

// empty reports whether no job is running or queued.
func (s *queueSnapshot) empty() bool { return len(s.Running) == 0 && s.QueuedCount == 0 }

// readState reads what changes without any job changing: pause, auto-run,
// the backends and the ETA.
func (s *queueSnapshot) readState(q *queue.Service) {
	s.Paused, s.AutoRun = q.Paused(), q.AutoRun()
	s.Backends = q.Backends()
	s.ETA, s.Finish, s.Known = q.QueueETA()
}

// refreshed is a copy of s with the queue's state read again and the same
// jobs (shared: snapshots are read-only), for a batch in which no job
// changed.
func (s *queueSnapshot) refreshed(q *queue.Service) *queueSnapshot {
	n := *s
	n.Taken = time.Now()
	n.readState(q)
	return &n
}

// uiBatch is what the pump hands to the UI in one callback: the state
// events in order, the latest progress per job, a decoded live preview and,
// when anything but progress happened, a fresh queue snapshot.
type uiBatch struct {
	events   []queue.Event
	progress map[string]*queue.ProgressInfo
	preview  image.Image
	// previewJob is the job the preview belongs to.
	previewJob string
	snapshot   *queueSnapshot
	// reload is set when the snapshot must be read again.
	reload bool
	// refresh is set when only the queue's state must be read again (a
	// backend's state, pause or resume: no job changed).
	refresh bool
	tick    bool
}

func (b *uiBatch) empty() bool {
	return len(b.events) == 0 && len(b.progress) == 0 && b.preview == nil && !b.reload && !b.refresh && !b.tick
}

// historyChanged reports whether a job entered history in this batch, or
// records left it.
func (b *uiBatch) historyChanged() bool {
	for _, e := range b.events {
		switch e.Kind {
		case queue.JobFinished, queue.JobFailed, queue.JobCancelled, queue.HistoryChanged:
			return true
		}
	}
	return false
}

// eventPump is the one goroutine that listens to JobService and forwards
// to the panels through the Bridge. It coalesces: progress keeps the
// latest per job, live previews are decoded at most twice a second, and
// the UI hears from it at most ten times a second. It never blocks the
// queue: JobService's subscription already coalesces for slow readers, and
// the pump only reads and hands over.
type eventPump struct {
	h      *panelHub
	q      *queue.Service
	events <-chan queue.Event
	cancel func()

	running     map[string]bool
	lastPreview time.Time
	pendingPrev []byte
	pendingJob  string
	// flushes counts the batches flushed (tests wait on it).
	flushes atomic.Int64
	// last is the pump's latest snapshot, whose jobs a batch that changed
	// none reuses.
	last *queueSnapshot
	// reloads asks the pump to read the queue again. Every read of the
	// queue goes through the pump, so the panels get snapshots in the
	// order they were read: an earlier read never lands after a later one.
	reloads chan struct{}
}

func newEventPump(h *panelHub) *eventPump {
	return &eventPump{h: h, q: h.mw.Services.Queue, running: map[string]bool{}, reloads: make(chan struct{}, 1)}
}

// reload makes the pump read the queue and hand it to the panels soon,
// without waiting for a change (the first view of the queue, or the first
// with the queued jobs). It may be called before start and never blocks.
func (p *eventPump) reload() {
	select {
	case p.reloads <- struct{}{}:
	default: // a reload is already asked for
	}
}

// start subscribes and runs the pump until the queue closes.
func (p *eventPump) start() {
	p.events, p.cancel = p.q.Subscribe(256)
	go p.run()
}

func (p *eventPump) run() {
	batch := &uiBatch{}
	var last time.Time
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	pending := false
	// flushSoon flushes the batch uiInterval after the last flush.
	flushSoon := func() {
		if !pending {
			timer.Reset(max(0, uiInterval-time.Since(last)))
			pending = true
		}
	}
	ticker := time.NewTicker(tickInterval)
	defer ticker.Stop()
	for {
		select {
		case e, ok := <-p.events:
			if !ok {
				timer.Stop()
				return
			}
			p.add(batch, e)
			flushSoon()
		case <-p.reloads:
			batch.reload = true
			flushSoon()
		case <-timer.C:
			pending = false
			p.flush(batch)
			batch = &uiBatch{}
			last = time.Now()
		case <-ticker.C:
			if len(p.running) == 0 {
				continue
			}
			batch.tick = true
			if !pending {
				timer.Reset(0)
				pending = true
			}
		}
	}
}

// add folds one event into the batch.
func (p *eventPump) add(b *uiBatch, e queue.Event) {
	switch e.Kind {
	case queue.JobProgress:
		if e.Progress == nil {
			return
		}
		if b.progress == nil {
			b.progress = map[string]*queue.ProgressInfo{}
		}
		pi := *e.Progress
		if len(pi.Preview) > 0 {
			p.pendingPrev, p.pendingJob = pi.Preview, e.JobID
		}
		pi.Preview = nil
		b.progress[e.JobID] = &pi
		return
	case queue.BackendChanged, queue.Paused, queue.Resumed:
		b.events = append(b.events, e)
		b.refresh = true
		return
	case queue.JobStarted:
		p.running[e.JobID] = true
	case queue.JobFinished, queue.JobFailed, queue.JobCancelled, queue.JobRequeued:
		delete(p.running, e.JobID)
		if p.pendingJob == e.JobID {
			p.pendingPrev, p.pendingJob = nil, ""
		}
	}
	b.events = append(b.events, e)
	b.reload = true
}

// flush reads what the batch needs (snapshot, preview image) and hands it
// to the UI goroutine.
func (p *eventPump) flush(b *uiBatch) {
	defer p.flushes.Add(1)
	if len(p.pendingPrev) > 0 && time.Since(p.lastPreview) >= previewInterval {
		if img, _, err := image.Decode(bytes.NewReader(p.pendingPrev)); err == nil {
			b.preview, b.previewJob = img, p.pendingJob
		}
		p.pendingPrev, p.lastPreview = nil, time.Now()
	}
	switch {
	case b.reload || p.last == nil && (b.refresh || b.tick):
		b.snapshot = loadSnapshot(p.q, p.h.queueListed.Load())
		p.running = map[string]bool{}
		for _, it := range b.snapshot.Running {
			p.running[it.JobID] = true
		}
	case b.refresh || b.tick:
		b.snapshot = p.last.refreshed(p.q)
	}
	if b.snapshot != nil {
		p.last = b.snapshot
	}
	if b.empty() {
		return
	}
	p.h.do("queue events", func() { p.h.apply(b) })
}

// apply hands one batch to every panel (UI goroutine).
func (h *panelHub) apply(b *uiBatch) {
	if b.snapshot != nil {
		h.snap = b.snapshot
	}
	if h.running != nil {
		h.running.apply(b)
	}
	if b.snapshot != nil {
		if h.queue != nil && b.reload {
			h.queue.setSnapshot(b.snapshot)
		}
		if h.controls != nil {
			h.controls.setSnapshot(b.snapshot)
		}
		if h.queue != nil && !b.reload {
			h.queue.setETA(b.snapshot)
		}
	}
	if h.status != nil {
		h.status.apply(b)
	}
	if h.failures != nil {
		h.failures.apply(b)
	}
	if h.learning != nil {
		h.learning.apply(b)
	}
	if b.historyChanged() {
		if h.history != nil {
			h.history.reload()
		}
		if h.preview != nil {
			h.preview.reestimate()
		}
	}
}

// listQueue makes the queue's snapshots carry the queued jobs from now on,
// and reads them at once: the Queue panel shows for the first time. Until
// then the window holds only how many jobs are queued (10,000 queued jobs
// are about 5 MB in memory).
func (h *panelHub) listQueue() {
	if !h.queueListed.Swap(true) && h.pump != nil {
		h.pump.reload()
	}
}
