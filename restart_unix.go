//go:build unix

package main

import (
	"os"
	"syscall"
)

// restart replaces this process with a fresh StableNew with the same
// arguments and environment (same process id, same terminal). It returns
// only when that fails.
func restart() error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	return syscall.Exec(exe, os.Args, os.Environ())
}
