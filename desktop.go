package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// appID is StableNew's Fyne application id (preferences, notifications).
const appID = "io.stablenew.app"

// noDisplayMessage is what StableNew says when started without a desktop
// session, instead of the GLFW driver's panic.
const noDisplayMessage = "stablenew: the window needs a desktop session, and none was found (neither DISPLAY nor WAYLAND_DISPLAY is set, as over SSH).\n" +
	"The command-line commands work without one: run `stablenew help` to list them (plan, run, queue, history, pnginfo…)."

// displayMissing reports whether a window cannot open on goos because no
// display server is named: X11 and Wayland systems need DISPLAY or
// WAYLAND_DISPLAY; macOS and Windows always have a desktop.
func displayMissing(goos string, getenv func(string) string) bool {
	switch goos {
	case "darwin", "windows", "ios", "android", "js", "wasip1":
		return false
	}
	return getenv("DISPLAY") == "" && getenv("WAYLAND_DISPLAY") == ""
}

// fynePreferencesPath is where Fyne keeps the preferences of app id on
// goos (Fyne's own rule: its config folder, then the app id).
func fynePreferencesPath(goos, id string, home func() (string, error), config func() (string, error)) (string, error) {
	var root string
	switch goos {
	case "darwin":
		h, err := home()
		if err != nil {
			return "", err
		}
		root = filepath.Join(h, "Library", "Preferences")
	case "windows":
		h, err := home()
		if err != nil {
			return "", err
		}
		root = filepath.Join(h, "AppData", "Roaming")
	default:
		c, err := config()
		if err != nil {
			return "", err
		}
		root = c
	}
	return filepath.Join(root, "fyne", id, "preferences.json"), nil
}

// repairPreferences moves aside a Fyne preferences file that is empty or
// not JSON (a save cut short), so that Fyne does not log "Preferences load
// error: EOF" on every start. It returns where the file went ("" when it
// was fine or missing).
func repairPreferences(path string) (string, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	var v map[string]any
	if len(bytes.TrimSpace(data)) > 0 && json.Unmarshal(data, &v) == nil {
		return "", nil
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return path + " (empty, removed)", os.Remove(path)
	}
	bad := path + ".broken"
	return bad, os.Rename(path, bad)
}

// prefsEOFFilter passes the standard logger's output (where Fyne reports
// its errors) on to w, except Fyne's "Preferences load error" whose cause
// is EOF, with its Cause and At lines. The cause is in Fyne (2.7) and no
// setting of ours avoids it: whenever an app with an id quits, Fyne saves
// its preferences (forceImmediateSave, even unchanged) by truncating the
// file and then writing it, and its watcher of the preferences folder,
// whose callbacks run on the watcher's own goroutine once the event queue
// has drained at quit, reads the file between the truncation and the write
// (Fyne marks the save in progress only after truncating). Under Xvfb,
// quitting by SIGTERM logged it on about half the runs. The empty read is
// harmless: the values are in memory and the save completes. An empty file
// left by a save cut short is repaired at start (repairPreferences), so an
// EOF never means lost preferences. Any other preferences error still
// shows.
type prefsEOFFilter struct {
	mu  sync.Mutex
	w   io.Writer
	buf [][]byte // a held "Preferences load error" line
	eat int      // lines still to drop after a dropped error
}

func (f *prefsEOFFilter) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	line := string(p)
	switch {
	case f.eat > 0 && strings.Contains(line, "  At: "):
		f.eat--
		return len(p), nil
	case len(f.buf) > 0 && strings.Contains(line, "  Cause: EOF"):
		f.buf, f.eat = nil, 1
		return len(p), nil
	}
	f.eat = 0
	for _, b := range f.buf {
		if _, err := f.w.Write(b); err != nil {
			return 0, err
		}
	}
	f.buf = nil
	if strings.Contains(line, "Fyne error:  Preferences load error:") {
		f.buf = append(f.buf, bytes.Clone(p))
		return len(p), nil
	}
	return f.w.Write(p)
}
