package app

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"stablenew/pipeline"
	"stablenew/pipeline/output"
)

// StateFile is the GUI state file inside the data folder.
const StateFile = "state/gui_state.json"

// stateVersion is the version written into the state file.
const stateVersion = 1

// StatePath returns the GUI state file of a data folder.
func StatePath(dataDir string) string { return filepath.Join(dataDir, filepath.FromSlash(StateFile)) }

// ViewState holds the view choices that are restored at start but do not
// change what a plan makes.
type ViewState struct {
	PackFilter string `json:"pack_filter"`
	// PackList is the pack list last chosen in the pack selector.
	PackList string `json:"pack_list"`
	// PromptPack is the pack open in the Prompt tab.
	PromptPack string `json:"prompt_pack"`
	// Tab is the selected main tab ("Pipeline" or "Prompt").
	Tab          string  `json:"tab"`
	WindowWidth  float32 `json:"window_width"`
	WindowHeight float32 `json:"window_height"`
	// WindowX and WindowY are the window's top-left corner on the desktop
	// in screen pixels, when WindowPlaced says they were read (X11 and
	// Windows; Fyne itself can neither read nor set a window's position).
	WindowX      int  `json:"window_x,omitempty"`
	WindowY      int  `json:"window_y,omitempty"`
	WindowPlaced bool `json:"window_placed,omitempty"`
	// LogOpen is whether the log panel is expanded.
	LogOpen bool `json:"log_open"`
	// LogHeight is the expanded log panel's height, kept when the window
	// is resized (0 for the default).
	LogHeight float32 `json:"log_height,omitempty"`
	// PromptDivider is where the Prompt tab's divider between the rows and
	// the syntax help sits (0 for the default).
	PromptDivider float64 `json:"prompt_divider,omitempty"`
	// RightDivider is where the right column's divider between the run
	// panels and the Preview/Queue/History tabs sits (0 for the default).
	RightDivider float64 `json:"right_divider,omitempty"`
	// RunPanelsHeight is the height the run panels keep above the right
	// column's divider, whatever the window's height (0 for the default).
	RunPanelsHeight float32 `json:"run_panels_height,omitempty"`
	// QueueHistoryDivider is where the divider between Queue and History
	// sits when a tall window shows them stacked (0 for the default).
	QueueHistoryDivider float64 `json:"queue_history_divider,omitempty"`
	// Collapsed lists the sidebar sections the user folded.
	Collapsed []string `json:"collapsed,omitempty"`
}

// stateData is everything the state file holds.
type stateData struct {
	Version         int                     `json:"version"`
	Config          pipeline.PipelineConfig `json:"config"`
	Packs           []string                `json:"packs"`
	Preset          string                  `json:"preset"`
	OverrideEnabled bool                    `json:"override_enabled"`
	// Overridden are the stage fields the user changed, which override the
	// packs (pipeline.FieldKey paths).
	Overridden []string     `json:"overridden,omitempty"`
	View       ViewState    `json:"view"`
	LastRun    *RunSnapshot `json:"last_run,omitempty"`
}

func newStateData(cfg pipeline.PipelineConfig, preset string) stateData {
	return stateData{Version: stateVersion, Config: cfg.Clone(), Preset: preset}
}

// stateStore is the file behind a State and its autosave timer.
type stateStore struct {
	path string
	log  *slog.Logger

	saveMu sync.Mutex // one write at a time
	// gen counts changes; saved is the gen last written (both under State.mu).
	gen, saved uint64
	delay      time.Duration
	timer      *time.Timer
	closed     bool
	// afterAutosave, when set (tests), hears the result of each autosave.
	afterAutosave func(error)
}

