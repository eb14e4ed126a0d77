//go:build !race

package random

// slowdown scales time limits in tests: the race detector slows code ~10×.
// Without it, 3× leaves room for a loaded 2-core machine: the limits guard
// against blow-ups of minutes and gigabytes, not against small slowdowns
// (benchmarks measure those).
const slowdown = 3
