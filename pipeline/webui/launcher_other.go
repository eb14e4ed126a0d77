//go:build !unix && !windows

package webui

import (
	"os"
	"os/exec"
)

// setProcessGroup is a no-op where process groups are not available.
func setProcessGroup(*exec.Cmd) {}

// terminateGroup kills the process (no SIGTERM outside Unix).
func terminateGroup(p *os.Process) error { return p.Kill() }

// killGroup kills the process.
func killGroup(p *os.Process) error { return p.Kill() }
