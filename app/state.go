package app

import (
	"fmt"
	"log/slog"
	"reflect"
	"slices"
	"sync"
	"time"

	"gopkg.in/yaml.v3"

	"stablenew/controller"
	"stablenew/pipeline"
)

// Change says what part of the State changed. Listeners receive the bits
// of every change since their last call, or-ed together.
type Change uint32

// The parts of the State.
const (
	// ChangeConfig: the PipelineConfig the sidebar and stage cards edit.
	ChangeConfig Change = 1 << iota
	// ChangePacks: the selected packs (or their order).
	ChangePacks
	// ChangePreset: the selected preset.
	ChangePreset
	// ChangeOverride: the "Override pack configs with current stages" check.
	ChangeOverride
	// ChangeView: pack filter, pack list, prompt-tab pack, window size.
	ChangeView
	// ChangePlan: the preview published a new PlanInfo.
	ChangePlan
	// ChangeLastRun: RecordRun saved a new last run.
	ChangeLastRun
	// ChangeReprocess: the reprocess draft was set or cleared.
	ChangeReprocess
	// ChangeSkipLoRAs: LoRAs were removed from (or given back to) the draft.
	ChangeSkipLoRAs
	// ChangeStageBase: the pack whose settings the stage cards show, or the
	// set of overridden stage fields, changed (see SetStageBase).
	ChangeStageBase
	// ChangeDrafts: the unsaved text of a pack (Prompt tab) changed.
	ChangeDrafts
)

// PlanInputs are the changes that make the current plan stale.
const PlanInputs = ChangeConfig | ChangePacks | ChangePreset | ChangeOverride | ChangeReprocess | ChangeSkipLoRAs |
	ChangeStageBase | ChangeDrafts

// transient are the changes the state file does not hold.
const transient = ChangePlan | ChangeReprocess | ChangeSkipLoRAs | ChangeDrafts

// Has reports whether c includes any bit of what.
func (c Change) Has(what Change) bool { return c&what != 0 }

// SettingsSections are the sections of the PipelineConfig the sidebar owns;
// the stage cards own pipeline.OverrideSections. Snapshot puts them in
// RunRequest.Settings, which applies over the preset and every pack
// sidecar, with two exceptions that keep the packs' own choices:
//
//   - randomizer only while the sidebar's randomizer is enabled. A pack
//     whose sidecar defines its [[slots]] (the sample landscapes_matrix)
//     must not lose them to an untouched sidebar. The job cap
//     (randomizer.max_variants) applies anyway, and so does the randomizer
//     seed when set (RunRequest.RandomizerSeed).
//   - lora_strengths only when the sidebar lists LoRAs (a list replaces the
//     pack's list as a whole).
var SettingsSections = []string{"batch", "output", "randomizer", "lora_strengths", "prompt"}

// settingsPatch returns the sidebar settings a snapshot of c imposes (see
// SettingsSections).
func settingsPatch(c *pipeline.PipelineConfig) *pipeline.Patch {
	const source = "sidebar settings"
	doc := map[string]any{"batch": c.Batch, "output": c.Output, "prompt": c.Prompt}
	if c.Randomizer.Enabled {
		doc["randomizer"] = c.Randomizer
	} else {
		doc["randomizer"] = map[string]int{"max_variants": c.Randomizer.MaxVariants}
	}
	if len(c.LoRAs) > 0 {
		doc["lora_strengths"] = c.LoRAs
	}
	data, err := yaml.Marshal(doc)
	if err == nil {
		var p *pipeline.Patch
		if p, err = pipeline.ParsePatch(data, source); err == nil {
			return p
		}
	}
	// Encoding plain structs cannot fail, and they always fit the schema.
	panic(fmt.Sprintf("app: encoding the sidebar settings: %v", err))
}

// PlanInfo is what the preview learned from the last plan, published for
// the other panels (the randomizer card shows the live job count).
type PlanInfo struct {
	// Building is true while a plan for the current inputs is being made.
	Building bool
	Jobs     int
	Images   int
	// RandomizerSeed is the seed the plan used.
	RandomizerSeed int64
	// Err is why the plan failed, or "".
	Err   string
	Notes []string
}

// RunSnapshot is what the user had set up when they last queued a run:
// "Restore last run" brings it back.
type RunSnapshot struct {
	Time            time.Time               `json:"time"`
	Config          pipeline.PipelineConfig `json:"config"`
	Packs           []string                `json:"packs"`
	Preset          string                  `json:"preset"`
	OverrideEnabled bool                    `json:"override_enabled"`
	// Overridden are the stage fields that overrode the packs.
	Overridden []string `json:"overridden,omitempty"`
}

