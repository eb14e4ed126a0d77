package webui

import (
	"math/rand/v2"
	"time"
)

// RetryPolicy controls how failed calls are retried: Attempts in total, and
// between attempt n and n+1 a wait of min(BaseDelay·2^n, MaxDelay) plus a
// random jitter in [0, Jitter).
type RetryPolicy struct {
	Attempts  int
	BaseDelay time.Duration
	MaxDelay  time.Duration
	Jitter    time.Duration
}

// DefaultRetryPolicy is 3 attempts, 1s·2^n capped at 30s, plus up to 0.5s of
// jitter.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{Attempts: 3, BaseDelay: time.Second, MaxDelay: 30 * time.Second, Jitter: 500 * time.Millisecond}
}

// attempts returns the number of attempts, at least 1.
func (p RetryPolicy) attempts() int { return max(p.Attempts, 1) }

// Delay returns the wait before retry number n (0 for the first retry).
func (p RetryPolicy) Delay(n int) time.Duration {
	d := p.BaseDelay
	for i := 0; i < n && d < p.MaxDelay; i++ {
		d *= 2
	}
	if p.MaxDelay > 0 && d > p.MaxDelay {
		d = p.MaxDelay
	}
	if p.Jitter > 0 {
		d += rand.N(p.Jitter)
	}
	return max(d, 0)
}
