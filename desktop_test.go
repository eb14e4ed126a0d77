package main

import (
	"errors"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestDisplayMissing(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	for _, tc := range []struct {
		goos string
		env  map[string]string
		want bool
	}{
		{"linux", nil, true},
		{"linux", map[string]string{"DISPLAY": ":0"}, false},
		{"linux", map[string]string{"WAYLAND_DISPLAY": "wayland-0"}, false},
		{"freebsd", nil, true},
		{"darwin", nil, false},
		{"windows", nil, false},
	} {
		if got := displayMissing(tc.goos, env(tc.env)); got != tc.want {
			t.Errorf("%s %v: %v, want %v", tc.goos, tc.env, got, tc.want)
		}
	}
}

// TestNoDisplayExitsWithOneLine starts the binary's window path with no
// display: one message naming the CLI, a non-zero exit, no stack trace.
func TestNoDisplayExitsWithOneLine(t *testing.T) {
	if os.Getenv(envGUIArgs) != "" {
		os.Exit(runGUI([]string{"--data-dir", os.Getenv(envGUIArgs)}))
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^TestNoDisplayExitsWithOneLine$")
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DISPLAY=") && !strings.HasPrefix(kv, "WAYLAND_DISPLAY=") {
			env = append(env, kv)
		}
	}
	cmd.Env = append(env, envGUIArgs+"="+t.TempDir())
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() == 0 {
		t.Fatalf("exit %v, want non-zero; output:\n%s", err, out)
	}
	text := string(out)
	if !strings.Contains(text, "needs a desktop session") || !strings.Contains(text, "stablenew help") ||
		strings.Contains(text, "goroutine ") || strings.Contains(text, "panic") {
		t.Errorf("output:\n%s", text)
	}
}

// envGUIArgs makes the test binary run the window path with this data
// folder.
const envGUIArgs = "STABLENEW_GUI_DATA"

func TestFynePreferencesPath(t *testing.T) {
	home := func() (string, error) { return "/home/u", nil }
	config := func() (string, error) { return "/home/u/.config", nil }
	for goos, want := range map[string]string{
		"linux":   "/home/u/.config/fyne/io.stablenew.app/preferences.json",
		"darwin":  "/home/u/Library/Preferences/fyne/io.stablenew.app/preferences.json",
		"windows": "/home/u/AppData/Roaming/fyne/io.stablenew.app/preferences.json",
	} {
		got, err := fynePreferencesPath(goos, appID, home, config)
		if err != nil || filepath.ToSlash(got) != want {
			t.Errorf("%s: %q %v, want %q", goos, got, err, want)
		}
	}
}

func TestRepairPreferences(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "preferences.json")
	if moved, err := repairPreferences(path); moved != "" || err != nil {
		t.Errorf("missing file: %q %v", moved, err)
	}
	for _, tc := range []struct {
		content string
		kept    bool
	}{
		{`{"fyne:fileDialogLastFolder":"/tmp"}` + "\n", true},
		{"", false},
		{"\n", false},
		{`{"a":`, false},
	} {
		_ = os.Remove(path + ".broken")
		if err := os.WriteFile(path, []byte(tc.content), 0o644); err != nil {
			t.Fatal(err)
		}
		moved, err := repairPreferences(path)
		if err != nil {
			t.Fatal(err)
		}
		_, statErr := os.Stat(path)
		if kept := statErr == nil; kept != tc.kept || (moved == "") != tc.kept {
			t.Errorf("%q: kept %v moved %q", tc.content, kept, moved)
		}
	}
}

func TestPrefsEOFFilterDropsOnlyTheEmptyRead(t *testing.T) {
	var out strings.Builder
	lg := log.New(&prefsEOFFilter{w: &out}, "", 0)
	lg.Println("Fyne error: ", "Preferences load error:")
	lg.Println("  Cause:", io.EOF)
	lg.Printf("  At: %s:%d", "preferences.go", 103)
	lg.Println("Fyne error: ", "Preferences load error:")
	lg.Println("  Cause:", "invalid character 'x'")
	lg.Printf("  At: %s:%d", "preferences.go", 103)
	lg.Println("Fyne error: ", "something else")
	got := out.String()
	want := "Fyne error:  Preferences load error:\n  Cause: invalid character 'x'\n  At: preferences.go:103\nFyne error:  something else\n"
	if got != want {
		t.Errorf("filtered log:\n%s\nwant:\n%s", got, want)
	}
}