// State is what the panels show and edit: the configuration under edit,
// the selected packs and preset, the override check, view choices and the
// last run. It is safe for concurrent use; setters never block on I/O and
// never call listeners while holding the lock.
type State struct {
	mu   sync.Mutex
	data stateData
	plan PlanInfo
	// skipLoRAs are LoRAs the user removed from the draft (a WebUI lacks
	// them); not saved.
	skipLoRAs []string
	// reprocess is the reprocess draft, or nil while the packs are planned.
	// It is not saved: a restart plans the packs again.
	reprocess *controller.ReprocessSource

	// outputRoot is used when the configuration names no output folder.
	outputRoot string

	// stageBase is the previewed pack's configuration before the overrides
	// (nil until SetStageBase), stageFrom the pack's id. Not saved.
	stageBase *pipeline.PipelineConfig
	stageFrom string

	// drafts are the unsaved texts of packs, by pack id (not saved; each
	// slice is never changed once stored).
	drafts map[string][]byte

	listeners []*listener
	pending   Change
	scheduled bool
	schedule  func(func())

	store *stateStore
}

type listener struct{ fn func(Change) }

// NewState returns a State that edits cfg (see OpenState for one backed by
// a file). Listeners are called synchronously until SetScheduler.
func NewState(cfg pipeline.PipelineConfig, preset string) *State {
	s := &State{}
	s.data = newStateData(cfg, preset)
	return s
}

// SetScheduler sets how listener calls are delivered: the GUI passes its
// Bridge.Do so that listeners run on the UI goroutine, after the callback
// that made the edits (which coalesces them). nil calls them at once.
func (s *State) SetScheduler(schedule func(func())) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.schedule = schedule
}

// SetDefaultOutputRoot sets the output folder Snapshot uses when the
// configuration names none (the Settings dialog's output root).
func (s *State) SetDefaultOutputRoot(dir string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.outputRoot = dir
}

// OnChange adds a listener and returns a function that removes it.
func (s *State) OnChange(fn func(what Change)) (cancel func()) {
	l := &listener{fn: fn}
	s.mu.Lock()
	s.listeners = append(s.listeners, l)
	s.mu.Unlock()
	return func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.listeners = slices.DeleteFunc(s.listeners, func(x *listener) bool { return x == l })
	}
}

// changed records what changed, under s.mu, and returns the function to
// call once the lock is released.
func (s *State) changed(what Change) (after func()) {
	s.pending |= what
	if what&^transient != 0 {
		s.markDirtyLocked()
	}
	if s.scheduled {
		return func() {}
	}
	s.scheduled = true
	schedule := s.schedule
	return func() {
		if schedule == nil {
			s.flush()
			return
		}
		schedule(s.flush)
	}
}

// flush delivers the pending changes to every listener.
func (s *State) flush() {
	s.mu.Lock()
	what := s.pending
	s.pending, s.scheduled = 0, false
	ls := slices.Clone(s.listeners)
	s.mu.Unlock()
	if what == 0 {
		return
	}
	for _, l := range ls {
		l.fn(what)
	}
}

// update runs fn under the lock; when it reports a change, listeners hear of
// it after the lock is released.
func (s *State) update(fn func(d *stateData) Change) {
	s.mu.Lock()
	what := fn(&s.data)
	after := func() {}
	if what != 0 {
		after = s.changed(what)
	}
	s.mu.Unlock()
	after()
}

// Config returns a copy of the configuration under edit.
func (s *State) Config() pipeline.PipelineConfig {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.data.Config.Clone()
}

// UpdateConfig edits the configuration: fn gets a copy to change. Listeners
// hear ChangeConfig only when something really changed.
// A stage field it changes becomes an override (see Overridden) and turns
// the override check on.
func (s *State) UpdateConfig(fn func(c *pipeline.PipelineConfig)) {
	s.update(func(d *stateData) Change {
		c := d.Config.Clone()
		fn(&c)
		if reflect.DeepEqual(c, d.Config) {
			return 0
		}
		before := d.Config
		d.Config = c
		return ChangeConfig | d.markEditLocked(&before, &c)
	})
}

// SetConfig replaces the configuration under edit (a preset, a pack's or an
// image's settings loaded into the cards): the stage fields where c differs
// from the previewed pack become the overrides, and the override check
// turns on when there are any.
func (s *State) SetConfig(c pipeline.PipelineConfig) {
	s.update(func(d *stateData) Change {
		var what Change
		if !reflect.DeepEqual(c, d.Config) {
			what = ChangeConfig
		}
		keys := s.loadedKeysLocked(&d.Config, &c)
		d.Config = c.Clone()
		if !slices.Equal(keys, d.Overridden) {
			d.Overridden, what = keys, what|ChangeStageBase
		}
		if len(keys) > 0 && !d.OverrideEnabled {
			d.OverrideEnabled, what = true, what|ChangeOverride
		}
		return what
	})
}

