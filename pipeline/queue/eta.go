package queue

import (
	"container/heap"
	"database/sql"
	"fmt"
	"math"
	"sync"
	"time"

	"stablenew/pipeline"
	"stablenew/pipeline/runner"
)

// The ETA model. Every stage of a job has a work figure in units
// (megapixel-steps for sampling stages, output megapixels for upscale; see
// workUnits). The model learns seconds per unit for each (checkpoint,
// resolution bucket, stage) from finished jobs, as an exponential moving
// average, and keeps the figures in the eta_rates table. Before any history
// exists it uses built-in rates: 0.1 s per step at 512×512, scaled by pixel
// count; ADetailer about 40% of the base pass (in workUnits); an upscale a
// few seconds.

// defaultRates are seconds per unit before anything was learned.
var defaultRates = map[pipeline.StageType]float64{
	pipeline.StageTxt2Img:   0.1 / (512 * 512 / 1e6), // 0.1 s/step at 512²
	pipeline.StageImg2Img:   0.1 / (512 * 512 / 1e6),
	pipeline.StageADetailer: 0.1 / (512 * 512 / 1e6),
	pipeline.StageUpscale:   2.5, // 2.5 s per output megapixel: 1024² ≈ 2.6 s
}

// etaAlpha is the weight of a new measurement in the moving average.
const etaAlpha = 0.3

type rateKey struct {
	model  string
	bucket string
	stage  pipeline.StageType
}

type rate struct {
	sec     float64 // seconds per unit
	samples int
}

type rateUpdate struct {
	key  rateKey
	rate rate
}

type estimator struct {
	mu      sync.RWMutex
	rates   map[rateKey]rate
	version uint64
}

func newEstimator() *estimator { return &estimator{rates: map[rateKey]rate{}} }

// resolutionBucket groups sizes by the side of a square of the same area,
// rounded to 128 px: 512×512 and 448×576 are both "512px".
func resolutionBucket(w, h int) string {
	side := math.Sqrt(float64(max(w, 1)) * float64(max(h, 1)))
	return fmt.Sprintf("%dpx", max(int(math.Round(side/128))*128, 128))
}

func (e *estimator) load(db *sql.DB) error {
	rows, err := db.Query(`SELECT model, bucket, stage, sec_per_unit, samples FROM eta_rates`)
	if err != nil {
		return err
	}
	defer rows.Close()
	e.mu.Lock()
	defer e.mu.Unlock()
	for rows.Next() {
		var k rateKey
		var r rate
		var stage string
		if err := rows.Scan(&k.model, &k.bucket, &stage, &r.sec, &r.samples); err != nil {
			return err
		}
		k.stage = pipeline.StageType(stage)
		e.rates[k] = r
	}
	return rows.Err()
}

// rateLocked finds the best figure for a stage: the exact key, else the
// same checkpoint at another resolution (units already scale with pixels),
// else any checkpoint at this resolution, else the built-in default. known
// is false for the last two.
func (e *estimator) rateLocked(model, bucket string, stage pipeline.StageType) (float64, bool) {
	if r, ok := e.rates[rateKey{model, bucket, stage}]; ok {
		return r.sec, true
	}
	var sameModel, sameBucket rate
	var sumBucket float64
	var nBucket int
	for k, r := range e.rates {
		if k.stage != stage {
			continue
		}
		if k.model == model && r.samples > sameModel.samples {
			sameModel = r
		}
		if k.bucket == bucket {
			sumBucket += r.sec * float64(r.samples)
			nBucket += r.samples
		}
	}
	if sameModel.samples > 0 {
		return sameModel.sec, true
	}
	if nBucket > 0 {
		sameBucket.sec = sumBucket / float64(nBucket)
		return sameBucket.sec, false
	}
	if d, ok := defaultRates[stage]; ok {
		return d, false
	}
	return defaultRates[pipeline.StageTxt2Img], false
}

