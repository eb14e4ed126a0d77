package queue

import (
	"fmt"
	"testing"
	"time"
)

// A subscriber that stops reading never slows the queue: while it stalls,
// 50 jobs report 10,000 progress events and 100 job transitions. The jobs
// all finish, the subscriber's backlog stays small (progress coalesced),
// and when it reads again it gets every transition, in order, and the
// latest progress of each job.
func TestSlowSubscriberNeverBlocksAndLosesNoTransition(t *testing.T) {
	t.Parallel()
	const jobCount, steps = 50, 200 // 50 × 200 = 10,000 progress events
	s := newService(t, Options{})
	db := rawDB(t, s.Path())
	f := newFake("gpu0")
	f.progress = steps
	f.preview = make([]byte, 4096)
	slow, stop := s.Subscribe(1) // never read until the end
	defer stop()
	submit(t, s, false, ids("j", jobCount)...)

	sum, err := s.RunUntilEmpty(t.Context(), f)
	if err != nil || sum.Completed != jobCount {
		t.Fatalf("RunUntilEmpty = %+v, %v", sum, err)
	}
	if n := countStatus(t, db, StatusCompleted); n != jobCount {
		t.Fatalf("%d completed in the store", n)
	}
	var backlog int
	s.hub.mu.Lock()
	for sub := range s.hub.subs {
		backlog = sub.pending()
	}
	s.hub.mu.Unlock()
	// 100 job transitions + stage and backend transitions + one progress per
	// job + one QueueChanged; far below the 10,000 progress events.
	if backlog > 600 {
		t.Fatalf("stalled subscriber holds %d events; progress is not coalesced", backlog)
	}

	// Now read everything.
	var started, finished []string
	lastStep := map[string]int{}
	progress := 0
	deadline := time.After(10 * time.Second)
	for len(finished) < jobCount {
		select {
		case e := <-slow:
			switch e.Kind {
			case JobStarted:
				started = append(started, e.JobID)
			case JobFinished:
				if len(finished) >= len(started) || started[len(finished)] != e.JobID {
					t.Fatalf("JobFinished %s out of order (started %v)", e.JobID, started)
				}
				finished = append(finished, e.JobID)
			case JobProgress:
				progress++
				if e.Progress.Step < lastStep[e.JobID] {
					t.Fatalf("stale progress for %s: step %d after %d", e.JobID, e.Progress.Step, lastStep[e.JobID])
				}
				lastStep[e.JobID] = e.Progress.Step
			}
		case <-deadline:
			t.Fatalf("got %d of %d JobFinished", len(finished), jobCount)
		}
	}
	equalIDs(t, "started", started, ids("j", jobCount))
	equalIDs(t, "finished", finished, ids("j", jobCount))
	if progress > jobCount*2+10 {
		t.Fatalf("%d progress events delivered to a stalled subscriber, want them coalesced", progress)
	}
	for _, id := range ids("j", jobCount) {
		if lastStep[id] != steps {
			t.Fatalf("latest progress of %s is step %d, want %d", id, lastStep[id], steps)
		}
	}
}

// The pending list of one subscriber, without its delivery goroutine:
// transitions keep their order, progress keeps only the newest per job and
// moves to the end, and the list is compacted.
func TestSubscriberCoalescing(t *testing.T) {
	t.Parallel()
	sub := &subscriber{latest: map[string]int{}, notify: make(chan struct{}, 1)}
	for i := 0; i < 10000; i++ {
		id := fmt.Sprintf("j%d", i%3)
		sub.push(Event{Kind: JobProgress, JobID: id, Progress: &ProgressInfo{Step: i}})
		if i%100 == 0 {
			sub.push(Event{Kind: JobStarted, JobID: fmt.Sprint(i / 100)})
			sub.push(Event{Kind: QueueChanged})
		}
	}
	if len(sub.queue) > 400 {
		t.Fatalf("pending list has %d entries (holes not compacted)", len(sub.queue))
	}
	var transitions []string
	var progress []int
	queueChanged := 0
	for {
		e, ok := sub.pop()
		if !ok {
			break
		}
		switch e.Kind {
		case JobStarted:
			transitions = append(transitions, e.JobID)
		case JobProgress:
			progress = append(progress, e.Progress.Step)
		case QueueChanged:
			queueChanged++
		}
	}
	if len(transitions) != 100 {
		t.Fatalf("%d transitions, want 100", len(transitions))
	}
	for i, id := range transitions {
		if id != fmt.Sprint(i) {
			t.Fatalf("transition %d is %s", i, id)
		}
	}
	if fmt.Sprint(progress) != "[9997 9998 9999]" || queueChanged != 1 {
		t.Fatalf("progress %v, %d QueueChanged; want the newest 3 and 1", progress, queueChanged)
	}
	if sub.pending() != 0 {
		t.Fatalf("pending = %d after draining", sub.pending())
	}
}

func TestUnsubscribeAndCloseEndTheChannel(t *testing.T) {
	t.Parallel()
	s := newService(t, Options{})
	a, stopA := s.Subscribe(0)
	b, _ := s.Subscribe(0)
	stopA()
	stopA() // idempotent
	if _, ok := <-a; ok {
		t.Fatal("channel open after unsubscribe")
	}
	s.Close()
	for range b {
	}
	c, _ := s.Subscribe(1)
	if _, ok := <-c; ok {
		t.Fatal("subscription after Close is open")
	}
}

func TestUnsubscribeAfterCloseIsSafe(t *testing.T) {
	h := newHub()
	_, unsubscribe := h.subscribe(1)
	h.close()
	unsubscribe() // must not close the done channel a second time
	unsubscribe()
}
