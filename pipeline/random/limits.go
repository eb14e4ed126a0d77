package random

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"stablenew/pipeline"
)

// ErrTooLong reports a prompt longer than pipeline.MaxPromptBytes.
var ErrTooLong = errors.New("prompt too long")

// countCap is where count arithmetic saturates: far above MaxCount, so
// that a refusal can give the real count of a runaway template.
const countCap = 1 << 62

// maxKeptBytes bounds the text one expansion keeps in memory at once (the
// values of a {…} group or a token it materialises). It is a variable so
// that tests can lower it.
var maxKeptBytes = 64 << 20

// maxVisits bounds the wildcards one count or check enters, or one
// expansion enters between two prompts:
// wildcards whose values use other wildcards several times each multiply
// the work without end otherwise. It is a variable so that tests can lower
// it.
var maxVisits = 1 << 20

// FormatCount writes a count from Count or RowPlan.Count: the number, or
// "N or more" when the count saturated.
func FormatCount(n int) string {
	if n == MaxCount || n >= countCap {
		return strconv.Itoa(n) + " or more"
	}
	return strconv.Itoa(n)
}

// long fails when s is longer than a prompt may be, naming the wildcards
// being expanded (where runaway growth comes from).
func (g *gen) long(s string, e *env) bool {
	if len(s) <= pipeline.MaxPromptBytes {
		return false
	}
	where := ""
	if chain, _ := e.wildcardChain(""); len(chain) > 0 {
		for i := range chain {
			chain[i] = "__" + chain[i] + "__"
		}
		where = " inside " + strings.Join(chain, " → ")
	}
	g.fail(limitf(ErrTooLong, "a prompt grows past %d bytes%s (the longest StableNew builds is %d); shorten the values or nest fewer wildcards",
		len(s), where, pipeline.MaxPromptBytes))
	return true
}

// keep counts the bytes of a value a materialised list holds, and fails
// when one expansion holds more than maxKeptBytes.
func (g *gen) keep(s string) bool {
	g.kept += len(s)
	if g.kept > maxKeptBytes {
		return g.fail(limitf(ErrTooMany, "the expansion holds more than %d MiB of prompt text; use fewer options or switch some dimensions to random",
			maxKeptBytes>>20))
	}
	return true
}

// limitError is a refusal at one of the bounds: its message is complete,
// and errors.Is finds its kind (ErrTooMany or ErrTooLong).
type limitError struct {
	msg  string
	kind error
}

func (e *limitError) Error() string { return e.msg }
func (e *limitError) Unwrap() error { return e.kind }

// limitf makes a limitError.
func limitf(kind error, format string, args ...any) error {
	return &limitError{msg: fmt.Sprintf(format, args...), kind: kind}
}

// visit counts a wildcard entered, and fails past maxVisits.
func (g *gen) visit() bool {
	g.visits++
	if g.visits > maxVisits {
		return g.fail(limitf(ErrTooMany, "wildcards use other wildcards more than %d times in one prompt; use fewer wildcards inside wildcards", maxVisits))
	}
	return true
}
