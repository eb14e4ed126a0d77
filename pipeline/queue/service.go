package queue

import (
	"database/sql"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// Service is JobService: the durable queue, its history and its workers.
// It is the only owner of queue state; all methods are safe for concurrent
// use, and none of them waits for a job to run.
type Service struct {
	st       *store
	opts     Options
	log      *slog.Logger
	clock    Clock
	hub      *hub
	eta      *estimator
	readOnly bool

	// mu serialises every change of queue state: the DB transaction and the
	// in-memory state that goes with it (running jobs, flags, the mirror)
	// change together. History and Get read the database without it; List
	// takes it only to copy the mirror.
	mu      sync.Mutex
	closed  bool
	paused  bool
	autoRun bool
	// armed: Start was called, so the queue runs even with auto-run off,
	// until it is empty.
	armed   bool
	workers map[*worker]struct{}
	runs    map[string]*run // running jobs by id
	// abandoned names the WebUIs on which a StableNew that is gone left a
	// job running: their workers interrupt that render first.
	abandoned map[string]bool
	mirror    *mirror        // the queue in memory; nil when read-only
	stats     RunSummary     // outcomes since Open
	wg        sync.WaitGroup // worker goroutines
	// listErr is why the last attempt to read the queue into the mirror
	// failed (nil once one succeeds; see lockListed).
	listErr error

	// changes is closed and replaced whenever anything changes, for
	// RunUntilEmpty and tests that wait for a state.
	cmu     sync.Mutex
	changes chan struct{}
	// claimChecks counts the times a worker looked for a job (for tests).
	claimChecks atomic.Uint64
	// qgen counts changes of the queue's contents or order (ETA cache).
	qgen atomic.Uint64
	// affinity is Options.CheckpointAffinity, changed by
	// SetCheckpointAffinity while workers read it.
	affinity atomic.Bool

	etaCache etaCache

	// stopWatch ends the watcher (nil when read-only); watchDone is closed
	// when it has.
	stopWatch chan struct{}
	watchDone chan struct{}
}

// Settings keys.
const (
	settingPaused  = "paused"
	settingAutoRun = "auto_run"
)

// Open opens the queue database at path (see DefaultPath), creating it and
// its folder when needed, upgrades its schema and recovers from a crash:
// jobs a session that is gone left running go back to the front of the
// queue. Stored jobs that no longer decode or validate are failed with the
// reason.
//
// Several processes may use one database at once (the GUI, `queue run`,
// `queue add` …): each sees the others' changes within a second (see
// watch), one process at a time works each WebUI, and a job is claimed by
// one worker only.
//
// A damaged database, or one written by a newer StableNew, is an error
// (ErrDamaged, ErrNewerSchema) and the file is left exactly as it was.
func Open(path string, opts Options) (*Service, error) {
	opts = opts.withDefaults()
	st, err := openStore(path, opts.ReadOnly)
	if err != nil {
		return nil, err
	}
	s := &Service{
		st:        st,
		opts:      opts,
		log:       opts.Logger.With("component", "queue"),
		clock:     opts.Clock,
		hub:       newHub(),
		eta:       newEstimator(),
		readOnly:  opts.ReadOnly,
		autoRun:   true,
		workers:   map[*worker]struct{}{},
		runs:      map[string]*run{},
		abandoned: map[string]bool{},
		changes:   make(chan struct{}),
	}
	s.affinity.Store(opts.CheckpointAffinity)
	fail := func(what string, err error) (*Service, error) {
		st.close()
		if c := sqliteCode(err); c == sqliteCorrupt || c == sqliteNotADB {
			return nil, damaged(st.path, err)
		}
		return nil, fmt.Errorf("%s %s: %w", what, st.path, err)
	}
	if err := s.loadSettings(); err != nil {
		return fail("read queue settings from", err)
	}
	if err := s.eta.load(st.r); err != nil {
		return fail("read learned step times from", err)
	}
	if !s.readOnly {
		if err := s.recover(); err != nil {
			return fail("recover the queue in", err)
		}
		// The list itself is read by the first call that needs it (see
		// lockListed), so that Open returns at once.
		s.mirror = newMirror()
		s.stopWatch, s.watchDone = make(chan struct{}), make(chan struct{})
		go s.watch(s.stopWatch, s.watchDone)
	}
	return s, nil
}

// lockListed takes s.mu and makes sure the queue is in memory: the first
// call that needs the queued jobs themselves (List, ListShared) reads them
// (and again after a failed attempt). Open leaves that to them, and every
// other call works without them, so that a window whose queue list is
// hidden never holds 10,000 queued jobs. Should the read fail, List and
// ListShared return the error and the next call tries again.
func (s *Service) lockListed() {
	s.mu.Lock()
	if s.mirror == nil || s.mirror.loaded || s.closed {
		return
	}
	if s.listErr = s.loadMirror(); s.listErr != nil {
		s.listErr = fmt.Errorf("read the queue from %s: %w", s.st.path, s.listErr)
		s.log.Error("could not read the queue", "err", s.listErr)
	}
}

// loadMirror reads the queue into memory (under s.mu).
func (s *Service) loadMirror() error {
	tx, err := s.st.r.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // read-only
	rows, err := tx.Query(`SELECT ` + listColumns + ` FROM jobs WHERE status IN ('queued', 'running')`)
	if err != nil {
		return err
	}
	defer rows.Close()
	items, err := scanListed(rows, nil)
	if err != nil {
		return err
	}
	s.mirror.items, s.mirror.sorted = map[string]*listedItem{}, nil // Open made it (List reads the pointer unlocked)
	s.mirror.loaded = true
	s.mirror.apply(mirrorChange{put: items})
	return nil
}

// Close stops the workers, puts their running jobs back at the front of the
// queue (attempts unchanged), ends every subscription and closes the
// database. It waits at most Options.ShutdownTimeout for executors to
// return; a job still running then is recovered at the next Open. Close is
// idempotent.
func (s *Service) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	for w := range s.workers {
		w.cancel()
	}
	s.mu.Unlock()

	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(s.opts.ShutdownTimeout):
		s.log.Warn("workers did not stop in time; their jobs will be recovered at the next start",
			"timeout", s.opts.ShutdownTimeout)
	}
	if s.stopWatch != nil {
		close(s.stopWatch)
		<-s.watchDone
	}
	s.hub.close()
	s.bump()
	return s.st.close()
}

