package queue

import (
	"testing"

	"stablenew/pipeline"
)

// fromFile makes a job that starts from an image file (a reprocess job).
func fromFile(path string) func(*pipeline.JobSpec) {
	return func(j *pipeline.JobSpec) {
		c := *j.Config
		c.Txt2Img.Enabled, c.Hires.Enabled, c.Refiner.Enabled = false, false, false
		c.Img2Img.InputImage, c.Upscale.Enabled, c.ADetailer.Enabled = path, true, false
		j.Config, j.Source, j.PackID = &c, pipeline.SourceReprocess, "reprocess"
	}
}

// A job that starts from a file lists that file and no size (the size is
// the file's); the listing survives a restart.
func TestListShowsTheInputImageOfJobsFromAFile(t *testing.T) {
	t.Parallel()
	path := testPath(t)
	s := open(t, path, Options{})
	if err := s.Submit([]pipeline.JobSpec{testJob("t1"), testJob("r1", fromFile("/pics/cat.png"))}, false); err != nil {
		t.Fatal(err)
	}
	check := func(when string, s *Service) {
		t.Helper()
		items, err := s.List()
		if err != nil {
			t.Fatal(err)
		}
		if len(items) != 2 {
			t.Fatalf("%s: %d items", when, len(items))
		}
		if it := items[0]; it.InputImage != "" || it.Width == 0 {
			t.Errorf("%s: a txt2img job lists input %q, width %d", when, it.InputImage, it.Width)
		}
		if it := items[1]; it.InputImage != "/pics/cat.png" || it.Width != 0 || it.Height != 0 {
			t.Errorf("%s: the reprocess job lists input %q, size %d×%d; want the file and no size", when, it.InputImage, it.Width, it.Height)
		}
	}
	check("after submit", s)
	s.Close()
	check("after a restart", open(t, path, Options{}))
}

// A database of schema 3 (before input_image) opens, gains the column and
// keeps its jobs.
func TestSchema3DatabaseIsMigrated(t *testing.T) {
	t.Parallel()
	path := testPath(t)
	old := open(t, path, Options{})
	submit(t, old, false, "old1", "old2")
	old.Close()
	// Take the database back to schema 3.
	db := rawWriteDB(t, path)
	for _, q := range []string{
		`ALTER TABLE jobs DROP COLUMN input_image`,
		`ALTER TABLE jobs DROP COLUMN needs`,
		`DELETE FROM schema_migrations WHERE version >= 4`,
		`PRAGMA user_version = 3`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	s := open(t, path, Options{})
	items, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 2 || items[0].JobID != "old1" || items[1].InputImage != "" {
		t.Fatalf("after the migration: %+v", items)
	}
	var v int
	if err := db.QueryRow(`PRAGMA user_version`).Scan(&v); err != nil || v != schemaVersion {
		t.Fatalf("user_version %d (%v), want %d", v, err, schemaVersion)
	}
}
