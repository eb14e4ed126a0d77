package queue

import (
	"database/sql"
	"fmt"
	"net/url"
	"time"

	"stablenew/pipeline/webui"
)

// migration is one step of the schema. Steps are applied in order, each
// exactly once, all pending ones in a single transaction; PRAGMA
// user_version holds the number of the last one applied and the
// schema_migrations table records when each was applied.
type migration struct {
	version int
	name    string
	sql     string // "" for a step of codeSteps
}

// codeSteps are the schema steps that are Go code, by version.
var codeSteps = map[int]func(tx *sql.Tx) error{6: redactCredentials}

// migrations is the schema, oldest first. Never edit a released step: add a
// new one.
var migrations = []migration{
	{1, "jobs and settings", `
CREATE TABLE schema_migrations (
	version    INTEGER PRIMARY KEY,
	name       TEXT    NOT NULL,
	applied_at INTEGER NOT NULL
);
CREATE TABLE jobs (
	id            INTEGER PRIMARY KEY,
	job_id        TEXT    NOT NULL UNIQUE,
	status        TEXT    NOT NULL CHECK (status IN ('queued','running','completed','failed','cancelled')),
	position      REAL    NOT NULL DEFAULT 0,    -- queue order, with gaps for cheap moves
	attempts      INTEGER NOT NULL DEFAULT 0,
	run_mode      TEXT    NOT NULL DEFAULT '',
	source        TEXT    NOT NULL DEFAULT '',
	pack_id       TEXT    NOT NULL DEFAULT '',
	prompt_index  INTEGER NOT NULL DEFAULT 0,
	variant_index INTEGER NOT NULL DEFAULT 0,
	variant_total INTEGER NOT NULL DEFAULT 0,
	batch_index   INTEGER NOT NULL DEFAULT 0,
	batch_total   INTEGER NOT NULL DEFAULT 0,
	seed          INTEGER NOT NULL DEFAULT 0,
	prompt        TEXT    NOT NULL DEFAULT '',   -- final positive prompt, for display and search
	negative      TEXT    NOT NULL DEFAULT '',   -- final negative prompt, for search
	model         TEXT    NOT NULL DEFAULT '',   -- txt2img checkpoint as the job names it
	model_key     TEXT    NOT NULL DEFAULT '',   -- the same without hash and extension
	width         INTEGER NOT NULL DEFAULT 0,
	height        INTEGER NOT NULL DEFAULT 0,
	steps         INTEGER NOT NULL DEFAULT 0,
	stages        TEXT    NOT NULL DEFAULT '',   -- "txt2img,adetailer,upscale"
	created_at    INTEGER NOT NULL,              -- Unix microseconds
	queued_at     INTEGER NOT NULL,
	started_at    INTEGER,
	finished_at   INTEGER,
	error         TEXT    NOT NULL DEFAULT '',
	backend       TEXT    NOT NULL DEFAULT '',
	outputs       TEXT    NOT NULL DEFAULT '[]', -- JSON array of image paths
	requeued_from TEXT    NOT NULL DEFAULT '',
	stop_reason   TEXT    NOT NULL DEFAULT ''    -- an interrupt the user asked for: pause, cancel, requeue
);
CREATE INDEX jobs_queue ON jobs(status, position);
-- The big documents live apart from jobs, so that listing 10,000 jobs
-- reads a narrow table.
CREATE TABLE job_data (
	id     INTEGER PRIMARY KEY REFERENCES jobs(id) ON DELETE CASCADE,
	spec   TEXT NOT NULL,                        -- the JobSpec JSON exactly as built
	result TEXT                                  -- runner.Result JSON of a completed job
);
CREATE TABLE settings (
	key   TEXT PRIMARY KEY NOT NULL,
	value TEXT NOT NULL
);`},
	// Partial indexes: queued jobs (finished_at NULL) are not in them, so
	// submitting 10,000 jobs does not pay for the history's indexes.
	{2, "history indexes", `
CREATE INDEX jobs_history ON jobs(finished_at DESC) WHERE finished_at IS NOT NULL;
CREATE INDEX jobs_history_status ON jobs(status, finished_at DESC) WHERE finished_at IS NOT NULL;
CREATE INDEX jobs_history_pack ON jobs(pack_id, finished_at DESC) WHERE finished_at IS NOT NULL;`},
	{3, "learned step times and the work of each job", `
ALTER TABLE jobs ADD COLUMN work TEXT NOT NULL DEFAULT ''; -- ETA work units per stage, "txt2img=5.24;upscale=4.19"
CREATE TABLE eta_rates (
	model      TEXT    NOT NULL,   -- checkpoint key
	bucket     TEXT    NOT NULL,   -- resolution bucket, "1024px"
	stage      TEXT    NOT NULL,
	sec_per_unit REAL  NOT NULL,   -- seconds per work unit (megapixel-step)
	samples    INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	PRIMARY KEY (model, bucket, stage)
);`},
	{4, "input image of jobs that start from a file", `
ALTER TABLE jobs ADD COLUMN input_image TEXT NOT NULL DEFAULT ''; -- img2img's input when txt2img is off (reprocess)`},
	{5, "the resources each job cannot run without", `
ALTER TABLE jobs ADD COLUMN needs TEXT NOT NULL DEFAULT ''; -- resources.RequiredKey: routes jobs to the WebUIs that have them`},
	// Builds before it stored a WebUI URL with its credentials as the job's
	// backend ("http://user:pass@host:7860"), and in errors that named it.
	{6, "no credentials in backends and errors", ""},
	// IF NOT EXISTS: tests that replay older steps on a current database.
	{7, "learning experiments and ratings", `
CREATE TABLE IF NOT EXISTS experiments (
	id         TEXT    PRIMARY KEY NOT NULL,
	created_at INTEGER NOT NULL,
	definition TEXT    NOT NULL                 -- controller.Experiment JSON: prompt, sweeps, seeds
);
CREATE TABLE IF NOT EXISTS experiment_jobs (
	job_id        TEXT    PRIMARY KEY NOT NULL,  -- the job as submitted (a requeued copy names it in requeued_from)
	experiment_id TEXT    NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
	position      INTEGER NOT NULL,              -- plan order
	cell          TEXT    NOT NULL,              -- JSON [{"dimension","value"}], the cell's swept values
	seed          INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS experiment_jobs_experiment ON experiment_jobs(experiment_id, position);
CREATE TABLE IF NOT EXISTS ratings (
	job_id   TEXT    PRIMARY KEY NOT NULL,
	stars    INTEGER NOT NULL CHECK (stars BETWEEN 1 AND 5),
	note     TEXT    NOT NULL DEFAULT '',
	rated_at INTEGER NOT NULL
);`},
	// An experiment's view follows requeued copies of its jobs by this
	// column; without an index every step of that walk read all jobs.
	{8, "index of requeued jobs", `
CREATE INDEX IF NOT EXISTS jobs_requeued_from ON jobs(requeued_from) WHERE requeued_from != '';`},
}