// Packs returns the selected pack ids, in plan order.
func (s *State) Packs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.data.Packs)
}

// SetPacks replaces the selected packs (duplicates and blanks dropped).
func (s *State) SetPacks(ids []string) {
	var clean []string
	for _, id := range ids {
		if id != "" && !slices.Contains(clean, id) {
			clean = append(clean, id)
		}
	}
	s.update(func(d *stateData) Change {
		if slices.Equal(clean, d.Packs) {
			return 0
		}
		d.Packs = clean
		return ChangePacks
	})
}

// SetPackSelected adds id to the end of the selection or removes it.
func (s *State) SetPackSelected(id string, on bool) {
	packs := s.Packs()
	if on {
		packs = append(packs, id)
	} else {
		packs = slices.DeleteFunc(packs, func(p string) bool { return p == id })
	}
	s.SetPacks(packs)
}

// Preset returns the selected preset name, or "" for none.
func (s *State) Preset() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.data.Preset
}

// SetPreset selects a preset (layered under the packs in every plan).
func (s *State) SetPreset(name string) {
	s.update(func(d *stateData) Change {
		if d.Preset == name {
			return 0
		}
		d.Preset = name
		return ChangePreset
	})
}

// OverrideEnabled reports the "Override pack configs with current stages" check.
func (s *State) OverrideEnabled() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.data.OverrideEnabled
}

// SetOverrideEnabled sets the override check.
func (s *State) SetOverrideEnabled(on bool) {
	s.update(func(d *stateData) Change {
		if d.OverrideEnabled == on {
			return 0
		}
		d.OverrideEnabled = on
		return ChangeOverride
	})
}

// Reprocess returns a copy of the reprocess draft, or nil when the plan is
// made from the selected packs.
func (s *State) Reprocess() *controller.ReprocessSource {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reprocess.Clone()
}

// SetReprocess makes the draft the given stages on existing images (the
// packs are then left out of the plan), or, with nil, the selected packs
// again.
func (s *State) SetReprocess(r *controller.ReprocessSource) {
	r = r.Clone()
	s.updateTransient(ChangeReprocess, func() bool {
		if reflect.DeepEqual(r, s.reprocess) {
			return false
		}
		s.reprocess = r
		return true
	})
}

// SkippedLoRAs returns the LoRAs removed from the draft.
func (s *State) SkippedLoRAs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.skipLoRAs)
}

// SkipLoRA removes a LoRA's tags from the draft's prompts (on), or gives
// them back (off). It is not saved: a restart plans the packs as written.
func (s *State) SkipLoRA(name string, on bool) {
	s.updateTransient(ChangeSkipLoRAs, func() bool {
		i := slices.Index(s.skipLoRAs, name)
		switch {
		case on && i < 0:
			s.skipLoRAs = append(s.skipLoRAs, name)
		case !on && i >= 0:
			s.skipLoRAs = slices.Delete(s.skipLoRAs, i, i+1)
		default:
			return false
		}
		return true
	})
}

// updateTransient runs set under the lock for a part the state file does
// not hold; when set reports a change, listeners hear what.
func (s *State) updateTransient(what Change, set func() (changed bool)) {
	s.mu.Lock()
	after := func() {}
	if set() {
		after = s.changed(what)
	}
	s.mu.Unlock()
	after()
}

// View returns the view choices (filters, sizes) to restore.
func (s *State) View() ViewState {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.data.View
	v.Collapsed = slices.Clone(v.Collapsed)
	return v
}

// UpdateView edits the view choices.
func (s *State) UpdateView(fn func(v *ViewState)) {
	s.update(func(d *stateData) Change {
		v := d.View
		v.Collapsed = slices.Clone(v.Collapsed)
		fn(&v)
		if reflect.DeepEqual(v, d.View) {
			return 0
		}
		d.View = v
		return ChangeView
	})
}

// PlanInfo returns what the preview last published.
func (s *State) PlanInfo() PlanInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.plan
	p.Notes = slices.Clone(p.Notes)
	return p
}

// SetPlanInfo publishes the preview's plan summary (not persisted).
func (s *State) SetPlanInfo(p PlanInfo) {
	p.Notes = slices.Clone(p.Notes)
	s.updateTransient(ChangePlan, func() bool {
		if reflect.DeepEqual(p, s.plan) {
			return false
		}
		s.plan = p
		return true
	})
}

