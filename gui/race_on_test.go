//go:build race

package gui

// raceFactor widens timing bounds under the race detector, which slows
// code several times over.
const raceFactor = 8