// schemaVersion is the newest schema this build knows.
var schemaVersion = len(migrations)

// migrate brings the database up to schemaVersion in one transaction. It
// refuses a database from a newer build without changing it.
func migrate(db *sql.DB, path string, now time.Time) error {
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	var v int
	if err := tx.QueryRow("PRAGMA user_version").Scan(&v); err != nil {
		return err
	}
	if v > schemaVersion {
		return newerSchema(path, v)
	}
	if v == schemaVersion {
		return nil
	}
	for _, m := range migrations[v:] {
		if step := codeSteps[m.version]; step != nil {
			err = step(tx)
		} else {
			_, err = tx.Exec(m.sql)
		}
		if err != nil {
			return fmt.Errorf("schema step %d (%s): %w", m.version, m.name, err)
		}
		if _, err := tx.Exec(`INSERT INTO schema_migrations(version, name, applied_at) VALUES(?, ?, ?)`,
			m.version, m.name, dbTime(now)); err != nil {
			return fmt.Errorf("schema step %d: %w", m.version, err)
		}
	}
	if _, err := tx.Exec(fmt.Sprintf("PRAGMA user_version = %d", schemaVersion)); err != nil {
		return err
	}
	return tx.Commit()
}

// redactCredentials is schema step 6: the backend column keeps the WebUI's
// URL without its credentials, and errors show them as "***".
func redactCredentials(tx *sql.Tx) error {
	rows, err := tx.Query(`SELECT id, backend, error FROM jobs WHERE backend LIKE '%@%' OR error LIKE '%@%'`)
	if err != nil {
		return err
	}
	type fix struct {
		id             int64
		backend, error string
	}
	var fixes []fix
	for rows.Next() {
		var f fix
		if err := rows.Scan(&f.id, &f.backend, &f.error); err != nil {
			rows.Close()
			return err
		}
		backend, msg := f.backend, webui.RedactURL(f.error)
		if u, err := url.Parse(backend); err == nil && u.User != nil {
			webui.SplitURLCredentials(u)
			backend = u.String()
		}
		if backend != f.backend || msg != f.error {
			fixes = append(fixes, fix{f.id, backend, msg})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, f := range fixes {
		if _, err := tx.Exec(`UPDATE jobs SET backend = ?, error = ? WHERE id = ?`, f.backend, f.error, f.id); err != nil {
			return err
		}
	}
	return nil
}