// stageTimes predicts each stage's duration.
func (e *estimator) stageTimes(model, bucket string, work []stageWork) ([]time.Duration, bool) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	out := make([]time.Duration, len(work))
	known := true
	for i, w := range work {
		r, ok := e.rateLocked(model, bucket, w.stage)
		known = known && ok
		out[i] = time.Duration(r * w.units * float64(time.Second))
	}
	return out, known
}

func sumDurations(ds []time.Duration) time.Duration {
	var t time.Duration
	for _, d := range ds {
		t += d
	}
	return t
}

// observe turns the measured stage durations of a finished job into new
// moving averages. They are applied (apply) after they are stored.
func (e *estimator) observe(model, bucket string, work []stageWork, took []time.Duration) []rateUpdate {
	e.mu.RLock()
	defer e.mu.RUnlock()
	var out []rateUpdate
	for i, w := range work {
		if i >= len(took) || took[i] <= 0 || w.units <= 0 {
			continue
		}
		obs := took[i].Seconds() / w.units
		k := rateKey{model, bucket, w.stage}
		r, ok := e.rates[k]
		if !ok {
			r = rate{sec: obs, samples: 1}
		} else {
			r = rate{sec: r.sec + etaAlpha*(obs-r.sec), samples: r.samples + 1}
		}
		out = append(out, rateUpdate{k, r})
	}
	return out
}

