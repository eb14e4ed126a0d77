// Package queue is JobService: StableNew's durable job queue and history,
// the workers that feed the queue to one or more WebUIs, the events the GUI
// listens to and the queue's time estimates.
//
// A Service is the only owner of queue state. Every job is a
// pipeline.JobSpec stored exactly as the JobBuilder made it (Preview = Queue
// = Executor); a job is never rebuilt from the GUI. State lives in one SQLite
// file (<data dir>/state/stablenew.db, see DefaultPath), and every
// transition is committed before it is acted on: a job is marked running
// before the executor is called, and put back in the queue before anyone is
// told. A crash or a WebUI outage therefore leaves every job either finished
// (in history) or still queued. An interrupt the user asks for (PauseNow,
// CancelRunning, CancelAndRequeue) is committed before the WebUI is
// interrupted, so a crash in between still ends the job as asked.
//
// The spec JSON lives in its own table (job_data) beside the narrow jobs
// table, and the service keeps the queue's summaries in memory, updated
// under the same lock right after each commit from the values the
// transaction wrote: List answers in milliseconds for 10,000 jobs while the
// database stays the truth.
//
// # Job life
//
//	queued ──claim──▶ running ──▶ completed | failed | cancelled   (history)
//	   ▲                  │
//	   └──────────────────┘  PauseNow, CancelAndRequeue, WebUI unavailable,
//	                         worker stopped, app crashed (recovered at Open)
//
// Attempts counts the runs of a job that ended without a result of their
// own: a crash of the app, the WebUI becoming unavailable, or an ordinary
// failure. PauseNow, CancelAndRequeue and stopping a worker do not count. A
// job whose attempts reach Options.MaxAttempts through crashes or outages is
// failed with the reason, so one job that keeps killing the WebUI (or the
// app) cannot block the queue forever. Retry resets attempts to zero: the
// user has looked at the failure and decided to try again.
//
// # Workers
//
// Start or Attach adds one worker per runner.Executor (one per WebUI URL,
// so several GPUs share one queue). A worker claims the next queued job in a
// write transaction, so two workers never take the same job. With
// Options.CheckpointAffinity a free worker prefers the first queued job that
// uses the checkpoint its WebUI has loaded. While a WebUI is unreachable its
// worker shows the backend state "waiting", pings it with backoff and
// resumes by itself.
//
// # History
//
// Finished jobs stay in history until the user prunes it: PruneHistory
// deletes the records of jobs that finished before a cutoff (or all of
// them, optionally of some statuses only) in one transaction, and
// CountHistory says beforehand how many that would be. Pruning deletes
// records only, never the images on disk, and keeps the learned step times.
//
// # Several processes
//
// Any number of processes may use one queue database at once: the GUI,
// `stablenew queue run`, and the commands that add, pause, resume, clear or
// import. SQLite's write-ahead log lets them read while one writes, writes
// wait for each other (a busy timeout, IMMEDIATE transactions), and a
// worker claims a job in one write transaction, so two processes never run
// a job twice. Each service watches the database (SQLite's data_version)
// and, within a second of another process's commit, reads the queue and
// its flags again and tells its subscribers (QueueChanged, HistoryChanged,
// Paused, Resumed); its idle workers look for the new jobs.
//
// One process at a time works each WebUI: a worker holds a lock named after
// its WebUI (a SQLite lock on state/locks/webui-….lock, released by the
// operating system if the process dies) and waits, state "waiting", while
// another process holds it. A job stored as running on a WebUI whose lock
// is free was therefore abandoned by a process that died: Open, a worker
// taking the WebUI, and a sweep every two seconds put such jobs back (one
// more attempt), and the WebUI's next worker interrupts the render the dead
// process left before it sends new work. Options.ReadOnly opens a database
// for listing and history only.
package queue
