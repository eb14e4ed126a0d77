package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"stablenew/pipeline/output"
	"stablenew/pipeline/resources"
	"stablenew/pipeline/webui"
)

// SettingsFile is the settings file inside the data folder.
const SettingsFile = "settings.json"

// DefaultWebUIURL is where A1111, Forge and SD.Next listen by default.
const DefaultWebUIURL = "http://127.0.0.1:7860"

// Settings are the app-wide settings of the Settings dialog, stored in
// <data>/settings.json.
type Settings struct {
	// WebUIURLs are the WebUI backends; each runs jobs from the one queue.
	WebUIURLs []string `json:"webui_urls"`
	// APIAuth is the WebUI's --api-auth "user:password", or "".
	APIAuth string `json:"api_auth,omitempty"`
	// LauncherCommand and LauncherDir start a local WebUI (for example
	// "./webui.sh --api" in ~/stable-diffusion-webui). Empty: no launcher.
	LauncherCommand string `json:"launcher_command,omitempty"`
	LauncherDir     string `json:"launcher_dir,omitempty"`
	// LauncherAutostart starts the WebUI when the app opens.
	LauncherAutostart bool `json:"launcher_autostart,omitempty"`
	// OutputRoot overrides where images go ("" = <data>/output).
	OutputRoot string `json:"output_root,omitempty"`
	// Theme is "dark" (the default) or "light".
	Theme string `json:"theme,omitempty"`
	// CheckpointAffinity lets a free GPU prefer jobs for the model it has
	// loaded.
	CheckpointAffinity bool `json:"checkpoint_affinity,omitempty"`
	// WatchdogSeconds interrupts a generation that shows no progress for
	// this long (default 90).
	WatchdogSeconds int `json:"watchdog_seconds,omitempty"`
	// ResourceMappings are the names the user mapped to a WebUI's own (a
	// pack's checkpoint to the title the WebUI lists it under), per WebUI.
	ResourceMappings []resources.Alias `json:"resource_mappings,omitempty"`
}

// DefaultSettings are the settings of a new install.
func DefaultSettings() Settings {
	return Settings{WebUIURLs: []string{DefaultWebUIURL}, Theme: "dark", WatchdogSeconds: 90}
}

// Validate reports the first problem with the settings, naming the field.
func (s Settings) Validate() error {
	if len(s.WebUIURLs) == 0 {
		return errors.New("WebUI URL: give at least one, for example " + DefaultWebUIURL)
	}
	for _, u := range s.WebUIURLs {
		p, err := url.Parse(strings.TrimSpace(u))
		if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			return fmt.Errorf("WebUI URL %q: must look like %s", webui.RedactURL(u), DefaultWebUIURL)
		}
	}
	if s.APIAuth != "" && !strings.Contains(s.APIAuth, ":") {
		return errors.New("API auth: must be user:password, as given to the WebUI's --api-auth")
	}
	if s.Theme != "" && s.Theme != "dark" && s.Theme != "light" {
		return fmt.Errorf("theme: must be dark or light, got %q", s.Theme)
	}
	if s.WatchdogSeconds < 0 {
		return fmt.Errorf("watchdog: must be 0 (off) or more seconds, got %d", s.WatchdogSeconds)
	}
	for i, m := range s.ResourceMappings {
		if _, ok := resources.ParseKind(string(m.Kind)); !ok || strings.TrimSpace(m.WebUI) == "" ||
			strings.TrimSpace(m.Name) == "" || strings.TrimSpace(m.Use) == "" {
			return fmt.Errorf("resource mapping %d (%s %q → %q on %s): needs a WebUI, a kind (checkpoint, VAE, sampler, "+
				"scheduler, upscaler, hires upscaler, ADetailer model, LoRA, embedding), a name and the name to use", i+1, m.Kind, m.Name, m.Use, m.WebUI)
		}
	}
	return nil
}

// MapResource stores that on m.WebUI the m.Kind resource m.Name is m.Use,
// replacing a mapping of the same name. An empty Use removes the mapping.
func (s Settings) MapResource(m resources.Alias) Settings {
	out := make([]resources.Alias, 0, len(s.ResourceMappings)+1)
	for _, x := range s.ResourceMappings {
		if x.WebUI != m.WebUI || x.Kind != m.Kind || x.Name != m.Name {
			out = append(out, x)
		}
	}
	if m.Use != "" {
		out = append(out, m)
	}
	s.ResourceMappings = out
	return s
}

// LoadSettings reads the settings of a data folder; a missing file gives
// the defaults. A damaged file is an error naming it (nothing is
// overwritten).
func LoadSettings(dataDir string) (Settings, error) {
	path := filepath.Join(dataDir, SettingsFile)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return DefaultSettings(), nil
	}
	if err != nil {
		return DefaultSettings(), fmt.Errorf("reading %s: %w", path, err)
	}
	s := DefaultSettings()
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return DefaultSettings(), fmt.Errorf("%s: %v; fix or delete the file", path, webui.RedactURL(err.Error()))
	}
	if err := s.MoveURLCredentials(); err != nil {
		return DefaultSettings(), fmt.Errorf("%s: %w", path, err)
	}
	if err := s.Validate(); err != nil {
		return DefaultSettings(), fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// SaveSettings writes the settings atomically, credentials of WebUI URLs
// moved into the API auth (MoveURLCredentials).
func SaveSettings(dataDir string, s Settings) error {
	s.WebUIURLs = slices.Clone(s.WebUIURLs)
	s.ResourceMappings = slices.Clone(s.ResourceMappings)
	if err := s.MoveURLCredentials(); err != nil {
		return err
	}
	if err := s.Validate(); err != nil {
		return err
	}
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return output.WriteFileAtomic(filepath.Join(dataDir, SettingsFile), append(data, '\n'))
}

// auth splits APIAuth into user and password.
func (s Settings) auth() (user, pass string, ok bool) {
	return strings.Cut(s.APIAuth, ":")
}
