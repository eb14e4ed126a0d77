//go:build windows

package main

import (
	"os"
	"syscall"
)

// attachParentConsole gives a command run from cmd.exe or PowerShell its
// console. StableNew.exe is a GUI-subsystem program, so a double-click
// opens no console window; but then a command's output would go nowhere.
// When StableNew runs a command, it attaches to the console of the process
// that started it (if any) and writes there; output redirected to a file or
// a pipe stays redirected.
func attachParentConsole() {
	attach := syscall.NewLazyDLL("kernel32.dll").NewProc("AttachConsole")
	const attachParentProcess = ^uintptr(0) // ATTACH_PARENT_PROCESS (-1)
	if r, _, _ := attach.Call(attachParentProcess); r == 0 {
		return // started without a console (a shortcut, Explorer)
	}
	reopen := func(f **os.File, name string, flag int) {
		if usable(*f) {
			return
		}
		if c, err := os.OpenFile(name, flag, 0); err == nil {
			*f = c
		}
	}
	reopen(&os.Stdout, "CONOUT$", os.O_WRONLY)
	reopen(&os.Stderr, "CONOUT$", os.O_WRONLY)
	reopen(&os.Stdin, "CONIN$", os.O_RDONLY)
}

// usable reports whether a standard file has a handle already (redirected
// to a file or pipe).
func usable(f *os.File) bool {
	if f == nil {
		return false
	}
	h := syscall.Handle(f.Fd())
	if h == 0 || h == syscall.InvalidHandle {
		return false
	}
	t, err := syscall.GetFileType(h)
	return err == nil && t != 0
}
