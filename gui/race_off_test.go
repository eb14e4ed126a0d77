//go:build !race

package gui

// raceFactor widens timing bounds under the race detector (off here).
const raceFactor = 1
