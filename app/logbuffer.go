package app

import (
	"context"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DefaultLogEntries is how many entries a LogBuffer keeps by default.
const DefaultLogEntries = 500

// LogEntry is one log record as the log panel shows it.
type LogEntry struct {
	Time    time.Time
	Level   slog.Level
	Message string
	// Attrs are the record's attributes as "key=value" pairs.
	Attrs string
	// Repeat counts identical records that followed this one and were
	// collapsed into it (0 when it appeared once).
	Repeat int
}

// Line formats the entry as "[LEVEL] message key=value (×N)".
func (e LogEntry) Line() string {
	var b strings.Builder
	b.WriteString("[" + e.Level.String() + "] " + e.Message)
	if e.Attrs != "" {
		b.WriteString(" " + e.Attrs)
	}
	if e.Repeat > 0 {
		b.WriteString(" (×" + strconv.Itoa(e.Repeat+1) + ")")
	}
	return b.String()
}

// LogBuffer keeps the last entries logged, for the log panel. It is safe for
// concurrent use.
type LogBuffer struct {
	mu        sync.Mutex
	entries   []LogEntry // ring
	start     int
	size      int
	seq       uint64
	listeners []func()
}

// NewLogBuffer returns a buffer that keeps the last capacity entries
// (DefaultLogEntries when capacity ≤ 0).
func NewLogBuffer(capacity int) *LogBuffer {
	if capacity <= 0 {
		capacity = DefaultLogEntries
	}
	return &LogBuffer{entries: make([]LogEntry, capacity)}
}

// Entries returns the kept entries, oldest first.
func (b *LogBuffer) Entries() []LogEntry {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]LogEntry, 0, b.size)
	for i := 0; i < b.size; i++ {
		out = append(out, b.entries[(b.start+i)%len(b.entries)])
	}
	return out
}

// Seq grows with every entry added or collapsed.
func (b *LogBuffer) Seq() uint64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.seq
}

// OnAppend adds a function called after every entry, on the goroutine that
// logged it. It must not block; from the GUI, hand over with Bridge.Do.
func (b *LogBuffer) OnAppend(fn func()) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.listeners = append(b.listeners, fn)
}

// Add appends an entry, collapsing it into the last one when it repeats it.
func (b *LogBuffer) Add(e LogEntry) {
	b.mu.Lock()
	if b.size > 0 {
		last := &b.entries[(b.start+b.size-1)%len(b.entries)]
		if last.Level == e.Level && last.Message == e.Message && last.Attrs == e.Attrs {
			last.Repeat++
			last.Time = e.Time
			b.seq++
			ls := slices.Clone(b.listeners)
			b.mu.Unlock()
			notify(ls)
			return
		}
	}
	if b.size < len(b.entries) {
		b.entries[(b.start+b.size)%len(b.entries)] = e
		b.size++
	} else {
		b.entries[b.start] = e
		b.start = (b.start + 1) % len(b.entries)
	}
	b.seq++
	ls := slices.Clone(b.listeners)
	b.mu.Unlock()
	notify(ls)
}

func notify(fns []func()) {
	for _, fn := range fns {
		fn()
	}
}

// Handler returns a slog.Handler that records into the buffer and passes
// every record on to next (may be nil). It records the levels next is
// enabled for, or Info and above without next.
func (b *LogBuffer) Handler(next slog.Handler) slog.Handler {
	return &logHandler{buf: b, next: next}
}

// LogBufferOf returns the LogBuffer behind a logger made with
// slog.New(buf.Handler(...)), or nil.
func LogBufferOf(l *slog.Logger) *LogBuffer {
	if l == nil {
		return nil
	}
	if h, ok := l.Handler().(*logHandler); ok {
		return h.buf
	}
	return nil
}

// logHandler is the slog.Handler of a LogBuffer.
type logHandler struct {
	buf    *LogBuffer
	next   slog.Handler
	attrs  []slog.Attr
	groups string
}

func (h *logHandler) Enabled(ctx context.Context, l slog.Level) bool {
	if h.next != nil {
		return h.next.Enabled(ctx, l)
	}
	return l >= slog.LevelInfo
}

func (h *logHandler) Handle(ctx context.Context, r slog.Record) error {
	var b strings.Builder
	add := func(a slog.Attr) {
		if a.Equal(slog.Attr{}) {
			return
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(h.groups + a.Key + "=" + a.Value.String())
	}
	for _, a := range h.attrs {
		add(a)
	}
	r.Attrs(func(a slog.Attr) bool { add(a); return true })
	t := r.Time
	if t.IsZero() {
		t = time.Now()
	}
	h.buf.Add(LogEntry{Time: t, Level: r.Level, Message: r.Message, Attrs: b.String()})
	if h.next != nil {
		return h.next.Handle(ctx, r)
	}
	return nil
}

func (h *logHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	c := *h
	c.attrs = append(slices.Clone(h.attrs), attrs...)
	if h.next != nil {
		c.next = h.next.WithAttrs(attrs)
	}
	return &c
}

func (h *logHandler) WithGroup(name string) slog.Handler {
	c := *h
	c.groups = h.groups + name + "."
	if h.next != nil {
		c.next = h.next.WithGroup(name)
	}
	return &c
}
