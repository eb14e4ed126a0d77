package app

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

func TestLogBufferKeepsTheLastEntriesAndCollapsesRepeats(t *testing.T) {
	b := NewLogBuffer(3)
	var out bytes.Buffer
	log := slog.New(b.Handler(slog.NewTextHandler(&out, nil)))
	calls := 0
	b.OnAppend(func() { calls++ })

	log.Info("one")
	log.Warn("two", "job", "j1")
	log.Warn("two", "job", "j1")
	log.Warn("two", "job", "j1")
	log.Info("three")
	log.Debug("hidden") // below the text handler's level
	log.With("backend", "b1").Error("four")

	got := b.Entries()
	if len(got) != 3 {
		t.Fatalf("%d entries, want 3: %+v", len(got), got)
	}
	if got[0].Message != "two" || got[0].Repeat != 2 || got[0].Attrs != "job=j1" {
		t.Errorf("first = %+v, want two ×3 with job=j1", got[0])
	}
	if got[2].Message != "four" || got[2].Attrs != "backend=b1" || got[2].Level != slog.LevelError {
		t.Errorf("last = %+v", got[2])
	}
	if line := got[0].Line(); line != "[WARN] two job=j1 (×3)" {
		t.Errorf("Line() = %q", line)
	}
	if calls != 6 || b.Seq() != 6 {
		t.Errorf("listener calls %d, seq %d; want 6", calls, b.Seq())
	}
	if !strings.Contains(out.String(), "msg=four") {
		t.Errorf("records were not passed on: %s", out.String())
	}
	if LogBufferOf(log) != b || LogBufferOf(slog.Default()) != nil {
		t.Error("LogBufferOf did not find the buffer")
	}
}
