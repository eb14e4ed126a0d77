package cli

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// cheap fails the test when fn takes more than d (scaled for the race
// detector) or allocates more than maxMB in total.
func cheap(t *testing.T, d time.Duration, maxMB uint64, fn func()) {
	t.Helper()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	fn()
	took := time.Since(start)
	runtime.ReadMemStats(&after)
	assert.Less(t, took, d*slowdown, "time")
	assert.Less(t, (after.TotalAlloc-before.TotalAlloc)>>20, maxMB, "MB allocated")
}

// TestExpandRefusesRunawayTemplates: each of these once ran for minutes or
// ate gigabytes. They exit 2 at once, naming the count or the limit.
func TestExpandRefusesRunawayTemplates(t *testing.T) {
	dir := t.TempDir()
	for i := 0; i < 20; i++ {
		body := fmt.Sprintf("__c%d__ and __c%d__\n", i+1, i+1)
		require.NoError(t, os.WriteFile(filepath.Join(dir, fmt.Sprintf("c%d.txt", i)), []byte(body), 0o644))
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "c20.txt"), []byte("leaf\n"), 0o644))
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"2^40 combinations", []string{"expand", "--", strings.Repeat("{a|b}", 40)},
			"the template makes 1099511627776 prompts, more than 100000 at once; print the first ones with --max N"},
		{"20,000 nested braces", []string{"expand", "--", strings.Repeat("{", 10000) + "a" + strings.Repeat("}", 10000)},
			"nested more than 64 deep"},
		{"wildcard chain", []string{"expand", "--wildcards", dir, "--mode", "random", "--max", "3", "--", "__c0__"},
			"a prompt grows past"},
		{"wildcard chain, all", []string{"expand", "--wildcards", dir, "--", "__c0__"}, "more than"},
		{"long template", []string{"expand", "--", strings.Repeat("x", 40000)}, "the template is 40000 bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cheap(t, time.Second, 200, func() {
				code, out, errOut := run(t, tc.args...)
				assert.Equal(t, ExitUsage, code)
				assert.Contains(t, errOut, tc.want)
				assert.Less(t, len(out), 1<<20)
			})
		})
	}
}

// failingWriter takes n bytes, then fails like a closed pipe.
type failingWriter struct{ n int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.n <= 0 {
		return 0, errors.New("broken pipe")
	}
	w.n -= len(p)
	return len(p), nil
}

// TestExpandStreams: prompts are written as they are made, so a hundred
// million random draws start printing at once in constant memory (they
// were all held in memory first), and a reader that goes away stops them.
func TestExpandStreams(t *testing.T) {
	for _, args := range [][]string{
		{"expand", "--mode", "random", "--max", "100000000", "--", "a {red|green|blue} {cat|dog}"},
		{"expand", "--max", "100000000", "--json", "--", strings.Repeat("{a|b}", 40)},
	} {
		cheap(t, 2*time.Second, 200, func() {
			var errOut bytes.Buffer
			code := Main(args, &Env{Stdout: &failingWriter{n: 1 << 20}, Stderr: &errOut, Interrupt: make(chan struct{})})
			assert.Equal(t, ExitFailed, code, args)
			assert.Contains(t, errOut.String(), "broken pipe")
		})
	}
	// The streamed JSON is the same array as before.
	code, out, errOut := run(t, "expand", "--json", "--", "<lora:x:1> {a|b}")
	require.Equal(t, ExitOK, code, errOut)
	assert.Equal(t, "[\n  \"<lora:x:1> a\",\n  \"<lora:x:1> b\"\n]\n", out)
	code, out, _ = run(t, "expand", "--json", "--", "{0$$a}")
	require.Equal(t, ExitOK, code)
	assert.Equal(t, "[\n  \"\"\n]\n", out)
}
