package queue

import (
	"database/sql"
	"slices"
	"sort"
)

// mirror holds the queue (queued and running jobs) in memory, in order, so
// that List answers in a millisecond for 10,000 jobs instead of reading
// them all. The database stays the truth: the first call that needs the
// mirror loads it (see Service.lockListed), and every change is committed
// first and then applied here under the service's lock, from the values
// the transaction itself wrote. A service opened read-only has no mirror
// (another process changes the database) and lists from the database. A
// stored item's QueueItem never changes (a change stores a new item; only
// pos is set in place), so ListShared hands them out to readers without a
// lock.
type mirror struct {
	items  map[string]*listedItem
	sorted []*listedItem // nil when it must be rebuilt
	// loaded is set once the queue has been read in; until then changes
	// are not applied (the first read finds them in the database).
	loaded bool
}

// listedItem is a QueueItem with its raw position.
type listedItem struct {
	QueueItem
	pos      float64
	modelKey string // for the queue's ETA
	work     string
}

// mirrorChange is what a transaction did to the queue, applied to the
// mirror once it has committed.
type mirrorChange struct {
	put        []listedItem // jobs now queued or running, with their stored values
	drop       []string     // jobs no longer in the queue
	dropQueued bool         // every queued job left the queue
	pos        map[string]float64
}

func newMirror() *mirror { return &mirror{items: map[string]*listedItem{}} }

// ready reports whether the queue is in memory (never for a read-only
// service, which has no mirror).
func (m *mirror) ready() bool { return m != nil && m.loaded }

// handOut returns the item's QueueItem for a caller to keep: its stages,
// which the items read in one go share, are its own.
func (it *listedItem) handOut() QueueItem {
	q := it.QueueItem
	q.Stages = slices.Clone(q.Stages)
	return q
}

func (m *mirror) apply(c mirrorChange) {
	if m == nil || !m.loaded {
		return
	}
	if c.dropQueued {
		for id, it := range m.items {
			if it.Status == StatusQueued {
				delete(m.items, id)
			}
		}
	}
	for _, id := range c.drop {
		delete(m.items, id)
	}
	for i := range c.put {
		it := c.put[i]
		if it.Status == StatusQueued || it.Status == StatusRunning {
			m.items[it.JobID] = &it
		} else {
			delete(m.items, it.JobID)
		}
	}
	for id, p := range c.pos {
		if it, ok := m.items[id]; ok {
			it.pos = p
		}
	}
	m.sorted = nil
}

// snapshot returns the queue in List order: running jobs by start time,
// then queued jobs by position.
func (m *mirror) snapshot() []QueueItem {
	sorted := m.snapshotListed()
	out := make([]QueueItem, len(sorted))
	for i, it := range sorted {
		out[i] = it.handOut()
	}
	return out
}

// snapshotListed returns the sorted items themselves (read-only, under the
// service's lock).
func (m *mirror) snapshotListed() []*listedItem {
	if m.sorted == nil {
		m.sorted = make([]*listedItem, 0, len(m.items))
		for _, it := range m.items {
			m.sorted = append(m.sorted, it)
		}
		sort.Slice(m.sorted, func(i, j int) bool { return listLess(m.sorted[i], m.sorted[j]) })
	}
	return m.sorted
}

func listLess(a, b *listedItem) bool {
	ar, br := a.Status == StatusRunning, b.Status == StatusRunning
	if ar != br {
		return ar
	}
	if ar && !a.StartedAt.Equal(*b.StartedAt) {
		return a.StartedAt.Before(*b.StartedAt)
	}
	if a.pos != b.pos {
		return a.pos < b.pos
	}
	return a.JobID < b.JobID
}

// readListed reads the list columns of the given jobs inside a
// transaction; ids no longer stored come back in gone.
func readListed(tx *sql.Tx, ids ...string) (items []listedItem, gone []string, err error) {
	found := map[string]bool{}
	err = inChunks(ids, func(chunk []any, marks string) error {
		rows, err := tx.Query(`SELECT `+listColumns+` FROM jobs WHERE job_id IN (`+marks+`)`, chunk...)
		if err != nil {
			return err
		}
		defer rows.Close()
		got, err := scanListed(rows, nil)
		for _, it := range got {
			found[it.JobID] = true
		}
		items = append(items, got...)
		return err
	})
	for _, id := range ids {
		if !found[id] {
			gone = append(gone, id)
		}
	}
	return items, gone, err
}

// refreshChange reads the given jobs back for the mirror.
func refreshChange(tx *sql.Tx, ids ...string) (mirrorChange, error) {
	items, gone, err := readListed(tx, ids...)
	return mirrorChange{put: items, drop: gone}, err
}
