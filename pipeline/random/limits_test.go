package random

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"stablenew/pipeline"
)

// within fails the test when fn takes longer than d or allocates more than
// maxAlloc bytes in total.
func within(t *testing.T, d time.Duration, maxAlloc uint64, fn func()) {
	t.Helper()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	fn()
	took := time.Since(start)
	runtime.ReadMemStats(&after)
	if took > d*slowdown {
		t.Errorf("took %v, want under %v", took, d*slowdown)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > maxAlloc {
		t.Errorf("allocated %d MB, want under %d MB", alloc>>20, maxAlloc>>20)
	}
}

func TestNestingLimit(t *testing.T) {
	nest := func(n int) string { return strings.Repeat("{", n) + "a" + strings.Repeat("}", n) }
	if _, err := ParseTemplate(nest(pipeline.MaxNesting)); err != nil {
		t.Fatalf("%d nested groups: %v", pipeline.MaxNesting, err)
	}
	_, err := ParseTemplate(nest(pipeline.MaxNesting + 1))
	var se *SyntaxError
	if !errors.As(err, &se) || !strings.Contains(err.Error(), "column 66: groups and commands are nested more than 64 deep here") {
		t.Fatalf("%d nested groups: %v", pipeline.MaxNesting+1, err)
	}
	// Deep nesting of every kind is refused at once, in little memory
	// (20,000 nested braces peaked near 5 GB).
	for _, s := range []string{
		strings.Repeat("{", 10000) + "a",
		strings.Repeat("${a=", 5000),
		strings.Repeat("%{", 10000) + "a", // each %{ was tried as a wrap in every combination
		strings.Repeat("%{a$$", 5000) + "b",
		strings.Repeat("{a|", 8000),
	} {
		within(t, time.Second, 64<<20, func() {
			if _, err := ParseTemplate(s); err == nil {
				t.Errorf("%.20q…: no error", s)
			}
		})
	}
}

func TestTemplateLengthLimit(t *testing.T) {
	long := strings.Repeat("a", pipeline.MaxPromptBytes+1)
	if _, err := ParseTemplate(long); !errors.Is(err, ErrTooLong) || !strings.Contains(err.Error(), "at most 32768") {
		t.Fatalf("long template: %v", err)
	}
	if _, err := ParseTemplate(long[1:]); err != nil {
		t.Fatalf("a template of the longest length: %v", err)
	}
}

// chainWildcards is a depth-20 chain in which each wildcard uses the next
// twice: its one prompt would be 16 MB.
func chainWildcards() MapWildcards {
	wc := MapWildcards{}
	for i := 0; i < 20; i++ {
		wc[fmt.Sprintf("c%d", i)] = []string{fmt.Sprintf("__c%d__ and __c%d__", i+1, i+1)}
	}
	wc["c20"] = []string{"leaf words here"}
	return wc
}

func TestPromptLengthLimitStopsRunawayWildcards(t *testing.T) {
	wc := chainWildcards()
	tmpl, err := ParseTemplate("__c0__")
	if err != nil {
		t.Fatal(err)
	}
	check := func(what string, err error) {
		t.Helper()
		if !errors.Is(err, ErrTooLong) || !strings.Contains(err.Error(), "inside __c0__ → __c1__") {
			t.Errorf("%s: %v", what, err)
		}
	}
	within(t, time.Second, 64<<20, func() {
		_, err := tmpl.Combinations(ExpandOptions{Wildcards: wc, Strict: true})
		check("combinatorial", err)
		_, err = tmpl.Random(ExpandOptions{Wildcards: wc, Strict: true, Max: 3})
		check("random", err)
		_, err = Expand("{2$$__c0__|x}", ExpandOptions{Wildcards: wc, Strict: true})
		check("group", err)
		_, err = Expand("%{__c0__$$x}", ExpandOptions{Wildcards: wc, Strict: true})
		check("wrap", err)
	})
	// The randomizer: a fanout token and a random one.
	for _, mode := range []string{"fanout", "random"} {
		cfg := pipeline.Defaults().Randomizer
		cfg.Enabled = true
		cfg.Wildcards.Enabled = true
		cfg.Wildcards.Mode = mode
		x, err := NewExpander(cfg, wc, 1)
		if err != nil {
			t.Fatal(err)
		}
		within(t, time.Second, 200<<20, func() {
			p, err := x.PlanRow(0, "a portrait, __c0__", "")
			if err == nil {
				_, err = p.Variant(0)
			}
			if !errors.Is(err, ErrTooLong) && !errors.Is(err, ErrTooMany) {
				t.Errorf("%s token: %v", mode, err)
			}
		})
	}
}

func TestRowPlanRefusesLongPrompts(t *testing.T) {
	cfg := pipeline.Defaults().Randomizer
	x, err := NewExpander(cfg, nil, 1)
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("word ", pipeline.MaxPromptBytes/5+1)
	if _, err := x.PlanRow(0, "ok", long); !errors.Is(err, ErrTooLong) || !strings.Contains(err.Error(), "row 1: the negative prompt is 32770 bytes") {
		t.Fatalf("long negative: %v", err)
	}
	// Slots that each fit can still make a prompt too long.
	cfg.Enabled = true
	cfg.Matrix.Enabled = true
	half := strings.Repeat("b", pipeline.MaxPromptBytes/2)
	cfg.Matrix.Slots = []pipeline.MatrixSlot{{Name: "a", Values: []string{half}}, {Name: "b", Values: []string{half}}}
	if x, err = NewExpander(cfg, nil, 1); err != nil {
		t.Fatal(err)
	}
	p, err := x.PlanRow(0, "[[a]] [[b]]", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Variant(0); !errors.Is(err, ErrTooLong) || !strings.Contains(err.Error(), "row 1, variant 1: the positive prompt grows to 32769 bytes") {
		t.Fatalf("long variant: %v", err)
	}
}

func TestCountOfRunawayTemplateIsExactAndCheap(t *testing.T) {
	tmpl, err := ParseTemplate(strings.Repeat("{a|b}", 40))
	if err != nil {
		t.Fatal(err)
	}
	within(t, time.Second, 16<<20, func() {
		n, err := tmpl.Count(ExpandOptions{})
		if err != nil || n != 1<<40 || FormatCount(n) != "1099511627776" {
			t.Errorf("Count = %d (%s), %v", n, FormatCount(n), err)
		}
	})
	if FormatCount(MaxCount) != "1048576 or more" {
		t.Errorf("FormatCount(MaxCount) = %q", FormatCount(MaxCount))
	}
}

func TestDrawsStream(t *testing.T) {
	tmpl, err := ParseTemplate("{a|b|c} {x|y}")
	if err != nil {
		t.Fatal(err)
	}
	opts := ExpandOptions{Max: 1 << 40, Seed: 4}
	want, err := tmpl.Random(ExpandOptions{Max: 50, Seed: 4})
	if err != nil {
		t.Fatal(err)
	}
	// A trillion draws: only the ones taken are made.
	i := 0
	within(t, time.Second, 16<<20, func() {
		for s, err := range tmpl.Draws(opts) {
			if err != nil || s != want[i] {
				t.Fatalf("draw %d = %q, %v; want %q", i, s, err, want[i])
			}
			if i++; i == len(want) {
				break
			}
		}
	})
}

func TestMaterialisedTextIsBounded(t *testing.T) {
	old := maxKeptBytes
	maxKeptBytes = 1 << 10
	t.Cleanup(func() { maxKeptBytes = old })
	_, err := Expand("{2$${a|b|c|d|e|f}{g|h|i|j|k|l}{m|n|o|p}|x}", ExpandOptions{})
	if !errors.Is(err, ErrTooMany) || !strings.Contains(err.Error(), "holds more than") {
		t.Fatalf("err = %v", err)
	}
}

func TestWildcardFileContentChecks(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"nul.txt":     "ok\nbad\x00value\n",
		"latin1.txt":  "ok\n\ncaf\xe9\n",
		"esc.txt":     "red\n\x1b[31mred\n",
		"c1.txt":      "a\nb\nc \u009b d\n",
		"utf16.txt":   "\xff\xfea\x00",
		"empty.txt":   "",
		"blank.txt":   "\n  \n# only a comment\n",
		"long.txt":    "ok\n" + strings.Repeat("x", pipeline.MaxPromptBytes+1) + "\n",
		"g/one.txt":   "one\n",
		"g/empty.txt": "# nothing yet\n",
		"fine.txt":    "\ufeffa\r\nb c\r\n",
	})
	d, err := LoadWildcardDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ name, want string }{
		{"nul", "wildcard file " + filepath.Join(dir, "nul.txt") + ": line 2: contains a NUL byte"},
		{"latin1", "latin1.txt: line 3: the text is not valid UTF-8; save the file as UTF-8"},
		{"esc", "esc.txt: line 2: contains the control character U+001B"},
		{"c1", "c1.txt: line 3: contains the control character U+009B"},
		{"utf16", "utf16.txt: the file is UTF-16 text"},
		{"empty", "wildcard __empty__: " + filepath.Join(dir, "empty.txt") + " is empty (blank lines and # comments are not values)"},
		{"blank", "blank.txt is empty"},
		{"long", "long.txt: line 2 is 32769 bytes; a value may be at most 32768"},
	} {
		_, err := Expand("__"+tt.name+"__", ExpandOptions{Wildcards: d, Strict: true})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("__%s__: %v\nwant %q", tt.name, err, tt.want)
		}
	}
	// A glob takes the files with values; a byte-order mark and CRLF are fine.
	got, err := Expand("__g/*__ __fine__", ExpandOptions{Wildcards: d, Strict: true})
	if err != nil || strings.Join(got, ";") != "one a;one b c" {
		t.Fatalf("glob: %q, %v", got, err)
	}
}

