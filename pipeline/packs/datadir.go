package packs

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

// The data folder's layout.
const (
	packsDirName     = "packs"
	presetsDirName   = "presets"
	wildcardsDirName = "wildcards"
	outputDirName    = "output"
	stateDirName     = "state"

	// GlobalNegativeFile holds the global negative prompt.
	GlobalNegativeFile = "global_negative.txt"
	// PackListsFile holds the custom pack lists.
	PackListsFile = "pack_lists.json"
	// legacyPackListsFile is the original StableNew's name for it.
	legacyPackListsFile = "custom_pack_lists.json"
	// DefaultPresetFile, in presets/, names the default preset.
	DefaultPresetFile = ".default_preset"
)

// ErrDataDirNotWritable is wrapped by Open's error when the data folder
// cannot be created or written.
var ErrDataDirNotWritable = errors.New("data folder is not writable")

// DefaultDataDir returns the data folder used when --data-dir is not given:
//
//   - Linux and other Unix: $XDG_DATA_HOME/stablenew, or
//     ~/.local/share/stablenew when XDG_DATA_HOME is unset or relative;
//   - macOS: ~/Library/Application Support/StableNew;
//   - Windows: %AppData%\StableNew.
func DefaultDataDir() (string, error) {
	return defaultDataDir(runtime.GOOS, os.Getenv, os.UserConfigDir)
}

func defaultDataDir(goos string, getenv func(string) string, userConfigDir func() (string, error)) (string, error) {
	switch goos {
	case "windows":
		// %APPDATA%\StableNew: the roaming profile, where Windows apps keep
		// their settings and files the user made.
		if d := getenv("APPDATA"); d != "" {
			return filepath.Join(d, "StableNew"), nil
		}
		fallthrough
	case "darwin", "ios", "plan9":
		d, err := userConfigDir()
		if err != nil {
			return "", fmt.Errorf("cannot find a data folder: %w; choose one with --data-dir", err)
		}
		return filepath.Join(d, "StableNew"), nil
	}
	if d := getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "stablenew"), nil
	}
	home := getenv("HOME")
	if home == "" {
		return "", errors.New("cannot find a data folder: $HOME is not set; choose one with --data-dir")
	}
	return filepath.Join(home, ".local", "share", "stablenew"), nil
}

// ResolveDataDir returns the data folder for a --data-dir flag value: the
// value made absolute, or DefaultDataDir when it is empty.
func ResolveDataDir(flagValue string) (string, error) {
	if flagValue == "" {
		return DefaultDataDir()
	}
	abs, err := filepath.Abs(flagValue)
	if err != nil {
		return "", fmt.Errorf("data folder %s: %w", flagValue, err)
	}
	return abs, nil
}

// prepareDataDir creates the data folder and its subfolders and checks that
// it can be written.
func prepareDataDir(dir string) error {
	for _, d := range []string{"", packsDirName, presetsDirName, wildcardsDirName, outputDirName, stateDirName} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			return notWritable(dir, err)
		}
	}
	f, err := os.CreateTemp(dir, ".write-test-*")
	if err != nil {
		return notWritable(dir, err)
	}
	name := f.Name()
	cerr := f.Close()
	rerr := os.Remove(name)
	if err := errors.Join(cerr, rerr); err != nil {
		return notWritable(dir, err)
	}
	return nil
}

func notWritable(dir string, err error) error { return &dataDirError{dir: dir, err: err} }

// dataDirError is Open's error for a data folder it cannot use.
type dataDirError struct {
	dir string
	err error
}

func (e *dataDirError) Error() string {
	return fmt.Sprintf("data folder %s is not writable: %v; choose another with --data-dir", e.dir, e.err)
}

func (e *dataDirError) Unwrap() error { return e.err }

func (e *dataDirError) Is(target error) bool { return target == ErrDataDirNotWritable }
