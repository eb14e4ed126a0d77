package queue

import (
	"log/slog"
	"path/filepath"
	"time"

	"github.com/google/uuid"
)

// DefaultPath is where StableNew keeps the queue database inside its data
// folder: <dataDir>/state/stablenew.db.
func DefaultPath(dataDir string) string {
	return filepath.Join(dataDir, "state", "stablenew.db")
}

// Options tune a Service. The zero value is ready to use.
type Options struct {
	// MaxAttempts is how many times a job may be cut short by a WebUI outage
	// or an app crash before it is failed with the reason (default 3).
	MaxAttempts int
	// CheckpointAffinity makes a free worker prefer the first queued job
	// that uses the checkpoint its WebUI has loaded, saving a model switch.
	// Off, jobs run strictly in queue order. SetCheckpointAffinity changes
	// it while the service runs.
	CheckpointAffinity bool
	// ReadOnly opens the database for List, History, Get, QueueETA and
	// Export only. Changes fail with ErrReadOnly.
	ReadOnly bool
	// Logger receives the service's logs (default slog.Default()).
	Logger *slog.Logger
	// Clock and Backoff drive the waits while a WebUI is unavailable; tests
	// inject a fake clock. Backoff(n) is the wait before ping number n (from
	// 0); the default is 1 s·2ⁿ capped at 30 s. Waits shorter than
	// MinBackoff are raised to it, so a bad Backoff cannot busy-loop.
	Clock   Clock
	Backoff func(attempt int) time.Duration
	// ShutdownTimeout bounds how long Close waits for running jobs to be
	// interrupted and put back in the queue (default 10 s). A job still
	// running after it is recovered at the next Open.
	ShutdownTimeout time.Duration
	// NewID makes job ids for Requeue and for imported jobs whose id is
	// taken (default: a random UUID).
	NewID func() string
}

// MinBackoff is the shortest wait between two pings of an unavailable WebUI.
const MinBackoff = 50 * time.Millisecond

// Clock is the time source of the service.
type Clock interface {
	Now() time.Time
	// After is time.After.
	After(d time.Duration) <-chan time.Time
}

type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// DefaultBackoff waits 1 s·2ⁿ between pings, capped at 30 s.
func DefaultBackoff(attempt int) time.Duration {
	if attempt > 5 {
		return 30 * time.Second
	}
	return min(time.Second<<attempt, 30*time.Second)
}

func (o Options) withDefaults() Options {
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 3
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Clock == nil {
		o.Clock = realClock{}
	}
	if o.Backoff == nil {
		o.Backoff = DefaultBackoff
	}
	if o.ShutdownTimeout <= 0 {
		o.ShutdownTimeout = 10 * time.Second
	}
	if o.NewID == nil {
		o.NewID = uuid.NewString
	}
	return o
}
