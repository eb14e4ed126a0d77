package pipeline

// The bounds every prompt source is held to: packs, the randomizer, the
// CLI's expand and the GUI's prompt tab all refuse input past them with an
// error, instead of running out of memory or time. The combination cap is
// HardMaxVariants.
const (
	// MaxPromptBytes is the longest prompt (positive or negative, after
	// expansion) StableNew builds or accepts: 32 KiB of UTF-8, hundreds of
	// times what a checkpoint reads.
	MaxPromptBytes = 32 << 10
	// MaxNesting is the deepest nesting of {…} groups, ${…} and %{…}
	// commands in one template, and of wildcards whose values use other
	// wildcards.
	MaxNesting = 64
)
