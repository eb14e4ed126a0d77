//go:build !race

package random

// slowdown scales time limits in tests: the race detector slows code ~10×.
const slowdown = 1
