package resources

// Kind is a kind of named resource.
type Kind string

// The kinds of resources a job can name.
const (
	KindCheckpoint     Kind = "checkpoint"
	KindVAE            Kind = "VAE"
	KindSampler        Kind = "sampler"
	KindScheduler      Kind = "scheduler"
	KindHiresUpscaler  Kind = "hires upscaler"
	KindUpscaler       Kind = "upscaler"
	KindADetailer      Kind = "ADetailer extension"
	KindADetailerModel Kind = "ADetailer model"
	KindLoRA           Kind = "LoRA"
	KindEmbedding      Kind = "embedding"
)

// Kinds lists every kind, in the order reports give them.
var Kinds = []Kind{KindCheckpoint, KindVAE, KindSampler, KindScheduler, KindHiresUpscaler, KindUpscaler,
	KindADetailer, KindADetailerModel, KindLoRA, KindEmbedding}

// Required reports whether a job cannot run as planned without a resource
// of kind k. A missing LoRA or embedding is only a warning: A1111 ignores
// it silently and the job still runs (the user decides).
func (k Kind) Required() bool { return k != KindLoRA && k != KindEmbedding }

// order is k's place in Kinds, for sorting.
func (k Kind) order() int {
	for i, x := range Kinds {
		if x == k {
			return i
		}
	}
	return len(Kinds)
}

// ParseKind reads a kind as Kind's String gives it ("checkpoint", "LoRA"),
// in any case.
func ParseKind(s string) (Kind, bool) {
	for _, k := range Kinds {
		if equalFold(string(k), s) {
			return k, true
		}
	}
	return "", false
}