// writeLines writes a wildcard file of n distinct plain lines.
func writeLines(tb testing.TB, dir, name string, n int) {
	tb.Helper()
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "a value of line %d, with words\n", i)
	}
	if err := os.WriteFile(filepath.Join(dir, name), []byte(b.String()), 0o644); err != nil {
		tb.Fatal(err)
	}
}

// TestLargeWildcardFileLoadsInLinearTime: a 100,000-line file took 22 s
// (de-duplication was quadratic). 200,000 lines now take well under a
// second; the limit leaves room for -race and a busy machine.
func TestLargeWildcardFileLoadsInLinearTime(t *testing.T) {
	dir := t.TempDir()
	writeLines(t, dir, "big.txt", 200000)
	d, err := LoadWildcardDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	got, err := Expand("__big__, {2$$__big__}", ExpandOptions{Wildcards: d, Strict: true, Mode: ModeRandom, Max: 3, Seed: 1})
	if err != nil || len(got) != 3 {
		t.Fatalf("%q, %v", got, err)
	}
	tmpl, _ := ParseTemplate("__big__")
	if n, err := tmpl.Count(ExpandOptions{Wildcards: d}); err != nil || n != 200000 {
		t.Fatalf("count %d, %v", n, err)
	}
	if took := time.Since(start); took > 2*slowdown*time.Second {
		t.Fatalf("took %v", took)
	}
}

// BenchmarkWildcardFile1M loads a 1,000,000-line wildcard file (26 MB) and
// draws one prompt from it: the cost of the first use of a huge wildcard.
func BenchmarkWildcardFile1M(b *testing.B) {
	dir := b.TempDir()
	writeLines(b, dir, "huge.txt", 1000000)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d, err := LoadWildcardDir(dir)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Expand("__huge__", ExpandOptions{Wildcards: d, Strict: true, Mode: ModeRandom, Max: 1}); err != nil {
			b.Fatal(err)
		}
	}
}
