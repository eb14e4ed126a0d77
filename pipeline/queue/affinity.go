package queue

// CheckpointAffinity reports whether a free worker prefers jobs for the
// checkpoint its WebUI has loaded (Options.CheckpointAffinity, or the last
// SetCheckpointAffinity).
func (s *Service) CheckpointAffinity() bool { return s.affinity.Load() }

// SetCheckpointAffinity turns checkpoint affinity on or off for the jobs
// workers take from now on (a running job is not affected). It is not
// stored in the database: the app's settings own it.
func (s *Service) SetCheckpointAffinity(on bool) {
	if s.affinity.Swap(on) != on {
		s.log.Info("checkpoint affinity changed", "checkpoint_affinity", on)
		s.kick() // idle workers may now prefer another job; they look again
	}
}