// OpenState reads the GUI state file at path, starting from fresh (the
// configuration and preset of a new install) for anything the file does not
// hold. A missing file gives fresh. A file that can't be read as state is
// kept as path+".bak", logged as a warning, and fresh is used.
func OpenState(path string, fresh pipeline.PipelineConfig, preset string, log *slog.Logger) *State {
	if log == nil {
		log = slog.Default()
	}
	s := NewState(fresh, preset)
	s.store = &stateStore{path: path, log: log}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return s
	}
	if err == nil {
		var d stateData
		if d, err = decodeState(data, fresh, preset); err == nil {
			s.data = d
			return s
		}
	}
	bak := path + ".bak"
	if rerr := os.Rename(path, bak); rerr != nil {
		log.Warn("the GUI state file could not be read; starting with defaults", "file", path, "err", err, "rename_err", rerr)
	} else {
		log.Warn("the GUI state file could not be read; starting with defaults and keeping the old file", "file", path, "kept_as", bak, "err", err)
	}
	return s
}

// decodeState reads a state file over the fresh state: keys the file lacks
// keep their fresh values.
func decodeState(data []byte, fresh pipeline.PipelineConfig, preset string) (stateData, error) {
	var raw struct {
		stateData
		LastRun json.RawMessage `json:"last_run"`
	}
	raw.stateData = newStateData(fresh, preset)
	if len(bytes.TrimSpace(data)) == 0 {
		return stateData{}, errors.New("the file is empty")
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return stateData{}, err
	}
	d := raw.stateData
	d.LastRun = nil
	if len(raw.LastRun) > 0 && string(raw.LastRun) != "null" {
		r := RunSnapshot{Config: pipeline.Defaults()}
		if err := json.Unmarshal(raw.LastRun, &r); err != nil {
			return stateData{}, fmt.Errorf("last_run: %w", err)
		}
		d.LastRun = &r
	}
	d.Version = stateVersion
	migrateOverrides(&d)
	return d, nil
}

// EnableAutosave makes the State write its file delay after a change
// (on a timer goroutine, never on the caller's).
func (s *State) EnableAutosave(delay time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.store != nil {
		s.store.delay = delay
	}
}

// markDirtyLocked counts a change and arms the autosave timer; s.mu is held.
func (s *State) markDirtyLocked() {
	st := s.store
	if st == nil {
		return
	}
	st.gen++
	if st.delay > 0 && st.timer == nil && !st.closed {
		st.timer = time.AfterFunc(st.delay, s.autosave)
	}
}

func (s *State) autosave() {
	s.mu.Lock()
	if s.store.timer != nil {
		s.store.timer = nil
	}
	s.mu.Unlock()
	err := s.Save()
	if err != nil {
		s.logger().Warn("saving the GUI state failed", "err", err)
	}
	if s.store.afterAutosave != nil {
		s.store.afterAutosave(err)
	}
}

// Dirty reports whether there are changes not yet written.
func (s *State) Dirty() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.store != nil && s.store.gen != s.store.saved
}

// Save writes the state file now (atomically). A State without a file does
// nothing. It does file I/O: never call it on the UI goroutine.
func (s *State) Save() error {
	if s.store == nil {
		return nil
	}
	s.store.saveMu.Lock()
	defer s.store.saveMu.Unlock()
	s.mu.Lock()
	d := s.data
	d.Config = d.Config.Clone()
	gen := s.store.gen
	data, err := json.MarshalIndent(d, "", "  ")
	s.mu.Unlock()
	if err != nil {
		return fmt.Errorf("encoding the GUI state: %w", err)
	}
	if err := output.WriteFileAtomic(s.store.path, append(data, '\n')); err != nil {
		return err
	}
	s.mu.Lock()
	if gen > s.store.saved {
		s.store.saved = gen
	}
	s.mu.Unlock()
	return nil
}

// Close stops autosaving and writes any unsaved change.
func (s *State) Close() error {
	if s.store == nil {
		return nil
	}
	s.mu.Lock()
	s.store.closed = true
	if s.store.timer != nil {
		s.store.timer.Stop()
		s.store.timer = nil
	}
	dirty := s.store.gen != s.store.saved
	s.mu.Unlock()
	if !dirty {
		return nil
	}
	return s.Save()
}