// Path is the database file.
func (s *Service) Path() string { return s.st.path }

// Subscribe returns a channel of events and a function that ends the
// subscription (and closes the channel). A slow subscriber never slows the
// queue: progress, QueueChanged and HistoryChanged events are coalesced
// (the latest wins) while it lags; every other event is kept, in order.
// buffer is the channel's capacity.
func (s *Service) Subscribe(buffer int) (<-chan Event, func()) {
	return s.hub.subscribe(buffer)
}

func (s *Service) publish(events ...Event) {
	now := s.clock.Now()
	for _, e := range events {
		if e.Time.IsZero() {
			e.Time = now
		}
		s.hub.publish(e)
	}
	s.bump()
}

// bump wakes everyone waiting for a change.
func (s *Service) bump() {
	s.cmu.Lock()
	close(s.changes)
	s.changes = make(chan struct{})
	s.cmu.Unlock()
}

// queueChanged tells subscribers that the queue's contents changed.
func (s *Service) queueChanged() {
	s.qgen.Add(1)
	s.publish(Event{Kind: QueueChanged})
}

func (s *Service) queueGen() uint64 { return s.qgen.Load() }

// changed returns a channel closed at the next change.
func (s *Service) changed() <-chan struct{} {
	s.cmu.Lock()
	defer s.cmu.Unlock()
	return s.changes
}

// writable reports why the queue cannot be changed, or nil.
func (s *Service) writable() error {
	if s.readOnly {
		return fmt.Errorf("%w: %s was opened for listing only", ErrReadOnly, s.st.path)
	}
	return nil
}

// lockWritable takes s.mu when the queue may be changed.
func (s *Service) lockWritable() error {
	if err := s.writable(); err != nil {
		return err
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return ErrClosed
	}
	return nil
}

func (s *Service) loadSettings() error {
	rows, err := s.st.r.Query(`SELECT key, value FROM settings`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return err
		}
		switch k {
		case settingPaused:
			s.paused = v == "1"
		case settingAutoRun:
			s.autoRun = v == "1"
		}
	}
	return rows.Err()
}

func saveSetting(tx *sql.Tx, key string, on bool) error {
	v := "0"
	if on {
		v = "1"
	}
	_, err := tx.Exec(`INSERT INTO settings(key, value) VALUES(?, ?)
		ON CONFLICT(key) DO UPDATE SET value = excluded.value`, key, v)
	return err
}

// Paused reports whether the queue is paused (persisted).
func (s *Service) Paused() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.paused
}

// AutoRun reports whether submitted jobs start by themselves (persisted;
// on for a new database).
func (s *Service) AutoRun() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.autoRun
}

// SetAutoRun turns auto-run on or off. Off, workers take jobs only after
// Start, and only until the queue is empty.
func (s *Service) SetAutoRun(on bool) error {
	if err := s.lockWritable(); err != nil {
		return err
	}
	defer s.mu.Unlock()
	if err := s.st.write(func(tx *sql.Tx) error { return saveSetting(tx, settingAutoRun, on) }); err != nil {
		return fmt.Errorf("save auto-run: %w", err)
	}
	s.autoRun = on
	s.log.Info("auto-run changed", "auto_run", on)
	s.queueChanged()
	s.kickLocked()
	return nil
}

// Stats counts the jobs that completed, failed, were cancelled or were put
// back in the queue since Open.
func (s *Service) Stats() RunSummary {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}
