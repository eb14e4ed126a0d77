package app

import (
	"stablenew/pipeline"
)

// FreshConfig returns the configuration a new install starts editing: the
// defaults, the library's global negative and, when one is set, the default
// preset (whose name it returns too). It reads files.
func (s *Services) FreshConfig() (pipeline.PipelineConfig, string) {
	cfg := pipeline.Defaults()
	if gn, err := s.Library.GlobalNegative(); err != nil {
		s.Log.Warn("reading the global negative failed", "err", err)
	} else if gn != "" {
		cfg.Prompt.GlobalNegative = gn
	}
	name, ok := s.Library.DefaultPreset()
	if !ok {
		return cfg, ""
	}
	p, err := s.Library.LoadPreset(name)
	if err == nil {
		var withPreset pipeline.PipelineConfig
		if withPreset, err = p.ApplyTo(cfg); err == nil {
			return withPreset, name
		}
	}
	s.Log.Warn("the default preset could not be loaded; starting from the defaults", "preset", name, "err", err)
	return cfg, ""
}

// OpenState opens the GUI state of the data folder (see OpenState), with
// FreshConfig for a first start, and sets its default output root from the
// settings. It reads files: call it before the window opens.
func (s *Services) OpenState() *State {
	cfg, preset := s.FreshConfig()
	st := OpenState(StatePath(s.DataDir), cfg, preset, s.Log)
	st.SetDefaultOutputRoot(s.Settings.OutputRoot)
	return st
}
