package queue

import (
	"strings"
	"testing"
)

// Schema step 6 strips the credentials that builds before it stored in the
// backend column with the WebUI's URL (and errors that named it), and
// leaves every other value alone.
func TestSchema6RemovesCredentialsFromBackends(t *testing.T) {
	t.Parallel()
	path := testPath(t)
	s := open(t, path, Options{})
	submit(t, s, false, "a", "b", "c", "d", "e")
	s.Close()
	db := rawWriteDB(t, path)
	backends := map[string][2]string{
		"a": {"http://alice:s3cret@127.0.0.1:7860", "http://127.0.0.1:7860"},
		"b": {"https://bob:p@ss@gpu.lan/sd", "https://gpu.lan/sd"},
		"c": {"http://gpu.lan/sd@latest", "http://gpu.lan/sd@latest"},
		"d": {"http://127.0.0.1:7861", "http://127.0.0.1:7861"},
		"e": {"", ""},
	}
	for id, b := range backends {
		if _, err := db.Exec(`UPDATE jobs SET backend = ?, error = ? WHERE job_id = ?`, b[0], "WebUI "+b[0]+" failed", id); err != nil {
			t.Fatal(err)
		}
	}
	for _, q := range []string{`DELETE FROM schema_migrations WHERE version >= 6`, `PRAGMA user_version = 5`} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	open(t, path, Options{})
	for id, b := range backends {
		var got, msg string
		if err := db.QueryRow(`SELECT backend, error FROM jobs WHERE job_id = ?`, id).Scan(&got, &msg); err != nil {
			t.Fatal(err)
		}
		if got != b[1] {
			t.Errorf("job %s: backend %q became %q, want %q", id, b[0], got, b[1])
		}
		if strings.Contains(msg, "s3cret") || strings.Contains(msg, "p@ss") || !strings.Contains(msg, "WebUI ") {
			t.Errorf("job %s: error %q", id, msg)
		}
	}
}