// RecordRun remembers the current setup as the last run (call it when Add
// to Queue or Run Now has submitted jobs).
func (s *State) RecordRun() {
	s.update(func(d *stateData) Change {
		d.LastRun = &RunSnapshot{
			Time:            time.Now().UTC(),
			Config:          d.Config.Clone(),
			Packs:           slices.Clone(d.Packs),
			Preset:          d.Preset,
			OverrideEnabled: d.OverrideEnabled,
			Overridden:      slices.Clone(d.Overridden),
		}
		return ChangeLastRun
	})
}

// LastRun returns a copy of the last recorded run, if there is one.
func (s *State) LastRun() (RunSnapshot, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.data.LastRun == nil {
		return RunSnapshot{}, false
	}
	r := *s.data.LastRun
	r.Config = r.Config.Clone()
	r.Packs = slices.Clone(r.Packs)
	return r, true
}

// RestoreLastRun brings back the configuration, packs, preset and override
// check of the last recorded run. It reports false when there is none.
func (s *State) RestoreLastRun() bool {
	ok := false
	s.update(func(d *stateData) Change {
		if d.LastRun == nil {
			return 0
		}
		ok = true
		r := d.LastRun
		var what Change
		if !reflect.DeepEqual(d.Config, r.Config) {
			d.Config, what = r.Config.Clone(), what|ChangeConfig
		}
		if !slices.Equal(d.Packs, r.Packs) {
			d.Packs, what = slices.Clone(r.Packs), what|ChangePacks
		}
		if d.Preset != r.Preset {
			d.Preset, what = r.Preset, what|ChangePreset
		}
		if d.OverrideEnabled != r.OverrideEnabled {
			d.OverrideEnabled, what = r.OverrideEnabled, what|ChangeOverride
		}
		over := r.Overridden
		if over == nil && r.OverrideEnabled {
			def := pipeline.Defaults()
			over = overrideKeys(&def, &r.Config) // a run recorded before field overrides
		}
		if !slices.Equal(d.Overridden, over) {
			d.Overridden, what = slices.Clone(over), what|ChangeStageBase
		}
		return what
	})
	return ok
}

// Snapshot returns the run request for the current setup: plain data that
// shares nothing with the State, safe to plan on another goroutine.
// Settings are the sidebar's sections (see SettingsSections); Overrides are
// the stage fields the user changed (Overridden), used only when
// OverrideEnabled; a randomizer seed other
// than -1 is RandomizerSeed; Reprocess is the reprocess draft, if any.
// RunMode is queue; the caller sets Source.
func (s *State) Snapshot() controller.RunRequest {
	s.mu.Lock()
	cfg := s.data.Config.Clone()
	req := controller.RunRequest{
		RunMode:         pipeline.RunModeQueue,
		Packs:           slices.Clone(s.data.Packs),
		Preset:          s.data.Preset,
		OverrideEnabled: s.data.OverrideEnabled,
		Reprocess:       s.reprocess.Clone(),
		SkipLoRAs:       slices.Clone(s.skipLoRAs),
	}
	for id, text := range s.drafts {
		if slices.Contains(req.Packs, id) {
			if req.PackDrafts == nil {
				req.PackDrafts = map[string][]byte{}
			}
			req.PackDrafts[id] = text
		}
	}
	overridden := slices.Clone(s.data.Overridden)
	if cfg.Output.Root == "" {
		req.OutputRoot = s.outputRoot
	}
	s.mu.Unlock()
	if seed := cfg.Randomizer.Seed; seed >= 0 {
		req.RandomizerSeed = &seed
	}
	req.Settings = settingsPatch(&cfg)
	// Only the fields the user changed override the packs. The keys come
	// from DiffConfigs over the same type, so they always name fields.
	over, err := pipeline.PatchFromFields(cfg, "stage cards", overridden...)
	if err != nil {
		panic(fmt.Sprintf("app: the overridden stage fields: %v", err))
	}
	req.Overrides = over
	return req
}

// SetPackDraft sets the unsaved text of pack id, which plans use in place
// of its file while the pack is selected (RunRequest.PackDrafts); nil
// clears it. The text is copied.
func (s *State) SetPackDraft(id string, text []byte) {
	s.updateTransient(ChangeDrafts, func() bool {
		old, had := s.drafts[id]
		if text == nil {
			if !had {
				return false
			}
			delete(s.drafts, id)
			return true
		}
		if had && string(old) == string(text) {
			return false
		}
		if s.drafts == nil {
			s.drafts = map[string][]byte{}
		}
		s.drafts[id] = slices.Clone(text)
		return true
	})
}

// PackDraft returns the unsaved text of pack id, if any.
func (s *State) PackDraft(id string) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.drafts[id]
	return t, ok
}

// logger returns the state's logger.
func (s *State) logger() *slog.Logger {
	if s.store != nil && s.store.log != nil {
		return s.store.log
	}
	return slog.Default()
}
