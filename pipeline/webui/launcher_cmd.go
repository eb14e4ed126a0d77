package webui

import (
	"path/filepath"
	"strconv"
	"strings"
)

// launchArgv is the program and arguments that start a WebUI command on
// goos. On Windows a batch file (webui-user.bat) runs through cmd.exe /c,
// the one way Windows runs one; elsewhere the command runs as it is.
func launchArgv(goos, command string, args []string) (string, []string) {
	if goos == "windows" {
		switch strings.ToLower(filepath.Ext(command)) {
		case ".bat", ".cmd":
			return "cmd.exe", append([]string{"/d", "/c", command}, args...)
		}
	}
	return command, args
}

// treeKillArgv is the Windows command that ends a process and every
// process it started (the WebUI's python, its workers): taskkill /T, and
// /F when force is set (after the grace, or when the tree ignored the
// polite request).
func treeKillArgv(pid int, force bool) []string {
	argv := []string{"taskkill", "/T", "/PID", strconv.Itoa(pid)}
	if force {
		argv = append(argv, "/F")
	}
	return argv
}
