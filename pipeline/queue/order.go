package queue

import (
	"database/sql"
	"fmt"
)

// Positions are REAL numbers with gaps: a move gives new positions only to
// the moved jobs, in the gap between their new neighbours. When a gap gets
// too narrow for float64, the whole queue is renumbered 1..n.

type queuedPos struct {
	id  string
	pos float64
}

// Move moves the selected queued jobs up, down, to the top or to the
// bottom, keeping their relative order. Running jobs and ids that are not
// queued are ignored (a job may have started since the user selected it).
func (s *Service) Move(ids []string, to MoveKind) error {
	return s.reorder(ids, func(order []queuedPos, sel map[string]bool) []queuedPos {
		switch to {
		case MoveUp:
			for i := 1; i < len(order); i++ {
				if sel[order[i].id] && !sel[order[i-1].id] {
					order[i], order[i-1] = order[i-1], order[i]
				}
			}
		case MoveDown:
			for i := len(order) - 2; i >= 0; i-- {
				if sel[order[i].id] && !sel[order[i+1].id] {
					order[i], order[i+1] = order[i+1], order[i]
				}
			}
		case MoveTop:
			return append(pick(order, sel, true), pick(order, sel, false)...)
		case MoveBottom:
			return append(pick(order, sel, false), pick(order, sel, true)...)
		}
		return order
	}, to.String())
}

// MoveTo moves the selected queued jobs, in their relative order, so that
// the first of them lands at position (1 = next to run, as in
// QueueItem.Position). A position past the end moves them to the end.
func (s *Service) MoveTo(ids []string, position int) error {
	return s.reorder(ids, func(order []queuedPos, sel map[string]bool) []queuedPos {
		moved, rest := pick(order, sel, true), pick(order, sel, false)
		at := min(max(position, 1), len(rest)+1) - 1
		out := make([]queuedPos, 0, len(order))
		out = append(out, rest[:at]...)
		out = append(out, moved...)
		return append(out, rest[at:]...)
	}, fmt.Sprintf("to %d", position))
}

func pick(order []queuedPos, sel map[string]bool, selected bool) []queuedPos {
	out := make([]queuedPos, 0, len(order))
	for _, q := range order {
		if sel[q.id] == selected {
			out = append(out, q)
		}
	}
	return out
}

// reorder reads the queue, lets arrange compute the new order (only the
// selected jobs may change places relative to the others) and stores the
// new positions of the jobs that moved.
func (s *Service) reorder(ids []string, arrange func([]queuedPos, map[string]bool) []queuedPos, what string) error {
	if err := s.lockWritable(); err != nil {
		return err
	}
	defer s.mu.Unlock()
	if len(ids) == 0 {
		return nil
	}
	sel := make(map[string]bool, len(ids))
	for _, id := range ids {
		sel[id] = true
	}
	changed := 0
	var moved map[string]float64
	err := s.st.write(func(tx *sql.Tx) error {
		moved = nil
		order, err := readQueueOrder(tx)
		if err != nil {
			return err
		}
		inQueue := 0
		for _, q := range order {
			if sel[q.id] {
				inQueue++
			}
		}
		if inQueue == 0 {
			changed = 0
			return nil
		}
		old := make(map[string]float64, len(order))
		for _, q := range order {
			old[q.id] = q.pos
		}
		after := arrange(order, sel)
		updates := placeMoved(after, sel)
		if updates == nil {
			updates = renumber(after)
		}
		changed = 0
		stmt, err := tx.Prepare(`UPDATE jobs SET position = ? WHERE job_id = ? AND status = 'queued'`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for id, p := range updates {
			if p == old[id] {
				continue
			}
			changed++
			if _, err := stmt.Exec(p, id); err != nil {
				return err
			}
		}
		moved = updates
		return nil
	})
	if err != nil {
		return fmt.Errorf("move jobs %s: %w", what, err)
	}
	s.mirror.apply(mirrorChange{pos: moved})
	if changed > 0 {
		s.log.Info("jobs moved", "move", what, "selected", len(ids))
		s.queueChanged()
	}
	return nil
}

func readQueueOrder(tx *sql.Tx) ([]queuedPos, error) {
	rows, err := tx.Query(`SELECT job_id, position FROM jobs WHERE status = 'queued' ORDER BY position`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []queuedPos
	for rows.Next() {
		var q queuedPos
		if err := rows.Scan(&q.id, &q.pos); err != nil {
			return nil, err
		}
		out = append(out, q)
	}
	return out, rows.Err()
}

// placeMoved gives each run of consecutive selected jobs in the new order
// evenly spaced positions between its unselected neighbours. It returns nil
// when a gap is too narrow, and the caller renumbers instead.
func placeMoved(order []queuedPos, sel map[string]bool) map[string]float64 {
	out := map[string]float64{}
	for i := 0; i < len(order); {
		if !sel[order[i].id] {
			i++
			continue
		}
		j := i
		for j < len(order) && sel[order[j].id] {
			j++
		}
		k := j - i
		var pos []float64
		switch {
		case i == 0 && j == len(order): // only selected jobs
			for n := range k {
				pos = append(pos, float64(n+1))
			}
		case i == 0:
			hi := order[j].pos
			for n := range k {
				pos = append(pos, hi-float64(k-n))
			}
		case j == len(order):
			lo := order[i-1].pos
			for n := range k {
				pos = append(pos, lo+float64(n+1))
			}
		default:
			lo, hi := order[i-1].pos, order[j].pos
			step := (hi - lo) / float64(k+1)
			for n := range k {
				pos = append(pos, lo+step*float64(n+1))
			}
		}
		prev := -1e308
		if i > 0 {
			prev = order[i-1].pos
		}
		for n, p := range pos {
			if !(p > prev) {
				return nil
			}
			prev = p
			order[i+n].pos = p
			out[order[i+n].id] = p
		}
		if j < len(order) && !(prev < order[j].pos) {
			return nil
		}
		i = j
	}
	return out
}

// renumber gives every job the position 1..n in the given order.
func renumber(order []queuedPos) map[string]float64 {
	out := make(map[string]float64, len(order))
	for i := range order {
		order[i].pos = float64(i + 1)
		out[order[i].id] = order[i].pos
	}
	return out
}
