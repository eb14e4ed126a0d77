package webui

import (
	"strings"
	"testing"
)

// Windows rules, tested on any OS: webui-user.bat runs through cmd.exe, and
// stopping ends the whole process tree.
func TestLauncherWindowsCommands(t *testing.T) {
	name, args := launchArgv("windows", `C:\sd\webui-user.BAT`, []string{"--api"})
	if name != "cmd.exe" || strings.Join(args, " ") != `/d /c C:\sd\webui-user.BAT --api` {
		t.Errorf("bat on windows: %s %q", name, args)
	}
	if name, args := launchArgv("windows", `python.exe`, []string{"launch.py"}); name != "python.exe" || len(args) != 1 {
		t.Errorf("exe on windows: %s %q", name, args)
	}
	if name, _ := launchArgv("linux", "./webui.bat", nil); name != "./webui.bat" {
		t.Errorf("a .bat elsewhere runs as it is: %s", name)
	}
	if got := strings.Join(treeKillArgv(4242, false), " "); got != "taskkill /T /PID 4242" {
		t.Errorf("polite stop: %q", got)
	}
	if got := strings.Join(treeKillArgv(4242, true), " "); got != "taskkill /T /PID 4242 /F" {
		t.Errorf("forced stop: %q", got)
	}
}
