//go:build !unix

package main

import (
	"os"
	"os/exec"
)

// restart starts a fresh StableNew with the same arguments and
// environment; this process then exits.
func restart() error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	cmd := exec.Command(exe, os.Args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	return cmd.Start()
}
