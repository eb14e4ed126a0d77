//go:build !linux

package gui

import "time"

// threadCPU is not known here: tests fall back to wall time.
func threadCPU() (time.Duration, bool) { return 0, false }