func (e *estimator) apply(updates []rateUpdate) {
	if len(updates) == 0 {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, u := range updates {
		e.rates[u.key] = u.rate
	}
	e.version++
}

func (e *estimator) currentVersion() uint64 {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.version
}

func saveRates(tx *sql.Tx, updates []rateUpdate, now time.Time) error {
	for _, u := range updates {
		if _, err := tx.Exec(`INSERT INTO eta_rates(model, bucket, stage, sec_per_unit, samples, updated_at)
			VALUES(?, ?, ?, ?, ?, ?)
			ON CONFLICT(model, bucket, stage) DO UPDATE SET sec_per_unit = excluded.sec_per_unit,
				samples = excluded.samples, updated_at = excluded.updated_at`,
			u.key.model, u.key.bucket, string(u.key.stage), u.rate.sec, u.rate.samples, dbTime(now)); err != nil {
			return fmt.Errorf("save learned step time: %w", err)
		}
	}
	return nil
}

// measuredStageTimes reads each stage's duration from the runner's result.
// When the result lacks them, the job's wall time is split over its stages
// in proportion to their predicted times.
func measuredStageTimes(work []stageWork, predicted []time.Duration, res *runner.Result, wall time.Duration) []time.Duration {
	out := make([]time.Duration, len(work))
	all := res != nil && len(res.Stages) > 0
	for i, w := range work {
		found := false
		if res != nil {
			for _, sr := range res.Stages {
				if sr.Stage == w.stage && sr.Finished.After(sr.Started) {
					out[i] = sr.Finished.Sub(sr.Started)
					found = true
					break
				}
			}
		}
		all = all && found
	}
	if all {
		return out
	}
	total := sumDurations(predicted)
	for i := range out {
		if total > 0 {
			out[i] = time.Duration(float64(wall) * float64(predicted[i]) / float64(total))
		} else {
			out[i] = wall / time.Duration(max(len(out), 1))
		}
	}
	return out
}

// etaCache keeps the predicted durations of the queued jobs until the queue
// or the learned figures change.
type etaCache struct {
	mu       sync.Mutex
	valid    bool
	queueGen uint64
	rateGen  uint64
	jobs     []time.Duration
	known    bool
}

// QueueETA estimates the whole queue: total is the GPU time of what is left
// (the running jobs' remainder plus every queued job), finish is when the
// last job should end with the attached workers sharing the queue in order
// (one worker assumed when none is attached). known is false when part of
// the estimate rests on built-in figures rather than this machine's
// history: show it as approximate. A paused queue is estimated as if it
// were resumed now.
func (s *Service) QueueETA() (total time.Duration, finish time.Time, known bool) {
	now := s.clock.Now()
	queued, known, err := s.queuedEstimates()
	if err != nil {
		s.log.Warn("queue ETA: cannot read the queue", "err", err)
		return 0, now, false
	}
	s.mu.Lock()
	var busy []time.Duration
	for _, r := range s.runs {
		rem, ok := r.remaining(now)
		known = known && ok
		busy = append(busy, rem)
	}
	workers := 0
	for w := range s.workers {
		if w.state != BackendWaiting && w.state != BackendError {
			workers++
		}
	}
	s.mu.Unlock()
	workers = max(workers, len(busy), 1)

	free := make(durationHeap, workers)
	copy(free, busy)
	heap.Init(&free)
	for _, d := range busy {
		total += d
	}
	for _, d := range queued {
		total += d
		free[0] += d
		heap.Fix(&free, 0)
	}
	var makespan time.Duration
	for _, d := range free {
		makespan = max(makespan, d)
	}
	return total, now.Add(makespan), known
}

// queuedEstimates predicts every queued job, in queue order.
func (s *Service) queuedEstimates() ([]time.Duration, bool, error) {
	c := &s.etaCache
	c.mu.Lock()
	defer c.mu.Unlock()
	qg, rg := s.queueGen(), s.eta.currentVersion()
	if c.valid && c.queueGen == qg && c.rateGen == rg {
		return c.jobs, c.known, nil
	}
	type memoKey struct{ model, bucket, work string }
	var keys []memoKey
	s.mu.Lock()
	inMemory := s.mirror.ready()
	if inMemory {
		for _, it := range s.mirror.snapshotListed() {
			if it.Status == StatusQueued {
				keys = append(keys, memoKey{it.modelKey, resolutionBucket(it.Width, it.Height), it.work})
			}
		}
	}
	s.mu.Unlock()
	if !inMemory { // read-only, or not read in yet: read the database
		rows, err := s.st.r.Query(`SELECT model_key, width, height, work FROM jobs
			WHERE status = 'queued' ORDER BY position`)
		if err != nil {
			return nil, false, err
		}
		defer rows.Close()
		for rows.Next() {
			var k memoKey
			var w, h int
			if err := rows.Scan(&k.model, &w, &h, &k.work); err != nil {
				return nil, false, err
			}
			k.bucket = resolutionBucket(w, h)
			keys = append(keys, k)
		}
		if err := rows.Err(); err != nil {
			return nil, false, err
		}
	}
	memo := map[memoKey]struct {
		d     time.Duration
		known bool
	}{}
	jobs := make([]time.Duration, 0, len(keys))
	known := true
	for _, k := range keys {
		m, ok := memo[k]
		if !ok {
			work, _ := parseWork(k.work)
			ts, kn := s.eta.stageTimes(k.model, k.bucket, work)
			m.d, m.known = sumDurations(ts), kn
			memo[k] = m
		}
		known = known && m.known
		jobs = append(jobs, m.d)
	}
	c.valid, c.queueGen, c.rateGen, c.jobs, c.known = true, qg, rg, jobs, known
	return jobs, known, nil
}

// JobETA is the remaining time of a running job, or false when the job is
// not running.
func (s *Service) JobETA(id string) (time.Duration, bool) {
	s.mu.Lock()
	r := s.runs[id]
	s.mu.Unlock()
	if r == nil {
		return 0, false
	}
	d, _ := r.remaining(s.clock.Now())
	return d, true
}

// EstimateJob predicts how long a job would take on this machine, and
// whether the figure rests on its history (for the preview panel).
func (s *Service) EstimateJob(j *pipeline.JobSpec) (time.Duration, bool) {
	if j == nil || j.Config == nil {
		return 0, false
	}
	sum := summarize(j)
	work, _ := parseWork(sum.work)
	ts, known := s.eta.stageTimes(sum.modelKey, resolutionBucket(sum.width, sum.height), work)
	return sumDurations(ts), known
}

type durationHeap []time.Duration

func (h durationHeap) Len() int           { return len(h) }
func (h durationHeap) Less(i, j int) bool { return h[i] < h[j] }
func (h durationHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *durationHeap) Push(x any)        { *h = append(*h, x.(time.Duration)) }
func (h *durationHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
