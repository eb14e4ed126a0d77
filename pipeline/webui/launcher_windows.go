//go:build windows

package webui

import (
	"os"
	"os/exec"
	"syscall"
)

// createNoWindow keeps the WebUI's console window hidden: its output comes
// to StableNew's log through the pipes.
const createNoWindow = 0x08000000

// setProcessGroup starts the command in a process group of its own, with
// no console window.
func setProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{CreationFlags: syscall.CREATE_NEW_PROCESS_GROUP | createNoWindow}
}

// terminateGroup asks the process tree to end (taskkill /T).
func terminateGroup(p *os.Process) error { return runTreeKill(p.Pid, false) }

// killGroup ends the process tree at once (taskkill /T /F).
func killGroup(p *os.Process) error { return runTreeKill(p.Pid, true) }

func runTreeKill(pid int, force bool) error {
	argv := treeKillArgv(pid, force)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.SysProcAttr = &syscall.SysProcAttr{CreationFlags: createNoWindow}
	return cmd.Run()
}
