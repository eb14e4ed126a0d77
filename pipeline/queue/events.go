package queue

import (
	"sync"
	"time"

	"stablenew/pipeline"
)

// EventKind says what an Event reports.
type EventKind int

// The event kinds.
const (
	// QueueChanged: jobs were added, removed, moved or changed state; read
	// List again. Coalesced: a slow subscriber gets one for many changes.
	QueueChanged EventKind = iota + 1
	// JobStarted: a worker claimed JobID and is running it on Backend.
	JobStarted
	// JobProgress: Progress holds the running job's latest progress.
	// Coalesced per job: a slow subscriber gets the latest only.
	JobProgress
	// StageFinished: Stage of JobID is done (Outputs are its files when the
	// runner reported them).
	StageFinished
	// JobFinished: JobID completed; Outputs are its final images.
	JobFinished
	// JobFailed: JobID failed; Reason says why.
	JobFailed
	// JobCancelled: JobID was cancelled; Reason says by whom.
	JobCancelled
	// JobRequeued: JobID went back to the queue; Reason says why.
	JobRequeued
	// BackendChanged: the worker of Backend is now in State (Message
	// explains waiting and error states).
	BackendChanged
	// Paused and Resumed: the queue was paused or resumed.
	Paused
	Resumed
	// HistoryChanged: finished jobs left the history (PruneHistory deleted
	// them, or Retry put failed ones back in the queue); read History
	// again. Jobs entering history are
	// reported by JobFinished, JobFailed and JobCancelled. Coalesced like
	// QueueChanged.
	HistoryChanged
)

var eventNames = map[EventKind]string{
	QueueChanged: "queue_changed", JobStarted: "job_started", JobProgress: "progress",
	StageFinished: "stage_finished", JobFinished: "job_finished", JobFailed: "job_failed",
	JobCancelled: "job_cancelled", JobRequeued: "job_requeued", BackendChanged: "backend_state",
	Paused: "paused", Resumed: "resumed", HistoryChanged: "history_changed",
}

func (k EventKind) String() string {
	if s, ok := eventNames[k]; ok {
		return s
	}
	return "unknown"
}

// Event is one thing that happened in the queue. Which fields are set
// depends on Kind.
type Event struct {
	Kind    EventKind
	Time    time.Time
	JobID   string
	Backend string
	// Progress is set for JobProgress.
	Progress *ProgressInfo
	// Stage is set for StageFinished.
	Stage pipeline.StageType
	// Outputs are set for JobFinished and StageFinished.
	Outputs []string
	// Reason is set for JobFailed, JobCancelled and JobRequeued.
	Reason string
	// State and Message are set for BackendChanged.
	State   BackendState
	Message string
}

// ProgressInfo is a running job's progress.
type ProgressInfo struct {
	Stage      pipeline.StageType
	StageIndex int
	StageTotal int
	Step       int
	Steps      int
	// Fraction is the whole job's progress, 0..1.
	Fraction float64
	// ETA is the job's remaining time (0 when unknown): the WebUI's estimate
	// for the current request plus the learned time of the stages after it.
	ETA time.Duration
	// Preview is the WebUI's live preview (PNG or JPEG), or nil.
	Preview []byte
}

// hub fans events out to subscribers. Publishing never blocks: each
// subscriber has its own pending list, delivered by its own goroutine.
type hub struct {
	mu     sync.Mutex
	subs   map[*subscriber]struct{}
	closed bool
}

func newHub() *hub { return &hub{subs: map[*subscriber]struct{}{}} }

func (h *hub) publish(e Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		s.push(e)
	}
}

func (h *hub) subscribe(buffer int) (<-chan Event, func()) {
	s := &subscriber{
		latest: map[string]int{},
		notify: make(chan struct{}, 1),
		done:   make(chan struct{}),
		out:    make(chan Event, max(buffer, 0)),
	}
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		close(s.out)
		return s.out, func() {}
	}
	h.subs[s] = struct{}{}
	h.mu.Unlock()
	go s.deliver()
	var once sync.Once
	return s.out, func() {
		once.Do(func() {
			h.mu.Lock()
			_, live := h.subs[s]
			delete(h.subs, s)
			h.mu.Unlock()
			if live { // after close, the hub has closed done already
				close(s.done)
			}
		})
	}
}

func (h *hub) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for s := range h.subs {
		delete(h.subs, s)
		close(s.done)
	}
}

// subscriber holds the events one subscriber has not received yet. State
// transitions are kept in order and never dropped; progress (per job),
// QueueChanged and HistoryChanged are coalesced: a newer one replaces the
// pending one, moving to the end so order is kept. Replaced entries leave
// holes that are compacted away, so the list stays at most about twice the
// live entries.
type subscriber struct {
	mu     sync.Mutex
	queue  []*Event
	head   int
	holes  int
	latest map[string]int // coalescing key → index in queue
	notify chan struct{}
	done   chan struct{}
	out    chan Event
}

func coalesceKey(e *Event) string {
	switch e.Kind {
	case JobProgress:
		return "p" + e.JobID
	case QueueChanged:
		return "q"
	case HistoryChanged:
		return "h"
	}
	return ""
}

func (s *subscriber) push(e Event) {
	s.mu.Lock()
	if k := coalesceKey(&e); k != "" {
		if i, ok := s.latest[k]; ok {
			s.queue[i] = nil
			s.holes++
		}
		s.latest[k] = len(s.queue)
	}
	s.queue = append(s.queue, &e)
	if s.holes > 64 && s.holes*2 > len(s.queue)-s.head {
		s.compact()
	}
	s.mu.Unlock()
	select {
	case s.notify <- struct{}{}:
	default:
	}
}

// compact drops delivered entries and holes. Called with s.mu held.
func (s *subscriber) compact() {
	live := make([]*Event, 0, len(s.queue)-s.head-s.holes+16)
	for _, e := range s.queue[s.head:] {
		if e != nil {
			if k := coalesceKey(e); k != "" {
				s.latest[k] = len(live)
			}
			live = append(live, e)
		}
	}
	s.queue, s.head, s.holes = live, 0, 0
}

func (s *subscriber) pop() (Event, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.head < len(s.queue) {
		e := s.queue[s.head]
		s.queue[s.head] = nil
		s.head++
		if e == nil {
			s.holes--
			continue
		}
		if k := coalesceKey(e); k != "" {
			delete(s.latest, k)
		}
		if s.head == len(s.queue) {
			s.queue, s.head, s.holes = s.queue[:0], 0, 0
		} else if s.head > 1024 && s.head*2 > len(s.queue) {
			s.compact()
		}
		return *e, true
	}
	s.queue, s.head, s.holes = s.queue[:0], 0, 0
	return Event{}, false
}

func (s *subscriber) deliver() {
	defer close(s.out)
	for {
		e, ok := s.pop()
		if !ok {
			select {
			case <-s.notify:
				continue
			case <-s.done:
				return
			}
		}
		select {
		case s.out <- e:
		case <-s.done:
			return
		}
	}
}
